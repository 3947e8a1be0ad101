"""Realistic demo feedback items over the last two years, for demonstrations and the benchmarks.

Every item lives its life on a simulated clock that stops at ``until``: triage (on time or late), forwarding
to one agency with the due date of its rule, sometimes a return, a re-forward or an extension, an answer
(on time or late), the Front's verification, the citizen's rating and, now and then, a dispute. Each step is
an event row, as the workflow service would have written it; the item's fields are what the service would
have left. Rows are inserted with ``bulk_create`` in batches.

At scale only a sample lives its life one by one (``SIMULATED_ITEMS``); the rest are copies of the sample made
by the database in one ``INSERT ... SELECT`` per table (``copy_items``), each with a tracking code and lookup
secret of its own: the same distribution of states, dates, places and histories, a million items in minutes.

Reproducible: the same ``rng`` seed and ``until`` date give the same rows (tracking codes included).
"""

import contextlib
import hashlib
import random
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache, lru_cache

from django.db import connection, transaction
from django.utils import timezone

from mttq_portal.text import fold_vietnamese
from organizations.selectors import agency_list, commune_list

from . import tracking
from .deadlines import WorkingCalendar, rule_days, rule_for
from .models import (
    Category,
    Channel,
    ConsentMethod,
    EventKind,
    ExtensionRequest,
    ExtensionStatus,
    HandlingLevel,
    Item,
    ItemEvent,
    ItemType,
    Status,
    Step,
)
from .workflow import check_move

T = ItemType
TYPE_WEIGHTS = {
    T.RECOMMENDATION: 30,
    T.REPORT: 24,
    T.OPINION: 14,
    T.COMPLAINT: 8,
    T.DENUNCIATION: 3,
    T.FRONT_RECOMMENDATION: 4,
    T.OVERSIGHT_RECOMMENDATION: 3,
    T.CRITIQUE_RECOMMENDATION: 2,
    T.INSPECTION_BOARD_RECOMMENDATION: 3,
    T.VOTER_PETITION: 9,
}
C = Channel
CITIZEN_CHANNELS = {
    C.WEB: 30,
    C.PHONE: 12,
    C.IN_PERSON: 14,
    C.LISTENING_SESSION: 8,
    C.LISTENING_MONTH: 8,
    C.DIALOGUE: 6,
    C.WORK_COMMITTEE: 10,
    C.API: 3,
    C.OPEN311: 2,
    C.IMPORT: 7,
}
TYPE_CHANNEL = {
    T.VOTER_PETITION: C.VOTER_MEETING,
    T.OVERSIGHT_RECOMMENDATION: C.OVERSIGHT,
    T.CRITIQUE_RECOMMENDATION: C.SOCIAL_CRITIQUE,
    T.INSPECTION_BOARD_RECOMMENDATION: C.WORK_COMMITTEE,
    T.FRONT_RECOMMENDATION: C.DIALOGUE,
}
CONSENT_FOR_CHANNEL = {
    C.WEB: ConsentMethod.ONLINE_FORM,
    C.API: ConsentMethod.API,
    C.OPEN311: ConsentMethod.API,
    C.PHONE: ConsentMethod.VERBAL,
    C.IN_PERSON: ConsentMethod.WRITTEN,
}

