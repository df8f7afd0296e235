"""Server-side pagination shared by every list page."""

from django.core.paginator import Paginator

DEFAULT_PER_PAGE = 50


def paginate(request, queryset, per_page: int = DEFAULT_PER_PAGE):
    """Return the requested page and a query string without ``page`` (for the page links)."""
    paginator = Paginator(queryset, per_page)
    page = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return page, params.urlencode()
