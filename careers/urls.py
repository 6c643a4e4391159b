from django.urls import path

from . import views

app_name = "careers"

urlpatterns = [
    path("roles/", views.role_list, name="role_list"),
    path("roles/<slug:slug>/", views.role_detail, name="role_detail"),
]
