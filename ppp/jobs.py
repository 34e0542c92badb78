"""Background work with visible progress.

A service creates a Job row and enqueues a django-tasks task with the job id; the task reports
progress on the row (`job_progress`), which pages and the API read. The worker runs as
`manage.py db_worker`; tests use the immediate backend so tasks run at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django_tasks import task

from ppp.models import Job, JobStatus, Organisation, User

_HANDLERS: dict[str, Callable[[Job], Any]] = {}


def register(kind: str) -> Callable[[Callable[[Job], Any]], Callable[[Job], Any]]:
    """Declare the function that runs jobs of `kind`. It returns the job's JSON result."""

    def decorator(function: Callable[[Job], Any]) -> Callable[[Job], Any]:
        _HANDLERS[kind] = function
        return function

    return decorator


def job_start(
    *, owner: User, kind: str, parameters: dict[str, Any], organisation: Organisation | None = None
) -> Job:
    """Create the job row and enqueue its run once the surrounding transaction commits."""
    if kind not in _HANDLERS:
        raise KeyError(f"no job handler for {kind!r}")
    job = Job.objects.create(owner=owner, kind=kind, parameters=parameters, organisation=organisation)
    transaction.on_commit(lambda: run_job.enqueue(str(job.pk)))
    return job


def job_progress(job: Job, *, done: int, total: int | None = None, message: str = "") -> None:
    """Record progress; written straight away (outside the job's own transaction) so readers see it."""
    fields: dict[str, Any] = {"done": done, "status": JobStatus.RUNNING}
    if total is not None:
        fields["total"] = total
    if message:
        fields["message"] = message[:500]
    Job.objects.filter(pk=job.pk).update(**fields)
    job.done = done
    if total is not None:
        job.total = total


@task()
def run_job(job_id: str) -> None:
    job = Job.objects.get(pk=job_id)
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)
    handler = _HANDLERS[job.kind]
    try:
        result = handler(job)
    except Exception as error:  # the job row must say why it failed; the worker keeps going
        from ppp.errors import DomainError

        detail = (
            error.as_dict()
            if isinstance(error, DomainError)
            else {"code": "job.failed", "message": str(error)}
        )
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED, error=detail, message=detail["message"][:500]
        )
        if not isinstance(error, DomainError):
            raise
        return
    job.refresh_from_db(fields=["total"])
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.SUCCEEDED, result=result, done=max(job.total, 1), total=max(job.total, 1)
    )


@register("ppp.selftest")
def _selftest(job: Job) -> dict[str, Any]:
    """A tiny job that counts to `n`, used to show and test progress reporting end to end."""
    n = int(job.parameters.get("n", 3))
    for i in range(1, n + 1):
        job_progress(job, done=i, total=n, message=f"{i}/{n}")
    return {"counted": n}
