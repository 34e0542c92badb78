"""The cost model's documents: the cost estimate (costing.estimate) and the options appraisal and
value-for-money report (costing.appraisal), in Vietnamese and English, with figures worked out by
hand; the same inputs give the same file and the same record; only the agency's people and the
approvers of its reviewing body (once the version was submitted) may generate them; the panel is on
the model's pages.

The tiny model of tests/costing/test_views.py (real prices, 2026-2027, discount rate 5 %, VAT 10 %,
general escalation 0, the rule book's PM norm 3 %, quantity contingency 5 %, price index 4 %):

in-house option (the PSC):
  HW   10 x 100,000,000 in 2026 = 1,000,000,000 before VAT, 1,100,000,000 incl. VAT
  HOST 12 x  10,000,000 in 2027 =   120,000,000 before VAT,   132,000,000 incl. VAT, PV 125,714,286
  PM   3 % x 1,000,000,000 = 30,000,000 (33,000,000 incl. VAT)
  CONT quantity 5 % x 1,030,000,000 = 51,500,000, price 1,030,000,000 x 4 % = 41,200,000
       = 92,700,000 (101,970,000 incl. VAT)
  V = 1,122,700,000 before VAT, 1,234,970,000 incl. VAT (all in 2026; VAT 112,270,000)
  2027: 120,000,000 + VAT 12,000,000 = 132,000,000
  over the years: 1,242,700,000 before VAT; 1,366,970,000 incl. VAT = TCO nominal = the estimate
    ("Một tỷ ba trăm sáu mươi sáu triệu chín trăm bảy mươi nghìn đồng")
  NPV = 1,234,970,000 + 132,000,000 / 1.05 = 1,360,684,286; before VAT 1,122,700,000 + 120,000,000
    / 1.05 = 1,236,985,714; EAC = 1,360,684,285.71 x 1.05 / 2.05 = 696,935,854
  R1: 50 % x 200,000,000 = 100,000,000 in 2026, 40 % public: retained 40,000,000, transferable 60,000,000
  PSC = 1,360,684,286 + 0 + 60,000,000 + 40,000,000 = 1,460,684,286
service hire: FEE 1 x 700,000,000 a year: 770,000,000 incl. VAT a year, TCO 1,540,000,000 ("Một tỷ năm
  trăm bốn mươi triệu đồng"), NPV 770,000,000 + 770,000,000 / 1.05 = 1,503,333,333;
  R2 certain 105,000,000 in 2027, all private: PV 100,000,000, retained 0
  VfM = 1,460,684,286 - 1,503,333,333 = -42,649,047: the figures favour the PSC, the hire costs
  42,649,047 more; at 3 %: PSC 1,463,125,340, hire 1,517,572,816, VfM -54,447,476. At rate r,
  VfM = 564,970,000 - 638,000,000 / (1 + r), negative for every r below 12.9 %: the PSC stays
  favoured from 3 % to 7 %.
  every Monte Carlo draw of the hire = 1,503,333,333.33 + 100,000,000 -> P50 = P70 = P90 = 1,603,333,333
PPP: no cost lines, so it is not compared.

A nominal version of the same model: the price index counts as 0, so the price-escalation
contingency is 0 and the contingency is the quantity part alone, 51,500,000.
"""

from __future__ import annotations

import hashlib
import io
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from costing import services
from costing.demo import PORTAL
from costing.models import CostModel
from ppp.documents.services import document_generate, rendered_again
from ppp.errors import NotFound
from ppp.models import Document, OrganisationKind, Role, User
from tests.costing.test_views import client_for, money, plain, tiny_model
from tests.factories import OrganisationFactory, member
from tests.roles import assert_nothing_written

pytestmark = pytest.mark.django_db

LANGUAGES = ("vi", "en")
KINDS = ("costing.estimate", "costing.appraisal")


@pytest.fixture(autouse=True)
def _vietnamese():
    """The fixtures' option names come from the option kinds' labels in the active language: make it
    Vietnamese whatever an earlier test in the same worker left active."""
    with translation.override("vi"):
        yield


