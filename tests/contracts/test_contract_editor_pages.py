"""The pages that edit a draft contract's payment mechanism, service levels, milestones and PPP financial
plan: what the preparer types is what is stored (percentages typed as percent, numbers in the reader's
format); bad input is a 400 with the message next to its field and nothing written; the reviewer, the
vendor and the agency's evaluator read the rows, another organisation gets the 404, anonymous the
sign-in page, and none of them writes; a contract under review is read-only for its preparer too (409
on POST); each page does a constant number of queries whatever the number of rows.

The contract is tests/contracts/test_contracting.py's: bid A wins at 3,041,920,000 VND; the terms run
2026-01-01 to 2028-12-31 (a service hire, or a BOT contract for the revenue band and the plan).
"""

from __future__ import annotations

import datetime as dt
import html
import re
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from contracts.models import Contract, FinancialPlanYear, Milestone, PaymentMechanism, ServiceLevel
from contracts.services import contracting
from ppp import rules
from tests.contracts.test_agency_pages import client_for
from tests.contracts.test_contracting import FIXED_FEE, TERMS, awarded
from tests.roles import assert_nothing_written

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def contract(world) -> Contract:
    contract = awarded(world)
    return contracting.contract_update(actor=world["finance"], contract=contract, **TERMS)


@pytest.fixture
def bot(world, contract) -> Contract:
    return contracting.contract_update(actor=world["finance"], contract=contract, contract_type="BOT")


def url(name: str, contract: Contract) -> str:
    return reverse(f"contracts:{name}", args=[contract.pk])


