"""The records of a tender as documents, one module each (registered when imported):
records_receipt, the vendor's receipt of a submitted bid (on "contracts.bid"); records_opening, the bid
opening record, and records_evaluation, the evaluation report (both on "contracts.tender"); and
records_award, the award decision (on "contracts.award")."""

from . import records_award, records_evaluation, records_opening, records_receipt

KINDS = [records_receipt.KIND, records_opening.KIND, records_evaluation.KIND, records_award.KIND]

__all__ = ["KINDS", "records_award", "records_evaluation", "records_opening", "records_receipt"]