@pytest.fixture
def world():
    reviewing_body = OrganisationFactory(kind=OrganisationKind.REVIEWING_BODY)
    agency = OrganisationFactory(kind=OrganisationKind.AGENCY, reviewing_body=reviewing_body)
    other_body = OrganisationFactory(kind=OrganisationKind.REVIEWING_BODY)
    other_agency = OrganisationFactory(kind=OrganisationKind.AGENCY, reviewing_body=other_body)
    return {
        "agency": agency,
        "reviewing_body": reviewing_body,
        "finance": member(Role.FINANCE_OFFICER, agency),
        "evaluator": member(Role.EVALUATOR, agency),
        "approver": member(Role.APPROVER, reviewing_body),
        "outsider": member(Role.FINANCE_OFFICER, other_agency),
        "other_approver": member(Role.APPROVER, other_body),
        "vendor": member(Role.BID_PREPARER),
    }


def generate(user: User, kind: str, model: CostModel, language: str) -> Document:
    return document_generate(actor=user, kind=kind, object_id=model.pk, language=language)


def text_of(document: Document) -> str:
    """The PDF's text, every run of white space one space (table cells wrap)."""
    reader = PdfReader(io.BytesIO(bytes(document.content)))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


# The cost estimate.


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_estimate_prints_the_hand_calculated_figures(world, language):
    model = tiny_model(world)
    document = generate(world["finance"], "costing.estimate", model, language)
    text = text_of(document)
    vi = language == "vi"
    assert document.kind == "costing.estimate" and document.object_type == "costing.costmodel"
    assert document.organisation_id == world["agency"].pk and document.version == 1
    assert ("DỰ TOÁN THEO MÔ HÌNH CHI PHÍ" if vi else "COST MODEL ESTIMATE") in text
    assert ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" if vi else "SOCIALIST REPUBLIC OF VIET NAM") in text
    for name in ("Máy chủ", "Thuê chỗ đặt máy", "Phí thuê dịch vụ"):
        assert name in text
    # The estimate structure, the derived lines and the contingency's two parts.
    assert ("G_TB Chi phí thiết bị" if vi else "G_TB Equipment") in text
    for figure in ("1000000000", "1100000000", "30000000", "33000000", "92700000", "101970000"):
        assert plain(figure, language) in text
    assert f"V {plain('1122700000', language)} {plain('1234970000', language)}" in text
    assert money("1030000000", language) in text and money("51500000", language) in text
    assert money("41200000", language) in text
    # Quantity x unit cost per year, and the totals per year before VAT, VAT, incl. VAT.
    assert f"10 × {plain('100000000', language)} = {plain('1000000000', language)}" in text
    assert f"12 × {plain('10000000', language)} = {plain('120000000', language)}" in text
    assert f"{plain('1122700000', language)} {plain('120000000', language)}" in text
    assert f"{plain('112270000', language)} {plain('12000000', language)}" in text
    assert f"{plain('1234970000', language)} {plain('132000000', language)}" in text
    # Totals over the life: before VAT, nominal, present value (with and without VAT), EAC.
    for figure in (
        "1242700000",
        "1366970000",
        "1360684286",
        "1236985714",
        "696935854",
        "1540000000",
        "1503333333",
    ):
        assert money(figure, language) in text
    label = "Dự toán theo mô hình chi phí" if vi else "Cost model estimate"
    assert f"{label}: {money('1366970000', language)}" in text
    if vi:
        assert "Bằng chữ: Một tỷ ba trăm sáu mươi sáu triệu chín trăm bảy mươi nghìn đồng." in text
        assert "Bằng chữ: Một tỷ năm trăm bốn mươi triệu đồng." in text
    else:
        assert (
            "One billion, three hundred and sixty-six million, nine hundred and seventy thousand dong."
            in text
        )
        assert "One billion, five hundred and forty million dong." in text
    # The assumptions with the rule book's citation, and the option without lines.
    assert ("Thông tư số 04/2020/TT-BTTTT" if vi else "Circular 04/2020/TT-BTTTT") in text
    assert ("Tỷ lệ chiết khấu 5%" if vi else "Discount rate 5%") in text
    assert (
        "Phương án này chưa có khoản mục chi phí." if vi else "This option has no cost lines yet."
    ) in text


