"""Costing pages: every page renders for the finance officer in Vietnamese and English with figures
worked out by hand, outsiders get the 404 page and write nothing, maker-checker holds on the page,
the grid saves all or nothing and names the cell, a bad upload saves nothing, and the list and
results pages run a fixed number of queries.

The tiny model used throughout (real prices, base year 2026, two years, discount rate 5 %, VAT 10 %,
the rule book's PM norm 3 %, quantity contingency 5 %, price index 4 %):

in-house option (the PSC):
  HW   10 servers x 100,000,000 in 2026 (equipment: hardware, VAT)   = 1,000,000,000 before VAT
  HOST 12 months x  10,000,000 in 2027 (hosting and cloud, VAT)      =   120,000,000 before VAT
  PM   (derived) 3 % x 1,000,000,000                                 =    30,000,000
  CONT (derived) quantity 5 % x (1,000,000,000 + 30,000,000)        =    51,500,000
                 + price escalation 1,030,000,000 x ((1.04)^1 - 1)   =    41,200,000
                 = 92,700,000
  capex incl. VAT in 2026 = (1,000,000,000 + 30,000,000 + 92,700,000) x 1.1 = 1,234,970,000
  opex incl. VAT in 2027  = 120,000,000 x 1.1 = 132,000,000, discounted /1.05 = 125,714,285.71
  NPV = 1,360,684,285.71 -> 1,360,684,286; TCO (nominal) = 1,366,970,000
  EAC = NPV / (1 + 1/1.05) = 1,360,684,285.71 x 1.05 / 2.05 = 696,935,853.66 -> 696,935,854
  risk R1: probability 50 %, triangular 100/200/300 million in 2026, 40 % public:
    expected value 0.5 x 200,000,000 = 100,000,000 (undiscounted, year 0)
    retained 40,000,000, transferable 60,000,000
  PSC = 1,360,684,286 + 0 + 60,000,000 + 40,000,000 = 1,460,684,286
service hire:
  FEE 1 x 700,000,000 a year, VAT: 770,000,000 + 770,000,000 / 1.05 = 1,503,333,333.33 -> 1,503,333,333
  risk R2: probability 100 %, impact 105,000,000 (min = most likely = max) in 2027, all private:
    present value 105,000,000 / 1.05 = 100,000,000; retained 0
  VfM = 1,460,684,286 - (1,503,333,333 + 0) = -42,649,047
  every Monte Carlo draw = 1,503,333,333.33 + 100,000,000 -> P50 = P70 = P90 = 1,603,333,333
  sensitivity at 3 %: PSC = 1,334,970,000 + 132,000,000 / 1.03 = 1,463,125,339.81 -> 1,463,125,340
                      hire = 770,000,000 + 770,000,000 / 1.03 = 1,517,572,815.53 -> 1,517,572,816
                      VfM = -54,447,476
"""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from costing import services
from costing.models import CostLine, CostModel, CostModelStatus, ReceiptKind
from costing.services import LineData, RiskData
from ppp.models import OrganisationKind, Role
from tests.factories import MembershipFactory, OrganisationFactory, member
from tests.roles import RoleMatrix, assert_nothing_written

pytestmark = pytest.mark.django_db

LANGUAGES = ("vi", "en")


def money(value: str, language: str) -> str:
    """A VND amount as the page writes it: "1.234 ₫" in Vietnamese, "1,234 VND" in English."""
    digits = f"{int(value):,}"
    if language == "vi":
        return digits.replace(",", ".") + " ₫"
    return digits + " VND"


def plain(value: str, language: str) -> str:
    """A number in a table cell: grouped, without the currency."""
    digits = f"{int(value):,}"
    return digits.replace(",", ".") if language == "vi" else digits


@pytest.fixture
def world():
    reviewing_body = OrganisationFactory(kind=OrganisationKind.REVIEWING_BODY)
    agency = OrganisationFactory(kind=OrganisationKind.AGENCY, reviewing_body=reviewing_body)
    other_agency = OrganisationFactory(kind=OrganisationKind.AGENCY, reviewing_body=reviewing_body)
    return {
        "agency": agency,
        "reviewing_body": reviewing_body,
        "finance": member(Role.FINANCE_OFFICER, agency),
        "approver": member(Role.APPROVER, reviewing_body),
        "outsider": member(Role.FINANCE_OFFICER, other_agency),
        "vendor": member(Role.BID_PREPARER),
    }


def client_for(user, language: str = "vi") -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["ppp_language"] = language
    return client


