from __future__ import annotations

import pytest
from django.test import Client
from hypothesis import HealthCheck, settings

from ppp.models import Role
from tests.factories import member

# Property tests judge values, never time: on a loaded CI machine (two cores shared with a parallel
# suite and PostgreSQL) a single slow draw or example must not fail a correct test.
settings.register_profile("project", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("project")


@pytest.fixture(autouse=True)
def _shipped_rule_book(request):
    """Transactional tests flush every table, the rule book's and the service catalogue's
    data-migration rows included; put them back for whatever test runs next, so test order never
    matters."""
    uses_transactions = bool(
        {"transactional_db", "live_server"} & set(request.fixturenames)
        or any(m.kwargs.get("transaction") for m in request.node.iter_markers("django_db"))
    )
    uses_db = (
        uses_transactions or "db" in request.fixturenames or request.node.get_closest_marker("django_db")
    )
    if not uses_db:
        return
    request.getfixturevalue("transactional_db" if uses_transactions else "db")
    from ppp.rulebook_seed import ensure_loaded
    from revenue_share import catalogue_seed

    ensure_loaded()
    catalogue_seed.ensure_loaded()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's default language: a test that activates a language and does not
    put it back must not change what the next test in the same worker reads."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def api_client() -> Client:
    return Client()


@pytest.fixture
def finance_officer(db):
    return member(Role.FINANCE_OFFICER)


@pytest.fixture
def approver(db):
    return member(Role.APPROVER)


@pytest.fixture
def administrator(db):
    return member(Role.ADMINISTRATOR)


@pytest.fixture
def bid_preparer(db):
    return member(Role.BID_PREPARER)
