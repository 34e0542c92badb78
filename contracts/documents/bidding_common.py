"""What the bidding document and the blank bid forms share: the template's titles, the fast tables,
dates read back from the stored inputs and quantities written the reader's way.

The part, chapter and form titles are the template's own (Circular 79/2025/TT-BTC; the same
structure as Circular 08/2022 before it). A Vietnamese document prints them as the template writes
them, because a bidder and an auditor look them up by those words; an English one prints its English
title with the template's under it, so that both editions can be matched clause by clause.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepTogether, LongTable, Paragraph, TableStyle

from ppp.documents import fonts
from ppp.documents.pdf import (
    FRAME_WIDTH,
    HEAD_FILL,
    INK,
    RULE,
    Document,
    day,
    moment,
    number,
    parse_date,
    parse_moment,
    text,
)

# key: (the template's Vietnamese title, the English title)
TITLES: dict[str, tuple[str, Any]] = {
    "document": ("Hồ sơ mời thầu", gettext_lazy("Bidding document")),
    "forms": ("Biểu mẫu dự thầu", gettext_lazy("Bid and price forms")),
    "part1": ("Phần 1. THỦ TỤC ĐẤU THẦU", gettext_lazy("Part 1. Bidding procedures")),
    "chapter1": ("Chương I. CHỈ DẪN NHÀ THẦU", gettext_lazy("Chapter I. Instructions to bidders")),
    "chapter2": ("Chương II. BẢNG DỮ LIỆU ĐẤU THẦU", gettext_lazy("Chapter II. Bid data sheet")),
    "chapter3": (
        "Chương III. TIÊU CHUẨN ĐÁNH GIÁ HỒ SƠ DỰ THẦU",
        gettext_lazy("Chapter III. Evaluation and qualification criteria"),
    ),
    "chapter4": ("Chương IV. BIỂU MẪU DỰ THẦU", gettext_lazy("Chapter IV. Bidding forms")),
    "part2": ("Phần 2. YÊU CẦU VỀ KỸ THUẬT", gettext_lazy("Part 2. Requirements")),
    "chapter5": (
        "Chương V. PHẠM VI CÔNG VIỆC VÀ YÊU CẦU VỀ KỸ THUẬT",
        gettext_lazy("Chapter V. Scope of work and technical requirements"),
    ),
    "part3": (
        "Phần 3. ĐIỀU KIỆN HỢP ĐỒNG VÀ BIỂU MẪU HỢP ĐỒNG",
        gettext_lazy("Part 3. Conditions of contract and contract forms"),
    ),
    "chapter6": (
        "Chương VI. ĐIỀU KIỆN CHUNG CỦA HỢP ĐỒNG",
        gettext_lazy("Chapter VI. General conditions of contract"),
    ),
    "chapter7": (
        "Chương VII. ĐIỀU KIỆN CỤ THỂ CỦA HỢP ĐỒNG",
        gettext_lazy("Chapter VII. Particular conditions of contract"),
    ),
    "chapter8": ("Chương VIII. BIỂU MẪU HỢP ĐỒNG", gettext_lazy("Chapter VIII. Contract forms")),
    "form_letter": ("Mẫu số 01. ĐƠN DỰ THẦU", gettext_lazy("Form 01. Bid letter")),
    "form_authorisation": ("Mẫu số 02. GIẤY ỦY QUYỀN", gettext_lazy("Form 02. Power of attorney")),
    "form_joint_venture": (
        "Mẫu số 03. THỎA THUẬN LIÊN DANH",
        gettext_lazy("Form 03. Joint venture agreement"),
    ),
    "form_security": ("Mẫu số 04. BẢO LÃNH DỰ THẦU", gettext_lazy("Form 04. Bid security (bank guarantee)")),
    "form_response": (
        "Mẫu số 05. BẢNG ĐÁP ỨNG TIÊU CHUẨN ĐÁNH GIÁ",
        gettext_lazy("Form 05. Response to the evaluation criteria"),
    ),
    "form_experience": (
        "Mẫu số 06. HỢP ĐỒNG TƯƠNG TỰ VÀ NĂNG LỰC TÀI CHÍNH",
        gettext_lazy("Form 06. Similar contracts and financial capacity"),
    ),
    "form_prices": ("Mẫu số 07. BẢNG GIÁ DỰ THẦU CHI TIẾT", gettext_lazy("Form 07. Detailed price form")),
    "form_summary": ("Mẫu số 08. BẢNG TỔNG HỢP GIÁ DỰ THẦU", gettext_lazy("Form 08. Price summary")),
    "form_contract": ("Mẫu số 09. HỢP ĐỒNG", gettext_lazy("Form 09. Contract agreement")),
    "form_performance": (
        "Mẫu số 10. BẢO LÃNH THỰC HIỆN HỢP ĐỒNG",
        gettext_lazy("Form 10. Performance security (bank guarantee)"),
    ),
    "form_advance": (
        "Mẫu số 11. BẢO LÃNH TIỀN TẠM ỨNG",
        gettext_lazy("Form 11. Advance payment guarantee"),
    ),
}

BLANK = "………………"
FONT_SIZE, LEADING, PADDING = 8.5, 10.5, 3
TOTAL_FILL = colors.HexColor("#f3f5f7")
REMEMBERED = 200_000  # strings whose width (or wrapping) is kept, per font


def vietnamese() -> bool:
    return (get_language() or "vi").startswith("vi")


def title_of(key: str) -> str:
    official, english = TITLES[key]
    return official if vietnamese() else str(english)


def part(doc: Document, key: str, *, new_page: bool = True) -> None:
    """A part or chapter heading; the English edition names the template's title under it."""
    if new_page:
        doc.page_break()
    doc.heading(title_of(key), 1)
    if not vietnamese():
        doc.paragraph(TITLES[key][0], "muted")


