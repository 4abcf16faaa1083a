"""The site's content: topics, advice pages, site alerts, contact hours and feedback."""

import datetime
import functools
from typing import Any

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator
from markdownx.models import MarkdownxField

from microcredentials.lib.nztime import NZ_TIME, format_date, format_time
from microcredentials.pages.rendering import RenderedBody, render_body, sanitise_link_text

# Who closes, on a closure notice, and whose details the contact page gives, unless staff name another.
CONTACT_CENTRE_NAME = "The Customer Contact Group"


@functools.cache
def reserved_topic_slugs() -> frozenset[str]:
    """First path segments the site itself uses, read from the URLconf (a custom admin path included), plus the
    static and media prefixes: a topic with one of these slugs could never be reached."""
    segments = {settings.STATIC_URL.strip("/").split("/")[0], settings.MEDIA_URL.strip("/").split("/")[0]}
    patterns = list(get_resolver().url_patterns)
    while patterns:
        pattern = patterns.pop()
        first = str(pattern.pattern).lstrip("^").split("/")[0]
        if isinstance(pattern, URLResolver) and not first:
            patterns.extend(pattern.url_patterns)  # an include() at the root, such as the app's URLs
        elif first and "<" not in first:
            segments.add(first)
    return frozenset(segments)


class Topic(models.Model):
    title = models.CharField(max_length=120)
    slug = models.SlugField(max_length=80, unique=True)
    summary = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0)
    on_home_page = models.BooleanField(
        "show on the home page",
        default=True,
        help_text="Untick for pages that people reach from the footer, such as the privacy statement.",
    )

    class Meta:
        ordering = ["order", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("topic", kwargs={"topic_slug": self.slug})

    def clean(self) -> None:
        if self.slug in reserved_topic_slugs():
            raise ValidationError({"slug": f"“{self.slug}” is used by the site itself; choose another address."})


class AdvicePageQuerySet(models.QuerySet["AdvicePage"]):
    def live(self, now: datetime.datetime | None = None) -> "AdvicePageQuerySet":
        """Pages the public may see at this moment: published and not scheduled for later.

        search.py's SQL repeats this condition (one query per search); a test checks the two agree.
        """
        now = now or timezone.now()
        return self.filter(status=AdvicePage.Status.PUBLISHED).filter(
            Q(publish_at__isnull=True) | Q(publish_at__lte=now)
        )

    def with_language(self) -> "AdvicePageQuerySet":
        """Each page with `in_te_reo`: true for a page that another names as its te reo Māori version, so that
        lists can mark its title as te reo (lang="mi"). Part of the same query."""
        return self.annotate(in_te_reo=Exists(AdvicePage.objects.filter(te_reo_version=OuterRef("pk"))))


class AdvicePage(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="pages")
    title = models.CharField(max_length=160)
    slug = models.SlugField(max_length=80)
    summary = models.TextField(help_text="The introduction under the title, also used as the search description.")
    body = MarkdownxField(help_text="Markdown. Start sections with ## headings.")
    body_html = models.TextField(editable=False, default="")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    publish_at = models.DateTimeField(
        null=True, blank=True, help_text="Leave empty to publish at once; set a time to schedule."
    )
    live_since = models.DateTimeField(
        null=True, editable=False, help_text="When the version readers see went live (or goes live, if scheduled)."
    )
    updated_on = models.DateField(
        default=datetime.date.today, help_text='The public "Updated" date. Change it only for a real change.'
    )
    order = models.PositiveIntegerField(default=0)
    related_pages = models.ManyToManyField("self", blank=True, symmetrical=False)
    # One link makes both: the page named here is in te reo Māori, and links back to this one as its English
    # version (see pages/languages.py).
    te_reo_version = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="english_version",
        verbose_name="te reo Māori version",
        help_text="The same page in te reo Māori, if there is one. Each page then links to the other.",
        error_messages={"unique": "Another page already names that page as its te reo Māori version."},
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_by = models.DateField(null=True, blank=True)
    last_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    loaded_source_hash = models.CharField(
        max_length=64, blank=True, editable=False, help_text="Hash of the content file as last loaded."
    )
    search_vector = SearchVectorField(null=True, editable=False)
    # A copy of this page's PageChange rows, kept by PageChange.save/delete, so the public
    # page reads its history with the page itself instead of one more query.
    public_history = models.JSONField(default=list, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    objects = AdvicePageQuerySet.as_manager()

    class Meta:
        ordering = ["topic__order", "order", "title"]
        permissions = [("review_advicepage", "Can approve and publish another editor's change")]
        constraints = [models.UniqueConstraint(fields=["topic", "slug"], name="unique_page_slug_in_topic")]

    def __str__(self) -> str:
        return self.title

    # The body as last rendered in this process: a form that checked the body passes its rendering along.
    rendered: RenderedBody | None = None

    def save(self, *args: object, **kwargs: object) -> None:
        # Render once here so no request ever renders Markdown.
        if self.rendered is None or self.rendered.source != self.body:
            self.rendered = render_body(self.body)
        self.body_html = self.rendered.html
        self.live_since = self._went_live_at()
        super().save(*args, **kwargs)  # type: ignore[arg-type]
        self._loaded_status = self.status

    def get_absolute_url(self) -> str:
        return reverse("advice_page", kwargs={"topic_slug": self.topic.slug, "page_slug": self.slug})

    def clean(self) -> None:
        other = self.te_reo_version
        if other is None:
            return
        if other.pk == self.pk:
            raise ValidationError({"te_reo_version": "A page cannot be its own te reo Māori version."})
        if AdvicePage.objects.filter(te_reo_version=self.pk).exists():
            raise ValidationError(
                {"te_reo_version": "This page is itself the te reo Māori version of another page, so it has none."}
            )
        if other.te_reo_version_id is not None:
            raise ValidationError(
                {"te_reo_version": f"“{other}” has a te reo Māori version of its own, so it is an English page."}
            )

    # The status as loaded, so that save() can tell when a page goes live.
    _loaded_status: str | None = None

    @classmethod
    def from_db(cls, db: str | None, field_names: Any, values: Any) -> "AdvicePage":
        page = super().from_db(db, field_names, values)
        page._loaded_status = page.__dict__.get("status")
        return page

    def _went_live_at(self) -> datetime.datetime | None:
        """live_since as this save leaves it: the scheduled moment, or now for a page that goes live now."""
        if self.status != self.Status.PUBLISHED:
            return None
        if self.publish_at is not None:
            return self.publish_at
        now = timezone.now()
        if self._loaded_status != self.Status.PUBLISHED or self.live_since is None or self.live_since > now:
            return now
        return self.live_since

    def is_live(self, now: datetime.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.status == self.Status.PUBLISHED and (self.publish_at is None or self.publish_at <= now)

    def history_entries(self) -> list[tuple[datetime.date, str]]:
        """The public "Page history", newest first, as (date, note) pairs."""
        return [(datetime.date.fromisoformat(entry["changed_on"]), entry["note"]) for entry in self.public_history]


class PageChange(models.Model):
    """A public "Page history" entry, added when an editor marks a change as major."""

    page = models.ForeignKey(AdvicePage, on_delete=models.CASCADE, related_name="changes")
    changed_on = models.DateField()
    note = models.CharField(max_length=300)

    class Meta:
        ordering = ["-changed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.changed_on}: {self.note}"


def copy_history_to_page(sender: type[PageChange], instance: PageChange, **kwargs: Any) -> None:
    """Keep AdvicePage.public_history a copy of the page's PageChange rows (signals, so bulk deletes count too)."""
    entries = [
        {"changed_on": change.changed_on.isoformat(), "note": change.note}
        for change in PageChange.objects.filter(page_id=instance.page_id)
    ]
    AdvicePage.objects.filter(pk=instance.page_id).update(public_history=entries)


class SiteAlert(models.Model):
    class Kind(models.TextChoices):
        CLOSURE = "closure", "Contact centre closure"
        GENERAL = "general", "General notice"

    class Level(models.IntegerChoices):
        INFORMATION = 1, "Information"
        WARNING = 2, "Warning"

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.CLOSURE)
    level = models.PositiveSmallIntegerField(choices=Level.choices, default=Level.INFORMATION)
    who = models.CharField("who is closed", max_length=120, default=CONTACT_CENTRE_NAME, blank=True)
    closes_at = models.DateTimeField(null=True, blank=True)
    reopens_at = models.DateTimeField(null=True, blank=True)
    contact_email = models.EmailField(blank=True)
    extra_text = models.TextField(blank=True, help_text="Optional. Plain text; links are allowed.")
    message = models.TextField(blank=True, help_text="For a general notice. Plain text; links are allowed.")
    show_from = models.DateTimeField(default=timezone.now)
    show_until = models.DateTimeField(
        null=True, blank=True, help_text="Leave empty on a closure to show it until the centre reopens."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-show_from"]

    def __str__(self) -> str:
        """How staff tell alerts apart in the admin: a closure by when it closes, a notice by how its text starts."""
        if self.kind == self.Kind.CLOSURE:
            if self.closes_at is None:
                return self.Kind.CLOSURE.label
            closes = self.closes_at.astimezone(NZ_TIME)
            return f"{self.Kind.CLOSURE.label}: {format_time(closes)} {format_date(closes.date())}"
        text = " ".join(strip_tags(self.message).split())  # the words, without the link markup
        return f"{self.Kind.GENERAL.label}: {Truncator(text).words(10)}" if text else self.Kind.GENERAL.label

    # An empty show_until on a closure means "until it reopens": alerts.live_alert applies that at
    # read time, so moving reopens_at later never leaves a stale copy of the old time behind.

    def clean(self) -> None:
        errors = self._closure_errors() if self.kind == self.Kind.CLOSURE else {}
        if self.kind == self.Kind.GENERAL and not self.message.strip():
            errors["message"] = "Enter the text of the notice."
        elif self.kind == self.Kind.GENERAL and not strip_tags(sanitise_link_text(self.message)).strip():
            errors["message"] = "The notice has no text left once code is removed. Write it as plain text."
        if self.show_until and self.show_from and self.show_until <= self.show_from:
            errors.setdefault("show_until", "The end of the display period must be after its start.")
        if errors:
            raise ValidationError(errors)

    def _closure_errors(self) -> dict[str, str]:
        errors: dict[str, str] = {}
        if self.message.strip():  # kept, but a closure never shows it: say so rather than lose it silently
            errors["message"] = (
                "A closure notice does not show this text. Put it in 'Extra text', or change Kind to General notice."
            )
        if not self.closes_at:
            errors["closes_at"] = "Enter when the contact centre closes."
        if not self.reopens_at:
            errors["reopens_at"] = "Enter when the contact centre reopens."
        elif self.closes_at and self.reopens_at <= self.closes_at:
            errors["reopens_at"] = "The reopening time must be after the closing time."
        elif self.show_until and self.show_until > self.reopens_at:
            errors["show_until"] = (
                "A closure notice cannot show after the centre reopens. Leave this empty to stop at the reopening time."
            )
        elif self.show_from and not self.show_until and self.show_from >= self.reopens_at:
            errors["show_from"] = "The notice would never show: start showing it before the centre reopens."
        return errors


class ContactDetails(models.Model):
    """The contact centre's email and phone: a single row, edited in the admin."""

    name = models.CharField(max_length=120, default=CONTACT_CENTRE_NAME)
    email = models.EmailField()
    phone = models.CharField(max_length=40)

    class Meta:
        verbose_name_plural = "contact details"

    def __str__(self) -> str:
        return self.name


class OpeningHours(models.Model):
    """Regular opening hours for one weekday, in New Zealand time."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, "Monday"
        TUESDAY = 1, "Tuesday"
        WEDNESDAY = 2, "Wednesday"
        THURSDAY = 3, "Thursday"
        FRIDAY = 4, "Friday"
        SATURDAY = 5, "Saturday"
        SUNDAY = 6, "Sunday"

    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices, unique=True)
    opens = models.TimeField()
    closes = models.TimeField()

    class Meta:
        ordering = ["weekday"]
        verbose_name_plural = "opening hours"

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"

    def clean(self) -> None:
        if self.opens and self.closes and self.closes <= self.opens:
            raise ValidationError({"closes": "Closing time must be after opening time."})


class PageFeedback(models.Model):
    """An answer to "Was this page useful?". Only the page and the time are kept about the reader."""

    page = models.ForeignKey(AdvicePage, on_delete=models.CASCADE, related_name="feedback")
    useful = models.BooleanField()
    comment = models.TextField(blank=True, max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "page feedback"

    def __str__(self) -> str:
        return f"{'Yes' if self.useful else 'No'} on {self.page}"


class RateLimitCount(models.Model):
    """Attempts counted against a rate limit in its current window, shared by every worker and app server.

    Written only by microcredentials/feedback/ratelimit.py, in one atomic statement. The key is a keyed hash,
    never a client's address in clear; a row past the end of its window is started afresh or deleted.
    """

    key = models.CharField(max_length=100, unique=True)
    count = models.PositiveIntegerField()
    window_ends = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"


class PageDraft(models.Model):
    """The working copy of a live page's next version. Readers keep seeing the page itself until the draft is
    published, by an editor or at `publish_at` (no cron: see editing.publishing.publish_due_drafts)."""

    page = models.OneToOneField(AdvicePage, on_delete=models.CASCADE, related_name="draft")
    title = models.CharField(max_length=160)
    summary = models.TextField()
    body = models.TextField()
    change_note = models.CharField(
        max_length=300, blank=True, help_text="For a major change: published with the draft, into the page history."
    )
    publish_at = models.DateTimeField(null=True, blank=True, help_text="When the draft goes live by itself.")
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    modified_at = models.DateTimeField(auto_now=True)
    # Review (settings.REQUIRE_REVIEW): who asked for it and when; a reviewer's note when it was sent back.
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_comment = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"Draft of {self.page}"

    @property
    def awaiting_review(self) -> bool:
        return self.submitted_at is not None


class Redirect(models.Model):
    """An address a published page used to have: it answers 301 to the page's current address, so a chain of
    moves is always one hop. Made whenever a published page's slug or topic changes (see pages.signals)."""

    old_path = models.CharField(max_length=250, unique=True, help_text="For example /plan-your-career/old-name/")
    page = models.ForeignKey(AdvicePage, on_delete=models.CASCADE, related_name="redirects")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["old_path"]

    def __str__(self) -> str:
        return f"{self.old_path} → {self.page.get_absolute_url()}"

    def clean(self) -> None:
        if not self.old_path.startswith("/") or not self.old_path.endswith("/"):
            raise ValidationError({"old_path": "Write the address as a path that starts and ends with /."})


class PreviewLink(models.Model):
    """A link that shows a page's draft to someone without an account, until it expires or is revoked."""

    SALT = "microcredentials.preview-link"

    page = models.ForeignKey(AdvicePage, on_delete=models.CASCADE, related_name="preview_links")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Preview of {self.page}"

    def get_absolute_url(self) -> str:
        return reverse("shared_preview", kwargs={"token": self.token})

    @property
    def token(self) -> str:
        """Signed, so that link numbers cannot be guessed; the row decides whether the link still works."""
        return signing.dumps(self.pk, salt=self.SALT)

    def is_usable(self, now: datetime.datetime | None = None) -> bool:
        return self.revoked_at is None and self.expires_at > (now or timezone.now())


class ClosedDay(models.Model):
    """A one-off day the contact centre is closed all day, besides the public holidays (which come from the
    `holidays` package): the days between Christmas and New Year, say. New Zealand calendar days."""

    day = models.DateField(unique=True, help_text="The New Zealand calendar day, for example 2026-12-29.")
    reason = models.CharField(
        max_length=80,
        blank=True,
        help_text="Optional. Readers see it after “for”, for example “the Christmas break”.",
    )

    class Meta:
        ordering = ["day"]
        verbose_name = "extra closed day"

    def __str__(self) -> str:
        return format_date(self.day) + (f" ({self.reason})" if self.reason else "")


class Subscription(models.Model):
    """A reader's request to be emailed when a page has a major change (microcredentials/follow/).

    The address is kept for that alone: it is deleted when the reader unsubscribes, and 30 days after signing up
    if it was never confirmed. The token in the confirmation and unsubscribe links is random, so no link carries
    the address, and a link for a deleted subscription never matches another.
    """

    page = models.ForeignKey(AdvicePage, on_delete=models.CASCADE, related_name="subscriptions")
    email = models.EmailField()
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmation_sent_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["page", "email"], name="one_subscription_per_page")]

    def __str__(self) -> str:
        return f"Subscription {self.pk} to page {self.page_id}"


class SearchCount(models.Model):
    """How often readers searched for one query on one day (New Zealand time), for the editors' search reports.

    Nothing about the reader is kept: no address, no session, no time finer than the day. Written only by
    microcredentials/search/insights.py, one statement per search.
    """

    query = models.CharField(max_length=200, help_text="Lower case, spaces tidied, control characters dropped.")
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)
    # Pages found the last time the search itself ran (not answered from the page cache); null until then.
    result_count = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["query", "day"], name="search_count_query_day")]
        indexes = [models.Index(fields=["day"], name="search_count_day")]
        verbose_name = "search report"
        verbose_name_plural = "search reports"

    def __str__(self) -> str:
        return f"{self.query} ({self.day}): {self.count}"


