"""`manage.py seed_demo` builds the demo cost models through the services, once."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from costing import selectors
from costing.demo import DATA_PLATFORM, PORTAL
from costing.models import CostModel
from ppp.models import User

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_the_demo_models_once():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert f"Cost model created: {PORTAL}" in out.getvalue()
    rows = sorted(CostModel.objects.values_list("name", "version", "status"))
    assert rows == [(PORTAL, 1, "approved"), (PORTAL, 2, "draft"), (DATA_PLATFORM, 1, "submitted")]
    again = StringIO()
    call_command("seed_demo", stdout=again)
    assert "Cost model created" not in again.getvalue()
    assert CostModel.objects.count() == 3
    approver = User.objects.get(username="approver")
    assert [m.name for m in selectors.awaiting_decision_for(user=approver)] == [DATA_PLATFORM]
    approved = CostModel.objects.get(name=PORTAL, version=1)
    finance = User.objects.get(username="finance")
    assert selectors.appraisal_for(user=finance, model=approved).input_hash == approved.content_hash
    assert approved.receipts.filter(kind="simulation").count() == 1
    # Named in Vietnamese, as the agency would, whatever language the command ran in.
    assert approved.options.get(kind="service_hire").name == "Thuê dịch vụ CNTT"