def test_the_estimate_of_a_nominal_model_counts_no_price_escalation(world):
    model = tiny_model(world, basis="nominal")
    text = text_of(generate(world["finance"], "costing.estimate", model, "en"))
    assert "Price-escalation contingency = 0 VND: the lines of a nominal model already escalate" in text
    assert "G_DP Contingency 51,500,000 56,650,000" in text
    assert "Nominal (escalated prices)" in text


# The options appraisal and value-for-money report.


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_appraisal_prints_the_psc_value_for_money_and_the_recommendation(world, language):
    model = tiny_model(world)
    text = text_of(generate(world["finance"], "costing.appraisal", model, language))
    vi = language == "vi"
    assert ("SO SÁNH PHƯƠNG ÁN" if vi else "OPTIONS COMPARISON") in text
    assert ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" if vi else "SOCIALIST REPUBLIC OF VIET NAM") in text
    # The PSC build-up and its total in words.
    for figure in ("1360684286", "60000000", "40000000", "1460684286"):
        assert plain(figure, language) in text
    assert money("1460684286", language) in text
    # Value for money per option, with its reading and the break-even.
    reading = "nghiêng về PSC" if vi else "favours the PSC"
    assert f"{plain('-42649047', language)} {reading}" in text
    assert ("không trong thời gian phân tích" if vi else "never within the horizon") in text
    # The risk registers: expected values and present values.
    assert ("chia sẻ (nhà nước 40%)" if vi else "shared (40% public)") in text
    assert plain("105000000", language) in text
    # Sensitivity of value for money to the discount rate, and the tornado of each priced option.
    row = f"3% {plain('1463125340', language)} {plain('1517572816', language)} {plain('-54447476', language)}"
    assert row in text
    assert ("Biểu đồ lốc xoáy" if vi else "Tornado: what moves the net present value") in text
    assert ("Tỷ lệ chiết khấu" if vi else "Discount rate") in text
    # No simulation yet: said so.
    assert (
        "Chưa chạy mô phỏng nào cho phiên bản này." if vi else "No simulation has been run for this version."
    ) in text
    if not vi:  # the recommendation's own sentences are new to the catalogue
        assert f"The figures favour the in-house option (the PSC, {money('1460684286', 'en')})" in text
        assert f"The closest, Thuê dịch vụ CNTT, costs {money('42649047', 'en')} more." in text
        assert "This holds at every discount rate from 3% to 7%." in text
        assert "not compared: Đối tác công tư (PPP)." in text
    assert (
        "Đây là một căn cứ để quyết định, không phải kết luận."
        if vi
        else "It is one input to the decision, not a verdict."
    ) in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_appraisal_shows_the_latest_simulation_with_its_charts(world, language):
    model = tiny_model(world)
    before = generate(world["finance"], "costing.appraisal", model, language)
    services.simulation_run(actor=world["finance"], model=model, iterations=1000, seed=7)
    document = generate(world["finance"], "costing.appraisal", model, language)
    assert document.pk != before.pk and document.version == 2
    text = text_of(document)
    vi = language == "vi"
    sentence = (
        "Lần mô phỏng gần nhất: 1.000 lần, hạt giống 7" if vi else "Latest simulation: 1,000 draws, seed 7"
    )
    assert sentence in text
    assert ("khớp với dữ liệu hiện tại" if vi else "matches the current inputs") in text
    hire = f"Thuê dịch vụ CNTT {plain('1503333333', language)} " + " ".join(
        [plain("1603333333", language)] * 5
    )
    assert hire in text
    histogram = (
        "Phân bố chi phí vòng đời (giá trị hiện tại)" if vi else "Distribution of the lifecycle cost (PV)"
    )
    curve = "Đường cong S của chi phí vòng đời" if vi else "S-curve of the lifecycle cost (PV)"
    assert f"Tự thực hiện (phương án đối chứng khu vực công) · {histogram}" in text
    assert f"Tự thực hiện (phương án đối chứng khu vực công) · {curve}" in text
    # Every draw of the hire is the same figure: no chart, a sentence.
    assert f"Thuê dịch vụ CNTT · {histogram}" not in text
    if not vi:
        assert (
            f"Thuê dịch vụ CNTT: every draw gives the same lifecycle cost, {money('1603333333', 'en')}."
            in text
        )


