"""Request and response defences that Django and the libraries we use do not provide.

- `browser_policy_middleware` adds the Permissions-Policy and Cross-Origin-Resource-Policy
  headers. It sits above WhiteNoise in MIDDLEWARE so static files get them as well.
- `signed_in_responses_private_middleware` marks every response rendered for a signed-in
  user `Cache-Control: private, no-store`, so no browser or shared cache keeps a staff page.
- `request_size_limit_middleware` answers 413 from the Content-Length header alone,
  before anything reads a body that is larger than the site accepts.
- `method_not_allowed_page_middleware` gives an empty 405 (from `require_safe` and
  friends) the site's 405 page, keeping its Allow header.
- `AdminToFieldMiddleware` answers 400, not Django's 500, to an admin request with an
  empty `_to_field`.
- `content_security_policy_middleware` sends the site-wide policy, built once.
- `lockout_response` is the page django-axes shows when sign-in is paused (see lockout.py).
- `refuse_cross_origin_posts` guards the readers' forms without a per-visitor token.
- `read_only` marks the pages readers only look at: other methods get 405, not CSRF's 403.
"""

import functools
import logging
from collections.abc import Callable
from datetime import timedelta
from urllib.parse import urlsplit

from axes.helpers import get_client_username, get_cool_off
from csp.constants import HEADER
from csp.utils import build_policy
from django.conf import settings
from django.contrib.admin.exceptions import DisallowedModelAdminToField
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import is_same_domain
from django.utils.timesince import timesince
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from careers_site.http.errors import csrf_failure

Handler = Callable[[HttpRequest], HttpResponseBase]
# "none" is a request the reader started themselves (typed or bookmarked), not one a page made.
SAME_ORIGIN_FETCH_SITES = frozenset({"same-origin", "none"})
TO_FIELD_VAR = "_to_field"  # django.contrib.admin.options.TO_FIELD_VAR
# Only this site's own pages may embed its responses (images, scripts, styles, JSON): Spectre-class attacks and
# hotlinking from other sites get nothing. Every resource the site uses is its own (tests/ops/test_page_weight.py).
CROSS_ORIGIN_RESOURCE_POLICY = "same-origin"
# Nothing rendered for a signed-in person may be kept by a browser's history cache, a proxy or a CDN.
SIGNED_IN_CACHE_CONTROL = "private, no-store"
csrf_log = logging.getLogger("django.security.csrf")


def permissions_policy_header(policy: dict[str, list[str]]) -> str:
    """`{"camera": [], "fullscreen": ["self"]}` -> `camera=(), fullscreen=(self)`."""
    return ", ".join(f"{feature}=({' '.join(allow)})" for feature, allow in policy.items())


def browser_policy_middleware(get_response: Handler) -> Handler:
    """Permissions-Policy and Cross-Origin-Resource-Policy on every response, static files included."""
    header = permissions_policy_header(settings.PERMISSIONS_POLICY)

    def middleware(request: HttpRequest) -> HttpResponseBase:
        response = get_response(request)
        response.headers.setdefault("Permissions-Policy", header)
        response.headers.setdefault("Cross-Origin-Resource-Policy", CROSS_ORIGIN_RESOURCE_POLICY)
        return response

    return middleware


def signed_in_responses_private_middleware(get_response: Handler) -> Handler:
    """`Cache-Control: private, no-store` on every response rendered for a signed-in user, whatever the view said.

    It sits just below AuthenticationMiddleware (and below the outage middleware, which answers if reading the
    session fails). Public pages are cached only for requests that carry no session cookie (see
    careers_site.pagecache.middleware), so a reader's page never passes through here as a signed-in one.
    A request without a session is never signed in, and is answered without reading the session at all, so
    readers' responses gain no `Vary: Cookie`.
    """

    def middleware(request: HttpRequest) -> HttpResponseBase:
        response = get_response(request)
        if is_signed_in(request):
            response["Cache-Control"] = SIGNED_IN_CACHE_CONTROL
            if "Expires" in response:
                del response["Expires"]
        return response

    return middleware


