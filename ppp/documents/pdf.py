"""An A4 document laid out with reportlab's platypus, the same way for every kind.

`Document(meta)` collects the story: the national heading on the first page where the document is an
official one (the issuer on the left, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM / Độc lập - Tự do - Hạnh
phúc" on the right, the place and date under it), headings, paragraphs, key-value facts, tables that
split across pages with their header repeated, amounts with their words, charts. `build()` returns
the PDF bytes: every page carries the title and reference at the top, and at the bottom the page x of
y, the generation time and the SHA-256 of the document's inputs.

Deterministic: reportlab's invariant mode fixes the creation date and the file id, the generation time
is the one given in `meta` (the record's), and the embedded font subsets depend only on the text, so
the same inputs give byte-identical files. Call it inside `translation.override(meta.language)`:
labels come from the catalogues and numbers are written the reader's way.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    LongTable,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)

from ppp import money as ppp_money

from . import fonts
from .words import amount_in_words

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 20 * mm, 22 * mm, 20 * mm
FRAME_WIDTH = PAGE_WIDTH - 2 * MARGIN_X
INK = colors.HexColor("#1b1f24")
MUTED = colors.HexColor("#5b6470")
RULE = colors.HexColor("#9aa4af")
HEAD_FILL = colors.HexColor("#e8eef5")
BRAND = colors.HexColor("#0b3760")
SERIES = [colors.HexColor("#0b5cad"), colors.HexColor("#c0392b"), colors.HexColor("#2e7d32")]


@dataclass(frozen=True)
class Meta:
    """What every page says about the document."""

    title: str
    reference: str
    language: str
    generated_at: dt.datetime
    input_hash: str
    issuer: str = ""  # the issuing organisation, for the national heading
    place: str = ""  # "Quảng Ninh": where it is issued, before the date
    national_heading: bool = True
    subject: str = ""


def styles() -> dict[str, ParagraphStyle]:
    base = fonts.register()
    bold = fonts.BOLD
    return {
        "body": ParagraphStyle("body", fontName=base, fontSize=10, leading=13.5, textColor=INK, spaceAfter=4),
        "small": ParagraphStyle("small", fontName=base, fontSize=8.5, leading=11, textColor=INK),
        "muted": ParagraphStyle("muted", fontName=base, fontSize=8.5, leading=11, textColor=MUTED),
        "cell": ParagraphStyle("cell", fontName=base, fontSize=8.5, leading=10.5, textColor=INK),
        "cell_right": ParagraphStyle(
            "cell_right", fontName=base, fontSize=8.5, leading=10.5, textColor=INK, alignment=TA_RIGHT
        ),
        "head_cell": ParagraphStyle("head_cell", fontName=bold, fontSize=8.5, leading=10.5, textColor=INK),
        "title": ParagraphStyle(
            "title", fontName=bold, fontSize=15, leading=19, alignment=TA_CENTER, spaceBefore=6, spaceAfter=4,
            textColor=INK,
        ),
        "subtitle": ParagraphStyle(
            "subtitle", fontName=fonts.ITALIC, fontSize=10.5, leading=14, alignment=TA_CENTER, spaceAfter=10,
        ),
        "h1": ParagraphStyle(
            "h1", fontName=bold, fontSize=12.5, leading=16, spaceBefore=10, spaceAfter=5, textColor=BRAND
        ),
        "h2": ParagraphStyle("h2", fontName=bold, fontSize=11, leading=14, spaceBefore=8, spaceAfter=4),
        "h3": ParagraphStyle("h3", fontName=fonts.BOLD_ITALIC, fontSize=10, leading=13, spaceBefore=6,
                             spaceAfter=3),
        "words": ParagraphStyle("words", fontName=fonts.ITALIC, fontSize=10, leading=13.5, spaceAfter=6),
        "heading_left": ParagraphStyle(
            "heading_left", fontName=bold, fontSize=10, leading=13, alignment=TA_CENTER
        ),
        "heading_right": ParagraphStyle(
            "heading_right", fontName=bold, fontSize=10, leading=13, alignment=TA_CENTER
        ),
        "date_line": ParagraphStyle(
            "date_line", fontName=fonts.ITALIC, fontSize=10, leading=13, alignment=TA_RIGHT, spaceBefore=4,
        ),
        "signature": ParagraphStyle("signature", fontName=bold, fontSize=10, leading=13, alignment=TA_CENTER),
        "left": ParagraphStyle("left", fontName=base, fontSize=10, leading=13, alignment=TA_LEFT),
    }  # fmt: skip


# --- numbers the reader's way ---------------------------------------------------------------------------


def number(value: Any, places: int = 0) -> str:
    if value is None or value == "":
        return "—"
    amount = Decimal(str(value)).quantize(Decimal(1).scaleb(-places))
    return formats.number_format(amount, decimal_pos=places, use_l10n=True, force_grouping=True)


def money(value: Any, currency: str = "VND") -> str:
    """3.041.920.000 ₫ (vi) or 3,041,920,000 VND (en), as the pages write it."""
    if value is None or value == "":
        return "—"
    return ppp_money.format_amount(Decimal(str(value)), currency, get_language() or "vi")


def percent(value: Any, places: int = 2) -> str:
    if value is None or value == "":
        return "—"
    return number(Decimal(str(value)) * 100, places) + "%"


def moment(value: dt.datetime | None) -> str:
    if value is None:
        return "—"
    return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


def day(value: dt.date | None) -> str:
    return "—" if value is None else formats.date_format(value, "SHORT_DATE_FORMAT")


def parse_date(value: Any) -> dt.date | None:
    """A date read back from a document's stored inputs (normalised to ISO text), or None."""
    if isinstance(value, str) and value:
        return dt.date.fromisoformat(value[:10])
    return value if isinstance(value, dt.date) else None


