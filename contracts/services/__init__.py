"""Every write and state transition of tendering (STYLE.md rule 2)."""

from .bids import (
    bid_answers_save,
    bid_attach,
    bid_create,
    bid_prices_save,
    bid_submit,
    bid_update,
    bid_withdraw,
    check_attachment,
)
from .opening import tender_open
from .tenders import (
    clarification_answer,
    clarification_ask,
    criterion_add,
    criterion_delete,
    tender_amend,
    tender_approve,
    tender_create,
    tender_publish,
    tender_return,
    tender_submit,
    tender_update,
)

__all__ = [
    "bid_answers_save",
    "bid_attach",
    "bid_create",
    "bid_prices_save",
    "bid_submit",
    "bid_update",
    "bid_withdraw",
    "check_attachment",
    "clarification_answer",
    "clarification_ask",
    "criterion_add",
    "criterion_delete",
    "tender_amend",
    "tender_approve",
    "tender_create",
    "tender_open",
    "tender_publish",
    "tender_return",
    "tender_submit",
    "tender_update",
]