def tiny_model(world, **fields) -> CostModel:
    values = {
        "name": "Cổng dịch vụ công tỉnh",
        "base_year": 2026,
        "horizon": 2,
        "discount_rate": "0.05",
        "vat_rate": "0.10",
    }
    values.update(fields)
    finance = world["finance"]
    later = ["0"] * (int(values["horizon"]) - 2)  # the years after 2027 buy nothing
    model = services.cost_model_create(actor=finance, organisation=world["agency"], **values)
    in_house = model.options.get(kind="in_house")
    hire = model.options.get(kind="service_hire")
    services.lines_save(
        actor=finance,
        option=in_house,
        rows=[
            LineData(
                code="HW", name="Máy chủ", category="equipment_hardware", unit="server",
                unit_cost="100000000", quantities=["10", "0", *later],
            ),
            LineData(
                code="HOST", name="Thuê chỗ đặt máy", category="hosting_cloud", unit="month",
                unit_cost="10000000", quantities=["0", "12", *later],
            ),
        ],
    )  # fmt: skip
    services.line_create(
        actor=finance,
        option=hire,
        data=LineData(
            code="FEE", name="Phí thuê dịch vụ", category="hosting_cloud", unit="year",
            unit_cost="700000000", quantities=["1", "1", *later],
        ),
    )  # fmt: skip
    services.risk_create(
        actor=finance,
        option=in_house,
        data=RiskData(
            code="R1", name="Vượt chi phí", probability="0.5", minimum="100000000",
            most_likely="200000000", maximum="300000000", first_year=2026, last_year=2026,
            public_share="0.4",
        ),
    )  # fmt: skip
    services.risk_create(
        actor=finance,
        option=hire,
        data=RiskData(
            code="R2", name="Chi phí chuyển đổi", probability="1", minimum="105000000",
            most_likely="105000000", maximum="105000000", first_year=2027, last_year=2027,
            public_share="0",
        ),
    )  # fmt: skip
    return CostModel.objects.get(pk=model.pk)


def url(name: str, model: CostModel, *args) -> str:
    return reverse(f"costing:{name}", args=[model.pk, *args])


def text_of(response) -> str:
    return response.content.decode()


# Every page, both languages.


@pytest.mark.parametrize("language", LANGUAGES)
def test_results_show_the_hand_calculated_figures(world, language):
    model = tiny_model(world)
    response = client_for(world["finance"], language).get(url("results", model))
    assert response.status_code == 200
    page = text_of(response)
    assert f'lang="{language}"' in page
    # In-house: NPV, TCO, EAC.
    assert money("1360684286", language) in page
    assert money("1366970000", language) in page
    assert money("696935854", language) in page
    # Service hire NPV.
    assert money("1503333333", language) in page
    # The estimate structure and the derived lines with their parts.
    assert money("30000000", language) in page  # PM
    assert money("92700000", language) in page  # contingency
    assert money("51500000", language) in page  # its quantity part
    assert money("41200000", language) in page  # its price-escalation part
    assert money("1030000000", language) in page  # the components it is a share of
    estimate = re.search(r'data-testid="estimate-in_house".*?</table>', page, re.S).group(0)
    for figure in ("1000000000", "1100000000", "33000000", "101970000", "1122700000", "1234970000"):
        assert plain(figure, language) in estimate
    # Cost by category and year: hardware incl. VAT in 2026, hosting incl. VAT in 2027.
    by_category = re.search(r'data-testid="by-category-in_house".*?</table>', page, re.S).group(0)
    assert plain("1100000000", language) in by_category and plain("132000000", language) in by_category
    assert '<th scope="col" class="num">2026</th>' in by_category  # years are not grouped
    # No revenue: no IRR; two server-rendered charts.
    assert ("không có khoản doanh thu" if language == "vi" else "no revenue line") in page
    assert page.count("<svg") >= 3
    legal = "Thông tư số 04/2020/TT-BTTTT" if language == "vi" else "Circular 04/2020/TT-BTTTT"
    assert legal in page


