"""Documents through the API: list an object's documents, generate one, read its record, download it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from ppp.models import Document, User
from ppp.pagination import Pagination
from ppp.schemas import ErrorOut

from . import registry, selectors, services

router = Router(tags=["documents"])
ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


def user_of(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


class DocumentIn(Schema):
    kind: str
    object_id: int
    language: str = "vi"


class DocumentOut(Schema):
    id: int
    kind: str
    object_type: str
    object_id: str
    language: str
    version: int
    title: str
    reference: str
    input_hash: str
    file_hash: str
    content_type: str
    filename: str
    size: int
    published: bool
    generated_by: str
    generated_at: Any

    @staticmethod
    def resolve_generated_by(obj: Document) -> str:
        return obj.generated_by.username


@router.get(
    "/documents",
    response={200: list[DocumentOut], **ERRORS},
    summary="The documents generated about one object (any kind of that object), newest version first",
)
@paginate(Pagination)
def document_list(  # type: ignore[no-untyped-def]
    request: HttpRequest, kind: str = Query(..., max_length=60), object_id: int = Query(...)
):
    user = user_of(request)
    spec = registry.get(kind)
    spec.load(user, object_id)  # 404 when the object is not the person's to see
    return selectors.document_list_for(user=user, object_type=spec.object_type, object_id=object_id)


@router.post(
    "/documents",
    response={200: DocumentOut, 201: DocumentOut, **ERRORS},
    summary="Generate a document (201), or get back the one generated from the same inputs (200)",
)
def document_generate(request: HttpRequest, payload: DocumentIn):  # type: ignore[no-untyped-def]
    before = Document.objects.filter(kind=payload.kind, object_id=str(payload.object_id)).count()
    document = services.document_generate(
        actor=user_of(request), kind=payload.kind, object_id=payload.object_id, language=payload.language
    )
    after = Document.objects.filter(kind=payload.kind, object_id=str(payload.object_id)).count()
    return Status(201 if after > before else 200, document)


@router.get("/documents/{document_id}", response={200: DocumentOut, **ERRORS}, summary="A document's record")
def document_get(request: HttpRequest, document_id: int) -> Document:
    return selectors.document_get_for(user=user_of(request), pk=document_id)


@router.get(
    "/documents/{document_id}/file",
    response={200: None, **ERRORS},
    summary="The document's file (PDF or XLSX); the X-Content-SHA256 header is its hash",
    openapi_extra={"responses": {"200": {"description": "The file", "content": {
        "application/pdf": {"schema": {"type": "string", "format": "binary"}}}}}},
)  # fmt: skip
def document_file(request: HttpRequest, document_id: int) -> HttpResponse:
    from .views import file_response

    return file_response(selectors.document_get_for(user=user_of(request), pk=document_id))
