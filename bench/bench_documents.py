"""Benchmark of the generated documents.

    documents.bidding_document_200p_s  <= 5  generate the bidding document of a published tender of
                                              ITEMS items x YEARS years with CRITERIA criteria, in
                                              Vietnamese: collect its inputs, hash them, lay out and
                                              render the PDF (at least 200 pages, counted with pypdf)
                                              and store the record, as the "Generate" button does
    documents.bidding_document_pages          the pages of that document
    documents.bidding_document_render_s       of which: laying out and rendering the PDF alone

Django runs on a throw-away SQLite file (or on the database the run already uses, when an earlier
benchmark module set Django up). The tender is built through the services and is not timed.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if __package__ in (None, ""):
    sys.path.insert(0, str(ROOT))

ITEMS, YEARS, CRITERIA = 240, 12, 80
RUNS = 3
MINIMUM_PAGES = 200


def _setup_django() -> None:
    from django.conf import settings

    if not settings.configured:
        directory = tempfile.mkdtemp(prefix="ppp-bench-documents-")
        os.environ["DATABASE_URL"] = os.environ.get(
            "BENCH_DATABASE_URL", f"sqlite:///{directory}/bench.sqlite3"
        )
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ppp.settings")
        os.environ.setdefault("PYTEST_VERSION", "bench")  # the immediate task backend and a cheap hasher
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def _tender():  # type: ignore[no-untyped-def]
    """A published tender of ITEMS service lines over YEARS years, with CRITERIA criteria (half of them
    scored), built by the agency's finance officer and approved by another person."""
    from django.utils import timezone

    from contracts import services
    from costing import services as costing
    from costing.services import LineData
    from ppp.models import Membership, Organisation, OrganisationKind, Role, User

    suffix = f"{os.getpid()}-{time.monotonic_ns()}"
    reviewing = Organisation.objects.create(kind=OrganisationKind.REVIEWING_BODY, name="Sở Tài chính tỉnh")
    agency = Organisation.objects.create(
        kind=OrganisationKind.AGENCY, name="Sở Khoa học và Công nghệ tỉnh", reviewing_body=reviewing,
        address="Số 1 Đường Trần Hưng Đạo, thành phố Hạ Long",
    )  # fmt: skip
    finance = User.objects.create(username=f"documents-finance-{suffix}", email="df@example.test")
    approver = User.objects.create(username=f"documents-approver-{suffix}", email="da@example.test")
    Membership.objects.create(user=finance, organisation=agency, role=Role.FINANCE_OFFICER)
    Membership.objects.create(user=approver, organisation=reviewing, role=Role.APPROVER)
    model = costing.cost_model_create(
        actor=finance, organisation=agency, name="Nền tảng dịch vụ số", base_year=2026, horizon=YEARS,
        discount_rate="0.05", vat_rate="0.10",
    )  # fmt: skip
    costing.lines_save(
        actor=finance, option=model.options.get(kind="in_house"),
        rows=[LineData(code="OPS", name="Vận hành", category="operations_staff", unit="năm",
                       unit_cost="90000000000", quantities=["1"] * YEARS)],
    )  # fmt: skip
    categories = [
        "hosting_cloud",
        "licences_subscriptions",
        "maintenance_support",
        "data_services",
        "telecoms",
    ]
    option = model.options.get(kind="service_hire")
    costing.lines_save(
        actor=finance,
        option=option,
        rows=[
            LineData(code=f"DV-{i:03d}", name=f"Dịch vụ số {i}: thuê hạ tầng, phần mềm và hỗ trợ vận hành",
                     category=categories[i % len(categories)], unit="tháng",
                     unit_cost=str(1_000_000 + 1000 * i),
                     quantities=[str(1 + (i + t) % 12) for t in range(YEARS)], vat_applicable=i % 4 != 0,
                     assumption="Theo yêu cầu kỹ thuật tại Chương V; giá đã gồm hỗ trợ 24/7.")
            for i in range(ITEMS)
        ],
    )  # fmt: skip
    costing.cost_model_submit(actor=finance, model=model)
    model = costing.cost_model_approve(actor=approver, model=model)
    now = timezone.now()
    tender = services.tender_create(
        actor=finance, model=model, option=option, title="Thuê nền tảng dịch vụ số của tỉnh",
        procurement_category="non_consulting", scope="domestic", method="lowest_price", envelopes=1,
        bid_security_rate="0.015", bid_validity_days=120, publication_at=now,
        clarification_deadline=now + dt.timedelta(days=10), closing_at=now + dt.timedelta(days=25),
        opening_at=now + dt.timedelta(days=25, hours=1), pass_mark="0.70",
        scope_of_work="Cung cấp dịch vụ thuê nền tảng số cho các cơ quan của tỉnh.\n\n"
        "Nhà thầu bảo đảm vận hành liên tục, an toàn thông tin cấp độ 3 và chuyển giao dữ liệu khi kết thúc.",
    )  # fmt: skip
    for index in range(CRITERIA):
        scored = index % 2 == 1
        services.criterion_add(
            actor=finance, tender=tender, kind="technical" if scored else "pass_fail", code=f"TC-{index:02d}",
            name=f"Tiêu chí {index}: năng lực, kinh nghiệm và giải pháp kỹ thuật",
            description="Nhà thầu chứng minh bằng hợp đồng tương tự, chứng chỉ và thuyết minh giải pháp.",
            max_points="10" if scored else None,
        )  # fmt: skip
    services.tender_submit(actor=finance, tender=tender)
    services.tender_approve(actor=approver, tender=tender)
    return services.tender_publish(actor=finance, tender=tender), finance


def run() -> dict[str, float]:
    _setup_django()
    from django.test.utils import override_settings
    from django.utils import timezone, translation
    from pypdf import PdfReader

    from ppp.documents import registry
    from ppp.documents.pdf import Meta
    from ppp.documents.services import document_generate, input_hash_of
    from ppp.models import Document

    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        tender, finance = _tender()
    kind = "contracts.bidding_document"
    timings = []
    document = None
    for _run in range(RUNS):
        Document.objects.filter(kind=kind, object_id=str(tender.pk)).delete()  # generate anew each time
        start = time.perf_counter()
        document = document_generate(actor=finance, kind=kind, object_id=tender.pk, language="vi")
        timings.append(time.perf_counter() - start)
    assert document is not None
    pages = len(PdfReader(io.BytesIO(bytes(document.content))).pages)
    assert pages >= MINIMUM_PAGES, f"the bidding document has {pages} pages, fewer than {MINIMUM_PAGES}"
    spec = registry.get(kind)
    renders = []
    with translation.override("vi"):
        meta = Meta(title=document.title, reference=document.reference, language="vi",
                    generated_at=timezone.now(), input_hash=input_hash_of(kind, "vi", document.inputs),
                    issuer=str(document.inputs["issuer"]))  # fmt: skip
        for _run in range(RUNS):
            start = time.perf_counter()
            spec.render(document.inputs, meta)
            renders.append(time.perf_counter() - start)
    return {
        "documents.bidding_document_200p_s": statistics.median(timings),
        "documents.bidding_document_pages": float(pages),
        "documents.bidding_document_render_s": statistics.median(renders),
    }


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key} = {value:.6g}")
