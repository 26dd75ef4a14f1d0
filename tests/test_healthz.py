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
