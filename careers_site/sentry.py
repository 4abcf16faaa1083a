"""Error reporting to Sentry, set up from settings.py only when SENTRY_DSN is set.

Errors (500s and logged errors) and a sample of requests' timings (SENTRY_TRACES_SAMPLE_RATE, for slow
requests) are sent, tagged with the image's release (APP_RELEASE). Nothing that identifies a reader or a
member of staff goes: no default personal data, no request bodies, no local variables (a form's text could be
in one), and before anything is sent the request's cookies, authorisation and form data are removed.
"""

from typing import Any

# Request headers that carry a credential or a session; compared in lower case.
SECRET_HEADERS = {"cookie", "authorization", "proxy-authorization", "x-csrftoken", "x-csrf-token"}
REMOVED = "[removed]"


def scrub_event(event: dict[str, Any], hint: dict[str, Any] | None = None) -> dict[str, Any]:
    """before_send and before_send_transaction: drop cookies, credentials and form data from the request."""
    request = event.get("request")
    if isinstance(request, dict):
        request.pop("cookies", None)
        request.pop("data", None)
        headers = request.get("headers")
        if isinstance(headers, dict):
            for name in list(headers):
                if name.lower() in SECRET_HEADERS:
                    headers[name] = REMOVED
    return event


def init_sentry(dsn: str, release: str, traces_sample_rate: float) -> None:
    import sentry_sdk  # only imported when used
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        integrations=[DjangoIntegration()],
        release=release or None,
        traces_sample_rate=traces_sample_rate,
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,
        before_send=scrub_event,  # type: ignore[arg-type]
        before_send_transaction=scrub_event,  # type: ignore[arg-type]
    )
