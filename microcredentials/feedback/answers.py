"""'Was this page useful?': the form, the guards against bots and floods, and the reports for staff.

Nothing about the reader is stored: a feedback row holds the page, the answer, an optional comment and the
time. The rate limit counts in the database (ratelimit.py), under a keyed hash of the client's address, so every
worker shares one count; the count's row ends with its window.
"""

import csv
from dataclasses import dataclass
from typing import Any, TextIO

from django import forms
from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from microcredentials.feedback.ratelimit import over_limit
from microcredentials.models import AdvicePage, PageFeedback

COMMENT_MAX_LENGTH = 1000
HONEYPOT_FIELD = "website"
RATE_LIMIT = 10  # answers per client per window: plenty for a person, little use to a bot
RATE_WINDOW_SECONDS = 10 * 60

# As templates/includes/feedback.html words its thank-you state, which feedback.js shows in place.
THANKS_HEADING = "Thank you for your feedback"
THANKS = "It helps us improve this page."
TOO_MANY = "You have sent a lot of feedback in a short time. Please wait 10 minutes and try again."
REFUSED = "Your feedback could not be sent. Please go back to the page and try again."
UNAVAILABLE = (
    "Your feedback was not sent because of a short technical problem on our side. Please try again in a few minutes."
)
CHOOSE_ANSWER = "Choose Yes or No to tell us whether the page was useful."
CSV_HEADER = ["Date and time (NZ)", "Page", "Address", "Useful", "Comment"]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class FeedbackForm(forms.Form):
    useful = forms.TypedChoiceField(
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda answer: answer == "yes",
        error_messages={"required": CHOOSE_ANSWER, "invalid_choice": CHOOSE_ANSWER},
    )
    comment = forms.CharField(
        required=False,
        label="What was wrong? (optional)",
        help_text=(
            "Up to 1,000 characters. Do not include personal details such as your name, email address or "
            "phone number. We read every comment, but we cannot reply."
        ),
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def clean_comment(self) -> str:
        # Browsers send a line break as two characters; count it as one, as the reader sees it.
        comment: str = self.cleaned_data["comment"].replace("\r\n", "\n")
        if len(comment) > COMMENT_MAX_LENGTH:
            raise forms.ValidationError(
                f"Your comment must be 1,000 characters or fewer. You have entered {len(comment):,}."
            )
        return comment


@dataclass(frozen=True)
class FeedbackState:
    """What the feedback box on a page shows: the question, the comment box (after No) or the thank-you."""

    action: str
    page_url: str
    stage: str
    form: FeedbackForm


def feedback_state(request: HttpRequest, page: AdvicePage, form: FeedbackForm | None = None) -> FeedbackState:
    answer = request.GET.get("feedback")
    stage = {"thanks": "thanks", "no": "comment"}.get(answer or "", "ask")
    if form is not None:
        stage = "comment"
    return FeedbackState(
        action=reverse("page_feedback", args=[page.pk]),
        page_url=page.get_absolute_url(),
        stage=stage,
        form=form or FeedbackForm(),
    )


def is_bot(request: HttpRequest) -> bool:
    """The honeypot: a field hidden from people and assistive technology, so only a bot fills it in."""
    return bool(request.POST.get(HONEYPOT_FIELD, "").strip())


def is_rate_limited(request: HttpRequest) -> bool:
    """Count this attempt against the client; True once they pass RATE_LIMIT within the window."""
    return over_limit(request, "feedback", RATE_LIMIT, RATE_WINDOW_SECONDS)


def save_feedback(page: AdvicePage, form: FeedbackForm) -> PageFeedback:
    useful: bool = form.cleaned_data["useful"]
    comment = "" if useful else form.cleaned_data["comment"]
    return PageFeedback.objects.create(page=page, useful=useful, comment=comment)


def counts_per_page() -> QuerySet[AdvicePage]:
    """Pages with any feedback, with their yes, no and comment counts; the most 'No' answers first."""
    return (
        AdvicePage.objects.select_related("topic")
        .only("title", "slug", "topic__slug", "topic__title")
        .annotate(
            yes=Count("feedback", filter=Q(feedback__useful=True)),
            no=Count("feedback", filter=Q(feedback__useful=False)),
            comments=Count("feedback", filter=~Q(feedback__comment="")),
        )
        .filter(Q(yes__gt=0) | Q(no__gt=0))
        .order_by("-no", "topic__order", "order", "title")
    )


def spreadsheet_safe(value: str) -> str:
    """Stop a spreadsheet reading a cell as a formula (CSV injection) by prefixing an apostrophe."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def write_csv(feedback: QuerySet[PageFeedback], out: TextIO) -> None:
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for row in feedback.select_related("page__topic").order_by("-created_at"):
        writer.writerow(_csv_row(row))


def _csv_row(row: PageFeedback) -> list[str]:
    values: list[Any] = [
        timezone.localtime(row.created_at).strftime("%Y-%m-%d %H:%M"),
        row.page.title,
        settings.SITE_URL + row.page.get_absolute_url(),
        "Yes" if row.useful else "No",
        row.comment,
    ]
    return [spreadsheet_safe(str(value)) for value in values]
