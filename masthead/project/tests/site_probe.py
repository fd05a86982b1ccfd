"""What a deployment holds and shows, as JSON: run in a deployment's environment.

``python -m masthead.project.tests.site_probe`` prints the rows of every model, the live pages,
subscribers and contributions, and the sha256 of every live page as a reader gets it. Tests
compare two deployments (a backup and its restore, two machines) with it.
"""

import hashlib
import json
import os
import sys


def probe() -> dict:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.project.settings")
    django.setup()
    from django.apps import apps
    from django.test import Client
    from wagtail.models import Page

    from masthead.newsletters.models import Subscriber
    from masthead.supporters.models import Contribution

    paths = sorted(
        page.get_url_parts()[2]
        for page in Page.objects.live().public().filter(depth__gt=1).specific()
        if page.get_url_parts()
    )
    client = Client(HTTP_HOST=os.environ.get("PROBE_HOST", "testserver"))
    pages = {}
    for path in paths:
        response = client.get(path, secure=True)
        pages[path] = [response.status_code, hashlib.sha256(response.content).hexdigest()]
        if os.environ.get("PROBE_SAVE_DIR"):  # for a person comparing two runs by eye
            name = path.strip("/").replace("/", "__") or "index"
            with open(os.path.join(os.environ["PROBE_SAVE_DIR"], f"{name}.html"), "wb") as fh:
                fh.write(response.content)
    # After rendering: a first render makes rows of its own (image renditions, settings).
    rows = {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }
    return {
        "rows": rows,
        "live_pages": len(paths),
        "subscribers": Subscriber.objects.count(),
        "contributions": Contribution.objects.count(),
        "pages": pages,
    }


if __name__ == "__main__":
    json.dump(probe(), sys.stdout)
