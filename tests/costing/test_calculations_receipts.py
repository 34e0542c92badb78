"""Canonical JSON and input hashes: stable under key order, different for any changed value."""

from __future__ import annotations

import dataclasses
import hashlib
from decimal import Decimal

import pytest

from costing.calculations import ENGINE_VERSION, LineInput, ModelInput, canonical_json, input_hash

D = Decimal


def model() -> ModelInput:
    return ModelInput(
        base_year=2025,
        horizon=2,
        basis="real",
        discount_rate=D("0.035"),
        vat_rate=D("0.10"),
        general_escalation=D("0.04"),
        lines=(LineInput("HW", "Máy chủ", "equipment_hardware", "capex", D(1000), (D(2), D(0)), None, 2),),
    )


@pytest.mark.parametrize(
    ("label", "value", "expected"),
    [
        ("sorted keys, no spaces", {"b": 1, "a": [1, 2]}, '{"a":[1,2],"b":1}'),
        (
            "decimals as canonical strings",
            {"x": D("1.50"), "y": D("100"), "z": D("-0.0")},
            '{"x":"1.5","y":"100","z":"0"}',
        ),
        ("large decimal stays fixed-point", D("1E+3"), '"1000"'),
        ("tuples as lists", (1, (2, 3)), "[1,[2,3]]"),
        ("non-ASCII kept", {"tên": "Đồng"}, '{"tên":"Đồng"}'),
        ("None and booleans", {"a": None, "b": True}, '{"a":null,"b":true}'),
        (
            "dataclass as dict",
            LineInput("X", "x", "telecoms", "opex", D(1), (D(1),)),
            '{"category":"telecoms","code":"X","escalation_rate":null,"kind":"opex","name":"x",'
            '"quantities":["1"],"refresh_cycle_years":null,"unit_cost":"1","vat_applicable":true}',
        ),
    ],
)
def test_canonical_json(label, value, expected):
    assert canonical_json(value) == expected, label


@pytest.mark.parametrize(
    ("label", "value", "error"),
    [
        ("NaN decimal", D("NaN"), ValueError),
        ("NaN float", float("nan"), ValueError),
        ("set", {1, 2}, TypeError),
        ("non-string key", {1: "a"}, TypeError),
    ],
)
def test_canonical_json_refuses(label, value, error):
    with pytest.raises(error):
        canonical_json(value)


def test_input_hash_is_sha256_of_the_canonical_payload():
    payload = canonical_json({"engine": ENGINE_VERSION, "model": model(), "extra": {"seed": 1}})
    assert input_hash(model(), {"seed": 1}) == hashlib.sha256(payload.encode("utf-8")).hexdigest()
    assert ENGINE_VERSION == "costing-engine/1"


def test_input_hash_ignores_key_order_and_decimal_spelling():
    assert input_hash(model(), {"a": 1, "b": {"c": D("0.10"), "d": 2}}) == input_hash(
        model(), {"b": {"d": 2, "c": D("0.1")}, "a": 1}
    )
    spelled = dataclasses.replace(model(), vat_rate=D("0.1000"))
    assert input_hash(spelled) == input_hash(model())


def replace_line(**changes) -> ModelInput:
    return dataclasses.replace(model(), lines=(dataclasses.replace(model().lines[0], **changes),))


@pytest.mark.parametrize(
    ("label", "changed"),
    [
        ("base year", lambda: dataclasses.replace(model(), base_year=2026)),
        ("horizon", lambda: dataclasses.replace(model(), horizon=3)),
        ("basis", lambda: dataclasses.replace(model(), basis="nominal")),
        ("discount rate", lambda: dataclasses.replace(model(), discount_rate=D("0.0351"))),
        ("VAT", lambda: dataclasses.replace(model(), vat_rate=D("0.08"))),
        ("escalation", lambda: dataclasses.replace(model(), general_escalation=D("0.05"))),
        ("currency", lambda: dataclasses.replace(model(), currency="USD")),
        ("line code", lambda: replace_line(code="HW2")),
        ("line name", lambda: replace_line(name="May chu")),
        ("category", lambda: replace_line(category="equipment_software")),
        ("unit cost", lambda: replace_line(unit_cost=D("1000.01"))),
        ("quantity", lambda: replace_line(quantities=(D(2), D("0.000001")))),
        ("line escalation", lambda: replace_line(escalation_rate=D(0))),
        ("refresh", lambda: replace_line(refresh_cycle_years=None)),
        ("VAT flag", lambda: replace_line(vat_applicable=False)),
        ("no lines", lambda: dataclasses.replace(model(), lines=())),
    ],
)
def test_input_hash_changes_with_any_value(label, changed):
    assert input_hash(changed()) != input_hash(model()), label


def test_input_hash_changes_with_extra():
    assert input_hash(model(), {"seed": 1}) != input_hash(model(), {"seed": 2})
    assert input_hash(model(), None) != input_hash(model(), {})
