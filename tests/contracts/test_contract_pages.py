"""The contract's pages: the role matrix over every page and operation, the maker-checker refusals
(the author directly, through a second membership, the vendor), the terms form's bad input, an
amendment from the form to its diff between versions, the history with before and after, and a
constant number of queries on the contract page.

Figures by hand: the award's contract price is 3,041,920,000 VND (tests/contracts/test_contracting.py);
raising SUPPORT's third-year unit price from 260,000,000 to 300,000,000 (2 units) changes the value by
78,400,000, 2.5773 % of the original, to 3,120,320,000 (worked out in tests/contracts/test_amendments.py).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contracts.models import (
    Contract,
    ContractAmendment,
    ContractDecision,
    ContractStatus,
    Milestone,
    ServiceLevel,
)
from contracts.services import amendments, contracting
from ppp.models import Membership, Role
from tests.contracts.test_agency_pages import client_for, money, text_of
from tests.contracts.test_amendments import active, amend
from tests.contracts.test_contracting import TERMS, awarded, ready
from tests.factories import member
from tests.roles import assert_nothing_written

pytestmark = pytest.mark.django_db


def url(name: str, contract: Contract, *args: Any) -> str:
    return reverse(f"contracts:{name}", args=[contract.pk, *args])


def terms_form(**changes: str) -> dict[str, Any]:
    data = {**TERMS, "performance_security_rate": "5", **changes}
    return {k: v for k, v in data.items() if v is not None}


def amendment_form(contract: Contract, **changes: str) -> dict[str, Any]:
    """What the amendment form posts when nothing is changed: the terms and prices in force."""
    data: dict[str, Any] = {
        "rationale": "price_adjustment",
        "description": "Điều chỉnh giá nhân công năm thứ ba",
        **{k: v for k, v in TERMS.items() if k != "contract_type"},
        "performance_security_rate": "5",
    }
    for row, (_code, line) in enumerate(amendments._schedule(contract).items()):
        for index, price in enumerate(line["prices"]):
            data[f"price_{row}_{index}"] = format(price, "f")
    data.update(changes)
    return data


def support_row(contract: Contract) -> int:
    return list(amendments._schedule(contract)).index("SUPPORT")


def field_error(page: str, name: str) -> str:
    """The error text the page shows next to a field (templates/_field.html)."""
    match = re.search(rf'id="id_{name}_error">(.*?)</div>', page, re.S)
    return re.sub(r"<[^>]+>|Error:|Lỗi:", "", match.group(1)).strip() if match else ""


# --- the role matrix --------------------------------------------------------------------------------

PAGES = ("contract_detail", "contract_edit", "contract_history", "contract_versions", "amendment_list")
# What each person gets on an active contract's pages: the agency's finance officer (the edit page
# sends a non-draft back to the contract), the reviewing body's approver, the vendor's signatory,
# another vendor, another agency's finance officer.
EXPECTED = {
    "finance": {"contract_detail": 200, "contract_edit": 302, "contract_history": 200,
                "contract_versions": 200, "amendment_list": 200},
    "approver": {"contract_detail": 200, "contract_edit": 403, "contract_history": 200,
                 "contract_versions": 200, "amendment_list": 200},
    "signatory_a": {"contract_detail": 200, "contract_edit": 403, "contract_history": 404,
                    "contract_versions": 200, "amendment_list": 200},
    "preparer_b": dict.fromkeys(PAGES, 404),
    "outsider": dict.fromkeys(PAGES, 404),
}  # fmt: skip


def test_every_contract_page_answers_each_role_as_the_matrix_says(world):
    contract = active(world)
    draft = amend(world, contract)
    for who, expected in EXPECTED.items():
        client = client_for(world[who], "en")
        for name in PAGES:
            response = client.get(url(name, contract))
            assert response.status_code == expected[name], (who, name, response.status_code)
        listing = text_of(client.get(reverse("contracts:contract_list")))
        visible = f'data-testid="contract-row-{contract.pk}"' in listing
        assert visible == (who in ("finance", "approver", "signatory_a")), who
        amendment = client.get(url("amendment_detail", contract, draft.number))
        # A draft amendment is the agency's own work in progress: the vendor sees it once submitted.
        assert amendment.status_code == (200 if who in ("finance", "approver") else 404), who
    anonymous = client_for(None, "en")
    for name in PAGES:
        response = anonymous.get(url(name, contract))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_every_operation_refuses_the_wrong_people_and_writes_nothing(world):
    contract = ready(world, awarded(world))
    world["agency_signatory"] = member(Role.SIGNATORY, world["agency"])
    clients = {who: client_for(world[who], "en") for who in (
        "finance", "approver", "signatory_a", "preparer_b", "outsider", "agency_signatory")}  # fmt: skip
    clients["anonymous"] = client_for(None, "en")

    def refused(operation: str, data: dict[str, str], expected: dict[str, int]) -> None:
        for who, status in expected.items():
            with assert_nothing_written(contract):
                response = clients[who].post(url(operation, contract), data)
            assert response.status_code == status, (operation, who, response.status_code)

    outsiders = {"preparer_b": 404, "outsider": 404, "anonymous": 302}
    refused("contract_edit", terms_form(title="Khác"), {"approver": 403, "signatory_a": 403, **outsiders})
    refused("contract_submit", {}, {"approver": 403, "signatory_a": 403, **outsiders})
    assert clients["finance"].post(url("contract_submit", contract)).status_code == 302
    contract.refresh_from_db()
    assert contract.status == ContractStatus.UNDER_REVIEW
    # Maker-checker: the author directly, the author holding a second membership as an approver of
    # the reviewing body, the vendor's people; the page does not even offer them the form.
    Membership.objects.create(user=world["finance"], organisation=world["reviewing_body"], role=Role.APPROVER)
    assert 'data-testid="decide-form"' not in text_of(
        clients["finance"].get(url("contract_detail", contract))
    )
    approve = {"decision": "approve"}
    refused("contract_decide", approve, {"finance": 403, "signatory_a": 403, **outsiders})
    refused("contract_sign", {}, {"signatory_a": 409, "agency_signatory": 409})  # not approved yet
    refused("contract_edit", terms_form(title="Khác"), {"finance": 409})  # frozen while reviewed
    assert 'data-testid="decide-form"' in text_of(clients["approver"].get(url("contract_detail", contract)))
    assert clients["approver"].post(url("contract_decide", contract), approve).status_code == 302
    contract.refresh_from_db()
    assert contract.status == ContractStatus.APPROVED and len(contract.approved_hash) == 64
    refused("contract_decide", approve, {"approver": 409})  # approving twice, or in the wrong state
    refused("contract_sign", {}, {"approver": 403, "finance": 403, **outsiders})
    assert clients["signatory_a"].post(url("contract_sign", contract)).status_code == 302
    refused("contract_sign", {}, {"signatory_a": 409})  # the vendor has signed already
    assert clients["agency_signatory"].post(url("contract_sign", contract)).status_code == 302
    contract.refresh_from_db()
    assert contract.status == ContractStatus.ACTIVE
    signers = {(s.party_id, s.signer_id) for s in contract.signatures.all()}
    assert signers == {
        (world["vendor_a"].pk, world["signatory_a"].pk),
        (world["agency"].pk, world["agency_signatory"].pk),
    }
    refused("contract_end", {"outcome": "completed"}, {"approver": 403, "signatory_a": 403, **outsiders})
    refused("contract_end", {"outcome": "terminated", "reason": ""}, {"finance": 400})
    response = clients["finance"].post(url("contract_end", contract), {"outcome": "terminated", "reason": ""})
    assert "Say why the contract is terminated." in text_of(response)
    ended = clients["finance"].post(url("contract_end", contract), {"outcome": "completed"})
    assert ended.status_code == 302
    contract.refresh_from_db()
    assert contract.status == ContractStatus.COMPLETED


# --- the terms form -----------------------------------------------------------------------------------


def test_the_terms_form_saves_a_percentage_typed_as_percent_and_the_editor_becomes_an_author(world):
    contract = awarded(world)
    finance = client_for(world["finance"], "vi")
    assert 'data-testid="terms-form"' in text_of(finance.get(url("contract_edit", contract)))
    response = finance.post(url("contract_edit", contract), terms_form(performance_security_rate="7,5"))
    assert response.status_code == 302 and response["Location"] == url("contract_detail", contract)
    contract.refresh_from_db()
    assert (str(contract.performance_security_rate), contract.title, str(contract.end_date)) == (
        "0.075000",
        TERMS["title"],
        "2028-12-31",
    )
    assert list(contract.authors.all()) == [world["finance"]]
    page = text_of(finance.get(url("contract_detail", contract)))
    # 7.5 % of 3,041,920,000 = 228,144,000.
    assert money(228_144_000, "vi") in page and "7,50%" in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"end_date": "2025-06-30"}, "end_date", "must be after the start date"),
        (
            {"performance_security_rate": "12"},
            "performance_security_rate",
            "must be between 2% and 10% of the contract price",
        ),
        ({"performance_security_rate": "-1"}, "performance_security_rate", "must be at least 0"),
        ({"performance_security_rate": "nhiều"}, "performance_security_rate", "Enter a number."),
        ({"start_date": "2026-02-30"}, "start_date", "Enter a valid date."),
        ({"warranty_months": "-3"}, "warranty_months", "greater than or equal to 0"),
    ],
)
def test_bad_terms_are_a_400_naming_the_field_and_nothing_is_written(world, changes, field, message):
    contract = awarded(world)
    finance = client_for(world["finance"], "en")
    with assert_nothing_written(contract):
        response = finance.post(url("contract_edit", contract), terms_form(**changes))
    assert response.status_code == 400
    assert message in field_error(text_of(response), field), text_of(response)[:3000]


def test_an_incomplete_contract_cannot_be_submitted_from_the_page(world):
    contract = awarded(world)
    finance = client_for(world["finance"], "en")
    with assert_nothing_written(contract):
        response = finance.post(url("contract_submit", contract))
    assert response.status_code == 400
    page = text_of(response)
    assert "The contract is not complete; see each field." in page
    assert "mechanisms: give the payment mechanism" in page


# --- amendments ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["vi", "en"])
def test_an_amendment_goes_from_the_form_through_its_own_chain_to_a_diff_between_versions(world, language):
    contract = active(world)
    finance = client_for(world["finance"], language)
    approver = client_for(world["approver"], language)
    row = support_row(contract)
    assert 'data-testid="start-amendment"' in text_of(finance.get(url("amendment_list", contract)))
    # A negative price is refused next to its cell and nothing is written.
    with assert_nothing_written(contract):
        bad = finance.post(
            url("amendment_create", contract), amendment_form(contract, **{f"price_{row}_2": "-5"})
        )
    assert bad.status_code == 400
    created = finance.post(
        url("amendment_create", contract), amendment_form(contract, **{f"price_{row}_2": "300000000"})
    )
    assert created.status_code == 302
    amendment = ContractAmendment.objects.get(contract=contract)
    assert (amendment.prices, amendment.terms, amendment.value_effect) == (
        {"SUPPORT": ["250000000", "250000000", "300000000"]},
        {},
        78_400_000,
    )
    page = text_of(finance.get(created["Location"]))
    assert money(78_400_000, language) in page
    assert ("2,58%" if language == "vi" else "2.58%") in page
    assert "price_schedule.SUPPORT[2]" in page
    assert finance.post(url("amendment_submit", contract, 1)).status_code == 302
    # The author may not approve it, neither directly nor through a second membership.
    Membership.objects.create(user=world["finance"], organisation=world["reviewing_body"], role=Role.APPROVER)
    with assert_nothing_written(amendment):
        assert finance.post(url("amendment_decide", contract, 1), {"decision": "approve"}).status_code == 403
    vendor = client_for(world["signatory_a"], language)
    with assert_nothing_written(amendment):
        assert vendor.post(url("amendment_decide", contract, 1), {"decision": "approve"}).status_code == 403
    assert approver.post(url("amendment_decide", contract, 1), {"decision": "approve"}).status_code == 302
    with assert_nothing_written(amendment):  # approving twice
        assert approver.post(url("amendment_decide", contract, 1), {"decision": "approve"}).status_code == 409
    for signatory in ("signatory_a", "agency_signatory"):
        assert (
            client_for(world[signatory], language).post(url("amendment_sign", contract, 1)).status_code == 302
        )
    contract.refresh_from_db()
    assert (contract.version, contract.value, contract.price_schedule["SUPPORT"][2]) == (
        2,
        3_120_320_000,
        "300000000",
    )
    versions = text_of(finance.get(url("contract_versions", contract) + "?a=1&b=2"))
    before, after = (money(n, language).split(" ")[0] for n in (260_000_000, 300_000_000))
    assert (
        f"<code>price_schedule.SUPPORT[2]</code></th><td>{'thay đổi' if language == 'vi' else 'changed'}</td>"
        f"<td>{before}</td><td>{after}</td>" in versions
    )
    history = text_of(finance.get(url("contract_history", contract)))
    for action in (
        "contract.updated",
        "contract.approve",
        "contract.signed",
        "contract.amendment_started",
        "contract.amendment_submitted",
        "contract.amendment_approve",
        "contract.amendment_signed",
    ):
        assert f"<code>{action}</code>" in history, action
    # Before and after of the terms the draft set: the title was empty, then the agreed one.
    assert TERMS["title"] in history


def test_the_contract_page_needs_the_same_number_of_queries_however_many_rows_it_shows(world):
    contract = ready(world, awarded(world))
    contracting.contract_submit(actor=world["finance"], contract=contract)
    contracting.contract_decide(actor=world["approver"], contract=contract, decision="approve")
    finance = client_for(world["finance"], "en")
    finance.get(url("contract_detail", contract))

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert finance.get(url("contract_detail", contract)).status_code == 200
        return len(context.captured_queries)

    few = queries()
    ServiceLevel.objects.bulk_create(
        ServiceLevel(contract=contract, position=n, code=f"K{n}", name=f"KPI {n}", target=99, unit="%",
                     period="monthly", rule={"kind": "service_credit", "rate": "0.01"})
        for n in range(6)
    )  # fmt: skip
    Milestone.objects.bulk_create(
        Milestone(contract=contract, position=n, name=f"M{n}", due_date=dt.date(2027, 1, 1 + n))
        for n in range(4)
    )
    for _n in range(3):
        reviewer = member(Role.APPROVER, world["reviewing_body"])
        ContractDecision.objects.create(
            contract=contract, version=1, round=1, reviewer=reviewer, decision="request_changes", comment="x"
        )
    page = text_of(finance.get(url("contract_detail", contract)))
    assert page.count("<strong>Request changes</strong>") == 3 and "KPI 5" in page and "M3" in page
    assert queries() == few
