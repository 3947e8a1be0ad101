from rest_framework.pagination import CursorPagination, PageNumberPagination


class DefaultCursorPagination(CursorPagination):
    """Cursor pagination: a deep page costs the same as the first (no OFFSET)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "-id"


class SmallPageNumberPagination(PageNumberPagination):
    """For short reference lists where page numbers are friendlier than cursors."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
