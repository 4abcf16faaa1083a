"""Te reo Māori in page bodies: marking words with their language, and finding words left unmarked.

Screen readers switch voice on `lang`, so a te reo Māori word read with English rules is hard to follow.
Editors mark a word or phrase as `[kia ora]{lang=mi}`, which becomes `<span lang="mi">kia ora</span>`.
Only that exact shape is read: any other brace after brackets (a class, an id, another language, another
attribute) stays plain text, so nothing else from Markdown's attribute lists comes back this way.
"""

import re
import xml.etree.ElementTree as etree

from markdown import Extension, Markdown
from markdown.inlinepatterns import InlineProcessor

# The languages a body may mark (BCP 47): te reo Māori, and English for an English phrase on a Māori page.
LANGUAGE_TAGS = frozenset({"mi", "en"})
# "[words]{lang=mi}": the words hold no bracket, so each "[" is read at most once up to the next bracket.
LANGUAGE_SPAN = r"\[([^\[\]]+)\]\{lang=(" + "|".join(sorted(LANGUAGE_TAGS)) + r")\}"
# After "escape" (180), so "\[" stays a plain bracket, and before "reference" (170), which would take "[words]".
LANGUAGE_SPAN_PRIORITY = 175

# Words from te reo Māori that pages often use, as they are written with macrons. The content checks
# suggest marking any of them that appears unmarked.
TE_REO_WORDS = (
    "te reo Māori", "kia ora", "Aotearoa", "whānau", "mātauranga", "ākonga", "ako", "kaupapa", "mahi",
    "tauira", "kaiako", "wānanga", "iwi", "hapū", "marae", "tikanga", "kōrero", "hui", "rangatahi",
    "kaimahi", "manaakitanga", "tangata whenua",
)  # fmt: skip
MACRON_VOWELS = {"ā": "[āa]", "ē": "[ēe]", "ī": "[īi]", "ō": "[ōo]", "ū": "[ūu]"}


def _word_pattern(word: str) -> str:
    """Whole words, any case, macrons optional, any run of spaces between the words of a phrase."""
    parts = (MACRON_VOWELS.get(letter.lower(), re.escape(letter)) for letter in word)
    return r"(?<!\w)" + "".join(parts).replace(r"\ ", r"\s+") + r"(?!\w)"


# Longest first, so "te reo Māori" is named as one phrase before any shorter word in it could be.
TE_REO_PATTERN = re.compile(
    "|".join(_word_pattern(word) for word in sorted(TE_REO_WORDS, key=len, reverse=True)), re.IGNORECASE
)


def unmarked_te_reo_words(text: str) -> list[str]:
    """The te reo Māori words found in `text`, as first written, each named once (whatever its case)."""
    found: dict[str, str] = {}
    for match in TE_REO_PATTERN.finditer(text):
        written = " ".join(match[0].split())
        found.setdefault(written.lower(), written)
    return list(found.values())


class LanguageSpanProcessor(InlineProcessor):
    def handleMatch(self, m: re.Match[str], data: str) -> tuple[etree.Element, int, int]:  # type: ignore[override]
        span = etree.Element("span", {"lang": m.group(2)})
        span.text = m.group(1)  # the inline patterns after this one (emphasis, say) still read the words
        return span, m.start(0), m.end(0)


class LanguageSpanExtension(Extension):
    """Adds `[words]{lang=mi}` to Markdown, and nothing else."""

    def extendMarkdown(self, md: Markdown) -> None:
        md.inlinePatterns.register(LanguageSpanProcessor(LANGUAGE_SPAN, md), "language_span", LANGUAGE_SPAN_PRIORITY)
