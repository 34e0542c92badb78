"""Benchmark of the import of a provider's raw transaction log and the settlement of a month from it.

    revenue_share.import_1m_rows_s    <= 10    upload a generated log of 1,000,000 transactions (56 MB:
                                               6 services over the 12 months of 2026, 90 % valid, 5 %
                                               refunded, 5 % failed) through the service, as the API
                                               does: hash it, store it, and let the background job
                                               check every row, add the log up per month and service
                                               and write the monthly actuals; then compute the
                                               statement of one month of it (SETTLED_PERIOD) through
                                               the settlement service, as the page does: the tariffs
                                               in force, net revenue, a tiered share of it and a fee
                                               per valid transaction, stored with its input snapshot
                                               and audited
    revenue_share.import_1m_peak_mb   <= 1000  the peak resident memory of the process doing both (MB)

The log is generated in this process and is not timed; the import and the settlement run in a fresh
child process (on a throw-away SQLite database, with the immediate task backend, so the job runs
within the call) whose peak resident set size (VmHWM) is the second figure: Django and the migrated
database are in it, the generation is not. The contract is active over 2026 in VND, its services
have tariffs in force from 1 January 2026 (the log's amounts are those tariffs plus 10 % VAT) and its
payment mechanism is a tiered share of net revenue plus a fee per valid transaction of each service.
The child checks the imported months against the counts and sums computed here with numpy, and the
statement's net revenue against the month's valid transactions net of refunds, gateway fees and VAT
as the import computed them, so a fast but wrong import or settlement fails the benchmark. The time
of the settlement alone is printed beside the figures.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if __package__ in (None, ""):
    sys.path.insert(0, str(ROOT))

ROWS = 1_000_000
# What a payer pays for one transaction (whole đồng, VAT included): the tariff plus VAT_RATE.
SERVICES = {"HT-KS": 8800, "HT-KH": 11000, "DN-DKDN": 27500, "THUE-NT": 2200, "DV-DIEN": 1650, "DD-XD": 33000}
VAT_RATE = "0.10"
SETTLED_PERIOD = "2026-12"  # the month that closes the plan year (no band test: the contract has none)
TIERS = {
    "basis": "revenue",
    "tiers": [
        {"from": "0", "to": "500000000", "share": "0.2"},
        {"from": "500000000", "to": None, "share": "0.1"},
    ],
}
FEES = {code: "300" for code in SERVICES}  # đồng per valid transaction


def generate(path: Path, rows: int = ROWS, seed: int = 11) -> dict[str, list[int]]:
    """Write the log; return per "YYYY-MM SERVICE": [valid, refunded, gross, refunds] (whole đồng)."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    codes = np.array(list(SERVICES))
    prices = np.array(list(SERVICES.values()), dtype=np.int64)
    service = rng.integers(0, len(codes), rows)
    seconds = rng.integers(0, 365 * 86400, rows)
    stamps = np.datetime64("2026-01-01T00:00:00") + seconds.astype("timedelta64[s]")
    status = rng.choice(3, rows, p=[0.90, 0.05, 0.05])  # valid, refunded, failed
    frame = pd.DataFrame(
        {
            "transaction_id": np.char.add("VNPT-", np.arange(rows).astype(str)),
            "timestamp": np.char.add(np.datetime_as_string(stamps, unit="s"), "+07:00"),
            "service_code": codes[service],
            "amount": prices[service],
            "status": np.array(["valid", "refunded", "failed"])[status],
        }
    )
    frame.to_csv(path, index=False)
    months = stamps.astype("datetime64[M]").astype(np.int64) - (2026 - 1970) * 12
    expected: dict[str, list[int]] = {}
    for month in range(12):
        for index, code in enumerate(codes):
            here = (months == month) & (service == index)
            valid, refunded = here & (status == 0), here & (status == 1)
            price = int(prices[index])
            expected[f"2026-{month + 1:02d} {code}"] = [
                int(valid.sum()),
                int(refunded.sum()),
                price * int(valid.sum()),
                0,  # a refunded transaction is not revenue: in neither gross nor refunds
            ]
    return expected


