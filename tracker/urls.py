from django.urls import path

from . import (
    account_data,
    history,
    import_views,
    mentee_views,
    mentor_views,
    sharing_views,
    views,
)

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
    path("skills/<slug:slug>/progress/", views.skill_progress, name="skill_progress"),
    path("goal/", views.goal_set, name="goal_set"),
    # The person's parts of the compare page and of a role page (careers loads them); the
    # first before the second, whose slug would take "compare".
    path("roles/compare/you/", views.compare_progress, name="compare_progress"),
    path("roles/<slug:slug>/you/", views.role_progress, name="role_progress"),
    path("settings/", views.settings_page, name="settings"),
    path("settings/profile/", views.profile_update, name="profile_update"),
    path("settings/import/", import_views.import_page, name="import"),
    path("settings/import/preview/", import_views.import_preview, name="import_preview"),
    path("settings/import/apply/", import_views.import_apply, name="import_apply"),
    path("settings/delete/", account_data.account_delete_page, name="account_delete"),
    path("settings/sharing/", sharing_views.share_settings, name="share_settings"),
    path("settings/sharing/new/", sharing_views.share_create, name="share_create"),
    path(
        "settings/sharing/<int:link_id>/options/",
        sharing_views.share_options,
        name="share_options",
    ),
    path("settings/sharing/<int:link_id>/revoke/", sharing_views.share_revoke, name="share_revoke"),
    # Tokens are URL-safe base64, the slug converter's alphabet.
    path("p/<slug:token>/", sharing_views.share_page, name="share_page"),
    # Mentors: the person's side under settings, the mentor's under /mentoring/ (whose
    # /mentoring/<username>/ is the page of one person).
    path("settings/mentors/", mentor_views.mentors_settings, name="mentors_settings"),
    path("settings/mentors/invite/", mentor_views.mentor_invite, name="mentor_invite"),
    path(
        "settings/mentors/<int:mentorship_id>/notes/",
        mentor_views.mentor_notes,
        name="mentor_notes",
    ),
    path("settings/mentors/<int:mentorship_id>/end/", mentor_views.mentor_end, name="mentor_end"),
    path("mentoring/", mentor_views.mentoring, name="mentoring"),
    path("mentoring/team.csv", mentor_views.team_csv, name="team_csv"),
    path(
        "mentoring/invitations/<int:mentorship_id>/accept/",
        mentor_views.invitation_accept,
        name="invitation_accept",
    ),
    path(
        "mentoring/invitations/<int:mentorship_id>/decline/",
        mentor_views.invitation_decline,
        name="invitation_decline",
    ),
    path("mentoring/team/<int:mentorship_id>/end/", mentor_views.mentee_end, name="mentee_end"),
    # A mentor's view of one person, their comments on that person's items, and the person
    # hiding a comment on their plan.
    path("mentoring/<str:username>/", mentee_views.mentee, name="mentee"),
    path(
        "mentoring/<str:username>/items/<str:kind>/<int:item_id>/comments/",
        mentee_views.comment_add,
        name="comment_add",
    ),
    path(
        "mentoring/<str:username>/comments/<int:comment_id>/edit/",
        mentee_views.comment_edit,
        name="comment_edit",
    ),
    path(
        "mentoring/<str:username>/comments/<int:comment_id>/delete/",
        mentee_views.comment_delete,
        name="comment_delete",
    ),
    path(
        "plan/comments/<int:comment_id>/hidden/", mentee_views.comment_hidden, name="comment_hidden"
    ),
    path("me/export.json", account_data.export_json, name="export_json"),
    path("me/export.csv", account_data.export_csv, name="export_csv"),
]
