"""Pure calculations of bid evaluation (Law on Bidding 22/2023; Decree 214/2025/NĐ-CP).

No Django. Money is Decimal; the many-bid lifecycle NPV is a float64 adapter (numpy) that crosses
back through `to_money`. Rule parameters (weights, scale, loadings, thresholds) are arguments: the
service layer reads them from the rule book valid on the tender's dates.

- Arithmetic correction: the unit price prevails over a line amount unless they differ by a
  decimal factor (the amount then prevails and the unit price is corrected); line amounts prevail
  over a wrong total; a total in words prevails over the total in figures; an omitted item is priced
  at the highest unit price of that item among the responsive bids.
- Price score = lowest evaluated price x scale / this bid's evaluated price (scale 100 or 1000).
- Technical score on the same scale = points x scale / maximum points.
- Combined score = K x technical score + G x price score, K + G = 1.
- Evaluated price = the bid schedule's lifecycle NPV at the tender's discount rate, plus the
  preference loading (7.5 % of the price for a bid not entitled to preference).
- Abnormally low: below the package price, the mean of the other bids, or the next bid, by the
  rule's shares.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

import numpy as np

SCORE_PLACES = 4  # scores are kept to 4 decimal places (ROUND_HALF_UP); ranks compare those
_SCORE_UNIT = Decimal(1).scaleb(-SCORE_PLACES)


class EvaluationInputError(ValueError):
    """Bad input to an evaluation calculation; `field` names it (e.g. "bids[2].items[5].unit_price")."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def _unit(places: int) -> Decimal:
    return Decimal(1).scaleb(-places)


def _money(value: Decimal, places: int) -> Decimal:
    amount = value.quantize(_unit(places), rounding=ROUND_HALF_UP)
    return abs(amount) if amount.is_zero() else amount


def _finite(value: Decimal, field: str, *, minimum: Decimal | int | None = 0) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise EvaluationInputError(field, f"must be a Decimal, got {type(value).__name__}")
    number = Decimal(value)
    if not number.is_finite():
        raise EvaluationInputError(field, "must be a finite number")
    if minimum is not None and number < minimum:
        raise EvaluationInputError(field, f"must be at least {minimum}")
    return number


# Arithmetic correction.


@dataclass(frozen=True)
class PricedItem:
    """One item of a priced schedule as the bidder wrote it. `unit_price` None: the item is omitted.
    `stated_amount` None: the bidder wrote no line amount (the grid computes it)."""

    code: str
    quantity: Decimal
    unit_price: Decimal | None
    stated_amount: Decimal | None = None


@dataclass(frozen=True)
class Correction:
    """One change the evaluator makes, with the rule that makes it."""

    code: str  # the item code, or "" for the total
    # unit_price_prevails | amount_prevails_decimal_factor | omitted_item | lines_prevail | words_prevail
    rule: str
    before: Decimal | None
    after: Decimal
    difference: Decimal  # effect on the bid's total


@dataclass(frozen=True)
class CorrectedSchedule:
    unit_prices: tuple[Decimal, ...]
    amounts: tuple[Decimal, ...]
    total: Decimal
    corrections: tuple[Correction, ...]
    stated_total: Decimal | None

    @property
    def deviation(self) -> Decimal:
        """Corrected total minus the total the bidder stated (0 when none was stated)."""
        return Decimal(0) if self.stated_total is None else self.total - self.stated_total


def _decimal_factor(ratio: Decimal) -> bool:
    """True when ratio is 10^k for a whole k != 0 (a misplaced decimal point)."""
    if ratio <= 0:
        return False
    with localcontext() as context:
        context.prec = 34
        exponent = ratio.log10()
    nearest = exponent.to_integral_value()
    return nearest != 0 and abs(exponent - nearest) < Decimal("1e-12")


