"""What editors tune search with: synonyms, recommended results ("best bets") and "Did you mean …" suggestions.

All three are read once per content generation and kept in this process: saving a synonym, a recommended
result or a page moves the generation on (see signals.py), so a search never reads them itself. The words for
suggestions are gathered only when a search first finds nothing, then kept for the generation too. Plain Python
(difflib), so suggestions work the same on SQLite and PostgreSQL.
"""

import datetime
import difflib
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import timezone

from careers_site.pagecache.generation import content_generation
from microcredentials.models import AdvicePage, BestBet, Synonym
from microcredentials.search.query import WORD, CleanedQuery, page_url

SUGGESTION_CUTOFF = 0.75  # how alike (0 to 1) a word and its suggested spelling must be
MAX_WORDS_CORRECTED = 5  # a longer query is not a typing slip worth correcting, and each word costs a scan
LENGTH_SLACK = 1  # a slip adds, drops or swaps a letter: only words this much longer or shorter are compared
MIN_WORD_LENGTH = 3  # shorter words are left as typed: too many near neighbours


def normalised(query: CleanedQuery | str) -> str:
    """The query as counted and matched: clean_query's tidying (control characters dropped, spaces collapsed,
    cut at MAX_QUERY_LENGTH), then lower case."""
    text = query.text if isinstance(query, CleanedQuery) else query
    return text.lower()


@dataclass(frozen=True)
class Recommended:
    page_id: int
    title: str
    url: str
    topic_title: str
    summary: str
    publish_at: datetime.datetime | None  # a published page is live from then (None: already live)


@dataclass
class Tuning:
    """The synonyms, recommended results and words of one content generation."""

    synonyms: dict[str, str]
    best_bets: dict[str, tuple[Recommended, ...]]
    _words: dict[int, list[str]] | None = field(default=None)  # the index's words, by length

    def recommended(self, query: str, now: datetime.datetime | None = None) -> tuple[Recommended, ...]:
        """The live pages recommended for this normalised query, in the editors' order."""
        now = now or timezone.now()
        return tuple(bet for bet in self.best_bets.get(query, ()) if bet.publish_at is None or bet.publish_at <= now)

    @functools.cached_property
    def _synonym_pattern(self) -> re.Pattern[str]:
        terms = sorted(self.synonyms, key=len, reverse=True)  # the longest phrase wins where two overlap
        return re.compile(r"(?<![^\W_])(?:" + "|".join(map(re.escape, terms)) + r")(?![^\W_])")

    def with_synonyms(self, query: str) -> str:
        """The normalised query with each synonym's term (whole words only) replaced by what to search for."""
        if not self.synonyms:
            return query
        return self._synonym_pattern.sub(lambda match: self.synonyms[match.group()], query)

    def suggestion(self, query: str) -> str | None:
        """The query with each unknown word replaced by the closest word in the published pages, if any is."""
        words = WORD.findall(query)
        if not words or len(words) > MAX_WORDS_CORRECTED:
            return None
        vocabulary = self._vocabulary()
        corrected = query
        for word in words:
            if len(word) < MIN_WORD_LENGTH or word in vocabulary.get(len(word), ()):
                continue
            sizes = range(len(word) - LENGTH_SLACK, len(word) + LENGTH_SLACK + 1)
            near = [known for size in sizes for known in vocabulary.get(size, ())]
            close = difflib.get_close_matches(word, near, n=1, cutoff=SUGGESTION_CUTOFF)
            if close:
                corrected = re.sub(rf"(?<![^\W_]){re.escape(word)}(?![^\W_])", close[0], corrected, count=1)
        return corrected if corrected != query else None

    def _vocabulary(self) -> dict[int, list[str]]:
        if self._words is None:
            self._words = words_by_length(AdvicePage.objects.live().values_list("title", "summary", "body"))
        return self._words


def words_by_length(texts: Iterable[tuple[str, ...]]) -> dict[int, list[str]]:
    found: set[str] = set()
    for parts in texts:
        for part in parts:
            found.update(word.lower() for word in WORD.findall(part) if not word.isdigit())
    by_length: dict[int, list[str]] = {}
    for word in sorted(found):
        by_length.setdefault(len(word), []).append(word)
    return by_length


# The current generation's Tuning (one entry), so a generation's rows are read once per process.
_tuning_by_generation: dict[str, Tuning] = {}


def current_tuning() -> Tuning:
    generation = content_generation()
    found = _tuning_by_generation.get(generation)
    if found is None:
        found = Tuning(synonyms=_read_synonyms(), best_bets=_read_best_bets())
        _tuning_by_generation.clear()
        _tuning_by_generation[generation] = found
    return found


def _read_synonyms() -> dict[str, str]:
    return {
        normalised(term): normalised(search_for)
        for term, search_for in Synonym.objects.values_list("term", "search_for")
    }


def _read_best_bets() -> dict[str, tuple[Recommended, ...]]:
    bets = BestBet.objects.filter(page__status=AdvicePage.Status.PUBLISHED).select_related("page__topic")
    found: dict[str, list[Recommended]] = {}
    for bet in bets.order_by("order", "pk"):
        page = bet.page
        found.setdefault(normalised(bet.query), []).append(
            Recommended(
                page_id=page.pk,
                title=page.title,
                url=page_url(page.topic.slug, page.slug),
                topic_title=page.topic.title,
                summary=page.summary,
                publish_at=page.publish_at,
            )
        )
    return {query: tuple(pages) for query, pages in found.items()}
