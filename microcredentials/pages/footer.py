"""The advice pages every page's footer links to, named in this one place.

The footer needs no query for them (its links are built from these names), so nothing checks
there that they are live: instead the admin warns whoever takes one of them down.
"""

import functools

from django.urls import reverse

from microcredentials.models import AdvicePage

# (link text, topic slug, page slug)
FOOTER_PAGES = (
    ("Privacy", "about-this-site", "privacy"),
    ("Accessibility", "about-this-site", "accessibility"),
    ("Copyright and re-use", "about-this-site", "copyright"),
)


@functools.cache  # the same for every page of a release: no need to reverse the URLs for every render
def footer_links() -> tuple[tuple[str, str], ...]:
    """(link text, address) for the contact page, then each footer page."""
    pages = tuple(
        (text, reverse("advice_page", kwargs={"topic_slug": topic, "page_slug": slug}))
        for text, topic, slug in FOOTER_PAGES
    )
    return (("Contact us", reverse("contact")), *pages)


def broken_footer_link(page: AdvicePage) -> str | None:
    """A warning for staff if `page` is a footer page that the public cannot see now; else None."""
    for text, topic, slug in FOOTER_PAGES:
        if (page.topic.slug, page.slug) == (topic, slug) and not AdvicePage.objects.live().filter(pk=page.pk).exists():
            return (
                f"Every page's footer links to “{text}”. Until this page is published again, "
                "that link leads to “Page not found”."
            )
    return None