def correct_schedule(
    items: Sequence[PricedItem],
    *,
    highest_unit_prices: dict[str, Decimal],
    stated_total: Decimal | None = None,
    total_in_words: Decimal | None = None,
    places: int = 0,
) -> CorrectedSchedule:
    """Apply the arithmetic-correction rules (module docstring) to one bid's schedule.

    `highest_unit_prices` maps an item code to the highest unit price of that item among the
    responsive bids (for omitted items). Amounts are quantized to `places` (ROUND_HALF_UP).
    """
    corrections: list[Correction] = []
    unit_prices: list[Decimal] = []
    amounts: list[Decimal] = []
    for index, item in enumerate(items):
        field = f"items[{index}]"
        quantity = _finite(item.quantity, f"{field}.quantity")
        if item.unit_price is None:
            if item.code not in highest_unit_prices:
                raise EvaluationInputError(
                    f"{field}.unit_price", "omitted, and no other bid priced this item"
                )
            price = _finite(highest_unit_prices[item.code], f"highest_unit_prices[{item.code}]")
            amount = _money(price * quantity, places)
            unit_prices.append(price)
            amounts.append(amount)
            corrections.append(Correction(item.code, "omitted_item", None, amount, amount))
            continue
        price = _finite(item.unit_price, f"{field}.unit_price")
        computed = _money(price * quantity, places)
        if item.stated_amount is None:
            unit_prices.append(price)
            amounts.append(computed)
            continue
        stated = _finite(item.stated_amount, f"{field}.stated_amount")
        if stated == computed:
            unit_prices.append(price)
            amounts.append(stated)
            continue
        if computed and stated and _decimal_factor(stated / computed):
            # The amount prevails: the unit price had its decimal point in the wrong place.
            corrected_price = stated / quantity if quantity else price
            unit_prices.append(corrected_price)
            amounts.append(stated)
            corrections.append(
                Correction(item.code, "amount_prevails_decimal_factor", price, corrected_price, Decimal(0))
            )
            continue
        unit_prices.append(price)
        amounts.append(computed)
        corrections.append(Correction(item.code, "unit_price_prevails", stated, computed, computed - stated))
    total = sum(amounts, Decimal(0))
    figures = None if stated_total is None else _finite(stated_total, "stated_total")
    words = None if total_in_words is None else _finite(total_in_words, "total_in_words")
    written = words if words is not None else figures
    if words is not None and figures is not None and words != figures:
        corrections.append(Correction("", "words_prevail", figures, words, Decimal(0)))
    line_sum_written = sum(
        (
            item.stated_amount
            if item.stated_amount is not None
            else _money((item.unit_price or Decimal(0)) * item.quantity, places)
            for item in items
            if item.unit_price is not None
        ),
        Decimal(0),
    )
    if written is not None and written != line_sum_written:
        corrections.append(
            Correction("", "lines_prevail", written, line_sum_written, line_sum_written - written)
        )
    return CorrectedSchedule(
        unit_prices=tuple(unit_prices),
        amounts=tuple(amounts),
        total=total,
        corrections=tuple(corrections),
        stated_total=written,
    )


# Scores.


def _score(value: Decimal) -> Decimal:
    return value.quantize(_SCORE_UNIT, rounding=ROUND_HALF_UP)


def price_scores(evaluated_prices: Sequence[Decimal], scale: int) -> list[Decimal]:
    """lowest x scale / price for each bid (4 decimal places, ROUND_HALF_UP). Prices must be > 0."""
    if scale not in (100, 1000):
        raise EvaluationInputError("scale", "must be 100 or 1000")
    prices = [_finite(price, f"evaluated_prices[{i}]") for i, price in enumerate(evaluated_prices)]
    for index, price in enumerate(prices):
        if price <= 0:
            raise EvaluationInputError(f"evaluated_prices[{index}]", "must be greater than 0")
    if not prices:
        return []
    lowest = min(prices)
    with localcontext() as context:
        context.prec = 34
        return [_score(lowest * scale / price) for price in prices]


def technical_scores(points: Sequence[Decimal], maximum: Decimal, scale: int) -> list[Decimal]:
    """points x scale / maximum (4 decimal places): technical points on the price score's scale."""
    top = _finite(maximum, "maximum")
    if top <= 0:
        raise EvaluationInputError("maximum", "must be greater than 0")
    values = [_finite(value, f"points[{i}]") for i, value in enumerate(points)]
    for index, value in enumerate(values):
        if value > top:
            raise EvaluationInputError(f"points[{index}]", f"must be at most the maximum {top}")
    with localcontext() as context:
        context.prec = 34
        return [_score(value * scale / top) for value in values]


