"""``core.file_cache``: Django's file cache, listing its directory to cull once every
``CULL_EVERY`` writes instead of on every write."""

from django.core.cache.backends.filebased import FileBasedCache

from masthead.core import file_cache


def test_culls_once_every_so_many_writes_and_still_stays_bounded(tmp_path, monkeypatch):
    monkeypatch.setattr(file_cache, "CULL_EVERY", 10)
    listings = []
    original = FileBasedCache._list_cache_files

    def counted(self):
        listings.append(1)
        return original(self)

    monkeypatch.setattr(FileBasedCache, "_list_cache_files", counted)
    cache = file_cache.FileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 20}})
    for number in range(100):
        cache.set(f"key-{number}", number)
    assert len(listings) == 10  # Django's own cache would have listed 100 times
    assert len(list(tmp_path.glob("*.djcache"))) <= 20 + 10
    assert cache.get("key-99") == 99


def test_django_culls_through_the_method_we_replace(tmp_path, monkeypatch):
    """``FileBasedCache.set`` calls ``self._cull()`` before each write: pin that name."""
    calls = []
    monkeypatch.setattr(FileBasedCache, "_cull", lambda self: calls.append(1))
    FileBasedCache(str(tmp_path), {}).set("key", "value")
    assert calls == [1]
