from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import get_language

from masthead.core.editions import edition_prefix, editions_enabled


def site(request: HttpRequest) -> dict:
    """What every public template needs: the canonical origin, the publication's settings as
    the edition being read words them, and where that edition starts (``/``, or ``/ru/``)."""
    from masthead.core.models import edition_publication

    return {
        "BASE_URL": settings.BASE_URL,
        "EDITION_ROOT": edition_prefix(get_language()) if editions_enabled() else "/",
        "publication": edition_publication(request=request),
    }
