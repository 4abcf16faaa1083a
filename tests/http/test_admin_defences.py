"""Admin defences: sign-in lockout and unlocking, the configurable admin path, password rules, idle sessions.

A lockout counts a username and an address together (so nobody can lock a member of staff out from elsewhere),
and an address alone is capped higher (careers_site/http/lockout.py). Each failed sign-in hashes a password, which
takes about half a second, so tests of the address cap lower it to ADDRESS_LIMIT.
"""

import datetime
import io
import os
import subprocess
import sys

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from tests.signing_in import finish_with_a_recovery_code
from tests.signing_in import sign_in as sign_in_both_steps

ADMIN = f"/{settings.ADMIN_PATH}"
LOGIN = f"{ADMIN}login/"
PASSWORD = "a-long-test-password"
ADDRESS_LIMIT = 7  # the cap per address in tests that reach it; settings.AXES_ADDRESS_FAILURE_LIMIT is 20


def sign_in(client: Client, username: str, password: str, address: str = "203.0.113.7") -> int:
    response = client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)
    return response.status_code


def fail_repeatedly(
    client: Client, times: int, usernames: list[str], addresses: list[str], limit: int | None = None
) -> None:
    """Fail `times` sign-ins; the form comes back until the limit, and the attempt that reaches it is refused."""
    limit = limit or settings.AXES_FAILURE_LIMIT
    for attempt in range(times):
        status = sign_in(
            client, usernames[attempt % len(usernames)], "wrong-password", addresses[attempt % len(addresses)]
        )
        assert status == (403 if attempt + 1 >= limit else 200), f"attempt {attempt + 1}"


@pytest.fixture
def address_limit(settings: object) -> int:
    settings.AXES_ADDRESS_FAILURE_LIMIT = ADDRESS_LIMIT  # type: ignore[attr-defined]
    return ADDRESS_LIMIT


def usernames(count: int) -> list[str]:
    return [f"guess-{n}" for n in range(count)]


def test_an_address_may_fail_more_often_than_one_username_from_it() -> None:
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_ADDRESS_FAILURE_LIMIT == 20


@pytest.mark.django_db
def test_repeated_failures_for_a_username_from_one_address_lock_it_there_only(client: Client, staff_user: User) -> None:
    """Someone guessing the editor's password elsewhere cannot lock the editor out of the site."""
    fail_repeatedly(client, settings.AXES_FAILURE_LIMIT, ["editor"], ["198.51.100.1"])

    response = client.post(LOGIN, {"username": "editor", "password": PASSWORD}, REMOTE_ADDR="198.51.100.1")
    html = response.content.decode()
    assert response.status_code == 403
    assert "<h1>Sign-in is paused</h1>" in html
    assert "as <strong>editor</strong>" in html
    assert "for 1\xa0hour" in html
    assert "_auth_user_id" not in client.session
    # The editor, from their own address, signs in as usual.
    assert sign_in(client, "editor", PASSWORD, "192.0.2.200") == 302
    # Another account from the guesser's address is unaffected too: the address is under its own cap.
    User.objects.create_user("writer", password=PASSWORD, is_staff=True)
    assert sign_in(Client(), "writer", PASSWORD, "198.51.100.1") == 302


@pytest.mark.django_db
def test_failures_for_one_username_spread_over_addresses_lock_none_of_them(client: Client, staff_user: User) -> None:
    addresses = [f"198.51.100.{n}" for n in range(1, settings.AXES_FAILURE_LIMIT + 1)]
    for address in addresses:
        assert sign_in(client, "editor", "wrong-password", address) == 200
    assert sign_in(client, "editor", PASSWORD, addresses[0]) == 302


@pytest.mark.django_db
def test_repeated_failures_from_one_address_for_any_usernames_are_capped(
    client: Client, staff_user: User, address_limit: int
) -> None:
    """Guessing many usernames from one address: each stays under its own limit, but the address is paused."""
    fail_repeatedly(client, address_limit, usernames(address_limit), ["203.0.113.9"], limit=address_limit)

    response = client.post(LOGIN, {"username": "editor", "password": PASSWORD}, REMOTE_ADDR="203.0.113.9")
    html = response.content.decode()
    assert response.status_code == 403
    assert "<h1>Sign-in is paused</h1>" in html
    assert "<strong>" not in html.split("<h1>", 1)[1], "a pause for the address names no username"
    assert sign_in(client, "editor", PASSWORD, "203.0.113.10") == 302


@pytest.mark.django_db
def test_the_address_cap_ends_after_the_cool_off_period(client: Client, staff_user: User, address_limit: int) -> None:
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        fail_repeatedly(client, address_limit, usernames(address_limit), ["203.0.113.9"], limit=address_limit)
        traveller.shift(datetime.timedelta(minutes=61))
        assert sign_in(client, "editor", PASSWORD, "203.0.113.9") == 302


