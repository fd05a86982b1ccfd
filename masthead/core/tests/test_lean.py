"""``core.lean`` refuses a set-up that would answer a path differently from the URLconf."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.handlers.wsgi import WSGIHandler
from django.http import HttpResponse
from django.test import override_settings

from masthead.core.lean import LeanPaths, lean_middleware


def test_lean_middleware_must_be_a_part_of_middleware_in_its_order():
    security = "django.middleware.security.SecurityMiddleware"
    common = "django.middleware.common.CommonMiddleware"
    assert lean_middleware()  # the project's own is valid
    with override_settings(LEAN_MIDDLEWARE=[common, security]), pytest.raises(ImproperlyConfigured):
        lean_middleware()
    with (
        override_settings(LEAN_MIDDLEWARE=["example.Unknown"]),
        pytest.raises(ImproperlyConfigured),
    ):
        lean_middleware()


def test_a_path_must_be_answered_by_the_same_view_in_the_urlconf():
    def other(request):
        return HttpResponse()

    with pytest.raises(ImproperlyConfigured):
        LeanPaths(WSGIHandler(), {"/figures/hit": other})