def combined_scores(
    technical: Sequence[Decimal],
    price: Sequence[Decimal],
    *,
    technical_weight: Decimal,
    price_weight: Decimal,
) -> list[Decimal]:
    """K x technical + G x price per bid, K + G = 1 (4 decimal places, ROUND_HALF_UP)."""
    k = _finite(technical_weight, "technical_weight")
    g = _finite(price_weight, "price_weight")
    if k + g != 1:
        raise EvaluationInputError("price_weight", "technical and price weights must add up to 1")
    if len(technical) != len(price):
        raise EvaluationInputError("price", "needs one price score per technical score")
    return [_score(k * t + g * p) for t, p in zip(technical, price, strict=True)]


# Evaluated price: the lifecycle NPV of every bid at once.


def schedule_npv(
    unit_prices: np.ndarray,
    quantities: np.ndarray,
    rate: Decimal,
    *,
    vat_applicable: np.ndarray | None = None,
    vat_rate: Decimal = Decimal(0),
) -> np.ndarray:
    """NPV per bid of sum over items of quantity[i, t] x unit_price[b, i, t], discounted by (1+r)^t.

    unit_prices (B, I, T) per bid, item and year; quantities (I, T); vat_applicable (I,) adds the VAT
    rate on those items. float64 adapter: cross back with `to_money`.
    """
    prices = np.asarray(unit_prices, dtype=np.float64)
    amounts = np.asarray(quantities, dtype=np.float64)
    if prices.ndim != 3 or amounts.shape != prices.shape[1:]:
        raise EvaluationInputError(
            "unit_prices", "must be (bids, items, years) matching quantities (items, years)"
        )
    if not (np.isfinite(prices).all() and np.isfinite(amounts).all()):
        raise EvaluationInputError("unit_prices", "must be finite")
    factors = 1.0 / (1.0 + float(_finite(rate, "rate"))) ** np.arange(prices.shape[2], dtype=np.float64)
    weighted = amounts * factors[None, :]
    if vat_applicable is not None:
        weighted = (
            weighted * np.where(np.asarray(vat_applicable, dtype=bool), 1.0 + float(vat_rate), 1.0)[:, None]
        )
    return np.einsum("bit,it->b", prices, weighted)


def to_money(value: float, places: int = 0) -> Decimal:
    number = float(value)
    if not np.isfinite(number):
        raise EvaluationInputError("value", "cannot turn a non-finite result into money")
    return _money(Decimal(repr(number)), places)


def evaluated_price(
    npv: Decimal, *, entitled_to_preference: bool, loading: Decimal, places: int = 0
) -> Decimal:
    """NPV + loading x NPV for a bid not entitled to preference (7.5 % by the rule book)."""
    value = _finite(npv, "npv")
    rate = _finite(loading, "loading")
    return value if entitled_to_preference else _money(value * (1 + rate), places)


# Abnormally low bids and ranking.


@dataclass(frozen=True)
class LowBidFlags:
    below_package_price: bool
    below_mean_of_others: bool
    below_next_bid: bool

    @property
    def any(self) -> bool:
        return self.below_package_price or self.below_mean_of_others or self.below_next_bid


def abnormally_low(
    prices: Sequence[Decimal],
    package_price: Decimal,
    *,
    below_package_price: Decimal,
    below_mean_of_others: Decimal,
    below_next_bid: Decimal,
) -> list[LowBidFlags]:
    """For each bid: price < package x (1 - a); price < mean of the other bids x (1 - b);
    price < the next higher price x (1 - c). A lone bid is compared with the package price only."""
    values = [_finite(price, f"prices[{i}]") for i, price in enumerate(prices)]
    package = _finite(package_price, "package_price")
    flags = []
    ordered = sorted(values)
    for index, price in enumerate(values):
        others = values[:index] + values[index + 1 :]
        mean_others = sum(others, Decimal(0)) / len(others) if others else None
        higher = [p for p in ordered if p > price]
        flags.append(
            LowBidFlags(
                below_package_price=price < package * (1 - below_package_price),
                below_mean_of_others=mean_others is not None
                and price < mean_others * (1 - below_mean_of_others),
                below_next_bid=bool(higher) and price < higher[0] * (1 - below_next_bid),
            )
        )
    return flags


@dataclass(frozen=True)
class RankingEntry:
    key: str
    combined_score: Decimal | None  # None for price-only methods
    technical_score: Decimal | None
    evaluated_price: Decimal
    submitted_order: int  # 0 for the earliest submission


