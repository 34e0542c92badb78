"""One settlement period's statement: valid volumes and gross collections -> refunds, gateway fees and
VAT out -> net revenue -> the provider's entitlement by mechanism -> floor top-up or cap claw-back ->
service credits -> annual band sharing -> the provider's and the state's shares -> adjustments of
earlier periods and the balance brought forward -> the net amount payable by or to the state.

Rounding (ROUND_HALF_UP to the minor unit, whole đồng for VND) happens once per line: each service's
gross collections, refunds, gateway fees and VAT, and each statement line. Everything else is an
exact sum of rounded figures. The provider's share is the sum of its rounded lines and the state's
share is net revenue minus the provider's share, so every rounding remainder stays with the state:
provider share + state share == net revenue exactly, and the same inputs give the same split.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

from .band import BandResult
from .common import (
    ADJUSTMENT,
    BALANCE,
    PROVIDER,
    SHARE,
    STATE,
    ZERO,
    Line,
    SettlementInputError,
    decimal_value,
    fraction_value,
    round_money,
    signed_line,
    total,
    whole_value,
)
from .entitlement import fixed_fee_line, floor_and_cap_lines, per_transaction_lines, tiered_share_lines
from .mechanisms import PaymentTerms, ServiceLevelTerms
from .performance import AvailabilityFailure, availability_lines, service_credit_lines

ROUNDING_RULE = (
    "each line rounded half up to the minor unit; the state's share is net revenue minus the provider's "
    "share, so rounding remainders stay with the state"
)
COLLECTIONS_HELD = "collections.held_by_provider"


@dataclass(frozen=True)
class ServiceActual:
    """Actual figures of one service in the period (several rows of one service are added up).

    `tariff` is the charge of one transaction excluding VAT (revenue_share.Tariff) and `vat_rate` the
    VAT on it as a fraction (0 for fees outside VAT); `refunds` are what was paid back, VAT included;
    `gateway_fees` what the payment gateways kept.
    """

    service: str
    valid_volume: int
    tariff: Decimal
    vat_rate: Decimal = ZERO
    refunds: Decimal = ZERO
    gateway_fees: Decimal = ZERO


@dataclass(frozen=True)
class ServiceRevenue:
    """One service at one tariff and VAT rate, each figure rounded half up: gross collections = volume
    x tariff x (1 + VAT rate) (what was collected, VAT included); VAT = (gross − refunds) x rate
    / (1 + rate) (the VAT in what was kept); net revenue = gross − refunds − gateway fees − VAT."""

    service: str
    tariff: Decimal
    vat_rate: Decimal
    valid_volume: int
    gross_collections: Decimal
    refunds: Decimal
    gateway_fees: Decimal
    vat: Decimal
    net_revenue: Decimal


@dataclass(frozen=True)
class NetRevenue:
    """The period's revenue for sharing (VAT excluded), by service and in total (exact sums)."""

    services: tuple[ServiceRevenue, ...]
    valid_volume: int
    gross_collections: Decimal
    refunds: Decimal
    gateway_fees: Decimal
    vat: Decimal
    net_revenue: Decimal

    def volume_by_service(self) -> dict[str, int]:
        volumes: dict[str, int] = {}
        for row in self.services:
            volumes[row.service] = volumes.get(row.service, 0) + row.valid_volume
        return volumes


def _checked_rows(actuals: Sequence[ServiceActual]) -> list[dict[str, object]]:
    rows = []
    for index, actual in enumerate(actuals):
        where = f"actuals[{index}]"
        if not actual.service:
            raise SettlementInputError(f"{where}.service", "is missing")
        rows.append(
            {
                "service": actual.service,
                "tariff": decimal_value(actual.tariff, f"{where}.tariff", minimum=0),
                "vat_rate": fraction_value(actual.vat_rate, f"{where}.vat_rate"),
                "valid_volume": whole_value(actual.valid_volume, f"{where}.valid_volume"),
                "refunds": decimal_value(actual.refunds, f"{where}.refunds", minimum=0),
                "gateway_fees": decimal_value(actual.gateway_fees, f"{where}.gateway_fees", minimum=0),
            }
        )
    return rows