# (category code, title, content, request): {place} is a village, {commune} the commune.
TOPICS = {
    "dat-dai": [
        (
            "Chậm cấp giấy chứng nhận quyền sử dụng đất tại {place}",
            "Hồ sơ đề nghị cấp giấy chứng nhận của nhiều hộ ở {place}, {commune} đã nộp hơn một năm chưa có kết quả.",
            "Đề nghị cơ quan chức năng kiểm tra, giải quyết dứt điểm.",
        ),
        (
            "Tranh chấp ranh giới đất nương giữa hai hộ",
            "Hai hộ gia đình ở {place} tranh chấp ranh giới đất nương, đã hòa giải ở bản nhưng không thành.",
            "Đề nghị xã đo đạc, xác định lại ranh giới.",
        ),
    ],
    "moi-truong": [
        (
            "Rác thải ứ đọng ven suối {place}",
            "Rác thải sinh hoạt đổ ven suối gần {place} gây ô nhiễm nguồn nước, bốc mùi vào mùa nắng.",
            "Đề nghị bố trí điểm tập kết và thu gom rác định kỳ.",
        ),
        (
            "Cơ sở chăn nuôi gây ô nhiễm",
            "Trang trại lợn gần khu dân cư {place}, {commune} xả nước thải chưa qua xử lý.",
            "Đề nghị kiểm tra, xử lý theo quy định.",
        ),
    ],
    "lam-nghiep": [
        (
            "Chậm chi trả tiền dịch vụ môi trường rừng",
            "Các hộ nhận khoán bảo vệ rừng ở {place} chưa được chi trả tiền dịch vụ môi trường rừng năm trước.",
            "Đề nghị chi trả đầy đủ, đúng hạn.",
        ),
    ],
    "nong-nghiep": [
        (
            "Giống lúa hỗ trợ kém chất lượng",
            "Giống lúa được hỗ trợ cho bà con {place} nảy mầm kém, nhiều hộ phải gieo lại.",
            "Đề nghị kiểm tra nguồn giống và hỗ trợ bù cho các hộ bị thiệt hại.",
        ),
    ],
    "giao-thong": [
        (
            "Đường liên bản {place} bị sạt lở",
            "Sau mưa lớn, đoạn đường từ trung tâm {commune} vào {place} bị sạt lở, xe máy không đi được.",
            "Đề nghị khắc phục tạm thời và bố trí vốn sửa chữa.",
        ),
        (
            "Cầu treo xuống cấp",
            "Cầu treo qua suối ở {place} đã hư hỏng nhiều tấm sàn, học sinh đi lại nguy hiểm.",
            "Đề nghị sửa chữa cầu trước mùa mưa lũ.",
        ),
    ],
    "xay-dung": [
        (
            "Công trình nhà văn hóa {place} chậm tiến độ",
            "Nhà văn hóa {place} khởi công đã lâu nhưng thi công cầm chừng, chưa bàn giao.",
            "Đề nghị đôn đốc nhà thầu hoàn thành công trình.",
        ),
    ],
    "dien-nuoc": [
        (
            "Mất điện kéo dài ở {place}",
            "Khu vực {place}, {commune} thường xuyên mất điện, điện áp yếu vào buổi tối.",
            "Đề nghị ngành điện nâng cấp đường dây và trạm biến áp.",
        ),
        (
            "Công trình nước sinh hoạt không hoạt động",
            "Công trình cấp nước tự chảy của {place} hỏng đường ống, bà con phải đi lấy nước xa.",
            "Đề nghị sửa chữa để bà con có nước sinh hoạt.",
        ),
    ],
    "chinh-sach-xa-hoi": [
        (
            "Rà soát hộ nghèo chưa chính xác",
            "Một số hộ khó khăn ở {place} chưa được đưa vào danh sách hộ nghèo, trong khi có hộ khá lại được.",
            "Đề nghị rà soát lại công khai, đúng đối tượng.",
        ),
        (
            "Chậm chi trả trợ cấp xã hội",
            "Người cao tuổi ở {place} chưa nhận được trợ cấp xã hội hằng tháng của ba tháng gần đây.",
            "Đề nghị chi trả kịp thời.",
        ),
    ],
    "chinh-sach-dan-toc": [
        (
            "Hỗ trợ nhà ở cho hộ đồng bào dân tộc thiểu số",
            "Nhiều hộ đồng bào ở {place} còn ở nhà tạm, chưa được hưởng chính sách hỗ trợ nhà ở.",
            "Đề nghị xem xét đưa vào danh sách hỗ trợ.",
        ),
    ],
    "y-te": [
        (
            "Trạm y tế thiếu thuốc",
            "Trạm y tế {commune} thường xuyên thiếu thuốc bảo hiểm y tế, người dân phải mua ngoài.",
            "Đề nghị bảo đảm cung ứng thuốc.",
        ),
    ],
    "giao-duc": [
        (
            "Điểm trường {place} xuống cấp",
            "Điểm trường mầm non {place} dột nát, thiếu nhà vệ sinh cho các cháu.",
            "Đề nghị sửa chữa phòng học và xây nhà vệ sinh.",
        ),
    ],
    "an-ninh-trat-tu": [
        (
            "Tụ tập thanh niên gây mất trật tự",
            "Buổi tối thường có nhóm thanh niên tụ tập, đua xe trên đường qua {place}.",
            "Đề nghị công an xã tăng cường tuần tra.",
        ),
    ],
    "thien-tai-cuu-tro": [
        (
            "Hỗ trợ khắc phục hậu quả lũ quét",
            "Trận lũ quét vừa qua làm hư hỏng nhà cửa, hoa màu của nhiều hộ ở {place}.",
            "Đề nghị hỗ trợ kịp thời cho các hộ bị thiệt hại.",
        ),
    ],
    "thu-tuc-hanh-chinh": [
        (
            "Thái độ cán bộ một cửa chưa đúng mực",
            "Người dân {place} phản ánh cán bộ bộ phận một cửa {commune} hướng dẫn không rõ, thái độ thiếu niềm nở.",
            "Đề nghị chấn chỉnh tác phong, lề lối làm việc.",
        ),
    ],
    "tu-phap-ho-tich": [
        (
            "Chậm cấp bản sao trích lục khai sinh",
            "Người dân ở {place} đề nghị cấp trích lục khai sinh đã hai tuần chưa nhận được.",
            "Đề nghị giải quyết đúng thời hạn.",
        ),
    ],
    "tai-chinh-dong-gop": [
        (
            "Các khoản đóng góp đầu năm học",
            "Phụ huynh ở {place} phản ánh nhà trường thu nhiều khoản đóng góp chưa được bàn bạc.",
            "Đề nghị công khai và chỉ thu các khoản đúng quy định.",
        ),
    ],
    "dich-vu-so": [
        (
            "Sóng điện thoại yếu ở {place}",
            "Khu vực {place} không có sóng điện thoại, không dùng được dịch vụ công trực tuyến.",
            "Đề nghị các nhà mạng lắp trạm phát sóng.",
        ),
    ],
}
DEFAULT_TOPIC = (
    "Ý kiến của cử tri {place} về công tác của địa phương",
    "Cử tri {place}, {commune} có ý kiến về việc thực hiện các chính sách tại địa phương.",
    "Đề nghị các cơ quan xem xét, trả lời.",
)
PLACES = [
    "bản Co Đứa",
    "bản Huổi Hốc",
    "bản Pa Xa",
    "bản Nà Nhạn",
    "thôn Tân Lập",
    "tổ dân phố 5",
    "bản Che Căn",
    "bản Mường Tỉnh",
    "bản Hua Ná",
    "bản Phiêng Ban",
    "bản Co Mỵ",
    "bản Pú Nhi",
]
FAMILY = [
    "Lò",
    "Quàng",
    "Lường",
    "Cà",
    "Giàng",
    "Sùng",
    "Vàng",
    "Mùa",
    "Thào",
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Điêu",
    "Tòng",
]
MIDDLE = ["Văn", "Thị", "A", "Seo", "Đức", "Minh", "Thị Thu", "Văn Hải"]
GIVEN = [
    "Páo",
    "Dế",
    "Chinh",
    "Xuân",
    "Sinh",
    "Hoa",
    "Lan",
    "Thắm",
    "Phong",
    "Dùng",
    "Súa",
    "Tủa",
    "Bình",
    "Hùng",
    "Mai",
    "Nhung",
    "Khánh",
    "Tâm",
]
ANSWERS = [
    "Ủy ban nhân dân đã kiểm tra thực tế và chỉ đạo khắc phục; dự kiến hoàn thành trong tháng.",
    "Nội dung kiến nghị đã được giải quyết: các hộ đã được chi trả đầy đủ.",
    "Kiến nghị đã được đưa vào kế hoạch đầu tư công giai đoạn tới.",
    "Qua kiểm tra, nội dung phản ánh không đúng thực tế; đã thông tin lại cho người dân.",
]