def rank(entries: Sequence[RankingEntry]) -> list[str]:
    """Keys best first. Combined-score methods: highest combined score, then the higher technical
    score, then the lower evaluated price; price methods: the lowest evaluated price. A remaining tie
    goes to the earlier submission."""

    def order(entry: RankingEntry) -> tuple:
        if entry.combined_score is not None:
            return (
                -entry.combined_score,
                -(entry.technical_score or 0),
                entry.evaluated_price,
                entry.submitted_order,
            )
        return (entry.evaluated_price, entry.submitted_order)

    return [entry.key for entry in sorted(entries, key=order)]


# The same rules for every bid of a tender at once (the evaluation's path).


@dataclass(frozen=True, eq=False)
class ManyCorrections:
    """Corrected unit prices (bids x items x years, float64) and, per bid, the corrections made and
    the corrected total ex VAT (Decimal, quantized to the currency's places)."""

    unit_prices: np.ndarray
    corrections: tuple[tuple[Correction, ...], ...]
    totals: tuple[Decimal, ...]


def _round_half_up(values: np.ndarray, places: int) -> np.ndarray:
    """ROUND_HALF_UP for the non-negative amounts of a schedule (numpy's round goes half to even)."""
    scale = 10.0**places
    return np.floor(values * scale + 0.5) / scale


def _cell_decimal(text: str | None) -> Decimal | None:
    return None if text is None or text == "nan" else Decimal(text)


def _blanks_as_nan(cells: Sequence[Sequence[Sequence[str | None]]]) -> list[list[Sequence[str | None]]]:
    """None -> "nan", only where there is a None (the evaluation's loader already writes "nan")."""
    return [
        [row if None not in row else ["nan" if v is None else v for v in row] for row in bid] for bid in cells
    ]


def correct_many(
    prices: Sequence[Sequence[Sequence[str | None]]],
    stated: Sequence[Sequence[Sequence[str | None]]],
    quantities: list[list[str]],
    codes: Sequence[str],
    *,
    stated_totals: Sequence[Decimal | None] | None = None,
    places: int = 0,
) -> ManyCorrections:
    """`correct_schedule` for many bids at once: each bid's unit prices and written amounts per item
    and year as decimal text (None where blank), the tender's quantities. See `correct_arrays`."""
    quantity = np.array(quantities, dtype=np.float64).reshape(len(quantities), -1)
    bids = len(prices)
    if bids == 0:
        return ManyCorrections(np.zeros((0, *quantity.shape)), (), ())
    # numpy parses the decimal text in one call; a blank cell (None or "nan") becomes nan.
    price = np.array(_blanks_as_nan(prices), dtype=np.float64).reshape(bids, *quantity.shape)
    written = np.array(_blanks_as_nan(stated), dtype=np.float64).reshape(bids, *quantity.shape)

    def text_of(kind: str, b: int, i: int, t: int) -> str | None:
        return (prices if kind == "price" else stated)[b][i][t]

    return correct_arrays(
        price, written, quantities, codes, text_of=text_of, stated_totals=stated_totals, places=places
    )


