from django.urls import path

from . import account_data, history, views

app_name = "tracker"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("plan/", views.plan, name="plan"),
    path("history/", history.history, name="history"),
    path("plan/skills/<int:skill_id>/status/", views.skill_status, name="skill_status"),
    path("plan/skills/<int:skill_id>/note/", views.skill_note, name="skill_note"),
    path("plan/milestones/<int:milestone_id>/done/", views.milestone_done, name="milestone_done"),
    path("plan/milestones/<int:milestone_id>/note/", views.milestone_note, name="milestone_note"),
    # The note form of one item, on a page of its own; it posts to the two URLs above.
    path("plan/items/<str:kind>/<int:item_id>/note/", views.note_page, name="note_page"),
    path("goal/", views.goal_set, name="goal_set"),
    path("settings/", views.settings_page, name="settings"),
    path("settings/profile/", views.profile_update, name="profile_update"),
    path("settings/delete/", account_data.account_delete_page, name="account_delete"),
    path("me/export.json", account_data.export_json, name="export_json"),
    path("me/export.csv", account_data.export_csv, name="export_csv"),
]
