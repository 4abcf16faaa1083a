"""Content-health records: link-check results, the ignore list, page reviews and scheduled jobs.

Part of the microcredentials app (imported by microcredentials/models.py). Pages are named by string, so this
module imports no other model module.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

MAX_URL_LENGTH = 2000


class LinkCheck(models.Model):
    """The latest check of one external link on one page."""

    class Status(models.TextChoices):
        OK = "ok", "OK"
        REDIRECTED = "redirected", "Redirected"
        BROKEN = "broken", "Broken"

    page = models.ForeignKey("microcredentials.AdvicePage", on_delete=models.CASCADE, related_name="link_checks")
    url = models.CharField("address", max_length=MAX_URL_LENGTH)
    status = models.CharField(max_length=12, choices=Status.choices)
    status_code = models.PositiveSmallIntegerField("HTTP status", null=True, blank=True)
    final_url = models.CharField("new address", max_length=MAX_URL_LENGTH, blank=True)
    error = models.CharField("problem", max_length=300, blank=True)
    checked_at = models.DateTimeField()

    class Meta:
        ordering = ["page__title", "url"]
        verbose_name = "link check"
        constraints = [models.UniqueConstraint(fields=["page", "url"], name="unique_link_check_per_page")]

    def __str__(self) -> str:
        return f"{self.url} on {self.page_id}: {self.get_status_display()}"

    def describe(self) -> str:
        """The result in words: what an editor reads in the report, the digest and `check_links`."""
        if self.status == self.Status.REDIRECTED:
            return f"redirected to {self.final_url}"
        if self.status == self.Status.BROKEN:
            return self.error or f"HTTP {self.status_code}"
        return "OK"


class IgnoredLink(models.Model):
    """An address (or every address starting with a prefix) the link checker leaves alone."""

    address = models.CharField(
        max_length=MAX_URL_LENGTH, unique=True, help_text="For example https://example.govt.nz/login/"
    )
    is_prefix = models.BooleanField(
        "and every address that starts with it", default=False, help_text="Tick to ignore a whole site or folder."
    )
    note = models.CharField(max_length=200, blank=True, help_text="Why it is ignored, for the next editor.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["address"]
        verbose_name = "ignored link"

    def __str__(self) -> str:
        return f"{self.address}…" if self.is_prefix else self.address

    def clean(self) -> None:
        if not self.address.lower().startswith(("http://", "https://")):
            raise ValidationError({"address": "Enter an address that starts with http:// or https://."})

    def matches(self, url: str) -> bool:
        return url.startswith(self.address) if self.is_prefix else url == self.address


class PageReview(models.Model):
    """Someone confirmed a page is still right: "feedback since the last review" counts from here."""

    page = models.ForeignKey("microcredentials.AdvicePage", on_delete=models.CASCADE, related_name="reviews")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField()
    next_review_by = models.DateField()

    class Meta:
        ordering = ["-reviewed_at"]
        verbose_name = "page review"
        get_latest_by = "reviewed_at"

    def __str__(self) -> str:
        return f"Review of {self.page_id} at {self.reviewed_at:%Y-%m-%d}"


class ScheduledJob(models.Model):
    """A job the background worker runs on a schedule (no cron): each run queues the next."""

    class Outcome(models.TextChoices):
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    name = models.CharField(max_length=60, unique=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_status = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    last_outcome = models.CharField("what happened", max_length=500, blank=True)
    next_run_at = models.DateTimeField(null=True, blank=True)
    pending_task_id = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = "scheduled job"

    def __str__(self) -> str:
        return self.name
