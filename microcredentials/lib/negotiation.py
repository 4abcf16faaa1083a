"""Content negotiation for readers' forms."""

from django.http import HttpRequest


def wants_json(request: HttpRequest) -> bool:
    """The pages' scripts send readers' forms with fetch and ask for JSON; a plain form post gets pages.

    Read as content negotiation (quality values included), not as the header's first word.
    """
    return request.get_preferred_type(["text/html", "application/json"]) == "application/json"
