"""`{% site_alert as alert %}`: the one place a page gets its alert, computed at render time."""

import logging

from django import template
from django.db import DatabaseError
from django.utils import timezone

from microcredentials.alerts import DISMISSED_COOKIE, DisplayedAlert, displayed_alert, live_alert

register = template.Library()
logger = logging.getLogger(__name__)


@register.simple_tag(takes_context=True)
def site_alert(context: template.Context) -> DisplayedAlert | None:
    """The alert for this moment and this reader's dismissal cookie.

    Computed from (live alert, now, cookie) only, never from a view's context, so a page is
    never stale. If the database cannot be read the alert is left out: error pages must render.
    """
    request = context.get("request")
    cookie = request.COOKIES.get(DISMISSED_COOKIE) if request is not None else None
    now = timezone.now()
    try:
        alert = live_alert(now)
    except DatabaseError as error:
        logger.warning("Site alert left out: the database could not be read (%s).", error)
        return None
    return displayed_alert(alert, now, cookie)
