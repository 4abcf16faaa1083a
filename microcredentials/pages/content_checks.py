"""Checks that help editors write accessible, plain, correctly spelt pages.

Each check is a plain function returning warning messages. They advise, never block: the admin
shows them after a save, and `manage.py check_content` runs them over every page (failing CI on any).
The body is converted to HTML without sanitising, so raw HTML in the Markdown is checked too.
"""

import math
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

import markdown
from django.conf import settings
from django.utils.module_loading import import_string

from microcredentials.pages.rendering import (
    MARKDOWN_EXTENSIONS,
    RESERVED_IDS,
    MarkdownRefused,
    RenderedBody,
    render_body,
)
from microcredentials.pages.te_reo import unmarked_te_reo_words

MAX_WORDS = 1500
WORDS_PER_MINUTE = 200
PLAIN_ENGLISH_SCORE = 60
VAGUE_LINK_TEXT = {
    "click",
    "click here",
    "find out more",
    "here",
    "learn more",
    "link",
    "more",
    "more info",
    "more information",
    "read more",
    "this",
    "this link",
    "this page",
}
# Common words written without their macrons, and how to write them.
MACRON_WORDS = {
    "maori": "Māori",
    "wananga": "wānanga",
    "whanau": "whānau",
    "te pukenga": "Te Pūkenga",
    "tangata": "tāngata",
    "korero": "kōrero",
    "matauranga": "mātauranga",
}
MACRON_PATTERNS = {
    plain: re.compile(r"\b" + plain.replace(" ", r"\s+") + r"\b", re.IGNORECASE) for plain in MACRON_WORDS
}
BLOCK_TAGS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "dt", "dd", "blockquote", "figcaption"}
WORD_PATTERN = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
SENTENCE_BREAK = re.compile(r"[.!?]+(?:\s|$)|\n+")
ID_ATTRIBUTE = re.compile(r'\sid="([^"]+)"')


@dataclass
class ParsedBody:
    headings: list[tuple[int, str]] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)  # (text, address)
    images: list[tuple[str | None, str]] = field(default_factory=list)  # (alt text or None when missing, address)
    text: str = ""
    unmarked_text: str = ""  # the text outside any <span lang="..."> (te reo Māori marked as such is left out)


@dataclass(frozen=True)
class ContentReport:
    warnings: list[str]
    notes: list[str]  # informational: readability and reading time


