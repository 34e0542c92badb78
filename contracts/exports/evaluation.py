"""The evaluation as a workbook, once it is computed: the results and the score sheets behind them.

Sheet 1 (the results): the stored figures of every bid, ranked bids first, then the bids that are
out, as on the results page: the consensus compliance with each pass/fail requirement, price after
discount, lifecycle cost, evaluated price, technical points and score, price score, combined score,
the abnormally low flag, value for money, and the flags and reasons. Sheet 2 (compliance): per bid
and requirement, what each member of the panel recorded and the chair's consensus. Sheet 3
(technical scores): per bid and technical criterion, each member's points and the consensus, with a
total per bid. The figures are the stored ones (`Evaluation.results`, computed once with the hash of
their inputs): nothing is recomputed or rounded here.

The reader got `evaluation` through selectors.evaluation_get_for and the caller recorded the bid
reads; the score rows read here belong to that evaluation.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl.worksheet.worksheet import Worksheet

from contracts.models import ComplianceResult, Criterion, CriterionKind, Evaluation, TechnicalScore, Tender
from ppp.models import User

from ._layout import (
    MOMENT_FORMAT,
    SCORE_FORMAT,
    WRAP,
    amount_format,
    column_labels,
    header_block,
    language_of,
    moment,
    new_workbook,
    number,
    put,
    quantity_format,
    save,
    sheet_title,
)

AMOUNT_WIDTH = 18
FLAGS = ("below_package_price", "below_mean_of_others", "below_next_bid")


def evaluation_workbook(*, tender: Tender, evaluation: Evaluation, language: str = "vi") -> bytes:
    """The computed evaluation (`evaluation.results` is set) as .xlsx bytes."""
    with translation.override(language_of(language)):
        rows = _ranked(evaluation.results or {})
        criteria = list(tender.criteria.order_by("position", "pk"))
        panel = list(evaluation.evaluators.order_by("full_name", "username"))
        workbook, sheet = new_workbook(_("Evaluation results"))
        _results(sheet, tender, evaluation, rows, criteria)
        requirements = [c for c in criteria if c.kind == CriterionKind.PASS_FAIL]
        technical = [c for c in criteria if c.kind == CriterionKind.TECHNICAL]
        if requirements:
            recorded = {
                (r.bid_id, r.criterion_id, r.evaluator_id): r
                for r in ComplianceResult.objects.filter(evaluation=evaluation)
            }
            compliance = workbook.create_sheet(sheet_title(_("Compliance")))
            _compliance(compliance, tender, evaluation, rows, requirements, panel, recorded)
        if technical:
            scored = {
                (s.bid_id, s.criterion_id, s.evaluator_id): s
                for s in TechnicalScore.objects.filter(evaluation=evaluation)
            }
            scores = workbook.create_sheet(sheet_title(_("Technical scores")))
            _scores(scores, tender, evaluation, rows, technical, panel, scored)
        return save(workbook)


def _ranked(results: dict[str, Any]) -> list[dict[str, Any]]:
    """The stored rows of every bid: ranked bids by rank, then the bids that are out in the order
    they were submitted."""
    rows = list(results.get("bids", []))
    rows.sort(key=lambda row: (row.get("rank") is None, row.get("rank") or 0, row.get("submitted_order", 0)))
    return rows


def _reason_label(reason: str) -> str:
    """Why a bid is out, as a sentence (the codes of contracts.services.evaluation; the same sentences
    as the results page)."""
    kind, _colon, code = reason.partition(":")
    labels = {
        "correction_rejected": _("The bidder rejected the arithmetic correction."),
        "below_pass_mark": _("The technical score is below the pass mark."),
        "failed": _("Fails the requirement %(code)s."),
        "not_assessed": _("The requirement %(code)s has no consensus assessment."),
        "not_scored": _("The criterion %(code)s has no consensus score."),
    }
    label = labels.get(kind)
    if label is None:
        return reason
    return label % {"code": code} if "%(code)s" in label else label


def _flag_labels() -> dict[str, str]:
    return {
        "below_package_price": _("far below the package price"),
        "below_mean_of_others": _("far below the mean of the other bids"),
        "below_next_bid": _("far below the next bid"),
    }


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else (_("Yes") if value else _("No"))


def _pass_fail(value: bool | None) -> str | None:
    return None if value is None else (_("pass") if value else _("fail"))


def _results(
    sheet: Worksheet,
    tender: Tender,
    evaluation: Evaluation,
    rows: list[dict[str, Any]],
    criteria: list[Criterion],
) -> None:
    money = amount_format(tender.currency)
    figures = evaluation.results or {}
    psc = figures.get("psc") or {}
    header = header_block(
        sheet,
        title=_("Evaluation results"),
        tender=tender,
        facts=[
            (_("Evaluation method"), tender.get_method_display(), None),
            (_("Computed"), moment(evaluation.computed_at), MOMENT_FORMAT),
            (_("Input hash"), evaluation.input_hash, None),
            (_("PSC"), number(psc.get("total")), money),
            (_("Risks the public keeps under the option"), number(psc.get("retained_risk")), money),
            (_("Package price"), number(tender.package_price), money),
        ],
        notes=[
            _("Bids by rank, then the bids that are out (%(currency)s)") % {"currency": tender.currency},
            _(
                "Positive: the bid costs the public less than doing it in-house. Negative: the in-house "
                "option (the PSC) is cheaper."
            ),
        ],
    )
    requirements = [c for c in criteria if c.kind == CriterionKind.PASS_FAIL]
    amounts = [_("Price after discount"), _("Lifecycle cost (NPV)"), _("Evaluated price")]
    scores = [_("Technical points"), _("Technical score"), _("Price score"), _("Combined score")]
    labels = [
        _("Rank"), _("Bidder"), _("Responsive"), *(c.code for c in requirements), *amounts, *scores,
        _("abnormally low"), _("Value for money"), _("Flags and reasons"),
    ]  # fmt: skip
    widths = [8, 28, 12, *[10] * len(requirements), *[AMOUNT_WIDTH] * 3, 12, 12, 12, 12, 12, AMOUNT_WIDTH, 48]
    column_labels(sheet, header, labels, widths)
    flag_labels = _flag_labels()
    for row_number, row in enumerate(rows, start=header + 1):
        flags = row.get("abnormally_low")
        values: list[tuple[Any, str | None]] = [
            (row.get("rank"), None),
            (row["vendor"], None),
            (_yes_no(row.get("responsive")), None),
            *((_pass_fail(row.get("compliance", {}).get(c.code)), None) for c in requirements),
            (number(row.get("price")), money),
            (number(row.get("lifecycle_npv")), money),
            (number(row.get("evaluated_price")), money),
            (number(row.get("technical_points")), quantity_format(number(row.get("technical_points")))),
            (number(row.get("technical_score")), SCORE_FORMAT),
            (number(row.get("price_score")), SCORE_FORMAT),
            (number(row.get("combined_score")), SCORE_FORMAT),
            (None if flags is None else _yes_no(any(flags.get(key) for key in FLAGS)), None),
            (number(row.get("vfm")), money),
            (
                "; ".join(
                    [flag_labels[key] for key in FLAGS if (flags or {}).get(key)]
                    + [_reason_label(reason) for reason in row.get("reasons", [])]
                )
                or None,
                None,
            ),
        ]
        for column, (value, number_format) in enumerate(values, start=1):
            put(sheet, row_number, column, value, number_format)
        sheet.cell(row_number, len(values)).alignment = WRAP


def _member(person: User, evaluation: Evaluation) -> str:
    return f"{person} ({_('Chair')})" if person.pk == evaluation.chair_id else str(person)


def _compliance(
    sheet: Worksheet,
    tender: Tender,
    evaluation: Evaluation,
    rows: list[dict[str, Any]],
    requirements: list[Criterion],
    panel: list[User],
    recorded: dict[tuple[int, int, int | None], ComplianceResult],
) -> None:
    header = header_block(sheet, title=_("Compliance"), tender=tender)
    labels = [_("Bidder"), _("Code"), _("Criterion"), *(_member(p, evaluation) for p in panel),
              _("Consensus"), _("Note")]  # fmt: skip
    column_labels(sheet, header, labels, [28, 10, 32, *[14] * (len(panel) + 1), 40])
    row_number = header + 1
    for row in rows:
        for criterion in requirements:
            entries = [recorded.get((row["bid"], criterion.pk, p.pk)) for p in panel]
            consensus = recorded.get((row["bid"], criterion.pk, None))
            values = [
                row["vendor"], criterion.code, criterion.name,
                *(_pass_fail(e.passed) if e is not None else None for e in entries),
                _pass_fail(consensus.passed) if consensus is not None else None,
                (consensus.note or None) if consensus is not None else None,
            ]  # fmt: skip
            for column, value in enumerate(values, start=1):
                put(sheet, row_number, column, value)
            row_number += 1


def _scores(
    sheet: Worksheet,
    tender: Tender,
    evaluation: Evaluation,
    rows: list[dict[str, Any]],
    technical: list[Criterion],
    panel: list[User],
    scored: dict[tuple[int, int, int | None], TechnicalScore],
) -> None:
    """Per bid: one row per criterion, then its total (a member's total only once they scored every
    criterion of the bid)."""
    header = header_block(sheet, title=_("Technical scores"), tender=tender)
    people: list[User | None] = [*panel, None]  # None: the chair's consensus
    labels = [_("Bidder"), _("Code"), _("Criterion"), _("Maximum points"),
              *(_member(p, evaluation) for p in panel), _("Consensus"), _("Note")]  # fmt: skip
    column_labels(sheet, header, labels, [28, 10, 32, 12, *[14] * len(people), 40])
    maximum_total = sum((Decimal(c.max_points or 0) for c in technical), Decimal(0))
    row_number = header + 1
    for row in rows:
        points: dict[tuple[int, int], Decimal | None] = {}
        for criterion in technical:
            for index, person in enumerate(people):
                entry = scored.get((row["bid"], criterion.pk, person.pk if person is not None else None))
                points[(criterion.pk, index)] = None if entry is None else number(entry.points)
        for criterion in technical:
            maximum = number(criterion.max_points)
            consensus = scored.get((row["bid"], criterion.pk, None))
            for column, value in enumerate((row["vendor"], criterion.code, criterion.name), start=1):
                put(sheet, row_number, column, value)
            put(sheet, row_number, 4, maximum, quantity_format(maximum))
            for index in range(len(people)):
                value = points[(criterion.pk, index)]
                put(sheet, row_number, 5 + index, value, quantity_format(value))
            note = consensus.note if consensus is not None else ""
            put(sheet, row_number, 5 + len(people), note or None)
            row_number += 1
        put(sheet, row_number, 1, row["vendor"], bold=True)
        put(sheet, row_number, 3, _("Total"), bold=True)
        put(sheet, row_number, 4, maximum_total, quantity_format(maximum_total), bold=True)
        for index in range(len(people)):
            values = [points[(criterion.pk, index)] for criterion in technical]
            if all(value is not None for value in values):
                total = sum((value for value in values if value is not None), Decimal(0))
                put(sheet, row_number, 5 + index, total, quantity_format(total), bold=True)
        row_number += 1
