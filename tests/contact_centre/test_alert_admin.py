"""The alert and contact-centre admin: validation, New Zealand times, and who may do what."""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import Group, Permission, User
from django.test import Client

from microcredentials.lib.nztime import NZ_TIME
from microcredentials.models import SiteAlert
from tests.contact_centre.helpers import closure, general, nz, two_closures_on_29_november_2026
from tests.editing.helpers import make_user
from tests.signing_in import sign_in

ADD_URL = "/admin/microcredentials/sitealert/add/"
LIST_URL = "/admin/microcredentials/sitealert/"
UTC = datetime.UTC
TIME_FORMAT = "Enter the time as hours and minutes on a 24-hour clock, for example 17:00."


@pytest.fixture
def admin_client_nz(db: None) -> Client:
    """Signed in as a member of Contact centre, with exactly the permissions the migrations give that group."""
    client = Client()
    sign_in(client, make_user("wiremu", "Contact centre", password="a-long-test-password"))
    return client


def closure_form(**changes: str) -> dict[str, str]:
    data = {
        "kind": "closure",
        "level": "1",
        "who": "The Customer Contact Group",
        "closes_at_0": "2023-09-22",
        "closes_at_1": "15:00",
        "reopens_at_0": "2023-09-25",
        "reopens_at_1": "08:30",
        "contact_email": "help@careers.example.govt.nz",
        "extra_text": "",
        "message": "",
        "show_from_0": "2023-09-20",
        "show_from_1": "09:00",
        "show_until_0": "",
        "show_until_1": "",
    }
    data.update(changes)
    return data


def errors_for(client: Client, data: dict[str, str]) -> dict[str, list[str]]:
    response = client.post(ADD_URL, data)
    assert response.status_code == 200, "the form should be shown again with errors"
    return {name: list(errors) for name, errors in response.context["adminform"].form.errors.items()}


def test_times_are_entered_in_new_zealand_time_and_the_form_says_so(admin_client_nz: Client) -> None:
    form_page = admin_client_nz.get(ADD_URL).content.decode()
    assert "Pacific/Auckland" in form_page
    assert "Closes at (New Zealand time)" in form_page
    assert "write &lt;a href=&quot;https://www.example.govt.nz/&quot;&gt;link text&lt;/a&gt;." in form_page
    response = admin_client_nz.post(ADD_URL, closure_form())
    assert response.status_code == 302
    alert = SiteAlert.objects.get()
    # 3.00pm NZST (UTC+12) and 8.30am NZDT (UTC+13), across the September change.
    assert alert.closes_at == datetime.datetime(2023, 9, 22, 3, 0, tzinfo=UTC)
    assert alert.reopens_at == datetime.datetime(2023, 9, 24, 19, 30, tzinfo=UTC)
    assert alert.show_until is None


def test_reopening_must_be_after_closing(admin_client_nz: Client) -> None:
    errors = errors_for(admin_client_nz, closure_form(reopens_at_0="2023-09-22", reopens_at_1="15:00"))
    assert errors == {"reopens_at": ["The reopening time must be after the closing time."]}


def test_closure_needs_both_times(admin_client_nz: Client) -> None:
    errors = errors_for(admin_client_nz, closure_form(closes_at_0="", closes_at_1="", reopens_at_0="", reopens_at_1=""))
    assert errors == {
        "closes_at": ["Enter when the contact centre closes."],
        "reopens_at": ["Enter when the contact centre reopens."],
    }


def test_show_until_must_be_after_show_from(admin_client_nz: Client) -> None:
    errors = errors_for(admin_client_nz, closure_form(show_until_0="2023-09-20", show_until_1="08:00"))
    assert errors == {"show_until": ["The end of the display period must be after its start."]}


def test_closure_cannot_show_after_reopening(admin_client_nz: Client) -> None:
    errors = errors_for(admin_client_nz, closure_form(show_until_0="2023-09-26", show_until_1="09:00"))
    assert errors["show_until"][0].startswith("A closure notice cannot show after the centre reopens.")


def test_closure_must_start_showing_before_reopening(admin_client_nz: Client) -> None:
    errors = errors_for(admin_client_nz, closure_form(show_from_0="2023-09-25", show_from_1="09:00"))
    assert errors == {"show_from": ["The notice would never show: start showing it before the centre reopens."]}


def test_email_must_be_valid(admin_client_nz: Client) -> None:
    errors = errors_for(admin_client_nz, closure_form(contact_email="not an email"))
    assert errors == {"contact_email": ["Enter a valid email address."]}


