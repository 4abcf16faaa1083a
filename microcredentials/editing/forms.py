"""The advice page's admin form: version check, major-change note, and the change message it leads to."""

from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib.admin.widgets import AdminSplitDateTime
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils import timezone
from markdownx.widgets import AdminMarkdownxWidget

from microcredentials.editing import review, revisions
from microcredentials.editing.revisions import FieldDiff, user_name
from microcredentials.lib.forms import label_date_and_time_parts
from microcredentials.lib.nztime import format_when
from microcredentials.models import AdvicePage, PageDraft
from microcredentials.pages.rendering import MarkdownRefused, render_body

FORM_ONLY_FIELDS = (
    "page_version", "seen_version", "merged_theirs", "major_change", "change_note", "schedule_at", "review_comment",
)  # fmt: skip
ACTIONS = ("_save_draft", "_publish", "_schedule", "_submit_review", "_send_back", "_preview")
# markdownx's editor keeps Ctrl+] and Ctrl+[ (Cmd on a Mac) for indenting; Tab is left to move between fields.
BODY_HELP = (
    "Markdown. Start sections with ## headings. Tab and Shift+Tab move out of the box, as in other fields. "
    "To indent a line, press Ctrl+] (Ctrl+[ takes the indent away); on a Mac, Cmd+] and Cmd+[. "
    f"To add an image (JPEG, PNG or WebP, up to {settings.MARKDOWNX_UPLOAD_MAX_SIZE // (1024 * 1024)} MB), press "
    "Insert image below the box, or drag the image file into the box. Every image needs alt text that says what "
    "it shows, unless it is only decorative: Insert image asks for it; for a dragged image, write it between the "
    "square brackets, as in ![A trainee fitting a kitchen bench](…)."
)


@dataclass(frozen=True)
class ConflictReport:
    heading: str
    diffs: list[FieldDiff]


