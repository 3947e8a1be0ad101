"""The targets and indicators seeded by ``TargetsConfig.seed_reference_data`` (DOMAIN §5).

Texts of the targets are in ``resolution_texts.py`` (verbatim). Indicator names and their numerator and
denominator definitions are data in both languages, not gettext strings: administrators may edit them.
"""

from dataclasses import dataclass
from decimal import Decimal

from organizations.models import OrganizationKind as K

from .models import Comparator, Horizon, IndicatorRole, PeriodKind, ScopeKind, Source, ValueUnit

FRONT_AND_SOCIO_POLITICAL = [
    K.FRONT_COMMITTEE,
    K.TRADE_UNION,
    K.FARMERS_UNION,
    K.YOUTH_UNION,
    K.WOMENS_UNION,
    K.VETERANS,
]
PARTY_AND_AUTHORITIES = [K.PARTY_COMMITTEE, K.PROPAGANDA_COMMISSION, K.PEOPLES_COMMITTEE]
# A4: "cấp ủy, tổ chức đảng, chính quyền, cơ quan, đơn vị": party committees and party bodies, the councils
# and people's committees, the departments, the sector bodies (police, armed forces, court, procuracy, ...),
# and the Front and socio-political organisations, which are bodies of the political system as well.
A4_BODIES = [
    K.PARTY_COMMITTEE,
    K.PROPAGANDA_COMMISSION,
    K.PEOPLES_COUNCIL,
    K.PEOPLES_COMMITTEE,
    K.DEPARTMENT,
    K.SECTOR_BODY,
    *FRONT_AND_SOCIO_POLITICAL,
]


@dataclass(frozen=True)
class TargetDef:
    code: str
    horizon: str
    number: int
    summary_vi: str
    summary_en: str


@dataclass(frozen=True)
class IndicatorDef:
    code: str
    name_vi: str
    name_en: str
    numerator_vi: str
    numerator_en: str
    denominator_vi: str
    denominator_en: str
    comparator: str
    threshold: Decimal
    scope: str
    source: str
    organization_kinds: tuple = ()
    unit: str = ValueUnit.PERCENT
    period_kind: str = PeriodKind.YEAR
    is_headline: bool = False
    role: str = IndicatorRole.TARGET


A, T = Horizon.ANNUAL, Horizon.BY_2030
EQ, GT, GTE = Comparator.EQ, Comparator.GT, Comparator.GTE
H = Decimal(100)

TARGETS = [
    TargetDef(
        "A1",
        A,
        1,
        "Kiến nghị hợp pháp, chính đáng được xem xét, trả lời, giải quyết",
        "Lawful, legitimate recommendations considered, answered and resolved",
    ),
    TargetDef(
        "A2",
        A,
        2,
        "Đẩy mạnh tuyên truyền, vận động cho các chương trình trọng điểm",
        "Propaganda and mobilisation for the key programmes",
    ),
    TargetDef(
        "A3",
        A,
        3,
        "Tổ chức và cán bộ hoàn thành tốt nhiệm vụ trở lên",
        "Organisations and officers rated good or better",
    ),
    TargetDef("A4", A, 4, 'Phong trào thi đua "Dân vận khéo"', 'The "Skilful Mass Mobilisation" movement'),
    TargetDef(
        "A5", A, 5, "Đối thoại của người đứng đầu cấp ủy cấp xã", "A yearly dialogue with the commune party head"
    ),
    TargetDef(
        "A6",
        A,
        6,
        "Làm việc giữa ban thường vụ cấp ủy với Mặt trận và các tổ chức",
        "A yearly working session of the party standing board with the Front",
    ),
    TargetDef("A7", A, 7, "Tổ chức nghe dân nói", "Listening-to-the-people sessions"),
    TargetDef("T1", T, 1, "Bồi dưỡng, tập huấn cán bộ làm công tác dân vận", "Mass-mobilisation officers trained"),
    TargetDef(
        "T2",
        T,
        2,
        "Kết nạp đảng viên mới; trưởng thôn, bản, trưởng ban công tác Mặt trận là đảng viên",
        "New party members; village heads and Front Work Committee heads are party members",
    ),
    TargetDef(
        "T3",
        T,
        3,
        "Cán bộ đạt chuẩn, được bồi dưỡng, cập nhật kiến thức",
        "Officers meet the standards and are retrained",
    ),
    TargetDef(
        "T4",
        T,
        4,
        "Ủy ban MTTQ các cấp ứng dụng công nghệ thông tin tiếp nhận ý kiến Nhân dân",
        "Front committees use IT to receive the people's opinions",
    ),
]

