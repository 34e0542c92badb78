"""A contract's payment mechanism read into typed terms.

`PaymentMechanism.parameters` (contracts.services.contracting `_clean_mechanism`) is JSON with
amounts and fractions as decimal strings; `parse_payment_terms` turns a contract's mechanisms into
one frozen `PaymentTerms`, raising SettlementInputError (a ValueError) that names the parameter,
e.g. "per_transaction.fees.BR01: is missing" or "tiered_share.tiers: must be a list of bands".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .common import SettlementInputError, decimal_value, fraction_value, whole_value

FIXED_FEE = "fixed_fee"
PER_TRANSACTION = "per_transaction"
TIERED_SHARE = "tiered_share"
AVAILABILITY = "availability"
SERVICE_CREDITS = "service_credits"
MINIMUM_GUARANTEE = "minimum_guarantee"
REVENUE_CAP = "revenue_cap"
REVENUE_BAND = "revenue_band"
KINDS = (
    FIXED_FEE,
    PER_TRANSACTION,
    TIERED_SHARE,
    AVAILABILITY,
    SERVICE_CREDITS,
    MINIMUM_GUARANTEE,
    REVENUE_CAP,
    REVENUE_BAND,
)

PERIOD_MONTHS = {"monthly": 1, "quarterly": 3, "annual": 12}
SERVICE_CREDIT = "service_credit"
DEDUCTION = "deduction"


@dataclass(frozen=True)
class FixedFeeTerms:
    """`fee_per_period` per `period` (monthly, quarterly, annual), raised by `indexation_rate` a year."""

    fee_per_period: Decimal
    period: str
    indexation_rate: Decimal

    @property
    def period_months(self) -> int:
        return PERIOD_MONTHS[self.period]


@dataclass(frozen=True)
class PerTransactionTerms:
    """A fee per valid transaction of each service, ordered by service code."""

    fees: tuple[tuple[str, Decimal], ...]

    def fee_for(self, service: str) -> Decimal | None:
        return dict(self.fees).get(service)


@dataclass(frozen=True)
class Tier:
    """A band [lower, upper) of the basis (upper None: no upper end) and the provider's share in it."""

    lower: Decimal
    upper: Decimal | None
    share: Decimal


@dataclass(frozen=True)
class TieredShareTerms:
    """The provider's share by marginal bands of the period's net revenue or valid volume."""

    basis: str  # "revenue" | "volume"
    tiers: tuple[Tier, ...]


@dataclass(frozen=True)
class AvailabilityTerms:
    annual_payment: Decimal
    periods_per_year: int  # measurement periods a year (365 for days, 8,760 for hours)
    still_used_factor: Decimal  # the part of a full deduction when the failed area is still used
    total_weighting: Decimal = Decimal(1)  # the sum of all areas' weightings (> 0)


@dataclass(frozen=True)
class ServiceCreditTerms:
    method: str  # "shortfall_share" | "rate_per_point"
    cap_share: Decimal  # credits are capped at this share of the period charge
    rate_per_point: Decimal | None  # share of the period charge per point below target


@dataclass(frozen=True)
class FloorAndCap:
    """A floor (the state tops the provider's entitlement up to it) and a cap (claw-back above it),
    amounts per settlement period; either may be None."""

    floor: Decimal | None
    cap: Decimal | None


@dataclass(frozen=True)
class RevenueBandTerms:
    """PPP Law 64/2020 Art. 82 sharing against the financial plan; thresholds are shares of the plan."""

    upper_threshold: Decimal
    lower_threshold: Decimal
    share: Decimal
    share_basis: str  # "threshold": the gap from the threshold; "plan": the gap from the plan
    downside: bool  # the state shares a shortfall (BOT, BTO, BOO contracts only)
    rule: str  # the rule book's citation


@dataclass(frozen=True)
class PaymentTerms:
    fixed_fee: FixedFeeTerms | None = None
    per_transaction: PerTransactionTerms | None = None
    tiered_share: TieredShareTerms | None = None
    availability: AvailabilityTerms | None = None
    service_credits: ServiceCreditTerms | None = None
    minimum_guarantee: FloorAndCap | None = None
    revenue_cap: FloorAndCap | None = None
    revenue_band: RevenueBandTerms | None = None

    @property
    def floor(self) -> Decimal | None:
        """The highest floor either mechanism sets."""
        floors = [t.floor for t in (self.minimum_guarantee, self.revenue_cap) if t and t.floor is not None]
        return max(floors) if floors else None

    @property
    def cap(self) -> Decimal | None:
        """The lowest cap either mechanism sets."""
        caps = [t.cap for t in (self.minimum_guarantee, self.revenue_cap) if t and t.cap is not None]
        return min(caps) if caps else None


