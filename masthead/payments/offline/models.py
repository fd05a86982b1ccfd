from django.db import models
from wagtail.admin.panels import FieldPanel, HelpPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting


@register_setting(icon="doc-full")
class OfflinePaymentSettings(BaseGenericSetting):
    """What readers who cannot or should not pay by card are told. A method with no
    instructions is not offered."""

    bank_transfer_instructions = models.TextField(
        blank=True,
        help_text=(
            "Account holder, IBAN, BIC, bank. The reader is also shown a reference to put on "
            "the transfer, so that you can match it. Leave empty to not offer bank transfers."
        ),
    )
    crypto_instructions = models.TextField(
        "cryptocurrency instructions",
        blank=True,
        help_text=(
            "One address per line, e.g. “Bitcoin: bc1q…”. Leave empty to not offer cryptocurrency."
        ),
    )

    panels = [
        HelpPanel(
            content=(
                "Offline gifts stay pending until someone marks them received under "
                "Reader revenue → Pending offline gifts."
            )
        ),
        FieldPanel("bank_transfer_instructions"),
        FieldPanel("crypto_instructions"),
    ]

    class Meta:
        verbose_name = "offline payment methods"
