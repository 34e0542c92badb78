"""The Django admin writes through the services: an organisation created there is verified and audited,
vendors are never created there, memberships (on the organisation and on the person) must fit the
organisation's kind and every grant, change and removal is audited. Refusals are shown in the form and
write nothing; staff who are not administrators may look but not write."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from ppp import services
from ppp.models import AuditEntry, Membership, Organisation, OrganisationKind, Role, User
from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory, UserFactory, member
from tests.roles import assert_nothing_written

pytestmark = pytest.mark.django_db

NO_VENDORS = "Administrators create agencies and reviewing bodies; vendors register themselves."


class _FormFields(HTMLParser):
    """The name/value pairs a browser would submit for one <form>: checked boxes only, the selected
    options of a select (its first option when none is selected), the text of a textarea."""

    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.data: dict[str, list[str]] = {}
        self._select: tuple[str, bool] | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self._option_value: str | None = None
        self._textarea: str | None = None

    def _add(self, name: str, value: str) -> None:
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {key: value or "" for key, value in attrs}
        if tag == "form" and attributes.get("id") == self.form_id:
            self.inside = True
        if not self.inside:
            return
        name = attributes.get("name", "")
        if tag == "input" and name and "disabled" not in attributes:
            kind = attributes.get("type", "text")
            if kind in {"submit", "button", "image", "file", "reset"}:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in attributes:
                    self._add(name, attributes.get("value", "on"))
                return
            self._add(name, attributes.get("value", ""))
        elif tag == "select" and name and "disabled" not in attributes:
            self._select = (name, "multiple" in attributes)
            self._select_first, self._select_chosen = None, False
        elif tag == "option" and self._select is not None:
            value = attributes.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in attributes:
                self._add(self._select[0], value)
                self._select_chosen = True
        elif tag == "textarea" and name and "disabled" not in attributes:
            self._textarea = name
            self._add(name, "")

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self.data[self._textarea][-1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "select" and self._select is not None:
            name, multiple = self._select
            if not multiple and not self._select_chosen and self._select_first is not None:
                self._add(name, self._select_first)
            self._select = None
        elif tag == "textarea":
            if self._textarea is not None:
                value = self.data[self._textarea][-1]
                self.data[self._textarea][-1] = value[1:] if value.startswith("\n") else value
            self._textarea = None


def form_data(response: Any, form_id: str) -> dict[str, Any]:
    parser = _FormFields(form_id)
    parser.feed(response.content.decode())
    assert parser.data, f"no form {form_id!r} on the page"
    return {name: values if len(values) > 1 else values[0] for name, values in parser.data.items()}


def add_inline_row(data: dict[str, Any], prefix: str, **fields: Any) -> dict[str, Any]:
    """Fill the next empty row of an inline formset (the admin renders none extra: extra = 0)."""
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data = {**data, f"{prefix}-TOTAL_FORMS": str(index + 1)}
    for name, value in fields.items():
        data[f"{prefix}-{index}-{name}"] = value
    return data


def set_checkbox(data: dict[str, Any], name: str, checked: bool) -> dict[str, Any]:
    data = dict(data)
    if checked:
        data[name] = "on"
    else:
        data.pop(name, None)
    return data


def errors_of(response: Any) -> dict[str, list[str]]:
    """The main form's errors and each inline row's, keyed "field" and "prefix-N-field"."""
    found = {field: list(messages) for field, messages in response.context["adminform"].form.errors.items()}
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for index, row in enumerate(formset.forms):
            for field, messages in row.errors.items():
                found[f"{formset.prefix}-{index}-{field}"] = list(messages)
        if formset.non_form_errors():
            found[f"{formset.prefix}-__all__"] = list(formset.non_form_errors())
    return found


def actions_since(start: int) -> list[tuple[Any, ...]]:
    return list(
        AuditEntry.objects.filter(sequence__gt=start)
        .order_by("sequence")
        .values_list("action", "actor_id", "organisation_id", "object_type", "object_id")
    )


def last_sequence() -> int:
    return AuditEntry.objects.order_by("-sequence").values_list("sequence", flat=True).first() or 0


@pytest.fixture
def superuser(db) -> User:
    return UserFactory(is_superuser=True, is_staff=True)


@pytest.fixture
def admin_client(superuser) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(superuser)
    return client


@pytest.fixture
def agency(db) -> Organisation:
    return OrganisationFactory(kind=OrganisationKind.AGENCY, name="Sở Thông tin và Truyền thông")


@pytest.fixture
def vendor_person(db) -> User:
    return member(Role.BID_PREPARER)


def organisation_add_data(admin_client: Client, **fields: Any) -> dict[str, Any]:
    data = form_data(admin_client.get("/admin/ppp/organisation/add/"), "organisation_form")
    data.update(
        {
            "kind": "agency",
            "name": "Sở Kế hoạch và Đầu tư",
            "name_en": "Department of Planning and Investment",
            "tax_code": "5700100099",
            "address": "Hạ Long",
        }
    )
    data.update(fields)
    return data


# Organisations -----------------------------------------------------------------------------------


def test_admin_creates_an_agency_verified_and_audited_like_the_service(admin_client, superuser):
    start = last_sequence()
    response = admin_client.post("/admin/ppp/organisation/add/", organisation_add_data(admin_client))
    assert response.status_code == 302, errors_of(response)
    organisation = Organisation.objects.get(tax_code="5700100099")
    assert (organisation.kind, organisation.name, organisation.is_verified) == (
        "agency",
        "Sở Kế hoạch và Đầu tư",
        True,
    )
    assert organisation.verified_at is not None
    assert actions_since(start) == [
        ("organisation.created", superuser.pk, organisation.pk, "ppp.organisation", str(organisation.pk))
    ]
    entry = AuditEntry.objects.get(action="organisation.created")
    assert (entry.after["is_verified"], entry.after["name"]) == (True, "Sở Kế hoạch và Đầu tư")


def test_admin_offers_no_vendor_kind_and_refuses_one_in_the_form(admin_client):
    page = admin_client.get("/admin/ppp/organisation/add/")
    assert [value for value, _label in page.context["adminform"].form.fields["kind"].choices] == [
        "",
        "agency",
        "reviewing_body",
    ]
    with assert_nothing_written():
        response = admin_client.post(
            "/admin/ppp/organisation/add/", organisation_add_data(admin_client, kind="vendor")
        )
    assert response.status_code == 200
    assert errors_of(response) == {"kind": [NO_VENDORS]}


def test_admin_create_shows_a_duplicate_tax_code_in_the_form(admin_client):
    OrganisationFactory(tax_code="5700100099")
    with assert_nothing_written():
        response = admin_client.post("/admin/ppp/organisation/add/", organisation_add_data(admin_client))
    assert response.status_code == 200
    assert errors_of(response) == {"tax_code": ["already registered"]}


def test_admin_create_that_loses_a_race_is_refused_without_a_500(admin_client, monkeypatch):
    # Another administrator saves the same tax code between the form's check and the service's write:
    # the service refuses, everything is rolled back, and the admin says why instead of failing.
    real_create = services.organisation_create

    def racing(**kwargs):
        OrganisationFactory(tax_code=kwargs["tax_code"])
        return real_create(**kwargs)

    monkeypatch.setattr(services, "organisation_create", racing)
    with assert_nothing_written():
        response = admin_client.post(
            "/admin/ppp/organisation/add/", organisation_add_data(admin_client), follow=True
        )
    assert response.redirect_chain == [("/admin/ppp/organisation/add/", 302)]
    assert [str(m) for m in response.context["messages"]] == ["An organisation with this tax code exists."]


def test_admin_create_with_a_first_member_grants_the_role_through_the_service(admin_client, superuser):
    person = UserFactory()
    start = last_sequence()
    data = add_inline_row(
        organisation_add_data(admin_client, kind="reviewing_body"),
        "memberships",
        user=str(person.pk),
        role="approver",
        is_senior="on",
    )
    response = admin_client.post("/admin/ppp/organisation/add/", data)
    assert response.status_code == 302, errors_of(response)
    organisation = Organisation.objects.get(tax_code="5700100099")
    membership = Membership.objects.get(user=person)
    assert (membership.organisation_id, membership.role, membership.is_senior) == (
        organisation.pk,
        "approver",
        True,
    )
    assert actions_since(start) == [
        ("organisation.created", superuser.pk, organisation.pk, "ppp.organisation", str(organisation.pk)),
        ("membership.added", superuser.pk, organisation.pk, "ppp.membership", str(membership.pk)),
    ]


def test_admin_change_goes_through_the_service_and_is_audited(admin_client, superuser, agency):
    url = f"/admin/ppp/organisation/{agency.pk}/change/"
    data = form_data(admin_client.get(url), "organisation_form")
    assert "kind" not in data  # the kind is read-only once the organisation exists
    start = last_sequence()
    response = admin_client.post(url, {**data, "name": "Sở Khoa học và Công nghệ", "kind": "vendor"})
    assert response.status_code == 302, errors_of(response)
    agency.refresh_from_db()
    assert (agency.name, agency.kind) == ("Sở Khoa học và Công nghệ", "agency")
    assert actions_since(start) == [
        ("organisation.changed", superuser.pk, agency.pk, "ppp.organisation", str(agency.pk))
    ]
    entry = AuditEntry.objects.get(action="organisation.changed")
    assert (entry.before["name"], entry.after["name"]) == ("Sở Thông tin và Truyền thông", agency.name)


def test_admin_change_that_changes_nothing_writes_no_audit_entry(admin_client, agency):
    url = f"/admin/ppp/organisation/{agency.pk}/change/"
    data = form_data(admin_client.get(url), "organisation_form")
    start = last_sequence()
    assert admin_client.post(url, data).status_code == 302
    assert actions_since(start) == []


def test_admin_change_shows_a_duplicate_tax_code_in_the_form(admin_client, agency):
    OrganisationFactory(tax_code="5700100099")
    url = f"/admin/ppp/organisation/{agency.pk}/change/"
    data = form_data(admin_client.get(url), "organisation_form")
    with assert_nothing_written(agency):
        response = admin_client.post(url, {**data, "tax_code": "5700100099"})
    assert response.status_code == 200
    assert errors_of(response) == {"tax_code": ["already registered"]}


def test_admin_cannot_delete_an_organisation(admin_client, agency):
    with assert_nothing_written(agency):
        response = admin_client.post(f"/admin/ppp/organisation/{agency.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    actions = admin_client.get("/admin/ppp/organisation/").context["action_form"].fields["action"].choices
    assert [value for value, _label in actions] == ["", "verify"]


# Memberships on the organisation page ------------------------------------------------------------


def test_organisation_inline_refuses_a_role_the_kind_forbids(admin_client, agency, vendor_person):
    url = f"/admin/ppp/organisation/{agency.pk}/change/"
    data = add_inline_row(
        form_data(admin_client.get(url), "organisation_form"),
        "memberships",
        user=str(vendor_person.pk),
        role="approver",
    )
    with assert_nothing_written(agency, vendor_person):
        response = admin_client.post(url, data)
    assert response.status_code == 200
    assert errors_of(response) == {"memberships-0-role": ["not allowed for Contracting agency"]}


def test_organisation_inline_grants_a_fitting_role_through_the_service(admin_client, superuser, agency):
    person = UserFactory()
    url = f"/admin/ppp/organisation/{agency.pk}/change/"
    data = add_inline_row(
        form_data(admin_client.get(url), "organisation_form"),
        "memberships",
        user=str(person.pk),
        role="evaluator",
    )
    start = last_sequence()
    response = admin_client.post(url, data)
    assert response.status_code == 302, errors_of(response)
    membership = Membership.objects.get(user=person)
    assert (membership.organisation_id, membership.role, membership.is_senior) == (
        agency.pk,
        "evaluator",
        False,
    )
    assert actions_since(start) == [
        ("membership.added", superuser.pk, agency.pk, "ppp.membership", str(membership.pk))
    ]
    entry = AuditEntry.objects.get(action="membership.added")
    assert (entry.after["user_id"], entry.after["role"]) == (person.pk, "evaluator")


def test_organisation_inline_changes_and_removes_through_the_service(admin_client, superuser, agency):
    kept = MembershipFactory(organisation=agency, role=Role.EVALUATOR)
    removed = MembershipFactory(organisation=agency, role=Role.FINANCE_OFFICER)
    url = f"/admin/ppp/organisation/{agency.pk}/change/"
    data = form_data(admin_client.get(url), "organisation_form")
    rows = {data[f"memberships-{index}-id"]: index for index in range(int(data["memberships-TOTAL_FORMS"]))}
    kept_row, removed_row = rows[str(kept.pk)], rows[str(removed.pk)]
    data = set_checkbox(data, f"memberships-{kept_row}-is_senior", True)
    data = {
        **data,
        f"memberships-{kept_row}-role": "administrator",
        f"memberships-{removed_row}-DELETE": "on",
    }
    start = last_sequence()
    response = admin_client.post(url, data)
    assert response.status_code == 302, errors_of(response)
    kept.refresh_from_db()
    assert (kept.role, kept.is_senior) == ("administrator", True)
    assert not Membership.objects.filter(pk=removed.pk).exists()
    assert actions_since(start) == [
        ("membership.changed", superuser.pk, agency.pk, "ppp.membership", str(kept.pk)),
        ("membership.removed", superuser.pk, agency.pk, "ppp.membership", str(removed.pk)),
    ]
    changed = AuditEntry.objects.get(action="membership.changed")
    assert (changed.before["role"], changed.before["is_senior"]) == ("evaluator", False)
    assert (changed.after["role"], changed.after["is_senior"]) == ("administrator", True)
    gone = AuditEntry.objects.get(action="membership.removed")
    assert (gone.before["role"], gone.before["user_id"], gone.after) == (
        "finance_officer",
        removed.user_id,
        None,
    )


def test_organisation_inline_refuses_changing_an_existing_role_to_one_the_kind_forbids(admin_client, agency):
    kept = MembershipFactory(organisation=agency, role=Role.EVALUATOR)
    url = f"/admin/ppp/organisation/{agency.pk}/change/"
    data = form_data(admin_client.get(url), "organisation_form")
    with assert_nothing_written(kept):
        response = admin_client.post(url, {**data, "memberships-0-role": "bid_preparer"})
    assert response.status_code == 200
    assert errors_of(response) == {"memberships-0-role": ["not allowed for Contracting agency"]}


# Memberships on the person page ------------------------------------------------------------------


def test_user_inline_refuses_a_role_the_kind_forbids(admin_client, agency, vendor_person):
    url = f"/admin/ppp/user/{vendor_person.pk}/change/"
    data = add_inline_row(
        form_data(admin_client.get(url), "user_form"),
        "memberships",
        organisation=str(agency.pk),
        role="approver",
    )
    with assert_nothing_written(vendor_person):
        response = admin_client.post(url, data)
    assert response.status_code == 200
    assert errors_of(response) == {"memberships-1-role": ["not allowed for Contracting agency"]}


def test_user_inline_grants_removes_and_audits_through_the_service(admin_client, superuser, agency):
    person = member(Role.EVALUATOR, organisation=agency)
    old = Membership.objects.get(user=person)
    reviewing_body = OrganisationFactory(kind=OrganisationKind.REVIEWING_BODY)
    url = f"/admin/ppp/user/{person.pk}/change/"
    data = add_inline_row(
        form_data(admin_client.get(url), "user_form"),
        "memberships",
        organisation=str(reviewing_body.pk),
        role="approver",
    )
    data["memberships-0-DELETE"] = "on"
    start = last_sequence()
    response = admin_client.post(url, data)
    assert response.status_code == 302, errors_of(response)
    new = Membership.objects.get(user=person)
    assert (new.organisation_id, new.role) == (reviewing_body.pk, "approver")
    assert actions_since(start) == [
        ("membership.removed", superuser.pk, agency.pk, "ppp.membership", str(old.pk)),
        ("membership.added", superuser.pk, reviewing_body.pk, "ppp.membership", str(new.pk)),
    ]


# Staff who are not administrators ----------------------------------------------------------------


@pytest.fixture
def staff_with_every_permission(db) -> Client:
    """A staff member whom the Django permissions would let write, but who is no administrator."""
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="ppp", content_type__model__in=["organisation", "membership", "user"]
        )
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(staff)
    return client


def test_staff_who_are_not_administrators_cannot_create_organisations(
    staff_with_every_permission, admin_client
):
    data = organisation_add_data(admin_client)
    with assert_nothing_written():
        assert staff_with_every_permission.get("/admin/ppp/organisation/add/").status_code == 403
        assert staff_with_every_permission.post("/admin/ppp/organisation/add/", data).status_code == 403


def test_staff_who_are_not_administrators_cannot_change_organisations_or_grant_roles(
    staff_with_every_permission, agency
):
    person = UserFactory()
    url = f"/admin/ppp/organisation/{agency.pk}/change/"
    page = staff_with_every_permission.get(url)
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    data = {
        "name": "Đổi tên",
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "0",
        "memberships-0-user": str(person.pk),
        "memberships-0-role": "administrator",
    }
    with assert_nothing_written(agency, person):
        response = staff_with_every_permission.post(url, data)
    assert response.status_code == 403
    user_url = f"/admin/ppp/user/{person.pk}/change/"
    user_page = staff_with_every_permission.get(user_url)
    membership_inline = user_page.context["inline_admin_formsets"][0]
    assert (membership_inline.has_add_permission, membership_inline.has_change_permission) == (False, False)
    data = add_inline_row(
        form_data(user_page, "user_form"), "memberships", organisation=str(agency.pk), role="administrator"
    )
    start = last_sequence()
    staff_with_every_permission.post(user_url, data)
    # The person's own row may be saved (the Django permissions allow it); no role is granted.
    assert list(person.memberships.all()) == []
    assert [action for action, *_rest in actions_since(start)] == []


def test_user_add_page_grants_a_first_role_through_the_service(admin_client, superuser, agency):
    data = add_inline_row(
        form_data(admin_client.get("/admin/ppp/user/add/"), "user_form"),
        "memberships",
        organisation=str(agency.pk),
        role="finance_officer",
    )
    data.update(
        {
            "username": "lan",
            "email": "lan@example.test",
            "full_name": "Vũ Thị Lan",
            "usable_password": "true",
            "password1": PASSWORD,
            "password2": PASSWORD,
        }
    )
    start = last_sequence()
    response = admin_client.post("/admin/ppp/user/add/", data)
    assert response.status_code == 302, errors_of(response)
    person = User.objects.get(username="lan")
    assert (person.email, person.full_name) == ("lan@example.test", "Vũ Thị Lan")
    membership = Membership.objects.get(user=person)
    assert (membership.organisation_id, membership.role) == (agency.pk, "finance_officer")
    # The person is created first (no organisation yet), then given the role.
    assert actions_since(start) == [
        ("user.created", superuser.pk, None, "ppp.user", str(person.pk)),
        ("membership.added", superuser.pk, agency.pk, "ppp.membership", str(membership.pk)),
    ]


@pytest.mark.parametrize(
    ("email", "error"),
    [
        ("", "This field is required."),
        ("taken@example.test", "An account with this email exists."),
        ("TAKEN@example.test", "An account with this email exists."),
    ],
    ids=["missing", "taken", "taken in another case"],
)
def test_user_add_page_asks_for_a_unique_email(admin_client, email, error):
    UserFactory(email="taken@example.test")
    data = form_data(admin_client.get("/admin/ppp/user/add/"), "user_form")
    data.update(
        {
            "username": "lan",
            "email": email,
            "usable_password": "true",
            "password1": PASSWORD,
            "password2": PASSWORD,
        }
    )
    with assert_nothing_written():
        response = admin_client.post("/admin/ppp/user/add/", data)
    assert response.status_code == 200
    assert errors_of(response) == {"email": [error]}


def test_user_change_page_refuses_an_email_another_person_has(admin_client):
    UserFactory(email="taken@example.test")
    person = UserFactory(email="lan@example.test")
    url = f"/admin/ppp/user/{person.pk}/change/"
    data = form_data(admin_client.get(url), "user_form")
    assert admin_client.post(url, data).status_code == 302  # keeping one's own address is fine
    with assert_nothing_written(person):
        response = admin_client.post(url, {**data, "email": "Taken@Example.test"})
    assert response.status_code == 200
    assert errors_of(response) == {"email": ["An account with this email exists."]}


# People -------------------------------------------------------------------------------------------


def test_making_someone_an_administrator_in_the_admin_is_audited_with_before_and_after(
    admin_client, superuser, vendor_person
):
    url = f"/admin/ppp/user/{vendor_person.pk}/change/"
    data = form_data(admin_client.get(url), "user_form")
    start = last_sequence()
    response = admin_client.post(url, set_checkbox({**data, "full_name": "Người mới"}, "is_superuser", True))
    assert response.status_code == 302, errors_of(response)
    entry = AuditEntry.objects.get(sequence__gt=start, action="user.changed")
    assert (entry.actor_id, entry.object_id) == (superuser.pk, str(vendor_person.pk))
    assert (entry.before["is_superuser"], entry.after["is_superuser"]) == (False, True)
    assert entry.after["full_name"] == "Người mới"
    assert "password" not in entry.after


def test_saving_a_person_unchanged_writes_no_audit_entry(admin_client, vendor_person):
    url = f"/admin/ppp/user/{vendor_person.pk}/change/"
    data = form_data(admin_client.get(url), "user_form")
    start = last_sequence()
    assert admin_client.post(url, data).status_code == 302
    assert actions_since(start) == []


def test_an_administrator_setting_a_password_is_audited_without_the_hash(
    admin_client, superuser, vendor_person
):
    url = f"/admin/ppp/user/{vendor_person.pk}/password/"
    start = last_sequence()
    response = admin_client.post(
        url, {"password1": "Another-Horse-77", "password2": "Another-Horse-77", "usable_password": "true"}
    )
    assert response.status_code == 302
    vendor_person.refresh_from_db()
    assert vendor_person.check_password("Another-Horse-77")
    entry = AuditEntry.objects.get(sequence__gt=start, action="user.password_set")
    assert entry.actor_id == superuser.pk and entry.before is None and entry.after is None
