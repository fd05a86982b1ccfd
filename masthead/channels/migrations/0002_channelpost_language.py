from django.conf import settings
from django.db import migrations, models


def posts_in_the_default_language(apps, schema_editor):
    """Every post made so far went to the default language's accounts: there were no others."""
    ChannelPost = apps.get_model("channels", "ChannelPost")
    ChannelPost.objects.filter(language="").update(language=settings.LANGUAGE_CODE)


class Migration(migrations.Migration):
    dependencies = [
        ("channels", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="channelpost",
            name="language",
            field=models.CharField(default="", max_length=100),
            preserve_default=False,
        ),
        migrations.RunPython(posts_in_the_default_language, migrations.RunPython.noop),
    ]
