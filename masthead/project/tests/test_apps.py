"""Wagtail's apps as Masthead installs them: everything Wagtail's own start does, without
building its REST API (see ``masthead/project/apps.py``)."""

import hashlib
import inspect
import subprocess
import sys

import pytest
from django.apps import apps
from wagtail.contrib.redirects.apps import WagtailRedirectsAppConfig
from wagtail.documents.apps import WagtailDocsAppConfig
from wagtail.images.apps import WagtailImagesAppConfig
from wagtail.snippets.apps import WagtailSnippetsAppConfig

from masthead.project import apps as project_apps

# The sha256 of each Wagtail ``ready()`` that ours repeats without the API (Wagtail 8.0).
# A new Wagtail changes one: read the new ``ready()``, bring ours in line, record the new hash.
WAGTAIL_READY = {
    WagtailDocsAppConfig: ("DocumentsConfig", "4cdf87a46dbf81ef"),
    WagtailImagesAppConfig: ("ImagesConfig", "52e409385bb1ad62"),
    WagtailSnippetsAppConfig: ("SnippetsConfig", "1ac35b5ed4034956"),
    WagtailRedirectsAppConfig: ("RedirectsConfig", "19d1a78049d84e47"),
}


@pytest.mark.parametrize("wagtail_config", list(WAGTAIL_READY), ids=lambda c: c.__name__)
def test_each_wagtail_start_we_repeat_is_the_one_we_read(wagtail_config):
    ours, recorded = WAGTAIL_READY[wagtail_config]
    source = inspect.getsource(wagtail_config.ready)
    assert hashlib.sha256(source.encode()).hexdigest()[:16] == recorded, (
        f"Wagtail's {wagtail_config.__name__}.ready() changed: compare it with "
        f"masthead.project.apps.{ours}.ready()"
    )
    installed = apps.get_app_config(wagtail_config.label)
    assert type(installed) is getattr(project_apps, ours)


def test_starting_masthead_builds_no_rest_api():
    code = (
        "import sys, django; django.setup(); "
        "print(sorted(m for m in ('ninja', 'pydantic', 'wagtail.api.v3.api') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == "[]"


def test_what_wagtail_registers_when_it_starts_is_registered():
    from wagtail.contrib.redirects.models import Redirect
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.images.widgets import AdminImageChooser
    from wagtail.models.reference_index import ReferenceIndex
    from wagtail.permissions import policy_registry
    from wagtail.signals import page_slug_changed, post_page_move
    from wagtail.snippets.models import get_snippet_models

    from masthead.publishing.models import ArticlePage

    for model in (get_image_model(), get_document_model(), Redirect):
        assert policy_registry.get_by_type(model, fallback=False) is not None
    assert ReferenceIndex.is_indexed(get_image_model())
    assert ReferenceIndex.is_indexed(get_document_model())
    assert get_snippet_models(), "the deferred snippets were registered"
    form = ArticlePage.get_edit_handler().get_form_class()()
    assert isinstance(form.fields["lead_image"].widget, AdminImageChooser)
    assert post_page_move.has_listeners() and page_slug_changed.has_listeners()
