"""/favicon.ico: browsers ask for it on every page; it is served (WhiteNoise, WHITENOISE_ROOT), to anyone."""

from django.test import Client


def test_favicon_is_served_without_logging_in(db):
    response = Client().get("/favicon.ico")
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert response["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")
