"""Staff accounts: `manage.py create_staff`, and a user put in a staff group gets Staff status, so can sign in."""

import fcntl
import io
import os
import select
import sqlite3
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command
from django.test import Client

from tests.signing_in import finish_with_a_recovery_code

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery-staple"


def create_staff(*args: str) -> str:
    out = io.StringIO()
    call_command("create_staff", *args, stdout=out)
    return out.getvalue()


def signed_in(username: str, password: str) -> Client:
    """A client signed in through the admin's login form and the second step, as a person would."""
    client = Client()
    response = client.post("/admin/login/?next=/admin/", {"username": username, "password": password})
    assert response.status_code == 302, "the login form should accept them"
    finish_with_a_recovery_code(client, User.objects.get(username=username))
    return client


def test_a_generated_password_is_printed_once_and_works() -> None:
    output = create_staff("cora", "--group", "Contact centre", "--generate-password", "--email", "cora@example.govt.nz")
    user = User.objects.get(username="cora")
    assert user.is_staff and not user.is_superuser
    assert user.email == "cora@example.govt.nz"
    assert [group.name for group in user.groups.all()] == ["Contact centre"]
    printed = [line for line in output.splitlines() if line.startswith("Password")]
    assert len(printed) == 1
    password = printed[0].rsplit(" ", 1)[1]
    assert len(password) >= 20 and user.check_password(password)
    assert output.startswith("Created staff user 'cora' in: Contact centre.")
    assert signed_in("cora", password).get("/admin/microcredentials/sitealert/").status_code == 200


def test_several_groups_and_an_existing_user() -> None:
    create_staff("erin", "--group", "Content editors", "--group", "Reviewers", "--generate-password")
    user = User.objects.get(username="erin")
    assert sorted(group.name for group in user.groups.all()) == ["Content editors", "Reviewers"]
    old_password = user.password
    output = create_staff("erin", "--group", "Contact centre")  # adds a group; the password stays
    user.refresh_from_db()
    assert output == "Updated staff user 'erin' in: Contact centre.\n"
    assert user.groups.count() == 3 and user.password == old_password


def test_an_unknown_group_is_refused_with_the_groups_there_are() -> None:
    with pytest.raises(CommandError) as refused:
        create_staff("cora", "--group", "Contact Centre", "--generate-password")
    assert str(refused.value) == (
        'There is no group called "Contact Centre". Use one of these, spelt exactly so: '
        '"Contact centre", "Content editors", "Reviewers".'
    )
    assert not User.objects.filter(username="cora").exists()


def _run_in_a_terminal(args: list[str], answers: list[str], env: dict[str, str]) -> tuple[int, str]:
    """Run manage.py with a terminal of its own (a pseudo-terminal), typing each answer after each prompt."""
    leader, follower = os.openpty()

    def take_the_terminal() -> None:  # the child's own session, with the pseudo-terminal as its terminal
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    process = subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        stdin=follower,
        stdout=follower,
        stderr=follower,
        start_new_session=True,
        preexec_fn=take_the_terminal,
    )
    os.close(follower)
    output = b""
    for asked, answer in enumerate([*answers, None], start=1):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if answer is not None and output.count(b"Password") >= asked:  # its prompt is out
                break
            ready, _, _ = select.select([leader], [], [], 0.1)
            if ready:
                try:
                    output += os.read(leader, 4096)
                except OSError:  # the child has finished and closed its end
                    break
            elif answer is None and process.poll() is not None:
                break
        if answer is not None:
            os.write(leader, answer.encode() + b"\n")
    code = process.wait(timeout=60)
    os.close(leader)
    return code, output.decode()


@pytest.mark.slow
def test_the_password_is_asked_for_twice_without_echo(tmp_path: Path) -> None:
    database = tmp_path / "staff.sqlite3"
    env = {
        **{name: value for name, value in os.environ.items() if name not in {"DATABASE_URL", "REDIS_URL"}},
        "DATABASE_URL": f"sqlite:///{database}",
    }
    migrated = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input"], cwd=settings.BASE_DIR, env=env, capture_output=True
    )
    assert migrated.returncode == 0, migrated.stderr

    code, output = _run_in_a_terminal(["create_staff", "cora", "--group", "Contact centre"], [PASSWORD, PASSWORD], env)
    assert code == 0, output
    assert "Password:" in output and "Password (again):" in output
    assert PASSWORD not in output  # not echoed, and never printed
    assert "Created staff user 'cora' in: Contact centre." in output

    code, output = _run_in_a_terminal(["create_staff", "dan", "--group", "Reviewers"], [PASSWORD, "another"], env)
    assert code == 1
    assert "The two passwords were not the same. Nothing was created." in output
    code, output = _run_in_a_terminal(["create_staff", "dan", "--group", "Reviewers"], ["short", "short"], env)
    assert code == 1
    assert "That password cannot be used: This password is too short." in output

    with sqlite3.connect(database) as db:
        rows = db.execute("SELECT username, is_staff, is_superuser, password FROM auth_user").fetchall()
        groups = db.execute("SELECT g.name FROM auth_group g JOIN auth_user_groups ug ON ug.group_id = g.id").fetchall()
    assert [(name, staff, superuser) for name, staff, superuser, _ in rows] == [("cora", 1, 0)]
    assert check_password(PASSWORD, rows[0][3])
    assert groups == [("Contact centre",)]


# --- Staff status follows the groups -----------------------------------------------------------------


def test_adding_a_user_to_a_staff_group_gives_staff_status_either_way_round() -> None:
    ann = User.objects.create_user("ann", password=PASSWORD)
    ann.groups.add(Group.objects.get(name="Content editors"))
    ann.refresh_from_db()
    assert ann.is_staff
    bob = User.objects.create_user("bob", password=PASSWORD)
    Group.objects.get(name="Contact centre").user_set.add(bob)
    bob.refresh_from_db()
    assert bob.is_staff


def test_a_user_added_to_a_group_in_the_admin_can_sign_in(admin_client: Client) -> None:
    user = User.objects.create_user("kim", password=PASSWORD)
    editors = Group.objects.get(name="Content editors")
    response = admin_client.post(
        f"/admin/auth/user/{user.pk}/change/",
        {
            "username": "kim",
            "first_name": "",
            "last_name": "",
            "email": "",
            "is_active": "on",
            "groups": [str(editors.pk)],
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2026-11-20",
            "date_joined_1": "09:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user.refresh_from_db()
    assert user.is_staff  # Staff status was not ticked; joining the group set it
    assert signed_in("kim", PASSWORD).get("/admin/microcredentials/advicepage/").status_code == 200


def test_clearing_staff_status_later_is_not_overruled() -> None:
    user = User.objects.create_user("lee", password=PASSWORD)
    user.groups.add(Group.objects.get(name="Reviewers"))
    User.objects.filter(pk=user.pk).update(is_staff=False)
    user.groups.set(list(user.groups.all()))  # saving the same groups again adds none
    user.refresh_from_db()
    assert not user.is_staff