def is_signed_in(request: HttpRequest) -> bool:
    """Whether a user is signed in on this request (or signed in by it): only a request with a session can be."""
    session = getattr(request, "session", None)
    if session is None or session.session_key is None:
        return False
    try:
        user = getattr(request, "user", None)
        return bool(user is not None and user.is_authenticated)
    except DatabaseError:  # the session could not be read: nobody is shown as signed in, and nothing is kept
        return False


def body_size_limit(content_type: str) -> int | None:
    """The largest body we accept. Multipart bodies may carry an image upload on top of the form fields."""
    if settings.DATA_UPLOAD_MAX_MEMORY_SIZE is None:
        return None
    if content_type.lower().startswith("multipart/form-data"):
        return max(settings.DATA_UPLOAD_MAX_MEMORY_SIZE, settings.MULTIPART_REQUEST_MAX_SIZE)
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def declared_body_size(request: HttpRequest) -> int:
    """Content-Length as a number; a missing or malformed one counts as 0, as Django itself treats it."""
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


def request_size_limit_middleware(get_response: Handler) -> Handler:
    def middleware(request: HttpRequest) -> HttpResponseBase:
        limit = body_size_limit(request.META.get("CONTENT_TYPE", ""))
        if limit is not None and declared_body_size(request) > limit:
            return render(request, "413.html", {"limit_mb": _megabytes(limit)}, status=413)
        return get_response(request)

    return middleware


def method_not_allowed_page_middleware(get_response: Handler) -> Handler:
    def middleware(request: HttpRequest) -> HttpResponseBase:
        response = get_response(request)
        if response.status_code != 405 or response.streaming or response.content:  # type: ignore[attr-defined]
            return response
        page = render(request, "405.html", status=405)
        for header in ("Allow", "Cache-Control", "Vary"):
            if header in response:
                page[header] = response[header]
        return page

    return middleware


