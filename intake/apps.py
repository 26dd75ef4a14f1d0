from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "intake"
    verbose_name = "推荐填报"

    def ready(self):
        from . import admin_names, checks, text  # noqa: F401  (checks registers the system checks)
        from .accounts import middleware  # noqa: F401  (the idle clock starts at login)
        from .audit import receivers  # noqa: F401  (security log entries for logins and admin changes)
        from .renders import annex2, letters  # noqa: F401  (registers the render kinds)

        admin_names.apply()
        text.connect()
