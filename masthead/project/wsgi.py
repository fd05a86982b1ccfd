import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.project.settings")
application = get_wsgi_application()

from masthead.core.lean import LeanPaths  # noqa: E402 - after Django is set up
from masthead.figures import views as figures_views  # noqa: E402

# The readership beacon, posted by every page view, skips the middleware it does not need.
application = LeanPaths(application, {"/figures/hit": figures_views.hit})
