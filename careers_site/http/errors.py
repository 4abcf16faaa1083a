"""Error pages in the site's layout.

Django's own 400 and CSRF pages render without the request, so the layout's
context (site name, alert) would be missing; these render with it. Each falls
back to plain text if even the template fails, so an error page never raises.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from careers_site.http.request_id import current_request_id


def render_error_page(
    request: HttpRequest, template: str, status: int, fallback: str, context: dict[str, object] | None = None
) -> HttpResponse:
    try:
        return render(request, template, context, status=status)
    except Exception:  # noqa: BLE001 - the error page must never raise
        return HttpResponse(fallback, status=status, content_type="text/plain; charset=utf-8")


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render_error_page(request, "400.html", 400, "Sorry, we could not understand that request.")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render_error_page(request, "403.html", 403, "Sorry, you cannot see this page.")


@never_cache  # a refusal is about this one request: nothing may keep it
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: usually a form left open so long that its security check expired."""
    return render_error_page(
        request, "403_csrf.html", 403, "Your request could not be sent. Reload the page and try again."
    )


@never_cache  # quotes this request's id: nothing may keep it
def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page in the site's layout, with the request's id to quote; plain text if even that fails."""
    request_id = current_request_id()
    fallback = "Sorry, something went wrong. Please try again later."
    if request_id:
        fallback += f" Reference: {request_id}"
    return render_error_page(request, "500.html", 500, fallback, {"request_id": request_id})
