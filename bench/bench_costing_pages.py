"""Server time of the costing results page for a 1,000-line model, and its query count.

Sets Django up on a throw-away SQLite file (or DATABASE_URL when BENCH_DATABASE_URL is given),
migrates it, builds two models through the services (100 and 1,000 lines over 30 years, one option),
and requests the results page in-process with Django's test client: the time measured is the
server's own (routing, selectors, engine, template), median of several requests after a warm-up.
    costing.results_page_ms            <= 300  median server time, 1,000-line model
    costing.results_page_queries_1000         queries of that request
    costing.results_page_queries_100          the same page for 100 lines
    costing.results_page_query_growth  <= 0    queries for 1,000 lines minus queries for 100
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

HORIZON = 30
REQUESTS = 7


def _setup_django() -> str:
    directory = tempfile.mkdtemp(prefix="ppp-bench-")
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{directory}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ppp.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    return directory


def _model(actor, agency, lines: int):  # type: ignore[no-untyped-def]
    from costing import services
    from costing.services import LineData

    categories = ["equipment_hardware", "equipment_software", "hosting_cloud", "maintenance_support"]
    model = services.cost_model_create(
        actor=actor,
        organisation=agency,
        name=f"Bench {lines}",
        base_year=2026,
        horizon=HORIZON,
        discount_rate="0.05",
        vat_rate="0.10",
        general_escalation="0.03",
        with_default_options=False,
    )
    option = services.option_create(actor=actor, model=model, kind="in_house", name="PSC")
    rows = []
    for index in range(lines):
        category = categories[index % len(categories)]
        capex = category.startswith("equipment")
        quantities = ["5" if (capex and t % 7 == 0) or not capex else "0" for t in range(HORIZON)]
        rows.append(
            LineData(
                code=f"L{index:04d}",
                name=f"Khoản mục {index}",
                category=category,
                unit="đơn vị",
                unit_cost=str(1_000_000 + 137 * index),
                quantities=quantities,
                escalation_rate="0.02" if index % 3 == 0 else None,
            )
        )
    services.lines_save(actor=actor, option=option, rows=rows)
    return model


def run() -> dict[str, float]:
    _setup_django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.urls import reverse

    from ppp.models import Membership, Organisation, OrganisationKind, Role, User

    setup_test_environment()
    reviewing = Organisation.objects.create(kind=OrganisationKind.REVIEWING_BODY, name="Sở Tài chính")
    agency = Organisation.objects.create(
        kind=OrganisationKind.AGENCY, name="Sở TT&TT", reviewing_body=reviewing
    )
    user = User.objects.create(username="bench", email="bench@example.test")
    Membership.objects.create(user=user, organisation=agency, role=Role.FINANCE_OFFICER)
    small = _model(user, agency, 100)
    large = _model(user, agency, 1000)
    client = Client()
    client.force_login(user)

    def request(model) -> tuple[float, int]:  # type: ignore[no-untyped-def]
        url = reverse("costing:results", args=[model.pk])
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url)
            elapsed = time.perf_counter() - start
        if response.status_code != 200:
            raise RuntimeError(f"results page answered {response.status_code}")
        return elapsed, len(queries)

    request(large)  # warm-up: templates, translations, numpy
    times = []
    for _ in range(REQUESTS):
        elapsed, queries_large = request(large)
        times.append(elapsed)
    _elapsed, queries_small = request(small)
    return {
        "costing.results_page_ms": statistics.median(times) * 1000,
        "costing.results_page_queries_1000": float(queries_large),
        "costing.results_page_queries_100": float(queries_small),
        "costing.results_page_query_growth": float(queries_large - queries_small),
    }


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key} = {value:.6g}")
