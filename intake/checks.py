"""System checks (`manage.py check`, run before `runserver` and `migrate`)."""

from django.core.checks import Error, Tags, Warning, register


@register()
def cjk_font_installed(app_configs=None, **kwargs):
    """Without a font that has Chinese glyphs, WeasyPrint still makes the Annex 2 PDF and the
    recommendation letter's, with every character an empty box: say so before anyone downloads one."""
    from intake.common.fonts import INSTALL_HINT, find_cjk_font, harfbuzz_subsetting

    problems = []
    if find_cjk_font() is None:
        problems.append(Warning(
            "没有找到中文字体：附件2 和推荐函的 PDF 无法生成（否则汉字会显示为空白方框）。",
            hint=INSTALL_HINT, id="intake.W001",
        ))
    elif not harfbuzz_subsetting():
        problems.append(Warning(
            "WeasyPrint 找不到 HarfBuzz 子集化库，改用 fontTools 嵌入中文字体，每份附件2 PDF 会慢数倍。",
            hint="Debian/Ubuntu：sudo apt-get install libharfbuzz-subset0", id="intake.W002",
        ))
    return problems


@register(Tags.admin)
def admin_has_no_way_around_the_rules(app_configs=None, **kwargs):
    """Every history admin refuses reverting (django-simple-history's own history form saves with
    only the view permission checked), and every admin action says which permission it needs
    (an action without one runs for anyone who may view the list)."""
    from django.contrib import admin
    from simple_history.admin import SimpleHistoryAdmin

    from intake.admin_base import HistoryAdmin

    problems = []
    for model, model_admin in admin.site._registry.items():
        name = f"{type(model_admin).__module__}.{type(model_admin).__qualname__}"
        if isinstance(model_admin, SimpleHistoryAdmin) and not isinstance(model_admin, HistoryAdmin):
            problems.append(Error(
                f"{name}（{model._meta.label}）直接使用 SimpleHistoryAdmin："
                "其“恢复历史版本”表单只检查查看权限就会保存。",
                hint="继承 intake.admin_base.HistoryAdmin（或 ServiceAdmin / ReadOnlyAdmin）。", obj=model_admin,
                id="intake.E001",
            ))
        for func, action, _description in model_admin._get_base_actions():
            if not getattr(func, "allowed_permissions", None):
                problems.append(Error(
                    f"{name} 的批量操作 {action} 没有 allowed_permissions：能查看列表的人都能执行它。",
                    hint="@admin.action(permissions=[...])，并为它写 has_<权限>_permission。", obj=model_admin,
                    id="intake.E002",
                ))
    return problems
