"""The documents of tendering and contracts, registered with ppp.documents when the app is ready:
bidding.py, the bidding document and the blank bid and price forms of a tender; records.py, the bid
receipt, the opening record, the evaluation report and the award decision; contract.py, the contract
summary with its price schedule, payment mechanism and service levels."""

from . import bidding, contract, records

__all__ = ["bidding", "contract", "records"]
