"""Charts for the results pages as SVG strings, rendered on the server (no JavaScript build).

Pure: floats in, text out; no Django. Every chart has role="img", a <title> and a <desc> that says
what the chart shows in words, a viewBox (it scales with its container), the Okabe-Ito
colour-blind-safe palette with dash patterns for lines, and tick labels written the way the
reader's language writes numbers (vi 1.234.567 and "1,2 tỷ"; en 1,234,567 and "1.2 bn").
Output is deterministic: the same input gives the same string (ids are derived from the content).
Empty data gives a "no data" chart, not an error; NaN or infinite values raise ValueError.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import math
from collections.abc import Mapping, Sequence
from xml.sax.saxutils import escape

from ppp.money import CURRENCY_SYMBOLS

WIDTH = 640
HEIGHT = 360
LEFT = 88
RIGHT = 32  # room for the last tick label, centred on the plot's right edge
BOTTOM = 40
TITLE_Y = 20
LEGEND_Y = 36
LEGEND_ROW = 16
# The plot starts below the title and the legend rows: 40 + 16 x rows (56 with one legend row).
PLOT_TOP_BASE = 40
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
# Markers sit on blue bars and curves: vermillion, reddish purple, black, orange.
MARKER_COLOURS = ("#D55E00", "#CC79A7", "#000000", "#E69F00")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "1 2", "10 4")
GRID = "#d9d9d9"
INK = "#222222"
SHORT_UNITS = ((1e12, "nghìn tỷ", "tn"), (1e9, "tỷ", "bn"), (1e6, "triệu", "m"))

TEXTS: dict[str, tuple[str, str]] = {
    "no_data": ("Không có dữ liệu", "No data"),
    "year": ("Năm", "Year"),
    "cost": ("Chi phí", "Cost"),
    "count": ("Số lần mô phỏng", "Simulations"),
    "probability": ("Xác suất không vượt", "Probability of not exceeding"),
    "value": ("Giá trị", "Value"),
    "low": ("Mức thấp", "Low"),
    "high": ("Mức cao", "High"),
    "base": ("Cơ sở", "Base"),
    "total": ("tổng", "total"),
}


def _text(key: str, language: str) -> str:
    vietnamese, english = TEXTS[key]
    return english if _is_english(language) else vietnamese


def _is_english(language: str) -> bool:
    return language.lower().startswith("en")


# --- numbers -------------------------------------------------------------------------------------


def format_number(value: float, language: str = "vi", decimals: int = 0) -> str:
    """1.234.567,5 in Vietnamese, 1,234,567.5 in English; "-" for negatives; never "-0"."""
    text = f"{abs(value):,.{decimals}f}"
    if not _is_english(language):
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    negative = value < 0 and any(ch not in "0.," for ch in text)
    return f"-{text}" if negative else text


def _decimals_for(step: float) -> int:
    """The fewest decimals (0-3) that write `step` exactly, so ticks stay distinct."""
    for decimals in range(4):
        if abs(round(step, decimals) - step) <= abs(step) * 1e-9:
            return decimals
    return 3


def format_short(value: float, language: str = "vi", decimals: int | None = None) -> str:
    """Large amounts shortened: 1,2 tỷ / 1.2 bn, 3,5 triệu / 3.5 m, nghìn tỷ / tn; smaller ones in
    full. With decimals None: one decimal, a trailing zero dropped ("1 tỷ", "1,5 tỷ")."""
    for threshold, vietnamese, english in SHORT_UNITS:
        if abs(value) >= threshold:
            scaled = value / threshold
            places = decimals if decimals is not None else (0 if round(scaled, 1) == round(scaled) else 1)
            unit = english if _is_english(language) else vietnamese
            return f"{format_number(scaled, language, places)} {unit}"
    return format_number(value, language, decimals or 0)


def format_percent(value: float, language: str = "vi", decimals: int = 0) -> str:
    """0.5 -> "50%"; 0.125 with one decimal -> "12,5%" (vi) / "12.5%" (en)."""
    return f"{format_number(value * 100, language, decimals)}%"


def _axis_labels(ticks: Sequence[float], language: str) -> list[str]:
    """One unit for the whole axis (chosen by its largest tick), decimals by the tick step."""
    largest = max((abs(t) for t in ticks), default=0.0)
    step = abs(ticks[1] - ticks[0]) if len(ticks) > 1 else 1.0
    for threshold, vietnamese, english in SHORT_UNITS:
        if largest >= threshold:
            decimals = _decimals_for(step / threshold)
            unit = english if _is_english(language) else vietnamese
            return [
                "0" if t == 0 else f"{format_number(t / threshold, language, decimals)} {unit}" for t in ticks
            ]
    decimals = _decimals_for(step)
    return [format_number(t, language, decimals) for t in ticks]


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values (1, 2 or 5 x 10^k apart) covering [low, high]; the first and last tick
    are the axis bounds."""
    if high < low:
        low, high = high, low
    if high == low:
        low, high = (low - 1, high + 1) if low != 0 else (0.0, 1.0)
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw * (1 - 1e-12))
    first = math.floor(low / step + 1e-9)
    last = math.ceil(high / step - 1e-9)
    return [k * step for k in range(first, last + 1)]


