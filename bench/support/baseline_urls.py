"""One view, one INSERT: what a submission costs at the least through the same Django stack."""

import json

from django.db import connection
from django.http import HttpResponseBadRequest, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt
def insert_one(request):
    try:
        data = json.loads(request.body)
    except ValueError:
        return HttpResponseBadRequest()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO bench_baseline (title, content) VALUES (%s, %s) RETURNING id",
            [str(data.get("title", ""))[:200], str(data.get("content", ""))],
        )
        row_id = cursor.fetchone()[0]
    return JsonResponse({"id": row_id}, status=201)


urlpatterns = [path("api/v1/public/items/", insert_one)]