@dataclass
class DemoReference:
    communes: list  # (id, name, is_remote)
    categories: list  # (id, code)
    agencies: dict  # commune id -> [agency ids] ; 0 -> provincial agencies
    cal: WorkingCalendar


@dataclass
class Simulated:
    item: Item
    events: list = field(default_factory=list)
    extensions: list = field(default_factory=list)
    answer: str = ""


@contextlib.contextmanager
def _keep_given_timestamps():
    """Demo rows carry their simulated times; ``auto_now`` would stamp them all with the moment of insertion."""
    fields = [
        Item._meta.get_field("updated_at"),
        ItemEvent._meta.get_field("created_at"),
        ExtensionRequest._meta.get_field("created_at"),
    ]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, now, add in saved:
            f.auto_now, f.auto_now_add = now, add


def load_reference() -> DemoReference:
    communes = list(commune_list().order_by("code").values_list("id", "name", "is_remote_area"))
    categories = list(Category.objects.filter(is_active=True).order_by("order", "id").values_list("id", "code"))
    agencies: dict[int, list[int]] = {0: []}
    for org_id, unit_id, parent_id in agency_list().order_by("id").values_list("id", "unit_id", "unit__parent_id"):
        agencies.setdefault(unit_id if parent_id else 0, []).append(org_id)
    return DemoReference(communes=communes, categories=categories, agencies=agencies, cal=WorkingCalendar.load())


