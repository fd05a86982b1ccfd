"""A fresh install gets a HomePage at the root, and the newsroom's three groups:

- Contributor: writes articles and submits them for review; cannot publish.
- Editor: edits, publishes, schedules and unpublishes; approves submitted work.
- Administrator: everything an editor can, plus deleting pages, people and settings.

Wagtail's own "Editors" and "Moderators" groups become Contributor and Editor, so its
default moderation workflow (now "Editorial review") asks an Editor to approve.
"""

from django.db import migrations

PAGE_PERMS = {
    "Contributor": ["add_page"],
    "Editor": ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
    "Administrator": [
        "add_page", "change_page", "publish_page", "lock_page", "unlock_page",
        "delete_page", "bulk_delete_page",
    ],
}
MODEL_PERMS = {
    "Contributor": [
        ("wagtailadmin", "admin", ["access_admin"]),
        ("wagtailimages", "image", ["add_image", "choose_image"]),
        ("wagtaildocs", "document", ["add_document", "choose_document"]),
    ],
    "Editor": [
        ("wagtailadmin", "admin", ["access_admin"]),
        ("wagtailimages", "image", ["add_image", "change_image", "choose_image", "delete_image"]),
        ("wagtaildocs", "document", ["add_document", "change_document", "choose_document", "delete_document"]),
        ("publishing", "author", ["add_author", "change_author", "view_author"]),
    ],
    "Administrator": [
        ("wagtailadmin", "admin", ["access_admin"]),
        ("wagtailimages", "image", ["add_image", "change_image", "choose_image", "delete_image"]),
        ("wagtaildocs", "document", ["add_document", "change_document", "choose_document", "delete_document"]),
        ("publishing", "author", ["add_author", "change_author", "delete_author", "view_author"]),
        ("core", "publicationsettings", ["change_publicationsettings"]),
        ("auth", "user", ["add_user", "change_user", "delete_user"]),
        ("auth", "group", ["change_group"]),
        ("wagtailcore", "workflow", ["add_workflow", "change_workflow"]),
        ("wagtailredirects", "redirect", ["add_redirect", "change_redirect", "delete_redirect"]),
    ],
}


def forwards(apps, schema_editor):
    from django.contrib.auth.management import create_permissions
    from django.contrib.contenttypes.management import create_contenttypes

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_contenttypes(app_config, verbosity=0, apps=apps)
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    Collection = apps.get_model("wagtailcore", "Collection")
    ContentType = apps.get_model("contenttypes", "ContentType")
    HomePage = apps.get_model("publishing", "HomePage")

    # The home page replaces Wagtail's welcome page.
    root = Page.objects.get(depth=1)
    welcome = Page.objects.filter(depth=2, slug="home", content_type__model="page").first()
    if welcome is not None and not HomePage.objects.exists():
        welcome.delete()
        root.numchild = Page.objects.filter(depth=2).count()
        root.save(update_fields=["numchild"])
        home_type, _ = ContentType.objects.get_or_create(app_label="publishing", model="homepage")
        existing = Page.objects.filter(depth=2).order_by("-path").first()
        path = "00010001" if existing is None else existing.path[:4] + f"{int(existing.path[4:]) + 1:04d}"
        home = HomePage.objects.create(
            locale_id=welcome.locale_id, title="Home", draft_title="Home", slug="home", content_type=home_type,
            path=path, depth=2, numchild=0, url_path="/home/", live=True, has_unpublished_changes=False,
        )
        root.numchild += 1
        root.save(update_fields=["numchild"])
        Site.objects.update_or_create(
            is_default_site=True,
            defaults={"hostname": "localhost", "port": 80, "root_page_id": home.pk, "site_name": "Masthead"},
        )
    else:
        home = Page.objects.filter(depth=2).first()

    renames = {"Editors": "Contributor", "Moderators": "Editor"}
    for old, new in renames.items():
        Group.objects.filter(name=old).update(name=new)
    root_collection = Collection.objects.filter(depth=1).first()
    for name in PAGE_PERMS:
        group, _ = Group.objects.get_or_create(name=name)
        GroupPagePermission.objects.filter(group=group).delete()
        for codename in PAGE_PERMS[name]:
            GroupPagePermission.objects.create(
                group=group, page=root, permission=Permission.objects.get(
                    content_type__app_label="wagtailcore", codename=codename
                )
            )
        group.permissions.clear()
        GroupCollectionPermission.objects.filter(group=group).delete()
        for app_label, model, codenames in MODEL_PERMS[name]:
            for codename in codenames:
                perm = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
                if perm is None:
                    raise LookupError(f"permission {app_label}.{codename} does not exist")
                if app_label in ("wagtailimages", "wagtaildocs") and root_collection is not None:
                    GroupCollectionPermission.objects.create(
                        group=group, collection=root_collection, permission=perm
                    )
                else:
                    group.permissions.add(perm)

    Workflow = apps.get_model("wagtailcore", "Workflow")
    Task = apps.get_model("wagtailcore", "Task")
    Workflow.objects.filter(name="Moderators approval").update(name="Editorial review")
    Task.objects.filter(name="Moderators approval").update(name="Editor approval")


class Migration(migrations.Migration):
    dependencies = [
        ("publishing", "0001_initial"),
        ("core", "0001_initial"),
        ("wagtailcore", "__latest__"),
        ("wagtailimages", "__latest__"),
        ("wagtaildocs", "__latest__"),
        ("wagtailadmin", "__latest__"),
        ("wagtailredirects", "__latest__"),
        ("auth", "__latest__"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
