"""/metrics: the Prometheus metrics, for the scraper only.

Served to clients whose address (as the site works it out: careers_site.http.security.client_ip_address, so
a reader behind the trusted proxies is never taken for the proxy itself) is in DJANGO_METRICS_ALLOWED_CIDRS,
or that send `Authorization: Bearer <DJANGO_METRICS_TOKEN>`. Anyone else gets the site's ordinary 404, so
the endpoint's existence is not advertised. Nothing may keep the answer (Cache-Control: no-store).

Under gunicorn (PROMETHEUS_MULTIPROC_DIR set) the numbers are every worker's, added up from their files.
"""

import hmac
import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest, multiprocess, values

from careers_site import metrics
from careers_site.http.security import client_ip_address

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
# As prometheus_client decided when it loaded (PROMETHEUS_MULTIPROC_DIR set then): where this process's numbers are.
MULTIPROCESS = values.ValueClass is not values.MutexValue


@lru_cache(maxsize=4)
def allowed_networks(cidrs: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(cidr, strict=False) for cidr in cidrs)


def address_allowed(address: str, cidrs: tuple[str, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:  # ::ffff:127.0.0.1 is 127.0.0.1
        ip = ip.ipv4_mapped
    return any(ip in network for network in allowed_networks(cidrs))


def token_matches(request: HttpRequest, token: str) -> bool:
    if not token:
        return False
    sent = request.META.get("HTTP_AUTHORIZATION", "")
    return hmac.compare_digest(sent.encode(), f"Bearer {token}".encode())


def scrape() -> bytes:
    """Every worker's numbers (multiprocess mode) or this process's, and the task queue read now."""
    registry = CollectorRegistry()
    if MULTIPROCESS:
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        registry.register(metrics.TASK_QUEUE)
        return generate_latest(registry)
    registry.register(metrics.TASK_QUEUE)
    return generate_latest(REGISTRY) + generate_latest(registry)


def metrics_for_scraper(request: HttpRequest) -> HttpResponse | None:
    """The metrics for an allowed client, else None. Answered by careers_site.http.health's middleware, before the
    Host header is checked: a scraper addresses each app server by its own address, not the site's name."""
    allowed = address_allowed(client_ip_address(request), tuple(settings.METRICS_ALLOWED_CIDRS))
    if not (allowed or token_matches(request, settings.METRICS_TOKEN)):
        return None
    response = HttpResponse(scrape(), content_type=CONTENT_TYPE_LATEST)
    response["Cache-Control"] = "no-store"
    return response


def metrics_view(request: HttpRequest) -> HttpResponse:
    """The URL (for reverse()): reached only by those the middleware did not answer, who get the 404 page."""
    response = metrics_for_scraper(request)
    if response is None:
        raise Http404
    return response
