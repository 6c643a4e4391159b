from django.apps import AppConfig


class PathwiseConfig(AppConfig):
    """Project-wide hooks that belong to no single app."""

    name = "config"
    label = "pathwise"
    verbose_name = "Pathwise"

    def ready(self) -> None:
        from . import auth_log  # noqa: F401  (connects its signal receivers)
