"""The access matrix: every principal (officers of each role, the anonymous caller, and API tokens of each
scope for each kind of organisation) against every API route that takes an object, with the exact status
code each must get.

The expected code is derived here from the rules as the domain states them, not from the code under test:

- no credentials: 401;
- a token without the scope the route needs (``items`` to read items, ``items`` + ``items:write`` to move
  them, ``figures`` / ``figures:write`` for programmes and targets): 403;
- an item outside what the organisation sees (commune Front: its commune; provincial Front: all; agency:
  the items forwarded to it; board: none): 404, not even its existence;
- a visible item but not the actor's step (a Front move by an agency, an agency move by the Front): 403;
- otherwise the move happens (200, 201 for a new extension request).

A token acts exactly as an officer of its organisation would (its service account holds the same roles).
Each request runs in a savepoint that is rolled back, so every cell starts from the same states.
"""

import datetime
from io import StringIO

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from rest_framework.test import APIClient

from feedback.deadlines import seed_deadline_rules
from feedback.models import Status
from organizations.models import ApiTokenScope, Level, OrganizationKind, Role
from organizations.tokens import api_token_issue
from programs.models import Milestone, Programme
from programs.seeding import seed_programmes
from targets.models import Indicator
from targets.seeding import seed_reference_data as seed_targets
from targets.services.reports import report_submit
from tests.factories import MembershipFactory, OrganizationFactory
from tests.feedback.workflow_fixtures import item_in, pending_extension
from tests.programs.conftest import PDF_BYTES, make_activity

S = ApiTokenScope
TOKEN_SCOPE_SETS = {
    "figures": [S.FIGURES],
    "figures+write": [S.FIGURES, S.FIGURES_WRITE],
    "items": [S.ITEMS],
    "items:write-only": [S.ITEMS_WRITE],
    "items+write": [S.ITEMS, S.ITEMS_WRITE],
    "open311": [S.OPEN311_SUBMIT],
}
ORGS = ["front_a", "front_b", "province", "agency_a", "agency_b", "board"]


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(
    commune_a,
    commune_b,
    front_a,
    front_b,
    province_front,
    agency_a,
    agency_b,
    officer_a,
    officer_b,
    province_officer,
    agency_officer_a,
    agency_officer_b,
    board_viewer,
):
    with time_machine.travel(datetime.date(2026, 7, 1), tick=False):
        seed_deadline_rules(stdout=StringIO())
        seed_programmes(stdout=StringIO())
        seed_targets(stdout=StringIO())
        department = OrganizationFactory(
            kind=OrganizationKind.DEPARTMENT, level=Level.PROVINCE, unit=province_front.unit, name="Sở Y tế"
        )
        board_org = board_viewer.memberships.get().organization
        orgs = {
            "front_a": front_a,
            "front_b": front_b,
            "province": province_front,
            "agency_a": agency_a,
            "agency_b": agency_b,
            "board": board_org,
        }
        items = {
            "received": item_in(Status.RECEIVED, commune=commune_a, agency=None),
            "merge_target": item_in(Status.RECEIVED, commune=commune_a, agency=None),
            "forwarded": item_in(Status.FORWARDED, commune=commune_a, agency=agency_a),
            "answered": item_in(Status.ANSWERED, commune=commune_a, agency=agency_a),
            "extension": item_in(Status.FORWARDED, commune=commune_a, agency=agency_a),
        }
        extension = pending_extension(items["extension"], agency_a)
        programme = Programme.objects.get(number=1)
        milestone = Milestone.objects.filter(programme=programme, done_on__isnull=True).order_by("id").first()
        activity = make_activity(programme=programme, organization=front_a, user=officer_a)
        report = report_submit(
            user=officer_a,
            indicator_id=Indicator.objects.get(code="A3.1").id,
            period_code="2026",
            organization_id=front_a.id,
            numerator=9,
            denominator=10,
            evidence=[SimpleUploadedFile("bien-ban.pdf", PDF_BYTES, content_type="application/pdf")],
        )
        principals = {
            "anonymous": ("anon", None, None),
            "front officer A": ("user", officer_a, "front_a"),
            "front officer B": ("user", officer_b, "front_b"),
            "province officer": ("user", province_officer, "province"),
            "agency officer A": ("user", agency_officer_a, "agency_a"),
            "agency officer B": ("user", agency_officer_b, "agency_b"),
            "board viewer": ("user", board_viewer, "board"),
            # The finding of the issue: a "Front officer" role at a provincial department reads nothing.
            "front role at Sở Y tế": (
                "user",
                MembershipFactory(organization=department, role=Role.FRONT_OFFICER).user,
                "nobody",
            ),
        }
        for org_key in ORGS:
            for label, scopes in TOKEN_SCOPE_SETS.items():
                _token, key = api_token_issue(organization=orgs[org_key], name=f"{org_key} {label}", scopes=scopes)
                principals[f"token {org_key} [{label}]"] = ("token", key, org_key, frozenset(scopes))
        yield {
            "items": items,
            "extension": extension,
            "programme": programme,
            "milestone": milestone,
            "activity": activity,
            "report": report,
            "principals": principals,
            "department": department,
            "agency_a": agency_a,
        }


