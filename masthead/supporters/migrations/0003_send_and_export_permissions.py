"""Exporting contributions gets a permission of its own: seeing the revenue charts (editors)
is not taking every contribution away as a file (administrators). Existing installs get the
same through this migration."""

from django.db import migrations

GRANTS = {"Administrator": [("contribution", "export_contributions")]}


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions
    from django.contrib.contenttypes.management import create_contenttypes

    app_config = apps.get_app_config("supporters")
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
                    content_type__app_label="supporters",
                    content_type__model=model,
                    codename=codename,
                )
            )


class Migration(migrations.Migration):
    dependencies = [
        ("supporters", "0002_newsroom_permissions"),
        ("publishing", "0002_home_and_editorial_groups"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="contribution",
            options={"permissions": [("export_contributions", "Can export contributions")]},
        ),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
