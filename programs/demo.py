"""Demo data for programmes: activities over the last two years and milestones done on time, done late or
left late. Called by ``manage.py generate_demo_data`` through ``ProgramsConfig.generate_demo_data``.

Written in bulk (thousands of rows) but with the same shape the services write, event rows included.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from mttq_portal.text import fold_vietnamese
from organizations.models import Level, Organization, OrganizationKind, ResidentialArea

from .models import (
    PERIOD_START,
    Activity,
    ActivityKind,
    Milestone,
    Programme,
    ProgrammeEvent,
    ProgrammeEventKind,
)

# Which kinds of activity each programme mostly sees.
KINDS_BY_PROGRAMME = {
    1: [ActivityKind.WORKING_SESSION],
    2: [ActivityKind.DIALOGUE],
    3: [ActivityKind.LISTENING_SESSION, ActivityKind.OTHER],
    4: [ActivityKind.OVERSIGHT, ActivityKind.SOCIAL_CRITIQUE, ActivityKind.LISTENING_MONTH],
    5: [ActivityKind.INTER_AGENCY_CONFERENCE],
    6: [ActivityKind.SKILFUL_MOBILISATION_MODEL],
    7: [ActivityKind.PROPAGANDA_SESSION, ActivityKind.OVERSIGHT],
    8: [ActivityKind.RELIEF],
    9: [ActivityKind.PROPAGANDA_SESSION, ActivityKind.CAMPAIGN_REGISTRATION],
    10: [ActivityKind.GREAT_UNITY_FESTIVAL],
    11: [ActivityKind.WORKING_SESSION],
    12: [ActivityKind.TRAINING_COURSE],
    13: [ActivityKind.TRAINING_COURSE, ActivityKind.OTHER],
}
DESCRIPTIONS = {
    ActivityKind.CAMPAIGN_REGISTRATION: "Khu dân cư đăng ký thực hiện cuộc vận động",
    ActivityKind.DIALOGUE: "Đối thoại giữa Bí thư Đảng ủy với MTTQ, các đoàn thể và Nhân dân",
    ActivityKind.WORKING_SESSION: "Làm việc định kỳ giữa Thường trực cấp ủy với MTTQ và các tổ chức chính trị - xã hội",
    ActivityKind.LISTENING_SESSION: "Buổi nghe dân nói tại nhà văn hóa bản",
    ActivityKind.LISTENING_MONTH: "Tổng hợp ý kiến trong đợt Tháng nghe dân nói",
    ActivityKind.INTER_AGENCY_CONFERENCE: "Hội nghị liên ngành đánh giá thực hiện Quy chế phối hợp",
    ActivityKind.PROPAGANDA_SESSION: "Tuyên truyền chủ trương, chính sách tại khu dân cư",
    ActivityKind.GREAT_UNITY_FESTIVAL: "Ngày hội Đại đoàn kết toàn dân tộc ở khu dân cư",
    ActivityKind.TRAINING_COURSE: "Lớp bồi dưỡng nghiệp vụ công tác Mặt trận",
    ActivityKind.OVERSIGHT: "Giám sát việc thực hiện chính sách tại địa phương",
    ActivityKind.SOCIAL_CRITIQUE: "Phản biện dự thảo kế hoạch của UBND",
    ActivityKind.RELIEF: "Trao quà cứu trợ cho hộ bị ảnh hưởng bởi thiên tai",
    ActivityKind.SKILFUL_MOBILISATION_MODEL: "Xây dựng mô hình Dân vận khéo về phát triển sinh kế",
    ActivityKind.OTHER: "Hoạt động khác theo chương trình",
}
FRONT_KINDS = [
    OrganizationKind.FRONT_COMMITTEE,
    OrganizationKind.FARMERS_UNION,
    OrganizationKind.WOMENS_UNION,
    OrganizationKind.YOUTH_UNION,
    OrganizationKind.VETERANS,
    OrganizationKind.TRADE_UNION,
]


def _demo_user():
    user, _created = get_user_model().objects.get_or_create(
        username="du-lieu-mau", defaults={"is_active": False, "first_name": "Dữ liệu mẫu"}
    )
    return user


MAX_ACTIVITIES = 20_000


@transaction.atomic
def generate_demo_data(*, rng, stdout, scale) -> None:
    programmes = {p.number: p for p in Programme.objects.all()}
    organizations = list(Organization.objects.filter(is_active=True, kind__in=FRONT_KINDS).select_related("unit"))
    if not programmes or not organizations:
        stdout.write("  programmes: nothing to do (seed the reference data first)")
        return
    user = _demo_user()
    today = timezone.localdate()
    start = max(PERIOD_START, datetime.date(today.year - 1, 1, 1))
    span = (today - start).days
    areas_by_commune: dict[int, list[int]] = {}
    for area_id, commune_id in ResidentialArea.objects.filter(is_active=True).values_list("id", "commune_id"):
        areas_by_commune.setdefault(commune_id, []).append(area_id)

    # ``scale`` is the number of feedback items the command generates: one activity for every five items, up
    # to what a province's organisations record in two years (a million items would otherwise mean 200,000).
    count = max(len(programmes), min(int(scale) // 5, MAX_ACTIVITIES))
    activities = []
    for _ in range(count):
        number = rng.choice(list(programmes))
        kind = rng.choice(KINDS_BY_PROGRAMME.get(number, [ActivityKind.OTHER]))
        organization = rng.choice(organizations)
        commune = organization.unit if organization.level == Level.COMMUNE else None
        description = DESCRIPTIONS[kind]
        activities.append(
            Activity(
                programme=programmes[number],
                kind=kind,
                held_on=start + datetime.timedelta(days=rng.randint(0, span)),
                organization=organization,
                commune=commune,
                participants=rng.randint(15, 250),
                session_count=rng.randint(1, 6) if kind == ActivityKind.PROPAGANDA_SESSION else 1,
                description=description,
                outputs="Biên bản; báo cáo kết quả",
                search_text=fold_vietnamese(f"{description} Biên bản; báo cáo kết quả"),
                created_by=user,
            )
        )
    created = Activity.objects.bulk_create(activities, batch_size=500)
    through = Activity.residential_areas.through
    links = []
    for activity in created:
        areas = areas_by_commune.get(activity.commune_id or 0)
        if areas and activity.kind in (ActivityKind.GREAT_UNITY_FESTIVAL, ActivityKind.CAMPAIGN_REGISTRATION):
            links.append(through(activity_id=activity.id, residentialarea_id=rng.choice(areas)))
    through.objects.bulk_create(links, batch_size=500, ignore_conflicts=True)
    ProgrammeEvent.objects.bulk_create(
        [
            ProgrammeEvent(
                kind=ProgrammeEventKind.ACTIVITY_RECORDED,
                programme_id=a.programme_id,
                activity=a,
                actor=user,
                data={"kind": a.kind, "held_on": a.held_on.isoformat(), "demo": True},
            )
            for a in created
        ],
        batch_size=500,
    )

    done, late = _milestones_done(rng=rng, user=user, today=today)
    stdout.write(f"  programmes: {len(created)} activities, {done} milestones done on time, {late} done late")


def _milestones_done(*, rng, user, today: datetime.date) -> tuple[int, int]:
    """Past milestones: most done (a quarter of them late), the rest left late for the dashboards."""
    done = late = 0
    events = []
    past = Milestone.objects.filter(due_date__lt=today, done_on__isnull=True).order_by("due_date", "id")
    for index, milestone in enumerate(past):
        # A steady mix whatever the seed: done on time, left late, done late, done on time, ...
        share = index % 4
        if share == 1:
            continue
        if share == 2:
            milestone.done_on = min(today, milestone.due_date + datetime.timedelta(days=rng.randint(1, 40)))
            late += 1
        else:
            milestone.done_on = milestone.due_date - datetime.timedelta(days=rng.randint(0, 20))
            done += 1
        milestone.done_by = user
        milestone.evidence_note = "Báo cáo số .../BC-MTTQ (dữ liệu mẫu)"
        milestone.completed_at = timezone.now()
        milestone.save(update_fields=["done_on", "done_by", "evidence_note", "completed_at"])
        events.append(
            ProgrammeEvent(
                kind=ProgrammeEventKind.MILESTONE_DONE,
                programme_id=milestone.programme_id,
                milestone=milestone,
                actor=user,
                data={"done_on": milestone.done_on.isoformat(), "demo": True},
            )
        )
    ProgrammeEvent.objects.bulk_create(events)
    return done, late