def net_revenue(actuals: Sequence[ServiceActual], *, places: int = 0) -> NetRevenue:
    """Net revenue of the period: rows are summed per (service, tariff, VAT rate) with pandas (Decimal
    columns, exact), then each group's figures are rounded and its net revenue formed."""
    rows = _checked_rows(actuals)
    services: list[ServiceRevenue] = []
    if rows:
        frame = pd.DataFrame(rows).astype({"tariff": object, "vat_rate": object})
        grouped = frame.groupby(["service", "tariff", "vat_rate"], sort=True, as_index=False).agg(
            valid_volume=("valid_volume", "sum"),
            refunds=("refunds", "sum"),
            gateway_fees=("gateway_fees", "sum"),
        )
        for row in grouped.itertuples(index=False):
            tariff, rate, volume = Decimal(row.tariff), Decimal(row.vat_rate), int(row.valid_volume)
            gross = round_money(volume * tariff * (1 + rate), places)
            refunds = round_money(Decimal(row.refunds), places)
            fees = round_money(Decimal(row.gateway_fees), places)
            vat = round_money((gross - refunds) * rate / (1 + rate), places)
            services.append(
                ServiceRevenue(
                    service=str(row.service),
                    tariff=tariff,
                    vat_rate=rate,
                    valid_volume=volume,
                    gross_collections=gross,
                    refunds=refunds,
                    gateway_fees=fees,
                    vat=vat,
                    net_revenue=gross - refunds - fees - vat,
                )
            )
    return NetRevenue(
        services=tuple(services),
        valid_volume=sum(s.valid_volume for s in services),
        gross_collections=sum((s.gross_collections for s in services), ZERO),
        refunds=sum((s.refunds for s in services), ZERO),
        gateway_fees=sum((s.gateway_fees for s in services), ZERO),
        vat=sum((s.vat for s in services), ZERO),
        net_revenue=sum((s.net_revenue for s in services), ZERO),
    )


@dataclass(frozen=True)
class SettlementInput:
    """Everything one period's statement is computed from (stored as the statement's input snapshot).

    `months` is the period's length; `years_since_start` the whole contract years before it (the
    fixed fee's indexation); `kpi_results` (code, actual) of the KPIs measured in it; `failures` its
    availability failures and `total_weighting` the sum of all areas' weightings; `band` the year's
    band sharing, on the statement that settles the year; `adjustments` corrections of locked periods
    (adjustment_lines); `brought_forward` the balance from the statement before (+ owed to the
    provider); `collected_by` who holds the collections ("state" or "provider").
    """

    period: str
    actuals: tuple[ServiceActual, ...]
    months: int = 1
    years_since_start: int = 0
    service_levels: tuple[ServiceLevelTerms, ...] = ()
    kpi_results: tuple[tuple[str, Decimal], ...] = ()
    failures: tuple[AvailabilityFailure, ...] = ()
    total_weighting: Decimal = Decimal(1)
    band: BandResult | None = None
    adjustments: tuple[Line, ...] = ()
    brought_forward: Decimal = ZERO
    collected_by: str = STATE
    currency: str = "VND"
    places: int = 0


@dataclass(frozen=True)
class Statement:
    """A period's settlement statement. Every amount is rounded to the minor unit.

    entitlement: the revenue mechanisms' lines (fees, tiered share, fixed fee, availability net of
    deductions); period_charge: after the floor top-up or cap claw-back, the base of service credits;
    provider_share: all share lines (+ to the provider); state_share = net revenue − provider_share;
    net_payable_by_state = provider_share − collections held by the provider + adjustments
    + brought forward: above 0 the state pays the provider, below 0 the provider pays the state.
    """

    period: str
    currency: str
    collected_by: str
    revenue: NetRevenue
    lines: tuple[Line, ...]
    entitlement: Decimal
    period_charge: Decimal
    provider_share: Decimal
    state_share: Decimal
    collections_held_by_provider: Decimal
    adjustments: Decimal
    brought_forward: Decimal
    net_payable_by_state: Decimal
    places: int = 0
    rounding: str = ROUNDING_RULE

    @property
    def payer(self) -> str:
        """Who pays the net amount: "state", "provider", or "" when nothing is owed."""
        if self.net_payable_by_state > 0:
            return STATE
        return PROVIDER if self.net_payable_by_state < 0 else ""

    def lines_of(self, key: str) -> tuple[Line, ...]:
        return tuple(line for line in self.lines if line.key == key)


def _share_lines(
    inputs: SettlementInput, terms: PaymentTerms, revenue: NetRevenue
) -> tuple[list[Line], Decimal, Decimal]:
    places = inputs.places
    lines: list[Line] = []
    if terms.per_transaction:
        lines += per_transaction_lines(terms.per_transaction, revenue.volume_by_service(), places=places)
    if terms.tiered_share:
        lines += tiered_share_lines(
            terms.tiered_share,
            net_revenue=revenue.net_revenue,
            valid_volume=revenue.valid_volume,
            places=places,
        )
    if terms.fixed_fee:
        lines.append(
            fixed_fee_line(
                terms.fixed_fee,
                months=inputs.months,
                years_since_start=inputs.years_since_start,
                places=places,
            )
        )
    if terms.availability:
        lines += availability_lines(
            terms.availability,
            inputs.failures,
            total_weighting=inputs.total_weighting,
            months=inputs.months,
            places=places,
        )
    elif inputs.failures:
        raise SettlementInputError("failures", "the contract has no availability payment to deduct from")
    entitlement = total(lines)
    lines += floor_and_cap_lines(entitlement, floor=terms.floor, cap=terms.cap, places=places)
    period_charge = total(lines)
    if terms.service_credits:
        lines += service_credit_lines(
            terms.service_credits,
            inputs.service_levels,
            dict(inputs.kpi_results),
            period_charge=period_charge,
            places=places,
        )
    if inputs.band is not None:
        if terms.revenue_band is None:
            raise SettlementInputError("band", "the contract has no revenue band sharing")
        if inputs.band.line is not None:
            lines.append(inputs.band.line)
    return lines, entitlement, period_charge


