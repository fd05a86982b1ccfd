"""Editors see reader revenue and confirm offline gifts; they and administrators set up the
support form and the offline payment methods."""

from django.db import migrations

PERMS = {
    "Editor": [
        ("supporters", "contribution", ["view_contribution", "change_contribution"]),
        ("supporters", "recurringsupport", ["view_recurringsupport"]),
        ("supporters", "supportsettings", ["change_supportsettings"]),
        ("payments", "offlinepaymentsettings", ["change_offlinepaymentsettings"]),
    ],
    "Administrator": [
        ("supporters", "contribution", ["view_contribution", "change_contribution"]),
        ("supporters", "recurringsupport", ["view_recurringsupport"]),
        ("supporters", "supporter", ["view_supporter"]),
        ("supporters", "supportsettings", ["change_supportsettings"]),
        ("payments", "offlinepaymentsettings", ["change_offlinepaymentsettings"]),
    ],
}


def forwards(apps, schema_editor):
    from django.contrib.auth.management import create_permissions
    from django.contrib.contenttypes.management import create_contenttypes

    for label in ("supporters", "payments"):
        app_config = apps.get_app_config(label)
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
        for app_label, model, codenames in entries:
            for codename in codenames:
                permission = Permission.objects.filter(
                    content_type__app_label=app_label, codename=codename
                ).first()
                if permission is not None:
                    group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("supporters", "0001_initial"),
        ("payments", "0001_initial"),
        ("publishing", "0002_home_and_editorial_groups"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
