"""Fixtures of the targets tests: the seeded targets and a small helper that walks real items through the
one transition service at chosen moments (time-machine), so the frozen flags are set as in production."""

import itertools
from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine

from feedback.models import Category, ConsentMethod, Item, ItemType
from feedback.services.transitions import MoveData, item_move

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
_codes = itertools.count(1)


@pytest.fixture
def targets_seeded(db):
    from targets.seeding import seed_reference_data

    seed_reference_data(stdout=StringIO())


@pytest.fixture
def category(db):
    return Category.objects.create(code="dat-dai", name_vi="Đất đai", name_en="Land", order=1)


def at(day: date, hour: int = 9):
    return time_machine.travel(datetime(day.year, day.month, day.day, hour, 0, tzinfo=TZ), tick=False)


class Story:
    """Moves one item through the workflow on given days."""

    def __init__(self, *, commune, category, agency, received: date, type=ItemType.RECOMMENDATION, source=None):
        with at(received):
            self.item = Item.objects.create(
                tracking_code=f"T-{next(_codes):06d}",
                secret_hash="x",
                type=type,
                category=category,
                commune=commune,
                title="Đường vào bản bị sạt lở",
                content="Đường vào bản bị sạt lở sau mưa lớn.",
                channel="web",
                consent_processing=True,
                privacy_notice_version="1",
                consent_method=ConsentMethod.ONLINE_FORM,
                received_at=datetime(received.year, received.month, received.day, 8, tzinfo=TZ),
                source_organization=source,
            )
        self.agency = agency

    def move(self, day: date, move: str, actor: str = "front", **data):
        with at(day):
            item_move(item_id=self.item.id, move=move, actor=actor, data=MoveData(**data))
        self.item.refresh_from_db()
        return self

    def forward(self, day: date, due: date):
        self.move(day, "accept")
        return self.move(day, "forward", agency_id=self.agency.id, due_date=due)

    def answer(self, day: date):
        return self.move(day, "answer", actor="agency", public_answer="Đã khắc phục.")


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
