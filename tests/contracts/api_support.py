"""Shared pieces of the tendering API tests: clients, the request helpers, a tender payload, and the
clock moving past a tender's closing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client
from django.utils import timezone

from contracts.models import Tender
from tests.costing.api_support import bearer, ok, session

BASE = "/api/v1/contracts"
JSON = "application/json"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

__all__ = [
    "BASE",
    "JSON",
    "XLSX",
    "bearer",
    "close",
    "csrf_session",
    "delete",
    "get",
    "ok",
    "patch",
    "post",
    "put",
    "session",
    "tender_payload",
    "upload",
]


def csrf_session(user: Any) -> tuple[Client, dict[str, str]]:
    """A browser-like session that must send the CSRF token with unsafe requests."""
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    token = client.get("/api/v1/auth/csrf").json()["csrf_token"]
    return client, {"HTTP_X_CSRFTOKEN": token}


def tender_payload(world: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """The conftest's tender terms (non-consulting, domestic, lowest price, 1 % bid security,
    closing 20 days after publication), as JSON for POST /tenders."""
    now = timezone.now()
    model = world["model"]
    payload: dict[str, Any] = {
        "model_id": model.pk,
        "option_id": model.options.get(kind="service_hire").pk,
        "title": "Thuê dịch vụ cổng dịch vụ công",
        "procurement_category": "non_consulting",
        "scope": "domestic",
        "method": "lowest_price",
        "envelopes": 1,
        "bid_security_rate": "0.01",
        "bid_validity_days": 90,
        "publication_at": now.isoformat(),
        "clarification_deadline": (now + dt.timedelta(days=5)).isoformat(),
        "closing_at": (now + dt.timedelta(days=20)).isoformat(),
        "opening_at": (now + dt.timedelta(days=20, hours=1)).isoformat(),
    }
    payload.update(changes)
    return payload


def close(tender: Tender | int) -> None:
    """The clock moves past the closing: the database's own clock decides closing, so the tender's
    dates move back instead."""
    pk = tender if isinstance(tender, int) else tender.pk
    past = timezone.now() - dt.timedelta(minutes=5)
    Tender.objects.filter(pk=pk).update(
        publication_at=past - dt.timedelta(days=20),
        clarification_deadline=past - dt.timedelta(days=1),
        closing_at=past,
        opening_at=past + dt.timedelta(hours=1),
    )
    if isinstance(tender, Tender):
        tender.refresh_from_db()


def post(client: Client, url: str, payload: Any = None, **extra: Any):
    return client.post(BASE + url, payload if payload is not None else {}, content_type=JSON, **extra)


def patch(client: Client, url: str, payload: Any, **extra: Any):
    return client.patch(BASE + url, payload, content_type=JSON, **extra)


def put(client: Client, url: str, payload: Any, **extra: Any):
    return client.put(BASE + url, payload, content_type=JSON, **extra)


def get(client: Client, url: str, **params: Any):
    return client.get(BASE + url, params)


def delete(client: Client, url: str, **extra: Any):
    return client.delete(BASE + url, **extra)


def upload(client: Client, url: str, name: str, content: bytes, content_type: str, **extra: Any):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(BASE + url, {"file": SimpleUploadedFile(name, content, content_type)}, **extra)