def parse_moment(value: Any) -> dt.datetime | None:
    """A moment read back from a document's stored inputs (ISO text with its offset), or None."""
    if isinstance(value, str) and value:
        return dt.datetime.fromisoformat(value)
    return value if isinstance(value, dt.datetime) else None


def text(value: Any) -> str:
    """Plain text made safe for a Paragraph (its markup is a small XML)."""
    return escape("" if value is None else str(value)).replace("\n", "<br/>")


# --- the page furniture -------------------------------------------------------------------------------


class _NumberedCanvas(Canvas):
    """Holds each page until the end so that the footer can say "page x of y"."""

    meta: Meta

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:  # reportlab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self._furniture(total)
            super().showPage()
        super().save()

    def _furniture(self, total: int) -> None:
        meta = self.meta
        self.saveState()
        self.setStrokeColor(RULE)
        self.setLineWidth(0.4)
        top = PAGE_HEIGHT - 12 * mm
        self.setFont(fonts.REGULAR, 7.5)
        self.setFillColor(MUTED)
        self.drawString(MARGIN_X, top, meta.title[:110])
        self.drawRightString(PAGE_WIDTH - MARGIN_X, top, meta.reference)
        self.line(MARGIN_X, top - 2 * mm, PAGE_WIDTH - MARGIN_X, top - 2 * mm)
        bottom = 12 * mm
        self.line(MARGIN_X, bottom + 3.5 * mm, PAGE_WIDTH - MARGIN_X, bottom + 3.5 * mm)
        self.drawString(MARGIN_X, bottom, _("Generated %(moment)s") % {"moment": moment(meta.generated_at)})
        self.drawRightString(
            PAGE_WIDTH - MARGIN_X,
            bottom,
            _("Page %(page)d of %(pages)d") % {"page": self._pageNumber, "pages": total},
        )
        self.setFont(fonts.REGULAR, 6.5)
        self.drawString(
            MARGIN_X, bottom - 3.5 * mm, _("SHA-256 of the inputs: %(hash)s") % {"hash": meta.input_hash}
        )
        self.restoreState()