def test_a_time_that_does_not_exist_in_new_zealand_is_refused(admin_client_nz: Client) -> None:
    # 2.30am on Sunday 24 September 2023 never happened: clocks went from 2.00am to 3.00am.
    errors = errors_for(admin_client_nz, closure_form(closes_at_0="2023-09-24", closes_at_1="02:30"))
    assert errors == {
        "closes_at": [
            "There is no 2.30am on Sunday 24 September 2023 in New Zealand: the clocks go forward an hour. "
            "Choose another time."
        ]
    }


@pytest.mark.parametrize(
    ("field", "day", "message"),
    [
        (
            "closes_at",
            "2027-09-26",
            "There is no 2.30am on Sunday 26 September 2027 in New Zealand: the clocks go forward",
        ),
        ("reopens_at", "2027-04-04", "2.30am on Sunday 4 April 2027 happens twice in New Zealand: the clocks go back"),
        ("show_from", "2027-04-04", "2.30am on Sunday 4 April 2027 happens twice in New Zealand: the clocks go back"),
    ],
)
def test_a_time_the_clocks_skip_or_repeat_gets_one_message_about_daylight_saving(
    admin_client_nz: Client, field: str, day: str, message: str
) -> None:
    # The rest of the closure is around the change, so only the one field is wrong.
    around = {"closes_at_0": "2027-04-01", "reopens_at_0": "2027-09-30", "show_from_0": "2027-03-30"}
    errors = errors_for(admin_client_nz, closure_form(**(around | {f"{field}_0": day, f"{field}_1": "02:30"})))
    assert errors == {field: [f"{message} an hour. Choose another time."]}


@pytest.mark.parametrize("typed", ["9am", "17.00", "25:00"])
@pytest.mark.parametrize("field", ["closes_at", "reopens_at"])
def test_a_time_typed_another_way_gets_one_message_saying_how_to_type_it(
    admin_client_nz: Client, field: str, typed: str
) -> None:
    errors = errors_for(admin_client_nz, closure_form(**{f"{field}_1": typed}))
    assert errors == {field: [TIME_FORMAT]}


def test_a_date_without_a_time_gets_the_same_one_message(admin_client_nz: Client) -> None:
    errors = errors_for(admin_client_nz, closure_form(closes_at_1=""))
    assert errors == {"closes_at": [TIME_FORMAT]}


def test_a_date_typed_another_way_gets_one_message_saying_how_to_type_it(admin_client_nz: Client) -> None:
    errors = errors_for(admin_client_nz, closure_form(closes_at_0="22 Sept"))
    assert errors == {"closes_at": ["Enter the date as year, month and day, for example 2026-12-09."]}


def test_dates_typed_day_first_are_read_the_new_zealand_way(admin_client_nz: Client) -> None:
    data = closure_form(closes_at_0="09/10/2023", reopens_at_0="10 Oct 2023", show_from_0="08/10/23")
    assert admin_client_nz.post(ADD_URL, data).status_code == 302
    alert = SiteAlert.objects.get()
    assert alert.closes_at is not None and alert.reopens_at is not None
    assert alert.closes_at.astimezone(NZ_TIME).date() == datetime.date(2023, 10, 9)  # 9 October, not 10 September
    assert alert.reopens_at.astimezone(NZ_TIME).date() == datetime.date(2023, 10, 10)
    assert alert.show_from.astimezone(NZ_TIME).date() == datetime.date(2023, 10, 8)


def test_a_hidden_null_character_gets_one_message_saying_what_to_do(admin_client_nz: Client) -> None:
    hidden = "The text has a hidden character that cannot be saved, usually from pasting. Type the text in again."
    errors = errors_for(admin_client_nz, closure_form(kind="general", message="Phones are down\x00 today."))
    assert errors == {"message": [hidden]}
    errors = errors_for(admin_client_nz, closure_form(extra_text="Call us\x00"))
    assert errors == {"extra_text": [hidden]}


def test_show_from_is_asked_for_in_plain_words(admin_client_nz: Client) -> None:
    errors = errors_for(admin_client_nz, closure_form(show_from_0="", show_from_1=""))
    assert errors == {"show_from": ["Enter when to start showing the notice."]}


def test_a_message_typed_on_a_closure_is_not_silently_dropped(admin_client_nz: Client) -> None:
    errors = errors_for(admin_client_nz, closure_form(message="Phones are down too."))
    assert errors == {
        "message": [
            "A closure notice does not show this text. Put it in 'Extra text', or change Kind to General notice."
        ]
    }


def test_general_notice_needs_text(admin_client_nz: Client) -> None:
    errors = errors_for(admin_client_nz, closure_form(kind="general", message="   "))
    assert errors == {"message": ["Enter the text of the notice."]}
    errors = errors_for(admin_client_nz, closure_form(kind="general", message="<script>alert(1)</script>"))
    assert errors == {"message": ["The notice has no text left once code is removed. Write it as plain text."]}


