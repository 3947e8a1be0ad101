"""Data for the mixed load test: staff users of five communes (four of each role per commune, so that no two
simulated users share an account), the board, an API token.

Every staff user has an authenticator (a TOTP device, as after enrolment): they log in as staff do, with
the password and then a code (MFA is required of every staff role). Run by bench/load/run.py inside a
process whose DATABASE_URL is the load database; prints JSON for the locustfile (passwords and keys are
throw-away, of this database only).
"""

import json

import django

django.setup()

from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from feedback.models import Category  # noqa: E402
from organizations.models import ApiTokenScope, Level, Organization, OrganizationKind, Role, User  # noqa: E402
from organizations.selectors import commune_list  # noqa: E402
from organizations.services import staff_user_create  # noqa: E402
from organizations.tokens import api_token_issue  # noqa: E402

PASSWORD = "tai-thu-nghiem-2026"  # noqa: S105 (a throw-away load-test database)
people = {"password": PASSWORD, "officers": [], "agencies": [], "board": []}


def staff(username: str, organization: Organization, role: str) -> dict:
    """The account (created once) and the key of its authenticator, hex (one device per account)."""
    user = User.objects.filter(username=username).first()
    if user is None:
        user = staff_user_create(username=username, password=PASSWORD, email=f"{username}@example.org",
                                 organization=organization, role=role)  # fmt: skip
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="load test", confirmed=True)
    return {"username": username, "totp_key": device.key}


for n, commune in enumerate(commune_list().order_by("code")[:5]):
    front = Organization.objects.get(kind=OrganizationKind.FRONT_COMMITTEE, level=Level.COMMUNE, unit=commune)
    agency = Organization.objects.get(kind=OrganizationKind.PEOPLES_COMMITTEE, level=Level.COMMUNE, unit=commune)
    for k in range(4):
        people["officers"].append({**staff(f"canbo{n}{k}", front, Role.FRONT_OFFICER), "agency": agency.id})
        people["agencies"].append({**staff(f"ubnd{n}{k}", agency, Role.AGENCY_OFFICER), "agency": agency.id})
board_org = Organization.objects.filter(kind=OrganizationKind.PROPAGANDA_COMMISSION, level=Level.PROVINCE).first()
if board_org is None:
    board_org = Organization.objects.get(kind=OrganizationKind.FRONT_COMMITTEE, level=Level.PROVINCE)
for k in range(5):
    people["board"].append(staff(f"bando{k}", board_org, Role.BOARD_VIEWER))
province_front = Organization.objects.get(kind=OrganizationKind.FRONT_COMMITTEE, level=Level.PROVINCE)
_token, key = api_token_issue(organization=province_front, name="Kiểm thử tải", scopes=(ApiTokenScope.ITEMS,))
people["api_key"] = key
people["category"] = Category.objects.filter(is_active=True).order_by("id").first().id
people["communes"] = list(commune_list().order_by("code").values_list("id", flat=True)[:5])
print(json.dumps(people))
