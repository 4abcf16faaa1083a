"""Read and write the shipped content in content/: topics.yaml and pages/<topic>/<slug>.md.

A page file is YAML front matter followed by the Markdown body. `page_to_text`
is the one canonical serialisation: export writes it, and load compares a page
in the database with its file through it, so quoting or spacing in a file never
looks like a change. `AdvicePage.loaded_source_hash` holds the hash of that text
as it was when the page and its file last agreed (after a load or an export).
"""

import datetime
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import frontmatter
import yaml
from frontmatter.default_handlers import YAMLHandler

from microcredentials.models import AdvicePage, Topic, reserved_topic_slugs
from microcredentials.pages.rendering import MarkdownRefused, render_markdown_html

REQUIRED_PAGE_KEYS = ("title", "topic", "slug", "summary", "updated_on")
OPTIONAL_PAGE_KEYS = ("status", "order", "publish_at", "te_reo_version")
TOPIC_KEYS = ("title", "slug", "summary", "order", "on_home_page")
SLUG_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"


class ContentError(Exception):
    """A content file that cannot be loaded; the message names the file and the problem."""


class _TextDatesLoader(yaml.SafeLoader):
    """YAML's safe loader, except that dates stay text so they are checked here with a clear message."""


_TextDatesLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != TIMESTAMP_TAG]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _FrontMatterHandler(YAMLHandler):
    def load(self, fm: str, **kwargs: object) -> Any:
        return yaml.load(fm, Loader=_TextDatesLoader)


@dataclass
class PageData:
    path: Path
    topic_slug: str
    slug: str
    fields: dict[str, Any] = field(default_factory=dict)
    # The page's te reo Māori version, as "topic/slug" (another file's page), or None.
    te_reo_version: str | None = None

    def build(self, topic: Topic, te_reo_version: AdvicePage | None = None) -> AdvicePage:
        """An unsaved page holding this file's content."""
        return AdvicePage(topic=topic, slug=self.slug, te_reo_version=te_reo_version, **self.fields)


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def read_topics(content_dir: Path) -> list[dict[str, Any]]:
    path = content_dir / "topics.yaml"
    try:
        topics = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise ContentError(f"{path}: cannot be read ({error}).") from error
    if not isinstance(topics, list):
        raise ContentError(f"{path}: must be a list of topics.")
    seen: set[str] = set()
    for topic in topics:
        if not isinstance(topic, dict) or not topic.get("title") or not topic.get("slug"):
            raise ContentError(f"{path}: every topic needs a title and a slug.")
        unknown = set(topic) - set(TOPIC_KEYS)
        if unknown:
            raise ContentError(f"{path}: unknown topic key(s): {', '.join(sorted(unknown))}.")
        _check_slug(topic["slug"], path, Topic)
        if topic["slug"] in reserved_topic_slugs():
            raise ContentError(f"{path}: topic slug {topic['slug']!r} is used by the site itself; choose another.")
        if topic["slug"] in seen:
            raise ContentError(f"{path}: duplicate topic slug {topic['slug']!r}.")
        seen.add(topic["slug"])
        _check_length("title", topic["title"], path, Topic)
        _as_order(topic.get("order", 0), path)
        if not isinstance(topic.get("on_home_page", True), bool):
            raise ContentError(f"{path}: on_home_page must be true or false.")
    return topics


def read_page(path: Path, topic_slugs: set[str]) -> PageData:
    meta, body = _split_file(path)
    missing = [key for key in REQUIRED_PAGE_KEYS if not meta.get(key)]
    if missing:
        raise ContentError(f"{path}: missing {', '.join(missing)} in the front matter.")
    unknown = set(meta) - set(REQUIRED_PAGE_KEYS) - set(OPTIONAL_PAGE_KEYS)
    if unknown:
        raise ContentError(f"{path}: unknown front-matter key(s): {', '.join(sorted(unknown))}.")
    if not isinstance(meta["topic"], str) or meta["topic"] not in topic_slugs:
        raise ContentError(f"{path}: unknown topic {meta['topic']!r}; add it to topics.yaml first.")
    _check_slug(meta["slug"], path, AdvicePage)
    _check_length("title", meta["title"], path, AdvicePage)
    status = meta.get("status", AdvicePage.Status.PUBLISHED.value)
    if status not in AdvicePage.Status.values:
        raise ContentError(f"{path}: status must be draft or published, not {status!r}.")
    try:  # saving renders the body: refuse here, before anything is written
        render_markdown_html(body)
    except MarkdownRefused as refused:
        raise ContentError(f"{path}: {refused}") from None
    fields = {
        "title": str(meta["title"]),
        "summary": str(meta["summary"]),
        "body": body + "\n",
        "updated_on": _as_date(meta["updated_on"], path, "updated_on"),
        "status": status,
        "order": _as_order(meta.get("order", 0), path),
        "publish_at": _as_datetime(meta.get("publish_at"), path),
    }
    te_reo = _as_page_path(meta.get("te_reo_version"), path)
    if te_reo == f"{meta['topic']}/{meta['slug']}":
        raise ContentError(f"{path}: te_reo_version names this page itself; name its te reo Māori version.")
    return PageData(path=path, topic_slug=meta["topic"], slug=meta["slug"], fields=fields, te_reo_version=te_reo)


