"""Editors set up appeals and read their results; Administrators may also delete them (which
deletes their results). Contributors do not see appeals."""

from django.db import migrations

PERMS = {
    "Editor": ["add_appeal", "change_appeal", "view_appeal"],
    "Administrator": ["add_appeal", "change_appeal", "delete_appeal", "view_appeal"],
}


def forwards(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("appeals")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in PERMS.items():
        group = Group.objects.filter(name=name).first()
        if group is None:
            continue
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="appeals", codename__in=codenames)
        )


def backwards(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    perms = Permission.objects.filter(content_type__app_label="appeals")
    for group in Group.objects.filter(name__in=PERMS):
        group.permissions.remove(*perms)


class Migration(migrations.Migration):
    dependencies = [
        ("appeals", "0001_initial"),
        ("publishing", "0002_home_and_editorial_groups"),
        ("auth", "__latest__"),
        ("contenttypes", "__latest__"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
