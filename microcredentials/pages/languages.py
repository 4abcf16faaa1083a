"""A page and its te reo Māori version: which language each is in, and the link between them.

One field makes the pair: the English page names its te reo Māori version (AdvicePage.te_reo_version), and
that page reaches it back as `english_version`. A page named by another is in te reo Māori. Readers are
sent only to a version that is live.
"""

from dataclasses import dataclass

from microcredentials.models import AdvicePage

ENGLISH = "en-NZ"
TE_REO_MAORI = "mi"
# What each page's link to the other version says, in the language of the page it leads to.
LINK_TEXT = {TE_REO_MAORI: "Pānui i te reo Māori", ENGLISH: "Read in English"}
# Said alongside the te reo link, in English, for readers of the English page who do not read te reo.
LINK_GLOSS = {TE_REO_MAORI: "Read in te reo Māori", ENGLISH: ""}
# The hreflang values on <link rel="alternate">: the page's language without the region is enough there.
HREFLANG = {TE_REO_MAORI: "mi", ENGLISH: "en"}


@dataclass(frozen=True)
class LanguageVersion:
    language: str  # a BCP 47 tag, for lang attributes
    page: AdvicePage

    @property
    def hreflang(self) -> str:
        return HREFLANG[self.language]

    @property
    def link_text(self) -> str:
        return LINK_TEXT[self.language]

    @property
    def link_gloss(self) -> str:
        return LINK_GLOSS[self.language]


@dataclass(frozen=True)
class PageLanguages:
    page: AdvicePage
    language: str  # the page's own language
    other: LanguageVersion | None  # the live version in the other language, if any

    @property
    def alternates(self) -> list[LanguageVersion]:
        """Both versions, this page first, for <link rel="alternate" hreflang>: none without a live other."""
        return [] if self.other is None else [LanguageVersion(self.language, self.page), self.other]


def english_version(page: AdvicePage) -> AdvicePage | None:
    """The page that names `page` as its te reo Māori version (None when none does: Django raises instead)."""
    return getattr(page, "english_version", None)


def page_languages(page: AdvicePage) -> PageLanguages:
    english = english_version(page)
    if english is not None:
        other = LanguageVersion(ENGLISH, english) if english.is_live() else None
        return PageLanguages(page, TE_REO_MAORI, other)
    te_reo = page.te_reo_version
    other = LanguageVersion(TE_REO_MAORI, te_reo) if te_reo is not None and te_reo.is_live() else None
    return PageLanguages(page, ENGLISH, other)
