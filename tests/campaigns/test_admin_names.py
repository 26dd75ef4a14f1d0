"""The admin in Chinese: every app and every model it lists, whatever package brought them
(intake/admin_names.py names those of third-party packages)."""

import re

from django.apps import apps
from django.contrib import admin

from intake import admin_names

CJK = re.compile(r"[\u4e00-\u9fff]")


def chinese(text):
    return bool(CJK.search(str(text)))


def test_every_registered_model_and_its_app_have_chinese_names():
    english = []
    for model in admin.site._registry:
        opts = model._meta
        for what in (opts.verbose_name, opts.verbose_name_plural, opts.app_config.verbose_name):
            if not chinese(what):
                english.append(f"{opts.label}: {what!r}")
    assert not english, (
        f"English names in the admin: {english}. Name them in intake/admin_names.py (APP_NAMES, MODEL_NAMES)."
    )


def test_admin_index_and_app_pages_show_chinese_names(client_for):
    admin_client = client_for("admin")
    response = admin_client.get("/admin/")
    assert response.status_code == 200
    app_list = response.context["app_list"]
    names = [app["name"] for app in app_list] + [m["name"] for app in app_list for m in app["models"]]
    assert names and all(chinese(name) for name in names), [n for n in names if not chinese(n)]
    page = response.content.decode()
    for english in ("Axes", "Access attempts", "Access failures", "Access logs"):
        assert english not in page
    assert "登录保护" in page and "登录日志" in page
    for app in app_list:
        app_page = admin_client.get(f"/admin/{app['app_label']}/")
        assert app_page.status_code == 200
        assert all(chinese(m["name"]) for a in app_page.context["app_list"] for m in a["models"])


def test_changing_the_names_changes_no_migration(db):
    """Migrations read a model's original Meta, so the package's own migrations stay as they are."""
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_names_of_packages_not_installed_are_skipped(monkeypatch):
    monkeypatch.setitem(admin_names.APP_NAMES, "no_such_app", "不存在")
    monkeypatch.setitem(admin_names.MODEL_NAMES, "no_such_app.thing", ("不存在", "不存在"))
    admin_names.apply()
    assert not any(app.label == "no_such_app" for app in apps.get_app_configs())
