"""The rule book: dated parameter sets looked up by name and date, edited in the admin, audited."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from ppp import rules, services
from ppp.errors import NotFound, PermissionDenied, ValidationFailed
from ppp.models import AuditEntry, RuleSet
from tests.factories import UserFactory
from tests.roles import assert_nothing_written, client_for

DECREE_24 = "Law on Bidding 22/2023/QH15; Decree 24/2024/NĐ-CP"
DECREE_214 = "Law on Bidding 22/2023/QH15 (amended); Decree 214/2025/NĐ-CP"

SEEDED = {
    ("bidding.bid_security", "decree-24-2024"),
    ("bidding.bid_security", "decree-214-2025"),
    ("bidding.evaluation_weights", "decree-24-2024"),
    ("bidding.evaluation_weights", "decree-214-2025"),
    ("bidding.technical_pass_mark", "decree-24-2024"),
    ("bidding.technical_pass_mark", "decree-214-2025"),
    ("bidding.preparation_time", "decree-24-2024"),
    ("bidding.preparation_time", "decree-214-2025"),
    ("bidding.performance_security", "decree-24-2024"),
    ("bidding.performance_security", "decree-214-2025"),
    ("bidding.preference", "decree-24-2024"),
    ("bidding.preference", "decree-214-2025"),
    ("bidding.abnormally_low", "decree-24-2024"),
    ("bidding.abnormally_low", "decree-214-2025"),
    ("ppp.revenue_band", "law-64-2020-original"),
    ("ppp.revenue_band", "amended-negotiable"),
    ("costing.project_management_norm", "circular-04-2020-placeholder"),
    ("costing.contingency", "circular-04-2020-placeholder"),
    ("costing.optimism_bias", "green-book-2003"),
    ("costing.discount_rate", "defaults-2026"),
    ("contracts.approval_chain", "defaults-2026"),
}


@pytest.fixture
def superuser(db):
    return UserFactory(is_superuser=True, is_staff=True)


# --- lookup by name and date -------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("case", "on", "version", "legal_basis"),
    [
        ("first day of decree 24", dt.date(2024, 2, 27), "decree-24-2024", DECREE_24),
        ("last day of decree 24", dt.date(2025, 8, 3), "decree-24-2024", DECREE_24),
        ("first day of decree 214", dt.date(2025, 8, 4), "decree-214-2025", DECREE_214),
        ("open-ended decree 214", dt.date(2031, 1, 1), "decree-214-2025", DECREE_214),
    ],
)
def test_bid_security_is_looked_up_by_date(case, on, version, legal_basis):
    rule = rules.get("bidding.bid_security", on=on)
    assert (rule.name, rule.version, rule.legal_basis) == ("bidding.bid_security", version, legal_basis)
    assert rule.decimal("non_consulting_up_to_threshold_min") == Decimal("0.01")
    assert rule.decimal("non_consulting_above_threshold_max") == Decimal("0.03")


@pytest.mark.django_db
def test_a_moment_is_looked_up_on_its_date_in_vietnam():
    evening_utc = dt.datetime(2025, 8, 3, 20, 0, tzinfo=dt.UTC)  # 03:00 on 4 August in Hanoi
    assert rules.get("bidding.bid_security", on=evening_utc).version == "decree-214-2025"
    morning_utc = dt.datetime(2025, 8, 3, 16, 59, tzinfo=dt.UTC)  # 23:59 on 3 August in Hanoi
    assert rules.get("bidding.bid_security", on=morning_utc).version == "decree-24-2024"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("case", "name", "on"),
    [
        ("before any version", "bidding.bid_security", dt.date(2024, 2, 26)),
        ("unknown name", "bidding.no_such_rule", dt.date(2025, 8, 4)),
    ],
)
def test_no_valid_version_is_not_found(case, name, on):
    with pytest.raises(NotFound) as caught:
        rules.get(name, on=on)
    assert caught.value.as_dict() == {
        "code": "rules.not_found",
        "message": f"No rule set {name!r} is valid on {on.isoformat()}.",
        "fields": {},
    }
    assert caught.value.status_code == 404


@pytest.mark.django_db
def test_a_specific_variant_outside_its_window_is_not_found():
    assert rules.get("ppp.revenue_band", on=dt.date(2024, 1, 1), version="law-64-2020-original").version == (
        "law-64-2020-original"
    )
    with pytest.raises(NotFound):
        rules.get("ppp.revenue_band", on=dt.date(2024, 1, 1), version="amended-negotiable")


@pytest.mark.django_db
def test_check_range_names_the_rule_title_and_legal_basis():
    rule = rules.get("bidding.performance_security", on=dt.date(2025, 9, 1))
    citation = f"Performance security as a share of the contract price ({DECREE_214})"
    for inside in ("0.02", "0.05", "0.10"):
        rules.check_range(rule, "performance_security_rate", Decimal(inside), "min", "max")

    with pytest.raises(ValidationFailed) as caught:
        rules.check_range(
            rule, "performance_security_rate", Decimal("0.12"), "min", "max", label="Performance security"
        )
    assert caught.value.as_dict() == {
        "code": "rules.out_of_range",
        "message": f"Performance security must be between 0.02 and 0.10 under {citation}.",
        "fields": {"performance_security_rate": f"must be between 0.02 and 0.10 ({citation})"},
    }

    older = rules.get("bidding.performance_security", on=dt.date(2025, 1, 1))
    with pytest.raises(ValidationFailed) as caught:
        rules.check_range(older, "rate", Decimal("0.019"), "min", "max")
    assert caught.value.message == (
        "rate must be between 0.02 and 0.10 under "
        f"Performance security as a share of the contract price ({DECREE_24})."
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("case", "on", "version", "upper", "lower"),
    [
        (
            "original Art. 82",
            dt.date(2025, 6, 30),
            "law-64-2020-original",
            ("1.25", "1.25"),
            ("0.75", "0.75"),
        ),
        (
            "amended, negotiable",
            dt.date(2025, 7, 1),
            "amended-negotiable",
            ("1.10", "1.25"),
            ("0.75", "0.90"),
        ),
    ],
)
def test_revenue_band_thresholds(case, on, version, upper, lower):
    rule = rules.get("ppp.revenue_band", on=on)
    assert rule.version == version
    assert (rule["upper_threshold_min"], rule["upper_threshold_max"]) == upper
    assert (rule["lower_threshold_min"], rule["lower_threshold_max"]) == lower
    assert (rule["upper_threshold"], rule["lower_threshold"], rule["share"]) == ("1.25", "0.75", "0.50")
    assert [variant.version for variant in rules.variants("ppp.revenue_band", on=on)] == [version]


@pytest.mark.django_db
def test_evaluation_weights_by_category():
    weights = rules.get("bidding.evaluation_weights", on=dt.date(2025, 10, 1))
    assert weights["consulting"] == {
        "technical_min": "0.70",
        "technical_max": "0.80",
        "price_min": "0.20",
        "price_max": "0.30",
    }
    assert weights["high_technology"]["technical_max"] == "0.40"
    assert weights["technical_absolute_max_non_consulting"] == "0.50"
    pass_mark = rules.get("bidding.technical_pass_mark", on=dt.date(2025, 10, 1))
    assert pass_mark.decimal("minimum") == Decimal("0.70")
    preparation = rules.get("bidding.preparation_time", on=dt.date(2025, 10, 1))
    assert (preparation["domestic_days"], preparation["international_days"]) == (18, 35)


@pytest.mark.django_db
def test_the_seeded_rule_book_exists_after_migrations():
    rows = list(RuleSet.objects.all())
    assert {(row.name, row.version) for row in rows} == SEEDED
    assert len(rows) == len(SEEDED)
    assert [row.name for row in rows if not row.legal_basis.strip()] == []
    for row in rows:
        services.rule_set_validate(row)  # no overlapping windows, parameters an object
    placeholders = RuleSet.objects.filter(version__endswith="-placeholder")
    assert {row.name for row in placeholders} == {"costing.project_management_norm", "costing.contingency"}
    assert all(row.notes.startswith("Placeholder:") for row in placeholders)


# --- edits: admin and service, audited ------------------------------------------------------------


def _form(rule: RuleSet, **changes: object) -> dict[str, str]:
    data = {
        "name": rule.name,
        "version": rule.version,
        "title": rule.title,
        "legal_basis": rule.legal_basis,
        "valid_from": rule.valid_from.isoformat(),
        "valid_to": rule.valid_to.isoformat() if rule.valid_to else "",
        "parameters": json.dumps(rule.parameters),
        "notes": rule.notes,
        "_save": "Save",
    }
    data.update({key: str(value) for key, value in changes.items()})
    return data


@pytest.mark.django_db
def test_editing_a_rule_set_in_the_admin_writes_a_changed_entry(superuser):
    rule = RuleSet.objects.get(name="bidding.preference", version="decree-214-2025")
    client = client_for(superuser)
    start = AuditEntry.objects.order_by("-sequence").values_list("sequence", flat=True).first()

    response = client.post(
        f"/admin/ppp/ruleset/{rule.pk}/change/",
        _form(rule, parameters='{"loading": "0.08"}', notes="Loading raised by circular."),
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert (response.status_code, response["Location"]) == (302, "/admin/ppp/ruleset/")
    rule.refresh_from_db()
    assert (rule.parameters, rule.notes) == ({"loading": "0.08"}, "Loading raised by circular.")
    entries = list(AuditEntry.objects.filter(sequence__gt=start))
    assert [(e.action, e.actor_id, e.object_type, e.object_id) for e in entries] == [
        ("rule_set.changed", superuser.pk, "ppp.ruleset", str(rule.pk))
    ]
    unchanged = {
        "id": rule.pk,
        "name": "bidding.preference",
        "version": "decree-214-2025",
        "title": "Preference loading for bids not entitled to preference",
        "legal_basis": DECREE_214,
        "valid_from": "2025-08-04",
        "valid_to": None,
    }
    assert entries[0].before == {
        **unchanged,
        "parameters": {"loading": "0.075"},
        "notes": "Bidding-document templates: Circular 79/2025/TT-BTC.",
    }
    assert entries[0].after == {
        **unchanged,
        "parameters": {"loading": "0.08"},
        "notes": "Loading raised by circular.",
    }


@pytest.mark.django_db
def test_creating_an_overlapping_version_in_the_admin_shows_the_error_and_writes_nothing(superuser):
    current = RuleSet.objects.get(name="bidding.preference", version="decree-214-2025")
    client = client_for(superuser)
    data = _form(current, version="decree-999-2026", valid_from="2026-01-01", valid_to="")

    with assert_nothing_written(current):
        response = client.post("/admin/ppp/ruleset/add/", data, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"valid_from": ["overlaps another version"]}


@pytest.mark.django_db
def test_stretching_a_version_over_its_successor_in_the_admin_is_refused(superuser):
    older = RuleSet.objects.get(name="bidding.bid_security", version="decree-24-2024")
    client = client_for(superuser)
    with assert_nothing_written(older):
        response = client.post(
            f"/admin/ppp/ruleset/{older.pk}/change/",
            _form(older, valid_to="2025-12-31"),
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"valid_from": ["overlaps another version"]}


@pytest.mark.django_db
def test_only_administrators_save_rule_sets(finance_officer, approver):
    rule = RuleSet.objects.get(name="bidding.preference", version="decree-214-2025")
    for person in (finance_officer, approver):
        rule.parameters = {"loading": "0.5"}
        with assert_nothing_written(rule), pytest.raises(PermissionDenied) as caught:
            services.rule_set_save(actor=person, rule=rule)
        assert caught.value.code == "rules.forbidden"
    rule.refresh_from_db()
    assert rule.parameters == {"loading": "0.075"}


@pytest.mark.django_db
def test_an_administrator_creates_a_version_through_the_service(administrator):
    older = RuleSet.objects.get(name="bidding.preference", version="decree-214-2025")
    older.valid_to = dt.date(2026, 12, 31)
    services.rule_set_save(actor=administrator, rule=older)
    newer = RuleSet(
        name="bidding.preference",
        version="decree-300-2027",
        title="Preference loading for bids not entitled to preference",
        legal_basis="Decree 300/2027/NĐ-CP (hypothetical)",
        valid_from=dt.date(2027, 1, 1),
        parameters={"loading": "0.10"},
    )
    services.rule_set_save(actor=administrator, rule=newer)

    assert rules.get("bidding.preference", on=dt.date(2026, 12, 31)).decimal("loading") == Decimal("0.075")
    assert rules.get("bidding.preference", on=dt.date(2027, 1, 1)).decimal("loading") == Decimal("0.10")
    created = AuditEntry.objects.get(action="rule_set.created")
    assert (created.actor_id, created.object_id, created.before) == (administrator.pk, str(newer.pk), None)
    assert created.after["valid_from"] == "2027-01-01"
    changed = AuditEntry.objects.get(action="rule_set.changed")
    assert (changed.before["valid_to"], changed.after["valid_to"]) == (None, "2026-12-31")
