"""The milestones merged into another in 0008, now that nobody's progress points at them
(tracker 0012 moved it onto the merged milestone)."""

from django.db import migrations


def drop_duplicates(apps, schema_editor):
    Milestone = apps.get_model("careers", "Milestone")
    MilestoneAlias = apps.get_model("careers", "MilestoneAlias")
    kept = MilestoneAlias.objects.values("milestone_id")
    Milestone.objects.exclude(pk__in=kept).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("careers", "0008_global_milestones"),
        ("tracker", "0012_progress_on_merged_milestones"),
    ]

    operations = [
        migrations.RunPython(drop_duplicates, migrations.RunPython.noop),
    ]