def test_a_model_without_lines_gives_both_documents(world):
    model = services.cost_model_create(
        actor=world["finance"],
        organisation=world["agency"],
        name="Trống",
        base_year=2026,
        horizon=3,
        discount_rate="0.05",
        vat_rate="0.10",
    )
    estimate = text_of(generate(world["finance"], "costing.estimate", model, "en"))
    assert estimate.count("This option has no cost lines yet.") == 3
    appraisal = text_of(generate(world["finance"], "costing.appraisal", model, "en"))
    assert "The in-house option has no cost lines yet, so there is no PSC to compare with." in appraisal


# Determinism: the same inputs give the same file and the same record.


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_same_inputs_give_the_same_file_and_record(world, kind, language):
    model = tiny_model(world)
    services.simulation_run(actor=world["finance"], model=model, iterations=500, seed=3)
    document = generate(world["finance"], kind, model, language)
    assert hashlib.sha256(rendered_again(document)).hexdigest() == document.file_hash
    assert hashlib.sha256(bytes(document.content)).hexdigest() == document.file_hash
    count = Document.objects.count()
    again = generate(world["evaluator"], kind, model, language)
    assert again.pk == document.pk and Document.objects.count() == count
    # A changed line makes the next version; the first stays as it was.
    line = model.options.get(kind="in_house").lines.get(code="HOST")
    services.line_update(
        actor=world["finance"],
        line=line,
        data=services.LineData(
            code="HOST",
            name=line.name,
            category=line.category,
            unit=line.unit,
            unit_cost="11000000",
            quantities=line.quantities,
        ),
    )
    changed = generate(world["finance"], kind, model, language)
    assert changed.version == 2 and changed.input_hash != document.input_hash
    if kind == "costing.estimate":
        assert f"12 × {plain('11000000', language)} = {plain('132000000', language)}" in text_of(changed)


# Who may generate.


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("who", ["vendor", "outsider", "other_approver", "approver"])
def test_others_get_404_from_the_service_and_nothing_is_written(world, kind, who):
    """The approver of the agency's own reviewing body cannot see a version never submitted."""
    model = tiny_model(world)
    with assert_nothing_written(model), pytest.raises(NotFound):
        generate(world[who], kind, model, "vi")


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("who", ["vendor", "outsider", "other_approver"])
def test_others_get_the_404_page_from_the_generate_form_and_nothing_is_written(world, kind, who):
    model = tiny_model(world)
    services.cost_model_submit(actor=world["finance"], model=model, note="")
    model.refresh_from_db()
    client = client_for(world[who], "vi")
    with assert_nothing_written(model):
        response = client.post(
            reverse("document_generate"),
            {"kind": kind, "object_id": str(model.pk), "language": "vi", "next": "/"},
        )
    assert response.status_code == 404


def test_an_anonymous_post_writes_nothing(world):
    model = tiny_model(world)
    with assert_nothing_written(model):
        response = Client().post(
            reverse("document_generate"),
            {"kind": "costing.estimate", "object_id": str(model.pk), "language": "vi"},
        )
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("kind", KINDS)
def test_the_agency_and_its_reviewing_body_generate_through_the_form(world, kind):
    model = tiny_model(world)
    services.cost_model_submit(actor=world["finance"], model=model, note="")
    for who in ("evaluator", "approver"):
        response = client_for(world[who], "en").post(
            reverse("document_generate"),
            {
                "kind": kind,
                "object_id": str(model.pk),
                "language": "en",
                "next": reverse("costing:model_detail", args=[model.pk]),
            },
        )
        assert response.status_code == 302
    documents = Document.objects.filter(kind=kind, object_id=str(model.pk))
    assert [d.generated_by_id for d in documents] == [world["evaluator"].pk]  # the same inputs: one record
    assert documents.get().published is False


# The documents panel on the model's pages.


def test_the_panel_is_on_the_model_page_and_the_results_page(world):
    model = tiny_model(world)
    document = generate(world["finance"], "costing.estimate", model, "vi")
    client = client_for(world["finance"], "vi")
    for name in ("model_detail", "results"):
        page = client.get(reverse(f"costing:{name}", args=[model.pk])).content.decode()
        assert 'data-testid="documents-panel"' in page
        assert '<option value="costing.estimate">Dự toán theo mô hình chi phí</option>' in page
        assert '<option value="costing.appraisal">So sánh phương án</option>' in page
        assert 'data-testid="document-costing.estimate-vi-1"' in page
        assert reverse("document_download", args=[document.pk]) in page


