"""The bidding document (hồ sơ mời thầu) laid out from the collected inputs only: the cover with its
contents, Part 1 (Chapter I instructions to bidders, Chapter II bid data sheet, Chapter III
evaluation criteria, Chapter IV bidding forms with the price forms per year), Part 2 (Chapter V scope
of work, the schedule's items and their quantities per year, technical requirements) and Part 3
(Chapters VI to VIII: general and particular conditions, contract forms)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph

from ppp.documents.pdf import Document, Meta, text

from .bidding_common import chunks, grid, part, quantity, rate, title_of, vietnamese, when
from .bidding_conditions import part_three
from .bidding_forms import chapter_four
from .bidding_instructions import chapter_one
from .bidding_sheet import chapter_three, chapter_two

CONTENTS = (
    ("part1", 0), ("chapter1", 1), ("chapter2", 1), ("chapter3", 1), ("chapter4", 1),
    ("part2", 0), ("chapter5", 1),
    ("part3", 0), ("chapter6", 1), ("chapter7", 1), ("chapter8", 1),
)  # fmt: skip
YEARS_PER_TABLE = 6


def _cover(doc: Document, inputs: dict[str, Any]) -> None:
    t = inputs["tender"]
    doc.national_heading()
    doc.title(title_of("document"), t["title"])
    doc.facts([
        (_("Tender"), inputs["reference"]),
        (_("Agency"), t["agency"]),
        (_("Procurement category"), t["category"]),
        (_("Domestic or international"), t["scope"]),
        (_("Evaluation method"), t["method_label"]),
        (_("Envelopes"), _("Two envelopes") if t["envelopes"] == 2 else _("One envelope")),
        (_("Tender version"), str(t["version"])),
        (_("Status"), t["status"]),
        (_("Publication"), when(t["publication_at"])),
        (_("Closing"), when(t["closing_at"])),
    ])  # fmt: skip
    doc.heading(_("Contents"), 2)
    indented = ParagraphStyle("contents", parent=doc.s["body"], leftIndent=8 * mm, spaceAfter=1)
    for key, level in CONTENTS:
        entry = text(title_of(key))
        line = Paragraph(entry, indented) if level else Paragraph(f"<b>{entry}</b>", doc.s["body"])
        doc.story.append(line)
    if not vietnamese():
        doc.paragraph(
            _("This is the English edition. The part and chapter titles of the template are given under "
              "each heading; where the editions differ, the Vietnamese one prevails."),
            "muted",
        )  # fmt: skip
    doc.signatures(("", ""), (_("For the agency"), t["agency"]))


def _quantity_tables(doc: Document, inputs: dict[str, Any]) -> None:
    years = inputs["years"]
    items = inputs["items"]
    for block in chunks(list(range(len(years))), YEARS_PER_TABLE):
        header = [_("Code"), _("Item"), _("Unit"), *[str(years[i]) for i in block]]
        rows = [
            [item["code"], item["name"], item["unit"],
             *[quantity(item["quantities"][i]) if i < len(item["quantities"]) else "" for i in block]]
            for item in items
        ]  # fmt: skip
        grid(
            doc,
            header,
            rows,
            widths=[16, 137 - 14 * len(block), 17, *([14] * len(block))],  # mm
            numeric=range(3, 3 + len(block)),
        )


def chapter_five(doc: Document, inputs: dict[str, Any]) -> None:
    t = inputs["tender"]
    part(doc, "chapter5", new_page=False)
    doc.heading(_("1. Scope of work"), 2)
    paragraphs = [p.strip() for p in (t["scope_of_work"] or "").split("\n\n") if p.strip()]
    for paragraph in paragraphs or [_("The scope of work is the pricing schedule below.")]:
        doc.paragraph(paragraph)
    doc.heading(_("2. Items of the pricing schedule"), 2)
    doc.paragraph(
        _("%(items)s items, priced per year over %(years)s years; VAT of %(vat)s applies where marked.")
        % {"items": len(inputs["items"]), "years": len(inputs["years"]), "vat": rate(t["vat_rate"])}
    )
    grid(
        doc,
        [_("No."), _("Code"), _("Item"), _("Category"), _("Unit"), _("VAT"), _("Description")],
        [[str(n), item["code"], item["name"], item["category"], item["unit"],
          _("Yes") if item["vat"] else _("No"), item["description"] or ""]
         for n, item in enumerate(inputs["items"], start=1)],
        widths=[8, 16, 38, 26, 17, 12, 53],  # mm
        numeric=[0],
    )  # fmt: skip
    doc.heading(_("3. Quantities per year"), 2)
    _quantity_tables(doc, inputs)
    doc.heading(_("4. Technical requirements"), 2)
    doc.paragraph(_("Besides the requirements and criteria of Chapter III, the Services meet the following:"))
    doc.bullets([
        _("availability, support hours and response times at the service levels of the contract, measured "
          "by the Contractor's monitoring and reported each period;"),
        _("information security at the level the Agency classifies the system at, with security audits "
          "before going live and yearly;"),
        _("data kept in Viet Nam, backed up daily, and restorable within the times of the service levels;"),
        _("open, documented interfaces to connect with the Agency's systems and the national data exchange "
          "platform;"),
        _("user documentation and training for the Agency's staff, in Vietnamese;"),
        _("a hand-over plan, kept current, for the end of the contract (Chapter VI)."),
    ])  # fmt: skip


def render_bidding_document(inputs: dict[str, Any], meta: Meta) -> bytes:
    doc = Document(meta)
    _cover(doc, inputs)
    part(doc, "part1")
    chapter_one(doc, inputs)
    chapter_two(doc, inputs)
    chapter_three(doc, inputs)
    part(doc, "chapter4")
    doc.paragraph(
        _("The bidder fills in and signs the forms below. The prices may also be entered in the workbook "
          "(XLSX) of the same price forms on the bidder's price page: %(link)s")
        % {"link": inputs["links"]["bid"]}
    )  # fmt: skip
    chapter_four(doc, inputs)
    part(doc, "part2")
    chapter_five(doc, inputs)
    part_three(doc, inputs)
    return doc.build()
