"""Markdown to sanitised HTML, with stable heading anchors and a contents list.

Pages are rendered once, when saved; the admin's live preview calls the same
function, so editors see exactly what readers will see.

Some Markdown takes Python-Markdown time that grows with the square of its size, so a
body of a few kilobytes could hold a server worker for minutes. Such a body is refused
(MarkdownRefused) before the slow step runs, with a message that says what to change.
"""

import bisect
import html
import re
from dataclasses import dataclass
from xml.etree.ElementTree import Element

import markdown
import nh3
from django.utils.text import slugify
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

from microcredentials.pages.te_reo import LANGUAGE_TAGS, LanguageSpanExtension

MARKDOWN_EXTENSIONS: list[str | Extension] = ["extra", "sane_lists", "toc", LanguageSpanExtension()]

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "caption", "code", "dd", "del", "details", "dl", "dt", "em",
    "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "img", "li", "ol", "p", "pre",
    "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
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
    # Footnotes ("[^1]"): the reference and the note link to each other by these ids (see _keep_attribute).
    "sup": {"id"},
    "li": {"id"},
    # A word or phrase in another language ("[kia ora]{lang=mi}"), so screen readers pronounce it rightly.
    "span": {"lang"},
    # No attribute on every tag: nh3 would otherwise allow lang and title anywhere, with any value.
    "*": set(),
}
FOOTNOTE_ID = re.compile(r"fn(?:ref)?:[\w-]+")
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}

H2_PATTERN = re.compile(r'<h2 id="([^"]+)">(.*?)</h2>', re.DOTALL)
TAG_PATTERN = re.compile(r"<[^>]+>")
# nh3 writes headings as <hN> or <hN id="..."> (id is their only allowed attribute).
HEADING_PATTERN = re.compile(r'<(h[2-6])(?: id="([^"]*)")?>(.*?)</\1>', re.DOTALL)
GOOD_ID = re.compile(r"[a-z][a-z0-9_-]*")
# Ids the page layout itself uses (tests/pages/test_rendering.py checks this against a rendered page); a heading in
# the body must never take one, or a label, a skip link or "#feedback" would point at the heading instead.
RESERVED_IDS = frozenset(
    {
        "main-content", "contents-heading", "error-summary", "error-summary-heading", "feedback", "feedback-heading",
        "feedback-website-no", "feedback-website-yes", "follow", "follow-heading", "follow-website", "id_email",
        "page-history-heading", "related-heading", "site-alert-label",
        "site-search",
    }
)  # fmt: skip

# Limits that keep any body to a second or two of rendering (measured); real pages are far below them.
MAX_BODY_CHARACTERS = 100_000
# Block processors re-read the rest of a block for each line they take from it: 20,000 heading lines in a row
# took 7 s, while 1,000 lines of any shape take a few hundredths of a second (long lists, tables, code).
MAX_LINES_IN_A_BLOCK = 1_000
# Python's HTML parser reads on from each "<" and a letter (or "</") to the next ">", or to the end.
MAX_TAG_SCAN = 10_000_000
# Link and code patterns read on from each "[" or "`" to its closing "]" or "`", at worst to the end of its
# paragraph, list item or table cell.
MAX_INLINE_SCAN = 5_000_000
TAG_START = re.compile(r"</|<[a-zA-Z]")
# attr_list reads "{.class}" or "{#id}" at the end of a heading, table cell or definition term: its pattern tries each
# space before a "{" in turn and reads on to the end of the line, so a line of " { { {" takes time that grows with the
# square of its length (99,999 characters took 15 s). 2,000,000 characters of such reading take about 0.1 s.
MAX_ATTRIBUTE_SCAN = 2_000_000
# A run of spaces, perhaps ending in the "{" that lets attr_list's pattern start at each of them; and the escapes
# that come first ("\\" is an escaped backslash, "\{" an escaped brace that starts nothing). Each run is matched once.
ESCAPE_OR_SPACES = re.compile(r"\\[\\{]| +\{?")
# Python-Markdown reads tabs as spaces, up to the next multiple of this.
TAB_LENGTH = 4
# A backslash and the character after it are an escape ("\[" is a plain bracket): matched, then skipped.
ESCAPE_OR_SCAN_START = re.compile(r"\\.|[\[`]", re.DOTALL)


