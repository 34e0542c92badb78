import pytest
from django.conf import settings


def test_tasks_run_immediately_in_tests():
    assert settings.TASKS["default"]["BACKEND"] == "django_tasks.backends.immediate.ImmediateBackend"


@pytest.mark.django_db
def test_selftest_job_reports_progress(finance_officer, django_capture_on_commit_callbacks):
    from ppp.jobs import job_start
    from ppp.models import Job

    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(owner=finance_officer, kind="ppp.selftest", parameters={"n": 4})
    job = Job.objects.get(pk=job.pk)
    assert (job.status, job.done, job.total, job.result) == ("succeeded", 4, 4, {"counted": 4})