class Simulator:
    def __init__(self, *, rng: random.Random, ref: DemoReference, until: datetime):
        self.rng, self.ref, self.until = rng, ref, until
        self.seen_codes: set[str] = set(Item.objects.values_list("tracking_code", flat=True))
        self._types = list(TYPE_WEIGHTS)
        self._type_w = list(TYPE_WEIGHTS.values())
        self._channels = list(CITIZEN_CHANNELS)
        self._channel_w = list(CITIZEN_CHANNELS.values())

    # -- deadlines, cached: there are only a few hundred distinct (start, rule) pairs ---------------------
    @cache  # noqa: B019 (one simulator per command run)
    def _rule(self, step, item_type, channel):
        return rule_for(step=step, item_type=item_type, channel=channel)

    @lru_cache(maxsize=200_000)  # noqa: B019
    def _add(self, start: date, days: int, count: str) -> date:
        return self.ref.cal.add(start, days, count)

    def due(self, step, item: Item, start: date, remote: bool):
        rule = self._rule(step, item.type, item.channel)
        if rule is None:
            days, count = (5, "working") if step == Step.TRIAGE else (15, "calendar")
            return self._add(start, days, count), None
        days = rule_days(rule, is_complex=item.is_complex, is_remote=remote)
        return self._add(start, days, rule.day_count), rule

    def tracking_code(self, year: int) -> str:
        alphabet = tracking.ALPHABET
        while True:
            body = "".join(self.rng.choice(alphabet) for _ in range(tracking.RANDOM_LENGTH))
            full = body + tracking._check_character(body)
            code = f"{tracking.province_prefix()}-{year % 100:02d}-{full[0:3]}-{full[3:6]}-{full[6:9]}"
            if code not in self.seen_codes:
                self.seen_codes.add(code)
                return code

    def _name(self) -> str:
        r = self.rng
        return f"{r.choice(FAMILY)} {r.choice(MIDDLE)} {r.choice(GIVEN)}"

    # -- one item --------------------------------------------------------------------------------------
    def item(self, *, start: datetime, span_seconds: int, merge_targets: dict) -> Simulated:
        r = self.rng
        commune_id, commune_name, remote = r.choice(self.ref.communes)
        category_id, category_code = r.choice(self.ref.categories)
        item_type = r.choices(self._types, self._type_w)[0]
        channel = TYPE_CHANNEL.get(item_type) or r.choices(self._channels, self._channel_w)[0]
        title, content, request = r.choice(TOPICS.get(category_code, [DEFAULT_TOPIC]))
        place = r.choice(PLACES)
        title = title.format(place=place, commune=commune_name)[:200]
        content = content.format(place=place, commune=commune_name)
        received_at = start + timedelta(seconds=r.randrange(span_seconds))
        local = timezone.localtime(received_at)
        received_at = min(local.replace(hour=r.randint(7, 17), minute=r.randrange(60)), self.until)
        anonymous = channel in (C.WEB, C.PHONE) and r.random() < 0.08
        contact = not anonymous and r.random() < 0.7
        code = self.tracking_code(received_at.year)
        item = Item(
            tracking_code=code,
            secret_hash=tracking.hash_secret(tracking_code=code, secret=code[-6:]),
            type=item_type,
            category_id=category_id,
            commune_id=commune_id,
            title=title,
            content=content,
            request_text=request,
            search_text=fold_vietnamese(f"{title} {content} {request}"),
            channel=channel,
            is_mass_petition=r.random() < 0.04,
            is_complex=item_type in (T.COMPLAINT, T.DENUNCIATION) and r.random() < 0.2,
            is_anonymous=anonymous,
            submitter_name="" if anonymous else self._name(),
            submitter_phone=f"09{r.randrange(10**8):08d}" if contact else "",
            submitter_address="" if anonymous else f"{place}, {commune_name}",
            consent_processing=True,
            consent_contact=contact,
            consent_publish=r.random() < 0.5,
            privacy_notice_version="2026-01",
            consent_method=CONSENT_FOR_CHANNEL.get(channel, ConsentMethod.MEETING_RECORD),
            received_at=received_at,
            updated_at=received_at,
            # Simulated history: the notification sweeper must not acknowledge demo items after the fact.
            acknowledged_at=received_at,
            status=Status.RECEIVED,
        )
        sim = Simulated(item=item)
        self._life(sim, remote=remote, merge_targets=merge_targets)
        merge_targets.setdefault(commune_id, []).append(sim)
        return sim

    def _event(self, sim, when, kind=EventKind.TRANSITION, *, move="", actor="front", data=None, **kw):
        """A move's target comes from the lifecycle table, checked for the actor, as ``item_move`` does."""
        item = sim.item
        to = check_move(item.status, move, actor=actor) if move else ""
        payload = {"move": move} if move else {}
        payload.update(data or {})
        payload["demo"] = True
        event = ItemEvent(
            kind=kind,
            from_status=item.status if kind == EventKind.TRANSITION else "",
            to_status=to if kind == EventKind.TRANSITION else "",
            actor_label=actor,
            created_at=when,
            data=payload,
            **kw,
        )
        sim.events.append(event)
        if to:
            item.status = to
        item.updated_at = when
        return event

    def _life(self, sim: Simulated, *, remote: bool, merge_targets: dict) -> None:
        """The item's life in phases; each returns when the next one starts, or None when the life ends (the
        item closed, or the simulated clock reached ``until``)."""
        triage_at = self._received(sim, remote)
        if triage_at is None or not self._triaged(sim, triage_at, merge_targets):
            return
        forwarded = self._forwarded(sim, triage_at, remote)
        if forwarded is None:
            return
        moment, agencies = forwarded
        moment = self._extension(sim, moment)
        verify_at = self._answered(sim, moment)
        if verify_at is not None:
            self._verified(sim, verify_at, remote, agencies)

    def _at(self, base: datetime, low_days: float, high_days: float) -> datetime | None:
        moment = base + timedelta(days=self.rng.uniform(low_days, high_days))
        return moment if moment <= self.until else None

    @staticmethod
    def _stamp(day_: date, hour: int = 10) -> datetime:
        return timezone.make_aware(datetime.combine(day_, datetime.min.time()).replace(hour=hour))

    def _received(self, sim: Simulated, remote: bool) -> datetime | None:
        """The submission, its triage due date, when the Front triages it (88 % by the due date), and now and
        then an escalation to the province first."""
        r, item = self.rng, sim.item
        day = timezone.localdate(item.received_at)
        triage_due, triage_rule = self.due(Step.TRIAGE, item, day, remote)
        item.triage_due_date = item.due_date = triage_due
        item.due_step, item.due_rule = Step.TRIAGE, triage_rule
        self._event(sim, item.received_at, EventKind.SUBMITTED, actor="citizen", due_date=triage_due, is_public=True)
        sim.events[-1].to_status = Status.RECEIVED
        on_time = r.random() < 0.88
        late = self._stamp(triage_due + timedelta(days=r.randint(1, 12)), 9)
        triage_at = self._stamp(triage_due, 15) if on_time else late
        triage_at = min(triage_at, item.received_at + timedelta(days=r.uniform(0.1, 6))) if on_time else triage_at
        if triage_at > self.until:
            return None
        if r.random() < 0.02 and item.status == Status.RECEIVED:
            item.handling_level = HandlingLevel.PROVINCE
            self._event(
                sim,
                max(item.received_at, triage_at - timedelta(hours=2)),
                EventKind.ESCALATED,
                note="Vấn đề thuộc thẩm quyền cấp tỉnh.",
            )
        return triage_at

    def _triaged(self, sim: Simulated, triage_at: datetime, merge_targets: dict) -> bool:
        """Withdrawn, refused, merged into a recent item of the commune, or accepted (True: the life goes on)."""
        r, item = self.rng, sim.item
        fate = r.random()
        if fate < 0.01:
            self._close(sim, triage_at, "withdraw", actor="citizen")
            return False
        if fate < 0.06:
            self._triage_closed(item, triage_at)
            item.is_legitimate = False
            self._event(
                sim,
                triage_at,
                move="reject",
                is_public=True,
                note="Nội dung không thuộc phạm vi tiếp nhận của Mặt trận; đã hướng dẫn người dân.",
            )
            self._closed(item, triage_at)
            return False
        targets = [
            s for s in merge_targets.get(item.commune_id, [])[-20:] if s.item.pk and s.item.merged_into_id is None
        ]
        if fate < 0.09 and targets:
            target = r.choice(targets).item
            self._triage_closed(item, triage_at)
            item.merged_into_id = target.pk
            self._event(
                sim,
                triage_at,
                move="merge",
                note=f"Trùng nội dung với {target.tracking_code}.",
                data={"merged_into": target.pk},
            )
            self._closed(item, triage_at)
            return False
        item.is_legitimate = True
        self._event(sim, triage_at, move="accept")
        return True

    def _forwarded(self, sim: Simulated, triage_at: datetime, remote: bool) -> tuple[datetime, list] | None:
        """Forwarded an hour after acceptance to an agency of its level; rarely returned and forwarded again,
        or re-forwarded. Returns (when the agency got it last, the agencies of its level)."""
        r, item = self.rng, sim.item
        forward_at = triage_at + timedelta(hours=1)
        if forward_at > self.until:
            return None
        self._triage_closed(item, forward_at)
        level = 0 if item.handling_level == HandlingLevel.PROVINCE or r.random() < 0.35 else item.commune_id
        agencies = self.ref.agencies.get(level) or self.ref.agencies[0]
        if not agencies:
            return None
        moment = self._forward(sim, forward_at, r.choice(agencies), remote, "forward")
        if r.random() < 0.04:
            returned_at = self._at(moment, 2, 8)
            if returned_at is None:
                return None
            self._event(
                sim,
                returned_at,
                move="return",
                actor="agency",
                note="Không thuộc thẩm quyền giải quyết của cơ quan.",
            )
            item.current_agency_id, item.due_step, item.due_date = None, Step.TRIAGE, item.triage_due_date
            again = self._at(returned_at, 1, 4)
            if again is None:
                return None
            self._event(sim, again, move="accept")
            moment = self._forward(
                sim, again + timedelta(hours=1), r.choice(self.ref.agencies[0] or agencies), remote, "forward"
            )
        elif r.random() < 0.04:
            reforward_at = self._at(moment, 2, 8)
            if reforward_at is None:
                return None
            moment = self._forward(sim, reforward_at, r.choice(self.ref.agencies[0] or agencies), remote, "reforward")
        return moment, agencies

    def _extension(self, sim: Simulated, moment: datetime) -> datetime:
        """Now and then the agency asks for more time a few days before the due date; the Front decides. Returns
        when the last of these happened (the answer comes after)."""
        r, item, until = self.rng, sim.item, self.until
        if not (r.random() < 0.1 and moment <= until):
            return moment
        ask_at = self._stamp(item.due_date - timedelta(days=r.randint(1, 5)), 9)
        if ask_at <= moment or ask_at > until:
            return moment
        rule = item.due_rule
        grant = rule is not None and rule.max_extensions > 0 and r.random() < 0.85
        extra_days = rule.extension_days if rule and rule.extension_days else 15
        requested = self._add(item.due_date, extra_days, "calendar")
        decided_at = ask_at + timedelta(days=r.uniform(0.2, 2))
        ext = ExtensionRequest(
            agency_id=item.current_agency_id,
            reason="Vụ việc cần xác minh thêm tại thực địa.",
            requested_days=extra_days,
            requested_due_date=requested,
            previous_due_date=item.due_date,
            status=ExtensionStatus.PENDING,
            created_at=ask_at,
        )
        sim.extensions.append(ext)
        self._event(sim, ask_at, EventKind.EXTENSION_REQUESTED, actor="agency", due_date=requested, note=ext.reason)
        # The answer comes after the request and its decision (a move's time follows the one before).
        moment = ask_at
        if decided_at <= until:
            moment = decided_at
            ext.decided_at = decided_at
            if grant:
                ext.status, ext.granted_due_date = ExtensionStatus.GRANTED, requested
                self._event(sim, decided_at, move="extend", due_date=requested)
                item.due_date = item.answer_due_date = requested
                item.extension_count += 1
            else:
                ext.status = ExtensionStatus.REFUSED
                ext.decision_note = "Đề nghị cơ quan trả lời đúng hạn."
                self._event(sim, decided_at, EventKind.EXTENSION_REFUSED, note=ext.decision_note)
        return moment

    def _answered(self, sim: Simulated, moment: datetime) -> datetime | None:
        """The answer (75 % by the due date), frozen on time or late. Returns when the Front verifies it."""
        r, item = self.rng, sim.item
        # The answer: 75 % by the due date.
        due = item.answer_due_date
        if r.random() < 0.75:
            span = max((self._stamp(due, 16) - moment).total_seconds() / 86400, 0.2)
            answered_at = moment + timedelta(days=r.uniform(0.1, span))
        else:
            answered_at = self._stamp(due + timedelta(days=r.randint(1, 40)), 14)
        if answered_at > self.until:
            return None
        answer = r.choice(ANSWERS)
        self._event(sim, answered_at, move="answer", actor="agency", note=answer, data={"answer": answer})
        item.answered_at = answered_at
        item.answer_on_time = timezone.localdate(answered_at) <= due
        item.due_date = None
        sim.answer = answer
        return self._at(answered_at, 0.5, 10)

    def _verified(self, sim: Simulated, verify_at: datetime, remote: bool, agencies: list) -> None:
        """The Front closes it one of three ways; the citizen may rate the answer and, unhappy, dispute it: the
        item is then triaged, forwarded, answered and closed again."""
        r, item, answer = self.rng, sim.item, sim.answer
        result = r.choices(["resolve", "roadmap", "cannot_resolve"], [75, 15, 10])[0]
        item.public_answer = answer
        self._close(sim, verify_at, result, is_public=True, note=answer)
        rated_at = self._at(verify_at, 0.5, 9)
        if rated_at is None or r.random() > 0.4:
            return
        item.rated_at, item.citizen_satisfied = rated_at, r.random() < 0.8
        self._event(sim, rated_at, EventKind.RATED, actor="citizen", data={"satisfied": item.citizen_satisfied})
        if not item.citizen_satisfied and r.random() < 0.4:
            item.closed_at = None
            self._event(
                sim,
                rated_at + timedelta(minutes=5),
                move="reopen",
                actor="citizen",
                is_public=True,
                note="Người dân chưa đồng ý với kết quả giải quyết.",
            )
            item.due_step, item.due_date = Step.TRIAGE, None
            again = self._at(rated_at, 1, 5)
            if again is None:
                return
            self._event(sim, again, move="accept")
            moment = self._forward(
                sim, again + timedelta(hours=1), item.current_agency_id or agencies[0], remote, "forward"
            )
            answered_at = self._at(moment, 3, 25)
            if answered_at is None:
                return
            self._event(sim, answered_at, move="answer", actor="agency", note=answer)
            item.answered_at = answered_at
            item.answer_on_time = timezone.localdate(answered_at) <= item.answer_due_date
            item.due_date = None
            verify_at = self._at(answered_at, 0.5, 6)
            if verify_at is not None:
                self._close(sim, verify_at, "resolve", is_public=True, note=answer)

    def _forward(self, sim, when, agency_id, remote, move) -> datetime:
        item = sim.item
        due, rule = self.due(Step.ANSWER, item, timezone.localdate(when), remote)
        item.current_agency_id, item.forwarded_at = agency_id, when
        item.due_step, item.due_date, item.due_rule, item.answer_due_date = Step.ANSWER, due, rule, due
        item.answer_on_time = item.answered_at = None
        self._event(
            sim,
            when,
            move=move,
            agency_id=agency_id,
            due_date=due,
            data={"rule_id": rule.id if rule else None},
        )
        return when

    @staticmethod
    def _triage_closed(item, when):
        if item.triaged_at is None:
            item.triaged_at = when
            item.triage_on_time = timezone.localdate(when) <= item.triage_due_date

    def _close(self, sim, when, move, *, actor="front", **kw):
        self._event(sim, when, move=move, actor=actor, **kw)
        self._closed(sim.item, when)

    @staticmethod
    def _closed(item, when):
        item.closed_at, item.due_date = when, None


