"""Markdown to sanitised HTML, with stable heading anchors and a contents list.

Pages are rendered once, when saved; the admin's live preview calls the same
function, so editors see exactly what readers will see.
"""

import html
import re
from dataclasses import dataclass

import markdown
import nh3
from django.utils.text import slugify

MARKDOWN_EXTENSIONS = ["extra", "sane_lists", "toc"]

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "caption", "code", "dd", "del", "details", "dl", "dt", "em",
    "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "img", "li", "ol", "p", "pre",
    "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip
HEADING_TAGS = {"h2", "h3", "h4", "h5", "h6"}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start"},
    **{tag: {"id"} for tag in HEADING_TAGS},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}

H2_PATTERN = re.compile(r'<h2 id="([^"]+)">(.*?)</h2>', re.DOTALL)
TAG_PATTERN = re.compile(r"<[^>]+>")
# nh3 writes headings as <hN> or <hN id="..."> (id is their only allowed attribute).
HEADING_PATTERN = re.compile(r'<(h[2-6])(?: id="([^"]*)")?>(.*?)</\1>', re.DOTALL)
GOOD_ID = re.compile(r"[a-z][a-z0-9_-]*")
# Ids the page layout itself uses; a heading in the body must never take one.
RESERVED_IDS = frozenset({"main-content", "contents-heading"})


@dataclass(frozen=True)
class ContentsEntry:
    anchor: str
    text: str


def sanitise_html(untrusted: str) -> str:
    """Keep only the tags, attributes and URL schemes that an advice page needs."""
    return nh3.clean(
        untrusted,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def sanitise_link_text(untrusted: str) -> str:
    """Plain text in which only <a href> links survive (for site alerts); everything else is inert text."""
    cleaned = nh3.clean(
        untrusted,
        tags={"a"},
        attributes={"a": {"href"}},
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )
    return cleaned.strip()


def render_markdown_html(source: str) -> str:
    """Render editor Markdown to HTML that is safe to put on a public page.

    The page title is the only H1, so an H1 in the body is demoted to H2
    (the content checks also warn the editor about it).
    """
    converter = markdown.Markdown(extensions=MARKDOWN_EXTENSIONS, output_format="html")
    rendered = converter.convert(source).replace("<h1", "<h2").replace("</h1>", "</h2>")
    return anchor_headings(sanitise_html(rendered))


def anchor_headings(body_html: str) -> str:
    """Give every heading a unique id, so each section can be linked to.

    Markdown headings already carry an id made from their text (or the
    editor's `{#id}`); raw HTML headings get one here, and an id that is
    malformed, repeated or used by the page layout is replaced. The same
    source always gets the same ids.
    """
    used: set[str] = set(RESERVED_IDS)

    def anchor(match: re.Match[str]) -> str:
        tag, current, inner = match.groups()
        if not current or not GOOD_ID.fullmatch(current) or current in used:
            current = _unique_id(slugify(_plain_text(inner)) or "section", used)
        used.add(current)
        return f'<{tag} id="{current}">{inner}</{tag}>'

    return HEADING_PATTERN.sub(anchor, body_html)


def _unique_id(base: str, used: set[str]) -> str:
    if not base[0].isalpha():
        base = f"section-{base}"
    candidate, number = base, 2
    while candidate in used:
        candidate, number = f"{base}-{number}", number + 1
    return candidate


def _plain_text(fragment: str) -> str:
    return html.unescape(TAG_PATTERN.sub("", fragment)).strip()


def contents_list(body_html: str) -> list[ContentsEntry]:
    """The "On this page" list: one entry per H2, linking to its anchor."""
    return [ContentsEntry(anchor=anchor, text=_plain_text(inner)) for anchor, inner in H2_PATTERN.findall(body_html)]
