"""The "Catalog editors" group: staff in it may edit the role catalog in admin, and nothing else."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Catalog editors"
ACTIONS = ("add", "change", "delete", "view")


def create_group(apps, schema_editor) -> None:
    db = schema_editor.connection.alias
    # Permissions are normally created after `migrate` finishes (post_migrate), which is too
    # late on a fresh database; create the careers ones now. The historical app config has no
    # models module, and create_permissions skips such apps, hence the flag.
    careers = apps.get_app_config("careers")
    careers.models_module = True
    try:
        create_permissions(careers, apps=apps, verbosity=0, using=db)
    finally:
        careers.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    model_names = [model._meta.model_name for model in careers.get_models()]
    content_types = ContentType.objects.using(db).filter(app_label="careers", model__in=model_names)
    codenames = [f"{action}_{name}" for action in ACTIONS for name in model_names]
    permissions = Permission.objects.using(db).filter(
        content_type__in=content_types, codename__in=codenames
    )
    group, _ = Group.objects.using(db).get_or_create(name=GROUP_NAME)
    group.permissions.add(*permissions)


def remove_group(apps, schema_editor) -> None:
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("careers", "0002_constraint_messages"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
