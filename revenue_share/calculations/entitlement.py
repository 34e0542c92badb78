"""The provider's entitlement for one settlement period from the revenue mechanisms: per-transaction
fees, the tiered share, the indexed fixed fee, and the floor (guarantee top-up) and cap (claw-back).

Each function returns statement lines; every line is rounded half up to the minor unit on its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from .common import PROVIDER, STATE, ZERO, Line, SettlementInputError, make_line
from .mechanisms import FixedFeeTerms, PerTransactionTerms, Tier, TieredShareTerms


def per_transaction_lines(
    terms: PerTransactionTerms, volumes: Mapping[str, int], *, places: int = 0
) -> tuple[Line, ...]:
    """One line per service with valid volume: volume x fee, payable to the provider.

    A service with valid volume and no fee in the mechanism is an error (a missing fee, never a
    silent zero); a fee of "0" is a fee.
    """
    lines = []
    for service in sorted(volumes):
        volume = volumes[service]
        fee = terms.fee_for(service)
        if fee is None:
            raise SettlementInputError(
                f"per_transaction.fees.{service}", f"is missing: service {service} has valid volume"
            )
        lines.append(
            make_line(
                "per_transaction.fee",
                PROVIDER,
                volume * fee,
                rule="valid volume × fee per transaction",
                inputs={"service": service, "valid_volume": volume, "fee": fee},
                places=places,
                reference=service,
            )
        )
    return tuple(lines)


def marginal_parts(tiers: tuple[Tier, ...], base: Decimal) -> tuple[Decimal, ...]:
    """The part of `base` within each band [lower, upper): a base exactly at a band's upper edge fills
    that band and leaves nothing in the next; a negative base has no part in any band."""
    parts = []
    for tier in tiers:
        top = base if tier.upper is None else min(base, tier.upper)
        parts.append(max(top - tier.lower, ZERO))
    return tuple(parts)


def tiered_share_lines(
    terms: TieredShareTerms, *, net_revenue: Decimal, valid_volume: int, places: int = 0
) -> tuple[Line, ...]:
    """One line per band, payable to the provider (marginal bands: each share applies to the part in it).

    basis "revenue": share x the part of the period's net revenue within the band.
    basis "volume": share x net revenue x (the part of the valid volume within the band / the valid
    volume): each transaction brings the period's average net revenue per transaction.
    A period whose net revenue is negative (refunds above collections) shares nothing.
    """
    revenue = max(net_revenue, ZERO)
    if terms.basis == "revenue":
        parts = marginal_parts(terms.tiers, revenue)
        amounts = [part * tier.share for part, tier in zip(parts, terms.tiers, strict=True)]
        rule = "share × the part of net revenue within the band"
    else:
        parts = marginal_parts(terms.tiers, Decimal(valid_volume))
        amounts = [
            revenue * tier.share * part / valid_volume if valid_volume else ZERO
            for part, tier in zip(parts, terms.tiers, strict=True)
        ]
        rule = "share × net revenue × the part of the valid volume within the band ÷ valid volume"
    return tuple(
        make_line(
            "tiered_share.band",
            PROVIDER,
            amount,
            rule=rule,
            inputs={
                "basis": terms.basis,
                "from": tier.lower,
                "to": tier.upper,
                "share": tier.share,
                "part_in_band": part,
                "net_revenue": revenue,
                "valid_volume": valid_volume,
            },
            places=places,
            reference=str(index + 1),
        )
        for index, (tier, part, amount) in enumerate(zip(terms.tiers, parts, amounts, strict=True))
    )


def indexation_factor(rate: Decimal, years_since_start: int) -> Decimal:
    """(1 + rate) ^ whole years since the contract's start, exact in Decimal (no rounding)."""
    if years_since_start < 0:
        raise SettlementInputError("period.years_since_start", "must not be negative")
    return (1 + rate) ** years_since_start


def fixed_fee_line(terms: FixedFeeTerms, *, months: int, years_since_start: int, places: int = 0) -> Line:
    """fee per period x months of the settlement period / months of the fee's period
    x (1 + indexation rate) ^ years since start, payable to the provider (a quarterly fee settled
    monthly is a third of it each month)."""
    factor = indexation_factor(terms.indexation_rate, years_since_start)
    return make_line(
        "fixed_fee.fee",
        PROVIDER,
        terms.fee_per_period * months * factor / terms.period_months,
        rule="fee per period × months ÷ months of the fee's period × (1 + indexation rate)^years",
        inputs={
            "fee_per_period": terms.fee_per_period,
            "period": terms.period,
            "months": months,
            "indexation_rate": terms.indexation_rate,
            "years_since_start": years_since_start,
            "indexation_factor": factor,
        },
        places=places,
    )


def floor_and_cap_lines(
    entitlement: Decimal, *, floor: Decimal | None, cap: Decimal | None, places: int = 0
) -> tuple[Line, ...]:
    """The state tops the entitlement up to the floor (payable to the provider); the part above the cap
    is clawed back (payable to the state). Floor and cap are amounts per settlement period."""
    inputs = {"entitlement": entitlement, "floor": floor, "cap": cap}
    if floor is not None and entitlement < floor:
        return (
            make_line(
                "minimum_guarantee.top_up",
                PROVIDER,
                floor - entitlement,
                rule="floor − entitlement, when the entitlement is below the floor",
                inputs=inputs,
                places=places,
            ),
        )
    if cap is not None and entitlement > cap:
        return (
            make_line(
                "revenue_cap.claw_back",
                STATE,
                entitlement - cap,
                rule="entitlement − cap, when the entitlement is above the cap",
                inputs=inputs,
                places=places,
            ),
        )
    return ()
