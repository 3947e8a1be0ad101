"""Data for the mixed load test: demo items, staff users of five communes, the board, an API token.

Run by bench/load/run.py inside a process whose DATABASE_URL is the load database; prints JSON for the
locustfile (passwords are throw-away, of this database only).
"""

import json

import django

django.setup()

from feedback.models import Category  # noqa: E402
from organizations.models import ApiTokenScope, Level, Organization, OrganizationKind, Role, User  # noqa: E402
from organizations.selectors import commune_list  # noqa: E402
from organizations.services import staff_user_create  # noqa: E402
from organizations.tokens import api_token_issue  # noqa: E402

PASSWORD = "tai-thu-nghiem-2026"  # noqa: S105 (a throw-away load-test database)
people = {"password": PASSWORD, "officers": [], "agencies": [], "board": []}
for n, commune in enumerate(commune_list().order_by("code")[:5]):
    front = Organization.objects.get(kind=OrganizationKind.FRONT_COMMITTEE, level=Level.COMMUNE, unit=commune)
    agency = Organization.objects.get(kind=OrganizationKind.PEOPLES_COMMITTEE, level=Level.COMMUNE, unit=commune)
    for username, org, role, bucket in (
        (f"canbo{n}", front, Role.FRONT_OFFICER, "officers"),
        (f"ubnd{n}", agency, Role.AGENCY_OFFICER, "agencies"),
    ):
        if not User.objects.filter(username=username).exists():
            staff_user_create(username=username, password=PASSWORD, email=f"{username}@example.org",
                              organization=org, role=role)  # fmt: skip
        people[bucket].append({"username": username, "agency": agency.id})
board_org = Organization.objects.filter(kind=OrganizationKind.PROPAGANDA_COMMISSION, level=Level.PROVINCE).first()
if board_org is None:
    board_org = Organization.objects.get(kind=OrganizationKind.FRONT_COMMITTEE, level=Level.PROVINCE)
if not User.objects.filter(username="bando").exists():
    staff_user_create(username="bando", password=PASSWORD, organization=board_org, role=Role.BOARD_VIEWER)
people["board"].append({"username": "bando"})
province_front = Organization.objects.get(kind=OrganizationKind.FRONT_COMMITTEE, level=Level.PROVINCE)
_token, key = api_token_issue(organization=province_front, name="Kiểm thử tải", scope=ApiTokenScope.ITEMS)
people["api_key"] = key
people["category"] = Category.objects.filter(is_active=True).order_by("id").first().id
people["communes"] = list(commune_list().order_by("code").values_list("id", flat=True)[:5])
print(json.dumps(people))