# Above this many items, the lives of this many are simulated and the rest copied from them by SQL.
SIMULATED_ITEMS = 5_000
# From this many copies on, the copy rebuilds the tables' secondary indexes once instead of updating them
# row by row (and, for a superuser, skips the foreign-key triggers: every copied reference is one the
# sample's rows already hold). Measured: 22 indexes on the item table make row-by-row 5-10 times slower.
BULK_COPY_FROM = 50_000
# Memory for the index rebuilds (one session, for the copy's transaction only), and the parallel workers
# PostgreSQL may use for a B-tree build (and, from PostgreSQL 18, a GIN build).
REBUILD_MEMORY = "1GB"
REBUILD_WORKERS = 2


def generate_items(
    *, rng: random.Random, stdout, count: int, until: datetime | None = None, years: int = 2, batch_size: int = 5000
) -> int:
    """Insert ``count`` demo items with their events and extension requests. Returns the number inserted."""
    ref = load_reference()
    if not ref.communes or not ref.categories:
        from django.core.management.base import CommandError

        raise CommandError("No communes or categories: run `manage.py seed_reference_data` first.")
    officers = demo_officers_create()
    if officers:
        stdout.write(
            f"  {officers} demo officers (Front, agencies, board; no password until an administrator sets one)"
        )
    until = until or timezone.now()
    sim = Simulator(rng=rng, ref=ref, until=until)
    simulated = min(count, SIMULATED_ITEMS)
    began = time.monotonic()
    sample = _simulate(sim=sim, stdout=stdout, simulated=simulated, count=count, years=years, batch_size=batch_size)
    stdout.write(f"    {simulated:,} lives simulated: {time.monotonic() - began:.1f} s")
    done = simulated
    if count > simulated:
        began = time.monotonic()
        done += copy_items(rng=rng, sample=sample, count=count - simulated, stdout=stdout)
        stdout.write(f"  items {done:>9,}/{count:,}  copied from the sample in {time.monotonic() - began:.0f} s")
    return done


