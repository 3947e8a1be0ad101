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
    ("thu-tuc-hanh-chinh", "Thủ tục hành chính, thái độ cán bộ", "Administrative procedures and officials' conduct"),
    ("tu-phap-ho-tich", "Tư pháp, hộ tịch", "Justice and civil status"),
    ("tai-chinh-dong-gop", "Tài chính, các khoản đóng góp", "Finance and contributions"),
    ("dich-vu-so", "Dịch vụ số, chuyển đổi số", "Digital services"),
    ("xay-dung-dang-chinh-quyen", "Xây dựng Đảng, chính quyền", "Party and government building"),
    ("khac", "Khác", "Other"),
]


def seed_categories(*, stdout) -> None:
    created = 0
    for order, (code, name_vi, name_en) in enumerate(CATEGORIES, start=1):
        _category, was_created = Category.objects.get_or_create(
            code=code, defaults={"name_vi": name_vi, "name_en": name_en, "order": order * 10}
        )
        created += was_created
    stdout.write(f"  {len(CATEGORIES)} categories ({created} new)")


def seed_reference_data(*, stdout) -> None:
    stdout.write("Feedback categories and deadline rules…")
    seed_categories(stdout=stdout)
    seed_deadline_rules(stdout=stdout)
