"""Writes of the revenue share app: the import of a contract's actuals (per-period volumes and
collections, raw transaction logs, KPI measurements, availability failures), all or nothing; the
settlement statements (settlements.py) and their payments (payments.py); the forecasts.

Who: the agency's finance officers and the provider's bid preparers and signatories of that contract
(the provider reports what it collected; the agency verifies it). An upload is checked completely
before anything is written, inside one transaction; a refused small upload leaves no row at all, a
refused background import leaves its upload marked rejected with the report and no actuals.

Never twice: a file whose SHA-256 matches an upload of the same contract and kind that is imported or
being imported, or a repeated idempotency key, returns that upload. A month and service (or KPI, or
failure) already imported is overwritten only when the upload asks to replace it, even in a month
whose statement is locked: the correction is carried into a later statement as adjustment lines.

Uploads larger than BACKGROUND_BYTES (in practice transaction logs: the other kinds are limited to
that size) are stored and imported by the "revenue_share.import" job, which reports rows read
(services/actuals_job.py). The predicate `can_upload_actuals` lives here until the app has a
permissions module.
"""

from . import actuals_job  # noqa: F401 - registers the "revenue_share.import" job
from .actuals import BACKGROUND_BYTES, JOB_KIND, actuals_upload, can_upload_actuals, import_context

__all__ = ["BACKGROUND_BYTES", "JOB_KIND", "actuals_upload", "can_upload_actuals", "import_context"]
