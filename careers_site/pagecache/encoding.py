"""Compressed bodies for text responses: brotli or gzip, as the browser accepts.

Public pages are compressed once per process for each body they can have (see middleware._filled_page), so a
cached page costs no compression per request. Other responses are compressed only when they can hold no
secret (BREACH): no cookies came in, none go out, and nobody is signed in.
"""

import functools
import gzip

import brotli
from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import patch_vary_headers

COMPRESSIBLE_TYPES = ("text/", "application/json", "application/xml", "application/atom+xml", "image/svg+xml")
MIN_BYTES = 512  # smaller bodies gain less than the headers cost


@functools.lru_cache(maxsize=256)  # browsers send a handful of distinct headers; parsing one cost ~3 µs a request
def accepted_encoding(accept_encoding: str) -> str | None:
    """ "br" or "gzip" if the client accepts it (br first, as it is smaller), else None."""
    accepted = set()
    for part in accept_encoding.lower().split(","):
        name, _, params = part.strip().partition(";")
        quality = params.strip().removeprefix("q=")
        if quality and _is_zero(quality):
            continue
        accepted.add(name.strip())
    for encoding in ("br", "gzip"):
        if encoding in accepted or "*" in accepted:
            return encoding
    return None


def _is_zero(quality: str) -> bool:
    try:
        return float(quality) == 0
    except ValueError:
        return True  # a quality we cannot read is no promise to accept


def compress(body: bytes, encoding: str) -> bytes:
    if encoding == "br":
        return brotli.compress(body, quality=5)  # close to the best size at a fraction of quality 11's time
    return gzip.compress(body, compresslevel=6, mtime=0)


def is_compressible(response: HttpResponseBase) -> bool:
    content_type = response.get("Content-Type", "")
    return (
        not getattr(response, "streaming", False)
        and not response.has_header("Content-Encoding")
        and content_type.startswith(COMPRESSIBLE_TYPES)
        and len(response.content) >= MIN_BYTES  # type: ignore[attr-defined]
    )


def holds_no_secret(request: HttpRequest, response: HttpResponseBase) -> bool:
    """BREACH needs a secret in the body and an attacker's text beside it: with no cookie in or out and no one
    signed in, a response carries no CSRF token or session data to guess."""
    user = getattr(request, "user", None)
    return not request.COOKIES and not response.cookies and not (user is not None and user.is_authenticated)


def set_body(response: HttpResponseBase, body: bytes, encoding: str | None) -> None:
    """Put `body` (already compressed with `encoding`, if any) in the response, with the headers that go with it."""
    if "Accept-Encoding" not in response.get("Vary", ""):  # public pages already say so (middleware.PUBLIC_VARY)
        patch_vary_headers(response, ["Accept-Encoding"])
    response.content = body  # type: ignore[attr-defined]
    if encoding:
        response["Content-Encoding"] = encoding
    response["Content-Length"] = str(len(body))