def test_list_shows_status_and_new_zealand_times(admin_client_nz: Client) -> None:
    general = {"kind": SiteAlert.Kind.GENERAL, "message": "Notice"}
    SiteAlert.objects.create(**general, show_from=datetime.datetime(2023, 11, 1, tzinfo=UTC))
    SiteAlert.objects.create(**general, show_from=datetime.datetime(2023, 12, 1, tzinfo=UTC))
    SiteAlert.objects.create(
        **general,
        show_from=datetime.datetime(2023, 10, 1, tzinfo=UTC),
        show_until=datetime.datetime(2023, 10, 2, tzinfo=UTC),
    )
    with time_machine.travel(datetime.datetime(2023, 11, 10, tzinfo=UTC), tick=False):
        html = admin_client_nz.get(LIST_URL).content.decode()
    assert '<td class="field-status">Shown now</td>' in html
    assert '<td class="field-status">Scheduled</td>' in html
    assert '<td class="field-status">Expired</td>' in html
    assert "Shows from (NZ time)" in html
    assert "1 Dec 2023, 1.00pm" in html  # midnight UTC is 1.00pm NZDT, written as everywhere in the admin


def test_change_form_previews_the_wording(admin_client_nz: Client) -> None:
    admin_client_nz.post(ADD_URL, closure_form())
    alert = SiteAlert.objects.get()
    with time_machine.travel(datetime.datetime(2023, 9, 21, 21, tzinfo=UTC), tick=False):
        html = admin_client_nz.get(f"/admin/microcredentials/sitealert/{alert.pk}/change/").content.decode()
    assert "will be closed from 3.00pm today, Friday 22 September, reopening 8.30am Monday 25 September." in html


@pytest.fixture
def two_live_closures(db: None) -> tuple[SiteAlert, SiteAlert]:
    return two_closures_on_29_november_2026()


def admin_page_at(client: Client, url: str, moment: datetime.datetime) -> str:
    with time_machine.travel(moment, tick=False):
        sign_in(client, User.objects.get(username="wiremu"))  # staff sessions last an hour: log in at `moment`
        return client.get(url).content.decode()


def change_url(alert: SiteAlert) -> str:
    return f"/admin/microcredentials/sitealert/{alert.pk}/change/"


def test_list_says_which_live_alert_readers_see(
    admin_client_nz: Client, two_live_closures: tuple[SiteAlert, SiteAlert]
) -> None:
    html = admin_page_at(admin_client_nz, LIST_URL, nz(2026, 11, 29, 10))
    assert html.count('<td class="field-status">Shown now</td>') == 1
    assert '<td class="field-status">Live, but not shown: another alert takes priority</td>' in html
    # The closure under way is the one shown: its row (closing at 9.00am) says so.
    shown_row = html[html.index("9.00am Sunday 29 November 2026") :].split("</tr>")[0]
    assert "Shown now" in shown_row


def test_change_page_says_readers_see_it(
    admin_client_nz: Client, two_live_closures: tuple[SiteAlert, SiteAlert]
) -> None:
    html = admin_page_at(admin_client_nz, change_url(two_live_closures[0]), nz(2026, 11, 29, 10))
    assert '<div class="readonly">Shown now</div>' in html
    assert (
        '<div class="readonly">The Customer Contact Group is now closed until 8.30am tomorrow, Monday 30 November.'
        in html
    )


def test_change_page_says_when_another_alert_takes_priority(
    admin_client_nz: Client, two_live_closures: tuple[SiteAlert, SiteAlert]
) -> None:
    html = admin_page_at(admin_client_nz, change_url(two_live_closures[1]), nz(2026, 11, 29, 10))
    assert '<div class="readonly">Live, but not shown: another alert takes priority</div>' in html
    assert (
        "Not shown now: another alert takes priority. If it were shown, it would read: The Customer Contact Group "
        "will be closed from 11.00pm today, Sunday 29 November, reopening 8.30am Friday 18 December." in html
    )


def test_change_page_of_a_scheduled_alert_says_what_it_will_read_when_it_starts(admin_client_nz: Client) -> None:
    alert = closure(nz(2026, 12, 18, 15), nz(2026, 12, 21, 8, 30), show_from=nz(2026, 12, 14, 9))
    alert.save()
    html = admin_page_at(admin_client_nz, change_url(alert), nz(2026, 12, 1, 12))
    assert '<div class="readonly">Scheduled</div>' in html
    assert (
        "Not shown yet. From 9.00am Monday 14 December it will read: The Customer Contact Group will be closed "
        "from 3.00pm Friday 18 December, reopening 8.30am Monday 21 December." in html
    )
    notice = general('Phones are <a href="/contact/">down</a> today.', nz(2026, 12, 13, 23, 30))
    html = admin_page_at(admin_client_nz, change_url(notice), nz(2026, 12, 13, 12))
    assert 'From 11.30pm today, Sunday 13 December it will read: Phones are <a href="/contact/">down</a> today.' in html