def _canvas_for(meta: Meta) -> type[_NumberedCanvas]:
    return type("DocumentCanvas", (_NumberedCanvas,), {"meta": meta})


# --- the document -------------------------------------------------------------------------------------


class Document:
    """The story of one PDF, built flowable by flowable."""

    def __init__(self, meta: Meta) -> None:
        self.meta = meta
        self.s = styles()
        self.story: list[Flowable] = []

    # headings and text
    def national_heading(self) -> None:
        """The issuer and the national motto side by side, then the place and date."""
        meta, s = self.meta, self.s
        motto = _("SOCIALIST REPUBLIC OF VIET NAM")
        freedom = _("Independence - Freedom - Happiness")
        left = [
            Paragraph(text(meta.issuer.upper()), s["heading_left"]),
            Paragraph("______", s["heading_left"]),
        ]
        if meta.reference:
            left.append(Paragraph(text(_("No.: %(reference)s") % {"reference": meta.reference}), s["left"]))
        right = [
            Paragraph(text(motto), s["heading_right"]),
            Paragraph(f"<u>{text(freedom)}</u>", s["heading_right"]),
        ]
        table = LongTable([[left, right]], colWidths=[FRAME_WIDTH * 0.42, FRAME_WIDTH * 0.58])
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                   ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))  # fmt: skip
        self.story.append(table)
        when = timezone.localtime(meta.generated_at).date()
        if meta.language.startswith("vi"):
            date_line = f"{meta.place}, ngày {when.day:02d} tháng {when.month:02d} năm {when.year}"
        else:
            date_line = f"{meta.place}, {formats.date_format(when, 'j F Y')}"
        self.story.append(Paragraph(text(date_line.lstrip(", ")), s["date_line"]))

    def title(self, title: str, subtitle: str = "") -> None:
        self.story.append(
            Paragraph(text(title.upper() if self.meta.national_heading else title), self.s["title"])
        )
        if subtitle:
            self.story.append(Paragraph(text(subtitle), self.s["subtitle"]))

    def heading(self, value: str, level: int = 1) -> None:
        style = self.s[f"h{min(max(level, 1), 3)}"]
        if level == 1:
            self.story.append(CondPageBreak(40 * mm))
        self.story.append(Paragraph(text(value), style))

    def paragraph(self, value: str, style: str = "body") -> None:
        self.story.append(Paragraph(text(value), self.s[style]))

    def markup(self, value: str, style: str = "body") -> None:
        """A paragraph with reportlab's inline markup (<b>, <i>): only for text the code writes."""
        self.story.append(Paragraph(value, self.s[style]))

    def bullets(self, items: Iterable[str]) -> None:
        for item in items:
            self.story.append(Paragraph(text(item), self.s["body"], bulletText="•"))

    def spacer(self, height: float = 4 * mm) -> None:
        self.story.append(Spacer(1, height))

    def page_break(self) -> None:
        self.story.append(PageBreak())

    # figures
    def facts(self, rows: Sequence[tuple[str, Any]], label_share: float = 0.38) -> None:
        """Label / value pairs, two columns."""
        data = [
            [Paragraph(text(label), self.s["muted"]), Paragraph(text(value), self.s["cell"])]
            for label, value in rows
        ]
        if not data:
            return
        table = LongTable(data, colWidths=[FRAME_WIDTH * label_share, FRAME_WIDTH * (1 - label_share)])
        table.setStyle(TableStyle([
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ]))  # fmt: skip
        self.story.append(table)
        self.spacer(3 * mm)

    def table(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[Any]],
        *,
        widths: Sequence[float] | None = None,
        numeric: Iterable[int] = (),
        total_rows: int = 0,
    ) -> None:
        """A table whose header row repeats on every page it spans; `numeric` columns align right;
        the last `total_rows` rows are bold. Widths are shares of the frame (they are scaled to fit)."""
        s = self.s
        right = set(numeric)
        count = len(header)
        shares = list(widths) if widths else [1.0] * count
        scale = FRAME_WIDTH / sum(shares)
        data: list[list[Any]] = [[Paragraph(text(h), s["head_cell"]) for h in header]]
        for row in rows:
            data.append(
                [
                    Paragraph(text(cell), s["cell_right" if i in right else "cell"])
                    for i, cell in enumerate(row)
                ]
            )
        table = LongTable(data, colWidths=[w * scale for w in shares], repeatRows=1, splitByRow=1)
        style = [
            ("BACKGROUND", (0, 0), (-1, 0), HEAD_FILL),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("GRID", (0, 0), (-1, -1), 0.3, RULE),
            ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
            ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ]  # fmt: skip
        if total_rows:
            style.append(("BACKGROUND", (0, -total_rows), (-1, -1), colors.HexColor("#f3f5f7")))
        table.setStyle(TableStyle(style))
        if total_rows:
            for row in data[-total_rows:]:
                for cell in row:
                    cell.style = ParagraphStyle("bold_cell", parent=cell.style, fontName=fonts.BOLD)
        self.story.append(table)
        self.spacer(3 * mm)

    def amount(self, label: str, value: Any, currency: str = "VND") -> None:
        """The label and the amount in figures ("Tổng: 3.041.920.000 ₫"), then in words under it."""
        words = amount_in_words(value, currency, self.meta.language)
        self.story.append(
            KeepTogether([
                Paragraph(f"<b>{text(label)}:</b> {text(money(value, currency))}", self.s["body"]),
                Paragraph(text(_("In words: %(words)s.") % {"words": words}), self.s["words"]),
            ])
        )  # fmt: skip

    def signatures(self, left: tuple[str, str], right: tuple[str, str]) -> None:
        """Two signature blocks: (role, name) each, with room to sign."""
        s = self.s

        def block(role: str, name: str) -> list[Flowable]:
            return [Paragraph(text(role.upper()), s["signature"]), Spacer(1, 18 * mm),
                    Paragraph(text(name), s["signature"])]  # fmt: skip

        table = LongTable([[block(*left), block(*right)]], colWidths=[FRAME_WIDTH / 2] * 2)
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
        self.story.append(KeepTogether([Spacer(1, 6 * mm), table]))

    # charts
    def chart(self, drawing: Drawing, caption: str = "") -> None:
        parts: list[Flowable] = [drawing]
        if caption:
            parts.append(Paragraph(text(caption), self.s["muted"]))
        self.story.append(KeepTogether(parts))
        self.spacer(3 * mm)

    def build(self) -> bytes:
        buffer = io.BytesIO()
        meta = self.meta
        template = SimpleDocTemplate(
            buffer,
            pagesize=A4,
            leftMargin=MARGIN_X,
            rightMargin=MARGIN_X,
            topMargin=MARGIN_TOP,
            bottomMargin=MARGIN_BOTTOM,
            title=meta.title,
            author=meta.issuer,
            subject=meta.subject or meta.reference,
            creator="PPP & IT services",
            producer="PPP & IT services (reportlab)",
            invariant=1,
            lang="vi-VN" if meta.language.startswith("vi") else "en",
        )
        template.build(self.story, canvasmaker=_canvas_for(meta))
        return buffer.getvalue()


