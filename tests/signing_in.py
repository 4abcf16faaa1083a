"""Signing staff in for tests: the password step, as Django's force_login does it, then a verified second factor.

A session with a password alone counts as signed out (microcredentials/staff/two_factor.py), so every test
that acts as staff signs in with both steps. tests/staff/test_two_factor.py goes through the real steps.
"""

from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice

from microcredentials.staff.two_factor import new_recovery_codes

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def verify_second_factor(client: Client, user: User) -> None:
    """Mark the client's session verified by a device of `user`'s, as django_otp.login does after a code."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name="Recovery codes")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def sign_in(client: Client, user: User, backend: str = MODEL_BACKEND) -> Client:
    client.force_login(user, backend=backend)
    verify_second_factor(client, user)
    return client


def finish_with_a_recovery_code(client: Client, user: User) -> None:
    """The second step as a person takes it after the password: one of their recovery codes, on the real form."""
    code = new_recovery_codes(user)[0]
    response = client.post(f"/{settings.ADMIN_PATH}two-step/", {"code": code, "next": f"/{settings.ADMIN_PATH}"})
    assert response.status_code == 302, "the recovery code should finish signing in"