class MarkdownRefused(ValueError):
    """A body too long or too tangled to render quickly; the message tells the editor what to change."""


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
        attribute_filter=_keep_attribute,
    )


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    """Ids on <sup> and <li> only as footnotes make them, so nothing else can take an id there;
    lang only with a language the site expects (te reo Māori or English)."""
    if tag in ("sup", "li") and attribute == "id" and not FOOTNOTE_ID.fullmatch(value):
        return None
    if attribute == "lang":
        return value.strip().lower() if value.strip().lower() in LANGUAGE_TAGS else None
    return value


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


@dataclass(frozen=True)
class RenderedBody:
    """One rendering of a body, passed along so a save renders once: the form's check, save() and the content
    checks all read it. `raw_html` is Markdown's own output, before sanitising, for the checks' eyes only."""

    source: str
    raw_html: str
    html: str


def render_markdown_html(source: str) -> str:
    """Render editor Markdown to HTML that is safe to put on a public page."""
    return render_body(source).html


def render_body(source: str) -> RenderedBody:
    """Render editor Markdown once, both as Markdown wrote it and as safe HTML for a public page.

    The page title is the only H1, so an H1 in the body is demoted to H2
    (the content checks also warn the editor about it).
    """
    check_markdown_limits(source)
    converter = markdown.Markdown(extensions=MARKDOWN_EXTENSIONS, output_format="html")
    # Runs after the blocks are found and before the slow inline patterns (priority 20) read them.
    converter.treeprocessors.register(InlineScanBudget(converter), "inline_scan_budget", 30)
    try:
        rendered = converter.convert(source)
    except RecursionError:
        raise MarkdownRefused(
            "Part of the body is nested too deeply to turn into a page: lists or quotes inside each other, "
            "or a long run of definitions with no blank lines. Use fewer levels, or add blank lines."
        ) from None
    demoted = rendered.replace("<h1", "<h2").replace("</h1>", "</h2>")
    return RenderedBody(source=source, raw_html=rendered, html=anchor_headings(sanitise_html(demoted)))


def check_markdown_limits(source: str) -> None:
    """Refuse, before Markdown runs, a body that is too long or has too much of what makes the parser slow."""
    if len(source) > MAX_BODY_CHARACTERS:
        raise MarkdownRefused(
            f"The body is {len(source):,} characters long; a page can have up to {MAX_BODY_CHARACTERS:,}. "
            "Move some sections to a new page and link to it."
        )
    _check_blocks(source)
    _check_tags(source)
    _check_attribute_lists(source)


def _check_blocks(source: str) -> None:
    # Split and find blank lines as Python-Markdown does, so that no other line end or space can hide a block.
    lines = source.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    first = 0
    for number, line in enumerate([*lines, ""], start=1):
        if line.strip(" \t"):
            first = first or number
            continue
        if first and number - first > MAX_LINES_IN_A_BLOCK:
            raise MarkdownRefused(
                f"Lines {first:,} to {number - 1:,} have no blank line between them; a page can have up to "
                f"{MAX_LINES_IN_A_BLOCK:,} lines in a row. Add blank lines between paragraphs and around headings, "
                "or break a very long list or table into shorter ones."
            )
        first = 0


def _check_tags(source: str) -> None:
    ends = [match.start() for match in re.finditer(">", source)]
    starts = [match.start() for match in TAG_START.finditer(source)]
    scans = [_next(ends, start, len(source)) - start for start in starts]
    if sum(scans) > MAX_TAG_SCAN:
        line = source.count("\n", 0, starts[scans.index(max(scans))]) + 1
        raise MarkdownRefused(
            f"The body has too many “<” signs that no “>” closes, for example on line {line:,}. "
            "A “<” followed by a letter starts an HTML tag: close the tag with “>”, "
            "or put a space after a “<” that is meant as text, as in “a < b”."
        )