@pytest.mark.parametrize("language", LANGUAGES)
def test_comparison_shows_psc_value_for_money_and_sensitivity(world, language):
    model = tiny_model(world)
    response = client_for(world["finance"], language).get(url("comparison", model), {"percent": "20"})
    assert response.status_code == 200
    page = text_of(response)
    assert money("1460684286", language) in page  # PSC
    assert money("60000000", language) in page  # transferable risk
    assert money("40000000", language) in page  # retained risk
    vfm = re.search(r'data-testid="vfm-service_hire">(.*?)</td>', page, re.S).group(1)
    assert money("-42649047", language) in vfm
    assert ("nghiêng về PSC" if language == "vi" else "favours the PSC") in vfm
    assert ("không trong thời gian phân tích" if language == "vi" else "never within the horizon") in page
    sensitivity = re.search(r'data-testid="sensitivity-table".*?</table>', page, re.S).group(0)
    three = re.search(r"<th scope=\"row\">3%.*?</tr>", sensitivity, re.S).group(0)
    for figure in ("1463125340", "1517572816", "-54447476"):
        assert plain(figure, language) in three
    assert page.count('data-testid="tornado-') == 3
    assert '<option value="20" selected>' in page


@pytest.mark.parametrize("language", LANGUAGES)
def test_risks_page_runs_the_seeded_simulation_and_shows_its_percentiles(world, language):
    model = tiny_model(world)
    client = client_for(world["finance"], language)
    page = text_of(client.get(url("risks", model)))
    register = re.search(r'data-testid="risks-in_house".*?</table>', page, re.S).group(0)
    for figure in ("100000000", "40000000", "60000000"):
        assert plain(figure, language) in register
    assert ("chia sẻ (nhà nước 40%)" if language == "vi" else "shared (40% public)") in register

    response = client.post(url("simulate", model), {"iterations": "1000", "seed": "7"})
    assert response.status_code == 302
    receipt = model.receipts.get(kind=ReceiptKind.SIMULATION)
    assert receipt.inputs["simulation"] == {"iterations": 1000, "seed": 7, "include_optimism_bias": False}
    page = text_of(client.get(url("risks", model)))
    table = re.search(r'data-testid="percentiles-table".*?</table>', page, re.S).group(0)
    hire = model.options.get(kind="service_hire").name
    hire_row = next(row for row in table.split("<tr>") if f'<th scope="row">{hire}</th>' in row)
    # Without risks, then expected, mean, P50, P70 and P90.
    assert hire_row.count(plain("1503333333", language)) == 1
    assert hire_row.count(plain("1603333333", language)) == 5
    assert 'data-testid="histogram"' in page and 'data-testid="s-curve"' in page
    assert ("khớp với dữ liệu hiện tại" if language == "vi" else "matches the current inputs") in page


def test_a_bad_simulation_setting_is_named_and_nothing_is_stored(world):
    model = tiny_model(world)
    client = client_for(world["finance"], "en")
    with assert_nothing_written(model):
        response = client.post(url("simulate", model), {"iterations": "5", "seed": "1"})
    assert response.status_code == 400
    assert "must be between 100 and 100000" in text_of(response)


@pytest.mark.parametrize("language", LANGUAGES)
def test_scenarios_side_by_side_with_the_base_case_first(world, language):
    model = tiny_model(world)
    services.scenario_create(
        actor=world["finance"],
        model=model,
        name="Phí thuê giảm",
        overrides={"lines.FEE.unit_cost": "600000000"},
    )
    response = client_for(world["finance"], language).get(url("scenarios", model))
    assert response.status_code == 200
    table = re.search(r'data-testid="scenario-table".*?</table>', text_of(response), re.S).group(0)
    assert table.index("Phương án cơ sở" if language == "vi" else "Base case") < table.index("Phí thuê giảm")
    # Base case hire NPV; under the scenario 660,000,000 + 660,000,000 / 1.05 = 1,288,571,428.57.
    assert plain("1503333333", language) in table and plain("1288571429", language) in table
    # VfM under the scenario: 1,460,684,286 - 1,288,571,429 = 172,112,857.
    assert plain("172112857", language) in table


