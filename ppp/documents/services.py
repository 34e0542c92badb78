"""Generating a document: collect the inputs, hash them, render at a fixed moment, store the record.

The same inputs and language give back the document already generated from them (no new version);
changed inputs make the next version. `rendered_again` renders a stored document's inputs at its
stored moment: its hash equals the stored file hash, which is what makes the hash worth checking.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.text import slugify
from django.utils.translation import gettext as _

from ppp import audit
from ppp.errors import PermissionDenied, ValidationFailed
from ppp.models import Document, DocumentLanguage, User

from . import registry
from .pdf import Meta


def _strings(value: Any) -> Any:
    """Lazy translations (a choice's label) as the text they read in the active language."""
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _strings(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_strings(v) for v in value]
    return value


def input_hash_of(kind: str, language: str, inputs: dict[str, Any]) -> str:
    payload = audit.canonical_json({"kind": kind, "language": language, "inputs": inputs})
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _render(kind: registry.Kind, inputs: dict[str, Any], language: str, digest: str, moment: Any) -> bytes:
    with translation.override(language):
        meta = Meta(
            title=str(inputs.get("title", "")),
            reference=str(inputs.get("reference", "")),
            language=language,
            generated_at=moment,
            input_hash=digest,
            issuer=str(inputs.get("issuer", "")),
            place=str(inputs.get("place", "")),
            national_heading=bool(inputs.get("national_heading", True)),
        )
        return kind.render(inputs, meta)


def rendered_again(document: Document) -> bytes:
    """The stored document rendered again from its stored inputs at its stored moment."""
    kind = registry.get(document.kind)
    return _render(kind, document.inputs, document.language, document.input_hash, document.generated_at)


@transaction.atomic
def document_generate(*, actor: User, kind: str, object_id: Any, language: str) -> Document:
    """The document of `kind` about the object in `language`: the one generated from the same inputs,
    or a new version."""
    spec = registry.get(kind)
    if language not in DocumentLanguage.values:
        raise ValidationFailed(
            "document.invalid", _("Choose the document's language."), {"language": _("vi or en")}
        )
    try:
        pk = int(object_id)
    except (TypeError, ValueError):
        raise ValidationFailed(
            "document.invalid", _("Name the object of the document."), {"object_id": _("must be a number")}
        ) from None
    obj = spec.load(actor, pk)
    if not spec.can_generate(actor, obj):
        raise PermissionDenied(
            "document.forbidden", _("You may read this record but not generate its documents.")
        )
    with translation.override(language):
        inputs = audit.normalise(_strings(spec.collect(obj, language)))
    digest = input_hash_of(spec.name, language, inputs)
    same = Document.objects.filter(kind=spec.name, object_id=str(pk), language=language)
    existing = same.filter(input_hash=digest).order_by("-version").first()
    if existing is not None:
        return existing
    moment = timezone.now().replace(microsecond=0)
    content = _render(spec, inputs, language, digest, moment)
    version = (same.order_by("-version").values_list("version", flat=True).first() or 0) + 1
    reference = str(inputs.get("reference", ""))
    stem = slugify(f"{spec.name.split('.')[-1]}-{reference or pk}-v{version}-{language}")
    document = Document.objects.create(
        kind=spec.name,
        object_type=spec.object_type,
        object_id=str(pk),
        organisation_id=spec.organisation_of(obj),
        language=language,
        version=version,
        title=str(inputs.get("title", ""))[:300],
        reference=reference[:100],
        inputs=inputs,
        input_hash=digest,
        content=content,
        content_type=spec.content_type,
        filename=f"{stem}.{spec.extension}",
        file_hash=hashlib.sha256(content).hexdigest(),
        size=len(content),
        published=spec.published(obj),
        generated_by=actor,
        generated_at=moment,
    )
    audit.record(
        actor=actor,
        action="document.generated",
        obj=obj,
        organisation_id=document.organisation_id,
        after={"document": document.pk, "kind": spec.name, "language": language, "version": version,
               "input_hash": digest, "file_hash": document.file_hash},
    )  # fmt: skip
    return document
