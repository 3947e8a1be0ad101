"""Reference data of the feedback app: categories and the default deadline rules."""

from .deadlines import seed_deadline_rules
from .models import Category

CATEGORIES = [
    ("dat-dai", "Đất đai", "Land"),
    ("moi-truong", "Môi trường", "Environment"),
    ("lam-nghiep", "Lâm nghiệp, bảo vệ rừng", "Forestry"),
    ("nong-nghiep", "Nông nghiệp", "Agriculture"),
    ("giao-thong", "Giao thông", "Transport"),
    ("xay-dung", "Xây dựng, quy hoạch", "Construction and planning"),
    ("dien-nuoc", "Điện, nước, dịch vụ công ích", "Utilities"),
    ("chinh-sach-xa-hoi", "Chính sách xã hội", "Social policy"),
    ("chinh-sach-dan-toc", "Chính sách dân tộc", "Ethnic-minority policy"),
    ("ton-giao", "Tôn giáo, tín ngưỡng", "Religion"),
    ("lao-dong-viec-lam", "Lao động, việc làm", "Labour and employment"),
    ("y-te", "Y tế", "Health"),
    ("giao-duc", "Giáo dục", "Education"),
    ("van-hoa", "Văn hóa, thể thao", "Culture and sport"),
    ("an-ninh-trat-tu", "An ninh, trật tự", "Security and order"),
    ("thien-tai-cuu-tro", "Thiên tai, cứu trợ", "Disasters and relief"),
    ("thu-tuc-hanh-chinh", "Thủ tục hành chính", "Administrative procedures and regulations"),
    ("tac-phong-can-bo", "Thái độ, tác phong, trách nhiệm của cán bộ, công chức", "Officials' conduct"),
    ("tham-nhung-tieu-cuc", "Tham nhũng, tiêu cực", "Corruption and negative conduct"),
    ("tu-phap-ho-tich", "Tư pháp, hộ tịch", "Justice and civil status"),
    ("tai-chinh-dong-gop", "Tài chính, các khoản đóng góp", "Finance and contributions"),
    ("dich-vu-so", "Dịch vụ số, chuyển đổi số", "Digital services"),
    ("xay-dung-dang-chinh-quyen", "Xây dựng Đảng, chính quyền", "Party and government building"),
    ("khac", "Khác", "Other"),
]


# Default handling per category. Corruption and negative conduct is protected like a denunciation: the
# agency never sees who sent it (Law on Denunciations 2018 Arts. 8, 47; the resolution names "tham nhũng,
# tiêu cực" among what the people's oversight targets). Officials' conduct is handled as a report.
PROTECTS_IDENTITY = frozenset({"tham-nhung-tieu-cuc"})
# The names of the first release, which the seed brings to the current ones while nobody edited them.
SUPERSEDED_NAMES = {"thu-tuc-hanh-chinh": "Thủ tục hành chính, thái độ cán bộ"}


def seed_categories(*, stdout) -> None:
    """Create missing categories with their default handling; idempotent, an administrator's edit is kept."""
    created = renamed = 0
    for order, (code, name_vi, name_en) in enumerate(CATEGORIES, start=1):
        category, was_created = Category.objects.get_or_create(
            code=code,
            defaults={
                "name_vi": name_vi,
                "name_en": name_en,
                "order": order * 10,
                "protects_identity": code in PROTECTS_IDENTITY,
            },
        )
        created += was_created
        if not was_created and SUPERSEDED_NAMES.get(code) == category.name_vi:
            category.name_vi, category.name_en = name_vi, name_en
            category.save(update_fields=["name_vi", "name_en"])
            renamed += 1
    stdout.write(f"  {len(CATEGORIES)} categories ({created} new, {renamed} renamed)")


def seed_reference_data(*, stdout) -> None:
    stdout.write("Feedback categories and deadline rules…")
    seed_categories(stdout=stdout)
    seed_deadline_rules(stdout=stdout)
