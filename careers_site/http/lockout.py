"""Sign-in lockout (django-axes): a username from one address, and a higher cap for the address alone.

AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]] pauses sign-in for one username from one address after
AXES_FAILURE_LIMIT failures, so someone guessing from elsewhere cannot lock a member of staff out of the site.
Guessing many usernames from one address is capped too, by AXES_ADDRESS_FAILURE_LIMIT failures (higher: the staff
of an office share its address, and each may mistype). Axes has one failure limit for every set of lockout
parameters, so the cap per address is counted here, from the same AccessAttempt rows and over the same cool-off,
by `AddressCappedHandler` (AXES_HANDLER). Unlock an address early with `manage.py axes_reset_ip ADDRESS`.
"""

from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_ip_address, get_client_username
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


def address_failures(request: HttpRequest) -> int:
    """Failed sign-ins from the request's address, for any username, within the cool-off."""
    address = getattr(request, "axes_ip_address", None) or get_client_ip_address(request)
    recent = AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=get_cool_off_threshold(request))
    return int(recent.aggregate(total=Sum("failures_since_start"))["total"] or 0)


def is_address_capped(request: HttpRequest) -> bool:
    return address_failures(request) >= settings.AXES_ADDRESS_FAILURE_LIMIT


class AddressCappedHandler(AxesDatabaseHandler):
    """Axes' database handler, plus the cap per address. A lock it makes is marked `axes_locked_by_address`."""

    def is_locked(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> bool:
        if super().is_locked(request, credentials):
            return True
        if is_address_capped(request):
            request.axes_locked_by_address = True  # type: ignore[attr-defined]
            return True
        return False

    def user_login_failed(
        self, sender: object, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
    ) -> None:
        """Record the failure as axes does; if it brings the address to its cap, this attempt is the locked one."""
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or getattr(request, "axes_locked_out", False) or self.is_whitelisted(request, credentials):
            return
        if is_address_capped(request):
            request.axes_locked_out = True  # type: ignore[attr-defined]
            request.axes_locked_by_address = True  # type: ignore[attr-defined]
            request.axes_credentials = credentials  # type: ignore[attr-defined]
            user_locked_out.send(
                "axes",
                request=request,
                username=get_client_username(request, credentials),
                ip_address=getattr(request, "axes_ip_address", None),
            )
