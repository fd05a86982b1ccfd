"""Start-up warnings: ``masthead`` runs the system checks before serving and migrating."""

from django.conf import settings
from django.core.checks import Warning


def second_factor_optional_warning(app_configs, **kwargs) -> list[Warning]:
    if settings.ADMIN_2FA == "required":
        return []
    return [
        Warning(
            "MASTHEAD_ADMIN_2FA=optional: admin accounts without a second factor can sign in "
            "with a password alone.",
            hint="For development only. Unset MASTHEAD_ADMIN_2FA (or set it to 'required') "
            "anywhere real people sign in.",
            id="masthead.accounts.W001",
        )
    ]
