"""Schemas of clarifications. A question is published with its answer to every participant without
naming who asked: the out schema has no asker or vendor field at all, for anyone."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field

from ppp.schemas import InSchema


class ClarificationIn(InSchema):
    question: str = Field(max_length=10_000)
    vendor_id: int | None = Field(
        None,
        description="The company asking; optional when the caller belongs to exactly one verified vendor",
    )


class ClarificationAnswerIn(InSchema):
    answer: str = Field(max_length=20_000)


class ClarificationOut(Schema):
    id: int
    question: str
    answer: str
    asked_at: dt.datetime
    answered_at: dt.datetime | None
    is_answered: bool

    @staticmethod
    def resolve_is_answered(obj: Any) -> bool:
        return obj.answered_at is not None
