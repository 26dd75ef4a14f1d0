from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "intake"
    verbose_name = "推荐填报"

    def ready(self):
        from . import admin_names, checks  # noqa: F401  (checks registers the system checks)

        admin_names.apply()
