"""factory_boy factories shared by the whole suite."""

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from mttq_portal.text import fold_vietnamese
from organizations.models import (
    AdministrativeUnit,
    Level,
    Membership,
    Organization,
    OrganizationKind,
    ResidentialArea,
    Role,
    UnitKind,
    User,
)


class ProvinceFactory(DjangoModelFactory):
    class Meta:
        model = AdministrativeUnit
        django_get_or_create = ("code",)

    code = 11
    name = "Tỉnh Điện Biên"
    kind = UnitKind.PROVINCE
    parent = None
    name_folded = factory.LazyAttribute(lambda o: fold_vietnamese(o.name))


class CommuneFactory(DjangoModelFactory):
    class Meta:
        model = AdministrativeUnit

    code = factory.Sequence(lambda n: 90000 + n)
    name = factory.Sequence(lambda n: f"Xã Thử Nghiệm {n}")
    kind = UnitKind.COMMUNE
    parent = factory.SubFactory(ProvinceFactory)
    name_folded = factory.LazyAttribute(lambda o: fold_vietnamese(o.name))


class ResidentialAreaFactory(DjangoModelFactory):
    class Meta:
        model = ResidentialArea

    commune = factory.SubFactory(CommuneFactory)
    name = factory.Sequence(lambda n: f"Bản {n}")
    name_folded = factory.LazyAttribute(lambda o: fold_vietnamese(o.name))


class OrganizationFactory(DjangoModelFactory):
    class Meta:
        model = Organization

    code = factory.Sequence(lambda n: f"org-{n}")
    name = factory.Sequence(lambda n: f"Tổ chức {n}")
    kind = OrganizationKind.FRONT_COMMITTEE
    level = Level.COMMUNE
    unit = factory.SubFactory(CommuneFactory)
    name_folded = factory.LazyAttribute(lambda o: fold_vietnamese(o.name))


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Role.FRONT_OFFICER


class CategoryFactory(DjangoModelFactory):
    class Meta:
        model = "feedback.Category"
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"linh-vuc-{n}")
    name_vi = factory.Sequence(lambda n: f"Lĩnh vực {n}")
    name_en = factory.Sequence(lambda n: f"Field {n}")


class ItemFactory(DjangoModelFactory):
    """An item as ``item_submit`` leaves it (received, triage clock running); tests move it with services."""

    class Meta:
        model = "feedback.Item"

    tracking_code = factory.Sequence(lambda n: f"DB-26-T{n:08d}")
    secret_hash = "x" * 64
    type = "recommendation"
    category = factory.SubFactory(CategoryFactory)
    commune = factory.SubFactory(CommuneFactory)
    title = factory.Sequence(lambda n: f"Đường liên bản số {n} bị sạt lở")
    content = "Đoạn đường qua bản bị sạt lở sau mưa lớn, xe máy không đi được."
    search_text = factory.LazyAttribute(lambda o: fold_vietnamese(f"{o.title} {o.content}"))
    channel = "web"
    submitter_name = "Lò Văn Páo"
    submitter_phone = "0912345678"
    submitter_email = "pao@example.org"
    submitter_address = "Bản Che Căn"
    consent_processing = True
    consent_contact = True
    privacy_notice_version = "2026-01"
    consent_method = "online_form"
    received_at = factory.LazyFunction(timezone.now)
    triage_due_date = factory.LazyFunction(timezone.localdate)
    due_date = factory.LazyAttribute(lambda o: o.triage_due_date)
