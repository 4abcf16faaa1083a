"""Email alerts for one page: signing up (confirmed by email), unsubscribing, and telling followers of a change.

- Signing up stores the address and emails a confirmation link; nothing else is sent until it is confirmed.
  Asking again for an address not yet confirmed re-sends the link at most once a day (RESEND_AFTER), so the
  form cannot be used to flood someone's inbox. Whether an address was already signed up is never shown.
- An address never confirmed is deleted UNCONFIRMED_DAYS after signing up, by a task queued at sign-up.
- Unsubscribing deletes the address. Every alert carries a one-click unsubscribe (RFC 8058).
- A major change queues one email per confirmed follower, once the changed page is live.
- The queue holds ids only; each message is written as it is sent (email_reader).
"""

import datetime
import secrets

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from microcredentials.lib.mail import deliver
from microcredentials.models import AdvicePage, PageChange, Subscription

UNCONFIRMED_DAYS = 30
RESEND_AFTER = datetime.timedelta(days=1)


def site_url(path: str) -> str:
    """An address on the public site, for email (the worker has no request to build it from)."""
    return settings.SITE_URL + path


def subscribe(page: AdvicePage, email: str) -> None:
    """Sign `email` up for `page`'s alerts, pending confirmation; quietly does nothing for a confirmed address."""
    now = timezone.now()
    with transaction.atomic():
        subscription, created = Subscription.objects.select_for_update().get_or_create(
            page=page,
            email=email.strip().lower(),
            defaults={"token": secrets.token_urlsafe(32), "confirmation_sent_at": now},
        )
        if created:
            forget_if_unconfirmed.using(run_after=now + datetime.timedelta(days=UNCONFIRMED_DAYS)).enqueue(
                subscription.pk
            )
        elif subscription.confirmed_at or subscription.confirmation_sent_at > now - RESEND_AFTER:
            return
        else:
            subscription.confirmation_sent_at = now
            subscription.save(update_fields=["confirmation_sent_at"])
        email_reader.enqueue(subscription.pk)


# The queue holds a subscription's id, never its address: the message is written when it is sent, so an address
# is gone from the site as soon as the reader unsubscribes, and nothing queued for them is sent after that.
@task()
def email_reader(subscription_id: int, change_id: int | None = None, attempt: int = 1) -> None:
    """Send a reader the confirmation link (no change_id) or the news of a major change."""
    subscription = Subscription.objects.select_related("page__topic").filter(pk=subscription_id).first()
    change = PageChange.objects.filter(pk=change_id).first() if change_id else None
    if subscription is None or (change_id and change is None):
        return
    message = _change_message(subscription, change.note) if change else _confirmation_message(subscription)
    deliver(
        message,
        attempt,
        lambda when: email_reader.using(run_after=when).enqueue(subscription_id, change_id, attempt + 1),
    )


def _confirmation_message(subscription: Subscription) -> EmailMessage:
    page = subscription.page
    confirm = site_url(reverse("confirm_subscription", args=[subscription.token]))
    body = (
        "Kia ora,\n\n"
        f"Someone, probably you, asked for an email whenever “{page.title}” on the careers advice site changes.\n\n"
        f"To start getting them, open this link and press “Confirm”:\n{confirm}\n\n"
        f"If you did not ask for this, ignore this email. Your address will be deleted in {UNCONFIRMED_DAYS} days, "
        "and you will get nothing more from us.\n"
    )
    return EmailMessage(f"Confirm: emails when “{page.title}” changes", body, to=[subscription.email])


def pending(token: str) -> Subscription | None:
    """The subscription a confirmation link is for, if it is still waiting and the page still live."""
    oldest = timezone.now() - datetime.timedelta(days=UNCONFIRMED_DAYS)
    found = Subscription.objects.select_related("page__topic").filter(token=token, created_at__gt=oldest).first()
    return found if found is not None and found.page.is_live() else None


def confirm(subscription: Subscription) -> None:
    if subscription.confirmed_at is None:
        subscription.confirmed_at = timezone.now()
        subscription.save(update_fields=["confirmed_at"])


def unsubscribe(token: str) -> AdvicePage | None:
    """Delete the subscription with this token; the page it was for, or None if there was none (any more)."""
    subscription = Subscription.objects.select_related("page__topic").filter(token=token).first()
    if subscription is None:
        return None
    subscription.delete()
    return subscription.page


@task()
def forget_if_unconfirmed(subscription_id: int) -> None:
    Subscription.objects.filter(pk=subscription_id, confirmed_at__isnull=True).delete()


@task()
def tell_followers(change_id: int) -> None:
    """Queue an email to each confirmed follower of the changed page, once the page is live."""
    change = PageChange.objects.select_related("page__topic").filter(pk=change_id).first()
    if change is None:
        return
    page = change.page
    if not page.is_live():
        if page.status == AdvicePage.Status.PUBLISHED and page.publish_at:  # scheduled: tell them when it is live
            tell_followers.using(run_after=page.publish_at).enqueue(change_id)
        return
    for subscription_id in page.subscriptions.filter(confirmed_at__isnull=False).values_list("pk", flat=True):
        email_reader.enqueue(subscription_id, change_id)


def _change_message(subscription: Subscription, note: str) -> EmailMessage:
    page = subscription.page
    unsubscribe_url = site_url(reverse("unsubscribe", args=[subscription.token]))
    body = (
        "Kia ora,\n\n"
        f"“{page.title}” on the careers advice site has changed:\n\n{note}\n\n"
        f"Read the page:\n{site_url(page.get_absolute_url())}\n\n"
        "You get this email because you asked to hear when this page changes. To stop, open this link:\n"
        f"{unsubscribe_url}\n"
    )
    headers = {"List-Unsubscribe": f"<{unsubscribe_url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    return EmailMessage(f"“{page.title}” has changed", body, to=[subscription.email], headers=headers)


def queue_alerts_for(change: PageChange) -> None:
    """post_save of a PageChange (a major change): tell followers, in the same transaction."""
    tell_followers.enqueue(change.pk)
