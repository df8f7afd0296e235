"""Pagination: the server-side pages of every list page, and the bounded limit/offset of every API list.

API lists use :class:`BoundedLimitOffsetPagination` (``NINJA_PAGINATION_CLASS`` in the settings, so every
``@paginate`` picks it up): ``limit`` 1..:data:`API_MAX_LIMIT`, ``offset`` 0..:data:`API_MAX_OFFSET`. The bounds are
in the OpenAPI schema, and a value outside them is a 422 problem before any query runs (an unbounded value used to
reach the database: ``limit=-1`` or an offset past 2⁶³ was a 500 on SQLite).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.paginator import Paginator
from django.utils.functional import SimpleLazyObject
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

DEFAULT_PER_PAGE = 50
API_DEFAULT_LIMIT = 50
API_MAX_LIMIT = 1000
API_MAX_OFFSET = 2**31 - 1  # far past any table here; keeps the value inside every database's integer


def paginate(request, queryset, per_page: int = DEFAULT_PER_PAGE):
    """Return the requested page and a query string without ``page`` (for the page links)."""
    paginator = Paginator(queryset, per_page)
    page = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return page, params.urlencode()


def paginate_lazily(request, rows: Callable[[], Any], per_page: int = DEFAULT_PER_PAGE, *,
                    shown: Callable[[list], list] | None = None):
    """:func:`paginate`, with the rows read only when the page is first used: a list whose part of the page is kept
    (``{% datacache %}``) reads nothing. ``shown`` prepares the page's rows (e.g. reads their related names)."""

    def page():
        result, _ = paginate(request, rows(), per_page)
        if shown is not None:
            result.object_list = shown(result.object_list)
        return result

    params = request.GET.copy()
    params.pop("page", None)
    return SimpleLazyObject(page), params.urlencode()


def bounded_limit(limit: int, *, default: int = API_DEFAULT_LIMIT, maximum: int = API_MAX_LIMIT) -> int:
    """A ``limit`` argument of a hand-written list operation, clamped to 1..maximum."""
    if limit is None:
        return default
    return max(1, min(int(limit), maximum))


class BoundedLimitOffsetPagination(LimitOffsetPagination):
    """django-ninja's limit/offset pagination with both parameters bounded and declared in the schema."""

    class Input(Schema):
        limit: int = Field(API_DEFAULT_LIMIT, ge=1, le=API_MAX_LIMIT,
                           description=f"Number of items to return (1–{API_MAX_LIMIT}).")
        offset: int = Field(0, ge=0, le=API_MAX_OFFSET, description="Number of items to skip (0 or more).")

    def __init__(self, max_limit: int = API_MAX_LIMIT, **kwargs: Any) -> None:
        super().__init__(max_limit=max_limit, **kwargs)
