"""Health checks for the container and the load balancer.

/healthz (liveness) says the process answers and touches nothing else;
/readyz (readiness) also checks that the database answers, and reports the cache: while Redis is down it
still answers 200 (the site serves every page uncached, straight from the database, so the load balancer
should keep sending readers) with "cache": "degraded" in its body, for monitoring to alert on.

Probes come from inside the container (127.0.0.1) or from a load balancer,
over plain HTTP and with a Host header that is not the public host name. So
SECURE_REDIRECT_EXEMPT spares these paths the HTTPS redirect, and
`health_check_middleware` answers them before CommonMiddleware validates the
host. It sits below the security-header middleware, so /healthz costs what a
plain view costs: the benchmark's floor. The Prometheus scraper is in the same
position, so it also answers /metrics for a client allowed to read it (anyone else
goes on through the site, to its ordinary 404). It answers nothing else.
"""

from collections.abc import Callable

from django.core.cache import cache
from django.db import connection
from django.db.utils import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from careers_site.http.metrics_endpoint import metrics_for_scraper


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers. Deliberately touches no database."""
    return HttpResponse("ok", content_type="text/plain")


@never_cache
@require_safe
def readyz(request: HttpRequest) -> HttpResponse:
    """Readiness: the database answers a trivial query."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse({"database": "unavailable"}, status=503, headers={"Retry-After": "10"})
    return JsonResponse({"database": "ok", "cache": _cache_state()})


def _cache_state() -> str:
    """ "ok", or "degraded" when the shared cache (Redis) cannot be reached; a local-memory cache is always ok."""
    is_reachable = getattr(cache, "is_reachable", None)
    return "degraded" if is_reachable is not None and not is_reachable() else "ok"


def health_check_middleware(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    # Each answers, or (None) lets the request go on through the site.
    health_views: dict[str, Callable[[HttpRequest], HttpResponse | None]] = {}

    def middleware(request: HttpRequest) -> HttpResponse:
        if not health_views:  # their paths come from the URLconf, once it can be read
            names = {"healthz": healthz, "readyz": readyz, "metrics": metrics_for_scraper}
            health_views.update({reverse(name): view for name, view in names.items()})
        view = health_views.get(request.path_info)
        if view is not None:
            response = view(request)
            if response is not None:
                return response
        return get_response(request)

    return middleware
