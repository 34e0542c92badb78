"""Who may do what in tendering: pure predicates on the user's loaded memberships.

- the agency's finance officers build, submit, publish and amend its tenders and answer questions;
- the agency's people (finance officers, evaluators) read its tenders and open the bids;
- approvers of the agency's reviewing body approve a tender before publication, never one they made;
- verified vendors read published tenders and ask questions; a vendor's bid preparers prepare its
  bids and its signatories submit and withdraw them. A vendor sees only its own bids.
"""

from __future__ import annotations

from typing import Any

from contracts.models import Bid, Contract, Tender
from ppp.models import Organisation, OrganisationKind, Role
from ppp.permissions import _memberships, has_role, is_administrator


def vendor_ids(user: Any, role: str | None = None) -> set[int]:
    """Verified vendor organisations the user belongs to (with `role`, when given)."""
    return {
        m.organisation_id
        for m in _memberships(user)
        if m.organisation.kind == OrganisationKind.VENDOR
        and m.organisation.is_verified
        and (role is None or m.role == role)
    }


def is_agency_member(user: Any, tender: Tender) -> bool:
    return any(m.organisation_id == tender.organisation_id for m in _memberships(user))


def is_reviewer_of(user: Any, tender: Tender) -> bool:
    reviewing_body = tender.organisation.reviewing_body_id
    return reviewing_body is not None and any(
        m.organisation_id == reviewing_body and m.role == Role.APPROVER for m in _memberships(user)
    )


def can_create_tender(user: Any, organisation: Organisation) -> bool:
    return organisation.kind == OrganisationKind.AGENCY and has_role(user, Role.FINANCE_OFFICER, organisation)


def can_manage_tender(user: Any, tender: Tender) -> bool:
    return has_role(user, Role.FINANCE_OFFICER, tender.organisation)


def can_open_bids(user: Any, tender: Tender) -> bool:
    return has_role(user, Role.FINANCE_OFFICER, tender.organisation) or has_role(
        user, Role.EVALUATOR, tender.organisation
    )


def made_by(user: Any, tender: Tender) -> bool:
    return tender.created_by_id == user.pk or tender.editors.filter(pk=user.pk).exists()


def can_view_tender(user: Any, tender: Tender) -> bool:
    """The agency and its reviewers always (reviewers once submitted); vendors once published."""
    if is_administrator(user) or is_agency_member(user, tender):
        return True
    if tender.status != "draft" and is_reviewer_of(user, tender):
        return True
    return tender.published_at is not None and bool(vendor_ids(user))


def is_bidder(user: Any, bid: Bid) -> bool:
    return bid.vendor_id in vendor_ids(user)


def can_prepare_bid(user: Any, bid: Bid) -> bool:
    return bid.vendor_id in vendor_ids(user, Role.BID_PREPARER) or bid.vendor_id in vendor_ids(
        user, Role.SIGNATORY
    )


def can_sign_bid(user: Any, bid: Bid) -> bool:
    return bid.vendor_id in vendor_ids(user, Role.SIGNATORY)


# --- contracts -------------------------------------------------------------------------------------
# The agency's finance officers prepare a contract; approvers of its reviewing body decide on it (never
# a version they prepared, never anyone who belongs to the vendor); each party's signatory signs it.


def can_prepare_contract(user: Any, contract: Contract) -> bool:
    return any(
        m.organisation_id == contract.agency_id and m.role == Role.FINANCE_OFFICER for m in _memberships(user)
    )


def is_contract_reviewer(user: Any, contract: Contract) -> bool:
    body = contract.agency.reviewing_body_id
    return body is not None and any(
        m.organisation_id == body and m.role == Role.APPROVER for m in _memberships(user)
    )


def is_senior_contract_reviewer(user: Any, contract: Contract) -> bool:
    body = contract.agency.reviewing_body_id
    return body is not None and any(
        m.organisation_id == body and m.role == Role.APPROVER and m.is_senior for m in _memberships(user)
    )


def belongs_to_vendor(user: Any, contract: Contract) -> bool:
    return any(m.organisation_id == contract.vendor_id for m in _memberships(user))


def signing_parties(user: Any, contract: Contract) -> list[int]:
    """The parties (agency, vendor) the user signs for."""
    return sorted(
        {m.organisation_id for m in _memberships(user)
         if m.role == Role.SIGNATORY and m.organisation_id in (contract.agency_id, contract.vendor_id)}
    )  # fmt: skip