class AdvicePageForm(forms.ModelForm):
    page_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # After a refused save: the version the editor has now been shown. Saving over it takes an explicit choice.
    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    merged_theirs = forms.BooleanField(
        required=False,
        label="I have included their changes in my text",
        help_text="Tick this once your text below keeps what the other editor changed, then save again.",
    )
    review_comment = forms.CharField(
        required=False,
        label="Comment for the author",
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        help_text="Needed to send a change back: say what to change before it can be published.",
    )
    schedule_at = forms.SplitDateTimeField(
        required=False,
        label="Go live at (New Zealand time)",
        widget=AdminSplitDateTime,
        help_text="For “Schedule”: the live page stays as it is until then, and the draft goes live by itself.",
    )
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
            "order", "related_pages", "te_reo_version", "owner", "review_by",
        ]  # fmt: skip
        widgets = {"body": AdminMarkdownxWidget}
        help_texts = {"body": BODY_HELP}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.conflict: ConflictReport | None = None
        self.editor: Any = getattr(self, "editor", None)  # the signed-in user, set by the admin's get_form
        self.replaces_theirs = False
        # What the editor pressed. A plain Save publishes, as it always has, unless publishing needs review.
        self.action = next((name for name in ACTIONS if name in self.data), "_save")
        if self.action == "_save" and settings.REQUIRE_REVIEW:
            self.action = "_save_draft"
        self.was_live = bool(self.instance.pk) and self.instance.is_live()
        label_date_and_time_parts(self)
        self._limit_te_reo_choices()
        self.draft = PageDraft.objects.filter(page=self.instance).first() if self.instance.pk else None
        if self.instance.pk:
            self.fields["page_version"].initial = self.instance.version
        if self.draft is not None:  # the editor works on the draft; readers keep the live text
            self.initial.update({name: getattr(self.draft, name) for name in revisions.TEXT_FIELDS})
            self.initial.update(major_change=bool(self.draft.change_note), change_note=self.draft.change_note)
            self.initial["schedule_at"] = self.draft.publish_at

    def _limit_te_reo_choices(self) -> None:
        """Other pages only, and not English pages that name a te reo version of their own (save() says why
        any other choice cannot be made)."""
        field = self.fields.get("te_reo_version")
        if isinstance(field, forms.ModelChoiceField) and field.queryset is not None:
            others = field.queryset.exclude(pk=self.instance.pk) if self.instance.pk else field.queryset
            field.queryset = others.filter(te_reo_version__isnull=True).select_related("topic")

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
        self._check_review(cleaned)
        if "_schedule" in self.data:
            schedule_at = cleaned.get("schedule_at")
            if not schedule_at:
                self.add_error("schedule_at", "Enter the date and time the draft should go live.")
            elif schedule_at <= timezone.now():
                self.add_error("schedule_at", "Choose a time in the future, or press Publish to publish now.")
        if self.instance.pk and cleaned.get("page_version") != self.instance.version:
            self._check_stale_save(cleaned)
        return cleaned

    def _check_review(self, cleaned: dict[str, Any]) -> None:
        """With review on, only a reviewer who is not the author publishes; sending back needs a comment."""
        if self.editor is None:
            return
        publishes = self.action in ("_publish", "_schedule") or (self.action == "_save" and self.was_live)
        if publishes:
            text = {name: cleaned.get(name, "") for name in revisions.TEXT_FIELDS}
            refusal = review.publishing_refusal(self.editor, self.draft, text)
            if refusal:
                raise ValidationError(refusal, code="needs_review")
        if self.action == "_send_back":
            if not review.can_review(self.editor) or self.draft is None or self.draft.submitted_at is None:
                raise ValidationError("Only a reviewer can send back a change that is waiting for review.")
            if not cleaned.get("review_comment", "").strip():
                self.add_error("review_comment", "Say what the author should change before it can be published.")

    def _check_stale_save(self, cleaned: dict[str, Any]) -> None:
        """A save from an old version goes ahead only once the editor has seen the newer version and chosen:
        merged by hand (ticked), or replace theirs (the button). Every other press is refused again."""
        chose = cleaned.get("merged_theirs") or "_replace_theirs" in self.data
        if cleaned.get("seen_version") == self.instance.version and chose:
            self.replaces_theirs = "_replace_theirs" in self.data
            cleaned["page_version"] = self.instance.version
            return
        self._report_conflict(cleaned)

    def _report_conflict(self, cleaned: dict[str, Any]) -> None:
        """Refuse a save from a stale form and show what changed; the editor's text stays in the form."""
        saved = self.instance
        self.conflict = describe_conflict(saved, cleaned.get("page_version"), cleaned)
        data = cast(QueryDict, self.data).copy()  # a mutable copy: the form now records what the editor has seen
        data[self.add_prefix("seen_version")] = str(saved.version)
        data.pop(self.add_prefix("merged_theirs"), None)
        self.data = data
        who = user_name(saved.last_edited_by) if saved.last_edited_by else "Someone else"
        raise ValidationError(
            f"{who} saved this page at {format_when(saved.modified_at)}, after you opened it, so your changes "
            "have not been saved. Your text is still in the form below. Check what changed, then choose: "
            "include their changes in your text and tick “I have included their changes”, take their version, "
            "or replace their changes with yours.",
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
    status = form.cleaned_data.get("status", form.instance.status)
    was = None if add else form.initial.get("status", form.instance.status)
    publish_at = form.cleaned_data.get("publish_at", form.instance.publish_at)
    action = getattr(form, "action", "_save")
    if action in ("_publish", "_schedule"):  # the buttons of a page that is not live yet
        status = AdvicePage.Status.PUBLISHED
        publish_at = form.cleaned_data.get("schedule_at") if action == "_schedule" else None
    elif action == "_save_draft":
        status = AdvicePage.Status.DRAFT
    if getattr(form, "was_live", False) and getattr(form, "draft", None) is not None:
        return "Published the draft."
    if status == was:
        return ""
    if status == AdvicePage.Status.PUBLISHED:
        if publish_at and publish_at > timezone.now():
            return f"Scheduled to publish at {format_when(publish_at)}."
        return "Published."
    return "" if add else "Unpublished (now a draft)."


def saves_a_draft(form: forms.ModelForm) -> bool:
    """Whether this save keeps the text as a draft of a live page, leaving readers' version alone."""
    drafting = ("_save_draft", "_schedule", "_preview")  # a preview shows the draft, never the live page changed
    return bool(getattr(form, "was_live", False)) and getattr(form, "action", "") in drafting


def change_message(form: forms.ModelForm, add: bool) -> str:
    """The message for the admin's log and the revision: what changed, publishing, and any major-change note."""
    action = getattr(form, "action", "_save")
    if action == "_send_back":
        author = revisions.user_name(form.draft.submitted_by)  # type: ignore[attr-defined]
        return f"Sent back to {author} for changes: {form.cleaned_data['review_comment'].strip()}"
    if action == "_submit_review":
        labels = changed_fields(form)
        return "Submitted for review" + (f" (changed {', '.join(labels)})." if labels else ".")
    if saves_a_draft(form):
        labels = changed_fields(form)
        when = form.cleaned_data.get("schedule_at") if getattr(form, "action", "") == "_schedule" else None
        scheduled = f", scheduled to go live at {format_when(when)}" if when else ""
        return f"Saved a draft{scheduled}" + (f" (changed {', '.join(labels)})." if labels else ".")
    parts = ["Created the page."] if add else []
    labels = [] if add else changed_fields(form)
    if labels:
        parts.append(f"Changed {', '.join(labels)}.")
    parts.append(publication_message(form, add))
    if settings.REQUIRE_REVIEW:
        parts.append(review.approval_note(getattr(form, "draft", None)))
    if getattr(form, "replaces_theirs", False):
        parts.append("Replaced changes another editor had saved after this editor opened the page.")
    if form.cleaned_data.get("major_change"):
        parts.append(f"Major change: {form.cleaned_data['change_note'].strip()}")
    return " ".join(part for part in parts if part) or "Saved with no changes."