def test_the_vendor_cannot_download_a_cost_model_document(world):
    model = tiny_model(world)
    document = generate(world["finance"], "costing.appraisal", model, "en")
    response = client_for(world["vendor"], "en").get(reverse("document_download", args=[document.pk]))
    assert response.status_code == 404


# The demo model.


def _vnd(value: Decimal) -> str:
    return str(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def test_both_documents_of_the_demo_model():
    """The approved version 1 of the demo portal (real prices, 2026-2035, 8 %, VAT 10 %, escalation 4 %).

    In-house capex in 2026 (before VAT): equipment 7,000,000,000 + 12,000,000,000 + 2,500,000,000 +
    800,000,000 + 400,000,000 = 22,700,000,000; consulting 1,200,000,000; PM = 3 % x 22,700,000,000 =
    681,000,000; contingency = 5 % x 24,581,000,000 + 4 % x 24,581,000,000 = 1,229,050,000 +
    983,240,000 = 2,212,290,000. The servers are bought again in 2031: nominal 7,000,000,000 x 1.04^5,
    so G_TB (nominal, before VAT) = 22,700,000,000 + 8,516,570,316.8 = 31,216,570,317.
    NPV in-house = 26,793,290,000 x 1.1 + 7,700,000,000 / 1.08^5 + 4,938,000,000 x sum_{t=1..9} 1.08^-t;
    NPV PPP = 480,000,000 x sum_{t=0..9} 1.08^-t + 7,700,000,000 x sum_{t=1..9} 1.08^-t.
    """
    call_command("seed_demo", stdout=io.StringIO())
    finance = User.objects.get(username="finance")
    model = CostModel.objects.get(name=PORTAL, version=1)
    factors = [Decimal(1) / Decimal("1.08") ** t for t in range(10)]
    later = sum(factors[1:], Decimal(0))
    in_house = Decimal("29472619000") + Decimal("7700000000") * factors[5] + Decimal("4938000000") * later
    ppp = Decimal("480000000") * sum(factors, Decimal(0)) + Decimal("7700000000") * later
    equipment = Decimal("22700000000") + Decimal("7000000000") * Decimal("1.04") ** 5
    estimate_vi = text_of(generate(finance, "costing.estimate", model, "vi"))
    for figure in (_vnd(equipment), "681000000", "2212290000", "29472619000"):
        assert plain(figure, "vi") in estimate_vi
    assert money("24581000000", "vi") in estimate_vi and money("983240000", "vi") in estimate_vi
    assert "Máy chủ ứng dụng và cơ sở dữ liệu" in estimate_vi
    assert f"20 × {plain('350000000', 'vi')} = {plain('7000000000', 'vi')}" in estimate_vi
    assert money(_vnd(in_house), "vi") in estimate_vi and money(_vnd(ppp), "vi") in estimate_vi
    assert "Bình quân gia quyền chi phí vốn vay" in estimate_vi  # the discount rate's stated basis
    assert "Thống nhất phương án." in estimate_vi  # the approval, with its note
    estimate_en = text_of(generate(finance, "costing.estimate", model, "en"))
    assert plain(_vnd(equipment), "en") in estimate_en and "Approved" in estimate_en
    appraisal_vi = text_of(generate(finance, "costing.appraisal", model, "vi"))
    assert "SO SÁNH PHƯƠNG ÁN" in appraisal_vi
    assert "Lần mô phỏng gần nhất: 10.000 lần, hạt giống 20260101" in appraisal_vi
    assert "khớp với dữ liệu hiện tại" in appraisal_vi
    assert plain(_vnd(ppp), "vi") in appraisal_vi and plain(_vnd(in_house), "vi") in appraisal_vi
    assert "Nhu cầu tăng 20%" in appraisal_vi  # the model's scenarios
    appraisal_en = text_of(generate(finance, "costing.appraisal", model, "en"))
    assert "The figures favour Đối tác công tư (PPP)" in appraisal_en
    assert "It also holds in all 3 scenarios of the model." in appraisal_en
    assert Document.objects.filter(object_id=str(model.pk)).count() == 4
