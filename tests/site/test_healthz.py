"""/healthz/: the proxy's liveness check. Public, plain HTTP allowed, no database, no session."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def test_healthz_is_public_and_touches_nothing(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True  # as in production: everything else is redirected to HTTPS
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/healthz/")
    assert response.status_code == 200 and response.content == b"ok\n"
    assert len(queries) == 0
    assert "no-cache" in response["Cache-Control"]
    assert client.head("/healthz/").status_code == 200
    assert client.post("/healthz/").status_code == 405
    assert client.get("/").status_code == 301  # the exemption is for /healthz/ only


def test_the_trivial_view_behind_the_login_loads_the_session_and_the_user(client_for, client):
    from tests.factories import user

    clerk = client_for("qingyuan")
    with CaptureQueriesContext(connection) as queries:
        response = clerk.get("/healthz/session/")
    assert response.status_code == 200 and response.content == f"ok {user('qingyuan').pk}\n".encode()
    assert len(queries) == 2  # the session and the user, as for every page; nothing else
    assert "no-cache" in response["Cache-Control"]
    anonymous = client.get("/healthz/session/")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
