"""The document kinds each app declares in its documents.py (loaded when the app is ready).

A kind says which object it is about, how to load that object for a person (through the app's
selector, so an object the person may not see is a 404), who may generate it, how to collect its
inputs (plain JSON: the figures as strings, so they hash the same everywhere) and how to render
those inputs as a file. The inputs carry the page furniture too: "title", "reference", "issuer",
"place" and whether the document bears the national heading.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ppp.errors import ValidationFailed

from .pdf import Meta

Loader = Callable[[Any, int], Any]  # (user, pk) -> the object


@dataclass(frozen=True)
class Kind:
    name: str  # "costing.estimate"
    label: Any  # a lazy translation: "Cost estimate"
    object_type: str  # "costing.costmodel"
    load: Loader  # (user, object id) -> the object, or NotFound
    collect: Callable[[Any, str], dict[str, Any]]  # (object, language) -> inputs
    render: Callable[[dict[str, Any], Meta], bytes]  # (inputs, meta) -> the file
    organisation_of: Callable[[Any], int]  # the organisation the document belongs to
    can_generate: Callable[[Any, Any], bool] = lambda user, obj: True
    published: Callable[[Any], bool] = lambda obj: False
    content_type: str = "application/pdf"
    extension: str = "pdf"
    order: int = 100  # where it is listed among the object's documents
    extra: dict[str, Any] = field(default_factory=dict)


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    KINDS[kind.name] = kind
    return kind


def get(name: Any) -> Kind:
    kind = KINDS.get(str(name))
    if kind is None:
        from django.utils.translation import gettext as _

        raise ValidationFailed(
            "document.invalid", _("Not a document kind."), {"kind": _("choose one of: %(kinds)s")
                                                            % {"kinds": ", ".join(sorted(KINDS))}}
        )  # fmt: skip
    return kind


def for_object_type(object_type: str) -> list[Kind]:
    return sorted(
        (k for k in KINDS.values() if k.object_type == object_type), key=lambda k: (k.order, k.name)
    )
