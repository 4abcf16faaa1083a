"""The pages that finish a staff sign-in: the second step, enrolling a first device, and recovery codes.

Served under the admin's address (StaffAdminSite.get_urls) but outside admin_view, since a session with a
password alone does not yet have the admin's permission; each view checks who is asking itself.
"""

import base64
from typing import Any

import qrcode
import qrcode.image.svg
from django import forms
from django.contrib.admin import AdminSite
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from microcredentials.staff.two_factor import (
    APP_DEVICE_NAME,
    has_passkey,
    has_second_factor,
    new_recovery_codes,
    verify_code,
)

CODE_REFUSED = (
    "That code did not work. Type the newest six-digit code from your app (check your phone's clock is right), "
    "or one of your recovery codes. After several wrong codes you must wait a little before trying again."
)


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=20,
        strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}),
        help_text="Six digits from your authenticator app, or one of your recovery codes.",
    )


class AppCodeForm(CodeForm):
    code = forms.RegexField(
        label="Code from the app",
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": "Type the six digits the app shows, without spaces."},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text="The app shows a new six-digit code every 30 seconds.",
    )


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(candidate, {request.get_host()}, require_https=request.is_secure())
    return candidate if safe else reverse("admin:index")


def _with_next(name: str, request: HttpRequest) -> str:
    return f"{reverse(name)}?{urlencode({'next': _next_url(request)})}"


def _staff_only(request: HttpRequest) -> HttpResponse | None:
    """A redirect to the sign-in form for anyone who has not given a staff password in this session."""
    user = request.user
    if user.is_authenticated and user.is_active and user.is_staff:
        return None
    return redirect_to_login(request.get_full_path(), reverse("admin:login"))


def _render(site: AdminSite, request: HttpRequest, template: str, title: str, **context: Any) -> HttpResponse:
    context = {**site.each_context(request), "title": title, "next": _next_url(request), **context}
    return render(request, f"admin/two_step/{template}", context)


@never_cache
def second_step(request: HttpRequest, site: AdminSite) -> HttpResponse:
    """After the password: a passkey or a code, or, with no device yet, enrolment."""
    if refused := _staff_only(request):
        return refused
    if request.user.is_verified():  # type: ignore[union-attr]
        return HttpResponseRedirect(_next_url(request))
    if not has_second_factor(request.user):  # type: ignore[arg-type]
        return HttpResponseRedirect(_with_next("admin:two_step_add", request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = verify_code(request.user, form.cleaned_data["code"])  # type: ignore[arg-type]
        if device is not None:
            otp_login(request, device)
            return HttpResponseRedirect(_next_url(request))
        form.add_error("code", CODE_REFUSED)
    passkey = has_passkey(request.user)  # type: ignore[arg-type]
    return _render(site, request, "verify.html", "Confirm it is you", form=form, passkey=passkey)


@never_cache
def add_device(request: HttpRequest, site: AdminSite) -> HttpResponse:
    """Choose a second factor: a passkey (added on this page) or an authenticator app."""
    if refused := _staff_only(request):
        return refused
    if has_second_factor(request.user) and not request.user.is_verified():  # type: ignore[arg-type, union-attr]
        return HttpResponseRedirect(_with_next("admin:two_step", request))  # a new device needs the old one first
    after = _with_next("admin:two_step_recovery_codes", request)
    return _render(site, request, "add_device.html", "Set up two-step sign-in", after_passkey=after)


@never_cache
def add_app(request: HttpRequest, site: AdminSite) -> HttpResponse:
    """Enrol an authenticator app: scan the code (or type the key), then prove it with one of its codes."""
    if refused := _staff_only(request):
        return refused
    user = request.user
    if has_second_factor(user) and not user.is_verified():  # type: ignore[arg-type, union-attr]
        return HttpResponseRedirect(_with_next("admin:two_step", request))
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first() or TOTPDevice.objects.create(
        user=user, name=APP_DEVICE_NAME, confirmed=False
    )
    form = AppCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"].strip()):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            if not user.is_verified():  # type: ignore[union-attr]
                otp_login(request, device)
            return HttpResponseRedirect(_with_next("admin:two_step_recovery_codes", request))
        form.add_error("code", "That code did not match. Type the newest code the app shows.")
    key = base64.b32encode(device.bin_key).decode()
    context = {"form": form, "key": " ".join(key[i : i + 4] for i in range(0, len(key), 4)), "qr": _qr_svg(device)}
    return _render(site, request, "add_app.html", "Add an authenticator app", **context)


def _qr_svg(device: TOTPDevice) -> str:
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    return mark_safe(image.to_string(encoding="unicode"))


@never_cache
def recovery_codes(request: HttpRequest, site: AdminSite) -> HttpResponse:
    """Single-use codes for when the passkey or phone is not at hand: shown once, when they are made."""
    if refused := _staff_only(request):
        return refused
    user = request.user
    if not user.is_verified():  # type: ignore[union-attr]
        return HttpResponseRedirect(_with_next("admin:two_step", request))
    unused = StaticToken.objects.filter(device__user=user).count()
    codes = new_recovery_codes(user) if request.method == "POST" or not unused else []  # type: ignore[arg-type]
    return _render(site, request, "recovery_codes.html", "Recovery codes", codes=codes, unused=unused)