# ---- the oracle: what each organisation may see and do, as the domain says ----------------------------

ITEM_COMMUNE = "A"  # every item of the matrix is in commune A, handled at commune level


def sees_item(org: str, item_key: str) -> bool:
    forwarded_to_a = item_key in ("forwarded", "answered", "extension")
    return org in ("front_a", "province") or (org == "agency_a" and forwarded_to_a)


def is_front_for_item(org: str) -> bool:
    return org in ("front_a", "province")


def is_agency_for_item(org: str, item_key: str) -> bool:
    return org == "agency_a" and item_key in ("forwarded", "answered", "extension")


def sees_programmes(org: str) -> bool:
    return org in ("front_a", "front_b", "province", "board")


# (name, method, path builder, item key or None, needed actor, body, success code)
FRONT, AGENCY, READER = "front", "agency", "reader"


def item_routes(w):
    i = w["items"]
    agency_a = w["agency_a"].id
    department = w["department"].id
    return [
        ("item detail", "get", f"/api/v1/items/{i['forwarded'].id}/", "forwarded", READER, None, 200),
        ("accept", "post", f"/api/v1/items/{i['received'].id}/accept/", "received", FRONT, {}, 200),
        ("reject", "post", f"/api/v1/items/{i['received'].id}/reject/", "received", FRONT, {"reason": "Trùng"}, 200),
        (
            "merge",
            "post",
            f"/api/v1/items/{i['received'].id}/merge/",
            "received",
            FRONT,
            {"target": i["merge_target"].id},
            200,
        ),
        (
            "withdraw",
            "post",
            f"/api/v1/items/{i['received'].id}/withdraw/",
            "received",
            FRONT,
            {"note": "Công dân gọi điện xin rút"},
            200,
        ),
        ("forward", "post", f"/api/v1/items/{i['received'].id}/forward/", "received", FRONT, {"agency": agency_a}, 200),
        ("escalate", "post", f"/api/v1/items/{i['received'].id}/escalate/", "received", FRONT, {"reason": "Tỉnh"}, 200),
        (
            "reforward",
            "post",
            f"/api/v1/items/{i['forwarded'].id}/reforward/",
            "forwarded",
            FRONT,
            {"agency": department, "note": "Thuộc thẩm quyền của Sở"},
            200,
        ),
        ("return", "post", f"/api/v1/items/{i['forwarded'].id}/return/", "forwarded", AGENCY, {"reason": "Sai"}, 200),
        (
            "answer",
            "post",
            f"/api/v1/items/{i['forwarded'].id}/answer/",
            "forwarded",
            AGENCY,
            {"answer": "Đã sửa đường."},
            200,
        ),
        (
            "extension request",
            "post",
            f"/api/v1/items/{i['forwarded'].id}/extension-requests/",
            "forwarded",
            AGENCY,
            {"reason": "Cần khảo sát", "requested_days": 5},
            201,
        ),
        (
            "send back",
            "post",
            f"/api/v1/items/{i['answered'].id}/send-back/",
            "answered",
            FRONT,
            {"reason": "Chưa rõ"},
            200,
        ),
        *[
            (
                move,
                "post",
                f"/api/v1/items/{i['answered'].id}/{move}/",
                "answered",
                FRONT,
                {"public_answer": "Xong"},
                200,
            )
            for move in ("resolve", "roadmap", "cannot-resolve")
        ],
        (
            "extension decision",
            "post",
            f"/api/v1/extension-requests/{w['extension'].id}/decision/",
            "extension",
            FRONT,
            {"grant": True},
            200,
        ),
    ]