def form_heading(doc: Document, key: str, suffix: str = "") -> None:
    doc.heading(title_of(key) + suffix, 2)
    if not vietnamese():
        doc.paragraph(TITLES[key][0] + suffix, "muted")


def clauses(doc: Document, sections: Sequence[tuple[str, Sequence[tuple[str, Sequence[str]]]]]) -> None:
    """Numbered clauses under lettered sections: ("A. General", [("Scope", [sub-clauses]), ...]).
    The numbering runs through the sections (1, 2, ... and 1.1, 1.2 under each)."""
    s = doc.s
    count = 0
    for section, items in sections:
        opening: list[Flowable] = [Paragraph(text(section), s["h2"])]
        for name, paragraphs in items:
            count += 1
            lines = [
                Paragraph(text(f"{count}.{n}. {p}"), s["body"]) for n, p in enumerate(paragraphs, start=1)
            ]
            # A clause's heading stays with its first sub-clause (and a section's with its first clause).
            doc.story.append(KeepTogether([*opening, Paragraph(text(f"{count}. {name}"), s["h3"]), lines[0]]))
            doc.story.extend(lines[1:])
            opening = []


# --- values read back from the stored inputs ----------------------------------------------------------


def when(value: Any) -> str:
    return moment(parse_moment(value))


def on_day(value: Any) -> str:
    return day(parse_date(value))


def quantity(value: Any) -> str:
    """A quantity with as many decimals as it has (up to 4): 12, 2,5 (vi) or 2.5 (en)."""
    if value in (None, ""):
        return ""
    amount = Decimal(str(value)).normalize()
    places = min(max(-amount.as_tuple().exponent, 0), 4)  # type: ignore[operator]
    return number(amount, places)


def rate(value: Any) -> str:
    """A rate as a percentage with the decimals it needs: 0.01 -> 1%, 0.015 -> 1,5% (vi)."""
    if value in (None, ""):
        return "—"
    amount = (Decimal(str(value)) * 100).normalize()
    places = min(max(-amount.as_tuple().exponent, 0), 4)  # type: ignore[operator]
    return number(amount, places) + "%"


def signed() -> str:
    return _("(signature, full name, title and seal)")


def days(count: Any) -> str:
    return ngettext("%(days)s day", "%(days)s days", int(count)) % {"days": count}


# --- tables of plain strings ---------------------------------------------------------------------------


