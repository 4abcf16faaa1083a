"""The follow endpoints: sign up for a page's email alerts, confirm, unsubscribe (one click from the email too)."""

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from careers_site.http.security import refuse_cross_origin_posts
from microcredentials.feedback.ratelimit import over_limit
from microcredentials.follow import subscriptions
from microcredentials.models import AdvicePage

HONEYPOT_FIELD = "website"
SIGN_UPS_PER_HOUR = 10  # from one client: plenty for a person, little use for flooding other people's inboxes
TEMPLATE = "follow/message.html"


class FollowForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the right format, like name@example.com",
        },
    )  # templates/includes/follow.html writes the field out, so the cached page needs no form object


def _message(request: HttpRequest, status: int, heading: str, text: str, page: AdvicePage | None) -> HttpResponse:
    context = {"heading": heading, "message": text, "page": page}
    response = render(request, TEMPLATE, context, status=status)
    response["X-Robots-Tag"] = "noindex"
    return response


@refuse_cross_origin_posts
@cache_control(private=True, no_store=True)
@require_POST
def follow_page(request: HttpRequest, page_id: int) -> HttpResponse:
    page = AdvicePage.objects.live().select_related("topic").filter(pk=page_id).first()
    if page is None:
        return _message(request, 404, "Page not found", "That page does not exist, or is no longer published.", None)
    if request.POST.get(HONEYPOT_FIELD, "").strip():
        return _message(request, 400, "Not signed up", "Please go back to the page and try again.", page)
    form = FollowForm(request.POST)
    if not form.is_valid():
        context = {"page": page, "follow_form": form}
        return render(request, "follow/sign_up.html", context, status=400)
    if over_limit(request, "follow", SIGN_UPS_PER_HOUR, 3600):  # each sign-up could send someone an email
        text = "You have signed up a lot of addresses in a short time. Please wait an hour and try again."
        return _message(request, 429, "Please wait before signing up again", text, page)
    subscriptions.subscribe(page, form.cleaned_data["email"])
    text = (
        "We have sent you an email with a link. Open it to confirm, and we will email you when this page changes. "
        "If it has not arrived in a few minutes, check your junk mail folder."
    )
    return _message(request, 200, "Check your email", text, page)


@refuse_cross_origin_posts
@cache_control(private=True, no_store=True)
@require_http_methods(["GET", "HEAD", "POST"])
def confirm_subscription(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks (email scanners open links, and must not sign anyone up); POST confirms."""
    subscription = subscriptions.pending(token)
    if subscription is None:
        text = "This link has expired or is not valid. Sign up again from the page you want to follow."
        return _message(request, 404, "This link does not work", text, None)
    page = subscription.page
    if request.method == "POST":
        subscriptions.confirm(subscription)
        text = f"We will email you when “{page.title}” changes. Every email has a link to stop them."
        return _message(request, 200, "You are signed up", text, page)
    response = render(request, "follow/confirm.html", {"page": page, "confirmed": subscription.confirmed_at})
    response["X-Robots-Tag"] = "noindex"
    return response


@csrf_exempt  # mail providers send RFC 8058's one-click POST from their own servers; the token is the proof
@cache_control(private=True, no_store=True)
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks; POST (the button, or the mail provider's one-click) deletes the address. Saying it twice is fine."""
    if request.method != "POST":
        response = render(request, "follow/unsubscribe.html", {"token": token})
        response["X-Robots-Tag"] = "noindex"
        return response
    page = subscriptions.unsubscribe(token)
    about = f" about “{page.title}”" if page else ""
    text = f"You will get no more emails from us{about}. We have deleted your email address."
    return _message(request, 200, "You are unsubscribed", text, page)