def correct_arrays(
    price: np.ndarray,
    written: np.ndarray,
    quantities: list[list[str]],
    codes: Sequence[str],
    *,
    text_of: Callable[[str, int, int, int], str | None],
    stated_totals: Sequence[Decimal | None] | None = None,
    places: int = 0,
) -> ManyCorrections:
    """The correction rules over (bids x items x years) float64 arrays of unit prices and written
    amounts (nan where blank). Cells where nothing is wrong (nearly all) never leave numpy; the few
    that need a correction are worked out in Decimal from their exact text (`text_of(kind, b, i, t)`,
    kind "price" or "amount"), exactly as `correct_schedule` does. Cell codes read "ITEM[year]"."""
    quantity = np.array(quantities, dtype=np.float64).reshape(len(quantities), -1)
    bids = price.shape[0]
    if bids == 0:
        return ManyCorrections(np.zeros((0, *quantity.shape)), (), ())
    needs_price = quantity > 0
    omitted = np.isnan(price) & needs_price[None, :, :]
    with np.errstate(all="ignore"):
        highest = np.nanmax(np.where(np.isnan(price), -np.inf, price), axis=0)
    corrected = np.where(np.isnan(price), 0.0, price)
    if omitted.any():
        nobody = omitted & ~np.isfinite(highest)[None, :, :]
        if nobody.any():
            b, i, t = (int(x) for x in np.argwhere(nobody)[0])
            raise EvaluationInputError(
                f"bids[{b}].items[{codes[i]}][{t}]", "omitted, and no other bid priced this item"
            )
        corrected = np.where(omitted, highest[None, :, :], corrected)
    computed = _round_half_up(corrected * quantity[None, :, :], places)
    half_unit = 0.5 * 10.0 ** (-places)
    differs = ~np.isnan(written) & ~np.isnan(price) & (np.abs(written - computed) >= half_unit)
    unit = _unit(places)
    per_bid: list[list[Correction]] = [[] for _ in range(bids)]
    for b, i, t in np.argwhere(omitted):
        q = Decimal(quantities[i][t])
        top = max(
            Decimal(text)
            for other in np.flatnonzero(~np.isnan(price[:, i, t]))
            if (text := text_of("price", int(other), int(i), int(t))) not in (None, "nan")
        )
        amount = _money(top * q, places)
        per_bid[b].append(Correction(f"{codes[i]}[{t}]", "omitted_item", None, amount, amount))
    for b, i, t in np.argwhere(differs):
        q = Decimal(quantities[i][t])
        unit_price = _cell_decimal(text_of("price", int(b), int(i), int(t)))
        amount_written = _cell_decimal(text_of("amount", int(b), int(i), int(t)))
        assert unit_price is not None and amount_written is not None
        exact = _money(unit_price * q, places)
        if exact == amount_written:
            continue  # float noise: the cell is right
        code = f"{codes[i]}[{t}]"
        if exact and amount_written and _decimal_factor(amount_written / exact):
            new_price = amount_written / q
            corrected[b, i, t] = float(new_price)
            per_bid[b].append(
                Correction(code, "amount_prevails_decimal_factor", unit_price, new_price, Decimal(0))
            )
        else:
            per_bid[b].append(
                Correction(code, "unit_price_prevails", amount_written, exact, exact - amount_written)
            )
    totals = []
    amounts = _round_half_up(corrected * quantity[None, :, :], places)
    as_written = np.where(
        np.isnan(written), _round_half_up(np.where(np.isnan(price), 0.0, price) * quantity, places), written
    )
    line_sums = np.where(np.isnan(price), 0.0, as_written).sum(axis=(1, 2))
    for b in range(bids):
        totals.append(Decimal(repr(float(amounts[b].sum()))).quantize(unit))
        stated_total = None if stated_totals is None else stated_totals[b]
        if stated_total is not None:
            written_sum = Decimal(repr(float(line_sums[b]))).quantize(unit)
            if stated_total != written_sum:
                per_bid[b].append(
                    Correction("", "lines_prevail", stated_total, written_sum, written_sum - stated_total)
                )
        per_bid[b].sort(key=lambda c: (c.code == "", c.code))
    return ManyCorrections(corrected, tuple(tuple(c) for c in per_bid), tuple(totals))


def content_diff(before: object, after: object, path: str = "") -> list[dict[str, object]]:
    """Every leaf that differs between two versions' contents (JSON-shaped: dicts, lists, scalars),
    as {"path", "before", "after", "change"} with change "added", "removed" or "changed"; dict keys
    in sorted order, list items by position (so "price_schedule.SUPPORT[2]" names one year's price)."""
    if isinstance(before, dict) and isinstance(after, dict):
        rows: list[dict[str, object]] = []
        for key in sorted(set(before) | set(after), key=str):
            where = f"{path}.{key}" if path else str(key)
            if key not in before:
                rows.append({"path": where, "before": None, "after": after[key], "change": "added"})
            elif key not in after:
                rows.append({"path": where, "before": before[key], "after": None, "change": "removed"})
            else:
                rows.extend(content_diff(before[key], after[key], where))
        return rows
    if isinstance(before, list) and isinstance(after, list):
        rows = []
        for index in range(max(len(before), len(after))):
            where = f"{path}[{index}]"
            if index >= len(before):
                rows.append({"path": where, "before": None, "after": after[index], "change": "added"})
            elif index >= len(after):
                rows.append({"path": where, "before": before[index], "after": None, "change": "removed"})
            else:
                rows.extend(content_diff(before[index], after[index], where))
        return rows
    if before == after:
        return []
    return [{"path": path, "before": before, "after": after, "change": "changed"}]
