"""The search page: what the visitor or member may find, a page of results at a time."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from search import selectors


@require_safe
def search_page(request):
    results = selectors.search(
        user=request.user,
        query=request.GET.get("q", ""),
        kind=request.GET.get("kind", ""),
        page=request.GET.get("page"),
    )
    return render(request, "search/search.html", {"results": results})
