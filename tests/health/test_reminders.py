"""Review reminders: "Mark reviewed", the weekly digest over real SMTP, the dashboard, and the schedule that
runs them with no cron (the real worker, with time moved on by time-machine)."""

import datetime
import io
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path

import pytest
import time_machine
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from microcredentials.health import jobs, links
from microcredentials.lib.nztime import NZ_TIME
from microcredentials.models import AdvicePage, LinkCheck, PageFeedback, PageReview, ScheduledJob
from tests.conftest import WORKER_DB, run_worker
from tests.editing.helpers import CONTENT_EDITORS, change_url, login, make_user
from tests.services import manage, production_env

MakePage = Callable[..., AdvicePage]
WEDNESDAY = datetime.datetime(2027, 3, 3, 12, 0, tzinfo=NZ_TIME)
MONDAY = datetime.datetime(2027, 3, 8, 7, 30, tzinfo=NZ_TIME)  # after both jobs' time that day


@pytest.fixture
def owner(db: None) -> User:
    user = make_user("aroha", CONTENT_EDITORS, full_name="Aroha Ngata")
    user.email = "aroha@example.govt.nz"
    user.save()
    return user


def email_text(message: EmailMessage) -> str:
    return message.get_body().get_content().replace("\r\n", "\n")  # type: ignore[union-attr]


def waiting(task: object) -> int:
    path = task.module_path  # type: ignore[attr-defined]
    return DBTaskResult.objects.filter(task_path=path, status=TaskResultStatus.READY).count()


def test_mark_reviewed_sets_the_next_review_date_and_counts_feedback_from_then(
    client: Client, make_page: MakePage, owner: User
) -> None:
    with time_machine.travel(WEDNESDAY, tick=False):
        page = make_page(owner=owner, review_by=datetime.date(2027, 3, 1))
        PageFeedback.objects.create(page=page, useful=False, comment="Out of date.")
        login(client, owner)
        assert "“No” answers to “Was this page useful?” so far: 1." in client.get(change_url(page)).content.decode()
        response = client.post(reverse("admin:microcredentials_pagereview_mark", args=[page.pk]), follow=True)
    assert "Marked as reviewed. Next review by Friday 3 September 2027." in response.content.decode()
    page.refresh_from_db()
    assert page.review_by == datetime.date(2027, 9, 3)
    review = PageReview.objects.get(page=page)
    assert (review.reviewed_by, review.next_review_by) == (owner, datetime.date(2027, 9, 3))
    assert (
        LogEntry.objects.latest("pk").get_change_message()
        == "Marked as reviewed. Next review by Friday 3 September 2027."
    )
    assert page.version == 2  # a revision of the page records it
    text = client.get(change_url(page)).content.decode()
    assert "since then: 0." in text


@WORKER_DB
def test_the_digest_reaches_the_owner_over_smtp_with_pages_due_feedback_and_broken_links(
    make_page: MakePage, owner: User, smtp_server: list[EmailMessage], link_server: object
) -> None:
    other = make_user("mere", CONTENT_EDITORS)  # owns nothing due: no email
    other.email = "mere@example.govt.nz"
    other.save()
    with time_machine.travel(WEDNESDAY, tick=False):
        due = make_page(owner=owner, review_by=datetime.date(2027, 3, 10), body=_links(link_server, "/missing"))
        make_page(title="Later", slug="later", owner=owner, review_by=datetime.date(2027, 6, 1))
        make_page(title="Not due", slug="not-due", owner=other, review_by=datetime.date(2027, 6, 1))
        PageFeedback.objects.create(page=due, useful=False, comment="The fee is wrong.")
        PageFeedback.objects.create(page=due, useful=True)
        links.check_pages([due])
        out = io.StringIO()
        call_command("send_review_digests", stdout=out)
        run_worker()
    assert out.getvalue().strip() == "Sent 1 review digest."
    [message] = smtp_server
    assert message["To"] == "aroha@example.govt.nz"
    assert message["Subject"] == "1 page to review"
    text = email_text(message)
    assert "Kia ora Aroha Ngata," in text
    assert "Write a CV\n" in text and "- Review by Wednesday 10 March 2027\n" in text
    assert "“No” answers to “Was this page useful?” so far (no review recorded): 1" in text
    assert "“The fee is wrong.”" in text
    assert "- Broken link: http://127.0.0.1:" in text and "/missing (HTTP 404)" in text
    assert "Later" not in text


