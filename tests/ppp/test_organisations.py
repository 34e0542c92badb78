"""Organisations, people and roles: vendors register themselves and are verified by an administrator
(page, API, Django admin); administrators create agencies and reviewing bodies and grant roles that fit
the organisation's kind. Every denied request writes nothing."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from ppp.models import AuditEntry, Membership, Organisation, OrganisationKind, Role, User
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, member
from tests.roles import RoleMatrix, assert_nothing_written

pytestmark = pytest.mark.django_db

REGISTRATION = {
    "organisation_name": "Công ty TNHH Mây Xanh",
    "tax_code": "0109998887",
    "address": "12 Láng Hạ, Hà Nội",
    "full_name": "Trần Thị Mai",
    "username": "mai",
    "email": "mai@mayxanh.vn",
    "password": "Blue-Cloud-2026!",
}


def english(user: User | None = None, **kwargs: object) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en", **kwargs)
    if user is not None:
        client.force_login(user)
    return client


def assert_registered(organisation_name: str = "Công ty TNHH Mây Xanh") -> tuple[User, Organisation]:
    user = User.objects.get(username="mai")
    organisation = Organisation.objects.get(name=organisation_name)
    assert (user.email, user.full_name, user.is_staff, user.is_superuser) == (
        "mai@mayxanh.vn",
        "Trần Thị Mai",
        False,
        False,
    )
    assert user.password.startswith("argon2$")
    assert user.check_password("Blue-Cloud-2026!")
    assert (organisation.kind, organisation.tax_code, organisation.address) == (
        "vendor",
        "0109998887",
        "12 Láng Hạ, Hà Nội",
    )
    assert (organisation.is_verified, organisation.verified_at) == (False, None)
    assert sorted(Membership.objects.filter(user=user).values_list("organisation_id", "role")) == [
        (organisation.pk, "bid_preparer"),
        (organisation.pk, "signatory"),
    ]
    entry = AuditEntry.objects.get(action="organisation.registered")
    assert (entry.actor_id, entry.organisation_id, entry.object_type, entry.object_id) == (
        user.pk,
        organisation.pk,
        "ppp.organisation",
        str(organisation.pk),
    )
    assert entry.after["is_verified"] is False
    return user, organisation


@pytest.fixture
def vendor(db) -> Organisation:
    return OrganisationFactory(kind=OrganisationKind.VENDOR, is_verified=False, name="Công ty Chờ Duyệt")


@pytest.fixture
def superuser(db) -> User:
    return UserFactory(is_superuser=True, is_staff=True)


# Vendor registration: page -----------------------------------------------------------------------


def test_registration_page_renders_every_field():
    response = english().get("/register/vendor/")
    assert response.status_code == 200
    assert list(response.context["form"].fields) == [
        "organisation_name",
        "tax_code",
        "address",
        "full_name",
        "username",
        "email",
        "password",
    ]


def test_registration_page_creates_an_unverified_vendor():
    client = english()
    response = client.post("/register/vendor/", REGISTRATION)
    assert (response.status_code, response["Location"]) == (302, "/login/")
    assert_registered()
    # Registration does not sign in; the new person signs in like anyone else.
    assert client.session.get("_auth_user_id") is None
    response = client.post("/login/", {"username": "mai", "password": "Blue-Cloud-2026!"})
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("field", "taken"),
    [("username", "MAI"), ("email", "MAI@mayxanh.VN"), ("tax_code", "0109998887")],
    ids=["username, other case", "email, other case", "tax code"],
)
def test_registration_page_refuses_duplicates_naming_the_field(field, taken):
    UserFactory(username="mai", email="mai@mayxanh.vn")
    OrganisationFactory(kind=OrganisationKind.VENDOR, tax_code="0109998887")
    fresh = {"username": "other", "email": "other@mayxanh.vn", "tax_code": "0100000001"}
    data = {**REGISTRATION, **fresh, field: taken}
    with assert_nothing_written():
        response = english().post("/register/vendor/", data)
    assert response.status_code == 400
    assert list(response.context["form"].errors) == [field]


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        ({"tax_code": "12"}, ["tax_code"]),
        ({"email": "not-an-email"}, ["email"]),
        ({"username": "a b"}, ["username"]),
        ({"organisation_name": "x" * 256}, ["organisation_name"]),
        ({"password": "12345"}, ["password"]),
        ({"password": "mayxanh-mai"}, ["password"]),
    ],
    ids=["short tax code", "bad email", "space in username", "long name", "short password", "weak password"],
)
def test_registration_page_refuses_bad_input(change, fields):
    with assert_nothing_written():
        response = english().post("/register/vendor/", {**REGISTRATION, **change})
    assert response.status_code == 400
    assert list(response.context["form"].errors) == fields


# Vendor registration: API ------------------------------------------------------------------------


def test_registration_api_creates_an_unverified_vendor():
    response = english().post("/api/v1/vendors/register", REGISTRATION, content_type="application/json")
    assert response.status_code == 201
    user, organisation = assert_registered()
    assert response.json() == {
        "id": user.pk,
        "username": "mai",
        "email": "mai@mayxanh.vn",
        "full_name": "Trần Thị Mai",
        "memberships": [
            {
                "organisation_id": organisation.pk,
                "organisation_name": "Công ty TNHH Mây Xanh",
                "organisation_kind": "vendor",
                "role": "bid_preparer",
                "is_senior": False,
            },
            {
                "organisation_id": organisation.pk,
                "organisation_name": "Công ty TNHH Mây Xanh",
                "organisation_kind": "vendor",
                "role": "signatory",
                "is_senior": False,
            },
        ],
    }


def test_registration_api_reports_every_duplicate_at_once_and_writes_nothing():
    UserFactory(username="mai", email="mai@mayxanh.vn")
    OrganisationFactory(kind=OrganisationKind.VENDOR, tax_code="0109998887")
    data = {**REGISTRATION, "username": "Mai", "email": "Mai@MayXanh.vn"}
    with assert_nothing_written():
        response = english().post("/api/v1/vendors/register", data, content_type="application/json")
    assert (response.status_code, response.json()) == (
        400,
        {
            "code": "auth.registration_invalid",
            "message": "The registration cannot be accepted.",
            "fields": {
                "username": "This username is taken.",
                "email": "An account with this email exists.",
                "tax_code": "An organisation with this tax code is registered.",
            },
        },
    )


@pytest.mark.parametrize(
    ("field", "taken"),
    [("username", "mai"), ("email", "mai@mayxanh.vn"), ("tax_code", "0109998887")],
)
def test_registration_api_refuses_each_duplicate_naming_the_field(field, taken):
    english().post("/api/v1/vendors/register", REGISTRATION, content_type="application/json")
    fresh = {"username": "other", "email": "other@mayxanh.vn", "tax_code": "0100000001"}
    with assert_nothing_written():
        response = english().post(
            "/api/v1/vendors/register",
            {**REGISTRATION, **fresh, field: taken},
            content_type="application/json",
        )
    assert response.status_code == 400
    assert (response.json()["code"], list(response.json()["fields"])) == (
        "auth.registration_invalid",
        [field],
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"password": "mayxanh-mai"}, "password"),
        ({"tax_code": "12"}, "tax_code"),
        ({"email": "not-an-email"}, "email"),
        ({"organisation_name": "x" * 256}, "organisation_name"),
        ({"is_verified": True}, "is_verified"),
    ],
    ids=["weak password", "short tax code", "bad email", "long name", "cannot verify itself"],
)
def test_registration_api_refuses_bad_input(change, field):
    with assert_nothing_written():
        response = english().post(
            "/api/v1/vendors/register", {**REGISTRATION, **change}, content_type="application/json"
        )
    assert response.status_code == 400
    assert list(response.json()["fields"]) == [field]


def test_registration_api_keeps_spaces_in_passwords():
    data = {**REGISTRATION, "password": "  Blue-Cloud-2026!  "}
    assert (
        english().post("/api/v1/vendors/register", data, content_type="application/json").status_code == 201
    )
    assert User.objects.get(username="mai").check_password("  Blue-Cloud-2026!  ")


# Verification ------------------------------------------------------------------------------------


def verify_matrix(vendor: Organisation) -> RoleMatrix:
    return RoleMatrix(
        anonymous=None,
        other_organisation=member(Role.FINANCE_OFFICER),
        wrong_role=member(Role.BID_PREPARER, organisation=vendor),
        right_role=member(Role.ADMINISTRATOR),
    )


def assert_verified_by(organisation: Organisation, actor: User) -> None:
    organisation.refresh_from_db()
    assert organisation.is_verified is True
    assert organisation.verified_at is not None
    entry = AuditEntry.objects.get(action="organisation.verified")
    assert (entry.actor_id, entry.object_id, entry.before["is_verified"], entry.after["is_verified"]) == (
        actor.pk,
        str(organisation.pk),
        False,
        True,
    )


def test_api_verify_across_roles_then_409(vendor):
    matrix = verify_matrix(vendor)
    url = f"/api/v1/organisations/{vendor.pk}/verify"
    response = matrix.check(
        lambda client: client.post(url),
        denied={"anonymous": 401, "other_organisation": 404, "wrong_role": 403},
        allowed=200,
        watched=(vendor,),
    )
    assert_verified_by(vendor, matrix.right_role)
    assert response.json() == {
        "id": vendor.pk,
        "kind": "vendor",
        "name": "Công ty Chờ Duyệt",
        "name_en": vendor.name_en,
        "tax_code": vendor.tax_code,
        "is_verified": True,
        "reviewing_body_id": None,
    }
    client = english(matrix.right_role)
    vendor.refresh_from_db()
    with assert_nothing_written(vendor):
        response = client.post(url)
    assert (response.status_code, response.json()) == (
        409,
        {
            "code": "organisation.already_verified",
            "message": "The organisation is already verified.",
            "fields": {},
        },
    )


def test_api_verify_wrong_role_body(vendor):
    client = english(member(Role.SIGNATORY, organisation=vendor))
    response = client.post(f"/api/v1/organisations/{vendor.pk}/verify")
    assert response.json() == {
        "code": "organisation.forbidden",
        "message": "Only administrators verify organisations.",
        "fields": {},
    }


def test_page_verify_across_roles(vendor):
    matrix = verify_matrix(vendor)
    url = f"/organisations/{vendor.pk}/verify/"
    response = matrix.check(
        lambda client: client.post(url),
        denied={"anonymous": 302, "other_organisation": 404, "wrong_role": 403},
        allowed=302,
        watched=(vendor,),
    )
    assert response["Location"] == "/organisations/"
    assert_verified_by(vendor, matrix.right_role)

    client = english(matrix.right_role)
    vendor.refresh_from_db()
    with assert_nothing_written(vendor):
        response = client.post(url, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["The organisation is already verified."]
    with assert_nothing_written(vendor):
        assert client.get(url).status_code == 405


def test_page_lists_unverified_vendors_for_administrators(vendor):
    administrator = member(Role.ADMINISTRATOR)
    response = english(administrator).get("/")
    assert [o.pk for o in response.context["unverified_vendors"]] == [vendor.pk]
    response = english(administrator).get("/organisations/")
    assert (response.context["can_verify"], vendor in response.context["organisations"]) == (True, True)


def test_admin_action_verifies_through_the_service(vendor, superuser):
    client = english(superuser)
    already = OrganisationFactory(kind=OrganisationKind.VENDOR, is_verified=True)
    response = client.post(
        "/admin/ppp/organisation/",
        {"action": "verify", "_selected_action": [vendor.pk, already.pk]},
    )
    assert response.status_code == 302
    assert_verified_by(vendor, superuser)


def test_admin_action_by_a_non_administrator_writes_nothing(vendor):
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_organisation"))
    client = english(staff)
    with assert_nothing_written(vendor):
        response = client.post(
            "/admin/ppp/organisation/", {"action": "verify", "_selected_action": [vendor.pk]}, follow=True
        )
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [
        f"{vendor.name}: Only administrators verify organisations."
    ]


# Organisation create -----------------------------------------------------------------------------


def test_api_create_organisation_across_roles():
    administrator = member(Role.ADMINISTRATOR)
    reviewing_body = OrganisationFactory(kind=OrganisationKind.REVIEWING_BODY)
    # The finance officer's agency is reviewed by this body, so they see it and the refusal is the role's.
    own_agency = OrganisationFactory(kind=OrganisationKind.AGENCY, reviewing_body=reviewing_body)
    matrix = RoleMatrix(
        wrong_role=member(Role.FINANCE_OFFICER, organisation=own_agency), right_role=administrator
    )
    payload = {
        "kind": "agency",
        "name": "Sở Y tế tỉnh Quảng Ninh",
        "name_en": "Quang Ninh Department of Health",
        "tax_code": "5700100009",
        "address": "Hạ Long",
        "reviewing_body_id": reviewing_body.pk,
    }
    response = matrix.check(
        lambda client: client.post("/api/v1/organisations", payload, content_type="application/json"),
        denied={"anonymous": 401, "wrong_role": 403},
        allowed=201,
    )
    organisation = Organisation.objects.get(tax_code="5700100009")
    assert response.json() == {
        "id": organisation.pk,
        "kind": "agency",
        "name": "Sở Y tế tỉnh Quảng Ninh",
        "name_en": "Quang Ninh Department of Health",
        "tax_code": "5700100009",
        "is_verified": True,
        "reviewing_body_id": reviewing_body.pk,
    }
    assert (organisation.address, organisation.verified_at is not None) == ("Hạ Long", True)
    entry = AuditEntry.objects.get(action="organisation.created")
    assert (entry.actor_id, entry.object_id) == (administrator.pk, str(organisation.pk))


def test_api_create_organisation_wrong_role_body():
    response = english(member(Role.APPROVER)).post(
        "/api/v1/organisations", {"kind": "agency", "name": "Sở X"}, content_type="application/json"
    )
    assert (response.status_code, response.json()) == (
        403,
        {
            "code": "organisation.forbidden",
            "message": "Only administrators create organisations.",
            "fields": {},
        },
    )


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"kind": "vendor"}, "organisation.invalid_kind", "kind"),
        ({"kind": "ministry"}, "organisation.invalid_kind", "kind"),
        ({"kind": "x" * 21}, "request.invalid", "kind"),
        ({"name": "x" * 256}, "request.invalid", "name"),
        ({"name": "x"}, "request.invalid", "name"),
        ({"tax_code": "5700100001"}, "organisation.duplicate_tax_code", "tax_code"),
        ({"reviewing_body_id": "agency"}, "organisation.invalid_reviewing_body", "reviewing_body_id"),
        ({"reviewing_body_id": 10**6}, "request.unknown_reference", "reviewing_body_id"),
        ({"reviewing_body_id": "one"}, "request.invalid", "reviewing_body_id"),
        ({"is_verified": False}, "request.invalid", "is_verified"),
    ],
    ids=[
        "vendor kind",
        "unknown kind",
        "long kind",
        "long name",
        "short name",
        "duplicate tax code",
        "reviewing body is an agency",
        "missing reviewing body",
        "reviewing body not a number",
        "unknown field",
    ],
)
def test_api_create_organisation_refuses_bad_input(change, code, field):
    administrator = member(Role.ADMINISTRATOR)
    agency = OrganisationFactory(kind=OrganisationKind.AGENCY, tax_code="5700100001")
    if change.get("reviewing_body_id") == "agency":
        change = {"reviewing_body_id": agency.pk}
    payload = {"kind": "reviewing_body", "name": "Sở Tài chính", **change}
    client = english(administrator)
    with assert_nothing_written():
        response = client.post("/api/v1/organisations", payload, content_type="application/json")
    assert response.status_code == 400
    assert (response.json()["code"], list(response.json()["fields"])) == (code, [field])


def test_api_create_vendor_kind_message():
    response = english(member(Role.ADMINISTRATOR)).post(
        "/api/v1/organisations", {"kind": "vendor", "name": "Công ty A"}, content_type="application/json"
    )
    assert response.json() == {
        "code": "organisation.invalid_kind",
        "message": "Administrators create agencies and reviewing bodies; vendors register themselves.",
        "fields": {"kind": "must be agency or reviewing_body"},
    }


# Organisation reads ------------------------------------------------------------------------------


def test_api_lists_what_each_person_may_see(vendor):
    reviewing_body = OrganisationFactory(kind=OrganisationKind.REVIEWING_BODY)
    agency = OrganisationFactory(kind=OrganisationKind.AGENCY, reviewing_body=reviewing_body)
    other_agency = OrganisationFactory(kind=OrganisationKind.AGENCY)
    finance_officer = member(Role.FINANCE_OFFICER, organisation=agency)
    administrator = member(Role.ADMINISTRATOR, organisation=other_agency)
    bid_preparer = member(Role.BID_PREPARER, organisation=vendor)

    def ids(user: User, query: str = "") -> set[int]:
        response = english(user).get(f"/api/v1/organisations{query}")
        assert response.status_code == 200
        return {item["id"] for item in response.json()["items"]}

    everything = {vendor.pk, reviewing_body.pk, agency.pk, other_agency.pk}
    assert ids(administrator) == everything
    assert ids(finance_officer) == {agency.pk, reviewing_body.pk}
    assert ids(bid_preparer) == {vendor.pk}
    assert ids(administrator, "?kind=vendor&is_verified=false") == {vendor.pk}
    assert ids(administrator, "?kind=agency") == {agency.pk, other_agency.pk}
    assert ids(administrator, "?is_verified=true") == everything - {vendor.pk}
    response = english(administrator).get("/api/v1/organisations?kind=ministry")
    assert (response.status_code, list(response.json()["fields"])) == (400, ["kind"])


def test_api_list_query_count_does_not_grow_with_rows(django_assert_num_queries):
    administrator = member(Role.ADMINISTRATOR)
    reviewing_body = OrganisationFactory(kind=OrganisationKind.REVIEWING_BODY)
    client = english(administrator)
    # session, user, memberships, count, page
    with django_assert_num_queries(5):
        assert client.get("/api/v1/organisations").status_code == 200
    OrganisationFactory.create_batch(10, kind=OrganisationKind.AGENCY, reviewing_body=reviewing_body)
    with django_assert_num_queries(5):
        assert len(client.get("/api/v1/organisations").json()["items"]) == 12


def test_api_another_organisation_is_404_like_a_missing_one(vendor):
    outsider = member(Role.FINANCE_OFFICER)
    client = english(outsider)
    response = client.get(f"/api/v1/organisations/{vendor.pk}")
    missing = client.get(f"/api/v1/organisations/{vendor.pk + 1000}")
    assert (response.status_code, response.json()) == (
        404,
        {"code": "organisation.not_found", "message": "Organisation not found.", "fields": {}},
    )
    assert (missing.status_code, missing.json()) == (response.status_code, response.json())
    own = client.get(f"/api/v1/organisations/{outsider.memberships.get().organisation_id}")
    assert own.status_code == 200


# Memberships -------------------------------------------------------------------------------------


@pytest.fixture
def agency(db) -> Organisation:
    return OrganisationFactory(kind=OrganisationKind.AGENCY, name="Sở Thông tin")


def test_api_add_membership_across_roles(agency):
    colleague = member(Role.EVALUATOR, organisation=agency)
    administrator = member(Role.ADMINISTRATOR)
    matrix = RoleMatrix(
        other_organisation=member(Role.FINANCE_OFFICER),
        wrong_role=member(Role.FINANCE_OFFICER, organisation=agency),
        right_role=administrator,
    )
    url = f"/api/v1/organisations/{agency.pk}/memberships"
    payload = {"user_id": colleague.pk, "role": "finance_officer"}
    response = matrix.check(
        lambda client: client.post(url, payload, content_type="application/json"),
        denied={"anonymous": 401, "other_organisation": 404, "wrong_role": 403},
        allowed=201,
        watched=(colleague,),
    )
    assert response.json() == {
        "organisation_id": agency.pk,
        "organisation_name": "Sở Thông tin",
        "organisation_kind": "agency",
        "role": "finance_officer",
        "is_senior": False,
    }
    assert sorted(colleague.memberships.values_list("role", flat=True)) == ["evaluator", "finance_officer"]
    entry = AuditEntry.objects.get(action="membership.added")
    assert (entry.actor_id, entry.organisation_id, entry.after["role"]) == (
        administrator.pk,
        agency.pk,
        "finance_officer",
    )

    client = english(administrator)
    with assert_nothing_written(colleague):
        response = client.post(url, payload, content_type="application/json")
    assert (response.status_code, response.json()) == (
        409,
        {"code": "membership.exists", "message": "The person already holds this role.", "fields": {}},
    )


def test_api_add_membership_wrong_role_body(agency):
    colleague = member(Role.EVALUATOR, organisation=agency)
    client = english(member(Role.FINANCE_OFFICER, organisation=agency))
    response = client.post(
        f"/api/v1/organisations/{agency.pk}/memberships",
        {"user_id": colleague.pk, "role": "administrator"},
        content_type="application/json",
    )
    assert (response.status_code, response.json()) == (
        403,
        {"code": "membership.forbidden", "message": "Only administrators grant roles.", "fields": {}},
    )


@pytest.mark.parametrize(
    ("kind", "role", "allowed"),
    [
        ("agency", "finance_officer", True),
        ("agency", "evaluator", True),
        ("agency", "administrator", True),
        ("agency", "approver", False),
        ("agency", "bid_preparer", False),
        ("agency", "signatory", True),  # signs the agency's contracts
        ("reviewing_body", "approver", True),
        ("reviewing_body", "evaluator", True),
        ("reviewing_body", "administrator", True),
        ("reviewing_body", "finance_officer", False),
        ("reviewing_body", "signatory", False),
        ("vendor", "bid_preparer", True),
        ("vendor", "signatory", True),
        ("vendor", "finance_officer", False),
        ("vendor", "evaluator", False),
        ("vendor", "approver", False),
        ("vendor", "administrator", False),
    ],
)
def test_api_add_membership_role_must_fit_the_kind(kind, role, allowed):
    organisation = OrganisationFactory(kind=kind)
    person = UserFactory()
    client = english(member(Role.ADMINISTRATOR))
    url = f"/api/v1/organisations/{organisation.pk}/memberships"
    payload = {"user_id": person.pk, "role": role}
    if allowed:
        assert client.post(url, payload, content_type="application/json").status_code == 201
        assert list(person.memberships.values_list("organisation_id", "role")) == [(organisation.pk, role)]
        return
    with assert_nothing_written(person):
        response = client.post(url, payload, content_type="application/json")
    assert response.status_code == 400
    assert (response.json()["code"], list(response.json()["fields"])) == ("membership.invalid_role", ["role"])


@pytest.mark.parametrize(
    ("payload", "code", "field"),
    [
        ({"user_id": 10**6, "role": "evaluator"}, "request.unknown_reference", "user_id"),
        ({"user_id": "me", "role": "evaluator"}, "request.invalid", "user_id"),
        ({"role": "evaluator"}, "request.invalid", "user_id"),
        ({"user_id": "PERSON", "role": "chief"}, "membership.invalid_role", "role"),
        ({"user_id": "PERSON", "role": "x" * 21}, "request.invalid", "role"),
        ({"user_id": "PERSON", "role": "evaluator", "is_admin": True}, "request.invalid", "is_admin"),
    ],
    ids=["missing user", "user not a number", "no user", "unknown role", "long role", "unknown field"],
)
def test_api_add_membership_refuses_bad_input(agency, payload, code, field):
    person = UserFactory()
    if payload.get("user_id") == "PERSON":
        payload = {**payload, "user_id": person.pk}
    client = english(member(Role.ADMINISTRATOR))
    with assert_nothing_written(person):
        response = client.post(
            f"/api/v1/organisations/{agency.pk}/memberships", payload, content_type="application/json"
        )
    assert response.status_code == 400
    assert (response.json()["code"], list(response.json()["fields"])) == (code, [field])


def test_api_add_membership_senior_flag(agency):
    reviewing_body = OrganisationFactory(kind=OrganisationKind.REVIEWING_BODY)
    person = UserFactory()
    response = english(member(Role.ADMINISTRATOR)).post(
        f"/api/v1/organisations/{reviewing_body.pk}/memberships",
        {"user_id": person.pk, "role": "approver", "is_senior": True},
        content_type="application/json",
    )
    assert (response.status_code, response.json()["is_senior"]) == (201, True)
    assert Membership.objects.get(user=person).is_senior is True


def test_me_lists_memberships(agency):
    person = member(Role.EVALUATOR, organisation=agency)
    MembershipFactory(user=person, organisation=agency, role=Role.FINANCE_OFFICER)
    response = english(person).get("/api/v1/me")
    assert [(m["organisation_id"], m["role"]) for m in response.json()["memberships"]] == [
        (agency.pk, "evaluator"),
        (agency.pk, "finance_officer"),
    ]
