from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "intake"
    verbose_name = "推荐填报"

    def ready(self):
        from intake import admin_names, checks  # noqa: F401  (checks registers the system checks)
        from intake.accounts import middleware  # noqa: F401  (the idle clock starts at login)
        from intake.audit import receivers  # noqa: F401  (security log entries for logins and admin changes)
        from intake.common import text
        from intake.renders import annex2, letters  # noqa: F401  (registers the render kinds)

        admin_names.apply()
        text.connect()
