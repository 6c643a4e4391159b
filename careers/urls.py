from django.urls import path

from . import views

app_name = "careers"

urlpatterns = [
    path("roles/", views.role_list, name="role_list"),
    # Before the role page, whose slug would take "compare".
    path("roles/compare/", views.role_compare, name="role_compare"),
    path("roles/<slug:slug>/", views.role_detail, name="role_detail"),
    path("skills/", views.skill_list, name="skill_list"),
    path("skills/<slug:slug>/", views.skill_detail, name="skill_detail"),
]
