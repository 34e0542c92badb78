"""Pages of the agency and its reviewers, and the tender pages every participant shares (routes in
contracts/urls.py): the tender workspace, approval and publication, amendments and clarifications,
the bid opening and what the agency reads after it, the evaluation and the award, and the reviewer's
queue. As thin as the API: parse with a form, read through a selector, write through one service."""

from .awards import award, award_approve, award_cancel, award_reject
from .bids import bid_detail, bid_history, bid_list, comparison, opening, tender_open
from .evaluation import evaluation, evaluation_compute, evaluation_declare, evaluation_scores, results
from .exports import comparison_export, evaluation_export, schedule_export
from .notices import amendments, clarification_answer, clarifications, tender_amend
from .queue import reviewer_queue
from .workspace import (
    criterion_create,
    criterion_delete,
    history,
    tender_approve,
    tender_create,
    tender_detail,
    tender_edit,
    tender_list,
    tender_publish,
    tender_return,
    tender_submit,
)

__all__ = [
    "amendments",
    "award",
    "award_approve",
    "award_cancel",
    "award_reject",
    "bid_detail",
    "bid_history",
    "bid_list",
    "clarification_answer",
    "clarifications",
    "comparison",
    "comparison_export",
    "criterion_create",
    "criterion_delete",
    "evaluation",
    "evaluation_compute",
    "evaluation_declare",
    "evaluation_export",
    "evaluation_scores",
    "history",
    "opening",
    "results",
    "reviewer_queue",
    "schedule_export",
    "tender_amend",
    "tender_approve",
    "tender_create",
    "tender_detail",
    "tender_edit",
    "tender_list",
    "tender_open",
    "tender_publish",
    "tender_return",
    "tender_submit",
]
