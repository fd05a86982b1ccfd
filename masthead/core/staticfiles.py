"""The static files' storage: WhiteNoise's compressed, hashed files, with their URLs kept.

Every public page names the same few files (the style sheet, the script, the icon) a
handful of times; Django's manifest storage works each URL out again at every ``{% static %}``
(clean the name, look up its hash, join it to ``STATIC_URL``), which was a tenth of the
CPU of an uncached article page. A file's URL does not change while the manifest it comes
from is loaded, so each is made once per storage.
"""

from django.conf import settings
from whitenoise.storage import CompressedManifestStaticFilesStorage


class CachedManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls: dict[tuple[str, bool, bool], str] = {}

    def url(self, name, force=False):
        key = (name, force, settings.DEBUG)  # DEBUG: names as they are, not hashed
        found = self._urls.get(key)
        if found is None:
            found = self._urls[key] = super().url(name, force)  # an unknown file raises
        return found

    def post_process(self, *args, **kwargs):
        self._urls.clear()  # collectstatic makes the hashed names again
        yield from super().post_process(*args, **kwargs)
        self._urls.clear()
