"""The API's one pagination: `limit` and `offset`, both bounded, so that a number no database column
can hold is a 400 naming the parameter rather than a 500. Every app's list operations use it:

    from ppp.pagination import Pagination
    @paginate(Pagination)

(`@paginate` without a class picks it too: settings.NINJA_PAGINATION_CLASS names it.)
"""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema
from ninja.conf import settings as ninja_settings
from ninja.pagination import LimitOffsetPagination

MAX_LIMIT = 500  # items in one page
MAX_OFFSET = 10**9  # items skipped; far beyond any list here, far within every database's integers


class Pagination(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(
            min(ninja_settings.PAGINATION_PER_PAGE, MAX_LIMIT),
            ge=1,
            le=MAX_LIMIT,
            description=f"Items in the page, 1 to {MAX_LIMIT}.",
        )
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Items to skip before the page.")

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_limit", MAX_LIMIT)
        super().__init__(**kwargs)
