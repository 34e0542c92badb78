"""factory_boy factories for the kernel; later apps add theirs beside their tests."""

from __future__ import annotations

import factory

from ppp.models import Membership, Organisation, OrganisationKind, Role, User

PASSWORD = "Correct-Horse-42"  # a password the validators accept


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = OrganisationKind.AGENCY
    name = factory.Sequence(lambda n: f"Tổ chức {n}")
    name_en = factory.Sequence(lambda n: f"Organisation {n}")
    tax_code = factory.Sequence(lambda n: f"{4000000000 + n}")
    is_verified = True


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.test")
    full_name = factory.Sequence(lambda n: f"Người dùng {n}")

    @factory.post_generation
    def password(self, create: bool, extracted: str | None, **kwargs: object) -> None:
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.FINANCE_OFFICER


def member(role: str, organisation: Organisation | None = None, **user_fields: object) -> User:
    """A new person holding `role` in `organisation` (a fresh one of the right kind if omitted)."""
    if organisation is None:
        kind = {
            Role.FINANCE_OFFICER: OrganisationKind.AGENCY,
            Role.EVALUATOR: OrganisationKind.AGENCY,
            Role.ADMINISTRATOR: OrganisationKind.AGENCY,
            Role.APPROVER: OrganisationKind.REVIEWING_BODY,
            Role.BID_PREPARER: OrganisationKind.VENDOR,
            Role.SIGNATORY: OrganisationKind.VENDOR,
        }[Role(role)]
        organisation = OrganisationFactory(kind=kind)
    user = UserFactory(**user_fields)
    MembershipFactory(user=user, organisation=organisation, role=role)
    return user
