from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from careers_site import metrics
from careers_site.http.security import read_only
from careers_site.pagecache.decorators import cache_public_page
from microcredentials.search.insights import count_cached_search, count_search, is_counted
from microcredentials.search.query import CleanedQuery, clean_query, find_results
from microcredentials.search.tuning import current_tuning, normalised


@read_only
@cache_public_page(query_keys=("q", "page"), on_cached_answer=count_cached_search)
def search(request: HttpRequest) -> HttpResponse:
    query = clean_query(request.GET.get("q", ""))
    context: dict[str, object] = {"query": query}
    if query.has_words:
        answer, pages_found = _answer(query, request.GET.get("page"))
        context.update(answer)
        metrics.search_done(pages_found)  # searches run; a cached answer counts as a page-cache hit
        if is_counted(request):  # the one write a search makes
            count_search(normalised(query), pages_found)
    return render(request, "microcredentials/search.html", context)


def _answer(query: CleanedQuery, page_number: str | None) -> tuple[dict[str, object], int]:
    """The results with the editors' tuning (recommended pages first, synonyms, a suggestion when nothing is
    found), and how many pages were found in all."""
    tuning = current_tuning()
    wanted = normalised(query)
    recommended = tuning.recommended(wanted)
    searched_for = tuning.with_synonyms(wanted)
    results_page = find_results(
        CleanedQuery(searched_for) if searched_for != wanted else query,
        page_number,
        leave_out=[page.page_id for page in recommended],
    )
    pages_found = results_page.paginator.count + len(recommended)
    answer: dict[str, object] = {
        "results_page": results_page,
        "results": results_page.object_list,
        "recommended": recommended if results_page.number == 1 else (),  # they head the first page only
        "searched_for": searched_for if searched_for != wanted else None,
        "suggestion": tuning.suggestion(wanted) if not pages_found else None,
    }
    return answer, pages_found
