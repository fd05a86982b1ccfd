from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("supporters", "0003_send_and_export_permissions"),
    ]

    operations = [
        migrations.CreateModel(
            name="UnmatchedEvent",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("provider", models.CharField(max_length=40)),
                ("event_id", models.CharField(max_length=255)),
                ("kind", models.CharField(max_length=30)),
                ("provider_type", models.CharField(max_length=100)),
                ("occurred_at", models.DateTimeField()),
                ("received_at", models.DateTimeField(auto_now_add=True)),
                (
                    "checkout_reference",
                    models.CharField(blank=True, db_index=True, max_length=64),
                ),
                (
                    "payment_reference",
                    models.CharField(blank=True, db_index=True, max_length=255),
                ),
                (
                    "recurring_reference",
                    models.CharField(blank=True, db_index=True, max_length=255),
                ),
                ("amount_minor", models.PositiveIntegerField(blank=True, null=True)),
                ("currency", models.CharField(blank=True, max_length=3)),
                ("is_renewal", models.BooleanField(default=False)),
                ("message", models.CharField(blank=True, max_length=255)),
                ("recurring", models.JSONField(blank=True, default=dict)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("provider", "event_id"), name="unmatched_event_once"
                    )
                ],
            },
        ),
    ]
