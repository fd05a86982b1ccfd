"""The renderer a process keeps, and the collector while it renders."""

import gc

from django.test import override_settings

from masthead.distribution.services.render import collector_set_aside, renderer


def test_one_renderer_per_thread_until_the_settings_change():
    first = renderer()
    assert renderer() is first
    with override_settings(BASE_URL="https://other.example.org"):
        other = renderer()
        assert other is not first
        assert other.client.defaults["HTTP_HOST"] == "other.example.org"
    assert renderer() is not other  # the settings changed back


def test_what_exists_before_rendering_is_left_out_of_collections_until_the_end():
    held = [object()]
    with collector_set_aside():
        assert gc.get_freeze_count() > 0
        assert not any(obj is held for obj in gc.get_objects())  # frozen: not walked
    assert gc.get_freeze_count() == 0
    assert any(obj is held for obj in gc.get_objects())
