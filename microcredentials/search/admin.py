"""The editors' search admin: the two search reports, synonyms and recommended results.

Registered with the admin site by microcredentials.admin. The reports are read only; every rule and filter
works without JavaScript.
"""

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import ForeignKey
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path

from microcredentials.models import AdvicePage, BestBet, SearchCount, Synonym
from microcredentials.search.insights import REPORT_PERIODS, searches_finding_nothing, top_searches
from microcredentials.search.query import clean_query
from microcredentials.search.tuning import normalised

DEFAULT_PERIOD = 30


def tidy_search_text(value: str, field_name: str) -> str:
    """What an editor typed, as readers' searches are counted and matched: tidied and in lower case."""
    query = clean_query(value)
    if not query.has_words:
        raise forms.ValidationError(f"Write the {field_name} as a word or two (letters or numbers).")
    if query.was_cut:
        raise forms.ValidationError(f"Keep the {field_name} shorter: searches are cut at 200 characters.")
    return normalised(query)


class SynonymForm(forms.ModelForm):
    class Meta:
        model = Synonym
        fields = ["term", "search_for"]

    def clean_term(self) -> str:
        return tidy_search_text(self.cleaned_data["term"], "term")

    def clean_search_for(self) -> str:
        return tidy_search_text(self.cleaned_data["search_for"], "words to search for")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("term") and cleaned.get("term") == cleaned.get("search_for"):
            raise forms.ValidationError("Search for different words from the term itself.")
        return cleaned


class SynonymAdmin(admin.ModelAdmin):
    form = SynonymForm
    list_display = ["term", "search_for"]
    search_fields = ["term", "search_for"]


class BestBetForm(forms.ModelForm):
    class Meta:
        model = BestBet
        fields = ["query", "page", "order"]

    def clean_query(self) -> str:
        return tidy_search_text(self.cleaned_data["query"], "search")


class BestBetAdmin(admin.ModelAdmin):
    form = BestBetForm
    list_display = ["query", "page", "order"]
    list_select_related = ["page"]
    search_fields = ["query", "page__title"]

    def formfield_for_foreignkey(self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "page":  # only published pages can be recommended; a scheduled one shows once live
            kwargs["queryset"] = AdvicePage.objects.filter(status=AdvicePage.Status.PUBLISHED).order_by("title")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class PeriodForm(forms.Form):
    days = forms.TypedChoiceField(
        label="Over the last",
        choices=[(days, f"{days} days") for days in REPORT_PERIODS],
        coerce=int,
        initial=DEFAULT_PERIOD,
    )


REPORTS = {
    "top": ("Top searches", top_searches),
    "nothing": ("Searches that found nothing", searches_finding_nothing),
}


class SearchCountAdmin(admin.ModelAdmin):
    """The search reports stand in for the list: the rows themselves are only counts."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # counted by searches only

    def has_change_permission(self, request: HttpRequest, obj: SearchCount | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: SearchCount | None = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        nothing = path(
            "nothing-found/",
            self.admin_site.admin_view(self.nothing_found_view),
            name="microcredentials_searchcount_nothing_found",
        )
        return [nothing, *super().get_urls()]

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        return self._report(request, "top")

    def nothing_found_view(self, request: HttpRequest) -> HttpResponse:
        return self._report(request, "nothing")

    def _report(self, request: HttpRequest, report: str) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        period = PeriodForm(request.GET if "days" in request.GET else {"days": DEFAULT_PERIOD})
        title, rows = REPORTS[report]
        days = period.cleaned_data["days"] if period.is_valid() else None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            "report": report,
            "period": period,
            "days": days,
            "rows": list(rows(days)) if days else [],
        }
        template = "admin/microcredentials/searchcount/report.html"
        return TemplateResponse(request, template, context, status=200 if days else 400)