def test_a_scenario_is_saved_from_the_form_with_rates_typed_as_percentages(world):
    model = tiny_model(world)
    client = client_for(world["finance"], "vi")
    response = client.post(
        url("scenario_create", model),
        {
            "name": "Lãi suất cao",
            "discount_rate": "7,5",
            "line_0_code": "FEE",
            "line_0_attribute": "unit_cost",
            "line_0_value": "650.000.000",
        },
    )
    assert response.status_code == 302, text_of(response)[:2000]
    scenario = model.scenarios.get()
    assert scenario.overrides == {"discount_rate": "0.075", "lines.FEE.unit_cost": "650000000"}
    response = client.post(
        url("scenario_edit", model, scenario.pk), {"name": "Lãi suất cao", "discount_rate": "250"}
    )
    assert response.status_code == 400
    # The service names the field in the reader's language and as a percentage, as it was typed.
    assert re.search(r'id="id_discount_rate_error".*không được vượt quá 100%', text_of(response), re.S)
    assert model.scenarios.get().overrides["discount_rate"] == "0.075"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_other_pages_render_for_the_finance_officer(world, language):
    model = tiny_model(world)
    in_house = model.options.get(kind="in_house")
    line = CostLine.objects.get(option=in_house, code="HW")
    risk = in_house.risks.get()
    services.scenario_create(actor=world["finance"], model=model, name="Cao", overrides={"vat_rate": "0.08"})
    scenario = model.scenarios.get()
    client = client_for(world["finance"], language)
    pages = [
        reverse("costing:model_list"),
        reverse("costing:model_create"),
        reverse("costing:model_import"),
        url("model_detail", model),
        url("model_edit", model),
        url("option_create", model),
        url("option_edit", model, in_house.pk),
        url("option_delete", model, in_house.pk),
        url("lines_grid", model, in_house.pk),
        url("line_create", model, in_house.pk),
        url("line_edit", model, line.pk),
        url("line_delete", model, line.pk),
        url("risk_create", model, in_house.pk),
        url("risk_edit", model, risk.pk),
        url("risk_delete", model, risk.pk),
        url("scenario_create", model),
        url("scenario_edit", model, scenario.pk),
        url("scenario_delete", model, scenario.pk),
        url("results", model) + f"?scenario={scenario.pk}",
        url("diff", model),
        url("history", model),
        url("receipts", model),
    ]
    for address in pages:
        response = client.get(address)
        assert response.status_code == 200, address
        assert f'lang="{language}"' in text_of(response)
    detail = text_of(client.get(url("model_detail", model)))
    assert ("Trình phê duyệt" if language == "vi" else "Submit for approval") in detail
    assert ("Bản nháp" if language == "vi" else "Draft") in detail
    assert "2026–2027" in detail
    grid = text_of(client.get(url("lines_grid", model, in_house.pk)))
    assert 'value="100.000.000"' in grid if language == "vi" else 'value="100,000,000"' in grid
    history = text_of(client.get(url("history", model)))
    assert "cost_model.lines_saved" in history and "cost_model.risk_created" in history


def test_template_and_export_download_as_workbooks(world):
    model = tiny_model(world)
    client = client_for(world["finance"], "vi")
    for address in (
        reverse("costing:template_download") + "?language=en",
        reverse("costing:template_download") + "?language=vi",
        url("export", model),
    ):
        response = client.get(address)
        assert response.status_code == 200, address
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        assert response.content[:2] == b"PK"  # a zip: an .xlsx
        assert response["Content-Disposition"].startswith("attachment;")


def test_dashboard_lists_recent_models_and_the_approvers_queue(world):
    model = tiny_model(world)
    page = text_of(client_for(world["finance"]).get("/"))
    assert 'data-testid="recent-cost-models"' in page and model.name in page
    assert 'data-testid="cost-models-awaiting"' not in text_of(client_for(world["approver"]).get("/"))
    services.cost_model_submit(actor=world["finance"], model=model)
    page = text_of(client_for(world["approver"]).get("/"))
    assert (
        'data-testid="cost-models-awaiting"' in page
        and reverse("costing:model_detail", args=[model.pk]) in page
    )


# The workflow on the pages.


def test_submit_approve_and_new_version_through_the_pages_then_the_diff(world):
    model = tiny_model(world)
    finance = client_for(world["finance"], "en")
    approver = client_for(world["approver"], "en")
    detail = text_of(approver.get(url("model_detail", model)))
    assert detail.count("Not found") >= 1  # an approver sees nothing before the first submission

    assert finance.post(url("model_submit", model), {"note": "Kính trình"}).status_code == 302
    model.refresh_from_db()
    assert model.status == CostModelStatus.SUBMITTED
    detail = text_of(approver.get(url("model_detail", model)))
    assert 'data-testid="approve-model"' in detail and 'data-testid="submit-model"' not in detail

    assert approver.post(url("model_approve", model), {"note": "Đồng ý"}).status_code == 302
    model.refresh_from_db()
    assert model.status == CostModelStatus.APPROVED and model.content_hash

    response = finance.post(url("model_new_version", model))
    assert response.status_code == 302
    draft = CostModel.objects.get(lineage=model)
    assert response["Location"] == reverse("costing:model_detail", args=[draft.pk])
    line = CostLine.objects.get(option__model=draft, code="FEE")
    services.line_update(
        actor=world["finance"],
        line=line,
        data=LineData(
            code="FEE", name=line.name, category=line.category, unit=line.unit,
            unit_cost="800000000", quantities=line.quantities,
        ),
    )  # fmt: skip
    page = text_of(finance.get(url("diff", draft), {"other": model.pk}))
    # FEE rises by 100,000,000 a year before VAT: 110,000,000 incl. VAT in 2026 and in 2027.
    years = re.search(r'data-testid="diff-years-service_hire".*?</table>', page, re.S).group(0)
    assert years.count("110,000,000") == 2 and "changed" in years
    lines = re.search(r'data-testid="diff-lines-service_hire".*?</table>', page, re.S).group(0)
    assert "1,540,000,000" in lines and "1,760,000,000" in lines and "220,000,000" in lines
    # NPV difference: 110,000,000 + 110,000,000 / 1.05 = 214,761,904.76.
    assert "214,761,905" in page


