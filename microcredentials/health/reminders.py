"""Review reminders: which pages are due, what readers said since the last review, "Mark reviewed", and the
weekly digest each page's owner gets by email."""

import calendar
import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from microcredentials.editing.revisions import User, save_with_revision, user_name
from microcredentials.lib.mail import queue_email
from microcredentials.lib.nztime import format_date
from microcredentials.models import AdvicePage, LinkCheck, PageFeedback, PageReview

REVIEW_SOON_DAYS = 14
COMMENTS_IN_DIGEST = 3


@dataclass
class PageHealth:
    page: AdvicePage
    last_reviewed_at: datetime.datetime | None = None
    no_answers: list[PageFeedback] = field(default_factory=list)
    broken: list[LinkCheck] = field(default_factory=list)
    redirected: list[LinkCheck] = field(default_factory=list)
    ok_count: int = 0

    @property
    def is_due(self) -> bool:
        return self.page.review_by is not None and self.page.review_by <= due_by()


def due_by(today: datetime.date | None = None) -> datetime.date:
    return (today or timezone.localdate()) + datetime.timedelta(days=REVIEW_SOON_DAYS)


def due_pages(today: datetime.date | None = None) -> QuerySet[AdvicePage]:
    """Pages due for review within 14 days, or overdue."""
    return (
        AdvicePage.objects.filter(review_by__isnull=False, review_by__lte=due_by(today))
        .select_related("topic", "owner")
        .order_by("review_by", "title")
    )


def page_health(page: AdvicePage) -> PageHealth:
    """One page's health: its last review, "No" answers since then, and its broken and redirected links."""
    review = PageReview.objects.filter(page=page).first()
    since = review.reviewed_at if review else None
    answers = PageFeedback.objects.filter(page=page, useful=False)
    if since is not None:
        answers = answers.filter(created_at__gt=since)
    checks = list(LinkCheck.objects.filter(page=page))
    return PageHealth(
        page=page,
        last_reviewed_at=since,
        no_answers=list(answers),
        broken=[check for check in checks if check.status == LinkCheck.Status.BROKEN],
        redirected=[check for check in checks if check.status == LinkCheck.Status.REDIRECTED],
        ok_count=sum(1 for check in checks if check.status == LinkCheck.Status.OK),
    )


def add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def mark_reviewed(page: AdvicePage, user: User) -> str:
    """Record a review now and set the next review date; the page gets a revision saying so. Returns it."""
    next_review = add_months(timezone.localdate(), settings.REVIEW_INTERVAL_MONTHS)
    message = f"Marked as reviewed. Next review by {format_date(next_review)}."
    with transaction.atomic():
        page.review_by = next_review
        save_with_revision(page, page.version, user, message)
        reviewer = user if user.is_authenticated else None
        PageReview.objects.create(
            page=page, reviewed_by=reviewer, reviewed_at=timezone.now(), next_review_by=next_review
        )  # type: ignore[misc]
    return message


def digests(today: datetime.date | None = None) -> dict[AbstractBaseUser, list[PageHealth]]:
    """Each owner (with an email address) of a page that is due, with the health of every page they own that is
    due or has broken links."""
    owners = {page.owner for page in due_pages(today) if page.owner is not None and page.owner.email}
    by_owner: dict[AbstractBaseUser, list[PageHealth]] = defaultdict(list)
    pages = AdvicePage.objects.filter(owner__in=owners).select_related("topic", "owner").order_by("review_by")
    for page in pages:
        health = page_health(page)
        if health.page.review_by and health.page.review_by <= due_by(today) or health.broken:
            by_owner[page.owner].append(health)  # type: ignore[index]
    return by_owner


def digest_text(owner: AbstractBaseUser, pages: list[PageHealth]) -> str:
    admin = f"{settings.SITE_URL}{reverse('admin:index')}"
    lines = [f"Kia ora {user_name(owner)},", "", "These pages you own need a look.", ""]
    for health in pages:
        lines.extend(_page_lines(health))
    lines.extend(
        [
            "When you have checked a page, press “Mark reviewed” on it in the admin:",
            admin,
            "",
            "You get this email each week while a page you own is due for review.",
        ]
    )
    return "\n".join(lines)


def _page_lines(health: PageHealth) -> list[str]:
    page = health.page
    url = f"{settings.SITE_URL}{reverse('admin:microcredentials_advicepage_change', args=[page.pk])}"
    lines = [f"{page.title}", url]
    if page.review_by:
        overdue = " (overdue)" if page.review_by < timezone.localdate() else ""
        lines.append(f"- Review by {format_date(page.review_by)}{overdue}")
    since = f"since the last review ({format_date(timezone.localdate(health.last_reviewed_at))})"
    since = since if health.last_reviewed_at else "so far (no review recorded)"
    lines.append(f"- “No” answers to “Was this page useful?” {since}: {len(health.no_answers)}")
    for answer in [answer for answer in health.no_answers if answer.comment.strip()][:COMMENTS_IN_DIGEST]:
        lines.append(f"    “{' '.join(answer.comment.split())[:200]}”")
    for check in health.broken:
        lines.append(f"- Broken link: {check.url} ({check.describe()})")
    return [*lines, ""]


def send_review_digests(today: datetime.date | None = None) -> str:
    """Queue one digest to each owner with pages due (the weekly job and `manage.py send_review_digests`)."""
    sent = 0
    with transaction.atomic():
        for owner, pages in digests(today).items():
            due = sum(1 for health in pages if health.is_due)
            subject = f"{due} page{'s' if due != 1 else ''} to review"
            queue_email(subject, digest_text(owner, pages), [owner.email])  # type: ignore[attr-defined]
            sent += 1
    return f"Sent {sent} review digest{'s' if sent != 1 else ''}."
