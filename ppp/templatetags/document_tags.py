"""{% documents_panel "costing.costmodel" model %}: an object's documents (each version, language,
who generated it, its SHA-256, a download link) and, for those who may, a form to generate each kind
in Vietnamese or English. The caller has loaded the object for the person; one query lists them."""

from __future__ import annotations

from typing import Any

from django import template

from ppp.documents import registry, selectors

register = template.Library()


@register.inclusion_tag("_documents.html", takes_context=True)
def documents_panel(context: dict[str, Any], object_type: str, obj: Any) -> dict[str, Any]:
    request = context["request"]
    user = request.user
    kinds = registry.for_object_type(object_type)
    documents = list(selectors.document_list_for(user=user, object_type=object_type, object_id=obj.pk))
    labels = {k.name: k.label for k in kinds}
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "object_id": obj.pk,
        "documents": [{"document": d, "label": labels.get(d.kind, d.kind)} for d in documents],
        "kinds": [{"name": k.name, "label": k.label} for k in kinds if k.can_generate(user, obj)],
        "next": request.get_full_path(),
    }
