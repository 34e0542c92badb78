"""What the records of a tender share: who is on the agency's side, names as the reader reads them, and
dates and moments back from the ISO strings the stored inputs hold."""

from __future__ import annotations

from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext_lazy, ngettext

from contracts import permissions
from contracts.models import Tender
from ppp.documents.pdf import parse_moment
from ppp.templatetags.ppp_tags import local_name

__all__ = [
    "TITLES",
    "agency_side",
    "local_name",
    "person",
    "stamp",
    "title_of",
    "validity",
]

# The records' names as the Law on Bidding (22/2023/QH15) calls them: a Vietnamese document prints
# them in those words, which is how a bidder or an auditor looks a record up; an English one prints
# the English name. key: (the law's Vietnamese name, the English name)
TITLES: dict[str, tuple[str, Any]] = {
    "bid_receipt": ("Biên nhận hồ sơ dự thầu", gettext_lazy("Bid receipt")),
    "opening_record": ("Biên bản mở thầu", gettext_lazy("Opening record")),
    "evaluation_report": ("Báo cáo đánh giá hồ sơ dự thầu", gettext_lazy("Bid evaluation report")),
    "award_decision": ("Quyết định phê duyệt kết quả lựa chọn nhà thầu", gettext_lazy("Award decision")),
}


def title_of(key: str, language: str) -> str:
    vietnamese, english = TITLES[key]
    return vietnamese if language.startswith("vi") else str(english)


def agency_side(user: Any, tender: Tender) -> bool:
    """The agency's own people and its reviewing body's approvers."""
    return permissions.is_agency_member(user, tender) or permissions.is_reviewer_of(user, tender)


def person(user: Any) -> str:
    """The person's full name, or their username when they have given none."""
    if user is None:
        return ""
    return str(getattr(user, "full_name", "") or user.get_username())


def validity(days: Any) -> str:
    """ "90 days", as the opening page writes a bid's validity."""
    if not days:
        return "—"
    return ngettext("%(days)s day", "%(days)s days", int(days)) % {"days": days}


def stamp(value: Any, language: str) -> str:
    """A moment to the second with its UTC offset, the way the receipt page writes it:
    "14:05:09 03/12/2026 (UTC+07:00)" or "3 Dec 2026, 14:05:09 (UTC+07:00)"."""
    moment = parse_moment(value)
    if moment is None:
        return "—"
    local = timezone.localtime(moment)
    offset = local.strftime("%z")
    pattern = "H:i:s d/m/Y" if language.startswith("vi") else "j M Y, H:i:s"
    return f"{formats.date_format(local, pattern)} (UTC{offset[:3]}:{offset[3:]})"