def _setup_child(directory: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{directory}/bench.sqlite3"
    os.environ["MEDIA_ROOT"] = str(directory / "media")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ppp.settings")
    os.environ.setdefault("PYTEST_VERSION", "bench")  # the immediate task backend and a cheap hasher
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def _contract():  # type: ignore[no-untyped-def]
    """An active contract over 2026, in VND, with its payment mechanism and its services' tariffs (the
    log's amounts less VAT), written straight to the tables."""
    import datetime as dt
    from decimal import Decimal

    from django.utils import timezone

    from contracts.models import Award, Bid, Contract, ContractStatus, PaymentMechanism, Tender
    from costing import services as costing
    from ppp.models import Membership, Organisation, OrganisationKind, Role, User
    from revenue_share.models import Service, Tariff

    agency = Organisation.objects.create(kind=OrganisationKind.AGENCY, name="Sở TT&TT")
    vendor = Organisation.objects.create(kind=OrganisationKind.VENDOR, name="Nhà cung cấp", is_verified=True)
    finance = User.objects.create(username="finance", email="f@example.test")
    Membership.objects.create(user=finance, organisation=agency, role=Role.FINANCE_OFFICER)
    model = costing.cost_model_create(
        actor=finance,
        organisation=agency,
        name="Bench",
        base_year=2026,
        horizon=1,
        discount_rate="0.05",
        vat_rate="0.10",
    )
    now = timezone.now()
    tender = Tender.objects.create(
        organisation=agency,
        cost_model=model,
        option=model.options.get(kind="service_hire"),
        reference="B-1",
        title="Bench",
        currency="VND",
        procurement_category="non_consulting",
        scope="domestic",
        method="lowest_price",
        package_price=Decimal(10**9),
        estimate=Decimal(10**9),
        estimate_hash="0" * 64,
        discount_rate=Decimal("0.05"),
        vat_rate=Decimal("0.1"),
        bid_security_rate=Decimal("0.01"),
        bid_validity_days=90,
        publication_at=now - dt.timedelta(days=60),
        clarification_deadline=now - dt.timedelta(days=40),
        closing_at=now - dt.timedelta(days=30),
        opening_at=now - dt.timedelta(days=30),
        status="awarded",
        created_by=finance,
    )
    bid = Bid.objects.create(tender=tender, vendor=vendor, created_by=finance)
    award = Award.objects.create(
        tender=tender,
        bid=bid,
        status="approved",
        contract_price=Decimal(10**9),
        reasons="Bench",
        proposed_by=finance,
    )
    rate = Decimal(VAT_RATE)
    for code, price in SERVICES.items():
        Tariff.objects.update_or_create(
            service=Service.objects.get(code=code),
            valid_from=dt.date(2026, 1, 1),
            defaults={
                "amount": Decimal(price) / (1 + rate),
                "currency": "VND",
                "vat_rate": rate,
                "valid_to": None,
            },
        )
    contract = Contract.objects.create(
        award=award,
        tender=tender,
        agency=agency,
        vendor=vendor,
        currency="VND",
        value=Decimal(10**9),
        price_schedule={},
        status=ContractStatus.ACTIVE,
        start_date=dt.date(2026, 1, 1),
        end_date=dt.date(2026, 12, 31),
    )
    PaymentMechanism.objects.create(contract=contract, position=0, kind="tiered_share", parameters=TIERS)
    PaymentMechanism.objects.create(
        contract=contract, position=1, kind="per_transaction", parameters={"fees": FEES}
    )
    return contract, finance


def _child(log: Path, expected_path: Path) -> None:
    directory = Path(tempfile.mkdtemp(prefix="ppp-bench-actuals-"))
    try:
        measured = _import_and_settle(log, expected_path, directory)
    finally:
        shutil.rmtree(directory, ignore_errors=True)  # the database and the stored copy of the log
    print(json.dumps(measured))


def _import_and_settle(log: Path, expected_path: Path, directory: Path) -> dict[str, Any]:
    _setup_child(directory)
    from decimal import Decimal

    from django.core.files import File
    from django.test.utils import override_settings

    from revenue_share import services
    from revenue_share.models import PeriodActual
    from revenue_share.services.settlements import settlement_compute

    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        contract, finance = _contract()
    with log.open("rb") as handle:
        start = time.perf_counter()
        upload, created = services.actuals_upload(
            actor=finance, contract=contract, file=File(handle, name="transactions.csv"), kind="transactions"
        )
        imported = time.perf_counter()
        statement = settlement_compute(actor=finance, contract=contract, period=SETTLED_PERIOD)
        end = time.perf_counter()
    peak = _peak_mb()
    upload.refresh_from_db()
    assert created and upload.status == "imported", (upload.status, upload.errors[:5])
    assert upload.job is not None and upload.job.status == "succeeded" and upload.rows == ROWS
    expected = json.loads(expected_path.read_text())
    rate = Decimal(VAT_RATE)
    actual = {f"{a.period:%Y-%m} {a.service.code}": a for a in PeriodActual.objects.select_related("service")}
    assert set(actual) == set(expected), "the months and services differ from the generated log"
    for key, (valid, _refunded, gross, refunds) in expected.items():
        row = actual[key]
        vat = ((Decimal(gross) - Decimal(refunds)) * rate / (1 + rate)).quantize(
            Decimal(1), rounding="ROUND_HALF_UP"
        )
        assert (row.valid_volume, row.gross_collections, row.refunds, row.vat) == (
            valid,
            gross,
            refunds,
            vat,
        ), key
    _check_statement(statement, contract, expected)
    figures = {"revenue_share.import_1m_rows_s": end - start, "revenue_share.import_1m_peak_mb": peak}
    return {"figures": figures, "settlement_s": end - imported}


def _check_statement(statement: Any, contract: Any, expected: dict[str, list[int]]) -> None:
    """The stored statement of SETTLED_PERIOD settles the month's net revenue as the import computed it
    (valid amounts less gateway fees and VAT; refunded transactions count for nothing), which is the valid
    transactions at their tariffs, from the numpy counts."""
    import datetime as dt
    from decimal import Decimal

    from revenue_share.models import PeriodActual, SettlementStatement

    month = dt.date.fromisoformat(f"{SETTLED_PERIOD}-01")
    stored = SettlementStatement.objects.get(contract=contract, period=month)
    assert (stored.pk, stored.status, stored.version) == (statement.pk, "draft", 1)
    imported = sum(
        (
            a.gross_collections - a.refunds - a.gateway_fees - a.vat
            for a in PeriodActual.objects.filter(contract=contract, period=month)
        ),
        Decimal(0),
    )
    rate = Decimal(VAT_RATE)
    valid_at_tariff = sum(
        (Decimal(valid * SERVICES[key.split()[1]]) / (1 + rate))
        for key, (valid, _refunded, _gross, _refunds) in expected.items()
        if key.startswith(SETTLED_PERIOD)
    )
    assert imported == valid_at_tariff, (imported, valid_at_tariff)
    assert stored.net_revenue == imported, (
        f"the statement's net revenue {stored.net_revenue} is not the imported month's {imported}"
    )
    assert stored.provider_share + stored.state_share == stored.net_revenue
    assert stored.provider_share > 0 and {line["key"] for line in stored.lines} == {
        "tiered_share.band",
        "per_transaction.fee",
    }


def _peak_mb() -> float:
    """The process's peak resident set since it started this program. Linux carries ru_maxrss over an
    exec (a child would report the benchmark runner's own peak), so VmHWM, which starts afresh with
    the program, is read where there is one."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def run() -> dict[str, float]:
    directory = Path(tempfile.mkdtemp(prefix="ppp-bench-log-"))
    log, expected_path = directory / "transactions.csv", directory / "expected.json"
    try:
        expected_path.write_text(json.dumps(generate(log)))
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.bench_revenue_share_import",
                "--child",
                str(log),
                str(expected_path),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=1800,
            check=False,
        )
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    if result.returncode != 0:
        raise RuntimeError(f"the transaction-log benchmark failed:\n{result.stdout}\n{result.stderr}")
    measured = json.loads(result.stdout.strip().splitlines()[-1])
    print(f"  of which the settlement of {SETTLED_PERIOD}: {measured['settlement_s']:.3g} s", flush=True)
    return {key: float(value) for key, value in measured["figures"].items()}


if __name__ == "__main__":
    if "--child" in sys.argv:
        _child(Path(sys.argv[2]), Path(sys.argv[3]))
    else:
        for key, value in run().items():
            print(f"{key} = {value:.6g}")
