"""Bad input to the tendering API: a clear 4xx in the one shape {code, message, fields} that names the
field (and, for a rule of law, the rule and its legal basis), and nothing written. Actions in the
wrong state are 409s."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import InMemoryUploadedFile, SimpleUploadedFile, TemporaryUploadedFile
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from contracts import services
from contracts.models import Bid, Tender
from contracts.spreadsheets import price_form
from tests.contracts.api_support import BASE, JSON, XLSX, close, session, tender_payload
from tests.contracts.conftest import FULL_PRICES, new_tender, published_tender, submitted_bid
from tests.roles import assert_nothing_written

pytestmark = pytest.mark.django_db

BASIS = "(Law on Bidding 22/2023/QH15 (amended); Decree 214/2025/NĐ-CP)"
WEIGHTS = f"(Technical and price weights by procurement category {BASIS})"
PASS_MARK = f"(Minimum technical pass mark as a share of the maximum score {BASIS})"
TIMING = f"(Minimum bid preparation time and amendment notice {BASIS})"
SECURITY = f"(Bid security as a share of the package price {BASIS})"
NUMBER_TEXT = 'Value error, must be a decimal number written as text ("0.05") or an integer'
COMBINED = {"method": "combined", "envelopes": 2, "technical_weight": "0.2", "price_weight": "0.8",
            "pass_mark": "0.7"}  # fmt: skip


def refused(response, fields: dict[str, str] | list[str], status: int = 400, code: str | None = None) -> dict:
    """A `status` in the one error shape naming exactly these fields (with these messages, if given)."""
    body = response.json()
    assert response.status_code == status, body
    assert set(body) == {"code", "message", "fields"} and body["message"]
    if isinstance(fields, dict):
        assert body["fields"] == fields
    else:
        assert sorted(body["fields"]) == sorted(fields)
    if code is not None:
        assert body["code"] == code
    return body


@pytest.fixture
def finance(world) -> Client:
    return session(world["finance"])


@pytest.fixture
def preparer(world) -> Client:
    return session(world["preparer_a"])


def later(days: float, hours: float = 0) -> str:
    return (timezone.now() + dt.timedelta(days=days, hours=hours)).isoformat()


# The rule book, named with its legal basis.

RULES = [
    ("technical weight above 30 %", {**COMBINED, "technical_weight": "0.35", "price_weight": "0.65"},
     {"technical_weight": f"must be between 10% and 30% {WEIGHTS}",
      "price_weight": f"must be between 70% and 90% {WEIGHTS}"}),
    ("technical weight below 10 %", {**COMBINED, "technical_weight": "0.05", "price_weight": "0.95"},
     {"technical_weight": f"must be between 10% and 30% {WEIGHTS}",
      "price_weight": f"must be between 70% and 90% {WEIGHTS}"}),
    ("weights not adding up", {**COMBINED, "price_weight": "0.7"},
     {"price_weight": "technical and price weights must add up to 100%"}),
    ("pass mark below 70 %", {**COMBINED, "pass_mark": "0.6"},
     {"pass_mark": f"must be between 70% and 100% {PASS_MARK}"}),
    ("closing 8 days after publication", {"closing_at": later(8), "opening_at": later(8, 1)},
     {"closing_at": f"must be at least 9 days after publication {TIMING}"}),
    ("international closing after 15 days", {"scope": "international", "closing_at": later(15),
                                              "opening_at": later(15, 1)},
     {"closing_at": f"must be at least 18 days after publication {TIMING}"}),
    ("opening 3 hours after closing", {"opening_at": later(20, 3)},
     {"opening_at": f"must be within 2 hours of the closing {TIMING}"}),
    ("bid security 0.5 %", {"bid_security_rate": "0.005"},
     {"bid_security_rate": f"must be between 1% and 1.5% {SECURITY}"}),
    ("combined in one envelope", {**COMBINED, "envelopes": 1},
     {"envelopes": "the combined technical and price method needs two envelopes"}),
]  # fmt: skip


@pytest.mark.parametrize(("label", "changes", "fields"), RULES, ids=[case[0] for case in RULES])
def test_a_tender_breaking_the_rule_book_names_the_field_and_the_rule(world, finance, label, changes, fields):
    with assert_nothing_written():
        response = finance.post(f"{BASE}/tenders", tender_payload(world, **changes), content_type=JSON)
    refused(response, fields, code="tender.rules")


def test_a_draft_changed_against_the_rule_book_is_kept_as_it_was(world, finance):
    tender = new_tender(world)
    with assert_nothing_written(tender):
        response = finance.patch(
            f"{BASE}/tenders/{tender.pk}", {**COMBINED, "pass_mark": "0.65"}, content_type=JSON
        )
    refused(response, {"pass_mark": f"must be between 70% and 100% {PASS_MARK}"})


SHAPES = [
    ("package price above the estimate", {"package_price": "3780000001"},
     {"package_price": "must not exceed the approved estimate of 3780000000 VND"}),
    ("package price as a JSON float", {"package_price": 3.5e9}, {"package_price": NUMBER_TEXT}),
    ("bid security as a boolean", {"bid_security_rate": True}, {"bid_security_rate": NUMBER_TEXT}),
    ("bid security not a number", {"bid_security_rate": "một phần trăm"},
     {"bid_security_rate": "must be a number"}),
    ("bid security NaN", {"bid_security_rate": "NaN"}, {"bid_security_rate": "must be a finite number"}),
    ("closing not a date", {"closing_at": "tomorrow"}, ["closing_at"]),
    ("unknown method", {"method": "cheapest"},
     {"method": "must be one of lowest_price, evaluated_price, combined, fixed_price, technical_based"}),
    ("three envelopes", {"envelopes": 3}, {"envelopes": "must be between 1 and 2"}),
    ("high technology as text", {"high_technology": "yes"}, ["high_technology"]),
    ("unknown field", {"colour": "red"}, {"colour": "unknown field"}),
    ("NUL in the title", {"title": "a\u0000b"}, {"title": "Value error, must not contain the NUL character"}),
    ("over-long title", {"title": "x" * 256}, {"title": "String should have at most 255 characters"}),
    ("no title", {"title": ""}, {"title": "This field is required."}),
]  # fmt: skip


@pytest.mark.parametrize(("label", "changes", "fields"), SHAPES, ids=[case[0] for case in SHAPES])
def test_a_badly_shaped_tender_is_refused_naming_the_field(world, finance, label, changes, fields):
    with assert_nothing_written():
        response = finance.post(f"{BASE}/tenders", tender_payload(world, **changes), content_type=JSON)
    refused(response, fields)


def test_references_to_models_options_and_ids_that_are_not_there(world, finance):
    for changes, field in (({"model_id": 10**6}, "model_id"), ({"option_id": 10**6}, "option_id")):
        with assert_nothing_written():
            response = finance.post(f"{BASE}/tenders", tender_payload(world, **changes), content_type=JSON)
        refused(response, {field: "not found"}, status=404)
    refused(finance.get(f"{BASE}/tenders/abc"), ["tender_id"])
    refused(finance.get(f"{BASE}/tenders", {"status": "sealed"}), ["status"])
    refused(finance.get(f"{BASE}/tenders", {"limit": 0}), ["limit"])
    refused(finance.get(f"{BASE}/tenders/{10**6}"), {}, status=404, code="tender.not_found")


def test_a_criterion_with_points_of_the_wrong_kind_is_refused(world, finance):
    tender = new_tender(world)
    url = f"{BASE}/tenders/{tender.pk}/criteria"
    for payload, fields in (
        ({"kind": "pass_fail", "code": "YC1", "name": "ISO", "max_points": "10"},
         {"max_points": "only technical criteria carry points"}),
        ({"kind": "technical", "code": "KT1", "name": "Giải pháp"},
         {"max_points": "This field is required."}),
        ({"kind": "technical", "code": "KT1", "name": "Giải pháp", "max_points": 10.5},
         {"max_points": NUMBER_TEXT}),
        ({"kind": "scored", "code": "KT1", "name": "Giải pháp"}, {"kind": "must be pass_fail or technical"}),
    ):  # fmt: skip
        with assert_nothing_written(tender):
            refused(finance.post(url, payload, content_type=JSON), fields)


def test_an_amendment_may_change_only_what_amendments_change(world, finance):
    tender = published_tender(world)
    url = f"{BASE}/tenders/{tender.pk}/amendments"
    for payload, fields in (
        ({"reason": "Đổi giá", "package_price": "1"}, {"package_price": "unknown field"}),
        ({"reason": "Không đổi gì", "title": tender.title}, {"reason": "nothing changed"}),
        ({"reason": "", "title": "Mới"}, {"reason": "This field is required."}),
        ({"reason": "Khối lượng", "item_quantities": {"NOPE": ["1", "1", "1"]}},
         {"item_quantities.NOPE": "no such item in the schedule"}),
        ({"reason": "Khối lượng", "item_quantities": {"HOST": ["12", "12"]}},
         {"item_quantities.HOST": "needs 3 values, one per year"}),
        ({"reason": "Khối lượng", "item_quantities": {"HOST": ["12", "-1", "12"]}},
         {"item_quantities.HOST[1]": "must be at least 0"}),
    ):  # fmt: skip
        with assert_nothing_written(tender):
            refused(finance.post(url, payload, content_type=JSON), fields)


# Bids.


@pytest.fixture
def bid(world) -> Bid:
    tender = published_tender(world)
    return services.bid_create(actor=world["preparer_a"], tender=tender, vendor=world["vendor_a"])


PRICES = [
    ("unknown item", {"NOPE": ["1", "1", "1"]}, {"prices.NOPE": "not an item of the pricing schedule"}),
    ("too few years", {"HOST": ["1", "1"]}, {"prices.HOST": "needs 3 prices, one per year"}),
    ("too many years", {"HOST": ["1", "1", "1", "1"]}, {"prices.HOST": "needs 3 prices, one per year"}),
    ("negative price", {"HOST": ["1", "-1", "1"]}, {"prices.HOST[1]": "must be at least 0"}),
    ("text price", {"HOST": ["1", "một", "1"]}, {"prices.HOST[1]": "must be a number"}),
    ("NaN price", {"HOST": ["NaN", "1", "1"]}, {"prices.HOST[0]": "must be a finite number"}),
    ("float price", {"HOST": [1.5, "1", "1"]}, {"prices.HOST[0]": NUMBER_TEXT}),
    ("boolean price", {"HOST": [True, "1", "1"]}, {"prices.HOST[0]": NUMBER_TEXT}),
    ("five decimal places", {"HOST": ["1.00001", "1", "1"]}, {"prices.HOST[0]": "at most 4 decimal places"}),
    ("no price where there is a quantity", {"HOST": [None, "1", "1"]},
     {"prices.HOST[0]": "This field is required."}),
    ("a year's prices not a list", {"HOST": "40000000"}, ["prices.HOST"]),
]  # fmt: skip


@pytest.mark.parametrize(("label", "prices", "fields"), PRICES, ids=[case[0] for case in PRICES])
def test_bad_prices_are_named_by_item_and_year_and_nothing_is_saved(
    world, preparer, bid, label, prices, fields
):
    with assert_nothing_written(bid):
        response = preparer.put(
            f"{BASE}/bids/{bid.pk}/prices", {"prices": {**FULL_PRICES, **prices}}, content_type=JSON
        )
    refused(response, fields)


def test_a_bid_in_another_currency_is_refused(world, preparer, bid):
    with assert_nothing_written(bid):
        response = preparer.put(
            f"{BASE}/bids/{bid.pk}/prices", {"prices": FULL_PRICES, "currency": "USD"}, content_type=JSON
        )
    refused(response, {"currency": "the tender is priced in VND"})
    with assert_nothing_written(bid):
        response = preparer.patch(f"{BASE}/bids/{bid.pk}", {"currency": "USD"}, content_type=JSON)
    refused(response, {"currency": "the tender is priced in VND"})


def test_bad_bid_terms_are_named(world, preparer, bid):
    for payload, fields in (
        ({"discount_rate": "1.5"}, {"discount_rate": "must be at most 99%"}),
        ({"discount_rate": 0.02}, {"discount_rate": NUMBER_TEXT}),
        ({"bid_security_amount": "-1"}, {"bid_security_amount": "must be at least 0"}),
        ({"validity_days": 0}, {"validity_days": "must be between 1 and 730"}),
        ({"entitled_to_preference": "yes"}, ["entitled_to_preference"]),
        ({"status": "submitted"}, {"status": "unknown field"}),
    ):
        with assert_nothing_written(bid):
            refused(preparer.patch(f"{BASE}/bids/{bid.pk}", payload, content_type=JSON), fields)


def test_a_schedule_with_a_missing_item_cannot_be_submitted(world, preparer, bid):
    preparer.put(f"{BASE}/bids/{bid.pk}/prices", {"prices": {"HOST": FULL_PRICES["HOST"]}}, content_type=JSON)
    signatory = session(world["signatory_a"])
    with assert_nothing_written(bid):
        response = signatory.post(f"{BASE}/bids/{bid.pk}/submit")
    # 1 % of the package price 3,780,000,000 = 37,800,000 of bid security is also missing.
    refused(
        response,
        {
            "prices.SUPPORT": "not priced",
            "bid_security_amount": "at least 37800000 VND (1% of the package price)",
        },
        code="bid.incomplete",
    )


def test_answers_to_the_requirements_are_checked(world):
    tender = new_tender(world)
    services.criterion_add(actor=world["finance"], tender=tender, kind="pass_fail", code="YC1", name="ISO")
    services.tender_submit(actor=world["finance"], tender=tender)
    services.tender_approve(actor=world["approver"], tender=tender)
    services.tender_publish(actor=world["finance"], tender=tender)
    bid = services.bid_create(actor=world["preparer_a"], tender=tender, vendor=world["vendor_a"])
    preparer = session(world["preparer_a"])
    url = f"{BASE}/bids/{bid.pk}/answers"
    for answers, fields in (
        ({"YC1": {"response": "Có"}}, {"answers.YC1.complies": "say whether the bid complies"}),
        ({"YC1": {"complies": "yes"}}, ["answers.YC1.complies"]),
        ({"KT9": {"complies": True}}, {"answers.KT9": "not a criterion of the tender"}),
    ):
        with assert_nothing_written(bid):
            refused(preparer.put(url, {"answers": answers}, content_type=JSON), fields)


def _never_read(monkeypatch) -> None:
    """Reading an upload on the server is an error: a refusal must come before it. (The test
    client sends plain named buffers, which it may read.)"""

    def refuse(*args: Any, **kwargs: Any) -> bytes:
        raise AssertionError("the upload was read before it was checked")

    monkeypatch.setattr(InMemoryUploadedFile, "read", refuse)
    monkeypatch.setattr(TemporaryUploadedFile, "read", refuse)


@pytest.mark.parametrize(
    ("name", "size", "fields"),
    [
        ("ho-so.pdf", 20 * 1024 * 1024 + 1, {"file": "over the size limit"}),
        ("virus.exe", 10, {"file": "file type not allowed"}),
        ("ho-so", 10, {"file": "file type not allowed"}),
    ],
    ids=["over 20 MB", "an .exe", "no extension"],
)
def test_an_oversized_or_disallowed_attachment_is_refused_before_it_is_read(
    world, preparer, bid, settings, tmp_path, monkeypatch, name, size, fields
):
    settings.MEDIA_ROOT = tmp_path
    _never_read(monkeypatch)
    with assert_nothing_written(bid):
        response = preparer.post(f"{BASE}/bids/{bid.pk}/attachments", {"file": named(name, b"%" * size)})
    refused(response, fields)
    assert not list(tmp_path.rglob("*"))


def test_an_attachment_request_without_a_file_names_the_file(world, preparer, bid):
    with assert_nothing_written(bid):
        refused(preparer.post(f"{BASE}/bids/{bid.pk}/attachments", {}), {"file": "Field required"})


def named(name: str, content: bytes) -> io.BytesIO:
    buffer = io.BytesIO(content)
    buffer.name = name  # the test client sends it as a file; the type is guessed from the name
    return buffer


def _form(bid: Bid, edit=None) -> bytes:  # type: ignore[no-untyped-def]
    book = load_workbook(io.BytesIO(price_form(tender=bid.tender, language="en")))
    sheet = book["Prices"]
    keys = {sheet.cell(4, column).value: column for column in range(1, sheet.max_column + 1)}
    rows = {sheet.cell(row, 1).value: row for row in range(5, sheet.max_row + 1)}
    for code, values in FULL_PRICES.items():
        for year, value in enumerate(values):
            sheet.cell(rows[code], keys[f"price:{year}"], int(value))
    if edit:
        edit(sheet, keys, rows)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_price_form_with_a_missing_item_or_a_bad_cell_imports_nothing(world, preparer, bid):
    def drop_support(sheet, keys, rows):  # type: ignore[no-untyped-def]
        sheet.cell(rows["SUPPORT"], 1).value = None

    def spoil(sheet, keys, rows):  # type: ignore[no-untyped-def]
        sheet.cell(rows["HOST"], keys["price:1"], -5)

    url = f"{BASE}/bids/{bid.pk}/prices/import"
    for content, fields in (
        (_form(bid, drop_support), {"Prices!SUPPORT": "missing item SUPPORT"}),
        (_form(bid, spoil), {"Prices!I5": "must be at least 0"}),
    ):
        with assert_nothing_written(bid):
            response = preparer.post(url, {"file": SimpleUploadedFile("gia.xlsx", content, XLSX)})
        refused(response, fields, code="bid.workbook_invalid")
    assert not bid.prices.exists()


def test_a_price_form_that_is_not_a_workbook_is_refused_before_it_is_read(world, preparer, bid, monkeypatch):
    _never_read(monkeypatch)
    url = f"{BASE}/bids/{bid.pk}/prices/import"
    for upload, fields in (
        (named("gia.csv", b"HOST,1"), {"file": "not an .xlsx workbook"}),
        (named("gia.xlsx", b"0" * (5 * 1024 * 1024 + 1)), {"file": "over the size limit"}),
    ):
        with assert_nothing_written(bid):
            refused(preparer.post(url, {"file": upload}), fields, code="bid.workbook_invalid")


# The evaluation.


@pytest.fixture
def opened(world) -> tuple[Tender, Bid]:
    tender = published_tender(world)
    bid = submitted_bid(world, tender)
    close(tender)
    services.tender_open(actor=world["finance"], tender=tender)
    tender.refresh_from_db()
    return tender, bid


def test_a_panel_of_people_who_may_not_sit_on_it_is_refused(world, finance, opened):
    tender, _bid = opened
    payload = {
        "chair_id": world["preparer_a"].pk,
        "evaluator_ids": [world["evaluator"].pk, world["approver"].pk],
    }
    with assert_nothing_written(tender):
        response = finance.post(f"{BASE}/tenders/{tender.pk}/evaluation", payload, content_type=JSON)
    message = "not an evaluator or finance officer of the agency"
    refused(response, {"chair_id": message, "evaluator_ids[1]": message})


def test_scores_out_of_range_or_as_floats_are_refused(world):
    # A technical criterion of 60 points scored (a pass mark is then needed, 70 % of the maximum).
    tender = new_tender(world, pass_mark="0.7")
    criterion = services.criterion_add(
        actor=world["finance"], tender=tender, kind="technical", code="KT1", name="Giải pháp", max_points="60"
    )
    services.tender_submit(actor=world["finance"], tender=tender)
    services.tender_approve(actor=world["approver"], tender=tender)
    tender = services.tender_publish(actor=world["finance"], tender=tender)
    bid = submitted_bid(world, tender)
    close(tender)
    services.tender_open(actor=world["finance"], tender=tender)
    tender.refresh_from_db()
    evaluation = services.evaluation_start(
        actor=world["finance"], tender=tender, chair=world["evaluator"], evaluators=[world["evaluator"]]
    )
    services.conflict_declare(actor=world["evaluator"], evaluation=evaluation, has_conflict=False)
    chair = session(world["evaluator"])
    url = f"{BASE}/tenders/{tender.pk}/evaluation/scores"
    base = {"bid_id": bid.pk, "criterion_id": criterion.pk, "consensus": True}
    for changes, fields, status in (
        ({"points": "61"}, {"points": "must be at most 60.00"}, 400),
        ({"points": 50.5}, {"points": NUMBER_TEXT}, 400),
        ({"points": "50", "consensus": "yes"}, ["consensus"], 400),
        ({"points": "50", "bid_id": 10**6}, {"bid_id": "not found"}, 404),
        ({"points": "50", "criterion_id": 10**6}, {"criterion_id": "not found"}, 404),
    ):
        with assert_nothing_written(evaluation):
            refused(chair.post(url, {**base, **changes}, content_type=JSON), fields, status=status)
    with assert_nothing_written(evaluation):
        response = chair.post(
            f"{BASE}/tenders/{tender.pk}/evaluation/declarations", {"has_conflict": "no"}, content_type=JSON
        )
    refused(response, ["has_conflict"])


# Actions in the wrong state.


def test_actions_in_the_wrong_state_are_409s_and_write_nothing(world):
    finance, approver = session(world["finance"]), session(world["approver"])
    draft = new_tender(world)
    for client, url, payload, code in (
        (finance, f"/tenders/{draft.pk}/publish", {}, "tender.invalid_transition"),
        (
            finance,
            f"/tenders/{draft.pk}/amendments",
            {"reason": "x", "title": "Mới"},
            "tender.invalid_transition",
        ),
        (finance, f"/tenders/{draft.pk}/open", {}, "opening.invalid_transition"),
    ):
        with assert_nothing_written(draft):
            refused(client.post(BASE + url, payload, content_type=JSON), {}, status=409, code=code)
    services.tender_submit(actor=world["finance"], tender=draft)
    with assert_nothing_written(draft):
        response = finance.patch(f"{BASE}/tenders/{draft.pk}", {"title": "Khác"}, content_type=JSON)
    refused(response, {}, status=409, code="tender.frozen")
    services.tender_approve(actor=world["approver"], tender=draft)
    with assert_nothing_written(draft):
        response = approver.post(f"{BASE}/tenders/{draft.pk}/approve", {}, content_type=JSON)
    refused(response, {}, status=409, code="tender.invalid_transition")

    tender = published_tender(world)
    bid = submitted_bid(world, tender)
    signatory = session(world["signatory_a"])
    for client, url, payload, code in (
        (signatory, f"/bids/{bid.pk}/submit", {}, "bid.already_submitted"),
        (finance, f"/tenders/{tender.pk}/open", {}, "opening.not_closed"),
        (finance, f"/tenders/{tender.pk}/evaluation",
         {"chair_id": world["evaluator"].pk, "evaluator_ids": [world["evaluator"].pk]},
         "evaluation.invalid_transition"),
    ):  # fmt: skip
        with assert_nothing_written(tender, bid):
            refused(client.post(BASE + url, payload, content_type=JSON), {}, status=409, code=code)
    question = services.clarification_ask(
        actor=world["preparer_b"], tender=tender, vendor=world["vendor_b"], question="?"
    )
    services.clarification_answer(actor=world["finance"], clarification=question, answer="Có.")
    with assert_nothing_written(question):
        response = finance.post(
            f"{BASE}/tenders/{tender.pk}/clarifications/{question.pk}/answer",
            {"answer": "Lại"},
            content_type=JSON,
        )
    refused(response, {}, status=409, code="clarification.answered")

    close(tender)
    vendor_b = session(world["preparer_b"])  # signing in is itself audited: before the check
    with assert_nothing_written(tender):
        response = vendor_b.post(
            f"{BASE}/tenders/{tender.pk}/clarifications", {"question": "Muộn?"}, content_type=JSON
        )
    refused(response, {}, status=409, code="clarification.closed")
    services.tender_open(actor=world["finance"], tender=tender)
    for client, url, payload, code in (
        (finance, f"/tenders/{tender.pk}/awards", {"bid_id": bid.pk, "reasons": "Thấp nhất"},
         "award.invalid_transition"),
        (finance, f"/tenders/{tender.pk}/open", {}, "opening.invalid_transition"),
    ):  # fmt: skip
        with assert_nothing_written(tender):
            refused(client.post(BASE + url, payload, content_type=JSON), {}, status=409, code=code)
    services.evaluation_start(
        actor=world["finance"], tender=Tender.objects.get(pk=tender.pk), chair=world["evaluator"],
        evaluators=[world["evaluator"]],
    )  # fmt: skip
    with assert_nothing_written(tender):
        refused(
            finance.get(f"{BASE}/tenders/{tender.pk}/evaluation/results"),
            {},
            status=409,
            code="evaluation.not_computed",
        )
    with assert_nothing_written(tender):
        refused(signatory.post(f"{BASE}/bids/{bid.pk}/correction", {"accept": True}, content_type=JSON), {},
                status=409, code="correction.answered")  # fmt: skip
