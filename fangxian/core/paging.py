"""Pagination shared by every list page."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator


def paginate(request, queryset, per_page: int | None = None):
    """The requested page (a bad or too-large page number gives the last page) and the
    query string of the current filters without `page`, for the pager links."""
    paginator = Paginator(queryset, per_page or settings.FANGXIAN_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return page, params.urlencode()
