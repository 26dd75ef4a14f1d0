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