@pytest.mark.django_db
def test_fewer_failures_than_the_limit_do_not_lock(client: Client, staff_user: User) -> None:
    fail_repeatedly(client, settings.AXES_FAILURE_LIMIT - 1, ["editor"], ["203.0.113.7"])
    assert sign_in(client, "editor", PASSWORD) == 302


@pytest.mark.django_db
def test_lockout_ends_after_the_cool_off_period(client: Client, staff_user: User) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        fail_repeatedly(client, settings.AXES_FAILURE_LIMIT, ["editor"], ["203.0.113.7"])
        traveller.shift(datetime.timedelta(minutes=59))
        assert sign_in(client, "editor", PASSWORD) == 403
        # That refused attempt restarted the pause, so an hour must pass from it.
        traveller.shift(datetime.timedelta(minutes=61))
        assert sign_in(client, "editor", PASSWORD) == 302


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("command", "args", "by_address"),
    [("axes_reset_username", ["editor"], False), ("axes_reset_ip", ["203.0.113.9"], True), ("axes_reset", [], True)],
)
def test_management_commands_unlock_a_locked_account(
    client: Client, staff_user: User, address_limit: int, command: str, args: list[str], by_address: bool
) -> None:
    if by_address:
        fail_repeatedly(client, address_limit, usernames(address_limit), ["203.0.113.9"], limit=address_limit)
    else:
        fail_repeatedly(client, settings.AXES_FAILURE_LIMIT, ["editor"], ["203.0.113.9"])
    assert sign_in(client, "editor", PASSWORD, "203.0.113.9") == 403

    out = io.StringIO()
    call_command(command, *args, stdout=out)
    assert "removed" in out.getvalue().lower()
    assert sign_in(client, "editor", PASSWORD, "203.0.113.9") == 302


@pytest.mark.django_db
def test_lockout_counts_the_address_our_proxy_saw_not_one_the_client_wrote(
    client: Client, staff_user: User, settings: object, address_limit: int
) -> None:
    settings.TRUSTED_PROXY_COUNT = 1  # type: ignore[attr-defined]
    proxy = "10.0.0.5"
    for n in range(address_limit):
        client.post(
            LOGIN,
            {"username": f"guess-{n}", "password": "nope"},
            REMOTE_ADDR=proxy,
            HTTP_X_FORWARDED_FOR=f"{n}.{n}.{n}.{n}, 198.51.100.66",
        )
    # The client rotated the forged left-hand entry, but the proxy recorded the same real address.
    locked = client.post(
        LOGIN, {"username": "editor", "password": PASSWORD}, REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.66"
    )
    assert locked.status_code == 403
    other = client.post(
        LOGIN, {"username": "editor", "password": PASSWORD}, REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.67"
    )
    assert other.status_code == 302


def test_admin_path_comes_from_the_environment() -> None:
    """A fresh process with DJANGO_ADMIN_PATH set serves the admin there and nowhere else."""
    script = (
        "from django.urls import resolve, reverse\n"
        "print(reverse('admin:index'), reverse('admin:login'))\n"
        "print(resolve('/staff-only-7q/').namespace, resolve('/admin/').url_name)\n"
    )
    env = os.environ | {"DJANGO_ADMIN_PATH": "/staff-only-7q/"}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "/staff-only-7q/ /staff-only-7q/login/" in lines
    # The old address is now just an unknown topic, which answers 404.
    assert "admin topic" in lines


@pytest.mark.parametrize("weak", ["password123", "123456789012345", "editor-editor1", "short-pw"])
def test_weak_passwords_fail_the_validators(weak: str) -> None:
    user = User(username="editor-editor", email="editor@example.nz")
    with pytest.raises(ValidationError):
        validate_password(weak, user)


def test_a_long_uncommon_password_passes_the_validators() -> None:
    validate_password("kōwhai-tide-lantern-81", User(username="editor"))


@pytest.mark.django_db
def test_admin_refuses_to_create_a_user_with_a_weak_password(client: Client) -> None:
    sign_in_both_steps(client, User.objects.create_superuser("chief", password=PASSWORD))
    response = client.post(
        f"{ADMIN}auth/user/add/",
        {"username": "newstaff", "usable_password": "true", "password1": "password123", "password2": "password123"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "This password is too common." in html
    assert "at least 12 characters" in html
    assert not User.objects.filter(username="newstaff").exists()


@pytest.mark.django_db
def test_staff_session_ends_after_an_hour_without_activity(client: Client, staff_user: User) -> None:
    staff_user.is_superuser = True
    staff_user.save()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        response = client.post(LOGIN, {"username": "editor", "password": PASSWORD})
        assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 60 * 60
        finish_with_a_recovery_code(client, staff_user)
        # Activity keeps the session alive: each request restarts the hour.
        for _ in range(3):
            traveller.shift(datetime.timedelta(minutes=50))
            assert client.get(ADMIN).status_code == 200
        traveller.shift(datetime.timedelta(minutes=61))
        response = client.get(ADMIN)
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN)
