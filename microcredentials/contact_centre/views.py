"""Views for the site alert (hiding it) and the contact page. Thin: the logic is in alerts.py and contact.py."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from careers_site.http.security import read_only, refuse_cross_origin_posts
from careers_site.pagecache.decorators import cache_public_page
from microcredentials.contact_centre.alerts import DISMISSED_COOKIE, DISMISSED_MAX_AGE, add_dismissed_key, is_valid_key
from microcredentials.contact_centre.contact import contact_page_context
from microcredentials.lib.negotiation import wants_json


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else reverse("home")


@refuse_cross_origin_posts
@require_POST
def dismiss_alert(request: HttpRequest) -> HttpResponse:
    """Remember in a cookie that this reader hid this alert, then go back (303) to the page they were on.

    The page's script sends the same form with fetch and `Accept: application/json`; it gets 204 instead.
    """
    key = request.POST.get("key", "")
    if not is_valid_key(key):
        return HttpResponseBadRequest("That message could not be hidden: the request was incomplete.", "text/plain")
    if wants_json(request):
        response = HttpResponse(status=204)
    else:
        response = HttpResponseRedirect(_safe_next(request), status=303)
    response.set_cookie(
        DISMISSED_COOKIE,
        add_dismissed_key(request.COOKIES.get(DISMISSED_COOKIE), key),
        max_age=DISMISSED_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


@read_only
@cache_public_page(to_the_minute=True)
def contact(request: HttpRequest) -> HttpResponse:
    context = contact_page_context(timezone.now(), settings.SITE_URL + reverse("contact"))
    return render(request, "microcredentials/contact.html", context)
