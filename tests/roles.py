"""The role matrix: one request tried as anonymous, another organisation, the wrong role and the right
role; every denied attempt must also leave the database exactly as it was.

Usage (later issues reuse it):

    matrix = RoleMatrix(
        anonymous=None, other_organisation=outsider, wrong_role=vendor, right_role=finance_officer,
    )
    matrix.check(lambda client: client.post(url, payload, content_type="application/json"),
                 denied={"anonymous": 401, "other_organisation": 404, "wrong_role": 403},
                 allowed=201)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.test import Client

# Tables that change on every request whatever it does (sessions, throttling bookkeeping, caches).
VOLATILE_TABLES = {"django_session", "axes_accessattempt", "axes_accesslog", "ppp_cache"}


def database_fingerprint() -> dict[str, tuple[int, int]]:
    """Row count and max primary key of every table, so inserts, deletes and re-inserts all show."""
    picture: dict[str, tuple[int, int]] = {}
    for model in apps.get_models():
        table = model._meta.db_table
        if table in VOLATILE_TABLES or model._meta.proxy or not model._meta.managed:
            continue
        manager = model._base_manager
        count = manager.count()
        last = manager.order_by("-pk").values_list("pk", flat=True).first() if count else 0
        picture[table] = (count, hash(last))
    return picture


def row_snapshot(*objects: Any) -> list[dict[str, Any]]:
    """Field values of specific rows, to prove an update did not happen."""
    result = []
    for obj in objects:
        fresh = type(obj)._base_manager.filter(pk=obj.pk).values().first()
        result.append(fresh)
    return result


@contextmanager
def assert_nothing_written(*watched: Any) -> Iterator[None]:
    before = database_fingerprint()
    rows_before = row_snapshot(*watched)
    yield
    after = database_fingerprint()
    changed = {
        t: (before.get(t), after.get(t)) for t in set(before) | set(after) if before.get(t) != after.get(t)
    }
    assert not changed, f"a denied request wrote to: {changed}"
    assert row_snapshot(*watched) == rows_before, "a denied request changed a watched row"


def client_for(user: Any) -> Client:
    client = Client(enforce_csrf_checks=False)
    if user is not None:
        client.force_login(user)
    return client


@dataclass
class RoleMatrix:
    anonymous: Any = None
    other_organisation: Any = None
    wrong_role: Any = None
    right_role: Any = None
    extra: dict[str, Any] = field(default_factory=dict)

    def actors(self) -> dict[str, Any]:
        actors = {
            "anonymous": self.anonymous,
            "other_organisation": self.other_organisation,
            "wrong_role": self.wrong_role,
            "right_role": self.right_role,
        }
        actors.update(self.extra)
        return actors

    def check(
        self,
        request: Callable[[Client], Any],
        *,
        denied: dict[str, int],
        allowed: int | None = None,
        watched: tuple[Any, ...] = (),
        allowed_actor: str = "right_role",
    ) -> Any:
        """Denied actors get their status and write nothing; then the allowed actor succeeds."""
        actors = self.actors()
        for name, status in denied.items():
            client = client_for(actors[name])
            with assert_nothing_written(*watched):
                response = request(client)
            assert response.status_code == status, (
                f"{name}: expected {status}, got {response.status_code}: {response.content[:300]!r}"
            )
            if response.get("Content-Type", "").startswith("application/json") and status >= 400:
                body = response.json()
                assert set(body) == {"code", "message", "fields"}, f"{name}: error shape {body}"
        if allowed is None:
            return None
        response = request(client_for(actors[allowed_actor]))
        assert response.status_code == allowed, (
            f"{allowed_actor}: expected {allowed}, got {response.status_code}: {response.content[:300]!r}"
        )
        return response