class AdminToFieldMiddleware:
    """Refuse an empty `_to_field` in the admin with 400, as Django refuses a field it does not allow.

    Django's admin (5.2) checks `_to_field` only when it is not empty, then looks up a field named "" and answers
    500, on every change and delete page, its own user admin's included. Only admin requests are read, and only
    in process_view, after CsrfViewMiddleware's: a post's body is read no sooner than Django reads it itself.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response
        self.admin_prefix = "/" + settings.ADMIN_PATH

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view: object, args: object, kwargs: object) -> None:
        if not request.path.startswith(self.admin_prefix):
            return
        to_field = request.GET.get(TO_FIELD_VAR)
        if request.method == "POST":
            to_field = request.POST.get(TO_FIELD_VAR, to_field)
        if to_field == "":
            raise DisallowedModelAdminToField("An empty _to_field names no field.")


def lockout_response(request: HttpRequest, original_response: object, credentials: dict | None = None) -> HttpResponse:
    """django-axes' AXES_LOCKOUT_CALLABLE: the "sign-in is paused" page, with the pause in words.

    A pause for the whole address (lockout.AddressCappedHandler) names no username: it holds for every one.
    """
    cool_off = get_cool_off(request) or timedelta(0)
    now = timezone.now()
    by_address = getattr(request, "axes_locked_by_address", False)
    context = {
        "username": "" if by_address else get_client_username(request, credentials) or "",
        "cool_off": timesince(now - cool_off, now) if cool_off else "",
    }
    return render(request, settings.AXES_LOCKOUT_TEMPLATE, context, status=settings.AXES_HTTP_RESPONSE_CODE)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0")


def client_ip_address(request: HttpRequest) -> str:
    """AXES_CLIENT_IP_CALLABLE: the client's address, trusting only the proxies we run.

    Each proxy appends the address it received the request from to X-Forwarded-For, so with
    TRUSTED_PROXY_COUNT proxies the client is that many entries from the right.
    """
    remote = str(request.META.get("REMOTE_ADDR", ""))
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    hops = [hop.strip() for hop in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",") if hop.strip()]
    return hops[-count] if len(hops) >= count else remote


def content_security_policy_middleware(get_response: Handler) -> Handler:
    """The site-wide Content-Security-Policy, built once with django-csp's build_policy.

    No view uses nonces or a policy of its own, so every response gets the same string; building it per
    response, as django-csp's middleware does, cost about 50 µs, a fifth of a cached page.
    """
    policy = build_policy(config=settings.CONTENT_SECURITY_POLICY["DIRECTIVES"])

    def middleware(request: HttpRequest) -> HttpResponseBase:
        response = get_response(request)
        if HEADER not in response:
            response[HEADER] = policy
        return response

    return middleware


def is_cross_origin(request: HttpRequest) -> bool:
    """Whether a browser sent this request from a page on another origin: a cross-site request forgery.

    Browsers label requests to HTTPS sites with Sec-Fetch-Site (all current ones since 2023) and every form
    post with Origin (since 2020), and a page's script can set neither. A request with neither comes from a
    program or an older browser. Over HTTPS its Referer must then name this site, as Django's own CSRF check
    requires: a post with no Referer, or another site's, is refused. Over plain HTTP (development, and tests
    over http://testserver) such a request goes through, as Go's CrossOriginProtection lets it.
    """
    origin = request.headers.get("Origin")
    if origin is not None and is_trusted_origin(origin):
        return False
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site not in SAME_ORIGIN_FETCH_SITES
    if origin is not None:
        return origin != own_origin(request)
    if not request.is_secure():
        return False
    return not is_own_referer(request.headers.get("Referer", ""), request)


def own_origin(request: HttpRequest) -> str:
    return f"{request.scheme}://{request.get_host()}"


def is_own_referer(referer: str, request: HttpRequest) -> bool:
    """Whether Referer is an HTTPS address on this site (or on an origin in DJANGO_CSRF_TRUSTED_ORIGINS)."""
    try:
        parts = urlsplit(referer)
    except ValueError:  # e.g. "https://[::1" (an unclosed IPv6 address)
        return False
    if parts.scheme != "https" or not parts.netloc:
        return False
    origin = f"{parts.scheme}://{parts.netloc}"
    return origin == own_origin(request) or is_trusted_origin(origin)


def is_trusted_origin(origin: str) -> bool:
    """Whether DJANGO_CSRF_TRUSTED_ORIGINS names the origin, read as Django reads it ("https://*.example.com")."""
    if origin in settings.CSRF_TRUSTED_ORIGINS:
        return True
    scheme, _, host = origin.partition("://")
    return any(
        trusted.startswith(f"{scheme}://*") and is_same_domain(host, trusted.removeprefix(f"{scheme}://*"))
        for trusted in settings.CSRF_TRUSTED_ORIGINS
    )


def read_only(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """GET and HEAD only: any other method gets the 405 page, with its Allow header.

    CsrfViewMiddleware runs before the view, so without the exemption a POST would get its 403 ("we could not
    check that this request came from this site") instead. A view that never acts on a request's body has
    nothing for CSRF to protect.
    """
    return csrf_exempt(require_safe(view))


def refuse_cross_origin_posts(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """CSRF protection for readers' forms (feedback, hiding the alert), checked from the browser's own headers.

    Django's token would have to be masked afresh and its cookie set on every page carrying these forms, so
    no two readers could share a cached copy (nor could a CDN keep one) and a quarter of each page's cost
    went on it. These forms act for no signed-in person, so what needs guarding is only that another site
    cannot make its visitors' browsers send them. Staff forms keep Django's CsrfViewMiddleware.
    """

    @functools.wraps(view)
    def guarded(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponseBase:
        if request.method not in ("GET", "HEAD", "OPTIONS") and is_cross_origin(request):
            csrf_log.warning("Forbidden (cross-origin post from %s): %s", _claimed_source(request), request.path)
            return csrf_failure(request)
        return view(request, *args, **kwargs)

    return csrf_exempt(guarded)


def _claimed_source(request: HttpRequest) -> str:
    """Where the request says it came from, for the log."""
    for header in ("Origin", "Sec-Fetch-Site", "Referer"):
        if request.headers.get(header):
            return str(request.headers[header])
    return "a page that sent no Origin, Sec-Fetch-Site or Referer"