class _Widths:
    """String widths in one font and size, remembered: the same words come back in every row and
    every year's form, and reportlab measures them in pure Python (no string is kerned, so a line's
    width is the sum of its words' and spaces' widths)."""

    def __init__(self, font: str, size: float) -> None:
        self.font, self.size = font, size
        self.known: dict[str, float] = {}
        self.wrapped: dict[tuple[str, float], str] = {}

    def __call__(self, value: str) -> float:
        width = self.known.get(value)
        if width is None:
            if len(self.known) > REMEMBERED:  # a long-running process generates many documents
                self.known.clear()
            width = self.known[value] = stringWidth(value, self.font, self.size)
        return width

    def wrap(self, value: str, room: float) -> str:
        """The text broken into lines no wider than `room` (at spaces; a word too long for a line is
        broken after a hyphen, or else between letters), joined by newlines, which a table cell draws
        one under the other."""
        key = (value, room)
        done = self.wrapped.get(key)
        if done is None:
            if len(self.wrapped) > REMEMBERED:
                self.wrapped.clear()
            done = self.wrapped[key] = "\n".join(self._lines(value, room))
        return done

    def _lines(self, value: str, room: float) -> list[str]:
        lines: list[str] = []
        space = self(" ")
        for paragraph in value.split("\n"):
            if self(paragraph) <= room:
                lines.append(paragraph)
                continue
            line, width = "", 0.0
            for word in paragraph.split(" "):
                size = self(word)
                while size > room:  # a word longer than the column: break it between letters
                    cut = next((n for n in range(len(word), 0, -1) if self(word[:n]) <= room), 1)
                    hyphen = word.rfind("-", 0, cut)
                    cut = hyphen + 1 if hyphen > 0 else cut
                    if line:
                        lines.append(line)
                    lines.append(word[:cut])
                    line, width, word = "", 0.0, word[cut:]
                    size = self(word)
                if not word:
                    continue
                if line and width + space + size > room:
                    lines.append(line)
                    line, width = word, size
                elif line:
                    line, width = f"{line} {word}", width + space + size
                else:
                    line, width = word, size
            lines.append(line)
        return lines


_WIDTHS: dict[str, _Widths] = {}


def widths_of(font: str) -> _Widths:
    if font not in _WIDTHS:
        _WIDTHS[font] = _Widths(font, FONT_SIZE)
    return _WIDTHS[font]


class _Grid(LongTable):
    """A LongTable that does not draw its empty cells (the blank price forms are mostly empty cells,
    and reportlab would still measure and write an empty string for each)."""

    def _drawCell(self, cellval: Any, cellstyle: Any, pos: Any, size: Any) -> None:
        if cellval == "":
            return
        super()._drawCell(cellval, cellstyle, pos, size)


def grid(
    doc: Document,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    widths: Sequence[float],
    numeric: Iterable[int] = (),
    total_rows: int = 0,
) -> None:
    """A table as `Document.table` draws it (the header repeated on every page, rows split across
    pages, right-aligned numeric columns, the last `total_rows` bold), but of plain strings wrapped
    here to their column rather than Paragraphs: the price forms have tens of thousands of cells, and
    laying out a Paragraph costs a hundred times more than a string."""
    scale = FRAME_WIDTH / sum(widths)
    column_widths = [w * scale for w in widths]
    room = [w - 2 * PADDING - 0.5 for w in column_widths]
    right = set(numeric)
    bold, regular = widths_of(fonts.BOLD), widths_of(fonts.REGULAR)
    data: list[list[str]] = [[bold.wrap(str(h), room[i]) for i, h in enumerate(header)]]
    for row in rows:
        data.append(
            [regular.wrap(str(cell), room[i]) if cell not in (None, "") else "" for i, cell in enumerate(row)]
        )
    if total_rows:
        for row in data[-total_rows:]:
            row[:] = [bold.wrap(cell.replace("\n", " "), room[i]) for i, cell in enumerate(row)]
    table = _Grid(data, colWidths=column_widths, repeatRows=1, splitByRow=1)
    style: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR),
        ("FONTNAME", (0, 0), (-1, 0), fonts.BOLD),
        ("FONTSIZE", (0, 0), (-1, -1), FONT_SIZE),
        ("LEADING", (0, 0), (-1, -1), LEADING),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("BACKGROUND", (0, 0), (-1, 0), HEAD_FILL),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("GRID", (0, 0), (-1, -1), 0.3, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), PADDING), ("RIGHTPADDING", (0, 0), (-1, -1), PADDING),
    ]  # fmt: skip
    style += [("ALIGN", (index, 1), (index, -1), "RIGHT") for index in sorted(right)]
    if total_rows and len(data) > total_rows:
        style += [
            ("FONTNAME", (0, -total_rows), (-1, -1), fonts.BOLD),
            ("BACKGROUND", (0, -total_rows), (-1, -1), TOTAL_FILL),
        ]
    table.setStyle(TableStyle(style))
    doc.story.append(table)
    doc.spacer()


def chunks(values: Sequence[Any], size: int) -> list[Sequence[Any]]:
    return [values[start : start + size] for start in range(0, len(values), size)] or [values]


def param(inputs: dict[str, Any], rule: str, key: str, default: Any) -> Any:
    """A parameter of a rule set the document quotes, or the default when the rule book lacks it."""
    return inputs["rules"].get(rule, {}).get("parameters", {}).get(key, default)


def cite(inputs: dict[str, Any], rule: str) -> str:
    return str(inputs["rules"].get(rule, {}).get("cite", ""))