def _simulate(*, sim: Simulator, stdout, simulated: int, count: int, years: int, batch_size: int) -> list:
    """Live ``simulated`` items one by one, inserted in batches; returns (id, year of the code) of each."""
    start = sim.until - timedelta(days=365 * years)
    span = int((sim.until - start).total_seconds())
    merge_targets: dict[int, list[Simulated]] = {}
    sample: list[tuple[int, int]] = []  # (id, year of the tracking code)
    done, began = 0, time.monotonic()
    with _keep_given_timestamps():
        while done < simulated:
            size = min(batch_size, simulated - done)
            batch = [sim.item(start=start, span_seconds=span, merge_targets=merge_targets) for _ in range(size)]
            with transaction.atomic():
                Item.objects.bulk_create([s.item for s in batch], batch_size=2000)
                events, extensions = [], []
                for s in batch:
                    for row in (*s.events, *s.extensions):
                        row.item_id = s.item.pk
                    events.extend(s.events)
                    extensions.extend(s.extensions)
                    sample.append((s.item.pk, 2000 + int(s.item.tracking_code.split("-")[1])))
                ItemEvent.objects.bulk_create(events, batch_size=5000)
                ExtensionRequest.objects.bulk_create(extensions, batch_size=2000)
            for targets in merge_targets.values():
                del targets[:-20]
            done += size
            elapsed = time.monotonic() - began
            rate = done / elapsed if elapsed else 0
            stdout.write(f"  items {done:>9,}/{count:,}  {100 * done // count:3d}%  {rate:,.0f} items/s (simulated)")
    return sample


