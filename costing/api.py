"""API operations of the costing app, mounted by ppp/api.py."""

from ninja import Router

router = Router(tags=["costing"])
