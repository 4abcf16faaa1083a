"""Background tasks: a page's links checked when it is published, and jobs that run on a schedule with no cron.

A scheduled job is a ScheduledJob row plus exactly one queued task. When the task runs, it first queues its
next run (committed at once, so a crash mid-run never ends the schedule), then does its work and records the
outcome. `ensure_scheduled` queues a job's run only if none is waiting; `manage.py worker` calls it before it
starts the worker. A run that finds its job not yet due (a stray extra run) does nothing, so the work is never
done twice for one period.
"""

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django_tasks import task
from django_tasks.base import Task, TaskResultStatus
from django_tasks_db.models import DBTaskResult

from microcredentials.health import links, reminders
from microcredentials.lib.nztime import NZ_TIME
from microcredentials.models import ScheduledJob

logger = logging.getLogger(__name__)


@task()
def check_page_links(page_id: int) -> int:
    """Check one page's external links (queued when a page is published). Returns how many were checked."""
    return len(links.check_page_by_id(page_id))


@dataclass(frozen=True)
class JobSpec:
    name: str
    weekday: int  # 0 is Monday, in New Zealand time
    at: datetime.time
    work: Callable[[], str]  # does the job; returns what happened, in a sentence

    @property
    def task(self) -> Task:
        return SCHEDULED_TASKS[self.name]


LINK_CHECK = JobSpec("Link check", 0, datetime.time(3, 0), lambda: links.run_link_check())
REVIEW_DIGEST = JobSpec("Review digest", 0, datetime.time(7, 0), lambda: reminders.send_review_digests())
JOBS = {job.name: job for job in (LINK_CHECK, REVIEW_DIGEST)}


@task()
def weekly_link_check() -> str:
    return run_job(LINK_CHECK)


@task()
def weekly_review_digest() -> str:
    return run_job(REVIEW_DIGEST)


SCHEDULED_TASKS: dict[str, Task] = {LINK_CHECK.name: weekly_link_check, REVIEW_DIGEST.name: weekly_review_digest}


def next_slot(spec: JobSpec, after: datetime.datetime) -> datetime.datetime:
    """The job's next moment strictly after `after`: its weekday and New Zealand clock time."""
    local = after.astimezone(NZ_TIME)
    day = local.date() + datetime.timedelta(days=(spec.weekday - local.weekday()) % 7)
    slot = datetime.datetime.combine(day, spec.at, tzinfo=NZ_TIME)
    if slot <= local:
        slot = datetime.datetime.combine(day + datetime.timedelta(days=7), spec.at, tzinfo=NZ_TIME)
    return slot.astimezone(datetime.UTC)


def ensure_scheduled(now: datetime.datetime | None = None) -> list[ScheduledJob]:
    """Queue each job's next run unless one is already waiting. Safe to call any number of times."""
    now = now or timezone.now()
    jobs = []
    for spec in JOBS.values():
        with transaction.atomic():
            job = _locked_job(spec.name)
            if job.next_run_at is None:
                job.next_run_at = next_slot(spec, now)
            _queue_unless_waiting(job, spec)
            jobs.append(job)
    return jobs


def run_job(spec: JobSpec) -> str:
    """One scheduled run: queue the next, do the work, record how it went."""
    started = timezone.now()
    with transaction.atomic():
        job = _locked_job(spec.name)
        if job.next_run_at is not None and job.next_run_at > started:
            _queue_unless_waiting(job, spec)
            return "Not due yet: nothing done."
        job.next_run_at = next_slot(spec, started)
        job.pending_task_id = ""
        _queue_unless_waiting(job, spec)
    try:
        outcome = spec.work()
    except Exception as error:
        _record(spec.name, started, ScheduledJob.Outcome.FAILED, f"Failed: {type(error).__name__}: {error}")
        raise
    _record(spec.name, started, ScheduledJob.Outcome.SUCCEEDED, outcome)
    return outcome


def _locked_job(name: str) -> ScheduledJob:
    ScheduledJob.objects.get_or_create(name=name)
    return ScheduledJob.objects.select_for_update().get(name=name)


def _queue_unless_waiting(job: ScheduledJob, spec: JobSpec) -> None:
    waiting = DBTaskResult.objects.filter(task_path=spec.task.module_path, status=TaskResultStatus.READY)
    if not waiting.exists():
        result = spec.task.using(run_after=job.next_run_at).enqueue()
        job.pending_task_id = str(result.id)
    job.save()


def _record(name: str, started: datetime.datetime, status: str, outcome: str) -> None:
    ScheduledJob.objects.filter(name=name).update(last_run_at=started, last_status=status, last_outcome=outcome[:500])
    logger.info("Scheduled job %s: %s", name, outcome)
