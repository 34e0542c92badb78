"""Pricing a bid: the fast grid (one row per schedule item, one cell per year that has a quantity,
saved all or nothing by services.bid_prices_save), and the XLSX price form to download and upload
(services.bid_prices_import: all or nothing, every error by sheet and cell).

Cells are named price-<item id>-<year index>; the service names its errors "prices.<code>[year]".
Amounts shown: quantity x unit price per line, without VAT; VAT at the tender's rate on the items it
applies to; the discount on the price including VAT. They are exact Decimal sums, rounded to the
currency's minor unit (half up) only when shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from contracts import services
from contracts.models import Bid, ScheduleItem
from contracts.spreadsheets import price_form
from costing.forms import shown_number, typed_number
from costing.views._common import language
from costing.views.files import _xlsx
from ppp.errors import DomainError, PermissionDenied
from ppp.money import CURRENCY_SYMBOLS, MINOR_UNITS

from ._common import bid_context, with_bid, years_of
from .forms import PriceFormUploadForm

CELL_ERROR = re.compile(r"^prices\.(.+)\[(\d+)\]$")
ROW_ERROR = re.compile(r"^prices\.(.+)$")


def _number(text: str) -> Decimal | None:
    """A typed or shown number (reader's separators) as Decimal; None when blank or not a number."""
    value = typed_number(text)
    if not value:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


@dataclass
class PriceCell:
    period: int
    year: int
    quantity: Decimal
    value: str  # as shown (saved) or as typed
    error: str | None = None

    @property
    def needs_price(self) -> bool:
        return self.quantity != 0

    @property
    def shown_quantity(self) -> str:
        return shown_number(self.quantity)


@dataclass
class PriceRow:
    item: ScheduleItem
    cells: list[PriceCell]
    priced: bool  # the bid holds prices for this item
    vat_rate: Decimal
    errors: list[str] = field(default_factory=list)

    @property
    def amount(self) -> Decimal | None:
        """Quantity x unit price summed over the years, without VAT; None while a year that has a
        quantity has no readable price."""
        total = Decimal(0)
        for cell in self.cells:
            if not cell.needs_price:
                continue
            price = _number(cell.value)
            if price is None or price < 0:
                return None
            total += cell.quantity * price
        return total

    @property
    def vat(self) -> Decimal | None:
        line = self.amount
        if line is None:
            return None
        return line * self.vat_rate if self.item.vat_applicable else Decimal(0)

    @property
    def amount_including_vat(self) -> Decimal | None:
        line, vat = self.amount, self.vat
        return None if line is None or vat is None else line + vat

    @property
    def messages(self) -> list[str]:
        return self.errors + [cell.error for cell in self.cells if cell.error]

    def cell_id(self, cell: PriceCell) -> str:
        return f"price-{self.item.pk}-{cell.period}"


@dataclass(frozen=True)
class Totals:
    excluding_vat: Decimal
    vat: Decimal
    including_vat: Decimal
    discount: Decimal
    after_discount: Decimal
    unpriced: int  # items left out of the totals: a year with a quantity has no readable price


def price_totals(rows: list[PriceRow], discount_rate: Decimal) -> Totals:
    excluding = vat = Decimal(0)
    unpriced = 0
    for row in rows:
        line, line_vat = row.amount, row.vat
        if line is None or line_vat is None:
            unpriced += 1
            continue
        excluding += line
        vat += line_vat
    including = excluding + vat
    discount = including * discount_rate
    return Totals(excluding, vat, including, discount, including - discount, unpriced)


def price_rows(bid: Bid, post: Any | None) -> list[PriceRow]:
    saved = {price.item_id: price.unit_prices for price in bid.prices.all()}
    years = years_of(bid.tender)
    vat_rate = Decimal(bid.tender.vat_rate)
    rows = []
    for item in bid.tender.items.order_by("position", "pk"):
        prices = saved.get(item.pk) or [None] * len(item.quantities)
        cells = []
        for period, quantity in enumerate(item.quantities):
            if post is not None:
                value = post.get(f"price-{item.pk}-{period}", "").strip()
            else:
                value = shown_number(prices[period]) if period < len(prices) else ""
            cells.append(
                PriceCell(period=period, year=years[period], quantity=Decimal(str(quantity)), value=value)
            )
        rows.append(PriceRow(item=item, cells=cells, priced=item.pk in saved, vat_rate=vat_rate))
    return rows


def _payload(rows: list[PriceRow]) -> dict[str, list[str | None]]:
    """The whole grid for the service: null where a year has no quantity. An item never priced and
    left blank is not sent, so that a bid can be priced a few items at a time."""
    prices: dict[str, list[str | None]] = {}
    for row in rows:
        typed = [cell.value for cell in row.cells if cell.needs_price]
        if typed and not any(typed) and not row.priced:
            continue
        prices[row.item.code] = [typed_number(cell.value) if cell.needs_price else None for cell in row.cells]
    return prices


def cell_problems(rows: list[PriceRow]) -> list[dict[str, str]]:
    """The errors placed in cells, in grid order, for the summary above the grid (each links to its
    cell)."""
    problems = []
    for row in rows:
        for message in row.errors:
            problems.append({"where": row.item.code, "message": message, "target": ""})
        for cell in row.cells:
            if cell.error:
                where = f"{row.item.code} · {cell.year}"
                problems.append({"where": where, "message": cell.error, "target": row.cell_id(cell)})
    return problems


def _place_errors(rows: list[PriceRow], error: DomainError) -> list[str]:
    """Put each "prices.<code>[year]" error in its cell, "prices.<code>" on its row; return the rest."""
    by_code = {row.item.code: row for row in rows}
    left = []
    for key, message in error.fields.items():
        cell_match, row_match = CELL_ERROR.match(key), ROW_ERROR.match(key)
        if cell_match and cell_match.group(1) in by_code:
            row = by_code[cell_match.group(1)]
            period = int(cell_match.group(2))
            if period < len(row.cells):
                row.cells[period].error = message
                continue
        if row_match and row_match.group(1) in by_code:
            by_code[row_match.group(1)].errors.append(message)
            continue
        left.append(f"{key}: {message}")
    return left


@with_bid
@require_http_methods(["GET", "POST"])
def bid_prices(request: HttpRequest, bid: Bid) -> HttpResponse:
    status = 200
    error: DomainError | None = None
    problems: list[str] = []
    if request.method == "POST":
        rows = price_rows(bid, request.POST)
        payload = _payload(rows)
        if not payload:
            messages.info(request, _("Nothing to save: no price was typed."))
            return redirect("contracts:bid_prices", bid_id=bid.pk)
        try:
            services.bid_prices_save(actor=request.user, bid=bid, prices=payload)  # type: ignore[arg-type]
        except PermissionDenied:
            raise
        except DomainError as caught:
            error, status = caught, caught.status_code
            problems = _place_errors(rows, caught)
        else:
            messages.success(
                request,
                ngettext("Prices of %(count)d item saved.", "Prices of %(count)d items saved.", len(payload))
                % {"count": len(payload)},
            )
            return redirect("contracts:bid_prices", bid_id=bid.pk)
    else:
        rows = price_rows(bid, None)
    tender = bid.tender
    context = bid_context(request, bid, "prices")
    context.update(
        {
            "rows": rows,
            "years": years_of(tender),
            "totals": price_totals(rows, Decimal(bid.discount_rate)),
            "vat_rate": Decimal(tender.vat_rate),
            # What the script needs to write amounts as the `amount` filter does.
            "currency_label": CURRENCY_SYMBOLS.get(tender.currency, tender.currency)
            if language() == "vi"
            else tender.currency,
            "places": MINOR_UNITS.get(tender.currency, 0),
            "error": error,
            "problems": problems,
            "cell_problems": cell_problems(rows) if error else [],
        }
    )
    return render(request, "contracts/vendor/bid_prices.html", context, status=status)


@with_bid
@require_GET
def bid_price_form(request: HttpRequest, bid: Bid) -> HttpResponse:
    """The price form as XLSX, pre-filled with the bid's saved prices, in the reader's language (or
    the one asked for)."""
    wanted = request.GET.get("language", "")
    chosen = wanted if wanted in ("vi", "en") else language()
    data = price_form(tender=bid.tender, bid=bid, language=chosen)
    name = slugify(bid.tender.reference) or "tender"
    return _xlsx(data, f"{name}-price-form-{chosen}.xlsx")


@with_bid
@require_http_methods(["GET", "POST"])
def bid_prices_upload(request: HttpRequest, bid: Bid) -> HttpResponse:
    form = PriceFormUploadForm(request.POST or None, request.FILES or None)
    status = 200
    error: DomainError | None = None
    problems: list[tuple[str, str]] = []
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                # Name, size and type are checked before a byte of the file is read.
                services.check_upload(
                    name=upload.name, size=upload.size, content_type=upload.content_type or ""
                )
                services.bid_prices_import(actor=request.user, bid=bid, data=upload.read())  # type: ignore[arg-type]
            except PermissionDenied:
                raise
            except DomainError as caught:
                error, status = caught, caught.status_code
                # By sheet and cell, in the order the workbook was read; the file's own fault sits
                # on the file field.
                problems = [(where, message) for where, message in caught.fields.items() if where != "file"]
                if "file" in caught.fields:
                    form.add_error("file", caught.fields["file"])
            else:
                messages.success(
                    request, _("Prices imported from %(name)s; check them below.") % {"name": upload.name}
                )
                return redirect("contracts:bid_prices", bid_id=bid.pk)
        else:
            status = 400
    context = bid_context(request, bid, "upload")
    context.update({"form": form, "error": error, "problems": problems})
    return render(request, "contracts/vendor/bid_prices_upload.html", context, status=status)
