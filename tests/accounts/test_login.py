"""Login: Chinese messages, and throttling after repeated failures (django-axes)."""

from tests.factories import user


def test_login_page_is_public_and_chinese(client, seeded):
    page = client.get("/accounts/login/")
    assert page.status_code == 200 and "登录" in page.content.decode()


def test_wrong_password_message(client, seeded):
    response = client.post("/accounts/login/", {"username": "qingyuan", "password": "wrong"})
    assert "用户名或密码不正确" in response.content.decode()


def test_login_and_land_on_home(client, seeded, settings):
    response = client.post("/accounts/login/", {"username": "qingyuan", "password": settings.DEMO_PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert "清远市工业和信息化局" in client.get("/").content.decode()


def test_lockout_after_repeated_failures(client, seeded, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "qingyuan", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "qingyuan", "password": settings.DEMO_PASSWORD})
    assert response.status_code == 429 and "暂时锁定" in response.content.decode()
    assert user("qingyuan").last_login is None


def test_home_says_when_and_from_where_the_account_last_logged_in(seeded, settings):
    from django.test import Client

    first = Client(REMOTE_ADDR="198.51.100.7")
    first.post("/accounts/login/", {"username": "qingyuan", "password": settings.DEMO_PASSWORD})
    assert "首次登录" in first.get("/").content.decode()
    for _ in range(2):
        Client(REMOTE_ADDR="203.0.113.9").post("/accounts/login/", {"username": "qingyuan", "password": "wrong"})
    second = Client(REMOTE_ADDR="198.51.100.8")
    second.post("/accounts/login/", {"username": "qingyuan", "password": settings.DEMO_PASSWORD})
    notice = second.get("/").content.decode().split('id="login-notice"')[1].split("</div>")[0]
    assert "198.51.100.7" in notice and "此后有 2 次登录失败" in notice
    third = Client(REMOTE_ADDR="198.51.100.9")
    third.post("/accounts/login/", {"username": "qingyuan", "password": settings.DEMO_PASSWORD})
    notice = third.get("/").content.decode().split('id="login-notice"')[1].split("</div>")[0]
    assert "198.51.100.8" in notice and "没有失败" in notice


def test_createsuperuser_makes_an_administrator(db):
    from intake.models import User

    root = User.objects.create_superuser("root", "root@example.cn", "Gd-root-2025x")
    assert root.role == User.ADMIN and root.is_staff and root.city is None


def test_a_login_writes_no_history_of_the_account_but_the_security_log_has_it(client, seeded, settings):
    from intake.models import SecurityEvent, User

    clerk = user("qingyuan")
    rows = User.history.filter(id=clerk.pk).count()
    response = client.post("/accounts/login/", {"username": "qingyuan", "password": settings.DEMO_PASSWORD})
    assert response.status_code == 302
    assert user("qingyuan").last_login is not None
    assert User.history.filter(id=clerk.pk).count() == rows
    assert SecurityEvent.objects.filter(kind=SecurityEvent.LOGIN, username="qingyuan").count() == 1
    # A real change of the account is still in its history.
    clerk = user("qingyuan")
    clerk.first_name = "清远市填报员甲"
    clerk.save()
    latest = User.history.filter(id=clerk.pk).latest()
    assert User.history.filter(id=clerk.pk).count() == rows + 1 and latest.first_name == "清远市填报员甲"


def test_a_logged_in_clerks_requests_read_the_account_with_its_city(client, seeded, settings,
                                                                    django_assert_num_queries):
    """The session's user comes with its city in the same query: pages that show or scope by the
    clerk's city read it no more."""
    from django.contrib.auth import get_user
    from django.test import RequestFactory

    client.post("/accounts/login/", {"username": "qingyuan", "password": settings.DEMO_PASSWORD})
    request = RequestFactory().get("/")
    request.session = client.session
    with django_assert_num_queries(2):  # the session, then the user with its city joined
        clerk = get_user(request)
        assert clerk.username == "qingyuan" and clerk.city.name == "清远市"
