import json

from masthead.core.staticfiles import CachedManifestStaticFilesStorage


def _storage(tmp_path, hashed: str) -> CachedManifestStaticFilesStorage:
    (tmp_path / "staticfiles.json").write_text(
        json.dumps({"version": "1.1", "paths": {"site.css": hashed}, "hash": "x"})
    )
    return CachedManifestStaticFilesStorage(location=tmp_path, base_url="/static/")


def test_a_static_url_is_the_manifest_storages_and_is_made_once(settings, tmp_path):
    settings.DEBUG = False
    storage = _storage(tmp_path, "site.abc123.css")
    assert storage.url("site.css") == "/static/site.abc123.css"
    storage.hashed_files["site.css"] = "site.changed.css"
    assert storage.url("site.css") == "/static/site.abc123.css"  # kept, not worked out again
    settings.DEBUG = True
    assert storage.url("site.css") == "/static/site.css"  # as Django's storage does in DEBUG


def test_collectstatic_forgets_the_urls_it_makes_again(settings, tmp_path):
    settings.DEBUG = False
    storage = _storage(tmp_path, "site.abc123.css")
    assert storage.url("site.css") == "/static/site.abc123.css"
    list(storage.post_process({}, dry_run=True))
    storage.hashed_files["site.css"] = "site.def456.css"
    assert storage.url("site.css") == "/static/site.def456.css"
