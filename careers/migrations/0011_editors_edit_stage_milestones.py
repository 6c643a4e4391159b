"""The "Catalog editors" group may edit where stages ask for milestones (StageMilestone), as it
may edit everything else of the catalog (0003 gave it the models there were then)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Catalog editors"
ACTIONS = ("add", "change", "delete", "view")


def grant(apps, schema_editor) -> None:
    db = schema_editor.connection.alias
    # As in 0003: the permissions come after `migrate` otherwise, too late for the group.
    careers = apps.get_app_config("careers")
    careers.models_module = True
    try:
        create_permissions(careers, apps=apps, verbosity=0, using=db)
    finally:
        careers.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.using(db).filter(
        content_type__app_label="careers",
        codename__in=[f"{action}_stagemilestone" for action in ACTIONS],
    )
    group, _ = Group.objects.using(db).get_or_create(name=GROUP_NAME)
    group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("careers", "0010_milestone_one_list"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
