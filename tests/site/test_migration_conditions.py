"""intake/migrations/0005_domain_precision.py: the categories' conditions text of a database loaded
with the first fixtures becomes the notice's (42号) wording; a text an admin edited is kept."""

import importlib
import json

from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from intake.models import Category

migration = importlib.import_module("intake.migrations.0005_domain_precision")


def migration_apps():
    """The models as the migration sees them (no history signals: it writes its history row itself)."""
    return MigrationLoader(connection).project_state(("intake", "0005_domain_precision")).apps


def test_old_text_is_replaced_and_an_admins_text_is_kept(seeded):
    apps = migration_apps()
    Category.objects.filter(pk="enterprise").update(conditions=migration.CONDITIONS["enterprise"][0])
    Category.objects.filter(pk="city").update(conditions=migration.CONDITIONS["city"][0])
    Category.objects.filter(pk="project").update(conditions="管理员自己改写的申报条件。")
    migration.update_conditions(apps, None)
    texts = dict(Category.objects.values_list("code", "conditions"))
    assert texts["enterprise"] == migration.CONDITIONS["enterprise"][1]
    assert "重大质量、安全、环保事故" in texts["enterprise"] and "运营和财务状况良好" in texts["enterprise"]
    assert "沿用 2022 年发放的账号" in texts["city"]
    assert texts["project"] == "管理员自己改写的申报条件。"
    latest = Category.objects.get(pk="enterprise").history.first()
    assert latest.conditions == texts["enterprise"] and latest.history_change_reason == "申报条件按 42号通知更新"
    migration.restore_conditions(apps, None)
    assert Category.objects.get(pk="enterprise").conditions == migration.CONDITIONS["enterprise"][0]


def test_the_fixtures_carry_the_same_new_text():
    fixture = json.loads((settings.BASE_DIR / "fixtures" / "categories.json").read_text(encoding="utf-8"))
    assert {item["pk"]: item["fields"]["conditions"] for item in fixture} == {
        code: new for code, (_old, new) in migration.CONDITIONS.items()
    }
    assert all("环境" not in text for text in migration_new_texts())


def migration_new_texts():
    return [new for _old, new in migration.CONDITIONS.values()]
