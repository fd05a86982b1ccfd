"""Incremental publishing: an editor's publish reaches the static output through the task
queue, re-rendering exactly the files that depend on the change.

Each test changes articles it creates itself (the package's publication stays as built),
commits, and runs the real worker (``masthead worker --batch``) in its own process, as in
production. "Exactly" is checked two ways: afterwards every file is what the app now serves
(nothing stale), and every file that did not need to change still has its old modification
time (nothing rewritten for nothing).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django_tasks_db.models import DBTaskResult

from masthead.distribution.services.output import STATE_DIR, Manifest
from masthead.distribution.tests.conftest import copy_tree, run_worker


@pytest.fixture
def output(built, tmp_path, django_db_blocker, settings):
    """A copy of the built site that the publishing signals keep up to date."""
    out, portable = tmp_path / "out", tmp_path / "portable"
    copy_tree(built.out, out)
    copy_tree(built.portable, portable)
    settings.STATIC_OUTPUT_DIR, settings.STATIC_PORTABLE_OUTPUT_DIR = out, portable
    with django_db_blocker.unblock():
        DBTaskResult.objects.all().delete()
        yield out, portable


@pytest.fixture
def created(django_db_blocker):
    """Pages a test creates, deleted afterwards so the publication is as it was."""
    pages = []
    yield pages
    with django_db_blocker.unblock():
        from wagtail.contrib.redirects.models import Redirect
        from wagtail.models import Page

        for page in Page.objects.filter(pk__in=[p.pk for p in pages]):
            page.delete()
        Redirect.objects.all().delete()
        DBTaskResult.objects.all().delete()


def snapshot(root: Path) -> dict[str, int]:
    return {
        p.relative_to(root).as_posix(): p.stat().st_mtime_ns
        for p in root.rglob("*")
        if p.is_file() and STATE_DIR not in p.parts
    }


def worker_env(out: Path, portable: Path) -> dict[str, str]:
    """The worker's configuration: this output, and the pages' API origin."""
    return {
        "MASTHEAD_STATIC_OUT": str(out),
        "MASTHEAD_STATIC_PORTABLE_OUT": str(portable),
        "MASTHEAD_API_ORIGINS": " ".join(settings.API_ORIGINS),
        "MASTHEAD_SEARCH_PART_SIZE": str(settings.SEARCH_PART_SIZE),
        # Two render processes for an update of many files, whatever the machine's cores.
        "MASTHEAD_STATIC_BUILD_JOBS": "2",
    }


READ_MORE = re.compile(rb'<section class="read-more.*?</section>', re.DOTALL)


def stale_files(out: Path, *, read_more_may_lag: bool = False) -> list[str]:
    """Files that differ from what the app serves now.

    A newly published article also becomes a "read more" suggestion on older articles; those
    are brought up to date by the next full build, not by each publish (see services.site).
    ``read_more_may_lag`` leaves that block out of the comparison."""
    client = Client(HTTP_HOST=urlsplit(settings.BASE_URL).netloc)
    stale = []
    for name, entry in Manifest.load(out).files.items():
        response = client.get(entry["path"], secure=settings.BASE_URL.startswith("https"))
        served, written = response.content, (out / name).read_bytes()
        if entry["status"] in (301, 302):
            # A file cannot answer 301: it is a page that sends the reader on.
            location = response.headers.get("Location", "").encode()
            if response.status_code != entry["status"] or b"url=" + location not in written:
                stale.append(name)
            continue
        if read_more_may_lag:
            served, written = READ_MORE.sub(b"", served), READ_MORE.sub(b"", written)
        if served != written:
            stale.append(name)
    return stale


def changed(before: dict[str, int], after: dict[str, int]) -> set[str]:
    return {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}


def fresh(page):
    """The page as the database has it now (tree fields move as siblings come and go)."""
    return type(page).objects.get(pk=page.pk)


def publish(page) -> None:
    page.save_revision().publish(skip_permission_checks=True)


def task_reports() -> list[dict]:
    return [r.return_value for r in DBTaskResult.objects.order_by("enqueued_at") if r.return_value]


def test_an_edit_rewrites_exactly_the_files_that_show_the_article(
    output, created, publication, django_db_blocker
):
    from masthead.distribution import services
    from masthead.publishing.tests import factories

    out, portable = output
    with django_db_blocker.unblock():
        story = factories.article(
            parent=fresh(publication.culture),
            title="A dock strike spreads",
            tags=["exile"],
            hours_ago=2,
        )
        created.append(story)
        # Everything up to date with the new article (its first publish included), so that
        # the edit alone is measured.
        services.site_build(out=out, portable_out=portable)
        assert stale_files(out) == []
        before = snapshot(out)
        story.title = "A dock strike spreads to three ports"
        publish(story)
        run_worker(worker_env(out, portable))
        after = snapshot(out)
        assert stale_files(out) == []
        url = unquote(story.url)
        report = task_reports()[-1]

    rewritten = changed(before, after)
    page = url.lstrip("/") + "index.html"
    assert page in rewritten
    assert {
        "index.html",
        "culture/index.html",
        "tags/exile/index.html",
        "feeds/rss.xml",
    } <= rewritten
    # Pages that do not show it are left alone: World's listing, the "courts" tag, articles
    # that do not suggest it.
    assert not {
        n for n in rewritten if n.startswith(("world/index", "world/page/", "tags/courts/"))
    }
    assert "world/world-story-1/index.html" not in rewritten  # tagged "courts" only
    # The search index: the main part (the newest articles) again, not part 1 (the oldest).
    assert "pagefind/pagefind-entry.json" in rewritten
    assert not {n for n in rewritten if n.startswith("pagefind/part-")}
    # A fraction of the site was rendered, not all of it.
    assert report["rendered"] < len(Manifest.load(out).files) / 2
    # The portable copy follows.
    assert "to three ports" in (portable / page).read_text()


def test_publishing_a_new_article_adds_it_and_its_new_tag(
    output, created, publication, django_db_blocker
):
    from masthead.publishing.tests import factories

    out, portable = output
    with django_db_blocker.unblock():
        before = snapshot(out)
        story = factories.article(
            parent=fresh(publication.world),
            title="Ferry crews walk out",
            tags=["ferries"],
            hours_ago=1,
        )
        created.append(story)
        run_worker(worker_env(out, portable))
        assert stale_files(out, read_more_may_lag=True) == []
        url = unquote(story.url)
        total = len(Manifest.load(out).files)
        report = task_reports()[-1]
    after = snapshot(out)
    added = set(after) - set(before)
    assert url.lstrip("/") + "index.html" in added
    assert "tags/ferries/index.html" in added
    assert (portable / "tags/ferries/index.html").is_file()
    assert "Ferry crews walk out" in (out / "world/index.html").read_text()
    # The first pages of World's listing and of the archive show it; their numbered pages,
    # counted from the oldest, stay as they were; Culture is untouched.
    rewritten = changed(before, after)
    assert {"world/index.html", "archive/index.html"} <= rewritten
    assert not {n for n in rewritten if "/page/" in n}
    assert "culture/index.html" not in rewritten
    assert report["rendered"] < total


def test_numbered_listing_pages_follow_completed_removed_and_back_dated_articles(
    output, created, publication, django_db_blocker
):
    """World has 26 articles, 12 a page: its page 1 and its first page (14 newest). Ten more
    complete a page (page 2 appears, page 1 links to it); a back-dated one moves what the
    numbered pages show; removing two takes page 2 away again."""
    from masthead.publishing.tests import factories

    out, portable = output
    world = "world/page/"
    with django_db_blocker.unblock():
        before = snapshot(out)
        for _n in range(10):
            created.append(factories.article(parent=fresh(publication.world), hours_ago=0))
        run_worker(worker_env(out, portable))
        assert stale_files(out, read_more_may_lag=True) == []
        after = snapshot(out)
        assert f"{world}2/index.html" in set(after) - set(before)
        assert f"{world}1/index.html" in changed(before, after)  # Newer: page 2, not /world/
        # 41 articles: a second part of the search index; the first (the oldest) stays.
        assert "pagefind/part-2/pagefind-entry.json" in set(after) - set(before)
        assert not {n for n in changed(before, after) if n.startswith("pagefind/part-1/")}
        parts = (portable / "pagefind/masthead-parts.js").read_text()
        assert '["part-1/", "part-2/"]' in parts

        before = after
        old = factories.article(parent=fresh(publication.world), hours_ago=24 * 3650)
        created.append(old)
        run_worker(worker_env(out, portable))
        assert stale_files(out, read_more_may_lag=True) == []
        after = snapshot(out)
        assert {f"{world}1/index.html", f"{world}2/index.html"} <= changed(before, after)
        assert old.title in (out / f"{world}1/index.html").read_text()
        assert "pagefind/part-1/pagefind-entry.json" in changed(before, after)  # it moved

        for page in created[:2]:
            fresh(page).unpublish()
        run_worker(worker_env(out, portable))
        assert stale_files(out, read_more_may_lag=True) == []
    assert not (out / f"{world}2/index.html").exists()
    assert not (portable / f"{world}2/index.html").exists()
    assert (out / f"{world}1/index.html").is_file()


def test_unpublished_and_deleted_articles_disappear(
    output, created, publication, django_db_blocker
):
    from masthead.publishing.tests import factories

    out, portable = output
    with django_db_blocker.unblock():
        first = factories.article(
            parent=fresh(publication.culture), title="Soon withdrawn", hours_ago=1
        )
        second = factories.article(
            parent=fresh(publication.culture), title="Soon deleted", hours_ago=1
        )
        created.extend([first, second])
        run_worker(worker_env(out, portable))
        names = [unquote(a.url).lstrip("/") + "index.html" for a in (first, second)]
        assert all((out / n).is_file() for n in names)

        first.unpublish()
        second.delete()
        created.remove(second)
        run_worker(worker_env(out, portable))
        # Exact again: pages suggesting them are rewritten, no link is left pointing at them.
        assert stale_files(out, read_more_may_lag=True) == []
        for page in out.rglob("*.html"):
            assert not any(n.removesuffix("index.html") in page.read_text() for n in names), page
    for name in names:
        assert not (out / name).exists() and not (portable / name).exists()
    front = (out / "index.html").read_text()
    assert "Soon withdrawn" not in front and "Soon deleted" not in front


def test_a_restricted_article_leaves_every_copy_and_returns_when_public_again(
    output, created, publication, django_db_blocker
):
    """A password put on a published article takes it out of the output at once: a mirror
    or an offline copy must not keep serving what the newsroom has closed."""
    from wagtail.models import PageViewRestriction

    from masthead.publishing.tests import factories

    out, portable = output
    with django_db_blocker.unblock():
        story = factories.article(
            parent=fresh(publication.culture), title="Sources under threat", hours_ago=1
        )
        created.append(story)
        run_worker(worker_env(out, portable))
        name = unquote(story.url).lstrip("/") + "index.html"
        assert (out / name).is_file() and (portable / name).is_file()

        restriction = PageViewRestriction.objects.create(
            page=story, restriction_type=PageViewRestriction.PASSWORD, password="closed"
        )
        run_worker(worker_env(out, portable))
        assert not (out / name).exists() and not (portable / name).exists()
        for root in (out, portable):
            for page in root.rglob("*.html"):
                assert "Sources under threat" not in page.read_text(), page
        assert stale_files(out, read_more_may_lag=True) == []

        restriction.delete()
        run_worker(worker_env(out, portable))
        assert (out / name).is_file() and (portable / name).is_file()
        assert "Sources under threat" in (out / "index.html").read_text()
        assert stale_files(out, read_more_may_lag=True) == []


def test_a_section_closed_to_logged_in_readers_takes_its_articles_with_it(
    output, publication, django_db_blocker
):
    """A restriction covers the pages below it: a section closed to logged-in readers leaves
    the output with every article in it (the navigation on every page changes: a full
    render), and comes back whole."""
    from wagtail.models import PageViewRestriction

    out, portable = output
    with django_db_blocker.unblock():
        culture = fresh(publication.culture)
        inside = [unquote(p.url).lstrip("/") + "index.html" for p in culture.get_children().live()]
        names = ["culture/index.html", *inside]
        assert len(names) > 2 and all((out / n).is_file() for n in names)
        restriction = PageViewRestriction.objects.create(
            page=culture, restriction_type=PageViewRestriction.LOGIN
        )
        try:
            run_worker(worker_env(out, portable))
            for root in (out, portable):
                assert [n for n in names if (root / n).exists()] == []
            assert 'href="/culture/"' not in (out / "index.html").read_text()
            assert stale_files(out) == []
        finally:
            restriction.delete()
        run_worker(worker_env(out, portable))
        assert all((out / n).is_file() and (portable / n).is_file() for n in names)
        assert stale_files(out) == []


def test_a_moved_article_leaves_a_redirect(output, created, publication, django_db_blocker):
    from masthead.publishing.models import ArticlePage
    from masthead.publishing.tests import factories

    out, portable = output
    with django_db_blocker.unblock():
        story = factories.article(
            parent=fresh(publication.culture), title="Filed in the wrong place"
        )
        created.append(story)
        run_worker(worker_env(out, portable))
        old = unquote(story.url)
        story.move(fresh(publication.world), pos="last-child")
        story = ArticlePage.objects.get(pk=story.pk)
        new = unquote(story.url)
        run_worker(worker_env(out, portable))
        assert stale_files(out, read_more_may_lag=True) == []
    assert new.startswith("/world/")
    assert "Filed in the wrong place" in (out / new.lstrip("/") / "index.html").read_text()
    stub = (out / old.lstrip("/") / "index.html").read_text()
    assert f"url={new}" in stub  # the old address sends readers on
    assert "Filed in the wrong place" in (out / "world/index.html").read_text()
    assert "Filed in the wrong place" not in (out / "culture/index.html").read_text()


def test_a_renamed_article_leaves_a_redirect(output, created, publication, django_db_blocker):
    """A new slug, published by an editor: Wagtail's redirects app keeps the old address
    (``page_slug_changed``, connected by ``project.apps.RedirectsConfig``), and the static
    copy sends readers on from it."""
    from wagtail.contrib.redirects.models import Redirect

    from masthead.publishing.models import ArticlePage
    from masthead.publishing.tests import factories

    out, portable = output
    with django_db_blocker.unblock():
        story = factories.article(parent=fresh(publication.world), title="A name too long")
        created.append(story)
        run_worker(worker_env(out, portable))
        old = unquote(story.url)
        story = ArticlePage.objects.get(pk=story.pk)
        story.slug = "a-better-name"
        story.save_revision().publish(skip_permission_checks=True)
        story = ArticlePage.objects.get(pk=story.pk)
        new = unquote(story.url)
        redirect = Redirect.objects.get(old_path=Redirect.normalise_path(old))
        assert redirect.redirect_page_id == story.pk
        run_worker(worker_env(out, portable))
        assert stale_files(out, read_more_may_lag=True) == []
    assert new.endswith("/a-better-name/") and new != old
    assert "A name too long" in (out / new.lstrip("/") / "index.html").read_text()
    assert f"url={new}" in (out / old.lstrip("/") / "index.html").read_text()
    # The portable copy opens from a folder: its stub points at the file, relatively.
    assert (
        "url=../a-better-name/index.html" in (portable / old.lstrip("/") / "index.html").read_text()
    )


def test_the_sitemap_part_of_a_new_article_comes_and_goes_with_it(
    output, created, publication, django_db_blocker, settings
):
    """The sitemap is an index of parts by page id: a new article's part is written (here,
    one id a part: a part of its own), the others are left alone, and the part goes when its
    only page is unpublished."""
    from masthead.distribution import services
    from masthead.publishing.tests import factories

    out, portable = output
    settings.SITEMAP_PART_SIZE = 1
    env = {**worker_env(out, portable), "MASTHEAD_SITEMAP_PART_SIZE": "1"}
    with django_db_blocker.unblock():
        services.site_build(out=out, portable_out=portable)
        assert len(list((out / "sitemaps").glob("pages-*.xml"))) > 10
        before = snapshot(out)
        story = factories.article(parent=fresh(publication.culture), title="A part of its own")
        created.append(story)
        run_worker(env)
        assert stale_files(out, read_more_may_lag=True) == []
        part = f"sitemaps/pages-{story.pk}.xml"
        rewritten = changed(before, snapshot(out))
        assert {part, "sitemap.xml"} <= rewritten
        assert {n for n in rewritten if n.startswith("sitemaps/pages-")} == {part}
        assert unquote(story.url) in (out / part).read_text()
        assert f"/{part}</loc>" in (out / "sitemap.xml").read_text()

        story.unpublish()
        run_worker(env)
        assert stale_files(out, read_more_may_lag=True) == []
    assert not (out / part).exists() and not (portable / part).exists()
    assert f"/{part}</loc>" not in (out / "sitemap.xml").read_text()


def test_an_update_writes_the_sitemap_parts_the_output_lacks(
    output, created, publication, django_db_blocker, settings
):
    """An output written before the sitemap came in parts (or that lost some) gets them from
    the next update, whatever it was for: the index never names a part that is not there.
    (One id a part: the new article's part is not one of those lost.)"""
    from masthead.distribution import services
    from masthead.publishing.tests import factories

    out, portable = output
    settings.SITEMAP_PART_SIZE = 1
    env = {**worker_env(out, portable), "MASTHEAD_SITEMAP_PART_SIZE": "1"}
    with django_db_blocker.unblock():
        services.site_build(out=out, portable_out=portable)
        manifest = Manifest.load(out)
        parts = sorted(n for n in manifest.files if n.startswith("sitemaps/pages-"))
        assert len(parts) > 10
        for name in parts:
            manifest.drop(name)
            (out / name).unlink()
        manifest.save(out)
        story = factories.article(parent=fresh(publication.world), title="Any publish at all")
        created.append(story)
        run_worker(env)
        assert stale_files(out, read_more_may_lag=True) == []
    assert all((out / name).is_file() for name in parts)
    assert set(parts) <= set(Manifest.load(out).files)


# Processes this one forks (the render processes of an update), counted while a test asks.
_forks: list[int] = []
os.register_at_fork(after_in_parent=lambda: _forks.append(1))


def test_a_large_update_renders_in_forked_processes_what_the_app_serves(
    output, created, publication, django_db_blocker, monkeypatch
):
    """The changed page and the fronts are rendered at once in the updating process; the
    rest, when there are enough of them, by forked processes that start with what it read.
    Their files are what the app serves, their dependencies recorded as one process would:
    a second edit rewrites the same files."""
    from masthead.distribution import services
    from masthead.distribution.services import engine
    from masthead.publishing.tests import factories

    out, portable = output
    monkeypatch.setattr(engine, "MIN_FORKED", 1)  # the publication is a few dozen pages
    with django_db_blocker.unblock():
        story = factories.article(
            parent=fresh(publication.culture), title="A ferry strike", tags=["exile"], hours_ago=2
        )
        created.append(story)
        services.site_build(out=out, portable_out=portable, processes=1)
        edits = []
        for title in ("A ferry strike spreads", "A ferry strike ends"):
            before = snapshot(out)
            story.title = title
            publish(story)
            _forks.clear()
            report = services.site_update(
                out=out, portable_out=portable, page_ids=[story.pk], processes=2, search_index=False
            )
            forked = len(_forks)
            assert stale_files(out) == []
            edits.append((changed(before, snapshot(out)), report.rendered))
            assert forked == 2, "the update did not render in two forked processes"
    page = unquote(story.url).lstrip("/") + "index.html"
    (first, rendered), (second, _) = edits
    assert page in first and "index.html" in first and rendered > 1
    assert first == second
    assert "A ferry strike ends" in (portable / page).read_text()


@pytest.mark.django_db
def test_an_update_inside_a_transaction_renders_in_its_own_process(
    output, publication, monkeypatch
):
    """A forked process would not see what the transaction has not committed: inside one,
    everything is rendered by the updating process, and the file shows the change."""
    from masthead.distribution import services
    from masthead.distribution.services import engine

    out, portable = output
    monkeypatch.setattr(engine, "MIN_FORKED", 1)
    story = fresh(publication.articles[0])
    story.title = "Not yet committed"
    publish(story)
    _forks.clear()
    report = services.site_update(
        out=out, portable_out=portable, page_ids=[story.pk], processes=2, search_index=False
    )
    assert _forks == []
    assert report.rendered > 1
    assert "Not yet committed" in (out / unquote(story.url).lstrip("/") / "index.html").read_text()
