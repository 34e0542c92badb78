"""Who may do what to a cost model: pure predicates on the user's loaded memberships.

- the agency's finance officers create and edit its models (while a version is a draft or returned)
  and submit them;
- the agency's people (finance officers, evaluators, administrators) read them;
- approvers of the agency's reviewing body read a version once it has been submitted and decide on
  it, never on a version they created or edited (maker-checker);
- vendors never see cost models.
"""

from __future__ import annotations

from typing import Any

from costing.models import EDITABLE_STATUSES, CostModel, CostModelStatus
from ppp.models import Organisation, OrganisationKind, Role
from ppp.permissions import _memberships, has_role, is_administrator


def reviewing_body_ids(user: Any) -> set[int]:
    """Reviewing bodies in which the user is an approver."""
    return {
        m.organisation_id
        for m in _memberships(user)
        if m.role == Role.APPROVER and m.organisation.kind == OrganisationKind.REVIEWING_BODY
    }


def agency_ids(user: Any) -> set[int]:
    """Agencies of which the user is a member (any role)."""
    return {m.organisation_id for m in _memberships(user) if m.organisation.kind == OrganisationKind.AGENCY}


def can_create_cost_model(user: Any, organisation: Organisation) -> bool:
    return organisation.kind == OrganisationKind.AGENCY and has_role(user, Role.FINANCE_OFFICER, organisation)


def is_author_side(user: Any, model: CostModel) -> bool:
    """A member of the agency that owns the model."""
    return model.organisation_id in agency_ids(user)


def is_reviewer_of(user: Any, model: CostModel) -> bool:
    reviewing_body = model.organisation.reviewing_body_id
    return reviewing_body is not None and reviewing_body in reviewing_body_ids(user)


def can_view_cost_model(user: Any, model: CostModel) -> bool:
    if is_administrator(user) or is_author_side(user, model):
        return True
    return model.first_submitted_at is not None and is_reviewer_of(user, model)


def can_edit_cost_model(user: Any, model: CostModel) -> bool:
    return model.status in EDITABLE_STATUSES and has_role(user, Role.FINANCE_OFFICER, model.organisation)


def can_submit_cost_model(user: Any, model: CostModel) -> bool:
    return can_edit_cost_model(user, model)


def made_by(user: Any, model: CostModel, editor_ids: set[int] | None = None) -> bool:
    """True when the user created or edited this version (they may not approve it)."""
    if model.created_by_id == user.pk:
        return True
    ids = editor_ids if editor_ids is not None else set(model.editors.values_list("pk", flat=True))
    return user.pk in ids


def can_decide_cost_model(user: Any, model: CostModel, editor_ids: set[int] | None = None) -> bool:
    """Approve or return: an approver of the agency's reviewing body who did not make the version."""
    return (
        model.status == CostModelStatus.SUBMITTED
        and is_reviewer_of(user, model)
        and not made_by(user, model, editor_ids)
    )


def can_make_new_version(user: Any, model: CostModel) -> bool:
    return model.status == CostModelStatus.APPROVED and has_role(
        user, Role.FINANCE_OFFICER, model.organisation
    )