# -- officers: the people the deadline chase and the notifications reach --------------------------------


def demo_officers_create() -> int:
    """One officer per Front committee (commune and province), per agency, and a provincial board viewer,
    unless the organisation already has someone in that role: without them the deadline chase decides its
    reminders and tells nobody. Usernames ``demo-<organisation code>``; no usable password and no email
    (notifications stay in the portal) until an administrator sets them. Returns the number created."""
    from organizations.models import Level, Membership, Organization, OrganizationKind, Role
    from organizations.services import staff_user_create

    wanted = [(org, Role.AGENCY_OFFICER) for org in agency_list().order_by("id")]
    fronts = Organization.objects.filter(is_active=True, kind=OrganizationKind.FRONT_COMMITTEE).order_by("id")
    wanted += [(org, Role.FRONT_OFFICER) for org in fronts]
    province = fronts.filter(level=Level.PROVINCE).first()
    board = Organization.objects.filter(
        is_active=True,
        level=Level.PROVINCE,
        kind=OrganizationKind.PROPAGANDA_COMMISSION,
        unit=getattr(province, "unit", None),
    ).first()
    if board is not None:
        wanted.append((board, Role.BOARD_VIEWER))
    staffed = set(Membership.objects.filter(is_active=True).values_list("organization_id", "role"))
    created = 0
    with transaction.atomic():
        for org, role in wanted:
            if (org.id, role) in staffed:
                continue
            staff_user_create(username=f"demo-{org.code}-{role}"[:150], password=None, organization=org, role=role)
            staffed.add((org.id, role))
            created += 1
    return created


# -- copies: set-based, from the sample -------------------------------------------------------------------


def _columns(model, *, without: tuple[str, ...]) -> list[str]:
    with connection.cursor() as cursor:
        described = connection.introspection.get_table_description(cursor, model._meta.db_table)
    return [c.name for c in described if c.name not in without]


def _names(columns: list[str], alias: str = "") -> str:
    return ", ".join(f'{alias}"{c}"' for c in columns)


def tracking_code_sql(bits: str, year: str) -> str:
    """SQL for a tracking code (``tracking.new_tracking_code``) from 40 random bits (the expression ``bits``,
    a bigint) and a year: eight characters of the alphabet, 5 bits each, then the Luhn mod-32 check character
    (from the right, the last character counts double: 2d, less 31 when 2d passes 31), grouped by three."""
    digits = [f"(({bits} >> {35 - 5 * k}) & 31)" for k in range(tracking.RANDOM_LENGTH)]
    terms = [
        f"(2 * {d} - 31 * (2 * {d} >= 32)::int)" if (len(digits) - 1 - k) % 2 == 0 else d for k, d in enumerate(digits)
    ]
    check = f"((32 - ({' + '.join(terms)}) %% 32) %% 32)"
    chars = [f"substr('{tracking.ALPHABET}', ({d})::int + 1, 1)" for d in (*digits, check)]
    groups = [" || ".join(chars[i : i + 3]) for i in (0, 3, 6)]
    return f"%(prefix)s || '-' || lpad(({year} %% 100)::text, 2, '0') || '-' || " + " || '-' || ".join(groups)


def secret_hash_params() -> dict[str, object]:
    """``tracking.hash_secret`` as SQL parameters: HMAC-SHA256 is sha256(key ^ opad || sha256(key ^ ipad ||
    message)), with PostgreSQL's own ``sha256`` (no extension needed)."""
    key = tracking._keys()[0]
    raw = key.encode()
    raw = (hashlib.sha256(raw).digest() if len(raw) > 64 else raw).ljust(64, b"\0")
    return {
        "fingerprint": tracking.key_fingerprint(key) + "$",
        "ipad": bytes(b ^ 0x36 for b in raw),
        "opad": bytes(b ^ 0x5C for b in raw),
        "prefix": tracking.province_prefix(),
    }


# The demo's lookup secret is the code's last six characters, as for the simulated items.
LOOKUP_HASH_SQL = (
    "%(fingerprint)s || encode(sha256(%(opad)s || sha256(%(ipad)s || "
    "convert_to(c.code || ':' || right(c.code, 6), 'UTF8'))), 'hex')"
)


def _items_copy_sql(copied: list[str]) -> str:
    """One INSERT ... SELECT: copy n (0 <= n < count) gets the id first + n, the sample item n mod k, and a
    code from 40 bits of md5(salt, n) (materialised once per row by OFFSET 0); a code already taken is
    skipped with its copy."""
    return f"""
    WITH sample AS (
        SELECT s.id, s.year, s.idx - 1 AS idx FROM unnest(%(ids)s::bigint[], %(years)s::int[])
            WITH ORDINALITY AS s (id, year, idx)
    ),
    drawn AS (
        SELECT n, ('x' || substr(md5(%(salt)s || ':' || n), 1, 10))::bit(40)::bigint AS bits
        FROM generate_series(0, %(count)s - 1) AS n OFFSET 0
    ),
    c AS (
        SELECT %(first)s + d.n AS id, s.id AS source_id, {tracking_code_sql("d.bits", "s.year")} AS code
        FROM drawn d JOIN sample s ON s.idx = d.n %% %(k)s OFFSET 0
    )
    INSERT INTO {Item._meta.db_table} ("id", "tracking_code", "secret_hash", {_names(copied)})
    SELECT c.id, c.code, {LOOKUP_HASH_SQL}, {_names(copied, "i.")}
    FROM c JOIN {Item._meta.db_table} i ON i.id = c.source_id
    ON CONFLICT (tracking_code) DO NOTHING"""