def text_of(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()


def error_at(response, name: str) -> str:  # type: ignore[no-untyped-def]
    """The error text shown next to the input `name` (empty when there is none)."""
    found = re.search(rf'data-testid="error-{name}">(.*?)</div>', text_of(response), re.S)
    if found is None:
        return ""
    return html.unescape(re.sub(r"<[^>]+>", "", found.group(1))).replace("Error:", "").strip()


def input_value(response, name: str) -> str | None:
    found = re.search(rf'<input[^>]*name="{name}"[^>]*>', text_of(response))
    if found is None:
        return None
    value = re.search(r'value="([^"]*)"', found.group(0))
    return value.group(1) if value else ""


def saved_mechanisms(contract: Contract) -> list[tuple[str, dict[str, Any]]]:
    return [(m.kind, m.parameters) for m in PaymentMechanism.objects.filter(contract=contract)]


# --- what is typed is what is stored ------------------------------------------------------------------

# Typed the Vietnamese way: 1.000.000.000 and 7,5.
MECHANISMS_VI = {
    "fixed_fee__include": "on",
    "fixed_fee__fee_per_period": "1.000.000.000",
    "fixed_fee__period": "annual",
    "fixed_fee__indexation_rate": "4",
    "per_transaction__include": "on",
    "per_transaction__service_0": "birth_registration",
    "per_transaction__fee_0": "5.000",
    "per_transaction__service_2": "business_licence",  # a blank row between is ignored
    "per_transaction__fee_2": "12.000",
    "tiered_share__include": "on",
    "tiered_share__basis": "revenue",
    "tiered_share__from_0": "0",
    "tiered_share__to_0": "1.000.000.000",
    "tiered_share__share_0": "5",
    "tiered_share__from_1": "1.000.000.000",
    "tiered_share__share_1": "7,5",
    "availability__include": "on",
    "availability__annual_payment": "7.000.000.000",
    "availability__periods_per_year": "365",
    "availability__still_used_factor": "50",
    "service_credits__include": "on",
    "service_credits__method": "shortfall_share",
    "service_credits__cap_share": "10",
    "minimum_guarantee__include": "on",
    "minimum_guarantee__floor": "500.000.000",
    "minimum_guarantee__cap": "3.000.000.000",
    # Not ticked: its fields, even a wrong one, are ignored.
    "revenue_cap__cap": "not a number",
    "revenue_band__include": "on",
    "revenue_band__upper_threshold": "120",
    "revenue_band__lower_threshold": "80",
    "revenue_band__share": "50",
    "revenue_band__share_basis": "threshold",
    "revenue_band__downside": "on",
}


def test_the_preparer_saves_every_mechanism_as_typed_with_percent_as_fractions(world, bot):
    client = client_for(world["finance"])  # Vietnamese
    form = client.get(url("contract_mechanisms", bot))
    assert form.status_code == 200
    assert 'data-testid="mechanisms-form"' in text_of(form)
    assert input_value(form, "revenue_band__upper_threshold") == "125"  # the rule book's default

    response = client.post(url("contract_mechanisms", bot), MECHANISMS_VI)

    assert response.status_code == 302
    assert response.url == url("contract_detail", bot)
    with translation.override("vi"):  # the message in the reader's language, whether translated yet or not
        assert [str(m) for m in get_messages(response.wsgi_request)] == [gettext("Payment mechanism saved.")]
    cite = rules.get("ppp.revenue_band", dt.datetime.now(dt.UTC)).cite()
    assert saved_mechanisms(bot) == [
        ("fixed_fee", {"fee_per_period": "1000000000", "period": "annual", "indexation_rate": "0.04"}),
        ("per_transaction", {"fees": {"birth_registration": "5000", "business_licence": "12000"}}),
        ("tiered_share", {"basis": "revenue", "tiers": [
            {"from": "0", "to": "1000000000", "share": "0.05"},
            {"from": "1000000000", "to": None, "share": "0.075"},
        ]}),
        ("availability", {"annual_payment": "7000000000", "periods_per_year": 365,
                          "still_used_factor": "0.5"}),
        ("service_credits", {"method": "shortfall_share", "cap_share": "0.1"}),
        ("minimum_guarantee", {"floor": "500000000", "cap": "3000000000"}),
        ("revenue_band", {"upper_threshold": "1.2", "lower_threshold": "0.8", "share": "0.5",
                          "share_basis": "threshold", "downside": True, "rule": cite}),
    ]  # fmt: skip
    assert list(bot.authors.all()) == [world["finance"]]


def test_the_form_is_prefilled_with_the_saved_mechanism_and_saving_it_unchanged_keeps_it(world, bot):
    client = client_for(world["finance"])
    client.post(url("contract_mechanisms", bot), MECHANISMS_VI)
    before = saved_mechanisms(bot)

    form = client.get(url("contract_mechanisms", bot))

    assert input_value(form, "tiered_share__to_0") == "1.000.000.000"
    assert input_value(form, "tiered_share__share_1") == "7,5"
    assert input_value(form, "tiered_share__to_1") == ""
    assert input_value(form, "fixed_fee__indexation_rate") == "4"
    assert (
        input_value(form, "per_transaction__service_1") == "business_licence"
    )  # the saved ones first, by service code (PostgreSQL keeps no key order)
    assert 'name="revenue_cap__include"' in text_of(form)
    assert re.search(r'name="fixed_fee__include"[^>]*checked', text_of(form))
    assert not re.search(r'name="revenue_cap__include"[^>]*checked', text_of(form))
    fields = {
        name: input_value(form, name)
        for name in re.findall(r'<input[^>]*name="([^"]+)"', text_of(form))
        if name != "csrfmiddlewaretoken"
        and not name.endswith("__include")
        and name != "revenue_band__downside"
    }
    unchanged = {name: value for name, value in fields.items() if value}
    unchanged.update({f"{kind}__include": "on" for kind, _parameters in before})
    unchanged.update({"fixed_fee__period": "annual", "tiered_share__basis": "revenue",
                      "service_credits__method": "shortfall_share", "revenue_band__share_basis": "threshold",
                      "revenue_band__downside": "on"})  # fmt: skip
    assert client.post(url("contract_mechanisms", bot), unchanged).status_code == 302
    assert saved_mechanisms(bot) == before


def test_a_service_hire_has_no_revenue_band_fieldset(world, contract):
    page = text_of(client_for(world["finance"], "en").get(url("contract_mechanisms", contract)))
    assert 'data-testid="mechanism-fixed_fee"' in page
    assert 'data-testid="mechanism-revenue_band"' not in page
    assert "applies to PPP contracts only" in page


def test_an_english_reader_types_english_numbers(world, contract):
    response = client_for(world["finance"], "en").post(
        url("contract_mechanisms", contract),
        {"tiered_share__include": "on", "tiered_share__basis": "volume", "tiered_share__from_0": "0",
         "tiered_share__to_0": "1,000,000,000", "tiered_share__share_0": "5",
         "tiered_share__from_1": "1,000,000,000", "tiered_share__share_1": "7.5"},
    )  # fmt: skip
    assert response.status_code == 302
    assert saved_mechanisms(contract) == [
        ("tiered_share", {"basis": "volume", "tiers": [
            {"from": "0", "to": "1000000000", "share": "0.05"},
            {"from": "1000000000", "to": None, "share": "0.075"},
        ]}),
    ]  # fmt: skip


LEVELS_VI = {
    "level_0_code": "AVAIL",
    "level_0_name": "Tính sẵn sàng của cổng",
    "level_0_target": "99,5",
    "level_0_unit": "%",
    "level_0_period": "monthly",
    "level_0_rule_kind": "service_credit",
    "level_0_rule_rate": "5",
    "level_1_unit": "%",  # a blank row (its default unit does not count)
    "level_2_code": "RESP",
    "level_2_name": "Thời gian phản hồi sự cố",
    "level_2_target": "4",
    "level_2_unit": "giờ",
    "level_2_period": "quarterly",
    "level_2_rule_kind": "deduction",
    "level_2_rule_rate": "2,5",
}


def test_the_preparer_saves_the_service_levels_as_typed(world, contract):
    client = client_for(world["finance"])
    form = client.get(url("contract_service_levels", contract))
    assert text_of(form).count('data-testid="service-levels-table-row-') == 3  # none saved: 3 blank rows

    response = client.post(url("contract_service_levels", contract), LEVELS_VI)

    assert response.status_code == 302 and response.url == url("contract_detail", contract)
    assert list(
        ServiceLevel.objects.filter(contract=contract).values_list(
            "position", "code", "name", "target", "unit", "period", "rule"
        )
    ) == [
        (0, "AVAIL", "Tính sẵn sàng của cổng", D("99.5"), "%", "monthly",
         {"kind": "service_credit", "rate": "0.05"}),
        (1, "RESP", "Thời gian phản hồi sự cố", D("4"), "giờ", "quarterly",
         {"kind": "deduction", "rate": "0.025"}),
    ]  # fmt: skip
    again = client.get(url("contract_service_levels", contract))
    assert text_of(again).count('data-testid="service-levels-table-row-') == 2 + 3
    assert input_value(again, "level_0_target") == "99,5"
    assert input_value(again, "level_1_rule_rate") == "2,5"


def test_the_preparer_saves_the_milestones_as_typed(world, contract):
    client = client_for(world["finance"])
    response = client.post(
        url("contract_milestones", contract),
        {"milestone_0_name": "Triển khai cổng", "milestone_0_due_date": "2026-06-30",
         "milestone_0_amount": "500.000.000", "milestone_0_acceptance_criteria": "Biên bản nghiệm thu",
         "milestone_2_name": "Vận hành chính thức", "milestone_2_due_date": "2027-01-15"},
    )  # fmt: skip
    assert response.status_code == 302 and response.url == url("contract_detail", contract)
    assert list(
        Milestone.objects.filter(contract=contract).values_list(
            "position", "name", "due_date", "amount", "acceptance_criteria"
        )
    ) == [
        (0, "Triển khai cổng", dt.date(2026, 6, 30), D("500000000"), "Biên bản nghiệm thu"),
        (1, "Vận hành chính thức", dt.date(2027, 1, 15), None, ""),
    ]
    again = client.get(url("contract_milestones", contract))
    assert input_value(again, "milestone_0_due_date") == "2026-06-30"
    assert input_value(again, "milestone_0_amount") == "500.000.000"


def test_the_plan_has_a_row_per_year_of_the_term_and_free_rows(world, bot):
    client = client_for(world["finance"])
    form = client.get(url("contract_plan", bot))
    assert [input_value(form, f"revenue_{year}") for year in (2025, 2026, 2027, 2028, 2029)] == [
        None, "", "", "", None,
    ]  # fmt: skip

    response = client.post(
        url("contract_plan", bot),
        {"revenue_2026": "12.000.000.000", "revenue_2027": "12.500.000,5", "revenue_2028": "",
         "extra_1_year": "2029", "extra_1_amount": "13.000.000.000"},
    )  # fmt: skip

    assert response.status_code == 302 and response.url == url("contract_detail", bot)
    assert list(FinancialPlanYear.objects.filter(contract=bot).values_list("year", "projected_revenue")) == [
        (2026, D("12000000000")),
        (2027, D("12500000.5")),
        (2029, D("13000000000")),
    ]
    again = client.get(url("contract_plan", bot))
    assert input_value(again, "revenue_2027") == "12.500.000,5"
    assert (input_value(again, "extra_0_year"), input_value(again, "extra_0_amount")) == (
        "2029",
        "13.000.000.000",
    )


def test_a_service_hire_has_no_financial_plan(world, contract):
    client = client_for(world["finance"], "en")
    page = text_of(client.get(url("contract_plan", contract)))
    assert "A financial plan belongs to a PPP contract; this one is IT service hire." in page
    assert 'data-testid="plan-form"' not in page
    with assert_nothing_written(contract):
        response = client.post(url("contract_plan", contract), {"revenue_2026": "1000"})
    assert response.status_code == 400
    assert "a financial plan belongs to a PPP contract" in text_of(response)


# --- bad input: 400, the message next to the field, nothing written -----------------------------------


def level(n: int) -> dict[str, str]:
    """A valid service level typed in row `n`: 99 % a month, a 5 % service credit."""
    return {f"level_{n}_code": "AVAIL", f"level_{n}_name": "Sẵn sàng", f"level_{n}_target": "99",
            f"level_{n}_unit": "%", f"level_{n}_period": "monthly", f"level_{n}_rule_kind": "service_credit",
            f"level_{n}_rule_rate": "5"}  # fmt: skip


OVERLAP = {"tiered_share__include": "on", "tiered_share__basis": "revenue",
           "tiered_share__from_0": "0", "tiered_share__to_0": "100", "tiered_share__share_0": "5",
           "tiered_share__from_1": "50", "tiered_share__share_1": "7"}  # fmt: skip


@pytest.mark.parametrize(
    ("page", "data", "field", "message"),
    [
        ("contract_mechanisms", OVERLAP,
         "tiered_share__from_1", "overlaps the band before it (which ends at 100)"),
        # The second band was typed in the third row: the message follows it there.
        ("contract_mechanisms", {**OVERLAP, "tiered_share__from_1": "", "tiered_share__share_1": "",
                                 "tiered_share__from_2": "150", "tiered_share__share_2": "7"},
         "tiered_share__from_2", "leaves a gap after the band before it (which ends at 100)"),
        ("contract_mechanisms", {**OVERLAP, "tiered_share__share_0": "150"},
         "tiered_share__share_0", "must be at most 100%"),
        ("contract_mechanisms", {"minimum_guarantee__include": "on", "minimum_guarantee__floor": "300",
                                 "minimum_guarantee__cap": "200"},
         "minimum_guarantee__floor", "must be below the cap"),
        ("contract_mechanisms", {"fixed_fee__include": "on", "fixed_fee__fee_per_period": "1000",
                                 "fixed_fee__period": "annual", "fixed_fee__indexation_rate": "abc"},
         "fixed_fee__indexation_rate", "Enter a number."),
        ("contract_mechanisms", {"per_transaction__include": "on", "per_transaction__fee_0": "5000"},
         "per_transaction__service_0", "Name the service."),
        ("contract_mechanisms", {"per_transaction__include": "on",
                                 "per_transaction__service_0": "tax_filing"},
         "per_transaction__fee_0", "This field is required."),
        ("contract_mechanisms", {"tiered_share__include": "on", "tiered_share__basis": "revenue"},
         "tiered_share__include", "give at least one band"),
        ("contract_service_levels", {**level(0), "level_0_target": "120"},
         "level_0_target", "a percentage is at most 100"),
        ("contract_service_levels", {**level(1), "level_1_rule_rate": "101"},
         "level_1_rule_rate", "must be at most 100%"),
        ("contract_service_levels", {**level(0), "level_0_rule_kind": ""},
         "level_0_rule_kind", "must be service_credit or deduction"),
        ("contract_milestones", {"milestone_0_name": "Bàn giao", "milestone_0_due_date": "2029-03-01"},
         "milestone_0_due_date", "must fall within the contract's term"),
        ("contract_milestones", {"milestone_1_due_date": "2026-03-01"},
         "milestone_1_name", "This field is required."),
        ("contract_plan", {"revenue_2027": "1000", "extra_0_year": "2027", "extra_0_amount": "2000"},
         "extra_0_year", "appears twice"),
        ("contract_plan", {"revenue_2026": "1000", "extra_0_year": "2030", "extra_0_amount": "abc"},
         "extra_0_amount", "Enter a number."),
        ("contract_plan", {"extra_2_year": "2031"}, "extra_2_amount", "This field is required."),
    ],
)  # fmt: skip
def test_bad_input_is_a_400_with_the_message_next_to_the_field_and_nothing_written(
    world, bot, page, data, field, message
):
    # Something saved already: a refused save must leave it exactly as it was.
    contracting.mechanisms_save(
        actor=world["finance"],
        contract=bot,
        mechanisms=[{"kind": "fixed_fee", "parameters": {"fee_per_period": "1", "period": "annual"}}],
    )
    contracting.service_levels_save(
        actor=world["finance"], contract=bot,
        levels=[{"code": "UP", "name": "Uptime", "target": "99", "period": "monthly",
                 "rule": {"kind": "service_credit", "rate": "0.01"}}],
    )  # fmt: skip
    contracting.milestones_save(
        actor=world["finance"], contract=bot, milestones=[{"name": "Go-live", "due_date": "2026-03-01"}]
    )
    contracting.financial_plan_save(actor=world["finance"], contract=bot, revenue={"2026": "5"})
    kept = [bot.mechanisms.get(), bot.service_levels.get(), bot.milestones.get(), bot.financial_plan.get()]
    client = client_for(world["finance"], "en")

    with assert_nothing_written(bot, *kept):
        response = client.post(url(page, bot), data)

    assert response.status_code == 400
    assert error_at(response, field) == message, text_of(response)
    assert 'data-testid="form-errors"' in text_of(response)


def test_milestones_above_the_contract_value_are_refused_at_the_top_of_the_form(world, contract):
    # 2,000,000,000 + 1,041,920,001 = 3,041,920,001: one VND above the contract value.
    client = client_for(world["finance"], "en")
    two = {"milestone_0_name": "A", "milestone_0_due_date": "2026-03-01",
           "milestone_0_amount": "2,000,000,000", "milestone_1_name": "B",
           "milestone_1_due_date": "2027-03-01"}  # fmt: skip
    with assert_nothing_written(contract):
        response = client.post(
            url("contract_milestones", contract), {**two, "milestone_1_amount": "1,041,920,001"}
        )
    assert response.status_code == 400
    summary = re.search(r'data-testid="form-errors">(.*?)</div>', text_of(response), re.S)
    assert summary and "the payments add up to more than the contract value" in summary.group(1)
    response = client.post(
        url("contract_milestones", contract), {**two, "milestone_1_amount": "1,041,920,000"}
    )
    assert response.status_code == 302


# --- who reads, who writes ------------------------------------------------------------------------------

VALID = {
    "contract_mechanisms": {"revenue_cap__include": "on", "revenue_cap__cap": "3000000000"},
    "contract_service_levels": {"level_0_code": "X", "level_0_name": "X", "level_0_target": "1",
                                "level_0_unit": "giờ", "level_0_period": "annual",
                                "level_0_rule_kind": "deduction", "level_0_rule_rate": "1"},
    "contract_milestones": {"milestone_0_name": "X", "milestone_0_due_date": "2026-02-01"},
    "contract_plan": {"revenue_2026": "1"},
}  # fmt: skip
# Input the form would refuse: a reader still gets the 403 (or the 409), never the form back.
INVALID = {
    "contract_mechanisms": {"revenue_cap__include": "on", "revenue_cap__cap": "abc"},
    "contract_service_levels": {"level_0_code": "X", "level_0_target": "abc"},
    "contract_milestones": {"milestone_0_name": "X", "milestone_0_due_date": "31/31/2026"},
    "contract_plan": {"revenue_2026": "abc"},
}
PAGES = list(VALID)
READ_ONLY = {
    "contract_mechanisms": "mechanisms-read-only",
    "contract_service_levels": "service-levels-read-only",
    "contract_milestones": "milestones-read-only",
    "contract_plan": "plan-read-only",
}


@pytest.mark.parametrize("page", PAGES)
def test_readers_see_the_rows_and_may_not_write(world, bot, page):
    # A fixed fee of 1,000,000,000 a year, indexed 4 %.
    contracting.mechanisms_save(actor=world["finance"], contract=bot, mechanisms=[FIXED_FEE])
    contracting.service_levels_save(
        actor=world["finance"], contract=bot,
        levels=[{"code": "UP", "name": "Uptime", "target": "99.9", "period": "monthly",
                 "rule": {"kind": "service_credit", "rate": "0.02"}}],
    )  # fmt: skip
    contracting.milestones_save(
        actor=world["finance"], contract=bot,
        milestones=[{"name": "Go-live", "due_date": "2026-03-01", "amount": "250000000"}],
    )  # fmt: skip
    contracting.financial_plan_save(actor=world["finance"], contract=bot, revenue={"2026": "12000000000"})
    shown = {
        "contract_mechanisms": ["Fixed service fee, indexed", "1,000,000,000", "4%"],
        "contract_service_levels": ["Uptime", "99.9 %", "2%"],
        "contract_milestones": ["Go-live", "2026-03-01", "250,000,000 VND"],
        "contract_plan": ["2026", "12,000,000,000 VND"],
    }[page]
    for who in ("approver", "signatory_a", "evaluator"):
        client = client_for(world[who], "en")
        response = client.get(url(page, bot))
        assert response.status_code == 200, who
        body = text_of(response)
        assert f'data-testid="{READ_ONLY[page]}"' in body and 'data-testid="read-only"' in body
        assert '<form method="post" novalidate' not in body
        for text in shown:
            assert text in body, (who, text)
        with assert_nothing_written(bot):
            assert client.post(url(page, bot), VALID[page]).status_code == 403, who
            assert client.post(url(page, bot), INVALID[page]).status_code == 403, who


@pytest.mark.parametrize("page", PAGES)
def test_another_organisation_gets_the_404_and_anonymous_the_sign_in_page(world, bot, page):
    outsider = client_for(world["outsider"], "en")
    anonymous = client_for(None, "en")
    assert outsider.get(url(page, bot)).status_code == 404
    response = anonymous.get(url(page, bot))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    with assert_nothing_written(bot):
        assert outsider.post(url(page, bot), VALID[page]).status_code == 404
        response = anonymous.post(url(page, bot), VALID[page])
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("page", PAGES)
def test_a_contract_under_review_is_read_only_for_its_preparer_and_a_save_is_a_409(world, bot, page):
    contracting.mechanisms_save(actor=world["finance"], contract=bot, mechanisms=[FIXED_FEE])
    contracting.financial_plan_save(actor=world["finance"], contract=bot, revenue={"2026": "12000000000"})
    contracting.contract_submit(actor=world["finance"], contract=bot)
    client = client_for(world["finance"], "en")

    response = client.get(url(page, bot))
    assert response.status_code == 200
    assert "The contract is under review: its terms change only by an amendment." in text_of(response)
    assert '<form method="post" novalidate' not in text_of(response)

    with assert_nothing_written(bot):
        assert client.post(url(page, bot), INVALID[page]).status_code == 409
        response = client.post(url(page, bot), VALID[page])
    assert response.status_code == 409
    assert "A contract under review cannot be changed; change it by an amendment." in text_of(response)
    assert f'data-testid="{READ_ONLY[page]}"' in text_of(response)


# --- queries ----------------------------------------------------------------------------------------------


def get_queries(client, address: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as queries:
        assert client.get(address).status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", PAGES)
def test_each_editor_does_a_constant_number_of_queries_whatever_the_rows(world, bot, page):
    client = client_for(world["finance"])
    reader = client_for(world["approver"])
    few = (get_queries(client, url(page, bot)), get_queries(reader, url(page, bot)))
    contracting.mechanisms_save(actor=world["finance"], contract=bot, mechanisms=[
        {"kind": "fixed_fee", "parameters": {"fee_per_period": "1", "period": "annual"}},
        {"kind": "per_transaction", "parameters": {"fees": {f"s{n}": "1" for n in range(8)}}},
        {"kind": "tiered_share", "parameters": {"tiers": [
            {"from": str(n * 10), "to": str(n * 10 + 10) if n < 7 else None, "share": "0.1"}
            for n in range(8)]}},
        {"kind": "revenue_cap", "parameters": {"cap": "100"}},
    ])  # fmt: skip
    contracting.service_levels_save(actor=world["finance"], contract=bot, levels=[
        {"code": f"K{n}", "name": "K", "target": "9", "period": "monthly",
         "rule": {"kind": "deduction", "rate": "0"}}
        for n in range(6)
    ])  # fmt: skip
    contracting.milestones_save(actor=world["finance"], contract=bot, milestones=[
        {"name": f"M{n}", "due_date": f"2026-0{n + 1}-01"} for n in range(6)
    ])  # fmt: skip
    contracting.financial_plan_save(
        actor=world["finance"], contract=bot, revenue={str(year): "1" for year in range(2026, 2034)}
    )
    many = (get_queries(client, url(page, bot)), get_queries(reader, url(page, bot)))
    assert many == few, (few, many)
