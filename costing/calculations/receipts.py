"""Receipts: a canonical JSON form of calculation inputs and its hash, stored with every result so
any figure in a PDF can be recomputed and checked (STYLE.md rule 8)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
from decimal import Decimal
from typing import Any

import numpy as np

ENGINE_VERSION = "costing-engine/1"


def _canonical_decimal(value: Decimal) -> str:
    """A Decimal's value as fixed-point text: Decimal("1.50") and Decimal("1.5") both give "1.5"."""
    if not value.is_finite():
        raise ValueError("canonical JSON cannot hold NaN or infinite Decimals")
    if value.is_zero():
        return "0"
    text = format(value.normalize(), "f")
    return text


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("canonical JSON cannot hold NaN or infinite floats")
        return value
    if isinstance(value, Decimal):
        return _canonical_decimal(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: _plain(getattr(value, field.name)) for field in dataclasses.fields(value)}
    if isinstance(value, dict):
        if not all(isinstance(key, str) for key in value):
            raise TypeError("canonical JSON needs string keys")
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, np.ndarray):
        # Quantities as an array hash like the same quantities as Decimals.
        return [_canonical_decimal(Decimal(repr(float(item)))) for item in value.tolist()]
    raise TypeError(f"cannot put {type(value).__name__} in canonical JSON")


def canonical_json(obj: Any) -> str:
    """JSON with sorted keys and no spaces; Decimals as canonical strings; dataclasses as dicts;
    tuples as lists; non-ASCII text kept as is. Floats are written by repr; NaN is refused."""
    return json.dumps(_plain(obj), sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def input_hash(model: Any, extra: dict[str, Any] | None = None) -> str:
    """sha256 hex of canonical_json({"engine": ENGINE_VERSION, "model": model, "extra": extra})."""
    payload = canonical_json({"engine": ENGINE_VERSION, "model": model, "extra": extra})
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
