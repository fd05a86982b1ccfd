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


def test_the_handler_attributes_lean_handler_sets_are_djangos_own():
    """``LeanHandler.load_middleware`` sets Django's ``BaseHandler`` attributes itself (a
    private interface): Django's own loading sets exactly these, and its request path reads
    the chain."""
    import inspect

    from django.core.handlers.base import BaseHandler

    from masthead.core.lean import LeanHandler

    attributes = (
        "_view_middleware",
        "_template_response_middleware",
        "_exception_middleware",
        "_middleware_chain",
    )
    django_handler = BaseHandler()
    django_handler.load_middleware()
    for name in attributes:
        assert hasattr(django_handler, name), name
    assert "self._middleware_chain(request)" in inspect.getsource(BaseHandler.get_response)
    lean = LeanHandler(lambda request: HttpResponse())
    assert all(hasattr(lean, name) for name in attributes)
