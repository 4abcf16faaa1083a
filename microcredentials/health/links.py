"""Which external links published pages have, checking them, and keeping the latest result of each."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from microcredentials.health.checker import CheckPolicy, LinkResult, check_urls
from microcredentials.models import AdvicePage, IgnoredLink, LinkCheck
from microcredentials.pages.content_checks import parse_rendered

Status = LinkCheck.Status


def external_links(html: str) -> set[str]:
    """The http and https addresses a page's rendered body links to (not its own anchors or paths)."""
    links = {address.strip() for _text, address in parse_rendered(html).links}
    return {link for link in links if link.lower().startswith(("http://", "https://")) and len(link) <= 2000}


def is_ignored(url: str, ignore_list: Iterable[IgnoredLink]) -> bool:
    return any(entry.matches(url) for entry in ignore_list)


def links_to_check(page: AdvicePage, ignore_list: list[IgnoredLink]) -> set[str]:
    return {url for url in external_links(page.body_html) if not is_ignored(url, ignore_list)}


def forget_ignored(entry: IgnoredLink) -> int:
    """Delete the results an ignore-list entry now covers. Returns how many."""
    checks = LinkCheck.objects.filter(url__startswith=entry.address) if entry.is_prefix else None
    checks = checks if checks is not None else LinkCheck.objects.filter(url=entry.address)
    return checks.delete()[0]


def pages_to_check() -> list[AdvicePage]:
    """Published pages, scheduled ones included: they go live by themselves."""
    return list(AdvicePage.objects.filter(status=AdvicePage.Status.PUBLISHED).select_related("topic"))


def check_pages(pages: list[AdvicePage], policy: CheckPolicy | None = None) -> list[LinkCheck]:
    """Check every external link of `pages` (each address once), and keep the results. Returns them."""
    ignore_list = list(IgnoredLink.objects.all())
    wanted = {page.pk: links_to_check(page, ignore_list) for page in pages}
    results = check_urls({url for urls in wanted.values() for url in urls}, policy)
    checks = []
    with transaction.atomic():
        for page in pages:
            checks.extend(_record(page, wanted[page.pk], results))
    return checks


def check_page_by_id(page_id: int, policy: CheckPolicy | None = None) -> list[LinkCheck]:
    page = AdvicePage.objects.filter(pk=page_id, status=AdvicePage.Status.PUBLISHED).first()
    return check_pages([page], policy) if page else []


def _record(page: AdvicePage, urls: set[str], results: dict[str, LinkResult]) -> list[LinkCheck]:
    LinkCheck.objects.filter(page=page).exclude(url__in=urls).delete()  # links the page no longer has
    now = timezone.now()
    checks = []
    for url in sorted(urls):
        result = results[url]
        check, _ = LinkCheck.objects.update_or_create(
            page=page,
            url=url,
            defaults={
                "status": result.status,
                "status_code": result.status_code,
                "final_url": result.final_url[:2000],
                "error": result.error[:300],
                "checked_at": now,
            },
        )
        check.page = page
        checks.append(check)
    return checks


def needs_check(page: AdvicePage) -> bool:
    """Whether a published page has external links that have not been checked on it yet."""
    if page.status != AdvicePage.Status.PUBLISHED:
        return False
    links = external_links(page.body_html)
    if not links:
        return False
    checked = set(LinkCheck.objects.filter(page=page, url__in=links).values_list("url", flat=True))
    return bool(links - checked)


def known_broken(urls: Iterable[str]) -> dict[str, LinkCheck]:
    """The addresses among `urls` that the last check found broken, on any page, unless now ignored."""
    ignore_list = list(IgnoredLink.objects.all())
    broken = LinkCheck.objects.filter(url__in=set(urls), status=Status.BROKEN).order_by("-checked_at")
    found: dict[str, LinkCheck] = {}
    for check in broken:
        if check.url not in found and not is_ignored(check.url, ignore_list):
            found[check.url] = check
    return found


def broken_link_warnings(links: list[tuple[str, str]]) -> list[str]:
    """A content check (settings.CONTENT_CHECK_EXTENSIONS): links the last link check found broken."""
    first_text = {address: text for text, address in reversed(links)}  # each address once, by its first text
    broken = known_broken(first_text)
    return [
        f'The link "{first_text[address]}" goes to {address}, which was broken when last checked '
        f"({broken[address].describe()}). Fix or remove it, or add it to the ignored links if it works for readers."
        for address in first_text
        if address in broken
    ]


def run_link_check(policy: CheckPolicy | None = None) -> str:
    """Check every published page's links (the weekly job and `manage.py check_links`). Returns a summary."""
    pages = pages_to_check()
    LinkCheck.objects.exclude(page__in=pages).delete()  # pages no longer published are not reported
    checks = check_pages(pages, policy)
    broken = sum(1 for check in checks if check.status == Status.BROKEN)
    redirected = sum(1 for check in checks if check.status == Status.REDIRECTED)
    return (
        f"Checked {len(checks)} link{'s' if len(checks) != 1 else ''} on {len(pages)} "
        f"page{'s' if len(pages) != 1 else ''}: {broken} broken, {redirected} redirected."
    )
