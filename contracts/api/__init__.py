"""API operations of tendering, mounted by ppp/api.py under /api/v1/contracts.

Every operation is parse -> selector (access: missing and not-yours are the same 404, and before
opening a bid is missing for everyone outside its vendor) -> one service (which raises 403/409
itself and names every bad field in a 400, legal rules with their basis) -> Out schema. Money travels
as strings; errors have the one shape {code, message, fields}.

tenders.py: tenders, criteria, workflow, amendments, history. clarifications.py: questions and
answers. bids.py: a vendor's own bid, the price form, and the bids after opening. opening.py: the
opening, its record, the comparison. evaluation.py: panel, declarations, compliance, scores,
corrections, figures. awards.py: awards and the approver's queue. contracting.py: contracts after the award.
"""

from ninja import Router

from . import awards, bids, clarifications, contracting, evaluation, opening, tenders

router = Router()
router.add_router("", tenders.router)
router.add_router("", clarifications.router)
router.add_router("", bids.router)
router.add_router("", opening.router)
router.add_router("", evaluation.router)
router.add_router("", awards.router)
router.add_router("", contracting.router)

__all__ = ["router"]
