"""Two-factor sign-in for staff: after the password, a passkey, an authenticator-app code or a recovery code.

django-otp keeps the devices and marks a session verified; django-otp-webauthn runs the passkey ceremonies.
What is ours: a session with a password alone counts as signed out everywhere except the pages that finish
signing in (the middleware below), the passkey checks tied to the site's own address, and the devices a
staff user enrols on first sign-in (views in two_factor_views.py).
"""

import functools
import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.request import split_domain_port
from django.http.response import HttpResponseBase
from django.urls import URLPattern
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn import urls as webauthn_urls
from django_otp_webauthn.helpers import WebAuthnHelper
from django_otp_webauthn.models import WebAuthnCredential

from careers_site.http.security import own_origin

RECOVERY_CODE_COUNT = 10
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


def _finishing_paths() -> tuple[str, ...]:
    admin = f"/{settings.ADMIN_PATH}"
    return (f"{admin}login/", f"{admin}logout/", f"{admin}two-step/", f"{admin}webauthn/")


def second_factor_required_middleware(get_response: Callable[[HttpRequest], HttpResponseBase]) -> Callable:
    """Treat a signed-in user without a verified second factor as signed out, except where sign-in finishes.

    So no staff page, preview or editor endpoint can be reached with a password alone, wherever it lives.
    Readers never have a session cookie, so their requests skip the check without reading a session.
    """
    finishing = _finishing_paths()

    def middleware(request: HttpRequest) -> HttpResponseBase:
        if settings.SESSION_COOKIE_NAME in request.COOKIES and not request.path.startswith(finishing):
            user = request.user
            if user.is_authenticated and not user.is_verified():  # type: ignore[attr-defined]  # OTPMiddleware adds it
                anonymous = AnonymousUser()
                anonymous.is_verified = lambda: False  # type: ignore[attr-defined]
                request.user = anonymous
        return get_response(request)

    return middleware


def relying_party_id(request: HttpRequest) -> str:
    """Passkeys belong to the host name staff sign in at (already checked against ALLOWED_HOSTS)."""
    domain, _port = split_domain_port(request.get_host())
    return domain


class OwnOriginWebAuthnHelper(WebAuthnHelper):
    """A passkey answer must come from the page it was asked for on: this site's own origin."""

    def get_allowed_origins(self) -> list[str]:
        return [own_origin(self.request)]


def has_second_factor(user: User) -> bool:
    return bool(user_has_device(user, confirmed=True))


def has_passkey(user: User) -> bool:
    return WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()


def new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes with RECOVERY_CODE_COUNT new ones, each good once. Returns them."""
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE_NAME)
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
        device.token_set.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def verify_code(user: User, code: str) -> TOTPDevice | StaticDevice | None:
    """The device that accepts `code`: six digits from an authenticator app, or a recovery code (used up).

    Each device counts its own failures and makes the user wait longer after each (django-otp's throttling).
    """
    code = "".join(code.split())
    devices: list[TOTPDevice | StaticDevice]
    if code.isdigit() and len(code) == 6:
        devices = list(TOTPDevice.objects.filter(user=user, confirmed=True))
    else:
        devices = list(StaticDevice.objects.filter(user=user, confirmed=True))
    for device in devices:
        if device.verify_token(code):
            return device
    return None


def remove_devices(user: User) -> int:
    """Forget every second factor of `user` (reset_two_factor): they enrol again at their next sign-in."""
    removed = 0
    for model in (TOTPDevice, StaticDevice, WebAuthnCredential):
        removed += model.objects.filter(user=user).delete()[1].get(model._meta.label, 0)
    return removed


def _json_body_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The passkey views read the body as UTF-8 JSON and fail with a 500 on anything else: refuse it with a 400."""

    @functools.wraps(view)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "POST" and request.META.get("CONTENT_LENGTH") not in (None, "", "0"):
            if request.content_type != "application/json" or not _is_json(request.body):
                return JsonResponse({"detail": "The request body must be JSON."}, status=400)
        return view(request, *args, **kwargs)

    return checked


def _is_json(body: bytes) -> bool:
    try:
        json.loads(body)
    except ValueError:  # JSONDecodeError and UnicodeDecodeError alike
        return False
    return True


def passkey_urls() -> tuple[list[URLPattern], str]:
    """django-otp-webauthn's URLs, each view refusing a body that is not JSON; for include()."""
    patterns = [
        URLPattern(url.pattern, _json_body_required(url.callback), url.default_args, url.name)
        for url in webauthn_urls.urlpatterns
    ]
    return patterns, webauthn_urls.app_name
