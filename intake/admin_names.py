"""Chinese names of the apps and models of third-party packages the admin lists: django-axes ships
no zh-hans translation, so its pages read "Axes / Access attempts". Applied once at start-up
(`IntakeConfig.ready`).

Only the app's `verbose_name` and the models' `_meta.verbose_name(_plural)` are set: migrations
read a model's original Meta, so no migration of the package changes. A package added with admin
pages gets its lines here (`tests/campaigns/test_admin_names.py` fails until every name the admin shows is
Chinese); names of packages that are not installed are skipped.
"""

from django.apps import apps

APP_NAMES = {
    "axes": "登录保护",
}
MODEL_NAMES = {  # "app_label.model_name": (verbose_name, verbose_name_plural)
    "axes.accessattempt": ("登录失败计数", "登录失败计数（锁定依据）"),
    "axes.accessfailurelog": ("登录失败日志", "登录失败日志"),
    "axes.accesslog": ("登录日志", "登录日志"),
    "axes.accessattemptexpiration": ("登录锁定到期时间", "登录锁定到期时间"),
}


def apply():
    for label, name in APP_NAMES.items():
        try:
            apps.get_app_config(label).verbose_name = name
        except LookupError:
            continue
    for key, (singular, plural) in MODEL_NAMES.items():
        label, model_name = key.split(".")
        try:
            opts = apps.get_model(label, model_name)._meta
        except LookupError:
            continue
        opts.verbose_name, opts.verbose_name_plural = singular, plural
