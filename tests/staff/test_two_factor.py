"""Two-factor sign-in, through the real forms: a password alone reaches nothing, and a first sign-in enrols."""

import datetime
import io
import re

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from microcredentials.models import AdvicePage
from microcredentials.staff.two_factor import new_recovery_codes
from tests.editing.helpers import CONTENT_EDITORS, make_user

PASSWORD = "a-long-test-password"
ADMIN = "/admin/"
TWO_STEP = "/admin/two-step/"


@pytest.fixture
def erin(db: None) -> User:
    return make_user("erin", CONTENT_EDITORS, password=PASSWORD)


def password_only(user: User) -> Client:
    client = Client()
    response = client.post(f"{ADMIN}login/?next={ADMIN}", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def app_code(device: TOTPDevice) -> str:
    return str(TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()).zfill(6)


def enrolled_app(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


@pytest.mark.django_db
def test_a_password_alone_reaches_no_staff_page_or_endpoint(erin: User, make_page: object) -> None:
    draft = make_page(slug="draft", status=AdvicePage.Status.DRAFT)  # type: ignore[operator]
    enrolled_app(erin)
    client = password_only(erin)

    response = client.get(ADMIN, follow=True)
    assert response.redirect_chain[-1][0] == f"{TWO_STEP}?next=%2Fadmin%2F"
    assert "Your password was right. To finish signing in" in response.content.decode()
    assert client.get(f"{ADMIN}microcredentials/advicepage/").status_code == 302
    assert client.post("/markdownx/markdownify/", {"content": "## Hi"}).status_code in {302, 403}
    assert client.get(draft.get_absolute_url()).status_code == 404  # staff see drafts; this session is not staff
    assert client.get(f"{TWO_STEP}recovery-codes/")["Location"].startswith(TWO_STEP)


@pytest.mark.django_db
def test_a_first_sign_in_enrols_an_authenticator_app_then_shows_recovery_codes(erin: User) -> None:
    client = password_only(erin)
    response = client.get(ADMIN, follow=True)
    assert response.redirect_chain[-1][0] == f"{TWO_STEP}add/?next=%2Fadmin%2F"
    assert "Add a passkey" in response.content.decode()

    page = client.get(f"{TWO_STEP}app/?next=/admin/").content.decode()
    device = TOTPDevice.objects.get(user=erin, confirmed=False)
    assert "Type this key into the app instead" in page and "<svg" in page
    wrong = client.post(f"{TWO_STEP}app/", {"code": "000000" if app_code(device) != "000000" else "111111"})
    assert "That code did not match" in wrong.content.decode()

    with time_machine.travel(datetime.timedelta(seconds=5)):  # after a wrong code, django-otp makes you wait
        response = client.post(f"{TWO_STEP}app/", {"code": app_code(device), "next": "/admin/"})
    assert response["Location"] == f"{TWO_STEP}recovery-codes/?next=%2Fadmin%2F"
    codes_page = client.get(response["Location"]).content.decode()
    shown = re.findall(r"<li><code>(\w+)</code></li>", codes_page)
    assert len(shown) == 10 and StaticToken.objects.filter(device__user=erin).count() == 10
    assert "This is the only time they are shown" in codes_page
    assert "<code>" not in client.get(f"{TWO_STEP}recovery-codes/").content.decode()  # not shown again
    assert client.get(ADMIN).status_code == 200


@pytest.mark.django_db
def test_an_app_code_finishes_sign_in_and_a_wrong_code_says_what_to_do(erin: User) -> None:
    device = enrolled_app(erin)
    client = password_only(erin)
    wrong = client.post(TWO_STEP, {"code": "12345x", "next": "/admin/"})  # not six digits: tried as a recovery code
    assert wrong.status_code == 200
    assert "That code did not work." in wrong.content.decode()
    assert client.get(ADMIN).status_code == 302

    response = client.post(TWO_STEP, {"code": app_code(device), "next": "/admin/microcredentials/advicepage/"})
    assert response["Location"] == "/admin/microcredentials/advicepage/"
    assert client.get(ADMIN).status_code == 200


@pytest.mark.django_db
def test_a_recovery_code_works_once(erin: User) -> None:
    code = new_recovery_codes(erin)[0]
    assert password_only(erin).post(TWO_STEP, {"code": code})["Location"] == ADMIN
    refused = password_only(erin).post(TWO_STEP, {"code": code})
    assert "That code did not work." in refused.content.decode()


@pytest.mark.django_db
def test_guessing_codes_is_slowed_down_even_for_the_right_code(erin: User) -> None:
    device = enrolled_app(erin)
    client = password_only(erin)
    for guess in ("000001", "000002", "000003"):
        client.post(TWO_STEP, {"code": guess})
    right = client.post(TWO_STEP, {"code": app_code(device)})
    assert right.status_code == 200  # django-otp's throttling: wait, then try again
    assert client.get(ADMIN).status_code == 302


@pytest.mark.django_db
def test_a_second_device_needs_the_first_one_and_a_redirect_never_leaves_the_site(erin: User) -> None:
    device = enrolled_app(erin)
    client = password_only(erin)
    assert client.get(f"{TWO_STEP}app/")["Location"].startswith(TWO_STEP)
    assert client.get(f"{TWO_STEP}add/")["Location"].startswith(TWO_STEP)
    response = client.post(TWO_STEP, {"code": app_code(device), "next": "https://evil.example/"})
    assert response["Location"] == ADMIN


@pytest.mark.django_db
def test_only_someone_who_gave_a_staff_password_reaches_the_second_step(db: None) -> None:
    assert Client().get(TWO_STEP)["Location"] == "/admin/login/?next=/admin/two-step/"
    reader = User.objects.create_user("reader", password=PASSWORD)
    client = Client()
    client.force_login(reader)
    assert client.get(TWO_STEP)["Location"].startswith("/admin/login/")


@pytest.mark.django_db
def test_reset_two_factor_makes_the_user_enrol_again(erin: User) -> None:
    enrolled_app(erin)
    new_recovery_codes(erin)
    out = io.StringIO()
    call_command("reset_two_factor", "erin", stdout=out)
    assert out.getvalue() == "Removed 2 second factors of erin. They will set up a new one when they next sign in.\n"
    assert password_only(erin).get(TWO_STEP)["Location"] == f"{TWO_STEP}add/?next=%2Fadmin%2F"
    with pytest.raises(CommandError, match="No user is called 'nobody'"):
        call_command("reset_two_factor", "nobody")


@pytest.mark.django_db
def test_signed_in_staff_find_their_two_step_settings_from_every_admin_page(erin: User) -> None:
    device = enrolled_app(erin)
    client = password_only(erin)
    client.post(TWO_STEP, {"code": app_code(device)})
    html = client.get(ADMIN).content.decode()
    assert f'<a href="{TWO_STEP}recovery-codes/">Two-step sign-in</a>' in html
    page = client.get(f"{TWO_STEP}recovery-codes/").content.decode()
    assert "You have 0 unused recovery codes" not in page  # none yet: they are made and shown now
    assert len(re.findall(r"<li><code>\w+</code></li>", page)) == 10
    assert f'href="{TWO_STEP}add/?next=' in page