def test_change_page_of_an_expired_alert_says_it_is_not_shown(admin_client_nz: Client) -> None:
    alert = closure(nz(2026, 12, 18, 15), nz(2026, 12, 21, 8, 30))
    alert.save()
    html = admin_page_at(admin_client_nz, change_url(alert), nz(2026, 12, 21, 8, 30))
    assert '<div class="readonly">Expired</div>' in html
    assert "Not shown any more: the time to show it has passed." in html
    assert "reopened at" not in html


def test_alerts_are_named_by_closing_time_or_by_the_start_of_their_text(admin_client_nz: Client) -> None:
    closure(nz(2026, 12, 9, 9), nz(2026, 12, 10, 8, 30), show_from=nz(2026, 12, 1)).save()
    general(
        'Read <a href="https://www.govt.nz/">the news</a> about our new phone system, which starts on Monday.',
        nz(2026, 12, 1),
    )
    html = admin_page_at(admin_client_nz, LIST_URL, nz(2026, 12, 2))
    assert ">Contact centre closure: 9.00am Wednesday 9 December 2026</a>" in html
    assert ">General notice: Read the news about our new phone system, which starts…</a>" in html
    assert "09 Dec 2026" not in html


def test_contact_details_is_a_single_row(admin_client_nz: Client) -> None:
    assert admin_client_nz.get("/admin/microcredentials/contactdetails/add/").status_code == 403
    changelist = admin_client_nz.get("/admin/microcredentials/contactdetails/").content.decode()
    assert "info@careers.example.govt.nz" in changelist
    assert "0800 123 456" in changelist


# --- Groups ----------------------------------------------------------------------------------


def _codenames(group_name: str) -> set[str]:
    return set(Permission.objects.filter(group__name=group_name).values_list("codename", flat=True))


def _member_of(group_name: str) -> Client:
    user = User.objects.create_user(group_name.replace(" ", "-"), password="a-long-test-password", is_staff=True)
    user.groups.add(Group.objects.get(name=group_name))
    client = Client()
    sign_in(client, user)
    return client


@pytest.mark.django_db
def test_contact_centre_may_manage_alerts_and_hours_and_nothing_else() -> None:
    models = ["sitealert", "contactdetails", "openinghours", "closedday"]
    assert _codenames("Contact centre") == {f"{a}_{m}" for m in models for a in ["add", "change", "delete", "view"]}
    client = _member_of("Contact centre")
    assert client.get(ADD_URL).status_code == 200
    assert client.post(ADD_URL, closure_form()).status_code == 302
    assert client.get("/admin/microcredentials/openinghours/1/change/").status_code == 200
    assert client.get("/admin/microcredentials/closedday/").status_code == 200
    assert client.get("/admin/microcredentials/advicepage/").status_code == 403
    assert client.get("/admin/microcredentials/topic/add/").status_code == 403
    assert client.get("/admin/auth/user/").status_code == 403


@pytest.mark.django_db
def test_content_editors_may_change_topics_and_pages_and_read_feedback_but_not_touch_alerts() -> None:
    models = ["topic", "advicepage", "pagechange"]
    health = {"view_linkcheck", "view_pagereview", "view_scheduledjob"} | {
        f"{a}_ignoredlink" for a in ["add", "change", "delete", "view"]
    }  # content health (0018): the link report, reviews, the schedule, and the ignore list they keep
    search = {"view_searchcount"} | {
        f"{a}_{m}" for m in ["synonym", "bestbet"] for a in ["add", "change", "delete", "view"]
    }
    assert (
        _codenames("Content editors")
        == {f"{a}_{m}" for m in models for a in ["add", "change", "view"]} | {"view_pagefeedback"} | health | search
    )
    client = _member_of("Content editors")
    assert client.get("/admin/microcredentials/pagefeedback/").status_code == 200
    assert client.get("/admin/microcredentials/advicepage/add/").status_code == 200
    assert client.get("/admin/microcredentials/topic/").status_code == 200
    assert client.get("/admin/microcredentials/sitealert/").status_code == 403
    assert client.get(ADD_URL).status_code == 403
    assert client.get("/admin/microcredentials/openinghours/").status_code == 403
