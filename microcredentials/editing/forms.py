"""The advice page's admin form: version check, major-change note, and the change message it leads to."""

from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils import timezone
from markdownx.widgets import AdminMarkdownxWidget

from microcredentials.editing import revisions
from microcredentials.editing.revisions import FieldDiff, user_name
from microcredentials.lib.nztime import format_when
from microcredentials.models import AdvicePage
from microcredentials.pages.rendering import MarkdownRefused, render_body

FORM_ONLY_FIELDS = ("page_version", "major_change", "change_note")
# markdownx's editor keeps Ctrl+] and Ctrl+[ (Cmd on a Mac) for indenting; Tab is left to move between fields.
BODY_HELP = (
    "Markdown. Start sections with ## headings. Tab and Shift+Tab move out of the box, as in other fields. "
    "To indent a line, press Ctrl+] (Ctrl+[ takes the indent away); on a Mac, Cmd+] and Cmd+[."
)


@dataclass(frozen=True)
class ConflictReport:
    heading: str
    diffs: list[FieldDiff]


class AdvicePageForm(forms.ModelForm):
    page_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    major_change = forms.BooleanField(
        required=False,
        label="This is a major change",
        help_text="Tick this for a change readers should know about. It sets the public “Updated” date to today "
        "and adds your note to the page history. Leave it clear for small fixes such as typos.",
    )
    change_note = forms.CharField(
        required=False,
        max_length=300,
        label="Change note",
        widget=forms.Textarea(attrs={"rows": 2, "cols": 80}),
        help_text="Required for a major change. Readers see it under “Page history”, "
        "for example “Added the fees for 2026.”",
    )

    class Meta:
        model = AdvicePage
        fields = [
            "title", "slug", "topic", "summary", "body", "status", "publish_at",
            "order", "related_pages", "owner", "review_by",
        ]  # fmt: skip
        widgets = {"body": AdminMarkdownxWidget}
        help_texts = {"body": BODY_HELP}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.conflict: ConflictReport | None = None
        if self.instance.pk:
            self.fields["page_version"].initial = self.instance.version

    def clean_body(self) -> str:
        body = normalise_text(self.cleaned_data.get("body") or "") + "\n"
        # Saving renders the body; refuse here what the renderer would refuse, so the editor keeps the text.
        try:
            self.instance.rendered = render_body(body)  # save() and the content checks use this rendering
        except MarkdownRefused as refused:
            raise ValidationError(str(refused), code="body_too_slow_to_render") from None
        return body

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("major_change") and not (cleaned.get("change_note") or "").strip():
            self.add_error(
                "change_note", "Write a change note for this major change. Readers see it in the page history."
            )
        if self.instance.pk and cleaned.get("page_version") != self.instance.version:
            self._report_conflict(cleaned)
        return cleaned

    def _report_conflict(self, cleaned: dict[str, Any]) -> None:
        """Refuse a save from a stale form, show what changed, and let the next save go ahead."""
        saved = self.instance
        self.conflict = describe_conflict(saved, cleaned.get("page_version"), cleaned)
        data = cast(QueryDict, self.data).copy()  # a mutable copy, so the form shows the saved version
        data[self.add_prefix("page_version")] = str(saved.version)
        self.data = data
        who = user_name(saved.last_edited_by) if saved.last_edited_by else "Someone else"
        raise ValidationError(
            f"{who} saved this page at {format_when(saved.modified_at)}, after you opened it, so your changes "
            "have not been saved. Your text is still in the form below. Check what changed, combine their "
            "changes with yours, then save again.",
            code="edit_conflict",
        )


def normalise_text(text: str) -> str:
    """Browsers send CRLF line ends and the form trims the ends: compare and store text without either."""
    return text.replace("\r\n", "\n").strip()


def changed_fields(form: forms.ModelForm) -> list[str]:
    """The labels of the page fields an editor really changed (not just line ends or trailing space)."""
    labels = []
    for name in form.changed_data:
        if name in FORM_ONLY_FIELDS or name == "status":
            continue
        initial, cleaned = form.initial.get(name), form.cleaned_data.get(name)
        if isinstance(initial, str) and isinstance(cleaned, str) and normalise_text(initial) == normalise_text(cleaned):
            continue
        labels.append(str(form.fields[name].label or name))
    return labels


def describe_conflict(saved: AdvicePage, opened_version: int | None, submitted: dict[str, Any]) -> ConflictReport:
    """What the other editor changed, from the version this editor opened to the saved page."""
    now_label = "Saved page now"
    opened = revisions.version_with_number(saved, opened_version)
    if opened is not None:
        diffs = revisions.compare(
            revisions.version_values(opened), revisions.page_values(saved), "When you opened it", now_label
        )
        return ConflictReport(heading="What changed after you opened this page", diffs=diffs)
    yours = {name: submitted.get(name, "") for name in revisions.TEXT_FIELDS}
    diffs = revisions.compare(yours, revisions.page_values(saved), "Your text", now_label)
    return ConflictReport(heading="Differences between your text and the saved page", diffs=diffs)


def publication_message(form: forms.ModelForm, add: bool) -> str:
    """Say plainly when a save published, scheduled or unpublished the page, for the audit log."""
    status = form.cleaned_data.get("status")
    was = None if add else form.initial.get("status")
    publish_at = form.cleaned_data.get("publish_at")
    if status == was:
        return ""
    if status == AdvicePage.Status.PUBLISHED:
        if publish_at and publish_at > timezone.now():
            return f"Scheduled to publish at {format_when(publish_at)}."
        return "Published."
    return "" if add else "Unpublished (now a draft)."


def change_message(form: forms.ModelForm, add: bool) -> str:
    """The message for the admin's log and the revision: what changed, publishing, and any major-change note."""
    parts = ["Created the page."] if add else []
    labels = [] if add else changed_fields(form)
    if labels:
        parts.append(f"Changed {', '.join(labels)}.")
    parts.append(publication_message(form, add))
    if form.cleaned_data.get("major_change"):
        parts.append(f"Major change: {form.cleaned_data['change_note'].strip()}")
    return " ".join(part for part in parts if part) or "Saved with no changes."
