"""Authentication events go to the audit log (logins, logouts and failed logins), each with the
person's organisation and the client's address (as resolved behind the trusted proxies)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from ppp import audit
from ppp.auth import client_ip
from ppp.models import User


def _address(request: Any) -> str:
    if request is None:
        return ""
    return client_ip(request) or ""


@receiver(user_logged_in)
def audit_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit.record(
        actor=user,
        action="auth.login",
        obj=user,
        organisation=audit.actor_organisation(user),
        after={"address": _address(request)},
    )


@receiver(user_logged_out)
def audit_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit.record(actor=user, action="auth.logout", obj=user, organisation=audit.actor_organisation(user))


@receiver(user_login_failed)
def audit_login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    username = str(credentials.get("username", ""))[:150]
    # The organisation of the account that was tried, if there is one: an administrator watching for
    # attacks on their people filters by it. An unknown username has none.
    tried = User.objects.filter(username=username).first() if username else None
    audit.record(
        actor=None,
        actor_label=username,
        action="auth.login_failed",
        object_type="ppp.user",
        object_id="",
        organisation=audit.actor_organisation(tried),
        after={"username": username, "address": _address(request)},
    )