def _links(server: object, path: str) -> str:
    return f"## Links\n\n[The missing page]({server.url(path)})\n"  # type: ignore[attr-defined]


def test_the_dashboard_shows_pages_due_their_feedback_and_broken_links(
    client: Client, make_page: MakePage, owner: User, link_server: object
) -> None:
    page = make_page(owner=owner, review_by=datetime.date.today(), body=_links(link_server, "/missing"))
    PageFeedback.objects.create(page=page, useful=False)
    links.check_pages([page])
    text = login(client, owner).get(reverse("admin:index")).content.decode()
    assert "Content health" in text
    assert "1 “No” answer so far; 1 broken link" in text
    assert f'{change_url(page)}#content-health">Write a CV</a>: 1 broken link' in text


@WORKER_DB
def test_the_schedule_runs_every_week_without_cron_and_never_sends_a_digest_twice(
    make_page: MakePage, owner: User, smtp_server: list[EmailMessage], client: Client
) -> None:
    with time_machine.travel(WEDNESDAY, tick=False) as clock:
        make_page(owner=owner, review_by=datetime.date(2027, 3, 10))
        call_command("worker", "--batch", "--no-startup-delay", "--interval", "0", stdout=io.StringIO())
        jobs.ensure_scheduled()  # again: still one run waiting for each job
        assert waiting(jobs.weekly_review_digest) == 1 and waiting(jobs.weekly_link_check) == 1
        digest = ScheduledJob.objects.get(name="Review digest")
        assert digest.next_run_at == datetime.datetime(2027, 3, 8, 7, 0, tzinfo=NZ_TIME)
        assert smtp_server == []  # not due yet

        clock.move_to(MONDAY)
        run_worker()
        assert len(smtp_server) == 1
        run_worker()
        jobs.weekly_review_digest.enqueue()  # a stray extra run the same week does nothing
        run_worker()
        assert len(smtp_server) == 1
        digest.refresh_from_db()
        assert (digest.last_status, digest.last_outcome) == ("succeeded", "Sent 1 review digest.")
        assert digest.next_run_at == datetime.datetime(2027, 3, 15, 7, 0, tzinfo=NZ_TIME)
        assert waiting(jobs.weekly_review_digest) == 1 and waiting(jobs.weekly_link_check) == 1

        clock.move_to(MONDAY + datetime.timedelta(days=7))
        run_worker()
        run_worker()
        assert len(smtp_server) == 2
        checks = ScheduledJob.objects.get(name="Link check")
        assert checks.last_outcome == "Checked 0 links on 1 page: 0 broken, 0 redirected."

        admin = make_user("boss", CONTENT_EDITORS)
        text = login(client, admin).get(reverse("admin:microcredentials_scheduledjob_changelist")).content.decode()
    assert "Review digest" in text and "Succeeded" in text
    assert "Sent 1 review digest." in text
    assert "22 Mar 2027, 7.00am" in text  # the next run


@WORKER_DB
def test_a_job_that_fails_is_recorded_and_still_runs_next_week(
    make_page: MakePage, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken() -> str:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(jobs, "LINK_CHECK", jobs.JobSpec("Link check", 0, datetime.time(3, 0), broken))
    with time_machine.travel(WEDNESDAY, tick=False) as clock:
        jobs.ensure_scheduled()
        clock.move_to(MONDAY)
        run_worker()
    job = ScheduledJob.objects.get(name="Link check")
    assert (job.last_status, job.last_outcome) == ("failed", "Failed: RuntimeError: the database went away")
    assert job.next_run_at == datetime.datetime(2027, 3, 15, 3, 0, tzinfo=NZ_TIME)
    assert waiting(jobs.weekly_link_check) == 1
    assert not LinkCheck.objects.exists()


@pytest.mark.slow
def test_the_worker_command_in_its_own_process_queues_each_job_once(tmp_path: Path) -> None:
    env = production_env(DATABASE_URL=f"sqlite:///{tmp_path / 'site.sqlite3'}")
    manage(env, "migrate", "--no-input")
    for _ in range(2):
        manage(env, "worker", "--batch", "--no-startup-delay", "--interval", "0")
    count = (
        "from django_tasks_db.models import DBTaskResult; from microcredentials.models import ScheduledJob; "
        "print(DBTaskResult.objects.filter(status='READY').count(), "
        "sorted(ScheduledJob.objects.filter(next_run_at__isnull=False).values_list('name', flat=True)))"
    )
    assert manage(env, "shell", "-c", count).strip().splitlines()[-1] == "2 ['Link check', 'Review digest']"
