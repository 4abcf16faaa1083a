"""Staff see how an alert reads before it is live: the Preview button (no JavaScript), the preview endpoint the
form's script calls, and the confirmation asked for before an alert goes on every page at once."""

import datetime
import html
import re
from collections.abc import Iterator

import pytest
import time_machine
from django.contrib.auth.models import Group, User
from django.test import Client

from microcredentials.models import SiteAlert
from tests.contact_centre.helpers import closure, nz
from tests.signing_in import sign_in

ADD_URL = "/admin/microcredentials/sitealert/add/"
PREVIEW_URL = "/admin/microcredentials/sitealert/preview/"
TUESDAY = nz(2026, 11, 17, 10)  # no public holiday near: Tuesday 17 November 2026, 10.00am
WHO = "The Customer Contact Group"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_tuesday() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(TUESDAY, tick=False) as traveller:
        yield traveller


def member_of(group_name: str) -> Client:
    user = User.objects.create_user(group_name.replace(" ", "-"), password="a-long-test-password", is_staff=True)
    user.groups.add(Group.objects.get(name=group_name))
    client = Client()
    sign_in(client, user)
    return client


@pytest.fixture
def contact_centre() -> Client:
    return member_of("Contact centre")


def weekend_closure(**changes: str) -> dict[str, str]:
    """Friday 20 November 3.00pm to Monday 23 November 8.30am, shown from Wednesday 9.00am."""
    data = {
        "kind": "closure",
        "level": "1",
        "who": WHO,
        "closes_at_0": "2026-11-20",
        "closes_at_1": "15:00",
        "reopens_at_0": "2026-11-23",
        "reopens_at_1": "08:30",
        "contact_email": "",
        "extra_text": "",
        "message": "",
        "show_from_0": "2026-11-18",
        "show_from_1": "09:00",
        "show_until_0": "",
        "show_until_1": "",
        "confirm_live": "False",
    }
    data.update(changes)
    return data


def preview_points(page: str) -> list[tuple[str, str]]:
    """(when, what readers see) for each point of the preview in a page or fragment."""
    preview = page[page.index("data-alert-preview ") :]
    points = re.findall(
        r'<p class="alert-preview__when">(.*?)</p>\s*(?:<div class="alert-preview__alert[^"]*">\s*'
        r'<p class="alert-preview__label">\w+</p>\s*<p>(.*?)</p>|<p class="alert-preview__not-shown">(.*?)</p>)',
        preview,
        re.DOTALL,
    )
    return [(html.unescape(when), html.unescape(shown or not_shown)) for when, shown, not_shown in points]


EXPECTED_TIMELINE = [
    ("Now", "Not shown yet."),
    (
        "From 9.00am tomorrow, Wednesday 18 November, when it starts showing",
        f"{WHO} will be closed from 3.00pm Friday 20 November, reopening 8.30am Monday 23 November.",
    ),
    (
        "From midnight at the start of Thursday 19 November",
        f"{WHO} will be closed from 3.00pm tomorrow, Friday 20 November, reopening 8.30am Monday 23 November.",
    ),
    (
        "From midnight at the start of Friday 20 November",
        f"{WHO} will be closed from 3.00pm today, Friday 20 November, reopening 8.30am Monday 23 November.",
    ),
    (
        "From 3.00pm Friday 20 November, when the centre closes",
        f"{WHO} is now closed until 8.30am Monday 23 November.",
    ),
    (
        "From midnight at the start of Sunday 22 November",
        f"{WHO} is now closed until 8.30am tomorrow, Monday 23 November.",
    ),
    (
        "From midnight at the start of Monday 23 November",
        f"{WHO} is now closed until 8.30am today, Monday 23 November.",
    ),
    ("From 8.30am Monday 23 November, when it stops showing", "No longer shown."),
]