FB, ACT, USE, REP = Source.FEEDBACK, Source.ACTIVITIES, Source.PORTAL_USE, Source.REPORTED
COMMUNE, UNIT, ORG = ScopeKind.COMMUNE, ScopeKind.UNIT, ScopeKind.ORGANIZATION
A1_OWN_VI = (
    "Kiến nghị hợp pháp, chính đáng của Ban Thường trực Ủy ban MTTQ, các tổ chức chính trị - xã hội, các tổ chức "
    "hội quần chúng gửi cấp ủy, chính quyền trong kỳ"
)
A1_OWN_EN = (
    "Lawful, legitimate recommendations of the Front's Standing Board, the socio-political organisations and mass "
    "associations to party committees and authorities, made in the period"
)

INDICATORS: dict[str, list[IndicatorDef]] = {
    "A1": [
        IndicatorDef(
            "A1.1",
            "Tỷ lệ kiến nghị được xem xét",
            "Share considered",
            "Số kiến nghị đã chuyển đến cơ quan có thẩm quyền xem xét",
            "Recommendations taken up by the competent body",
            A1_OWN_VI,
            A1_OWN_EN,
            EQ,
            H,
            COMMUNE,
            FB,
        ),
        IndicatorDef(
            "A1.2",
            "Tỷ lệ kiến nghị được trả lời",
            "Share answered",
            "Số kiến nghị đã được trả lời",
            "Recommendations answered",
            A1_OWN_VI,
            A1_OWN_EN,
            EQ,
            H,
            COMMUNE,
            FB,
        ),
        IndicatorDef(
            "A1.3",
            "Tỷ lệ kiến nghị được giải quyết",
            "Share resolved",
            "Số kiến nghị đã được giải quyết",
            "Recommendations resolved",
            A1_OWN_VI,
            A1_OWN_EN,
            EQ,
            H,
            COMMUNE,
            FB,
            # Resolved implies considered and answered: 100% resolved is the target as written.
            is_headline=True,
        ),
        IndicatorDef(
            "A1.4",
            "Kiến nghị được trả lời đúng hạn (chỉ số riêng của Cổng, không thuộc chỉ tiêu)",
            "Answered on time (the portal's own indicator, not part of the target)",
            "Số kiến nghị được trả lời đúng hạn",
            "Recommendations answered by their deadline",
            "Kiến nghị của các tổ chức trên đã đến hạn trả lời",
            "Those recommendations whose answer deadline has passed",
            EQ,
            H,
            COMMUNE,
            FB,
            role=IndicatorRole.PORTAL_OWN,
        ),
        IndicatorDef(
            "A1.5",
            "Ý kiến, kiến nghị của Nhân dân do Mặt trận chuyển được giải quyết (phân tích thêm, không thuộc chỉ tiêu)",
            "Citizens' items forwarded by the Front, resolved (breakdown, not part of the target)",
            "Số ý kiến, kiến nghị của Nhân dân đã được giải quyết",
            "Citizens' items resolved",
            "Ý kiến, kiến nghị hợp pháp, chính đáng của Nhân dân do Mặt trận chuyển, tiếp nhận trong kỳ",
            "Lawful, legitimate citizens' items the Front forwarded, received in the period",
            EQ,
            H,
            COMMUNE,
            FB,
            role=IndicatorRole.BREAKDOWN,
        ),
    ],
    "A2": [
        IndicatorDef(
            "A2.1",
            "Ủy ban MTTQ, tổ chức chính trị - xã hội đẩy mạnh tuyên truyền, vận động",
            "Front committees and socio-political organisations pushing propaganda and mobilisation",
            "Số Ủy ban MTTQ, tổ chức chính trị - xã hội đã đẩy mạnh tuyên truyền, vận động (mỗi tổ chức báo cáo 1 = "
            "đã thực hiện, 0 = chưa, kèm minh chứng)",
            "Organisations that did so (each reports 1 = done or 0 = not yet, with evidence)",
            "Tổng số Ủy ban MTTQ và tổ chức chính trị - xã hội các cấp",
            "Front committees and socio-political organisations at every level",
            EQ,
            H,
            ORG,
            REP,
            tuple(FRONT_AND_SOCIO_POLITICAL),
            is_headline=True,
        ),
    ],
    "A3": [
        IndicatorDef(
            "A3.1",
            "Ủy ban MTTQ, tổ chức chính trị - xã hội hoàn thành tốt nhiệm vụ trở lên",
            "Front committees and organisations rated good or better",
            "Số tổ chức hoàn thành tốt nhiệm vụ trở lên",
            "Organisations rated good or better",
            "Số tổ chức được đánh giá",
            "Organisations rated",
            EQ,
            H,
            ORG,
            REP,
            tuple(FRONT_AND_SOCIO_POLITICAL),
            is_headline=True,
        ),
        IndicatorDef(
            "A3.2",
            "Cán bộ chuyên trách hoàn thành tốt nhiệm vụ trở lên",
            "Full-time officers rated good or better",
            "Số cán bộ chuyên trách hoàn thành tốt nhiệm vụ trở lên",
            "Full-time officers rated good or better",
            "Tổng số cán bộ chuyên trách được đánh giá",
            "Full-time officers rated",
            GT,
            Decimal(90),
            ORG,
            REP,
            tuple(FRONT_AND_SOCIO_POLITICAL),
        ),
        IndicatorDef(
            "A3.3",
            "Cán bộ chuyên trách hoàn thành xuất sắc nhiệm vụ",
            "Full-time officers rated excellent",
            "Số cán bộ chuyên trách hoàn thành xuất sắc nhiệm vụ",
            "Full-time officers rated excellent",
            "Tổng số cán bộ chuyên trách được đánh giá",
            "Full-time officers rated",
            GTE,
            Decimal(20),
            ORG,
            REP,
            tuple(FRONT_AND_SOCIO_POLITICAL),
        ),
    ],
    "A4": [
        IndicatorDef(
            "A4.1",
            'Cơ quan, đơn vị triển khai hiệu quả phong trào "Dân vận khéo"',
            'Bodies running the "Skilful Mass Mobilisation" movement effectively',
            "Số cấp ủy, tổ chức đảng, chính quyền, cơ quan, đơn vị triển khai hiệu quả (mỗi nơi báo cáo 1 = có, "
            "0 = chưa, kèm minh chứng)",
            "Party committees, party bodies, authorities, agencies and units running it (each reports 1 or 0)",
            "Tổng số cấp ủy, tổ chức đảng, chính quyền, cơ quan, đơn vị (gồm các sở, ngành, cơ quan ngành dọc)",
            "Party committees, party bodies, authorities, agencies and units (departments and sector bodies included)",
            EQ,
            H,
            ORG,
            REP,
            tuple(A4_BODIES),
            is_headline=True,
        ),
    ],
    "A5": [
        IndicatorDef(
            "A5.1",
            "Xã tổ chức đối thoại của người đứng đầu cấp ủy",
            "Communes that held the dialogue",
            "Số xã đã tổ chức ít nhất 01 cuộc đối thoại",
            "Communes with at least one dialogue",
            "Tổng số xã, phường",
            "Communes and wards",
            EQ,
            H,
            COMMUNE,
            ACT,
            is_headline=True,
        ),
    ],
    "A6": [
        IndicatorDef(
            "A6.1",
            "Cấp có cuộc làm việc giữa ban thường vụ cấp ủy với Mặt trận",
            "Levels with a working session of the party standing board and the Front",
            "Số đơn vị (tỉnh, xã) đã tổ chức ít nhất 01 cuộc làm việc",
            "Units (province, communes) with at least one working session",
            "Tổng số đơn vị (tỉnh và các xã, phường)",
            "Units (the province and its communes)",
            EQ,
            H,
            UNIT,
            ACT,
            is_headline=True,
        ),
    ],
    "A7": [
        IndicatorDef(
            "A7.1",
            "Ủy ban MTTQ, tổ chức chính trị - xã hội tổ chức nghe dân nói",
            "Front committees and organisations holding listening sessions",
            "Số tổ chức đã tổ chức ít nhất 01 buổi nghe dân nói",
            "Organisations with a listening session",
            "Tổng số Ủy ban MTTQ và tổ chức chính trị - xã hội các cấp",
            "Front committees and socio-political organisations at every level",
            EQ,
            H,
            ORG,
            ACT,
            tuple(FRONT_AND_SOCIO_POLITICAL),
            is_headline=True,
        ),
    ],
    "T1": [
        IndicatorDef(
            "T1.1",
            "Cán bộ chuyên trách dân vận cấp tỉnh được bồi dưỡng, tập huấn",
            "Provincial full-time mass-mobilisation officers trained",
            "Số cán bộ đã được bồi dưỡng, tập huấn",
            "Officers trained",
            "Tổng số cán bộ chuyên trách dân vận cấp tỉnh",
            "Provincial full-time mass-mobilisation officers",
            EQ,
            H,
            ORG,
            REP,
            (K.PROPAGANDA_COMMISSION, K.FRONT_COMMITTEE),
            is_headline=True,
        ),
        IndicatorDef(
            "T1.2",
            "Cán bộ dân vận ở cơ sở được bồi dưỡng, tập huấn",
            "Grassroots mass-mobilisation officers trained",
            "Số cán bộ đã được bồi dưỡng, tập huấn",
            "Officers trained",
            "Tổng số cán bộ làm công tác dân vận ở cơ sở",
            "Grassroots mass-mobilisation officers",
            GT,
            Decimal(90),
            ORG,
            REP,
            (K.PARTY_COMMITTEE, K.FRONT_COMMITTEE),
        ),
    ],
    "T2": [
        IndicatorDef(
            "T2.1",
            "Kết nạp đảng viên mới, bình quân hàng năm",
            "New party members admitted, yearly average",
            "Số đảng viên mới kết nạp trong năm",
            "New party members admitted",
            "Tổng số đảng viên đầu năm",
            "Party members at the start of the year",
            GTE,
            Decimal(4),
            ORG,
            REP,
            (K.PARTY_COMMITTEE,),
            unit=ValueUnit.PERCENT_PER_YEAR,
            is_headline=True,
        ),
        IndicatorDef(
            "T2.2",
            "Trưởng thôn, bản, tổ trưởng tổ dân phố là đảng viên",
            "Village and residential-group heads who are party members",
            "Số trưởng thôn, bản, tổ trưởng tổ dân phố là đảng viên",
            "Heads who are party members",
            "Tổng số trưởng thôn, bản, tổ trưởng tổ dân phố",
            "Village and residential-group heads",
            EQ,
            H,
            ORG,
            REP,
            (K.PARTY_COMMITTEE,),
        ),
        IndicatorDef(
            "T2.3",
            "Trưởng ban công tác Mặt trận là đảng viên",
            "Front Work Committee heads who are party members",
            "Số trưởng ban công tác Mặt trận là đảng viên",
            "Heads who are party members",
            "Tổng số trưởng ban công tác Mặt trận",
            "Front Work Committee heads",
            EQ,
            H,
            ORG,
            REP,
            (K.FRONT_COMMITTEE,),
        ),
    ],
    "T3": [
        IndicatorDef(
            "T3.1",
            "Cán bộ lãnh đạo, công chức chuyên trách đạt chuẩn",
            "Leaders and full-time officers meeting the standards",
            "Số cán bộ đạt chuẩn chuyên môn, nghiệp vụ và lý luận chính trị",
            "Officers meeting the standards",
            "Tổng số cán bộ lãnh đạo, quản lý, công chức chuyên trách",
            "Leaders and full-time officers",
            EQ,
            H,
            ORG,
            REP,
            tuple(FRONT_AND_SOCIO_POLITICAL),
            is_headline=True,
        ),
        IndicatorDef(
            "T3.2",
            "Cán bộ cấp tỉnh được bồi dưỡng, cập nhật kiến thức",
            "Provincial officers retrained",
            "Số cán bộ cấp tỉnh đã được bồi dưỡng",
            "Provincial officers retrained",
            "Tổng số cán bộ cấp tỉnh",
            "Provincial officers",
            EQ,
            H,
            ORG,
            REP,
            tuple(FRONT_AND_SOCIO_POLITICAL),
        ),
        IndicatorDef(
            "T3.3",
            "Cán bộ cơ sở được bồi dưỡng, cập nhật kiến thức",
            "Grassroots officers retrained",
            "Số cán bộ cơ sở đã được bồi dưỡng",
            "Grassroots officers retrained",
            "Tổng số cán bộ cơ sở",
            "Grassroots officers",
            GT,
            Decimal(90),
            ORG,
            REP,
            tuple(FRONT_AND_SOCIO_POLITICAL),
        ),
        IndicatorDef(
            "T3.4",
            "Lãnh đạo cấp phó ban trở lên được bồi dưỡng quốc phòng, an ninh",
            "Provincial deputy heads and above trained in defence and security",
            "Số cán bộ đã được bồi dưỡng kiến thức quốc phòng, an ninh",
            "Officers trained",
            "Tổng số cán bộ cấp phó ban và tương đương trở lên cấp tỉnh",
            "Provincial deputy heads of department and above",
            EQ,
            H,
            ORG,
            REP,
            tuple(FRONT_AND_SOCIO_POLITICAL),
        ),
    ],
    "T4": [
        IndicatorDef(
            "T4.1",
            "Ủy ban MTTQ ứng dụng công nghệ thông tin trong quản lý, điều hành, tiếp nhận ý kiến Nhân dân",
            "Front committees using IT in management, operation and receiving the people's opinions",
            "Số nội dung đã ứng dụng CNTT: quản lý, điều hành, tiếp nhận ý kiến Nhân dân (mỗi Ủy ban báo cáo 0-3, "
            "kèm minh chứng; việc dùng Cổng là một minh chứng)",
            "Uses in place: management, operation, intake (each committee reports 0-3 with evidence; use of this "
            "portal is one piece of evidence)",
            "3 nội dung (quản lý, điều hành, tiếp nhận)",
            "3 uses (management, operation, intake)",
            EQ,
            H,
            ORG,
            REP,
            (K.FRONT_COMMITTEE,),
            is_headline=True,
        ),
        IndicatorDef(
            "T4.2",
            "Ủy ban MTTQ tiếp nhận, phân loại và kết thúc ý kiến trên Cổng (minh chứng, không thuộc chỉ tiêu)",
            "Front committees receiving, triaging and closing items in the portal (evidence, not part of the target)",
            "Số Ủy ban MTTQ đã tiếp nhận, phân loại và kết thúc ý kiến trên Cổng trong kỳ",
            "Front committees that received, triaged and closed items in the period",
            "Tổng số Ủy ban MTTQ các cấp",
            "Front committees at every level",
            EQ,
            H,
            ORG,
            USE,
            (K.FRONT_COMMITTEE,),
            role=IndicatorRole.PORTAL_OWN,
        ),
    ],
}