class _BodyParser(HTMLParser):
    """Collects headings, link texts, image alt texts and readable text (code excluded)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parsed = ParsedBody()
        self._chunks: list[str] = []
        self._heading: tuple[int, list[str]] | None = None
        self._link: tuple[str, str, list[str]] | None = None  # (address, title, text so far)
        self._code_depth = 0
        self._spans: list[bool] = []  # for each open <span>, whether it names a language
        self._unmarked: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("code", "pre", "script", "style"):
            self._code_depth += 1
        elif tag == "span":
            self._spans.append(bool(dict(attrs).get("lang")))
        elif re.fullmatch(r"h[1-6]", tag):
            self._heading = (int(tag[1]), [])
        elif tag == "a":
            self._link = (dict(attrs).get("href") or "", dict(attrs).get("title") or "", [])
        elif tag == "img":
            alt = dict(attrs).get("alt")
            self.parsed.images.append((alt, dict(attrs).get("src") or ""))
            if self._link is not None and alt:
                self._link[2].append(alt)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("code", "pre", "script", "style"):
            self._code_depth = max(0, self._code_depth - 1)
        elif tag == "span" and self._spans:
            self._spans.pop()
        elif self._heading and tag == f"h{self._heading[0]}":
            self.parsed.headings.append((self._heading[0], _squash("".join(self._heading[1]))))
            self._heading = None
        elif tag == "a" and self._link is not None:
            address, title, text = self._link
            # A link with no words is named by its title, as screen readers name it (a footnote's "↩", say).
            words = _squash("".join(text)) if re.search(r"\w", "".join(text)) else title
            self.parsed.links.append((words, address))
            self._link = None
        if tag in BLOCK_TAGS:
            self._chunks.append("\n")
            self._unmarked.append("\n")

    def handle_data(self, data: str) -> None:
        for collector in (self._heading[1] if self._heading else None, self._link[2] if self._link else None):
            if collector is not None:
                collector.append(data)
        if not self._code_depth:
            self._chunks.append(data)
            if not any(self._spans):
                self._unmarked.append(data)

    def close(self) -> None:
        super().close()
        self.parsed.text = "".join(self._chunks)
        self.parsed.unmarked_text = "".join(self._unmarked)


def _squash(text: str) -> str:
    return " ".join(text.split())


def parse_body(source: str) -> ParsedBody:
    return parse_rendered(markdown.markdown(source, extensions=MARKDOWN_EXTENSIONS, output_format="html"))


def parse_rendered(raw_html: str) -> ParsedBody:
    parser = _BodyParser()
    parser.feed(raw_html)
    parser.close()
    return parser.parsed


def heading_warnings(headings: list[tuple[int, str]]) -> list[str]:
    warnings = []
    previous = 1  # the page title is the H1
    for level, text in headings:
        if level == 1:
            warnings.append(
                f'The heading "{text}" is a level 1 heading (#). The page title is the only one: use ## instead.'
            )
        elif level > previous + 1:
            warnings.append(
                f'The heading "{text}" jumps from level {previous} to level {level}. '
                f"Use a level {previous + 1} heading ({'#' * (previous + 1)}) so the page outline has no gaps."
            )
        previous = level
    return warnings


def link_text_warnings(links: list[tuple[str, str]]) -> list[str]:
    warnings = []
    for text, _address in links:
        plain = _squash(re.sub(r"[^\w\s]", " ", text)).lower()
        if not plain:
            warnings.append("A link has no text. Give every link words that say where it goes.")
        elif plain in VAGUE_LINK_TEXT:
            warnings.append(
                f'The link text "{text}" does not say where the link goes. '
                "Use words that make sense on their own, such as the name of the page."
            )
    return warnings


def anchor_warnings(links: list[tuple[str, str]], body_html: str) -> list[str]:
    """Links within the page (#anchor) to an anchor that nothing on the page (as rendered) has."""
    anchors = set(ID_ATTRIBUTE.findall(body_html)) | RESERVED_IDS
    return [
        f'The link "{text}" goes to {address}, but nothing on this page has that anchor. '
        'Link to a heading: its anchor is its text in lower case, with hyphens for spaces (as in "On this page").'
        for text, address in links
        if address.startswith("#") and address[1:] not in anchors
    ]


def image_address_warnings(images: list[tuple[str | None, str]]) -> list[str]:
    """Images not stored on this site: its security policy (and the sanitiser, for data: addresses) lets pages
    show only images from this site."""
    this_site = {urlsplit(settings.SITE_URL).netloc, settings.MEDIA_S3_CUSTOM_DOMAIN} - {""}
    return [
        f'The image "{alt or address[:60]}" is not stored on this site, so readers would see a broken image. '
        "Upload it in the editor instead: drag the image file into the page text."
        for alt, address in images
        if (urlsplit(address).scheme or urlsplit(address).netloc) and urlsplit(address).netloc not in this_site
    ]


def image_alt_warnings(images: list[tuple[str | None, str]]) -> list[str]:
    missing = sum(1 for alt, _address in images if not (alt or "").strip())
    if not missing:
        return []
    which = "An image has" if missing == 1 else f"{missing} images have"
    return [f"{which} no alt text. Describe each image between the square brackets: ![What it shows](address)."]


def macron_warnings(text: str) -> list[str]:
    warnings = []
    for plain, correct in MACRON_WORDS.items():
        found = MACRON_PATTERNS[plain].findall(text)
        if found:
            times = "" if len(found) == 1 else f" ({len(found)} times)"
            warnings.append(f'"{_squash(found[0])}" is written without macrons{times}. Write "{correct}".')
    return warnings


def te_reo_warnings(unmarked_text: str) -> list[str]:
    """Te reo Māori words in the body that are not marked as te reo, so screen readers read them as English."""
    words = unmarked_te_reo_words(unmarked_text)
    if not words:
        return []
    named = ", ".join(f'"{word}"' for word in words[:8]) + (f" and {len(words) - 8} more" if len(words) > 8 else "")
    return [
        f"Some te reo Māori words are not marked as te reo: {named}. Marking them helps screen readers "
        f"say them properly. Write each one like this: [{words[0]}]{{lang=mi}}"
    ]


def count_words(text: str) -> int:
    return len(WORD_PATTERN.findall(text))


def length_warnings(word_count: int, limit: int = MAX_WORDS) -> list[str]:
    if word_count <= limit:
        return []
    return [f"The page has {word_count} words, more than the {limit} we aim for. Consider splitting it into two pages."]


def _syllables(word: str) -> int:
    word = word.lower()
    count = len(re.findall(r"[aeiouyāēīōū]+", word))
    if word.endswith("e") and not word.endswith(("le", "ee")) and count > 1:
        count -= 1
    return max(1, count)


def reading_ease(text: str) -> float | None:
    """Flesch reading ease: 60 or more is plain English. None when there is too little text to judge."""
    words = WORD_PATTERN.findall(text)
    sentences = [part for part in SENTENCE_BREAK.split(text) if WORD_PATTERN.search(part)]
    if len(words) < 20 or not sentences:
        return None
    syllables = sum(_syllables(word) for word in words)
    return 206.835 - 1.015 * (len(words) / len(sentences)) - 84.6 * (syllables / len(words))


def reading_minutes(word_count: int) -> int:
    return max(1, math.ceil(word_count / WORDS_PER_MINUTE))


def statistics_notes(text: str) -> list[str]:
    words = count_words(text)
    notes = [f"About {words} words: {reading_minutes(words)} min to read."]
    ease = reading_ease(text)
    if ease is not None:
        verdict = "plain English" if ease >= PLAIN_ENGLISH_SCORE else "harder than plain English; aim for 60 or more"
        notes.append(f"Readability (Flesch reading ease): {ease:.0f}, {verdict}.")
    return notes


def extension_warnings(links: list[tuple[str, str]]) -> list[str]:
    """Checks other features add (settings.CONTENT_CHECK_EXTENSIONS, dotted paths): each takes the body's links
    as (text, address) pairs and may read the database, so only a save in the admin runs them."""
    return [warning for path in settings.CONTENT_CHECK_EXTENSIONS for warning in import_string(path)(links)]


def check_page(
    title: str, summary: str, body: str, rendered: RenderedBody | None = None, *, extensions: bool = False
) -> ContentReport:
    """Every check over one page: warnings to act on, and notes for information.

    `rendered` is the body as a save already rendered it; without it, the body is rendered here, once.
    `extensions` adds the checks other features register, which read the database.
    """
    if rendered is None or rendered.source != body:
        try:  # a body the site refuses to render gets only that warning: the checks would be as slow
            rendered = render_body(body)
        except MarkdownRefused as refused:
            return ContentReport(warnings=[str(refused)], notes=[])
    parsed = parse_rendered(rendered.raw_html)
    body_html = rendered.html
    words = count_words(parsed.text)
    warnings = [
        *heading_warnings(parsed.headings),
        *link_text_warnings(parsed.links),
        *anchor_warnings(parsed.links, body_html),
        *image_alt_warnings(parsed.images),
        *image_address_warnings(parsed.images),
        *macron_warnings("\n".join([title, summary, parsed.text])),
        *te_reo_warnings(parsed.unmarked_text),
        *length_warnings(words),
        *(extension_warnings(parsed.links) if extensions else []),
    ]
    return ContentReport(warnings=warnings, notes=statistics_notes(parsed.text))