def _as_page_path(value: Any, path: Path) -> str | None:
    if value in (None, ""):
        return None
    topic, _, slug = str(value).partition("/")
    if not SLUG_PATTERN.fullmatch(topic) or not SLUG_PATTERN.fullmatch(slug):
        raise ContentError(
            f"{path}: te_reo_version must name a page as topic/slug, like plan-your-career/nga-tohu-iti, not {value!r}."
        )
    return f"{topic}/{slug}"


def _split_file(path: Path) -> tuple[dict[str, Any], str]:
    try:
        post = frontmatter.loads(path.read_text(encoding="utf-8"), handler=_FrontMatterHandler())
    except (OSError, UnicodeDecodeError) as error:
        raise ContentError(f"{path}: cannot be read as UTF-8 text ({error}).") from error
    except yaml.YAMLError as error:
        raise ContentError(f"{path}: the front matter is not valid YAML ({error}).") from error
    return dict(post.metadata), post.content


def read_pages(content_dir: Path, topic_slugs: set[str]) -> list[PageData]:
    pages: list[PageData] = []
    seen: dict[tuple[str, str], Path] = {}
    for path in sorted((content_dir / "pages").glob("**/*.md")):
        page = read_page(path, topic_slugs)
        key = (page.topic_slug, page.slug)
        if key in seen:
            raise ContentError(
                f"{path}: duplicate slug {page.slug!r} in topic {page.topic_slug!r} (also in {seen[key]})."
            )
        seen[key] = path
        pages.append(page)
    _check_te_reo_versions(pages)
    # A page's te reo Māori version loads before it, so that the page can link to it.
    named = {page.te_reo_version for page in pages}
    return sorted(pages, key=lambda page: f"{page.topic_slug}/{page.slug}" not in named)


def _check_te_reo_versions(pages: list[PageData]) -> None:
    """Each te_reo_version names another file's page, which names none itself, and is named by one page only."""
    by_path = {f"{page.topic_slug}/{page.slug}": page for page in pages}
    named_by: dict[str, Path] = {}
    for page in pages:
        if page.te_reo_version is None:
            continue
        other = by_path.get(page.te_reo_version)
        if other is None:
            raise ContentError(f"{page.path}: te_reo_version {page.te_reo_version!r} is not a page in content/pages.")
        if other.te_reo_version is not None:
            raise ContentError(
                f"{page.path}: te_reo_version {page.te_reo_version!r} names a te reo Māori version of its own, "
                "so it is an English page. Name the te reo version in one of the two files only."
            )
        if page.te_reo_version in named_by:
            raise ContentError(
                f"{page.path}: {named_by[page.te_reo_version]} already names {page.te_reo_version!r} as its "
                "te reo Māori version."
            )
        named_by[page.te_reo_version] = page.path


def _check_slug(value: Any, path: Path, model: type[Topic | AdvicePage]) -> None:
    if not isinstance(value, str) or not SLUG_PATTERN.fullmatch(value):
        raise ContentError(f"{path}: slug must be lower-case letters, digits and single hyphens, not {value!r}.")
    _check_length("slug", value, path, model)


def _check_length(key: str, value: Any, path: Path, model: type[Topic | AdvicePage]) -> None:
    limit: int | None = getattr(model._meta.get_field(key), "max_length", None)
    if limit is not None and len(str(value)) > limit:
        raise ContentError(f"{path}: {key} is {len(str(value))} characters long; the most is {limit}.")


def _as_order(value: Any, path: Path) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    raise ContentError(f"{path}: order must be a whole number of 0 or more, not {value!r}.")


def _as_date(value: Any, path: Path, key: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        raise ContentError(f"{path}: {key} must be a real date written as YYYY-MM-DD, not {value!r}.") from None


def _as_datetime(value: Any, path: Path) -> datetime.datetime | None:
    if value in (None, ""):
        return None
    try:
        parsed = datetime.datetime.fromisoformat(str(value))
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise ContentError(f"{path}: publish_at must be a date and time with a UTC offset, not {value!r}.")
    return parsed


def page_to_text(page: AdvicePage) -> str:
    """The canonical file text for a page."""
    meta: dict[str, Any] = {
        "title": page.title,
        "topic": page.topic.slug,
        "slug": page.slug,
        "summary": page.summary,
        "updated_on": page.updated_on,
    }
    if page.status != AdvicePage.Status.PUBLISHED:
        meta["status"] = str(page.status)
    if page.order:
        meta["order"] = page.order
    if page.publish_at:
        # Always in UTC, as the database gives it back, so a file in another offset compares equal.
        meta["publish_at"] = page.publish_at.astimezone(datetime.UTC).isoformat()
    if page.te_reo_version is not None:
        meta["te_reo_version"] = f"{page.te_reo_version.topic.slug}/{page.te_reo_version.slug}"
    front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=100)
    body = page.body.replace("\r\n", "\n").rstrip("\n")
    return f"---\n{front}---\n\n{body}\n"


def topics_to_text(topics: list[Topic]) -> str:
    data = [_topic_data(topic) for topic in topics]
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def _topic_data(topic: Topic) -> dict[str, Any]:
    data: dict[str, Any] = {"title": topic.title, "slug": topic.slug, "summary": topic.summary, "order": topic.order}
    if not topic.on_home_page:  # written only when it differs from the default
        data["on_home_page"] = False
    return data


def page_path(content_dir: Path, page: AdvicePage) -> Path:
    return content_dir / "pages" / page.topic.slug / f"{page.slug}.md"