# --- charts drawn with reportlab's graphics ------------------------------------------------------------


def _axis_number(value: float) -> str:
    """An axis tick the reader's way: 66.000 (vi) or 66,000 (en); two decimals below 10."""
    return number(value, 0 if abs(value) >= 10 or float(value).is_integer() else 2)


def _axis_fonts(chart: Any) -> None:
    for axis in (chart.categoryAxis if hasattr(chart, "categoryAxis") else None, chart.valueAxis):
        if axis is not None:
            axis.labels.fontName = fonts.REGULAR
            axis.labels.fontSize = 7
    chart.valueAxis.labelTextFormat = _axis_number


def histogram(counts: Sequence[float], labels: Sequence[str], title: str, height: float = 60 * mm) -> Drawing:
    """Bars of counts per bin (the risk simulation's distribution of the PSC)."""
    fonts.register()
    drawing = Drawing(FRAME_WIDTH, height)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 30, 28, FRAME_WIDTH - 45, height - 45
    chart.data = [list(counts)]
    chart.categoryAxis.categoryNames = list(labels)
    chart.categoryAxis.labels.angle = 30
    chart.categoryAxis.labels.boxAnchor = "ne"
    chart.bars[0].fillColor = SERIES[0]
    chart.bars[0].strokeColor = None
    chart.valueAxis.valueMin = 0
    _axis_fonts(chart)
    drawing.add(chart)
    drawing.add(String(30, height - 10, title, fontName=fonts.BOLD, fontSize=8.5))
    return drawing


