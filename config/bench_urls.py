"""The app's URLs plus the bare view that `manage.py bench` measures every page against."""

from django.urls import include, path

from benchmarks.views import bare_view
from config import urls as app_urls

urlpatterns = [
    path("bench/bare/", bare_view, name="bench_bare"),
    path("", include(app_urls.urlpatterns)),
]

# Error pages as the app renders them, so a failing page costs here what it costs there.
for _name in ("handler400", "handler403", "handler404", "handler500"):
    if hasattr(app_urls, _name):
        globals()[_name] = getattr(app_urls, _name)
