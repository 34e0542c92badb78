"""A vendor's own bid, from the first price to the receipt (routes in contracts/urls.py). As thin as
the API: parse with a form, read through a selector, write through one service, render."""

from .bid import bid_answers, bid_attachments, bid_edit, my_bid
from .prices import bid_price_form, bid_prices, bid_prices_upload
from .submission import bid_correction, bid_history, bid_receipt, bid_submit, bid_withdraw, clarification_ask

__all__ = [
    "bid_answers",
    "bid_attachments",
    "bid_correction",
    "bid_edit",
    "bid_history",
    "bid_price_form",
    "bid_prices",
    "bid_prices_upload",
    "bid_receipt",
    "bid_submit",
    "bid_withdraw",
    "clarification_ask",
    "my_bid",
]
