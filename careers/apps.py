from django.apps import AppConfig


class CareersConfig(AppConfig):
    name = "careers"
    verbose_name = "Role catalog"

    def ready(self) -> None:
        from . import signals

        signals.connect()