def _n(value: float) -> str:
    """A coordinate with at most two decimals and no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _check_finite(values: Sequence[float], what: str) -> None:
    for value in values:
        if not math.isfinite(float(value)):
            raise ValueError(f"{what} must be finite numbers")


# --- the frame -----------------------------------------------------------------------------------


class _Svg:
    def __init__(self, kind: str, title: str, description: str, height: int = HEIGHT) -> None:
        digest = hashlib.sha1(f"{kind}\x00{title}\x00{description}".encode(), usedforsecurity=False)
        self.id = f"chart-{kind}-{digest.hexdigest()[:10]}"
        self.height = height
        self.plot_top = PLOT_TOP_BASE + LEGEND_ROW
        self.parts = [
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" '
            f'aria-labelledby="{self.id}-title {self.id}-desc" class="chart chart-{kind}" '
            f'font-family="sans-serif" font-size="12" fill="{INK}">',
            f'<title id="{self.id}-title">{escape(title)}</title>',
            f'<desc id="{self.id}-desc">{escape(description)}</desc>',
            f'<text x="{WIDTH // 2}" y="{TITLE_Y}" text-anchor="middle" font-size="14" '
            f'font-weight="bold">{escape(title)}</text>',
        ]

    def add(self, part: str) -> None:
        self.parts.append(part)

    def line(self, x1: float, y1: float, x2: float, y2: float, stroke: str, extra: str = "") -> None:
        self.add(f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" stroke="{stroke}"{extra}/>')

    def text(self, x: float, y: float, text: str, anchor: str = "middle", extra: str = "") -> None:
        self.add(f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}"{extra}>{escape(text)}</text>')

    def legend(self, entries: Sequence[tuple[str, str, str | None]]) -> int:
        """Swatches (label, colour, dash) in rows; returns the number of rows used."""
        x, row = LEFT, 0
        for label, colour, dash in entries:
            width = 28 + 7 * len(label)
            if x + width > WIDTH - RIGHT and x > LEFT:
                x, row = LEFT, row + 1
            y = LEGEND_Y + row * LEGEND_ROW
            if dash is None:
                self.add(f'<rect x="{x}" y="{y - 9}" width="12" height="10" fill="{colour}"/>')
            else:
                dashes = f' stroke-dasharray="{dash}"' if dash else ""
                self.add(
                    f'<line x1="{x}" y1="{y - 4}" x2="{x + 16}" y2="{y - 4}" stroke="{colour}" '
                    f'stroke-width="2"{dashes}/>'
                )
            self.text(x + 20, y, label, "start")
            x += width
        return row + 1 if entries else 0

    def finish(self) -> str:
        return "".join([*self.parts, "</svg>"])


def no_data_svg(title: str, language: str = "vi") -> str:
    """A chart-sized placeholder that says there is nothing to show."""
    message = _text("no_data", language)
    svg = _Svg("empty", title, message)
    svg.add(
        f'<rect x="{LEFT}" y="{PLOT_TOP_BASE + LEGEND_ROW}" width="{WIDTH - LEFT - RIGHT}" '
        f'height="{HEIGHT - PLOT_TOP_BASE - LEGEND_ROW - BOTTOM}" fill="none" stroke="{GRID}"/>'
    )
    svg.text(WIDTH / 2, HEIGHT / 2, message, extra=' font-size="14"')
    return svg.finish()


class _Scale:
    """Linear map from the data interval [low, high] to pixels [start, end] (end may be < start)."""

    def __init__(self, low: float, high: float, start: float, end: float) -> None:
        self.low, self.high, self.start, self.end = low, high, start, end

    def __call__(self, value: float) -> float:
        return self.start + (value - self.low) / (self.high - self.low) * (self.end - self.start)


def _value_axis(svg: _Svg, ticks: Sequence[float], scale: _Scale, language: str, *, vertical: bool) -> None:
    """Grid lines and tick labels of the value axis (y when vertical, else x)."""
    bottom = svg.height - BOTTOM
    for tick, label in zip(ticks, _axis_labels(ticks, language), strict=True):
        position = scale(tick)
        if vertical:
            svg.line(LEFT, position, WIDTH - RIGHT, position, GRID)
            svg.text(LEFT - 6, position + 4, label, "end")
        else:
            svg.line(position, svg.plot_top, position, bottom, GRID)
            svg.text(position, bottom + 16, label)


def _unit(currency: str, language: str) -> str:
    """VND in English, ₫ in Vietnamese (as ppp.money.format_amount writes amounts)."""
    return currency if _is_english(language) else CURRENCY_SYMBOLS.get(currency, currency)


def _amount(value: float, currency: str, language: str) -> str:
    return f"{format_number(value, language)} {_unit(currency, language)}"


def _currency_title(key: str, currency: str, language: str) -> str:
    return f"{_text(key, language)} ({_unit(currency, language)})"


def _axis_titles(svg: _Svg, x_title: str, y_title: str) -> None:
    middle = (svg.plot_top + svg.height - BOTTOM) / 2
    svg.text(WIDTH / 2, svg.height - 4, x_title)
    svg.add(
        f'<text x="14" y="{_n(middle)}" text-anchor="middle" transform="rotate(-90 14 {_n(middle)})">'
        f"{escape(y_title)}</text>"
    )


def _frame(svg: _Svg, legend: Sequence[tuple[str, str, str | None]]) -> None:
    rows = max(svg.legend(legend), 1)
    svg.plot_top = PLOT_TOP_BASE + LEGEND_ROW * rows


def _year_labels(svg: _Svg, years: Sequence[int | str], centres: Sequence[float]) -> None:
    every = max(1, math.ceil(len(years) / 12))
    for index, (year, x) in enumerate(zip(years, centres, strict=True)):
        if index % every == 0:
            svg.text(x, svg.height - BOTTOM + 16, str(year))


def _series_check(years: Sequence[int | str], series: Mapping[str, Sequence[float]]) -> bool:
    """True when there is something to draw; ValueError on lengths or non-finite values."""
    if not years or not series:
        return False
    for label, values in series.items():
        if len(values) != len(years):
            raise ValueError(f"series {label!r} has {len(values)} values for {len(years)} years")
        _check_finite(values, f"series {label!r}")
    return True


def _money_desc(
    title: str,
    series: Mapping[str, Sequence[float]],
    years: Sequence[int | str],
    currency: str,
    language: str,
    x_title: str | None = None,
) -> str:
    totals = "; ".join(
        f"{label} {_amount(sum(values), currency, language)}" for label, values in series.items()
    )
    axis = x_title or _text("year", language)
    return f"{title}. {axis} {years[0]}-{years[-1]}; {_text('total', language)}: {totals}."


# --- charts --------------------------------------------------------------------------------------


def stacked_bars_svg(
    years: Sequence[int | str],
    series: Mapping[str, Sequence[float]],
    title: str,
    currency: str = "VND",
    language: str = "vi",
    *,
    x_title: str | None = None,
    y_title: str | None = None,
) -> str:
    """One bar per year (or per the given labels, with `x_title` naming them), the series stacked in
    the given order: positive values upwards from zero, negative values (revenue) downwards. Bar
    heights are proportional to the values. `y_title` replaces "Cost (<currency>)"."""
    if not _series_check(years, series):
        return no_data_svg(title, language)
    positive_totals = [sum(max(v[i], 0.0) for v in series.values()) for i in range(len(years))]
    negative_totals = [sum(min(v[i], 0.0) for v in series.values()) for i in range(len(years))]
    ticks = nice_ticks(min(0.0, *negative_totals), max(0.0, *positive_totals))
    svg = _Svg("bars", title, _money_desc(title, series, years, currency, language, x_title))
    _frame(svg, [(label, PALETTE[i % len(PALETTE)], None) for i, label in enumerate(series)])
    y = _Scale(ticks[0], ticks[-1], svg.height - BOTTOM, svg.plot_top)
    _value_axis(svg, ticks, y, language, vertical=True)
    band = (WIDTH - LEFT - RIGHT) / len(years)
    centres = [LEFT + band * (i + 0.5) for i in range(len(years))]
    for index, year in enumerate(years):
        up = down = 0.0
        for number, (label, values) in enumerate(series.items()):
            value = float(values[index])
            if value == 0:
                continue
            if value > 0:
                low, high = up, up + value
                up = high
            else:
                low, high = down + value, down
                down = low
            top, bottom = y(high), y(low)
            tooltip = f"{label}, {year}: {_amount(value, currency, language)}"
            svg.add(
                f'<rect x="{_n(LEFT + band * index + band * 0.15)}" y="{_n(top)}" width="{_n(band * 0.7)}" '
                f'height="{_n(bottom - top)}" fill="{PALETTE[number % len(PALETTE)]}">'
                f"<title>{escape(tooltip)}</title></rect>"
            )
    zero = y(0.0)
    svg.line(LEFT, zero, WIDTH - RIGHT, zero, INK)
    _year_labels(svg, years, centres)
    _axis_titles(
        svg, x_title or _text("year", language), y_title or _currency_title("cost", currency, language)
    )
    return svg.finish()


def lines_svg(
    years: Sequence[int],
    series: Mapping[str, Sequence[float]],
    title: str,
    currency: str = "VND",
    language: str = "vi",
    *,
    y_title: str | None = None,
) -> str:
    """One line per series (e.g. the cumulative discounted cost of each option), drawn as given;
    each line has its own colour and dash pattern and a marker with a tooltip per year."""
    if not _series_check(years, series):
        return no_data_svg(title, language)
    every = [float(v) for values in series.values() for v in values]
    ticks = nice_ticks(min(0.0, *every), max(0.0, *every))
    desc = _money_desc(title, {k: [v[-1]] for k, v in series.items()}, years, currency, language)
    svg = _Svg("lines", title, desc)
    styles = [(PALETTE[i % len(PALETTE)], DASHES[i % len(DASHES)]) for i in range(len(series))]
    _frame(svg, [(label, colour, dash) for label, (colour, dash) in zip(series, styles, strict=True)])
    y = _Scale(ticks[0], ticks[-1], svg.height - BOTTOM, svg.plot_top)
    _value_axis(svg, ticks, y, language, vertical=True)
    if len(years) == 1:
        xs = [(LEFT + WIDTH - RIGHT) / 2]
    else:
        step = (WIDTH - LEFT - RIGHT - 24) / (len(years) - 1)
        xs = [LEFT + 12 + step * i for i in range(len(years))]
    for (label, values), (colour, dash) in zip(series.items(), styles, strict=True):
        points = " ".join(f"{_n(x)},{_n(y(float(v)))}" for x, v in zip(xs, values, strict=True))
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        svg.add(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"{dashes}/>')
        for x, year, value in zip(xs, years, values, strict=True):
            tooltip = f"{label}, {year}: {_amount(float(value), currency, language)}"
            svg.add(
                f'<circle cx="{_n(x)}" cy="{_n(y(float(value)))}" r="3" fill="{colour}">'
                f"<title>{escape(tooltip)}</title></circle>"
            )
    _year_labels(svg, years, xs)
    _axis_titles(svg, _text("year", language), y_title or _currency_title("cost", currency, language))
    return svg.finish()


def _markers(svg: _Svg, markers: Mapping[str, float], x: _Scale, language: str) -> None:
    """Dashed vertical lines with "P50: 1,2 tỷ" labels, staggered so they do not overlap."""
    top = svg.plot_top
    ordered = sorted(markers.items(), key=lambda item: (item[1], item[0]))
    for index, (label, value) in enumerate(ordered):
        position = x(float(value))
        colour = MARKER_COLOURS[index % len(MARKER_COLOURS)]
        svg.line(
            position, top, position, svg.height - BOTTOM, colour, ' stroke-width="2" stroke-dasharray="5 3"'
        )
        text = f"{label}: {format_short(float(value), language)}"
        anchor = "start" if position < WIDTH * 0.7 else "end"
        offset = 4 if anchor == "start" else -4
        halo = ' paint-order="stroke" stroke="#ffffff" stroke-width="3"'
        svg.text(
            position + offset,
            top + 12 + 14 * index,
            text,
            anchor,
            f' fill="{colour}" font-weight="bold"{halo}',
        )


def histogram_svg(
    edges: Sequence[float],
    counts: Sequence[float],
    markers: Mapping[str, float] | None = None,
    title: str = "",
    currency: str = "VND",
    language: str = "vi",
) -> str:
    """Bars between consecutive `edges` (len(counts) + 1 of them, increasing) with heights
    proportional to `counts`; `markers` ({"P50": value, ...}) as labelled dashed lines."""
    markers = dict(markers or {})
    if not counts or sum(counts) == 0:
        return no_data_svg(title, language)
    if len(edges) != len(counts) + 1:
        raise ValueError("a histogram needs one more edge than counts")
    _check_finite([*edges, *counts, *markers.values()], "histogram values")
    if any(b <= a for a, b in itertools.pairwise(edges)) or min(counts) < 0:
        raise ValueError("edges must increase and counts must not be negative")
    marker_text = "; ".join(f"{k} {_amount(v, currency, language)}" for k, v in markers.items())
    desc = (
        f"{title}. {format_number(sum(counts), language)} {_text('count', language).lower()}. {marker_text}"
    )
    svg = _Svg("histogram", title, desc)
    _frame(svg, [])
    x_ticks = nice_ticks(min(edges[0], *markers.values()), max(edges[-1], *markers.values()))
    x = _Scale(x_ticks[0], x_ticks[-1], LEFT, WIDTH - RIGHT)
    y_ticks = nice_ticks(0.0, float(max(counts)))
    y = _Scale(y_ticks[0], y_ticks[-1], svg.height - BOTTOM, svg.plot_top)
    _value_axis(svg, y_ticks, y, language, vertical=True)
    _value_axis(svg, x_ticks, x, language, vertical=False)
    for low, high, count in zip(edges, edges[1:], counts, strict=False):
        if count == 0:
            continue
        top = y(float(count))
        span = f"{format_short(low, language)} - {format_short(high, language)}"
        tooltip = f"{span}: {format_number(count, language)}"
        svg.add(
            f'<rect x="{_n(x(low))}" y="{_n(top)}" width="{_n(x(high) - x(low))}" '
            f'height="{_n(y(0.0) - top)}" fill="{PALETTE[0]}" stroke="#ffffff" stroke-width="0.5">'
            f"<title>{escape(tooltip)}</title></rect>"
        )
    _markers(svg, markers, x, language)
    _axis_titles(svg, _currency_title("value", currency, language), _text("count", language))
    return svg.finish()


def s_curve_svg(
    values: Sequence[float],
    probabilities: Sequence[float],
    markers: Mapping[str, float] | None = None,
    title: str = "",
    currency: str = "VND",
    language: str = "vi",
) -> str:
    """The cumulative distribution: probability (0..1) of not exceeding each value, `values`
    increasing; `markers` ({"P70": value}) as dashed lines up to the curve."""
    markers = dict(markers or {})
    if not values:
        return no_data_svg(title, language)
    if len(values) != len(probabilities):
        raise ValueError("values and probabilities must have the same length")
    _check_finite([*values, *probabilities, *markers.values()], "S-curve values")
    if any(p < 0 or p > 1 for p in probabilities):
        raise ValueError("probabilities must lie between 0 and 1")
    if any(b < a for a, b in itertools.pairwise(values)) or any(
        b < a for a, b in itertools.pairwise(probabilities)
    ):
        raise ValueError("values and probabilities must not decrease")
    marker_text = "; ".join(f"{k} {_amount(v, currency, language)}" for k, v in markers.items())
    svg = _Svg("s-curve", title, f"{title}. {marker_text}")
    _frame(svg, [])
    x_ticks = nice_ticks(min(values[0], *markers.values()), max(values[-1], *markers.values()))
    x = _Scale(x_ticks[0], x_ticks[-1], LEFT, WIDTH - RIGHT)
    y = _Scale(0.0, 1.0, svg.height - BOTTOM, svg.plot_top)
    for step in range(6):
        share = step / 5
        svg.line(LEFT, y(share), WIDTH - RIGHT, y(share), GRID)
        svg.text(LEFT - 6, y(share) + 4, format_percent(share, language), "end")
    _value_axis(svg, x_ticks, x, language, vertical=False)
    points = " ".join(
        f"{_n(x(float(v)))},{_n(y(float(p)))}" for v, p in zip(values, probabilities, strict=True)
    )
    svg.add(f'<polyline points="{points}" fill="none" stroke="{PALETTE[0]}" stroke-width="2"/>')
    _markers(svg, markers, x, language)
    for label, value in sorted(markers.items(), key=lambda item: (item[1], item[0])):
        share = _interpolate(float(value), values, probabilities)
        tooltip = f"{label}: {_amount(value, currency, language)}, {format_percent(share, language, 1)}"
        svg.add(
            f'<circle cx="{_n(x(value))}" cy="{_n(y(share))}" r="4" fill="{INK}">'
            f"<title>{escape(tooltip)}</title></circle>"
        )
    _axis_titles(svg, _currency_title("value", currency, language), _text("probability", language))
    return svg.finish()


def _interpolate(value: float, xs: Sequence[float], ys: Sequence[float]) -> float:
    """ys at `value` by linear interpolation along increasing xs, clamped at both ends."""
    if value <= xs[0]:
        return float(ys[0])
    if value >= xs[-1]:
        return float(ys[-1])
    index = bisect.bisect_right(xs, value)
    x0, x1, y0, y1 = xs[index - 1], xs[index], ys[index - 1], ys[index]
    return float(y0 if x1 == x0 else y0 + (y1 - y0) * (value - x0) / (x1 - x0))


def tornado_svg(
    bars: Sequence[tuple[str, float, float]],
    base: float,
    title: str = "",
    currency: str = "VND",
    language: str = "vi",
) -> str:
    """Horizontal bars in the given order (put the largest swing first), each from `base` to the
    result with the driver low and to the result with the driver high; a line marks `base`."""
    if not bars:
        return no_data_svg(title, language)
    _check_finite([base, *(v for _, low, high in bars for v in (low, high))], "tornado values")
    left = 170
    height = max(HEIGHT, PLOT_TOP_BASE + LEGEND_ROW + BOTTOM + 28 * len(bars))
    swings = "; ".join(
        f"{label} {format_number(low, language)} - {_amount(high, currency, language)}"
        for label, low, high in bars
    )
    svg = _Svg(
        "tornado",
        title,
        f"{title}. {_text('base', language)} {_amount(base, currency, language)}. {swings}",
        height,
    )
    _frame(svg, [(_text("low", language), PALETTE[0], None), (_text("high", language), PALETTE[1], None)])
    every = [base, *(v for _, low, high in bars for v in (low, high))]
    ticks = nice_ticks(min(every), max(every))
    x = _Scale(ticks[0], ticks[-1], left, WIDTH - RIGHT)
    bottom = height - BOTTOM
    for tick, label in zip(ticks, _axis_labels(ticks, language), strict=True):
        svg.line(x(tick), svg.plot_top, x(tick), bottom, GRID)
        svg.text(x(tick), bottom + 16, label)
    row = (bottom - svg.plot_top) / len(bars)
    for index, (label, low, high) in enumerate(bars):
        top = svg.plot_top + row * index + row * 0.2
        for value, colour, key in ((low, PALETTE[0], "low"), (high, PALETTE[1], "high")):
            start, end = sorted((x(base), x(value)))
            tooltip = f"{label}, {_text(key, language)}: {_amount(value, currency, language)}"
            svg.add(
                f'<rect x="{_n(start)}" y="{_n(top)}" width="{_n(end - start)}" height="{_n(row * 0.6)}" '
                f'fill="{colour}" fill-opacity="0.9"><title>{escape(tooltip)}</title></rect>'
            )
        svg.text(left - 8, top + row * 0.3 + 4, label, "end")
    svg.line(x(base), svg.plot_top, x(base), bottom, INK, ' stroke-width="1.5"')
    svg.text(WIDTH / 2, height - 4, _currency_title("value", currency, language))
    return svg.finish()
