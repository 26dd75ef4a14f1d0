from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "intake"
    verbose_name = "推荐填报"

    def ready(self):
        from . import (
            checks,  # noqa: F401  (registers the system checks)
            text,
        )

        text.connect()
