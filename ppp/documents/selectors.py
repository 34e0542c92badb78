"""Reading documents: through the object they are about, so whoever may not see the object gets the
same 404 for its documents. Someone who may read an object but not generate its documents (a vendor
reading a tender) sees only the documents generated once the object was published: a bidding
document rendered from a draft stays the agency's."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from ppp.errors import NotFound
from ppp.models import Document, User

from . import registry


def _loaded(kind: registry.Kind, user: User, object_id: Any) -> Any:
    try:
        return kind.load(user, int(object_id))
    except NotFound:
        return None


def _readable(kind: registry.Kind, user: User, obj: Any) -> Q:
    """Which of the kind's documents of a loaded object the person reads."""
    if kind.can_generate(user, obj):
        return Q(kind=kind.name)
    return Q(kind=kind.name, published=True)


def document_list_for(*, user: User, object_type: str, object_id: Any) -> QuerySet[Document]:
    """The documents of one object, of the kinds the person may see: each kind loads the object its own
    way (a tender's evaluation report only for the agency side, after the evaluation), so a kind the
    person may not read is left out, not shown as a link that would be 404."""
    condition = Q(pk__in=[])
    for kind in registry.for_object_type(object_type):
        obj = _loaded(kind, user, object_id)
        if obj is not None:
            condition |= _readable(kind, user, obj)
    return (
        Document.objects.defer("content", "inputs")
        .select_related("generated_by")
        .filter(condition, object_id=str(object_id))
        .order_by("kind", "language", "-version")
    )


def document_get_for(*, user: User, pk: int) -> Document:
    document = Document.objects.select_related("generated_by").filter(pk=pk).first()
    missing = NotFound("document.not_found", _("Document not found."))
    if document is None or document.kind not in registry.KINDS:
        raise missing
    kind = registry.get(document.kind)
    obj = _loaded(kind, user, document.object_id)
    if obj is None or not (document.published or kind.can_generate(user, obj)):
        raise missing
    return document
