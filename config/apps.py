from django.apps import AppConfig


class PathwiseConfig(AppConfig):
    """Project-wide hooks that belong to no single app."""

    name = "config"
    label = "pathwise"
    verbose_name = "Pathwise"

    def ready(self) -> None:
        from . import auth_log, lookups  # noqa: F401

        lookups.register()
