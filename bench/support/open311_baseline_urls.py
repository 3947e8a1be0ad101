"""The baseline of bench/open311.py: a bare view that reads one page of published items as JSON, with no
serialisation rules, through the same settings and middleware."""

from django.db import connection
from django.http import JsonResponse
from django.urls import path


def requests_page(request):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tracking_code, status, content, received_at FROM feedback_item WHERE consent_publish"
            " ORDER BY received_at DESC, id DESC LIMIT 100"
        )
        rows = [
            {"service_request_id": code, "status": status, "description": content, "requested_datetime": str(at)}
            for code, status, content, at in cursor.fetchall()
        ]
    return JsonResponse(rows, safe=False)


urlpatterns = [path("open311/v2/requests.json", requests_page)]
