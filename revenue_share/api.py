"""API operations of the revenue share app, mounted by ppp/api.py."""

from ninja import Router

router = Router(tags=["revenue_share"])