def test_return_needs_a_note_and_a_returned_model_shows_it(world):
    model = tiny_model(world)
    services.cost_model_submit(actor=world["finance"], model=model)
    model.refresh_from_db()
    approver = client_for(world["approver"], "en")
    with assert_nothing_written(model):
        response = approver.post(url("model_return", model), {"note": "  "})
    assert response.status_code == 400
    assert "This field is required." in text_of(response)
    response = approver.post(url("model_return", model), {"note": "Bổ sung báo giá"})
    assert response.status_code == 302
    page = text_of(client_for(world["finance"], "en").get(url("model_detail", model)))
    assert "Bổ sung báo giá" in page and "Returned with comments" in page


def test_a_frozen_model_answers_409_and_writes_nothing(world):
    model = tiny_model(world)
    services.cost_model_submit(actor=world["finance"], model=model)
    model.refresh_from_db()
    client = client_for(world["finance"], "en")
    with assert_nothing_written(model):
        response = client.post(url("model_submit", model))
    assert response.status_code == 409
    assert "cannot be submitted" in text_of(response)


def test_an_approver_who_edited_the_version_gets_403_and_nothing_is_written(world):
    both = member(Role.APPROVER, world["reviewing_body"])
    MembershipFactory(user=both, organisation=world["agency"], role=Role.FINANCE_OFFICER)
    model = tiny_model(world)
    services.line_create(
        actor=both,
        option=model.options.get(kind="ppp"),
        data=LineData(
            code="P1", name="Phí", category="hosting_cloud", unit="year", unit_cost="1", quantities=["1", "1"]
        ),
    )
    services.cost_model_submit(actor=world["finance"], model=model)
    model.refresh_from_db()
    client = client_for(both, "en")
    detail = text_of(client.get(url("model_detail", model)))
    assert 'data-testid="approve-model"' not in detail  # the page does not offer it
    with assert_nothing_written(model):
        response = client.post(url("model_approve", model))
    assert response.status_code == 403
    assert "someone else must decide on it" in text_of(response)
    model.refresh_from_db()
    assert model.status == CostModelStatus.SUBMITTED


# Access: outsiders see the 404 page and write nothing.


def _address(model: CostModel, name: str) -> str:
    in_house = model.options.get(kind="in_house")
    line = CostLine.objects.get(option=in_house, code="HW")
    risk = in_house.risks.get()
    extra = {
        "option_edit": [in_house.pk],
        "option_delete": [in_house.pk],
        "lines_grid": [in_house.pk],
        "line_create": [in_house.pk],
        "risk_create": [in_house.pk],
        "line_edit": [line.pk],
        "line_copy": [line.pk],
        "line_delete": [line.pk],
        "risk_edit": [risk.pk],
        "risk_delete": [risk.pk],
    }.get(name, [])
    return url(name, model, *extra)


PAGES = [
    "model_detail", "model_edit", "results", "comparison", "risks", "scenarios", "diff", "history",
    "receipts", "export", "lines_grid", "line_edit", "risk_edit", "option_edit",
]  # fmt: skip
ACTIONS = [
    "model_submit", "model_approve", "model_return", "model_new_version", "model_delete", "option_delete",
    "line_copy", "line_delete", "risk_delete", "simulate", "receipt_store", "lines_grid", "model_edit",
]  # fmt: skip