class Synonym(models.Model):
    """A word or phrase readers use, searched for as the words the site's pages use instead."""

    term = models.CharField(
        max_length=100, unique=True, help_text="What readers type, for example “short course”. Not case-sensitive."
    )
    search_for = models.CharField(
        max_length=200, help_text="What to search for in its place, for example “micro-credential”."
    )

    class Meta:
        ordering = ["term"]

    def __str__(self) -> str:
        return f"{self.term} → {self.search_for}"


class BestBet(models.Model):
    """A page recommended above the ordinary results for one search, while the page is live."""

    query = models.CharField(
        max_length=200, help_text="The search it answers, for example “student loan”. Not case-sensitive."
    )
    page = models.ForeignKey(AdvicePage, on_delete=models.CASCADE, related_name="best_bets")
    order = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers show first.")

    class Meta:
        ordering = ["query", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["query", "page"], name="best_bet_query_page")]
        verbose_name = "recommended result"
        verbose_name_plural = "recommended results"

    def __str__(self) -> str:
        return f"{self.query} → {self.page}"


# Content health keeps its models in its own package; importing them here registers them with the app.
from microcredentials.health.models import IgnoredLink as IgnoredLink  # noqa: E402
from microcredentials.health.models import LinkCheck as LinkCheck  # noqa: E402
from microcredentials.health.models import PageReview as PageReview  # noqa: E402
from microcredentials.health.models import ScheduledJob as ScheduledJob  # noqa: E402
