"""Sending an edition and exporting the subscriber list get permissions of their own.

Editors send editions, as before (they now hold "send edition" explicitly); only
administrators may take the whole subscriber list away as a file. Existing installs get the
same through this migration.
"""

from django.db import migrations

GRANTS = {
    "Editor": [("edition", "send_edition")],
    "Administrator": [("edition", "send_edition"), ("subscriber", "export_subscribers")],
}


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions
    from django.contrib.contenttypes.management import create_contenttypes

    app_config = apps.get_app_config("newsletters")
    app_config.models_module = True
    create_contenttypes(app_config, verbosity=0, apps=apps)
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, entries in GRANTS.items():
        group = Group.objects.filter(name=group_name).first()
        if group is None:
            continue
        for model, codename in entries:
            group.permissions.add(
                Permission.objects.get(
                    content_type__app_label="newsletters",
                    content_type__model=model,
                    codename=codename,
                )
            )


class Migration(migrations.Migration):
    dependencies = [
        ("newsletters", "0003_newsletter_include_mirrors"),
        ("publishing", "0002_home_and_editorial_groups"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="edition",
            options={
                "ordering": ["-created_at"],
                "permissions": [("send_edition", "Can send or schedule an edition to its list")],
            },
        ),
        migrations.AlterModelOptions(
            name="subscriber",
            options={
                "ordering": ["-created_at"],
                "permissions": [("export_subscribers", "Can export subscribers")],
            },
        ),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
