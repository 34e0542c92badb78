"""Amounts in words, as official documents write them under the figures ("Bằng chữ: ...")."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from num2words import num2words

UNITS = {
    "vi": {"VND": "đồng", "USD": "đô la Mỹ"},
    "en": {"VND": "dong", "USD": "US dollars"},
}
NEGATIVE = {"vi": "âm", "en": "minus"}


def amount_in_words(amount: Decimal | int | str, currency: str = "VND", language: str = "vi") -> str:
    """3041920000 -> "Ba tỷ bốn mươi mốt triệu chín trăm hai mươi nghìn đồng" (vi) or "Three billion,
    forty-one million, nine hundred and twenty thousand dong" (en). Rounded half up to a whole unit
    (the đồng has no smaller unit in use)."""
    language = "vi" if language.startswith("vi") else "en"
    whole = int(Decimal(str(amount)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    text = num2words(abs(whole), lang=language)
    if whole < 0:
        text = f"{NEGATIVE[language]} {text}"
    unit = UNITS[language].get(currency, currency)
    return f"{text[:1].upper()}{text[1:]} {unit}"
