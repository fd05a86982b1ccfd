import masthead.core.editions
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("newsletters", "0004_send_and_export_permissions"),
    ]

    operations = [
        migrations.AddField(
            model_name="subscriber",
            name="language",
            field=models.CharField(
                default=masthead.core.editions.default_language, editable=False, max_length=15
            ),
        ),
    ]