@pytest.mark.parametrize("name", PAGES)
def test_outsiders_get_the_404_page_for_every_page(world, name):
    model = tiny_model(world)
    address = _address(model, name)
    matrix = RoleMatrix(anonymous=None, other_organisation=world["outsider"], wrong_role=world["vendor"])
    matrix.check(
        lambda client: client.get(address),
        denied={"anonymous": 302, "other_organisation": 404, "wrong_role": 404},
        watched=(model,),
    )
    assert client_for(world["finance"]).get(address).status_code == 200


@pytest.mark.parametrize("name", ACTIONS)
def test_outsiders_get_the_404_page_for_every_action_and_nothing_is_written(world, name):
    model = tiny_model(world)
    address = _address(model, name)
    matrix = RoleMatrix(
        anonymous=None,
        other_organisation=world["outsider"],
        wrong_role=world["vendor"],
        extra={"approver_before_submission": world["approver"]},
    )
    matrix.check(
        lambda client: client.post(address, {"note": "x", "iterations": "1000", "seed": "1"}),
        denied={
            "anonymous": 302,
            "other_organisation": 404,
            "wrong_role": 404,
            "approver_before_submission": 404,
        },
        watched=(model,),
    )


def test_a_missing_model_is_the_same_404_page(world):
    response = client_for(world["finance"], "en").get(reverse("costing:results", args=[999_999]))
    assert response.status_code == 404
    assert "The page or object does not exist, or you cannot see it." in text_of(response)


def test_the_list_shows_only_what_the_person_may_see(world):
    model = tiny_model(world)
    assert model.name in text_of(client_for(world["finance"]).get(reverse("costing:model_list")))
    for who in ("outsider", "vendor", "approver"):
        assert model.name not in text_of(client_for(world[who]).get(reverse("costing:model_list")))


def test_the_list_filters_by_status_and_search(world):
    draft = tiny_model(world, name="Mô hình nháp")
    submitted = tiny_model(world, name="Nền tảng dữ liệu")
    services.cost_model_submit(actor=world["finance"], model=submitted)
    client = client_for(world["finance"], "en")
    page = text_of(client.get(reverse("costing:model_list"), {"status": "submitted"}))
    assert submitted.name in page and draft.name not in page
    page = text_of(client.get(reverse("costing:model_list"), {"q": "nháp"}))
    assert draft.name in page and submitted.name not in page


# The grid.


def _grid_post(rows: list[dict[str, str]]) -> dict[str, str]:
    data = {}
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"lines-{index}-{key}"] = value
    return data


def test_the_grid_saves_every_row_typed_the_vietnamese_way(world):
    model = tiny_model(world)
    ppp = model.options.get(kind="ppp")
    response = client_for(world["finance"], "vi").post(
        url("lines_grid", model, ppp.pk),
        _grid_post(
            [
                {"code": "A", "name": "Phí dịch vụ", "category": "hosting_cloud", "unit": "năm",
                 "unit_cost": "1.250.000,5", "q0": "1", "q1": "1,5", "escalation_rate": "3,5",
                 "vat_applicable": "on"},
                {"code": "B", "name": "Thiết bị", "category": "equipment_hardware", "unit": "máy chủ",
                 "unit_cost": "100000000", "q0": "2", "q1": "", "refresh_cycle_years": "1"},
                {"code": "", "name": "", "category": "", "unit": "", "unit_cost": "", "q0": "", "q1": ""},
            ]
        ),
    )  # fmt: skip
    assert response.status_code == 302
    first, second = CostLine.objects.filter(option=ppp).order_by("position")
    assert (first.code, first.unit_cost, first.quantities) == ("A", Decimal("1250000.5"), ["1", "1.5"])
    assert first.escalation_rate == Decimal("0.035") and first.vat_applicable and first.kind == "opex"
    assert (second.code, second.quantities, second.refresh_cycle_years) == ("B", ["2", "0"], 1)
    assert not second.vat_applicable and second.kind == "capex"


