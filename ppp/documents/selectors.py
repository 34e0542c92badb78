"""Reading documents: through the object they are about, so whoever may not see the object gets the
same 404 for its documents."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from ppp.errors import NotFound
from ppp.models import Document, User

from . import registry


def document_list_for(*, user: User, object_type: str, object_id: Any) -> QuerySet[Document]:
    """The documents of one object, of the kinds the person may see: each kind loads the object its own
    way (a tender's evaluation report only for the agency side, after the evaluation), so a kind the
    person may not read is left out, not shown as a link that would be 404."""
    kinds = [k.name for k in registry.for_object_type(object_type) if _visible(k, user, object_id)]
    return (
        Document.objects.defer("content", "inputs")
        .select_related("generated_by")
        .filter(kind__in=kinds, object_id=str(object_id))
        .order_by("kind", "language", "-version")
    )


def _visible(kind: registry.Kind, user: User, object_id: Any) -> bool:
    try:
        kind.load(user, int(object_id))
    except NotFound:
        return False
    return True


def document_get_for(*, user: User, pk: int) -> Document:
    document = Document.objects.select_related("generated_by").filter(pk=pk).first()
    if document is None or document.kind not in registry.KINDS:
        raise NotFound("document.not_found", _("Document not found."))
    try:
        registry.get(document.kind).load(user, int(document.object_id))
    except NotFound:
        raise NotFound("document.not_found", _("Document not found.")) from None
    return document
