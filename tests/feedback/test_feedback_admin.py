"""The feedback admin: list and filters, yes/no counts per page, and the CSV export with its guards."""

import csv
import io
from collections.abc import Callable

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client

from microcredentials.feedback.answers import spreadsheet_safe
from microcredentials.models import AdvicePage, PageFeedback
from tests.editing.helpers import CONTENT_EDITORS, make_user
from tests.signing_in import sign_in

ADMIN = f"/{settings.ADMIN_PATH}microcredentials/pagefeedback/"
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def feedback_viewer(db: None) -> User:
    """A member of Content editors: the group the migrations let read feedback."""
    return make_user("rawiri", CONTENT_EDITORS)


@pytest.fixture
def staff_client(client: Client, feedback_viewer: User) -> Client:
    sign_in(client, feedback_viewer, backend=MODEL_BACKEND)
    return client


@pytest.fixture
def answers(make_page: Callable[..., AdvicePage]) -> tuple[AdvicePage, AdvicePage]:
    cv = make_page(title="Write a CV", slug="write-a-cv")
    interview = make_page(title="Interviews", slug="interviews")
    silent = make_page(title="No answers yet", slug="silent")
    assert silent.pk
    with time_machine.travel("2025-03-04 21:30:00+00:00", tick=False):  # 10.30am on 5 March in New Zealand
        PageFeedback.objects.create(page=cv, useful=True)
        PageFeedback.objects.create(page=cv, useful=True)
        PageFeedback.objects.create(page=cv, useful=False, comment='=HYPERLINK("http://evil.example")')
        PageFeedback.objects.create(page=interview, useful=False, comment='Say "kia ora", then, more')
        PageFeedback.objects.create(page=interview, useful=False)
    return cv, interview


@pytest.mark.django_db
def test_changelist_lists_answers_with_filters(staff_client: Client, answers: object) -> None:
    response = staff_client.get(ADMIN)
    html = response.content.decode()
    assert response.status_code == 200
    assert "5 page feedback" in html
    assert "=HYPERLINK(&quot;http://evil.example&quot;)" in html
    filters = " ".join(html.split())
    assert "<summary> By useful </summary>" in filters and "<summary> By page </summary>" in filters
    assert f'href="{ADMIN}summary/"' in html
    no_only = staff_client.get(ADMIN, {"useful__exact": "0"}).content.decode()
    assert "3 page feedback" in no_only


@pytest.mark.django_db
def test_summary_counts_yes_and_no_per_page(staff_client: Client, answers: tuple[AdvicePage, AdvicePage]) -> None:
    cv, interview = answers
    response = staff_client.get(f"{ADMIN}summary/")
    html = " ".join(response.content.decode().split())
    assert response.status_code == 200
    # Most "No" answers first: Interviews (0 yes, 2 no, 1 comment), then Write a CV (2 yes, 1 no, 1 comment).
    interviews_row = html.index(">Interviews</a>")
    cv_row = html.index(">Write a CV</a>")
    assert interviews_row < cv_row
    assert "<td>0</td> <td>2</td>" in html[interviews_row:cv_row]
    assert "<td>2</td> <td>1</td>" in html[cv_row:]
    assert "No answers yet" not in html


@pytest.mark.django_db
def test_summary_and_changelist_are_for_staff_only(client: Client, staff_user: User, answers: object) -> None:
    assert client.get(f"{ADMIN}summary/").status_code == 302  # to the login page
    sign_in(client, staff_user, backend=MODEL_BACKEND)  # staff, but without permission to view feedback
    assert client.get(f"{ADMIN}summary/").status_code == 403


@pytest.mark.django_db
def test_csv_export_escapes_and_defuses_formulas(staff_client: Client, answers: object) -> None:
    ids = [str(pk) for pk in PageFeedback.objects.values_list("pk", flat=True)]
    response = staff_client.post(ADMIN, {"action": "export_csv", "_selected_action": ids})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="page-feedback-')
    assert "no-store" in response["Cache-Control"]
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Date and time (NZ)", "Page", "Address", "Useful", "Comment"]
    assert len(rows) == 6
    by_comment = {row[4]: row for row in rows[1:]}
    assert by_comment['\'=HYPERLINK("http://evil.example")'][:4] == [
        "2025-03-05 10:30",
        "Write a CV",
        f"{settings.SITE_URL}/find-a-job/write-a-cv/",
        "No",
    ]
    assert 'Say "kia ora", then, more' in by_comment
    assert '"Say ""kia ora"", then, more"' in text  # quoted, with doubled quotes


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("=1+2", "'=1+2"),
        ("+64 21 000", "'+64 21 000"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTAB", "'\tTAB"),
        ("Fine = fine", "Fine = fine"),
        ("", ""),
    ],
)
def test_spreadsheet_safe(value: str, safe: str) -> None:
    assert spreadsheet_safe(value) == safe


@pytest.mark.django_db
def test_feedback_cannot_be_added_or_edited_in_the_admin(
    admin_client: Client, answers: tuple[AdvicePage, AdvicePage]
) -> None:
    assert admin_client.get(f"{ADMIN}add/").status_code == 403
    row = PageFeedback.objects.filter(comment__startswith="Say").get()
    html = admin_client.get(f"{ADMIN}{row.pk}/change/").content.decode()
    assert 'name="comment"' not in html
    assert "Say &quot;kia ora&quot;, then, more" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query", ["created_at__year=1", "created_at__year=9999", "created_at__year=9999&created_at__month=12"]
)
def test_a_year_the_date_list_cannot_show_is_refused_like_any_bad_filter(staff_client: Client, query: str) -> None:
    """Found by tests/http/test_hostile_input.py: Django's date hierarchy answered 500 for these years."""
    response = staff_client.get(f"{ADMIN}?{query}")
    assert response.status_code == 302
    assert response["Location"] == f"{ADMIN}?e=1"
    assert staff_client.get(f"{ADMIN}?created_at__year=2026").status_code == 200
