import logging

from django.apps import AppConfig
from django.conf import settings
from django.core import checks


class AccountsConfig(AppConfig):
    name = "masthead.accounts"
    label = "accounts"
    verbose_name = "Staff accounts"

    def ready(self) -> None:
        from masthead.accounts import receivers
        from masthead.accounts.checks import second_factor_optional_warning

        receivers.connect()
        # Shown by `masthead check`, migrate and runserver…
        checks.register(second_factor_optional_warning, checks.Tags.security)
        # …and logged by every process that serves, gunicorn's workers included.
        if settings.ADMIN_2FA != "required":
            logging.getLogger(__name__).warning(
                "MASTHEAD_ADMIN_2FA=%s: admin accounts without a second factor sign in with a "
                "password alone. For development only.",
                settings.ADMIN_2FA,
            )
