"""What a published tender tells every vendor: its amendments (each change as before -> after) and
its clarifications (answered questions for all, never naming who asked; the agency sees and
answers every question)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from contracts import permissions, selectors, services
from contracts.models import Tender
from ppp.errors import Conflict, DomainError, PermissionDenied

from ._common import error_status, field_label, not_found, tender_page, with_tender
from .forms import AmendmentForm, AnswerForm
from .workspace import detail_response, years_of

MOMENTS = {"publication_at", "clarification_deadline", "closing_at", "opening_at"}


def _moment(value: Any) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None


def _decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def change_rows(tender: Tender, changes: dict[str, Any], items: dict[str, Any]) -> list[dict[str, Any]]:
    """An amendment's changes as rows a reader follows: the field's label, and before -> after as
    moments, numbers or text; a schedule item's quantities year by year."""
    rows = []
    base_year = tender.cost_model.base_year
    for key, change in changes.items():
        before, after = change.get("before"), change.get("after")
        row: dict[str, Any] = {"key": key, "moved_by": change.get("moved_by", "")}
        if key.startswith("items.") and key.endswith(".quantities"):
            code = key[len("items.") : -len(".quantities")]
            item = items.get(code)
            row.update(
                kind="quantities",
                label=_("Quantities of %(item)s") % {"item": f"{code} {item.name}" if item else code},
                years=[
                    {
                        "year": base_year + period,
                        "before": _decimal(old),
                        "after": _decimal(new),
                        "changed": _decimal(old) != _decimal(new),
                    }
                    for period, (old, new) in enumerate(zip(before or [], after or [], strict=False))
                ],
            )
        elif key in MOMENTS:
            row.update(kind="moment", label=field_label(key), before=_moment(before), after=_moment(after))
        elif key == "bid_validity_days":
            row.update(kind="number", label=field_label(key), before=before, after=after)
        else:
            row.update(kind="text", label=field_label(key), before=before, after=after)
        rows.append(row)
    return rows


@with_tender
def amendments(request: HttpRequest, tender: Tender) -> HttpResponse:
    items = {item.code: item for item in tender.items.all()}
    rows = [
        {"amendment": amendment, "changes": change_rows(tender, amendment.changes, items)}
        for amendment in tender.amendments.select_related("created_by").order_by("-number")
    ]
    return tender_page(
        request, "contracts/amendments.html", tender, {"amendments": rows}, section="amendments"
    )


@with_tender
@require_http_methods(["GET", "POST"])
def tender_amend(request: HttpRequest, tender: Tender) -> HttpResponse:
    if not permissions.can_manage_tender(request.user, tender):
        raise PermissionDenied("tender.forbidden", _("Only the agency's finance officers amend its tenders."))
    items = list(tender.items.all())
    years = years_of(tender, items)
    form = AmendmentForm(request.POST or None, tender=tender, items=items, years=years)
    error: DomainError | None = None
    if request.method == "POST" and form.is_valid():
        try:
            amendment = services.tender_amend(actor=request.user, tender=tender, **form.amendment())  # type: ignore[arg-type]
        except PermissionDenied:
            raise
        except Conflict as failure:
            return detail_response(request, tender, status=failure.status_code, error=failure)
        except DomainError as failure:
            error = failure
            form.add_error(None, failure.message)
            for message in form.add_service_errors(failure.fields):
                form.add_error(None, message)
        else:
            moved = amendment.closing_after != amendment.closing_before
            messages.success(
                request,
                _("Amendment %(number)s published; the vendors taking part are notified.")
                % {"number": amendment.number}
                + (" " + _("The closing moved to give vendors the time the rules require.") if moved else ""),
            )
            return redirect("contracts:amendments", pk=tender.pk)
    return tender_page(
        request,
        "contracts/amend_form.html",
        tender,
        {"form": form, "years": years},
        section="amendments",
        status=error_status(form, error),
    )


def clarifications_response(
    request: HttpRequest,
    tender: Tender,
    *,
    forms: dict[int, AnswerForm] | None = None,
    status: int = 200,
    error: DomainError | None = None,
) -> HttpResponse:
    user = request.user
    questions = list(selectors.clarification_list_for(user=user, tender=tender).select_related("answered_by"))  # type: ignore[arg-type]
    forms = forms or {}
    agency = permissions.is_agency_member(user, tender)
    own_vendors = permissions.vendor_ids(user)
    rows = []
    for question in questions:
        rows.append(
            {
                "question": question,
                # Only the agency's own records name the asker; vendors see their own question marked.
                "asker": question if agency else None,
                "own": question.vendor_id in own_vendors,
                "form": forms.get(question.pk) or AnswerForm(prefix=f"q{question.pk}"),
            }
        )
    return tender_page(
        request,
        "contracts/clarifications.html",
        tender,
        {"rows": rows, "error": error},
        section="clarifications",
        status=status,
    )


@with_tender
def clarifications(request: HttpRequest, tender: Tender) -> HttpResponse:
    return clarifications_response(request, tender)


@with_tender
@require_POST
def clarification_answer(request: HttpRequest, tender: Tender, clarification_id: int) -> HttpResponse:
    question = (
        selectors.clarification_list_for(user=request.user, tender=tender)  # type: ignore[arg-type]
        .filter(pk=clarification_id)
        .first()
    )
    if question is None:
        return not_found(request)
    form = AnswerForm(request.POST, prefix=f"q{question.pk}")
    answer = request.POST.get(f"q{question.pk}-answer", "")
    try:
        services.clarification_answer(actor=request.user, clarification=question, answer=answer)  # type: ignore[arg-type]
    except PermissionDenied:
        raise
    except DomainError as error:
        form.is_valid()
        if "answer" in error.fields:
            if "answer" not in form.errors:
                form.add_error("answer", error.fields["answer"])
            shown = None  # the form says it next to the answer
        else:
            shown = error
        return clarifications_response(
            request, tender, forms={question.pk: form}, status=error.status_code, error=shown
        )
    messages.success(request, _("Answer published to every vendor, without naming who asked."))
    return redirect("contracts:clarifications", pk=tender.pk)
