from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from careers_site.http.security import read_only
from microcredentials.lib.breadcrumbs import breadcrumbs
from microcredentials.tools.study_time import HOURS_PER_CREDIT, calculate, form_from


@read_only
def study_time(request: HttpRequest) -> HttpResponse:
    form = form_from(request.GET)
    context = {
        "form": form,
        "result": calculate(form),
        "hours_per_credit": HOURS_PER_CREDIT,
        "breadcrumbs": breadcrumbs(("Study-time calculator", request.path)),
    }
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "microcredentials/study_time.html", context, status=status)
