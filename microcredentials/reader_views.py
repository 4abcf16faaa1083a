"""Thin views for readers' tools: search, the study-time calculator, page feedback, robots.txt and uploaded images."""

from django.conf import settings
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST

from microcredentials import feedback, outage
from microcredentials.caching import cache_public_page
from microcredentials.models import AdvicePage
from microcredentials.outage import DATABASE_DOWN, retry_later
from microcredentials.search import clean_query, find_results
from microcredentials.security import read_only, refuse_cross_origin_posts
from microcredentials.study_time import HOURS_PER_CREDIT, calculate, form_from
from microcredentials.uploads import open_upload

# An upload's name is random and never reused for other bytes, so browsers and CDNs may keep it for a year.
UPLOAD_CACHE_CONTROL = "public, max-age=31536000, immutable"


@read_only
@cache_public_page
def search(request: HttpRequest) -> HttpResponse:
    query = clean_query(request.GET.get("q", ""))
    context: dict[str, object] = {"query": query}
    if query.has_words:
        # A missing or nonsense page number gives the first page, and one too big (or below 1) the last.
        results_page = find_results(query, request.GET.get("page"))
        context.update(results_page=results_page, results=results_page.object_list)
    return render(request, "microcredentials/search.html", context)


@read_only
def study_time(request: HttpRequest) -> HttpResponse:
    form = form_from(request.GET)
    context = {
        "form": form,
        "result": calculate(form),
        "hours_per_credit": HOURS_PER_CREDIT,
        "breadcrumbs": [{"title": "Home", "url": "/"}, {"title": "Study-time calculator", "url": request.path}],
    }
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "microcredentials/study_time.html", context, status=status)


@read_only
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        # The conventional path only: a custom DJANGO_ADMIN_PATH is not advertised to the world here.
        "Disallow: /admin/",
        "Disallow: /search/",
        "Disallow: /feedback/",
        "",
        f"Sitemap: {settings.SITE_URL}/sitemap.xml",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@read_only
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on pages that name no icon (the admin's): send them to the site's icon.

    Not a permanent redirect: browsers keep those for good, and the icon's hashed name changes with the icon.
    """
    return HttpResponseRedirect(static("img/favicon.svg"))


@read_only
def uploaded_image(request: HttpRequest, name: str) -> FileResponse:
    """An image an editor uploaded, served by the app itself in production too (see README: media)."""
    found = open_upload(name)
    if found is None:
        raise Http404("No uploaded image has that name.")
    file, content_type = found
    response = FileResponse(file, content_type=content_type)
    response["Cache-Control"] = UPLOAD_CACHE_CONTROL
    return response


@refuse_cross_origin_posts
@cache_control(private=True, no_store=True)
@require_POST
def page_feedback(request: HttpRequest, page_id: int) -> HttpResponse:
    try:
        return _page_feedback(request, page_id)
    except DATABASE_DOWN as error:
        # Say plainly that it was not sent (the general 503 page would promise nothing was lost).
        outage.report.failed(f"feedback on page {page_id} not saved", error)
        return retry_later(_feedback_message(request, None, 503, feedback.UNAVAILABLE))


def _page_feedback(request: HttpRequest, page_id: int) -> HttpResponse:
    page = AdvicePage.objects.live().select_related("topic").filter(pk=page_id).first()
    if page is None:
        return _feedback_message(request, None, 404, "That page does not exist, or is no longer published.")
    if feedback.is_bot(request):
        return _feedback_message(request, page, 400, feedback.REFUSED)
    if feedback.is_rate_limited(request):
        return _feedback_message(request, page, 429, feedback.TOO_MANY)
    form = feedback.FeedbackForm(request.POST)
    if not form.is_valid():
        return _feedback_invalid(request, page, form)
    feedback.save_feedback(page, form)
    if wants_json(request):
        return JsonResponse({"heading": feedback.THANKS_HEADING, "message": feedback.THANKS})
    return HttpResponseRedirect(f"{page.get_absolute_url()}?feedback=thanks#feedback", status=303)


def wants_json(request: HttpRequest) -> bool:
    """The pages' scripts send readers' forms with fetch and ask for JSON; a plain form post gets pages.

    Read as content negotiation (quality values included), not as the header's first word.
    """
    return request.get_preferred_type(["text/html", "application/json"]) == "application/json"


def _feedback_message(request: HttpRequest, page: AdvicePage | None, status: int, message: str) -> HttpResponse:
    if wants_json(request):
        return JsonResponse({"message": message}, status=status)
    context = {"page": page, "message": message, "status": status}
    return render(request, "microcredentials/feedback_message.html", context, status=status)


def _feedback_invalid(request: HttpRequest, page: AdvicePage, form: feedback.FeedbackForm) -> HttpResponse:
    if "useful" in form.errors:
        return _feedback_message(request, page, 400, feedback.CHOOSE_ANSWER)
    if wants_json(request):
        errors = {name: [str(error) for error in errors] for name, errors in form.errors.items()}
        first_error = next(iter(errors.values()))[0]
        return JsonResponse({"message": first_error, "errors": errors}, status=400)
    # The reader's text comes back in the box, with the error beside it.
    context = {"page": page, "feedback": feedback.feedback_state(request, page, form)}
    return render(request, "microcredentials/feedback_form.html", context, status=400)