def test_the_preview_button_shows_every_change_of_wording_and_saves_nothing(contact_centre: Client) -> None:
    response = contact_centre.post(ADD_URL, weekend_closure(_preview="Preview"))
    assert response.status_code == 200
    assert not SiteAlert.objects.exists()
    page = response.content.decode()
    assert preview_points(page) == EXPECTED_TIMELINE
    assert "Please correct the error" not in page
    # The form comes back as typed, ready to save.
    assert 'name="closes_at_1" value="15:00"' in page


def test_the_preview_endpoint_gives_the_same_preview_and_saves_nothing(contact_centre: Client) -> None:
    response = contact_centre.post(PREVIEW_URL, weekend_closure())
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert not SiteAlert.objects.exists()
    fragment = response.content.decode()
    assert preview_points(fragment) == EXPECTED_TIMELINE
    page = contact_centre.post(ADD_URL, weekend_closure(_preview="Preview")).content.decode()
    assert fragment.strip() in page  # the very same HTML


def test_the_preview_of_a_notice_and_of_a_change(contact_centre: Client) -> None:
    notice = {"kind": "general", "message": 'Phones are <a href="/contact/">down</a>.', "show_from_0": "2026-11-17"}
    data = weekend_closure(**notice, show_from_1="12:00", show_until_0="2026-11-17", show_until_1="17:00")
    assert preview_points(contact_centre.post(PREVIEW_URL, data).content.decode()) == [
        ("Now", "Not shown yet."),
        ("From midday today, Tuesday 17 November, when it starts showing", 'Phones are <a href="/contact/">down</a>.'),
        ("From 5.00pm today, Tuesday 17 November, when it stops showing", "No longer shown."),
    ]
    saved = closure(nz(2026, 11, 20, 15), nz(2026, 11, 23, 8, 30), show_from=nz(2026, 11, 18, 9))
    saved.save()
    response = contact_centre.post(f"{PREVIEW_URL}?alert={saved.pk}", weekend_closure(reopens_at_0="2026-11-24"))
    assert (
        "From 3.00pm Friday 20 November, when the centre closes",
        f"{WHO} is now closed until 8.30am Tuesday 24 November.",
    ) in preview_points(response.content.decode())
    saved.refresh_from_db()
    assert saved.reopens_at == nz(2026, 11, 23, 8, 30)  # unchanged


def test_the_preview_uses_the_real_reopening_time(contact_centre: Client) -> None:
    # Reopening typed as Monday 8 February 2027, Waitangi Day (observed): readers are told Tuesday.
    data = weekend_closure(
        closes_at_0="2027-02-05", closes_at_1="12:00", reopens_at_0="2027-02-08", show_from_0="2026-11-17"
    )
    points = preview_points(contact_centre.post(PREVIEW_URL, data).content.decode())
    assert points[0] == (
        "Now",
        f"{WHO} will be closed from midday Friday 5 February 2027, reopening 8.30am Tuesday 9 February 2027.",
    )
    assert points[-1] == ("From 8.30am Tuesday 9 February 2027, when it stops showing", "No longer shown.")


def test_an_incomplete_form_gets_a_note_instead_of_a_preview(contact_centre: Client) -> None:
    fragment = contact_centre.post(PREVIEW_URL, weekend_closure(reopens_at_0="", reopens_at_1="")).content.decode()
    assert "The preview shows once the form is complete and has no errors." in fragment
    assert "Fill in the form to see how the alert will read." in contact_centre.get(ADD_URL).content.decode()


def test_only_those_who_may_post_alerts_may_preview(contact_centre: Client) -> None:
    assert member_of("Content editors").post(PREVIEW_URL, weekend_closure()).status_code == 403
    anonymous = Client().post(PREVIEW_URL, weekend_closure())
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    assert contact_centre.get(PREVIEW_URL).status_code == 405
    assert not SiteAlert.objects.exists()


# --- Live at once: "This shows on every page now" ---------------------------------------------------


