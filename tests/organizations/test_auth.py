import pytest
from django.core import mail

from tests.factories import UserFactory


@pytest.mark.django_db
def test_staff_login_page_is_vietnamese(client):
    response = client.get("/accounts/login/")

    assert response.status_code == 200
    assert "Đăng nhập" in response.content.decode()


@pytest.mark.django_db
def test_staff_can_log_in(client, officer_a):
    response = client.post("/accounts/login/", {"username": officer_a.username, "password": "correct horse battery"})

    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(officer_a.pk)


@pytest.mark.django_db
def test_wrong_password_says_so_in_vietnamese(client, officer_a):
    response = client.post("/accounts/login/", {"username": officer_a.username, "password": "wrong"})

    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.content.decode()


@pytest.mark.django_db
def test_repeated_failures_lock_the_login_out_in_vietnamese(client, officer_a, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": officer_a.username, "password": "wrong"})

    # Even the right password is refused while locked out.
    response = client.post("/accounts/login/", {"username": officer_a.username, "password": "correct horse battery"})

    assert response.status_code == 429
    assert "tạm thời bị khóa" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_password_reset_sends_an_email(client, officer_a):
    response = client.post("/accounts/password/reset/", {"email": officer_a.email})

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/reset/" in mail.outbox[0].body


@pytest.mark.django_db
def test_admin_is_refused_to_officers_even_with_is_staff(client, officer_a):
    officer_a.is_staff = True
    officer_a.save(update_fields=["is_staff"])
    client.force_login(officer_a)

    response = client.get("/quan-tri/")

    assert response.status_code == 302
    assert "/quan-tri/login/" in response["Location"]


@pytest.mark.django_db
def test_admin_is_vietnamese_for_administrators(client, admin_user):
    client.force_login(admin_user)

    response = client.get("/quan-tri/")

    assert response.status_code == 200
    assert "Quản trị" in response.content.decode()


@pytest.mark.django_db
def test_anonymous_user_gets_the_admin_login(client):
    assert client.get("/quan-tri/").status_code == 302


@pytest.mark.django_db
def test_ensure_admin_prints_a_password_once(db):
    from io import StringIO

    from django.core.management import call_command

    first, second = StringIO(), StringIO()
    call_command("ensure_admin", stdout=first)
    call_command("ensure_admin", stdout=second)

    assert "password:" in first.getvalue()
    assert "password:" not in second.getvalue()
    UserFactory()  # other users do not matter
