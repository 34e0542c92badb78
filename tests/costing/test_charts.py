"""Server-rendered SVG charts: accessible, deterministic, proportional, formatted per language."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from costing.charts import (
    format_number,
    format_percent,
    format_short,
    histogram_svg,
    lines_svg,
    nice_ticks,
    s_curve_svg,
    stacked_bars_svg,
    tornado_svg,
)

NS = {"svg": "http://www.w3.org/2000/svg"}


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def data_rects(root: ET.Element) -> list[dict[str, str]]:
    """The rectangles that carry data (each has a tooltip), in drawing order."""
    return [
        {**rect.attrib, "tooltip": rect.find("svg:title", NS).text}
        for rect in root.iter("{http://www.w3.org/2000/svg}rect")
        if rect.find("svg:title", NS) is not None
    ]


def texts(root: ET.Element) -> list[str]:
    return [element.text for element in root.iter("{http://www.w3.org/2000/svg}text")]


ALL_CHARTS = {
    "bars": lambda: stacked_bars_svg([2026, 2027], {"Capex": [1.2e9, 0.0], "Opex": [1e8, 2e8]}, "Chi phí"),
    "lines": lambda: lines_svg([2026, 2027], {"PSC": [1e9, 1.9e9], "PPP": [0.4e9, 1.7e9]}, "Lũy kế"),
    "histogram": lambda: histogram_svg([0, 1e9, 2e9], [3, 7], {"P50": 1.2e9, "P90": 1.8e9}, "NPV", "USD"),
    "s_curve": lambda: s_curve_svg([0, 1e9, 2e9], [0, 0.4, 1], {"P70": 1.5e9}, "S-curve", "VND", "en"),
    "tornado": lambda: tornado_svg([("Discount rate", 1.8e9, 2.3e9)], 2e9, "Tornado", "VND", "vi"),
}  # fmt: skip


@pytest.mark.parametrize("kind", ALL_CHARTS)
def test_every_chart_is_valid_accessible_responsive_svg(kind):
    svg = ALL_CHARTS[kind]()
    root = parse(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("role") == "img"
    assert root.get("viewBox").startswith("0 0 640 ")
    assert root.get("width") is None  # scales with its container
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find("svg:title", NS).get("id") == title_id
    assert root.find("svg:desc", NS).get("id") == desc_id
    assert root.find("svg:desc", NS).text


@pytest.mark.parametrize("kind", ALL_CHARTS)
def test_the_same_input_gives_the_same_string(kind):
    assert ALL_CHARTS[kind]() == ALL_CHARTS[kind]()


def test_ids_come_from_the_content_so_two_charts_on_a_page_do_not_clash():
    first = parse(stacked_bars_svg([2026], {"A": [1.0]}, "Option A"))
    second = parse(stacked_bars_svg([2026], {"A": [1.0]}, "Option B"))
    assert first.get("aria-labelledby") != second.get("aria-labelledby")


def test_text_is_escaped():
    svg = stacked_bars_svg([2026], {"<b>Capex & co</b>": [5.0]}, 'Chi phí "A" <script>')
    root = parse(svg)
    assert root.find("svg:title", NS).text == 'Chi phí "A" <script>'
    assert "<script>" not in svg
    assert "<b>Capex & co</b>" in texts(root)


def test_bar_heights_are_proportional_to_the_values():
    # Plot: y from 56 (top) to 320 (bottom) = 264 px; ticks 0..200, so 1 unit = 1.32 px.
    # Bands: (640 - 88 - 32) / 2 = 260 px, bars 70 % wide and centred.
    root = parse(stacked_bars_svg([2026, 2027], {"A": [100.0, 200.0]}, "t", "VND", "en"))
    rects = data_rects(root)
    assert [(r["x"], r["y"], r["width"], r["height"]) for r in rects] == [
        ("127", "188", "182", "132"),
        ("387", "56", "182", "264"),
    ]
    assert [r["tooltip"] for r in rects] == ["A, 2026: 100 VND", "A, 2027: 200 VND"]


def test_stacked_series_sit_on_each_other_and_negative_values_hang_below_zero():
    # Ticks -100..100: zero at y = 56 + 132 = 188; 1 unit = 1.32 px.
    root = parse(
        stacked_bars_svg([2026], {"Cost": [60.0], "More": [40.0], "Revenue": [-100.0]}, "t", "VND", "en")
    )
    assert [(r["y"], r["height"]) for r in data_rects(root)] == [
        ("108.8", "79.2"),  # 0..60
        ("56", "52.8"),  # 60..100
        ("188", "132"),  # -100..0
    ]


def test_zero_values_draw_no_bar():
    root = parse(stacked_bars_svg([2026, 2027], {"A": [0.0, 10.0]}, "t"))
    assert len(data_rects(root)) == 1


@pytest.mark.parametrize(
    ("label", "chart"),
    [
        ("no years", lambda: stacked_bars_svg([], {}, "Chi phí", "VND", "vi")),
        ("no series", lambda: lines_svg([2026], {}, "Chi phí", "VND", "vi")),
        ("no counts", lambda: histogram_svg([], [], {}, "Chi phí", "VND", "vi")),
        ("all counts zero", lambda: histogram_svg([0, 1], [0], {}, "Chi phí", "VND", "vi")),
        ("no values", lambda: s_curve_svg([], [], {}, "Chi phí", "VND", "vi")),
        ("no bars", lambda: tornado_svg([], 0.0, "Chi phí", "VND", "vi")),
    ],
)
def test_empty_data_gives_a_no_data_chart(label, chart):
    root = parse(chart())
    assert root.get("role") == "img"
    assert root.find("svg:desc", NS).text == "Không có dữ liệu"
    assert "Không có dữ liệu" in texts(root)


def test_no_data_is_in_english_for_english_readers():
    assert "No data" in texts(parse(stacked_bars_svg([], {}, "Cost", language="en")))


@pytest.mark.parametrize(
    ("label", "chart"),
    [
        ("NaN in a series", lambda: stacked_bars_svg([2026], {"A": [float("nan")]}, "t")),
        ("infinite line", lambda: lines_svg([2026], {"A": [float("inf")]}, "t")),
        ("length mismatch", lambda: stacked_bars_svg([2026, 2027], {"A": [1.0]}, "t")),
        ("edges mismatch", lambda: histogram_svg([0, 1, 2], [1], {}, "t")),
        ("edges decrease", lambda: histogram_svg([2, 1], [1], {}, "t")),
        ("probability above 1", lambda: s_curve_svg([1, 2], [0.5, 1.5], {}, "t")),
        ("NaN marker", lambda: s_curve_svg([1, 2], [0.5, 1], {"P50": float("nan")}, "t")),
    ],
)
def test_bad_numbers_raise_value_error(label, chart):
    with pytest.raises(ValueError):
        chart()


@pytest.mark.parametrize(
    ("value", "language", "expected"),
    [
        (1234567, "vi", "1.234.567"),
        (1234567, "en", "1,234,567"),
        (-1234.5, "vi", "-1.234"),
        (-0.4, "en", "0"),
    ],
)
def test_format_number_follows_the_language(value, language, expected):
    assert format_number(value, language) == expected


@pytest.mark.parametrize(
    ("value", "language", "expected"),
    [
        (1.2e9, "vi", "1,2 tỷ"),
        (1.2e9, "en", "1.2 bn"),
        (1e9, "vi", "1 tỷ"),
        (3.5e6, "vi", "3,5 triệu"),
        (3.5e6, "en", "3.5 m"),
        (-2.5e9, "en", "-2.5 bn"),
        (4.2e12, "vi", "4,2 nghìn tỷ"),
        (987654, "vi", "987.654"),
    ],
)
def test_format_short_shortens_large_amounts(value, language, expected):
    assert format_short(value, language) == expected


def test_format_percent():
    assert (format_percent(0.5, "vi"), format_percent(0.125, "vi", 1), format_percent(0.125, "en", 1)) == (
        "50%",
        "12,5%",
        "12.5%",
    )


def test_axis_labels_use_one_unit_and_the_language():
    vietnamese = texts(parse(stacked_bars_svg([2026], {"A": [2e9]}, "t", "VND", "vi")))
    english = texts(parse(stacked_bars_svg([2026], {"A": [2e9]}, "t", "VND", "en")))
    assert [t for t in vietnamese if "tỷ" in t or t == "0"] == ["0", "0,5 tỷ", "1,0 tỷ", "1,5 tỷ", "2,0 tỷ"]
    assert [t for t in english if " bn" in t or t == "0"] == ["0", "0.5 bn", "1.0 bn", "1.5 bn", "2.0 bn"]
    assert "Chi phí (₫)" in vietnamese and "Cost (VND)" in english


def test_the_description_states_the_totals_in_words():
    svg = stacked_bars_svg([2026, 2027], {"Capex": [1000.0, 2000.0]}, "Chi phí", "VND", "vi")
    assert parse(svg).find("svg:desc", NS).text == "Chi phí. Năm 2026-2027; tổng: Capex 3.000 ₫."


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        (0, 200, [0, 50, 100, 150, 200]),
        (-100, 100, [-100, -50, 0, 50, 100]),
        (0, 0, [0, 0.2, 0.4, 0.6000000000000001, 0.8, 1.0]),
        (0, 2e9, [0, 5e8, 1e9, 1.5e9, 2e9]),
    ],
)
def test_nice_ticks(low, high, expected):
    assert nice_ticks(low, high) == expected


def test_lines_have_distinct_colours_and_dashes_and_a_point_per_year():
    root = parse(
        lines_svg([2026, 2027, 2028], {"PSC": [1.0, 2.0, 3.0], "PPP": [0.5, 2.0, 4.0]}, "t", "VND", "en")
    )
    polylines = list(root.iter("{http://www.w3.org/2000/svg}polyline"))
    assert [(p.get("stroke"), p.get("stroke-dasharray")) for p in polylines] == [
        ("#0072B2", None),
        ("#E69F00", "6 3"),
    ]
    circles = [c.find("svg:title", NS).text for c in root.iter("{http://www.w3.org/2000/svg}circle")]
    assert circles[:3] == ["PSC, 2026: 1 VND", "PSC, 2027: 2 VND", "PSC, 2028: 3 VND"]


def test_histogram_bars_are_proportional_and_markers_are_labelled():
    # Counts 1, 2, 4: y ticks 0..4, 264 px high, so 66 px per simulation.
    svg = histogram_svg([0, 1e9, 2e9, 3e9], [1, 2, 4], {"P90": 2.7e9, "P50": 1.6e9}, "NPV", "VND", "vi")
    root = parse(svg)
    assert [r["height"] for r in data_rects(root)] == ["66", "132", "264"]
    labels = texts(root)
    assert labels.index("P50: 1,6 tỷ") < labels.index("P90: 2,7 tỷ")
    assert "Số lần mô phỏng" in labels


def test_s_curve_marks_the_probability_at_each_marker():
    root = parse(s_curve_svg([0.0, 100.0], [0.0, 1.0], {"P70": 70.0}, "t", "VND", "en"))
    circle = next(root.iter("{http://www.w3.org/2000/svg}circle"))
    # y runs from 320 (0 %) to 56 (100 %): 70 % sits at 320 - 0.7 x 264 = 135.2.
    assert circle.get("cy") == "135.2"
    assert circle.find("svg:title", NS).text == "P70: 70 VND, 70.0%"
    assert "100%" in texts(root)


def test_tornado_bars_run_from_the_base_to_each_result():
    # Ticks 80..130 over x = 170..608 (438 px): 8.76 px per unit; the base 100 sits at 345.2.
    root = parse(tornado_svg([("Unit costs", 80.0, 130.0)], 100.0, "t", "VND", "en"))
    assert [(r["x"], r["width"]) for r in data_rects(root)] == [("170", "175.2"), ("345.2", "262.8")]
    assert "Unit costs" in texts(root)
