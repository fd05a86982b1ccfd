from django.conf import settings
from django.http import HttpRequest

from masthead.core.memo import memo


def site(request: HttpRequest) -> dict:
    """What every public template needs: the canonical origin and the publication's settings."""
    from masthead.core.models import PublicationSettings

    return {
        "BASE_URL": settings.BASE_URL,
        "publication": memo(
            "publication_settings", lambda: PublicationSettings.load(request_or_site=request)
        ),
    }
