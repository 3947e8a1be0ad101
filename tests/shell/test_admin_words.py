"""The administration speaks Vietnamese: every registered model, its application and its fields, including
the third-party apps' (periodic tasks, login protection, tokens)."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.utils import translation


def _vi_and_en(text) -> tuple[str, str]:
    with translation.override("vi"):
        vi = str(text)
    with translation.override("en"):
        en = str(text)
    return vi, en


def test_every_admin_model_and_application_has_a_vietnamese_name():
    untranslated = []
    for model in admin.site._registry:
        meta = model._meta
        for label in (meta.verbose_name, meta.verbose_name_plural, apps.get_app_config(meta.app_label).verbose_name):
            vi, en = _vi_and_en(label)
            if vi == en or vi.lower() == en.lower():
                untranslated.append(f"{meta.label}: {en}")
    assert untranslated == []


THIRD_PARTY = {"axes", "django_celery_beat", "authtoken"}


def test_every_third_party_admin_field_label_is_vietnamese():
    untranslated = []
    for model in admin.site._registry:
        if model._meta.app_label not in THIRD_PARTY:
            continue
        for field in model._meta.get_fields():
            label = getattr(field, "verbose_name", None)
            if label is None or not getattr(field, "concrete", False) or field.auto_created:
                continue
            vi, en = _vi_and_en(label)
            if vi == en and any(c.isalpha() for c in en) and en.lower() not in {"id", "email", "url", "json"}:
                untranslated.append(f"{model._meta.label}.{field.name}: {en}")
    assert untranslated == []


@pytest.mark.django_db
def test_the_personal_data_access_log_is_spelled_right(client, admin_user):
    client.force_login(admin_user)

    html = client.get("/quan-tri/").content.decode()

    assert "accesss" not in html.lower()
