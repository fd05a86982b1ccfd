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


def test_set_aside_blocks_nest_and_the_outermost_brings_everything_back():
    held = [object()]
    with collector_set_aside():
        made_inside = [object()]
        with collector_set_aside():
            assert not any(obj is made_inside for obj in gc.get_objects())
        # The inner block's end leaves the outer one's objects, and its own, set aside.
        assert gc.get_freeze_count() > 0
        assert not any(obj is held or obj is made_inside for obj in gc.get_objects())
    assert gc.get_freeze_count() == 0
    assert any(obj is made_inside for obj in gc.get_objects())


def test_the_manifest_is_parsed_with_the_collector_paused_and_it_comes_back(tmp_path, monkeypatch):
    import orjson

    from masthead.distribution.services import output
    from masthead.distribution.services.output import Manifest, collector_paused

    collecting_while_parsing, parse = [], orjson.loads

    def loads(data):
        collecting_while_parsing.append(gc.isenabled())
        return parse(data)

    Manifest(files={"index.html": {"path": "/", "deps": ["site"]}}).save(tmp_path)
    monkeypatch.setattr(output.orjson, "loads", loads)
    assert Manifest.load(tmp_path).files["index.html"]["deps"] == ["site"]
    assert collecting_while_parsing == [False]
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()  # paused by someone else: left as it was
    finally:
        gc.enable()
