"""Fills the peer's database (6aika/issue-reporting, run with its own Python and ``cfh.settings``) with N public
requests over 10 services, the same size as the portal's side of bench/open311_peer.py. Prints the first
identifiers (for ``requests/<id>.json``) as one line.

    DATABASE_URL=... SECRET_KEY=x /work/peer/.venv/bin/python open311_peer_seed.py 20000
"""

import datetime as dt
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cfh.settings")
django.setup()

from django.utils import timezone  # noqa: E402
from issues.models import Application, Issue, Jurisdiction, Service  # noqa: E402

wanted = int(sys.argv[1])
application = Application.autodetermine()
jurisdiction = Jurisdiction.autodetermine()
services = []
for n in range(1, 11):
    service = Service.objects.filter(service_code=f"svc-{n}").first()
    if service is None:
        service = Service(service_code=f"svc-{n}", type="batch", location_req="coords_or_address")
        service.set_current_language("en")
        service.service_name = f"Service {n}"
        service.description = f"Service number {n}"
        service.save()
        service.jurisdictions.add(jurisdiction)
    services.append(service)
have = Issue.objects.count()
now = timezone.now()
rows = []
for n in range(have, wanted):
    service = services[n % len(services)]
    rows.append(
        Issue(
            application=application,
            jurisdiction=jurisdiction,
            service=service,
            service_code=service.service_code,
            identifier=f"peer{n:07d}",
            description="Road to the village collapsed after heavy rain. " * 3,
            status="closed" if n % 3 else "open",
            status_notes="Answered",
            agency_responsible="Commune People's Committee",
            requested_datetime=now - dt.timedelta(minutes=5 * n),
            updated_datetime=now - dt.timedelta(minutes=4 * n),
            expected_datetime=now + dt.timedelta(days=15),
            address="Village 3",
            lat=21.0 + (n % 1000) / 10000,
            long=105.8 + (n % 700) / 10000,
            moderation="public",
        )
    )
Issue.objects.bulk_create(rows, batch_size=2000)
print(" ".join(Issue.objects.order_by("pk").values_list("identifier", flat=True)[:200]))
