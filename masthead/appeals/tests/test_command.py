"""``masthead appeals``: the operator's view of appeals, and the file for static copies."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from masthead.appeals.models import VariantCounter
from masthead.appeals.tests import factories

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("appeals", *args, stdout=out)
    return out.getvalue()


def test_list_and_report():
    appeal = factories.appeal(name="Spring drive", placement="banner")
    VariantCounter.objects.create(variant=appeal.variants.get(key="a"), views=12, clicks=3)
    assert f"{appeal.pk}\tbanner\tnon_supporters\ton\tSpring drive" in run("list")
    (report,) = json.loads(run("report", str(appeal.pk), "--json"))
    assert [(v["key"], v["views"], v["clicks"]) for v in report["variants"]] == [
        ("a", 12, 3),
        ("b", 0, 0),
    ]
    assert "a: 12 views, 3 clicks" in run("report")
    with pytest.raises(CommandError, match="No appeal with id"):
        run("report", str(appeal.pk + 100))


def test_export_writes_the_file_that_is_served(client, tmp_path):
    factories.appeal()
    path = tmp_path / "out" / "appeals" / "active.json"
    run("export", str(path))
    assert json.loads(path.read_text()) == json.loads(client.get("/appeals/active.json").content)