def test_saving_an_alert_that_is_live_at_once_asks_for_confirmation(contact_centre: Client) -> None:
    live_now = weekend_closure(show_from_0="2026-11-17", show_from_1="09:00")
    response = contact_centre.post(ADD_URL, live_now)
    assert response.status_code == 200
    assert not SiteAlert.objects.exists()
    page = response.content.decode()
    assert "This shows on every page now. Check how it reads below, then tick the box and save again." in page
    assert '<input type="checkbox" name="confirm_live" aria-invalid="true"' in page
    assert preview_points(page)[0] == (
        "Now",
        f"{WHO} will be closed from 3.00pm Friday 20 November, reopening 8.30am Monday 23 November.",
    )
    assert contact_centre.post(ADD_URL, {**live_now, "confirm_live": "on"}).status_code == 302
    assert SiteAlert.objects.count() == 1


def test_a_scheduled_alert_saves_without_the_question(contact_centre: Client) -> None:
    page = contact_centre.get(ADD_URL).content.decode()
    assert '<input type="hidden" name="confirm_live" id="id_confirm_live">' in page  # asked only when needed
    assert contact_centre.post(ADD_URL, weekend_closure()).status_code == 302
    assert SiteAlert.objects.get().show_from == nz(2026, 11, 18, 9)


# --- The form fits the kind of alert -------------------------------------------------------------------


def test_the_form_groups_fields_by_kind_and_says_new_zealand_time(contact_centre: Client) -> None:
    page = contact_centre.get(ADD_URL).content.decode()
    assert '<fieldset class="module aligned alert-kind alert-kind-closure"' in page
    assert '<fieldset class="module aligned alert-kind alert-kind-general"' in page
    assert ">Contact centre closure</h2>" in page and ">General notice</h2>" in page
    for label in ("Closes at", "Reopens at", "Show from", "Show until"):
        assert f"{label} (New Zealand time)" in page
        assert f'aria-label="{label} (New Zealand time): date"' in page
        assert f'aria-label="{label} (New Zealand time): time"' in page
    assert "(NZ time)" not in page
    assert 'src="/static/js/alert-form.' in page and "defer" in page
    assert 'name="_preview" value="Preview"' in page
    # The Preview button comes first, so pressing Enter in a field previews rather than saves.
    assert page.index('name="_preview"') < page.index('name="_save"')


def test_the_change_form_links_its_preview_to_the_alert(contact_centre: Client) -> None:
    saved = closure(nz(2026, 11, 20, 15), nz(2026, 11, 23, 8, 30), show_from=nz(2026, 11, 18, 9))
    saved.save()
    page = contact_centre.get(f"/admin/microcredentials/sitealert/{saved.pk}/change/").content.decode()
    assert f'data-alert-preview-url="{PREVIEW_URL}?alert={saved.pk}"' in page
    assert preview_points(page) == EXPECTED_TIMELINE


def test_the_times_in_the_preview_do_not_depend_on_the_server_zone(contact_centre: Client) -> None:
    with time_machine.travel(datetime.datetime(2026, 11, 16, 21, tzinfo=datetime.UTC), tick=False):  # = TUESDAY
        assert preview_points(contact_centre.post(PREVIEW_URL, weekend_closure()).content.decode()) == EXPECTED_TIMELINE


def test_a_date_at_the_end_of_the_calendar_gets_a_note_not_an_error(contact_centre: Client) -> None:
    far_reopening = weekend_closure(reopens_at_0="9999-12-31", reopens_at_1="23:00")
    assert contact_centre.post(PREVIEW_URL, far_reopening).status_code == 200
    data = weekend_closure(closes_at_0="9999-12-30", reopens_at_0="9999-12-31", reopens_at_1="23:00")
    response = contact_centre.post(PREVIEW_URL, data)
    assert response.status_code == 200
    assert "The preview cannot show an alert that far ahead. Check the dates." in response.content.decode()