def test_the_grid_is_all_or_nothing_and_names_the_cell(world):
    model = tiny_model(world)
    in_house = model.options.get(kind="in_house")
    hardware = CostLine.objects.get(option=in_house, code="HW")
    rows = [
        {"id": str(hardware.pk), "code": "HW", "name": "Máy chủ mới", "category": "equipment_hardware",
         "unit": "server", "unit_cost": "90000000", "q0": "10", "q1": "0", "vat_applicable": "on"},
        {"code": "NEW", "name": "Dòng mới", "category": "telecoms", "unit": "tháng",
         "unit_cost": "abc", "q0": "1", "q1": "-2"},
    ]  # fmt: skip
    client = client_for(world["finance"], "en")
    with assert_nothing_written(model, hardware):
        response = client.post(url("lines_grid", model, in_house.pk), _grid_post(rows))
    assert response.status_code == 400
    page = text_of(response)
    assert 'data-testid="grid-errors"' in page
    cell = re.search(r'<input[^>]*id="lines-1-unit_cost"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in cell and 'value="abc"' in cell
    assert '<p class="error cell-error" id="lines-1-unit_cost-error">must be a number</p>' in page
    quantity = re.search(r'<input[^>]*id="lines-1-q1"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in quantity
    assert "must be at least 0" in page
    # The valid row keeps what was typed, unsaved; the other cells are not marked.
    assert 'value="Máy chủ mới"' in page
    assert "aria-invalid" not in re.search(r'<input[^>]*id="lines-0-unit_cost"[^>]*>', page).group(0)


def test_copy_and_delete_a_line_from_the_grid(world):
    model = tiny_model(world)
    in_house = model.options.get(kind="in_house")
    hardware = CostLine.objects.get(option=in_house, code="HW")
    client = client_for(world["finance"], "en")
    response = client.post(url("line_copy", model, hardware.pk))
    assert response.status_code == 302
    assert list(in_house.lines.order_by("position").values_list("code", flat=True)) == ["HW", "HW-1", "HOST"]
    copy = in_house.lines.get(code="HW-1")
    assert client.post(url("line_delete", model, copy.pk)).status_code == 302
    assert not in_house.lines.filter(code="HW-1").exists()


def test_a_line_with_generated_quantities_from_the_single_line_form(world):
    model = tiny_model(world, horizon=4)
    hire = model.options.get(kind="service_hire")
    response = client_for(world["finance"], "vi").post(
        url("line_create", model, hire.pk),
        {
            "code": "USERS", "name": "Người dùng", "category": "licences_subscriptions", "unit": "người dùng",
            "unit_cost": "120.000", "mode": "generated", "start_year": "2027", "end_year": "2029",
            "starting_quantity": "1.000", "growth_rate": "10", "vat_applicable": "on",
        },
    )  # fmt: skip
    assert response.status_code == 302, text_of(response)[:3000]
    line = hire.lines.get(code="USERS")
    assert (line.start_year, line.end_year, line.growth_rate) == (2027, 2029, Decimal("0.1"))
    assert [Decimal(q) for q in line.quantities] == [0, 1000, 1100, 1210]
    # The grid keeps the generator when it saves the other lines.
    page = text_of(client_for(world["finance"], "en").get(url("lines_grid", model, hire.pk)))
    assert "Generated 2027–2029" in page


def test_a_line_form_error_is_shown_next_to_the_field(world):
    model = tiny_model(world)
    hire = model.options.get(kind="service_hire")
    client = client_for(world["finance"], "en")
    with assert_nothing_written(model):
        response = client.post(
            url("line_create", model, hire.pk),
            {
                "code": "FEE", "name": "Trùng mã", "category": "hosting_cloud", "unit": "năm",
                "unit_cost": "1", "mode": "typed", "q_2026": "1", "q_2027": "1", "refresh_cycle_years": "1",
            },
        )  # fmt: skip
    assert response.status_code == 400
    page = text_of(response)
    assert re.search(r'id="id_code_error".*another line of this option has this code', page, re.S)
    assert re.search(r'id="id_refresh_cycle_years_error".*only investment \(capex\) lines', page, re.S)


def test_model_create_and_edit_through_the_forms(world):
    client = client_for(world["finance"], "vi")
    response = client.post(
        reverse("costing:model_create"),
        {
            "name": "Hệ thống một cửa", "currency": "VND", "base_year": "2026", "horizon": "5",
            "basis": "real", "discount_rate": "3,5", "vat_rate": "10", "general_escalation": "",
        },
    )  # fmt: skip
    assert response.status_code == 302
    model = CostModel.objects.get(name="Hệ thống một cửa")
    assert (model.discount_rate, model.vat_rate, model.general_escalation) == (
        Decimal("0.035"), Decimal("0.1"), Decimal(0),
    )  # fmt: skip
    assert model.options.count() == 3
    response = client.post(
        url("model_edit", model),
        {"name": "Hệ thống một cửa", "currency": "VND", "base_year": "2026", "horizon": "31",
         "basis": "real", "discount_rate": "3,5", "vat_rate": "10"},
    )  # fmt: skip
    assert response.status_code == 400
    assert re.search(r'id="id_horizon_error"', text_of(response))


def test_a_vendor_cannot_open_the_create_page(world):
    assert client_for(world["vendor"]).get(reverse("costing:model_create")).status_code == 403
    assert client_for(world["vendor"]).get(reverse("costing:model_import")).status_code == 403


# Import.


def test_importing_a_file_that_is_not_a_workbook_shows_the_error_and_saves_nothing(world):
    client = client_for(world["finance"], "en")
    notes = io.BytesIO(b"not a workbook")
    notes.name = "notes.txt"
    with assert_nothing_written():
        response = client.post(reverse("costing:model_import"), {"file": notes, "name": ""})
    assert response.status_code == 400
    page = text_of(response)
    assert 'data-testid="import-errors"' in page and "Upload an Excel workbook (.xlsx)." in page

    garbage = io.BytesIO(b"PK\x03\x04 definitely not a zip")
    garbage.name = "model.xlsx"
    with assert_nothing_written():
        response = client.post(reverse("costing:model_import"), {"file": garbage})
    assert response.status_code == 400
    assert 'data-testid="import-errors"' in text_of(response)
    assert "<code>file</code>" in text_of(response)


def test_importing_the_exported_workbook_makes_a_new_draft(world):
    model = tiny_model(world)
    client = client_for(world["finance"], "en")
    workbook = io.BytesIO(client.get(url("export", model)).content)
    workbook.name = "export.xlsx"
    response = client.post(reverse("costing:model_import"), {"file": workbook, "name": "Bản nhập"})
    assert response.status_code == 302, text_of(response)[:3000]
    imported = CostModel.objects.get(name="Bản nhập")
    assert imported.status == CostModelStatus.DRAFT
    assert set(CostLine.objects.filter(option__model=imported).values_list("code", flat=True)) == {
        "HW", "HOST", "FEE",
    }  # fmt: skip


# Receipts.


def test_store_a_receipt_and_verify_it(world):
    model = tiny_model(world)
    client = client_for(world["finance"], "en")
    assert client.post(url("receipt_store", model)).status_code == 302
    receipt = model.receipts.get()
    page = text_of(client.get(url("receipts", model)))
    assert receipt.input_hash[:16] in page and receipt.engine_version in page
    assert "verified: same hash, same figures" in page


# Query counts.


def _queries(client: Client, address: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(address).status_code == 200
    return len(queries)


def test_the_list_page_runs_the_same_number_of_queries_for_2_and_12_models(world):
    client = client_for(world["finance"])
    for index in range(2):
        tiny_model(world, name=f"Mô hình {index}")
    client.get(reverse("costing:model_list"))  # warm the session and the rule book
    few = _queries(client, reverse("costing:model_list"))
    for index in range(10):
        tiny_model(world, name=f"Mô hình thêm {index}")
    assert _queries(client, reverse("costing:model_list")) == few


def _model_with_lines(world, count: int) -> CostModel:
    model = services.cost_model_create(
        actor=world["finance"], organisation=world["agency"], name=f"{count} dòng", base_year=2026,
        horizon=5, discount_rate="0.05", vat_rate="0.1",
    )  # fmt: skip
    rows = [
        LineData(
            code=f"L{index}", name=f"Dòng {index}",
            category="equipment_hardware" if index % 2 else "maintenance_support",
            unit="đơn vị", unit_cost=str(1_000_000 + index), quantities=["1", "0", "1", "0", "1"],
        )
        for index in range(count)
    ]  # fmt: skip
    services.lines_save(actor=world["finance"], option=model.options.get(kind="in_house"), rows=rows)
    return model


def test_the_results_page_runs_the_same_number_of_queries_for_2_and_40_lines(world):
    client = client_for(world["finance"])
    small, large = _model_with_lines(world, 2), _model_with_lines(world, 40)
    client.get(url("results", small))
    assert _queries(client, url("results", small)) == _queries(client, url("results", large))


def test_a_new_model_without_lines_renders_every_figure_page(world):
    model = services.cost_model_create(
        actor=world["finance"], organisation=world["agency"], name="Trống", base_year=2026, horizon=3,
        discount_rate="0.05", vat_rate="0.1",
    )  # fmt: skip
    client = client_for(world["finance"], "en")
    for name in ("results", "comparison", "risks", "scenarios", "diff", "receipts", "history", "export"):
        assert client.get(url(name, model)).status_code == 200, name
    assert "This option has no cost lines yet." in text_of(client.get(url("results", model)))
