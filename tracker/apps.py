from django.apps import AppConfig


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = "People's progress"

    def ready(self) -> None:
        from careers import usage

        from . import signals  # noqa: F401  (connects its signal receivers)
        from .usage import catalog_rows_in_progress

        usage.register(catalog_rows_in_progress)
