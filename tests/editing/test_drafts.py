"""A live page stays up while its next version is drafted, published or scheduled."""

import datetime
import re
from collections.abc import Callable

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client

from microcredentials.models import AdvicePage, PageDraft
from tests.editing.helpers import ADMIN_PAGES, CONTENT_EDITORS, change_url, form_data, login, make_user

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 12, 5, 3, 0, tzinfo=datetime.UTC)  # 4.00pm in New Zealand
NEXT_BODY = "## Fees\n\nFrom 1 January, Fees Free pays for the final year.\n"


@pytest.fixture
def editor(db: None) -> User:
    return make_user("aroha", CONTENT_EDITORS, full_name="Aroha Ngata")


@pytest.fixture
def live_page(make_page: Callable[..., AdvicePage]) -> AdvicePage:
    return make_page(body="## Fees\n\nFees Free pays for the first year.\n")


def test_saving_a_draft_keeps_the_live_page_for_readers(client: Client, editor: User, live_page: AdvicePage) -> None:
    reader = Client()
    assert "first year" in reader.get(live_page.get_absolute_url()).content.decode()  # now cached
    response = login(client, editor).post(change_url(live_page), form_data(live_page, body=NEXT_BODY, _save_draft="1"))
    assert response.status_code == 302

    public = reader.get(live_page.get_absolute_url())
    assert public.status_code == 200
    assert "first year" in public.content.decode()
    assert "final year" not in public.content.decode()
    draft = PageDraft.objects.get(page=live_page)
    assert (draft.body, draft.saved_by) == (NEXT_BODY, editor)
    form = client.get(change_url(live_page)).content.decode()
    assert "final year" in form  # the editor carries on with the draft
    assert "You are editing the draft saved by Aroha Ngata" in form
    listing = client.get(ADMIN_PAGES).content.decode()
    assert "Draft by Aroha Ngata" in listing


def test_publish_makes_the_draft_live(client: Client, editor: User, live_page: AdvicePage) -> None:
    login(client, editor).post(change_url(live_page), form_data(live_page, body=NEXT_BODY, _save_draft="1"))
    live_page.refresh_from_db()
    client.post(change_url(live_page), form_data(live_page, body=NEXT_BODY, _publish="1"))
    assert "final year" in Client().get(live_page.get_absolute_url()).content.decode()
    assert not PageDraft.objects.filter(page=live_page).exists()


def test_a_live_page_cannot_be_taken_down_from_its_form(client: Client, editor: User, live_page: AdvicePage) -> None:
    html = login(client, editor).get(change_url(live_page)).content.decode()
    assert 'name="status"' not in html  # unpublishing is the explicit list action
    client.post(change_url(live_page), form_data(live_page, status="draft", _save_draft="1"))
    assert Client().get(live_page.get_absolute_url()).status_code == 200


def test_a_scheduled_draft_goes_live_on_time_and_not_before(
    client: Client, editor: User, live_page: AdvicePage
) -> None:
    reader = Client()
    with time_machine.travel(NOW, tick=False) as clock:
        login(client, editor)
        schedule = {"schedule_at_0": "2026-12-05", "schedule_at_1": "17:00", "_schedule": "Schedule"}  # 5.00pm NZ
        response = client.post(change_url(live_page), form_data(live_page, body=NEXT_BODY, **schedule))
        assert response.status_code == 302
        assert PageDraft.objects.get(page=live_page).publish_at == NOW + datetime.timedelta(hours=1)

        clock.shift(datetime.timedelta(minutes=59, seconds=59))
        before = reader.get(live_page.get_absolute_url()).content.decode()
        assert "first year" in before and "final year" not in before

        clock.shift(datetime.timedelta(seconds=1))
        after = reader.get(live_page.get_absolute_url()).content.decode()
        assert "final year" in after
    assert not PageDraft.objects.filter(page=live_page).exists()
    live_page.refresh_from_db()
    assert live_page.body == NEXT_BODY


def test_schedule_needs_a_future_time(client: Client, editor: User, live_page: AdvicePage) -> None:
    with time_machine.travel(NOW, tick=False):
        past = {"schedule_at_0": "2026-12-05", "schedule_at_1": "09:00", "_schedule": "Schedule"}
        html = login(client, editor).post(change_url(live_page), form_data(live_page, body=NEXT_BODY, **past))
    assert html.status_code == 200
    assert "Choose a time in the future" in html.content.decode()
    assert not PageDraft.objects.exists()


def test_the_admin_is_branded_for_staff(client: Client, editor: User) -> None:
    html = login(client, editor).get("/admin/").content.decode()
    assert "Careers advice: staff" in html
    assert "Django administration" not in html


def test_the_dashboard_lists_my_drafts_scheduled_pages_and_reviews_due(
    client: Client, editor: User, live_page: AdvicePage
) -> None:
    live_page.review_by = datetime.date(2026, 12, 10)
    live_page.save()
    with time_machine.travel(NOW, tick=False):
        login(client, editor)
        live_page.refresh_from_db()
        schedule = {"schedule_at_0": "2026-12-06", "schedule_at_1": "09:00", "_schedule": "Schedule"}
        client.post(change_url(live_page), form_data(live_page, body=NEXT_BODY, **schedule))
        html = client.get("/admin/").content.decode()
    dashboard = html[html.index('id="dashboard-heading"') :]
    assert "My drafts" in dashboard and f">{live_page.title}</a>" in dashboard
    assert "a draft goes live 6 Dec 2026, 9.00am" in dashboard
    assert "review by 10 Dec 2026" in dashboard


def test_staff_who_do_not_edit_pages_see_no_dashboard(client: Client) -> None:
    html = login(client, make_user("contact", "Contact centre")).get("/admin/").content.decode()
    assert "dashboard-heading" not in html
    assert "Site alerts" in html


def test_admin_lists_write_dates_the_new_zealand_way(client: Client, editor: User, live_page: AdvicePage) -> None:
    site_manager = User.objects.create_superuser("ana")  # the only account that reads the whole activity log
    with time_machine.travel(NOW, tick=False):
        login(client, editor).post(change_url(live_page), form_data(live_page, body=NEXT_BODY, _save_draft="1"))
        html = login(Client(), site_manager).get("/admin/admin/logentry/").content.decode()
    assert re.search(r'class="field-when">(<a [^>]*>)?5 Dec 2026, 4.00pm<', html)
