from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import get_language

from masthead.core.editions import edition_prefix, editions_enabled
from masthead.core.memo import memo


def site(request: HttpRequest) -> dict:
    """What every public template needs: the canonical origin, the publication's settings and
    where the language edition being read starts (``/``, or ``/ru/``)."""
    from masthead.core.models import PublicationSettings

    return {
        "BASE_URL": settings.BASE_URL,
        "EDITION_ROOT": edition_prefix(get_language()) if editions_enabled() else "/",
        "publication": memo(
            "publication_settings", lambda: PublicationSettings.load(request_or_site=request)
        ),
    }