def expected_item(principal, route) -> int:
    kind, *rest = principal
    _name, method, _path, item_key, actor, _body, success = route
    if kind == "anon":
        return 401
    org = rest[1]
    if kind == "token":
        scopes = rest[2]
        needed = {S.ITEMS} if method == "get" else {S.ITEMS, S.ITEMS_WRITE}
        if not needed <= scopes:
            return 403
    if not sees_item(org, item_key):
        return 404
    if actor == FRONT and not is_front_for_item(org):
        return 403
    if actor == AGENCY and not is_agency_for_item(org, item_key):
        return 403
    return success


def figure_routes(w):
    return [
        ("programme detail", "get", f"/api/v1/programmes/{w['programme'].number}/", None, READER, None, 200),
        ("milestone detail", "get", f"/api/v1/milestones/{w['milestone'].id}/", None, READER, None, 200),
        (
            "milestone complete",
            "post",
            f"/api/v1/milestones/{w['milestone'].id}/complete/",
            None,
            "province",
            {"done_on": "2026-06-30", "evidence_note": "Nghị quyết đã ban hành"},
            200,
        ),
        ("activity detail", "get", f"/api/v1/activities/{w['activity'].id}/", "activity", READER, None, 200),
        (
            "activity evidence",
            "post",
            f"/api/v1/activities/{w['activity'].id}/evidence/",
            "activity",
            "recorder",
            "evidence",
            201,
        ),
        ("report approve", "post", f"/api/v1/target-reports/{w['report'].id}/approve/", None, "province", {}, 200),
        (
            "report return",
            "post",
            f"/api/v1/target-reports/{w['report'].id}/return/",
            None,
            "province",
            {"reason": "Thiếu minh chứng"},
            200,
        ),
    ]


def expected_figures(principal, route) -> int:
    kind, *rest = principal
    name, method, _path, obj, actor, _body, success = route
    if kind == "anon":
        return 401
    org = rest[1]
    if kind == "token":
        needed = {S.FIGURES} if method == "get" else {S.FIGURES, S.FIGURES_WRITE}
        if not needed <= rest[2]:
            return 403
    if name.startswith("report"):
        # Only the provincial Front approves or returns reported values (whoever else sees the report).
        return success if org == "province" else 403
    if not sees_programmes(org):
        return 403  # agencies and outsiders do not read programmes at all
    if obj == "activity" and org == "front_b":
        return 404  # another commune's activity
    if actor == "province" and org != "province":
        return 403
    if actor == "recorder" and org not in ("front_a", "province"):
        return 403  # the board reads, it does not record
    return success


def open311_routes(w):
    code = w["items"]["forwarded"].tracking_code
    return [("open311 request", "get", f"/open311/v2/requests/{code}.json", "forwarded", READER, None, 200)]


def expected_open311(principal, route) -> int:
    # Not published (not consenting): only a token that reads items, of an organisation that sees it.
    kind, *rest = principal
    if kind == "token" and S.ITEMS in rest[2] and sees_item(rest[1], route[3]):
        return 200
    return 404


def _client(principal):
    kind, who, *_ = principal
    client = APIClient()
    if kind == "user":
        client.force_login(who)
    elif kind == "token":
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {who}")
    return client


def _call(client, route):
    _name, method, path, _obj, _actor, body, _success = route
    if method == "get":
        return client.get(path)
    if body == "evidence":
        upload = SimpleUploadedFile("bien-ban.pdf", PDF_BYTES, content_type="application/pdf")
        return client.post(path, {"evidence": [upload]}, format="multipart")
    return client.post(path, body, format="json")


@pytest.mark.django_db
def test_access_matrix(world):
    routes = (
        [(r, expected_item) for r in item_routes(world)]
        + [(r, expected_figures) for r in figure_routes(world)]
        + [(r, expected_open311) for r in open311_routes(world)]
    )
    mismatches, leaks, cells = [], [], 0
    with time_machine.travel(datetime.date(2026, 7, 1), tick=False):
        for label, principal in world["principals"].items():
            client = _client(principal)
            for route, oracle in routes:
                want = oracle(principal, route)
                with transaction.atomic():
                    got = _call(client, route).status_code
                    transaction.set_rollback(True)
                cells += 1
                if got != want:
                    mismatches.append(f"{label} × {route[0]}: got {got}, expected {want}")
                    if 200 <= got < 300:
                        leaks.append(f"{label} × {route[0]}")

    print(
        f"\naccess matrix: {len(world['principals'])} principals × {len(routes)} routes = {cells} cells, "
        f"{len(leaks)} leaks, {len(mismatches)} mismatches"
    )
    assert cells == len(world["principals"]) * len(routes)
    assert leaks == []
    assert mismatches == [], "\n".join(mismatches)
