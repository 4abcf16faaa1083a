"""Content health on the page's change form and the editors' dashboard, without the editing code knowing it."""

from typing import Any

from django import template

from microcredentials.health import reminders
from microcredentials.models import AdvicePage, LinkCheck

register = template.Library()


@register.simple_tag
def page_health_for(page: AdvicePage | None) -> reminders.PageHealth | None:
    return reminders.page_health(page) if page is not None and page.pk else None


@register.simple_tag
def dashboard_health(user: Any) -> dict[str, Any] | None:
    """Pages due for review (with "No" answers since their last review) and pages with broken links."""
    if not user.has_perm("microcredentials.change_advicepage"):
        return None
    due = [reminders.page_health(page) for page in reminders.due_pages()]
    broken_pages = AdvicePage.objects.filter(link_checks__status=LinkCheck.Status.BROKEN).distinct()
    broken = [reminders.page_health(page) for page in broken_pages.order_by("title")]
    return {"due": due, "broken": broken}
