"""Every audit entry names an organisation when there is one: the organisation the object belongs to,
or for a person's own actions (sign-in, tokens, password, rule book) the actor's organisation — with
several memberships, the first by organisation name. Only an entry with no such organisation (a failed
sign-in for an unknown username, a person without memberships) leaves it empty."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from ppp import demo, services
from ppp.audit import actor_organisation
from ppp.models import AuditEntry, Organisation, OrganisationKind, Role, RuleSet, User
from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory, UserFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_homes(db) -> tuple[User, Organisation]:
    """A person in two organisations; "An Giang" sorts before "Bắc Ninh" and is their first."""
    later = OrganisationFactory(name="Sở Tài chính Bắc Ninh", kind=OrganisationKind.REVIEWING_BODY)
    first = OrganisationFactory(name="Sở Tài chính An Giang", kind=OrganisationKind.REVIEWING_BODY)
    person = UserFactory(username="thu")
    MembershipFactory(user=person, organisation=later, role=Role.APPROVER)
    MembershipFactory(user=person, organisation=first, role=Role.EVALUATOR)
    return person, first


def entries(action: str) -> list[tuple[str, int | None, int | None]]:
    return list(
        AuditEntry.objects.filter(action=action)
        .order_by("sequence")
        .values_list("actor_label", "actor_id", "organisation_id")
    )


def test_actor_organisation_is_the_first_membership_by_organisation_name(two_homes):
    person, first = two_homes
    assert actor_organisation(person) == first
    assert actor_organisation(UserFactory()) is None
    assert actor_organisation(None) is None


def test_login_and_logout_name_the_persons_organisation(two_homes):
    person, first = two_homes
    client = Client()
    assert client.post("/login/", {"username": "thu", "password": PASSWORD}).status_code == 302
    assert client.post("/logout/").status_code == 302
    assert entries("auth.login") == [("thu", person.pk, first.pk)]
    assert entries("auth.logout") == [("thu", person.pk, first.pk)]


def test_api_login_names_the_persons_organisation(two_homes):
    person, first = two_homes
    response = Client().post(
        "/api/v1/auth/login", {"username": "thu", "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 200
    assert entries("auth.login") == [("thu", person.pk, first.pk)]


def test_a_failed_login_names_the_organisation_of_the_username_tried(two_homes):
    _person, first = two_homes
    Client().post("/login/", {"username": "thu", "password": "wrong"})
    Client().post("/login/", {"username": "nobody", "password": "wrong"})
    assert entries("auth.login_failed") == [("thu", None, first.pk), ("nobody", None, None)]


def test_a_person_without_memberships_leaves_the_organisation_empty():
    person = UserFactory(username="solo")
    assert Client().post("/login/", {"username": "solo", "password": PASSWORD}).status_code == 302
    assert entries("auth.login") == [("solo", person.pk, None)]


def test_a_password_reset_names_the_persons_organisation(two_homes):
    person, first = two_homes
    services.password_reset_set(user=person, new_password="Brand-New-Lantern-77")
    assert entries("auth.password_reset") == [("thu", person.pk, first.pk)]


def test_token_creation_and_revocation_name_the_owners_organisation(two_homes):
    person, first = two_homes
    token, _secret = services.api_token_create(actor=person, name="ci")
    services.api_token_revoke(actor=person, token=token)
    assert entries("api_token.created") == [("thu", person.pk, first.pk)]
    assert entries("api_token.revoked") == [("thu", person.pk, first.pk)]


def test_rule_book_changes_name_the_administrators_organisation():
    agency = OrganisationFactory(kind=OrganisationKind.AGENCY)
    administrator = member(Role.ADMINISTRATOR, organisation=agency)
    rule = RuleSet(
        name="test.rule",
        version="1",
        title="Test rule",
        legal_basis="Test basis",
        valid_from=dt.date(2030, 1, 1),
        parameters={"x": "1"},
    )
    services.rule_set_save(actor=administrator, rule=rule)
    rule.title = "Test rule, amended"
    services.rule_set_save(actor=administrator, rule=rule)
    label = administrator.username
    assert entries("rule_set.created") == [(label, administrator.pk, agency.pk)]
    assert entries("rule_set.changed") == [(label, administrator.pk, agency.pk)]


def test_the_admin_rule_book_edit_names_the_administrators_organisation():
    agency = OrganisationFactory(kind=OrganisationKind.AGENCY)
    administrator = member(Role.ADMINISTRATOR, organisation=agency, is_staff=True)
    rule = RuleSet.objects.order_by("pk").first()
    assert rule is not None
    client = Client()
    client.force_login(administrator)
    response = client.post(
        f"/admin/ppp/ruleset/{rule.pk}/change/",
        {
            "name": rule.name,
            "version": rule.version,
            "title": rule.title + " (sửa)",
            "legal_basis": rule.legal_basis,
            "valid_from": rule.valid_from.isoformat(),
            "valid_to": rule.valid_to.isoformat() if rule.valid_to else "",
            "parameters": __import__("json").dumps(rule.parameters),
            "notes": rule.notes,
        },
    )
    assert response.status_code == 302
    assert entries("rule_set.changed") == [(administrator.username, administrator.pk, agency.pk)]


def test_an_organisation_created_by_the_api_is_the_entrys_organisation():
    administrator = member(Role.ADMINISTRATOR)
    client = Client()
    client.force_login(administrator)
    response = client.post(
        "/api/v1/organisations",
        {"kind": "agency", "name": "Sở Y tế", "tax_code": "5700100077"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert entries("organisation.created") == [
        (administrator.username, administrator.pk, response.json()["id"])
    ]


def test_demo_seeding_names_the_demo_agency():
    demo.seed()
    agency = Organisation.objects.get(tax_code=demo.AGENCY_TAX_CODE)
    assert entries("demo.seeded") == [("seed_demo", None, agency.pk)]
