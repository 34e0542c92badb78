"""The tender's pricing schedule for the agency, with its estimate: one row per item with its unit,
VAT flag, the cost model option's unit cost (excl. VAT, before escalation), the quantity of each year,
the estimate of each year (unit cost x quantity, incl. VAT where it applies: the estimate the bid
comparison puts next to the bids) and its total; then the totals per year.

The unit costs are the agency's own figures, line by line: the caller has checked that the reader is
on the agency's side (vendors get the blank price form instead, contracts.spreadsheets.price_form).
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _

from contracts.models import Tender
from costing.models import CostLine

from ._layout import (
    RATE_FORMAT,
    amount_format,
    column_labels,
    header_block,
    language_of,
    new_workbook,
    number,
    put,
    quantity_format,
    save,
)

AMOUNT_WIDTH = 16


def schedule_workbook(*, tender: Tender, language: str = "vi") -> bytes:
    with translation.override(language_of(language)):
        items = list(tender.items.order_by("position", "pk"))
        unit_costs = {
            code: Decimal(cost)
            for code, cost in CostLine.objects.filter(option_id=tender.option_id).values_list(
                "code", "unit_cost"
            )
        }
        horizon = len(items[0].quantities) if items else 0
        years = [tender.cost_model.base_year + period for period in range(horizon)]
        vat = Decimal(tender.vat_rate)
        money = amount_format(tender.currency)
        workbook, sheet = new_workbook(_("Pricing schedule"))
        header = header_block(
            sheet,
            title=_("Pricing schedule"),
            tender=tender,
            facts=[
                (_("Agency"), tender.organisation.name, None),
                (_("Cost model"), f"{tender.cost_model.name} · {tender.option.name}", None),
                (_("Currency"), tender.currency, None),
                (_("VAT rate"), vat, RATE_FORMAT),
                (_("Package price"), number(tender.package_price), money),
            ],
            notes=[
                _(
                    "Unit costs are the cost model option's, excl. VAT and before escalation; the estimate "
                    "of a year is the unit cost times the quantity, incl. VAT where it applies."
                )
            ],
        )
        labels = [
            _("Code"), _("Item"), _("Unit"), _("VAT"), _("Unit cost"),
            *(f"{_('Quantity')} {year}" for year in years),
            *(f"{_('Estimate')} {year}" for year in years),
            f"{_('Estimate')} · {_('Total')}",
        ]  # fmt: skip
        widths = [12, 32, 12, 8, AMOUNT_WIDTH, *[12] * horizon, *[AMOUNT_WIDTH] * (horizon + 1)]
        column_labels(sheet, header, labels, widths)
        totals = [Decimal(0)] * horizon
        row = header + 1
        for item in items:
            factor = 1 + vat if item.vat_applicable else Decimal(1)
            quantities = [Decimal(str(quantity)) for quantity in item.quantities]
            unit_cost = unit_costs.get(item.code)
            vat_label = _("Yes") if item.vat_applicable else _("No")
            for column, value in enumerate((item.code, item.name, item.unit, vat_label), start=1):
                put(sheet, row, column, value)
            put(sheet, row, 5, unit_cost, money)
            for period, quantity in enumerate(quantities):
                put(sheet, row, 6 + period, quantity, quantity_format(quantity))
            if unit_cost is not None:  # an item the option does not price has no estimate
                estimates = [unit_cost * quantity * factor for quantity in quantities]
                for period, estimate in enumerate(estimates):
                    put(sheet, row, 6 + horizon + period, estimate, money)
                    totals[period] += estimate
                put(sheet, row, 6 + 2 * horizon, sum(estimates, Decimal(0)), money)
            row += 1
        put(sheet, row, 1, _("Total"), bold=True)
        for period, total in enumerate(totals):
            put(sheet, row, 6 + horizon + period, total, money, bold=True)
        put(sheet, row, 6 + 2 * horizon, sum(totals, Decimal(0)), money, bold=True)
        return save(workbook)
