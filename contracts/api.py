"""API operations of the contracts app, mounted by ppp/api.py."""

from ninja import Router

router = Router(tags=["contracts"])