def _children_copy_sql(model, columns: list[str]) -> str:
    """The rows of ``model`` of each sample item, for each copy made (ids first .. first + count - 1)."""
    return f"""
    INSERT INTO {model._meta.db_table} ("item_id", {_names(columns)})
    SELECT i.id, {_names(columns, "x.")}
    FROM {Item._meta.db_table} i
    JOIN unnest(%(ids)s::bigint[]) WITH ORDINALITY AS s (id, idx) ON s.idx - 1 = (i.id - %(first)s) %% %(k)s
    JOIN {model._meta.db_table} x ON x.item_id = s.id
    WHERE i.id BETWEEN %(first)s AND %(first)s + %(count)s - 1"""


class _Clock:
    """Per-statement timing, written as the copy goes (where the time goes at a million)."""

    def __init__(self, stdout) -> None:
        self.stdout, self.at = stdout, time.monotonic()

    def lap(self, label: str) -> None:
        if self.stdout is not None:
            self.stdout.write(f"    {label}: {time.monotonic() - self.at:.1f} s")
        self.at = time.monotonic()


def _secondary_indexes_drop(cursor, tables) -> list[tuple[str, str]]:
    """Drop the indexes of ``tables`` that back no constraint (the primary and unique keys stay: ON CONFLICT
    needs them) and return (name, definition) of each; for a superuser, also turn the foreign-key triggers
    off for the transaction."""
    cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    if cursor.fetchone()[0]:
        cursor.execute("SET LOCAL session_replication_role = replica")
    cursor.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() "
        "AND i.tablename = ANY(%s) AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
        "WHERE c.conindid = (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass)",
        [list(tables)],
    )
    indexes = cursor.fetchall()
    for name, _definition in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    return indexes


def _indexes_rebuild(cursor, indexes: list[tuple[str, str]], clock: _Clock) -> None:
    """Each index in one sorted build, with room to sort in memory and PostgreSQL's parallel build workers."""
    cursor.execute(f"SET LOCAL maintenance_work_mem = '{REBUILD_MEMORY}'")
    cursor.execute(f"SET LOCAL max_parallel_maintenance_workers = {REBUILD_WORKERS}")
    for name, definition in indexes:
        cursor.execute(definition)
        clock.lap(f"index {name}")


def _ids_reserve(cursor, count: int) -> int:
    """Reserve ``count`` item ids from the sequence (under the table lock); returns the first."""
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [Item._meta.db_table])
    sequence = cursor.fetchone()[0]
    cursor.execute("SELECT nextval(%s)", [sequence])
    first_id = cursor.fetchone()[0]
    cursor.execute("SELECT setval(%s, %s)", [sequence, first_id + count - 1])
    return first_id


def _copy_round(cursor, *, params: dict, copied: list[str], children: dict, clock: _Clock) -> int:
    """One pass of copies (items, then their events and extension requests); returns the items inserted."""
    cursor.execute(_items_copy_sql(copied), params)
    inserted = cursor.rowcount
    clock.lap(f"{inserted:,} items (codes, secrets and rows in one INSERT ... SELECT)")
    for model, columns in children.items():
        cursor.execute(_children_copy_sql(model, columns), params)
        clock.lap(f"{cursor.rowcount:,} {model._meta.verbose_name_plural}")
    return inserted


def copy_items(*, rng: random.Random, sample: list[tuple[int, int]], count: int, stdout=None) -> int:
    """Copy the sample's items, events and extension requests set-based until ``count`` more items exist.

    The ids are reserved from the sequence under a table lock (a running portal may insert meanwhile). Codes
    come from md5 of a salt drawn from ``rng`` and the copy's number, so a seed gives the same codes; a code
    already taken (by an older item, or drawn twice) is skipped with its copy and drawn again in a further
    round. Returns the number of items inserted."""
    copied = _columns(Item, without=("id", "tracking_code", "secret_hash", "idempotency_key"))
    children = {model: _columns(model, without=("id", "item_id")) for model in (ItemEvent, ExtensionRequest)}
    clock = _Clock(stdout)
    inserted = 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {Item._meta.db_table} IN SHARE ROW EXCLUSIVE MODE")
        tables = (Item._meta.db_table, ItemEvent._meta.db_table)
        rebuild = _secondary_indexes_drop(cursor, tables) if count >= BULK_COPY_FROM else []
        clock.lap(f"{len(rebuild)} secondary indexes dropped")
        base = {"ids": [s[0] for s in sample], "years": [s[1] for s in sample], "k": len(sample)}
        base.update(secret_hash_params())
        salt = f"{rng.getrandbits(64):016x}"
        for attempt in range(10):
            wanted = count - inserted
            if wanted == 0:
                break
            params = {**base, "salt": f"{salt}:{attempt}", "count": wanted, "first": _ids_reserve(cursor, wanted)}
            inserted += _copy_round(cursor, params=params, copied=copied, children=children, clock=clock)
        _indexes_rebuild(cursor, rebuild, clock)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Item._meta.db_table}, {ItemEvent._meta.db_table}, {ExtensionRequest._meta.db_table}")
    clock.lap("commit and ANALYZE")
    return inserted
