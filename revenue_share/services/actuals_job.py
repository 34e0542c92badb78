"""The background import of a stored upload ("revenue_share.import" jobs): read and check the file
outside any transaction, so that the rows read show on the job page while it runs, then write it in
one transaction under the contract's lock. A refusal marks the upload rejected with its report (kept
for the page and the API) and fails the job with the same error; nothing else is written."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ppp import jobs
from ppp.errors import ValidationFailed
from ppp.models import Job
from revenue_share import imports
from revenue_share.imports import ImportRejected
from revenue_share.models import ActualsUpload, UploadStatus

from .actuals import JOB_KIND, import_context, lock, parse, record, write


@jobs.register(JOB_KIND)
def actuals_import_run(job: Job) -> dict[str, Any]:
    """Import a stored upload: read and check it outside any transaction (so progress shows), then
    write it in one. A refusal marks the upload rejected with its report and fails the job."""
    upload = ActualsUpload.objects.select_related("contract", "uploaded_by").get(pk=job.parameters["upload"])
    if upload.status != UploadStatus.PENDING:  # a job run twice: the first run decided
        return {"upload": upload.pk, "status": upload.status}
    language = job.parameters.get("language") or settings.LANGUAGE_CODE

    def progress(done: int, total: int) -> None:
        jobs.job_progress(job, done=done, total=total, message=_("%(done)d rows read") % {"done": done})

    with translation.override(language):
        try:
            context = import_context(upload.contract, upload.kind, replace=upload.replace)
            file_format = upload.file.name.rsplit(".", 1)[-1]
            with upload.file.open("rb") as source:
                parsed = parse(upload.kind, source, file_format, upload.size, context, progress)
            with transaction.atomic():
                lock(upload.contract)
                upload.status = UploadStatus.IMPORTED
                upload.rows = parsed.rows
                upload.finished_at = timezone.now()
                write(upload, parsed)
        except ImportRejected as rejected:
            finish(upload, UploadStatus.REJECTED, rejected)
            raise
        except ValidationFailed as refused:
            finish(
                upload,
                UploadStatus.REJECTED,
                imports.reject("file", refused.fields.get("file", refused.message)),
            )
            raise
        except Exception:
            finish(
                upload,
                UploadStatus.FAILED,
                imports.reject("file", _("the import stopped on an unexpected error")),
            )
            raise
    return {"upload": upload.pk, "rows": upload.rows, **upload.summary}


def finish(upload: ActualsUpload, status: str, rejected: ImportRejected) -> None:
    with transaction.atomic():
        upload.status = status
        upload.errors = [problem.as_dict() for problem in rejected.problems]
        upload.error_count = rejected.total
        upload.finished_at = timezone.now()
        upload.save(update_fields=["status", "errors", "error_count", "finished_at"])
        record(upload, f"actuals.{status}", after={"error_count": rejected.total})
