from django.apps import AppConfig


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = "People's progress"

    def ready(self) -> None:
        from careers import usage

        from . import signals
        from .usage import catalog_rows_in_progress

        signals.connect()
        usage.register(catalog_rows_in_progress)
