"""Editors compose, schedule and send editions and look after subscribers; administrators also
set up the lists. Nobody edits the activity log."""

from django.db import migrations

EDITOR = [
    ("edition", ["add_edition", "change_edition", "delete_edition", "view_edition"]),
    ("newsletter", ["view_newsletter"]),
    ("subscriber", ["view_subscriber", "change_subscriber", "delete_subscriber"]),
    ("suppression", ["view_suppression", "add_suppression", "delete_suppression"]),
    ("auditentry", ["view_auditentry"]),
]
PERMS = {
    "Editor": EDITOR,
    "Administrator": [
        *EDITOR,
        ("newsletter", ["add_newsletter", "change_newsletter", "delete_newsletter"]),
    ],
}


def forwards(apps, schema_editor):
    from django.contrib.auth.management import create_permissions
    from django.contrib.contenttypes.management import create_contenttypes

    app_config = apps.get_app_config("newsletters")
    app_config.models_module = True
    create_contenttypes(app_config, verbosity=0, apps=apps)
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, entries in PERMS.items():
        group = Group.objects.filter(name=group_name).first()
        if group is None:
            continue
        for _model, codenames in entries:
            for codename in codenames:
                permission = Permission.objects.filter(
                    content_type__app_label="newsletters", codename=codename
                ).first()
                if permission is not None:
                    group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("newsletters", "0001_initial"),
        ("publishing", "0002_home_and_editorial_groups"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
