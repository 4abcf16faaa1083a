"""Read and write the shipped content in content/: topics.yaml and pages/<topic>/<slug>.md.

A page file is YAML front matter followed by the Markdown body. `page_to_text`
is the one canonical serialisation: export writes it, and load compares hashes
of it to tell whether a page was edited in the admin since it was loaded.
"""

import datetime
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import frontmatter
import yaml

from microcredentials.models import AdvicePage, Topic

REQUIRED_PAGE_KEYS = ("title", "topic", "slug", "summary", "updated_on")
OPTIONAL_PAGE_KEYS = ("status", "order", "publish_at")
TOPIC_KEYS = ("title", "slug", "summary", "order")


class ContentError(Exception):
    """A content file that cannot be loaded; the message names the file and the problem."""


@dataclass
class PageData:
    path: Path
    topic_slug: str
    slug: str
    fields: dict[str, Any] = field(default_factory=dict)
    text: str = ""

    @property
    def source_hash(self) -> str:
        return text_hash(self.text)


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def read_topics(content_dir: Path) -> list[dict[str, Any]]:
    path = content_dir / "topics.yaml"
    try:
        topics = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except (OSError, yaml.YAMLError) as error:
        raise ContentError(f"{path}: cannot be read ({error}).") from error
    if not isinstance(topics, list):
        raise ContentError(f"{path}: must be a list of topics.")
    for topic in topics:
        if not isinstance(topic, dict) or not topic.get("title") or not topic.get("slug"):
            raise ContentError(f"{path}: every topic needs a title and a slug.")
        unknown = set(topic) - set(TOPIC_KEYS)
        if unknown:
            raise ContentError(f"{path}: unknown topic key(s): {', '.join(sorted(unknown))}.")
    return topics


def read_page(path: Path, topic_slugs: set[str]) -> PageData:
    text = path.read_text(encoding="utf-8")
    try:
        post = frontmatter.loads(text)
    except yaml.YAMLError as error:
        raise ContentError(f"{path}: the front matter is not valid YAML ({error}).") from error
    meta: dict[str, Any] = dict(post.metadata)
    missing = [key for key in REQUIRED_PAGE_KEYS if not meta.get(key)]
    if missing:
        raise ContentError(f"{path}: missing {', '.join(missing)} in the front matter.")
    unknown = set(meta) - set(REQUIRED_PAGE_KEYS) - set(OPTIONAL_PAGE_KEYS)
    if unknown:
        raise ContentError(f"{path}: unknown front-matter key(s): {', '.join(sorted(unknown))}.")
    if meta["topic"] not in topic_slugs:
        raise ContentError(f"{path}: unknown topic {meta['topic']!r}; add it to topics.yaml first.")
    status = meta.get("status", AdvicePage.Status.PUBLISHED)
    if status not in AdvicePage.Status.values:
        raise ContentError(f"{path}: status must be draft or published, not {status!r}.")
    fields = {
        "title": str(meta["title"]),
        "summary": str(meta["summary"]),
        "body": post.content + "\n",
        "updated_on": _as_date(meta["updated_on"], path, "updated_on"),
        "status": status,
        "order": _as_order(meta.get("order", 0), path),
        "publish_at": _as_datetime(meta.get("publish_at"), path),
    }
    return PageData(path=path, topic_slug=meta["topic"], slug=str(meta["slug"]), fields=fields, text=text)


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
    return pages


def _as_order(value: Any, path: Path) -> int:
    if isinstance(value, int) and value >= 0:
        return value
    raise ContentError(f"{path}: order must be a whole number of 0 or more, not {value!r}.")


def _as_date(value: Any, path: Path, key: str) -> datetime.date:
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        raise ContentError(f"{path}: {key} must be a date written as YYYY-MM-DD, not {value!r}.") from None


def _as_datetime(value: Any, path: Path) -> datetime.datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime) and value.tzinfo:
        return value
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
        meta["status"] = page.status
    if page.order:
        meta["order"] = page.order
    if page.publish_at:
        meta["publish_at"] = page.publish_at.isoformat()
    front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=100)
    body = page.body.replace("\r\n", "\n").rstrip("\n")
    return f"---\n{front}---\n\n{body}\n"


def topics_to_text(topics: list[Topic]) -> str:
    data = [
        {"title": topic.title, "slug": topic.slug, "summary": topic.summary, "order": topic.order} for topic in topics
    ]
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def page_path(content_dir: Path, page: AdvicePage) -> Path:
    return content_dir / "pages" / page.topic.slug / f"{page.slug}.md"
