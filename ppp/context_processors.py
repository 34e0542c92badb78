"""Navigation by role: each page's header shows only what the person can use, and who they are."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from ppp import permissions, selectors
from ppp.models import Role

# (url name, label, who sees it: None = every signed-in person, else any of these roles)
NAVIGATION: list[tuple[str, Any, frozenset[str] | None]] = [
    ("dashboard", _("Dashboard"), None),
    (
        "costing:model_list",
        _("Cost models"),
        frozenset({Role.FINANCE_OFFICER, Role.APPROVER, Role.EVALUATOR}),
    ),
    ("contracts:tender_list", _("Tenders"), None),
    (
        "contracts:contract_list",
        _("Contracts"),
        frozenset({Role.FINANCE_OFFICER, Role.APPROVER, Role.SIGNATORY, Role.BID_PREPARER}),
    ),
    (
        "revenue_share:settlement_list",
        _("Settlements"),
        frozenset({Role.FINANCE_OFFICER, Role.APPROVER, Role.SIGNATORY}),
    ),
    (
        "revenue_share:service_list",
        _("Services"),
        frozenset({Role.FINANCE_OFFICER, Role.APPROVER, Role.ADMINISTRATOR}),  # administrators keep tariffs
    ),
    ("reviewer_queue", _("Review queue"), frozenset({Role.APPROVER})),
    ("audit_log", _("Audit log"), frozenset({Role.APPROVER, Role.ADMINISTRATOR})),
    ("organisations", _("Organisations"), frozenset({Role.ADMINISTRATOR})),
    ("rule_book", _("Rule book"), None),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The header's links for the person's roles, their memberships and their unread notifications."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": []}
    roles = permissions.roles_of(user)
    if user.is_superuser:
        roles |= {Role.ADMINISTRATOR}
    items = []
    for name, label, allowed in NAVIGATION:
        if allowed is not None and not (roles & allowed):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue  # a capability not built yet has no page to link to
        # A section is current on its own page and on the pages below it (the dashboard only on "/").
        active = request.path == url or (url != "/" and request.path.startswith(url))
        items.append({"url": url, "label": label, "active": active})
    unread = selectors.notification_list_for(user=user).filter(read_at__isnull=True)
    return {
        "navigation": items,
        "user_roles": roles,
        "header_memberships": selectors.user_memberships(user=user),
        "unread_notifications": unread.count(),
    }
