import masthead.core.editions
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("supporters", "0004_unmatched_event"),
    ]

    operations = [
        migrations.AddField(
            model_name="contribution",
            name="language",
            field=models.CharField(
                default=masthead.core.editions.default_language, editable=False, max_length=15
            ),
        ),
        migrations.AddField(
            model_name="recurringsupport",
            name="language",
            field=models.CharField(
                default=masthead.core.editions.default_language, editable=False, max_length=15
            ),
        ),
        migrations.AddField(
            model_name="reminder",
            name="language",
            field=models.CharField(
                default=masthead.core.editions.default_language, editable=False, max_length=15
            ),
        ),
    ]
