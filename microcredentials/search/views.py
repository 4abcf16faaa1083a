from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from careers_site import metrics
from careers_site.http.security import read_only
from careers_site.pagecache.decorators import cache_public_page
from microcredentials.search.query import clean_query, find_results


@read_only
@cache_public_page(query_keys=("q", "page"))
def search(request: HttpRequest) -> HttpResponse:
    query = clean_query(request.GET.get("q", ""))
    context: dict[str, object] = {"query": query}
    if query.has_words:
        # A missing or nonsense page number gives the first page, and one too big (or below 1) the last.
        results_page = find_results(query, request.GET.get("page"))
        metrics.search_done(results_page.paginator.count)
        context.update(results_page=results_page, results=results_page.object_list)
    return render(request, "microcredentials/search.html", context)
