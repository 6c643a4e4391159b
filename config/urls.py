from django.contrib import admin
from django.urls import include, path

from careers import views as careers_views
from config import health
from tracker import views as tracker_views

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("", careers_views.home, name="home"),
    path("admin/", admin.site.urls),
    path("accounts/signup/", tracker_views.signup, name="signup"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("careers.urls")),
    path("", include("tracker.urls")),
]

handler500 = "config.errors.server_error"
