"""One error vocabulary: DomainError(code, message, fields), mapped to HTTP in ppp/api.py.

Codes are namespaced per app ("tender.invalid_transition"). `fields` maps a field path
("lines[3].unit_cost", "file:Lines!C7") to its message, so clients can show the error next to it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class DomainError(Exception):
    status_code = 400

    def __init__(self, code: str, message: str, fields: Mapping[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = str(message)
        self.fields: dict[str, Any] = {key: str(value) for key, value in (fields or {}).items()}

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "fields": self.fields}


class ValidationFailed(DomainError):
    """Bad input: a field value breaks a rule. 400."""

    status_code = 400


class PermissionDenied(DomainError):
    """The actor may see the object but may not do this to it. 403."""

    status_code = 403


class NotFound(DomainError):
    """Missing, or not the actor's to see: both look the same. 404."""

    status_code = 404

    def __init__(self, code: str = "not_found", message: str = "Not found.", fields=None) -> None:
        super().__init__(code, message, fields)


class Conflict(DomainError):
    """The object is in the wrong state for this action (a stale or repeated action). 409."""

    status_code = 409
