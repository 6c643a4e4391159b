from django.apps import AppConfig


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = "People's progress"

    def ready(self) -> None:
        from . import signals  # noqa: F401
