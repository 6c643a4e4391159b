"""Everyone's progress on milestones moves onto the milestones they were merged into (careers
0008): one row per person and merged milestone, done if any of theirs was done, on the earliest
date; every note kept (the same text once), the first evidence link kept as the link and any
other appended to the note; events and mentors' comments point at the merged milestone."""

from django.db import migrations, models

NOTE_SEPARATOR = "\n\n"


def merged_into(apps):
    """Each milestone's id -> the id of the milestone it was merged into (itself if kept)."""
    Milestone = apps.get_model("careers", "Milestone")
    MilestoneAlias = apps.get_model("careers", "MilestoneAlias")
    aliases = {
        (role_slug, slug): milestone_id
        for role_slug, slug, milestone_id in MilestoneAlias.objects.values_list(
            "role_slug", "slug", "milestone_id"
        )
    }
    kept = set(aliases.values())
    return {
        pk: pk if pk in kept else aliases[(role_slug, slug)]
        for pk, role_slug, slug in Milestone.objects.values_list("pk", "role__slug", "slug")
    }


def merged_row(rows):
    """The values of one person's rows on milestones merged into one, oldest milestone first."""
    dates = [row.completed_at for row in rows if row.completed_at is not None]
    notes = []
    for row in rows:
        if row.note and row.note not in notes:
            notes.append(row.note)
    links = []
    for row in rows:
        if row.evidence_url and row.evidence_url not in links:
            links.append(row.evidence_url)
    notes += [f"Evidence: {link}" for link in links[1:]]
    return {
        "completed_at": min(dates) if dates else None,
        "note": NOTE_SEPARATOR.join(notes),
        "evidence_url": links[0] if links else "",
        "updated_at": max(row.updated_at for row in rows),
    }


def move_progress(apps, schema_editor):
    MilestoneProgress = apps.get_model("tracker", "MilestoneProgress")
    ProgressEvent = apps.get_model("tracker", "ProgressEvent")
    ItemComment = apps.get_model("tracker", "ItemComment")
    into = merged_into(apps)
    moved = [pk for pk, target in into.items() if pk != target]
    if not moved:
        return
    targets = {into[pk] for pk in moved}
    affected = MilestoneProgress.objects.filter(milestone_id__in=[*moved, *targets])
    groups = {}
    for row in affected.order_by("milestone_id", "pk"):
        groups.setdefault((row.user_id, into[row.milestone_id]), []).append(row)
    for (user_id, target), rows in groups.items():
        keep = next((row for row in rows if row.milestone_id == target), rows[0])
        values = merged_row(rows)
        MilestoneProgress.objects.filter(pk__in=[r.pk for r in rows if r is not keep]).delete()
        MilestoneProgress.objects.filter(pk=keep.pk).update(milestone_id=target, **values)
    # The event log is never rewritten, but the milestones these rows named are going away.
    for pk in moved:
        ProgressEvent.objects.filter(milestone_id=pk).update(milestone_id=into[pk])
        ItemComment.objects.filter(milestone_id=pk).update(milestone_id=into[pk])


class Migration(migrations.Migration):
    dependencies = [
        ("careers", "0008_global_milestones"),
        ("tracker", "0011_mentorship_expired"),
    ]

    operations = [
        # Joined notes may be longer than one typed note: room for them first.
        migrations.AlterField(
            model_name="milestoneprogress",
            name="note",
            field=models.TextField(blank=True),
        ),
        migrations.RunPython(move_progress, migrations.RunPython.noop),
    ]
