"""Pages of tendering: agency.py (workspace, decisions, evaluation) and vendor.py (a vendor's bid)."""
