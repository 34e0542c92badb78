"""The documents of a cost model version, registered with ppp.documents when the app is ready:
estimate.py, the cost estimate (pricing document); appraisal.py, the options appraisal and
value-for-money report."""

from . import appraisal, estimate

__all__ = ["appraisal", "estimate"]