def settle(inputs: SettlementInput, terms: PaymentTerms) -> Statement:
    """The statement of one settlement period under the contract's payment terms."""
    if inputs.months not in (1, 3, 12):
        raise SettlementInputError("months", "a settlement period is 1, 3 or 12 months")
    if inputs.collected_by not in (STATE, PROVIDER):
        raise SettlementInputError("collected_by", "must be state or provider")
    codes = [code for code, _actual in inputs.kpi_results]
    if len(set(codes)) != len(codes):
        raise SettlementInputError("kpi_results", "give each KPI's result once")
    revenue = net_revenue(inputs.actuals, places=inputs.places)
    lines, entitlement, period_charge = _share_lines(inputs, terms, revenue)
    provider_share = total(lines)
    for index, line in enumerate(inputs.adjustments):
        if line.section != ADJUSTMENT:
            raise SettlementInputError(f"adjustments[{index}]", "is not an adjustment line")
    lines += inputs.adjustments
    brought_forward = round_money(inputs.brought_forward, inputs.places)
    if brought_forward:
        lines.append(
            signed_line(
                "balance.brought_forward",
                brought_forward,
                rule="the balance of the statement before",
                inputs={"brought_forward": brought_forward},
                places=inputs.places,
                section=BALANCE,
            )
        )
    held = revenue.net_revenue if inputs.collected_by == PROVIDER else ZERO
    adjustments = total(lines, ADJUSTMENT)
    return Statement(
        period=inputs.period,
        currency=inputs.currency,
        collected_by=inputs.collected_by,
        revenue=revenue,
        lines=tuple(lines),
        entitlement=entitlement,
        period_charge=period_charge,
        provider_share=provider_share,
        state_share=revenue.net_revenue - provider_share,
        collections_held_by_provider=held,
        adjustments=adjustments,
        brought_forward=brought_forward,
        net_payable_by_state=provider_share - held + adjustments + brought_forward,
        places=inputs.places,
    )


def _signed_by_identity(statement: Statement) -> dict[tuple[str, str, str], Decimal]:
    figures: dict[tuple[str, str, str], Decimal] = {}
    for line in statement.lines:
        figures[line.identity] = figures.get(line.identity, ZERO) + line.signed
    # Collections the provider holds reduce what the state owes it; a change in them is corrected too.
    figures[(SHARE, COLLECTIONS_HELD, "")] = -statement.collections_held_by_provider
    return figures


def adjustment_lines(locked: Statement, recomputed: Statement) -> tuple[Line, ...]:
    """A correction of a locked period as adjustment lines for a later period: for each line (by
    section, key and reference) and for the collections held by the provider, recomputed − locked,
    when not zero. Their signed sum is recomputed.net_payable_by_state − locked.net_payable_by_state.
    The inputs give both figures signed towards the provider (`locked_to_provider`,
    `recomputed_to_provider`: a line to the state counts negative), so their difference is the
    adjustment's signed amount."""
    if (locked.period, locked.currency, locked.places) != (
        recomputed.period,
        recomputed.currency,
        recomputed.places,
    ):
        raise SettlementInputError(
            "recomputed", "must be the same period, currency and minor unit as the locked statement"
        )
    before = _signed_by_identity(locked)
    after = _signed_by_identity(recomputed)
    identities = list(before) + [identity for identity in after if identity not in before]
    lines = []
    for identity in identities:
        section, key, reference = identity
        old, new = before.get(identity, ZERO), after.get(identity, ZERO)
        if new == old:
            continue
        lines.append(
            signed_line(
                f"adjustment.{key}",
                new - old,
                rule="recomputed − locked",
                inputs={
                    "period": locked.period,
                    "section": section,
                    "locked_to_provider": old,
                    "recomputed_to_provider": new,
                },
                places=recomputed.places,
                reference=f"{locked.period}/{reference}" if reference else locked.period,
                section=ADJUSTMENT,
            )
        )
    return tuple(lines)
