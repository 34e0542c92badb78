"""API operations of costing, mounted by ppp/api.py under /api/v1/costing.

Every operation is parse -> selector (access: missing and not-yours are the same 404) -> one service
(which raises 403/409 itself and names every bad field in a 400) -> Out schema. Money travels as
strings; errors have the one shape {code, message, fields}.

Path ids are matched as text and parsed by ninja (so "/models/abc" is a 400 naming model_id), which
makes the order of the routes matter: "/models/import" must come before "/models/{model_id}" and
"/scenarios/compare" before "/scenarios/{scenario_id}". The sub-routers are mounted in that order.
"""

from ninja import Router

from . import analysis, content, cost_models, workbooks

router = Router()
router.add_router("", workbooks.router)  # POST /models/import before /models/{model_id}
router.add_router("", cost_models.router)
router.add_router("", analysis.router)  # GET /scenarios/compare before /scenarios/{scenario_id}
router.add_router("", content.router)

__all__ = ["router"]
