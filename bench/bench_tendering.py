"""Benchmarks of tendering.

    tendering.evaluate_200x500_s  <= 2    evaluate a tender of 200 bids x 500 lines x 5 years: the
                                           arithmetic corrections (evaluation_start) and the figures
                                           (evaluation_compute: scores, NPVs, VfM, ranking)
    tendering.submit_p95_ms       <= 300  p95 latency of bid_submit when 50 vendors submit at the
                                           same instant, on PostgreSQL, served by a web server's
                                           worker processes (2 per core + 1, each on its own warm
                                           connection); the latency counts the wait for a worker

Django runs on a throw-away SQLite file for the first figure; the second needs PostgreSQL
(BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/postgres): a scratch database is
created there and dropped afterwards. Setting up the bids is not timed; it writes their rows directly
where the services would take minutes to validate 100,000 prices one by one.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if __package__ in (None, ""):
    sys.path.insert(0, str(ROOT))

BIDS, LINES, YEARS = 200, 500, 5
SUBMITTERS = 50


def _world(lines: int):  # type: ignore[no-untyped-def]
    """An agency with an approved model of `lines` service lines over YEARS years, and a published tender."""
    from django.utils import timezone

    from contracts import services
    from costing import services as costing
    from costing.services import LineData
    from ppp.models import Membership, Organisation, OrganisationKind, Role, User

    reviewing = Organisation.objects.create(kind=OrganisationKind.REVIEWING_BODY, name="Sở Tài chính")
    agency = Organisation.objects.create(
        kind=OrganisationKind.AGENCY, name="Sở TT&TT", reviewing_body=reviewing
    )
    finance = User.objects.create(username="finance", email="f@example.test")
    approver = User.objects.create(username="approver", email="a@example.test")
    evaluator = User.objects.create(username="evaluator", email="e@example.test")
    Membership.objects.create(user=finance, organisation=agency, role=Role.FINANCE_OFFICER)
    Membership.objects.create(user=evaluator, organisation=agency, role=Role.EVALUATOR)
    Membership.objects.create(user=approver, organisation=reviewing, role=Role.APPROVER)
    model = costing.cost_model_create(
        actor=finance, organisation=agency, name="Bench", base_year=2026, horizon=YEARS,
        discount_rate="0.05", vat_rate="0.10",
    )  # fmt: skip
    psc = model.options.get(kind="in_house")
    costing.lines_save(
        actor=finance, option=psc,
        rows=[LineData(code="OPS", name="Vận hành", category="operations_staff", unit="năm",
                       unit_cost="9000000000", quantities=["1"] * YEARS)],
    )  # fmt: skip
    option = model.options.get(kind="service_hire")
    costing.lines_save(
        actor=finance,
        option=option,
        rows=[
            LineData(code=f"L{i:03d}", name=f"Dịch vụ {i}", category="hosting_cloud", unit="tháng",
                     unit_cost=str(1_000_000 + 1000 * i),
                     quantities=[str(1 + (i + t) % 12) for t in range(YEARS)])
            for i in range(lines)
        ],
    )  # fmt: skip
    costing.cost_model_submit(actor=finance, model=model)
    model = costing.cost_model_approve(actor=approver, model=model)
    now = timezone.now()
    tender = services.tender_create(
        actor=finance, model=model, option=option, title="Bench", procurement_category="non_consulting",
        scope="domestic", method="lowest_price", envelopes=1, bid_security_rate="0.015", bid_validity_days=90,
        publication_at=now, clarification_deadline=now + dt.timedelta(days=5),
        closing_at=now + dt.timedelta(days=20), opening_at=now + dt.timedelta(days=20, hours=1),
    )  # fmt: skip
    services.tender_submit(actor=finance, tender=tender)
    services.tender_approve(actor=approver, tender=tender)
    tender = services.tender_publish(actor=finance, tender=tender)
    return {"tender": tender, "finance": finance, "evaluator": evaluator}


def _draft_bids(tender, count: int, seed: int = 7) -> list:  # type: ignore[no-untyped-def]
    """`count` vendors with a complete draft bid each, written straight to the tables."""
    from contracts.models import Bid, BidPrice
    from ppp.models import Membership, Organisation, OrganisationKind, Role, User

    rng = random.Random(seed)
    items = list(tender.items.order_by("position", "pk"))
    security = (Decimal(tender.package_price) * Decimal(tender.bid_security_rate)).quantize(Decimal(1))
    signatories, bids = [], []
    for index in range(count):
        vendor = Organisation.objects.create(
            kind=OrganisationKind.VENDOR, name=f"Nhà thầu {index}", is_verified=True
        )
        person = User.objects.create(username=f"sign{index}", email=f"sign{index}@example.test")
        Membership.objects.create(user=person, organisation=vendor, role=Role.SIGNATORY)
        bid = Bid.objects.create(
            tender=tender, vendor=vendor, created_by=person, bid_security_amount=security,
            validity_days=tender.bid_validity_days, discount_rate=Decimal("0.01") * (index % 5),
        )  # fmt: skip
        rows = []
        for item in items:
            base = 900_000 + 1000 * int(item.code[1:])
            prices = [str(base + rng.randrange(0, 200_000, 1000)) for _ in item.quantities]
            # One line in a hundred carries an amount written on the price form, a few of them wrong.
            stated = None
            if rng.random() < 0.01:
                stated = [
                    str(Decimal(p) * Decimal(q) + rng.choice((0, 0, 1000)))
                    for p, q in zip(prices, item.quantities, strict=True)
                ]
            rows.append(BidPrice(bid=bid, item=item, unit_prices=prices, stated_amounts=stated))
        BidPrice.objects.bulk_create(rows)
        signatories.append(person)
        bids.append(bid)
    return list(zip(signatories, bids, strict=True))


def _setup_sqlite() -> None:
    directory = tempfile.mkdtemp(prefix="ppp-bench-tender-")
    os.environ["DATABASE_URL"] = f"sqlite:///{directory}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ppp.settings")
    os.environ.setdefault("PYTEST_VERSION", "bench")  # the immediate task backend and a cheap hasher
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def evaluate_figure() -> dict[str, float]:
    from django.db.models.functions import Now
    from django.test.utils import override_settings

    from contracts import services
    from contracts.models import Bid, BidStatus, Tender

    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        world = _world(LINES)
        tender = world["tender"]
        pairs = _draft_bids(tender, BIDS)
        for signatory, bid in pairs:
            services.bid_submit(actor=signatory, bid=bid)
        Tender.objects.filter(pk=tender.pk).update(
            publication_at=Now() - dt.timedelta(days=30), clarification_deadline=Now() - dt.timedelta(days=2),
            closing_at=Now() - dt.timedelta(minutes=1), opening_at=Now() + dt.timedelta(minutes=59),
        )  # fmt: skip
        tender.refresh_from_db()
        services.tender_open(actor=world["finance"], tender=tender)
        tender.refresh_from_db()
        assert Bid.objects.filter(tender=tender, status=BidStatus.SUBMITTED).count() == BIDS
        start = time.perf_counter()
        evaluation = services.evaluation_start(
            actor=world["finance"], tender=tender, chair=world["evaluator"], evaluators=[world["evaluator"]]
        )
        corrections = time.perf_counter() - start
        # Bidders answer their corrections (not timed: that is days of their time, not ours).
        from contracts.models import BidCorrection, CorrectionStatus

        BidCorrection.objects.filter(bid__tender=tender, status=CorrectionStatus.PROPOSED).update(
            status=CorrectionStatus.ACCEPTED
        )
        start = time.perf_counter()
        evaluation = services.evaluation_compute(actor=world["evaluator"], evaluation=evaluation)
        figures = time.perf_counter() - start
        assert len(evaluation.results["ranking"]) == BIDS
    return {
        "tendering.evaluate_200x500_s": corrections + figures,
        "tendering.evaluate_corrections_s": corrections,
        "tendering.evaluate_compute_s": figures,
    }


def _postgres_url() -> str:
    return os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def submit_figure() -> dict[str, float]:
    """Runs in a child process: Django is configured once per process, on PostgreSQL here."""
    result = subprocess.run(
        [sys.executable, "-m", "bench.bench_tendering", "--submit"],
        cwd=ROOT, capture_output=True, text=True, timeout=1800, check=False,
    )  # fmt: skip
    if result.returncode != 0:
        raise RuntimeError(f"the submission benchmark failed:\n{result.stdout}\n{result.stderr}")
    figures = {}
    for line in result.stdout.splitlines():
        if line.startswith("tendering."):
            key, value = line.split(" = ")
            figures[key] = float(value)
    return figures


def _serve(services, warm_ups: list, pairs: list, workers: int) -> list[float]:  # type: ignore[no-untyped-def]
    """`workers` processes serve the submissions as a web server's workers would (gunicorn's
    advice: two per core plus one), each on its own warm connection, after one submission of its own
    has warmed its code. All the submissions arrive at one instant and wait in one queue; a
    submission's latency runs from that instant to its receipt, so waiting for a free worker counts."""
    context = multiprocessing.get_context("fork")
    ready = context.Barrier(workers + 1)
    released = context.Value("d", 0.0)
    go = context.Event()
    taken = context.Value("i", 0)
    results = context.Queue()

    def worker(warm_up) -> None:  # type: ignore[no-untyped-def]
        from django.db import connections

        try:
            services.bid_submit(actor=warm_up[0], bid=warm_up[1])
            ready.wait(timeout=120)
            go.wait(timeout=120)
            while True:
                with taken.get_lock():
                    index = taken.value
                    taken.value += 1
                if index >= len(pairs):
                    break
                signatory, bid = pairs[index]
                services.bid_submit(actor=signatory, bid=bid)
                results.put(("ok", time.monotonic() - released.value))
        except BaseException as error:
            results.put(("error", repr(error)))
        finally:
            connections.close_all()

    processes = [context.Process(target=worker, args=(warm_up,)) for warm_up in warm_ups]
    for process in processes:
        process.start()
    ready.wait(timeout=300)
    released.value = time.monotonic()
    go.set()
    outcomes = []
    while len([kind for kind, _ in outcomes if kind == "ok"]) < len(pairs):
        outcome = results.get(timeout=300)
        outcomes.append(outcome)
        if outcome[0] == "error":
            raise RuntimeError(outcome[1])
    for process in processes:
        process.join(timeout=60)
    return [detail for _, detail in outcomes]