def _check_attribute_lists(source: str) -> None:
    lines = source.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    scans = [_attribute_scan(line.expandtabs(TAB_LENGTH)) for line in lines]
    if sum(scans) > MAX_ATTRIBUTE_SCAN:
        line = scans.index(max(scans)) + 1
        raise MarkdownRefused(
            f"The body has too many “{{” signs after a space, for example on line {line:,}. At the end of a heading "
            "or a table cell, “{” after a space starts a list of attributes (as in “## Fees {#fees}”), and a long "
            "run of them takes too long to read. Remove the “{” signs you do not need, or put a backslash before "
            "each one that is meant as text (\\{)."
        )


def _attribute_scan(line: str) -> int:
    """The most characters attr_list's pattern can read in a line: from each space before a "{" to the line's end."""
    work = 0
    for match in ESCAPE_OR_SPACES.finditer(line):
        if match[0].startswith(" ") and match[0].endswith("{"):
            first, spaces = match.start(), len(match[0]) - 1
            # One start at each space of the run, each reading on to the end of the line.
            work += spaces * (len(line) - first) - spaces * (spaces - 1) // 2
    return work


def _next(positions: list[int], after: int, default: int) -> int:
    """The first of the sorted positions after `after`, or `default` when there is none."""
    index = bisect.bisect(positions, after)
    return positions[index] if index < len(positions) else default


class InlineScanBudget(Treeprocessor):
    """Refuse text whose "[" and "`" would keep the inline patterns reading for too long."""

    def run(self, root: Element) -> None:
        work = sum(_scan_work(text) for text in _inline_texts(root))
        if work > MAX_INLINE_SCAN:
            raise MarkdownRefused(
                "A paragraph, list item or table cell has too many “[” or “`” for its length, so the page would "
                "take too long to build. Close each “[” with “]” and each “`” with another “`”, put a backslash "
                "before one that is meant as text (\\[ or \\`), or split the paragraph."
            )


def _inline_texts(root: Element) -> list[str]:
    """The text the inline patterns will read (code blocks are atomic: they are left as they are)."""
    texts = (text for element in root.iter() for text in (element.text, element.tail))
    return [text for text in texts if text and not isinstance(text, AtomicString)]


def _scan_work(text: str) -> int:
    """The most characters the searches from its "[" and "`" can read: each reads on, at worst, to the end."""
    return sum(len(text) - match.start() for match in ESCAPE_OR_SCAN_START.finditer(text) if match[0][0] != "\\")


def anchor_headings(body_html: str) -> str:
    """Give every heading a unique id, so each section can be linked to.

    Markdown headings already carry an id made from their text (or the
    editor's `{#id}`); raw HTML headings get one here, and an id that is
    malformed, repeated or used by the page layout is replaced. The same
    source always gets the same ids.
    """
    used: set[str] = set(RESERVED_IDS)
    next_numbers: dict[str, int] = {}

    def anchor(match: re.Match[str]) -> str:
        tag, current, inner = match.groups()
        if not current or not GOOD_ID.fullmatch(current) or current in used:
            current = _unique_id(slugify(_plain_text(inner)) or "section", used, next_numbers)
        used.add(current)
        return f'<{tag} id="{current}">{inner}</{tag}>'

    return HEADING_PATTERN.sub(anchor, body_html)


def _unique_id(base: str, used: set[str], next_numbers: dict[str, int]) -> str:
    """`base`, or `base-2`, `base-3`... the first one not used yet.

    The count goes on from where the last heading with this base stopped (used ids are never freed),
    so a thousand headings with the same text take a thousand steps, not half a million.
    """
    if not base[0].isalpha():
        base = f"section-{base}"
    candidate, number = base, next_numbers.get(base, 2)
    while candidate in used:
        candidate, number = f"{base}-{number}", number + 1
    next_numbers[base] = number
    return candidate


def _plain_text(fragment: str) -> str:
    return html.unescape(TAG_PATTERN.sub("", fragment)).strip()


def contents_list(body_html: str) -> list[ContentsEntry]:
    """The "On this page" list: one entry per H2, linking to its anchor."""
    return [ContentsEntry(anchor=anchor, text=_plain_text(inner)) for anchor, inner in H2_PATTERN.findall(body_html)]
