"""The "Was this page useful?" form's endpoint: a page, or JSON for the page's script."""

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST

from careers_site import metrics
from careers_site.http import outage
from careers_site.http.outage import DATABASE_DOWN, retry_later
from careers_site.http.security import refuse_cross_origin_posts
from microcredentials.feedback import answers
from microcredentials.lib.negotiation import wants_json
from microcredentials.models import AdvicePage


@refuse_cross_origin_posts
@cache_control(private=True, no_store=True)
@require_POST
def page_feedback(request: HttpRequest, page_id: int) -> HttpResponse:
    try:
        response = _page_feedback(request, page_id)
    except DATABASE_DOWN as error:
        # Say plainly that it was not sent (the general 503 page would promise nothing was lost).
        outage.report.failed(f"feedback on page {page_id} not saved", error)
        response = retry_later(_feedback_message(request, None, 503, answers.UNAVAILABLE))
    metrics.feedback_answered(response.status_code)
    return response


def _page_feedback(request: HttpRequest, page_id: int) -> HttpResponse:
    page = AdvicePage.objects.live().select_related("topic").filter(pk=page_id).first()
    if page is None:
        return _feedback_message(request, None, 404, "That page does not exist, or is no longer published.")
    if answers.is_bot(request):
        return _feedback_message(request, page, 400, answers.REFUSED)
    if answers.is_rate_limited(request):
        return _feedback_message(request, page, 429, answers.TOO_MANY)
    form = answers.FeedbackForm(request.POST)
    if not form.is_valid():
        return _feedback_invalid(request, page, form)
    answers.save_feedback(page, form)
    if wants_json(request):
        return JsonResponse({"heading": answers.THANKS_HEADING, "message": answers.THANKS})
    return HttpResponseRedirect(f"{page.get_absolute_url()}?feedback=thanks#feedback", status=303)


def _feedback_message(request: HttpRequest, page: AdvicePage | None, status: int, message: str) -> HttpResponse:
    if wants_json(request):
        return JsonResponse({"message": message}, status=status)
    context = {"page": page, "message": message, "status": status}
    return render(request, "microcredentials/feedback_message.html", context, status=status)


def _feedback_invalid(request: HttpRequest, page: AdvicePage, form: answers.FeedbackForm) -> HttpResponse:
    if "useful" in form.errors:
        return _feedback_message(request, page, 400, answers.CHOOSE_ANSWER)
    if wants_json(request):
        errors = {name: [str(error) for error in errors] for name, errors in form.errors.items()}
        first_error = next(iter(errors.values()))[0]
        return JsonResponse({"message": first_error, "errors": errors}, status=400)
    # The reader's text comes back in the box, with the error beside it.
    context = {"page": page, "feedback": answers.feedback_state(request, page, form)}
    return render(request, "microcredentials/feedback_form.html", context, status=400)
