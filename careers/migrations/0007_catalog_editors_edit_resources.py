"""The "Catalog editors" group may edit learning resources, as it edits the rest of the catalog."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Catalog editors"
CODENAMES = [f"{action}_resource" for action in ("add", "change", "delete", "view")]


def grant(apps, schema_editor) -> None:
    db = schema_editor.connection.alias
    # As in 0003: the permissions of a model made by this run of `migrate` do not exist yet.
    careers = apps.get_app_config("careers")
    careers.models_module = True
    try:
        create_permissions(careers, apps=apps, verbosity=0, using=db)
    finally:
        careers.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.using(db).get_or_create(name=GROUP_NAME)
    group.permissions.add(
        *Permission.objects.using(db).filter(
            content_type__app_label="careers", codename__in=CODENAMES
        )
    )


def revoke(apps, schema_editor) -> None:
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    db = schema_editor.connection.alias
    for group in Group.objects.using(db).filter(name=GROUP_NAME):
        group.permissions.remove(
            *Permission.objects.using(db).filter(
                content_type__app_label="careers", codename__in=CODENAMES
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("careers", "0006_resource"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