def _submit_child() -> None:
    import psycopg

    base = _postgres_url()
    name = f"ppp_bench_{os.getpid()}"
    admin = psycopg.connect(base, autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        os.environ["DATABASE_URL"] = base.rsplit("/", 1)[0] + f"/{name}"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ppp.settings")
        os.environ.setdefault("PYTEST_VERSION", "bench")
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connections
        from django.test.utils import override_settings

        from contracts import services

        call_command("migrate", verbosity=0, interactive=False)
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            world = _world(50)
            workers = 2 * (os.cpu_count() or 1) + 1
            pairs = _draft_bids(world["tender"], SUBMITTERS + workers)
            warm_ups, pairs = pairs[:workers], pairs[workers:]
            connections.close_all()
            latencies = _serve(services, warm_ups, pairs, workers)
        ordered = sorted(latencies)
        p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
        print(f"tendering.submit_p95_ms = {p95 * 1000:.3f}")
        print(f"tendering.submit_median_ms = {statistics.median(ordered) * 1000:.3f}")
        connections.close_all()
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def run() -> dict[str, float]:
    figures = submit_figure()
    _setup_sqlite()
    figures.update(evaluate_figure())
    return figures


if __name__ == "__main__":
    if "--submit" in sys.argv:
        _submit_child()
    else:
        for key, value in run().items():
            print(f"{key} = {value:.6g}")