@dataclass(frozen=True)
class ServiceLevelTerms:
    """A KPI (contracts.ServiceLevel): the target in `unit` (higher is better) and what a miss costs:
    rule_kind "service_credit" (a credit against the period charge; `rule_rate` is the KPI's own share
    per point below target) or "deduction" (an availability failure; `rule_rate` is its weighting)."""

    code: str
    target: Decimal
    unit: str
    rule_kind: str
    rule_rate: Decimal


def _amount(parameters: Mapping[str, Any], kind: str, name: str) -> Decimal:
    return decimal_value(parameters.get(name), f"{kind}.{name}", minimum=0)


def _optional_amount(parameters: Mapping[str, Any], kind: str, name: str) -> Decimal | None:
    return None if parameters.get(name) is None else _amount(parameters, kind, name)


def _fixed_fee(p: Mapping[str, Any]) -> FixedFeeTerms:
    period = p.get("period")
    if period not in PERIOD_MONTHS:
        raise SettlementInputError("fixed_fee.period", "must be monthly, quarterly or annual")
    return FixedFeeTerms(
        fee_per_period=_amount(p, FIXED_FEE, "fee_per_period"),
        period=period,
        indexation_rate=fraction_value(p.get("indexation_rate", "0"), "fixed_fee.indexation_rate"),
    )


def _per_transaction(p: Mapping[str, Any]) -> PerTransactionTerms:
    fees = p.get("fees")
    if not isinstance(fees, Mapping) or not fees:
        raise SettlementInputError("per_transaction.fees", "must map at least one service to its fee")
    return PerTransactionTerms(
        fees=tuple(
            (str(service), decimal_value(fee, f"per_transaction.fees.{service}", minimum=0))
            for service, fee in sorted(fees.items(), key=lambda item: str(item[0]))
        )
    )


def _tiers(value: Any) -> tuple[Tier, ...]:
    """Ordered, touching bands starting at 0, only the last one open-ended (as the contracts app saves)."""
    if not isinstance(value, list) or not value:
        raise SettlementInputError("tiered_share.tiers", "must be a list of bands {from, to, share}")
    tiers: list[Tier] = []
    expected_lower: Decimal | None = Decimal(0)
    for index, band in enumerate(value):
        where = f"tiered_share.tiers[{index}]"
        if not isinstance(band, Mapping):
            raise SettlementInputError(where, "must be an object with from, to and share")
        lower = decimal_value(band.get("from"), f"{where}.from", minimum=0)
        upper_value = band.get("to")
        upper = None if upper_value is None else decimal_value(upper_value, f"{where}.to", minimum=0)
        share = fraction_value(band.get("share"), f"{where}.share")
        if expected_lower is None:
            raise SettlementInputError(f"{where}.from", "the band before it has no upper end")
        if lower != expected_lower:
            raise SettlementInputError(
                f"{where}.from", f"must be {expected_lower}, where the band before ends"
            )
        if upper is not None and upper <= lower:
            raise SettlementInputError(f"{where}.to", "must be above the band's start")
        tiers.append(Tier(lower=lower, upper=upper, share=share))
        expected_lower = upper
    return tuple(tiers)


def _tiered_share(p: Mapping[str, Any]) -> TieredShareTerms:
    basis = p.get("basis", "revenue")
    if basis not in ("revenue", "volume"):
        raise SettlementInputError("tiered_share.basis", "must be revenue or volume")
    return TieredShareTerms(basis=basis, tiers=_tiers(p.get("tiers")))


def _availability(p: Mapping[str, Any]) -> AvailabilityTerms:
    return AvailabilityTerms(
        annual_payment=_amount(p, AVAILABILITY, "annual_payment"),
        periods_per_year=whole_value(p.get("periods_per_year"), "availability.periods_per_year", minimum=1),
        still_used_factor=fraction_value(p.get("still_used_factor", "0.5"), "availability.still_used_factor"),
        total_weighting=_total_weighting(p.get("total_weighting")),
    )


def _total_weighting(value: Any) -> Decimal:
    """The sum of all areas' weightings: above 0 (1 when the contract does not give it)."""
    if value is None or value == "":
        return Decimal(1)
    number = decimal_value(value, "availability.total_weighting", minimum=0)
    if number <= 0:
        raise SettlementInputError("availability.total_weighting", "must be greater than 0")
    return number