def line_chart(
    series: Sequence[Sequence[tuple[float, float]]], title: str, height: float = 60 * mm
) -> Drawing:
    """Lines through (x, y) points (the S-curve: cumulative probability against cost)."""
    fonts.register()
    drawing = Drawing(FRAME_WIDTH, height)
    chart = LinePlot()
    chart.x, chart.y, chart.width, chart.height = 45, 25, FRAME_WIDTH - 60, height - 42
    chart.data = [list(points) for points in series]
    for index in range(len(series)):
        chart.lines[index].strokeColor = SERIES[index % len(SERIES)]
        chart.lines[index].strokeWidth = 1.4
    chart.xValueAxis.labelTextFormat = chart.yValueAxis.labelTextFormat = _axis_number
    chart.xValueAxis.labels.fontName = chart.yValueAxis.labels.fontName = fonts.REGULAR
    chart.xValueAxis.labels.fontSize = chart.yValueAxis.labels.fontSize = 7
    drawing.add(chart)
    drawing.add(String(45, height - 10, title, fontName=fonts.BOLD, fontSize=8.5))
    return drawing


def tornado(rows: Sequence[tuple[str, float, float]], title: str, unit: str = "") -> Drawing:
    """The sensitivity tornado: for each input (label, change at its low value, change at its high
    value) a bar each side of the base, widest first, with the changes written at the bars' ends."""
    fonts.register()
    row_height, label_width, top = 16, 150, 22
    height = top + row_height * max(len(rows), 1) + 14
    drawing = Drawing(FRAME_WIDTH, height)
    drawing.add(String(0, height - 10, title, fontName=fonts.BOLD, fontSize=8.5))
    widest = max((max(abs(low), abs(high)) for _label, low, high in rows), default=0) or 1
    half = (FRAME_WIDTH - label_width - 70) / 2
    centre = label_width + 35 + half
    for index, (label, low, high) in enumerate(rows):
        y = height - top - (index + 1) * row_height + 4
        drawing.add(String(label_width - 4, y + 3, label[:42], fontName=fonts.REGULAR, fontSize=7.5,
                           textAnchor="end"))  # fmt: skip
        for value, colour in ((low, SERIES[0]), (high, SERIES[1])):
            width = half * value / widest
            drawing.add(Rect(centre + min(width, 0), y, abs(width), row_height - 5, fillColor=colour,
                             strokeColor=None))  # fmt: skip
            anchor = "start" if width >= 0 else "end"
            offset = 2 if width >= 0 else -2
            drawing.add(String(centre + width + offset, y + 3, f"{number(value, 1)}{unit}",
                               fontName=fonts.REGULAR, fontSize=7, textAnchor=anchor))  # fmt: skip
    drawing.add(Line(centre, 8, centre, height - top + 2, strokeColor=INK, strokeWidth=0.6))
    return drawing
