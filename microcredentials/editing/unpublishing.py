"""Taking pages off the site: a confirmation that says what readers will get instead, then the change.

Used by the page's own "Unpublish…" link and by the page list's action. Readers at the page's address get
"Page not found", or, if the editor chooses, a permanent redirect to another live page.
"""

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from microcredentials.editing import publishing
from microcredentials.models import AdvicePage, Redirect

if TYPE_CHECKING:
    from microcredentials.editing.admin import AdvicePageAdmin

NOT_FOUND_CHOICE = "“Page not found”, which offers the site search and the home page"


class UnpublishForm(forms.Form):
    confirmed = forms.BooleanField(widget=forms.HiddenInput, initial=True)
    send_readers_to = forms.ModelChoiceField(
        queryset=AdvicePage.objects.none(),
        required=False,
        empty_label=NOT_FOUND_CHOICE,
        label="What readers get at its address instead",
        help_text="Choose a page to send them there for good (a permanent redirect), old addresses included.",
    )

    def __init__(self, *args: Any, leaving: list[AdvicePage], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["send_readers_to"]
        field.queryset = AdvicePage.objects.live().exclude(pk__in=[page.pk for page in leaving])  # type: ignore[attr-defined]
        field.label_from_instance = lambda page: f"Send them to “{page.title}” ({page.get_absolute_url()})"  # type: ignore[attr-defined]


def pages_linking_to(page: AdvicePage) -> list[AdvicePage]:
    """Live pages whose text links to `page`: their links lead where its readers are sent."""
    address = page.get_absolute_url()
    return list(AdvicePage.objects.live().exclude(pk=page.pk).filter(body__contains=f"]({address}"))


def unpublish_sending_readers_to(page: AdvicePage, user: User, target: AdvicePage | None) -> str | None:
    """Unpublish `page`; with a target, its address and old addresses redirect there. Returns the log message."""
    address = page.get_absolute_url()
    with transaction.atomic():
        message = publishing.unpublish(page, user)
        if message is None or target is None:
            return message
        Redirect.objects.filter(page=page).update(page=target)
        Redirect.objects.update_or_create(old_path=address, defaults={"page": target})
    return f"{message} Readers of {address} are sent to {target.get_absolute_url()}."


def confirm(
    model_admin: "AdvicePageAdmin",
    request: HttpRequest,
    pages: list[AdvicePage],
    cancel_url: str,
    hidden: list[tuple[str, str]] = [],  # noqa: B006 (read only)
) -> HttpResponse | None:
    """The confirmation page; once confirmed, unpublish `pages` and return None (the caller redirects).

    `hidden` is what the form must send back to reach this again (the list action's name and selection)."""
    live = [page for page in pages if page.status == AdvicePage.Status.PUBLISHED]
    form = UnpublishForm(request.POST if "confirmed" in request.POST else None, leaving=live)
    if form.is_valid():
        target = form.cleaned_data["send_readers_to"]
        model_admin.apply_to_pages(
            request, live, lambda page, user: unpublish_sending_readers_to(page, user, target), "Unpublished"
        )
        return None
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": AdvicePage._meta,
        "title": f"Unpublish “{live[0]}”?" if len(live) == 1 else f"Unpublish {len(live)} pages?",
        "leaving": [{"page": page, "linked_from": pages_linking_to(page)} for page in live],
        "already_drafts": [page for page in pages if page.status != AdvicePage.Status.PUBLISHED],
        "form": form,
        "hidden": hidden,
        "cancel_url": cancel_url,
    }
    return TemplateResponse(request, "admin/microcredentials/advicepage/unpublish.html", context)