def _service_credits(p: Mapping[str, Any]) -> ServiceCreditTerms:
    method = p.get("method", "shortfall_share")
    if method not in ("shortfall_share", "rate_per_point"):
        raise SettlementInputError("service_credits.method", "must be shortfall_share or rate_per_point")
    rate = None
    if method == "rate_per_point":
        rate = fraction_value(p.get("rate_per_point"), "service_credits.rate_per_point")
    return ServiceCreditTerms(
        method=method,
        cap_share=fraction_value(p.get("cap_share"), "service_credits.cap_share"),
        rate_per_point=rate,
    )


def _floor_and_cap(p: Mapping[str, Any], kind: str) -> FloorAndCap:
    floor = _amount(p, kind, "floor") if kind == MINIMUM_GUARANTEE else _optional_amount(p, kind, "floor")
    cap = _amount(p, kind, "cap") if kind == REVENUE_CAP else _optional_amount(p, kind, "cap")
    if floor is not None and cap is not None and floor >= cap:
        raise SettlementInputError(f"{kind}.floor", "must be below the cap")
    return FloorAndCap(floor=floor, cap=cap)


def _revenue_band(p: Mapping[str, Any]) -> RevenueBandTerms:
    upper = decimal_value(p.get("upper_threshold"), "revenue_band.upper_threshold", minimum=1, maximum=2)
    lower = fraction_value(p.get("lower_threshold"), "revenue_band.lower_threshold")
    basis = p.get("share_basis")
    if basis not in ("threshold", "plan"):
        raise SettlementInputError("revenue_band.share_basis", "must be threshold or plan")
    downside = p.get("downside")
    if not isinstance(downside, bool):
        raise SettlementInputError("revenue_band.downside", "must be true or false")
    return RevenueBandTerms(
        upper_threshold=upper,
        lower_threshold=lower,
        share=fraction_value(p.get("share"), "revenue_band.share"),
        share_basis=basis,
        downside=downside,
        rule=str(p.get("rule") or ""),
    )


_PARSERS = {
    FIXED_FEE: _fixed_fee,
    PER_TRANSACTION: _per_transaction,
    TIERED_SHARE: _tiered_share,
    AVAILABILITY: _availability,
    SERVICE_CREDITS: _service_credits,
    REVENUE_BAND: _revenue_band,
}


def parse_mechanism(kind: str, parameters: Any) -> Any:
    """The terms of one mechanism from its stored parameters."""
    if kind not in KINDS:
        raise SettlementInputError("kind", f"not a payment mechanism: {kind!r}")
    if not isinstance(parameters, Mapping):
        raise SettlementInputError(f"{kind}.parameters", "must be an object")
    if kind in (MINIMUM_GUARANTEE, REVENUE_CAP):
        return _floor_and_cap(parameters, kind)
    return _PARSERS[kind](parameters)


def parse_payment_terms(mechanisms: Iterable[tuple[str, Any]]) -> PaymentTerms:
    """A contract's mechanisms, [(kind, parameters)], each kind at most once, as one PaymentTerms."""
    parsed: dict[str, Any] = {}
    for kind, parameters in mechanisms:
        if kind in parsed:
            raise SettlementInputError("kind", f"each mechanism once: {kind} appears twice")
        parsed[kind] = parse_mechanism(kind, parameters)
    terms = PaymentTerms(**parsed)
    if terms.floor is not None and terms.cap is not None and terms.floor >= terms.cap:
        raise SettlementInputError("minimum_guarantee.floor", "must be below the revenue cap")
    return terms


def parse_service_level(code: str, target: Any, unit: str, rule: Any) -> ServiceLevelTerms:
    """A KPI from contracts.ServiceLevel's code, target, unit and rule {kind, rate}."""
    if not isinstance(rule, Mapping) or rule.get("kind") not in (SERVICE_CREDIT, DEDUCTION):
        raise SettlementInputError(f"service_levels.{code}.rule.kind", "must be service_credit or deduction")
    return ServiceLevelTerms(
        code=code,
        target=decimal_value(target, f"service_levels.{code}.target", minimum=0),
        unit=unit or "%",
        rule_kind=rule["kind"],
        rule_rate=fraction_value(rule.get("rate", "0"), f"service_levels.{code}.rule.rate"),
    )
