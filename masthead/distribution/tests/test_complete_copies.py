"""Complete static copies of the demo publication, as readers in a blocking country get them.

The demo (``masthead demo --no-serve``, served by gunicorn: the ``demo_site`` plugin) is built
with ``masthead build --out … --portable-out …`` and packed with ``masthead bundle``. Its
copies are then read as a reader reads them:

- the server copy from a plain file server (no app behind it, as on object storage or a
  mirror host), at the root;
- the portable copy from a plain file server under a sub-path, and from disk (``file://``);
- the bundle, unpacked, from disk.

Every link a reader can follow and every file a page loads must be in the copy; nothing may
load from another origin. The one exception is the API origin (the demo app itself here):
forms post there, and scripts may ``fetch`` it. The support page's form really goes there,
to the payment step and the thank-you page; with the API origin down, the page says what to
do instead.
"""

from __future__ import annotations

import functools
import json
import mimetypes
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import unquote, urljoin, urlsplit
from urllib.request import urlopen

import pytest
from playwright.sync_api import expect

from masthead.appeals import reader_revenue
from masthead.core.public_forms import ORIGINS_CACHE_SECONDS
from masthead.project.demo import appeals as demo_appeals
from masthead.project.demo import content
from masthead.project.demo.reach import DEMO_MIRRORS, DEMO_ONION
from masthead.project.tests.demo_server import SOURCE_ROOT

pytestmark = pytest.mark.browser

COPIES = ["server", "sub-path", "disk", "bundle"]
SUB_PATH = "/news/"
# The file servers listen on 127.0.0.1, as the demo app does; browsers keep cookies per host,
# whatever the port. The sub-path copy is also read as "localhost", a host of its own, where
# the app's cookies are not seen (as on a real mirror).
TEST_HOSTS = ("http://127.0.0.1:", "http://localhost:")
# The pages a reader reaches from an article: the article, the support page and what it
# links to, the newsletter pages, the secure contact page, the mirror page, search.
READER_PATHS = [
    "/",
    "/politics/opposition-candidate-barred/",
    "/support/",
    "/support/remind/",
    "/support/manage/sign-in/",
    "/newsletter/",
    "/newsletter/preview/",
    "/newsletter/friday/",
    "/contact-securely/",
    "/mirrors/",
    "/search/",
]
# <link rel=…> that make the browser fetch something.
LOADING_RELS = {"stylesheet", "icon", "preload", "modulepreload", "manifest", "prefetch"}
# Resource types a script may send to the API origin (the probe, forms sent by script,
# counters); everything else must come from the copy itself.
API_REQUEST_TYPES = {"fetch", "xhr", "ping"}
BUILD_TIMEOUT = 600


# --- The copies ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Copies:
    api: str  # the API origin (the demo app)
    out: Path
    portable: Path
    bundle: Path  # unpacked
    roots: dict[str, str]  # copy name → the URL of its front directory


def masthead(*args: str, env: dict[str, str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "masthead.project.cli", *args],
        env=env,
        cwd=SOURCE_ROOT,
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, f"masthead {' '.join(args)}:\n{done.stdout}\n{done.stderr}"


class _QuietFiles(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@contextmanager
def file_server(directory: Path) -> Iterator[str]:
    """Python's plain file server: what a host with no app behind it does."""
    handler = functools.partial(_QuietFiles, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def copies(demo_site, tmp_path_factory) -> Iterator[Copies]:
    root = tmp_path_factory.mktemp("demo-copies")
    out, portable, archive = root / "out", root / "portable", root / "demo.zip"
    masthead(
        "build", "--out", str(out), "--portable-out", str(portable), "--quiet", env=demo_site.env
    )
    masthead("bundle", "--from", str(out), "--out", str(archive), "--quiet", env=demo_site.env)
    with zipfile.ZipFile(archive) as packed:
        packed.extractall(root / "unpacked")
    (bundle,) = [p for p in (root / "unpacked").iterdir() if p.is_dir()]
    hosting = root / "hosting"
    hosting.mkdir()
    (hosting / SUB_PATH.strip("/")).symlink_to(portable, target_is_directory=True)
    with file_server(out) as server, file_server(hosting) as shared:
        elsewhere = shared.replace("http://127.0.0.1:", "http://localhost:")
        # The hosts of these copies are the publication's mirrors: its forms accept posts
        # from them, as from any mirror kept in the admin.
        mirrors_register([server, shared, elsewhere], env=demo_site.env)
        yield Copies(
            api=demo_site.base_url,
            out=out,
            portable=portable,
            bundle=bundle,
            roots={
                "server": server + "/",
                "sub-path": shared + SUB_PATH,
                "sub-path, another host": elsewhere + SUB_PATH,
                "disk": portable.resolve().as_uri() + "/",
                "bundle": bundle.resolve().as_uri() + "/",
            },
        )
    mirrors_register([], env=demo_site.env)


def mirrors_register(origins: list[str], *, env: dict[str, str]) -> None:
    """Keep exactly these test mirrors (``TEST_HOSTS``) beside the demo's own, then wait out
    the app's memory of allowed origins (``core.public_forms.ORIGINS_CACHE_SECONDS``)."""
    code = (
        "from masthead.distribution.models import Mirror\n"
        "Mirror.objects.filter(url__regex=r'^http://(127\\.0\\.0\\.1|localhost):')"
        f".exclude(url__in={origins!r}).delete()\n"
        f"for url in {origins!r}:\n"
        "    Mirror.objects.get_or_create(url=url, defaults={'note': 'test copy'})\n"
    )
    masthead("shell", "--no-imports", "-c", code, env=env)
    time.sleep(ORIGINS_CACHE_SECONDS + 0.5)


def in_copy(root: str, path: str) -> str:
    """The URL of the page at ``path`` in a copy: on disk, directories name index.html."""
    relative = path.lstrip("/")
    if root.startswith("file:") and (not relative or relative.endswith("/")):
        relative += "index.html"
    return root + relative


# --- Reading pages without a browser ---------------------------------------------------------


@dataclass(frozen=True)
class Reference:
    kind: str  # "link" (a reader follows it), "load" (the browser fetches it), "post" (a form)
    url: str
    noscript: bool = False


class _References(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[Reference] = []
        self.noscript = 0

    def _add(self, kind: str, url: str | None) -> None:
        if url is not None and url.strip():
            self.found.append(Reference(kind, url.strip(), self.noscript > 0))

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "noscript":
            self.noscript += 1
        elif tag in ("a", "area"):
            self._add("link", a.get("href"))
        elif tag == "link":
            rels = set((a.get("rel") or "").lower().split())
            if rels & LOADING_RELS:
                self._add("load", a.get("href"))
            elif "alternate" in rels and not a.get("hreflang"):
                self._add("link", a.get("href"))  # feeds; canonical may name the main site
        elif tag == "form":
            method = (a.get("method") or "get").lower()
            self._add("post" if method == "post" else "link", a.get("action"))
        elif tag in ("script", "img", "source", "iframe", "video", "audio", "track", "embed"):
            self._add("load", a.get("src"))
            for item in (a.get("srcset") or "").split(","):
                if item.strip():
                    self._add("load", item.split()[0])
            self._add("load", a.get("poster"))
        elif tag == "meta" and (a.get("http-equiv") or "").lower() == "refresh":
            content = a.get("content") or ""
            if "url=" in content.lower():
                self._add("link", content[content.lower().index("url=") + 4 :])

    def handle_endtag(self, tag):
        if tag == "noscript" and self.noscript:
            self.noscript -= 1


def references(html: str) -> list[Reference]:
    parser = _References()
    parser.feed(html)
    return parser.found


def read(url: str) -> tuple[int, str, bytes]:
    """(status, content type, body) of a URL in a copy, served or on disk."""
    if url.startswith("file:"):
        path = Path(unquote(urlsplit(url).path))
        if not path.is_file():
            return 404, "", b""
        return 200, mimetypes.guess_type(path.name)[0] or "", path.read_bytes()
    try:
        with urlopen(url, timeout=10) as response:  # noqa: S310 - our own local servers
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except HTTPError as error:
        return error.code, "", b""


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@dataclass
class Crawl:
    pages: set[str]
    problems: list[str]


def crawl(root: str, *, api: str) -> Crawl:
    """Follow every link from the copy's front page that stays in the copy; check every
    reference of every page on the way."""
    start = in_copy(root, "/")
    queue, seen, pages, problems = [start], {start}, set(), []
    checked: dict[str, int] = {}

    def status(url: str) -> int:
        if url not in checked:
            checked[url] = read(url)[0]
        return checked[url]

    while queue:
        url = queue.pop()
        code, kind, body = read(url)
        checked[url] = code
        if code != 200 or not kind.startswith("text/html"):
            continue
        pages.add(url)
        for ref in references(body.decode("utf-8")):
            if ref.url.startswith(("mailto:", "#", "tel:")):
                continue
            target = urljoin(url, ref.url).split("#", 1)[0]
            inside = target.startswith(root)
            scheme = urlsplit(target).scheme
            if ref.kind == "post":
                # The server copy is byte for byte the app's pages: its forms post to its own
                # origin, and reach.js sends them on to the API origin (tested in Chromium).
                here = origin_of(target) == origin_of(root) and not root.startswith("file:")
                if not target.startswith(api + "/") and not here:
                    problems.append(f"{url}: a form posts to {target}, not the API origin")
                continue
            if ref.kind == "load":
                if not inside:
                    problems.append(f"{url}: loads {target} from outside the copy")
                elif not ref.noscript and status(target.split("?", 1)[0]) != 200:
                    problems.append(f"{url}: loads {target}, which is not in the copy")
                continue
            if not inside:
                if scheme == "file" or origin_of(target) == origin_of(root):
                    problems.append(f"{url}: links to {target}, outside the copy's folder")
                elif origin_of(target) == api:
                    problems.append(f"{url}: links to {target} on the main site")
                continue
            page = target.split("?", 1)[0]
            if status(page) != 200:
                problems.append(f"{url}: links to {target}, which is not in the copy")
            elif page not in seen:
                seen.add(page)
                queue.append(page)
    return Crawl(pages=pages, problems=problems)


@pytest.mark.parametrize("copy", COPIES)
def test_every_page_a_reader_reaches_is_in_the_copy(copies, copy):
    root = copies.roots[copy]
    result = crawl(root, api=copies.api)
    assert not result.problems, "\n".join(result.problems[:30])
    # Portable copies name index.html in their links, served or not.
    reached = {unquote(url).removesuffix("index.html") for url in result.pages}
    for path in READER_PATHS:
        assert root + path.lstrip("/") in reached, f"{path} is not reached in the {copy} copy"
    assert len(result.pages) >= 75  # the whole demo: sections, articles, tags, authors…


def test_newsletter_pages_in_the_copy_show_its_own_images(copies):
    for path in ("newsletter/preview/index.html", "newsletter/friday/1/index.html"):
        html = (copies.portable / path).read_text()
        images = [r.url for r in references(html) if r.kind == "load" and "/media/" in r.url]
        assert images, path
        for image in images:
            assert image.startswith("../"), f"{path}: {image}"
            assert (copies.portable / path).parent.joinpath(image).resolve().is_file()
        assert copies.api + "/media/" not in html


# --- Reading pages in Chromium ----------------------------------------------------------------


@contextmanager
def reading(browser, *, api_down_at: str = "", **options) -> Iterator:
    context = browser.new_context(**options)
    context.set_default_timeout(20_000)
    if api_down_at:
        context.route(api_down_at + "/**", lambda route: route.abort("connectionrefused"))
    try:
        yield context
    finally:
        context.close()


@pytest.mark.parametrize("copy", COPIES)
def test_pages_load_nothing_from_another_origin(browser, copies, copy):
    root = copies.roots[copy]
    own = "file://" if root.startswith("file:") else origin_of(root)
    # Pages, styles, scripts, images and fonts come from the copy's own folder; scripts may
    # also call the API origin (see API_REQUEST_TYPES). How a script fares with its own calls
    # (counters, appeals) is its own tests' business: here, only that they go nowhere else.
    strays, broken = [], []
    with reading(browser) as context:
        page = context.new_page()

        def seen(request) -> None:
            url = request.url
            if url.startswith(root) or url.startswith("data:"):
                return
            if url.startswith(own) and request.resource_type in API_REQUEST_TYPES:
                return
            if url.startswith(copies.api + "/") and request.resource_type in API_REQUEST_TYPES:
                return
            strays.append(f"{page.url}: {request.resource_type} {url}")

        def answered(response) -> None:
            request = response.request
            if request.resource_type in API_REQUEST_TYPES:
                return
            if response.url.startswith(own) and response.status >= 400:
                broken.append(f"{page.url}: {response.status} {response.url}")

        def failed(request) -> None:
            if request.url.startswith(own) and request.resource_type not in API_REQUEST_TYPES:
                broken.append(f"{page.url}: failed {request.url}")

        page.on("request", seen)
        page.on("response", answered)
        page.on("requestfailed", failed)
        for path in READER_PATHS:
            page.goto(in_copy(root, path), wait_until="networkidle")
    assert not strays, strays
    assert not broken, broken


def support_form_filled(page, root: str, email: str):
    """The support page of a copy, its contribution form filled in (the default amount)."""
    page.goto(in_copy(root, "/support/"))
    form = page.locator("form[data-contribution-form]")
    form.get_by_label("Email address").fill(email)
    return form


@pytest.mark.parametrize("copy", ["server", "disk"])
def test_support_form_in_a_copy_goes_to_the_api_origin_to_pay(browser, copies, copy):
    api = copies.api
    with reading(browser) as context:
        page = context.new_page()
        form = support_form_filled(page, copies.roots[copy], "copy.reader@example.org")
        # The server copy is byte for byte the app's page; reach.js finds the API origin.
        action = "/support/contribute/" if copy == "server" else api + "/support/contribute/"
        assert form.get_attribute("action") == action
        with page.expect_request(
            lambda r: r.method == "POST" and r.url == api + "/support/contribute/"
        ):
            form.get_by_role("button", name="Continue").click()
        # The payment step and the thank-you page are the app's, on the API origin: the
        # copy has neither (the payment provider returns there too).
        page.wait_for_url(api + "/support/pay/**")
        page.get_by_role("button", name="Pay (succeeds)").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
        assert page.url.startswith(api + "/support/thanks/")


@pytest.mark.parametrize("copy", ["server", "sub-path", "disk", "bundle"])
def test_support_form_with_the_api_origin_down_says_what_to_do(browser, copies, copy):
    with reading(browser, api_down_at=copies.api) as context:
        page = context.new_page()
        form = support_form_filled(page, copies.roots[copy], "blocked.reader@example.org")
        form.get_by_role("button", name="Continue").click()
        notice = page.locator(".reach-notice")
        expect(notice).to_contain_text("could not reach our server")
        expect(notice).to_contain_text("Your details were not sent")
        expect(notice.locator('a[href="mailto:newsroom@example.org"]')).to_be_visible()
        expect(notice.locator(f'a[href="http://{DEMO_ONION}"]')).to_be_visible()
        for url, _note in DEMO_MIRRORS:
            expect(notice.locator(f'a[href="{url}"]')).to_be_visible()


@pytest.mark.parametrize("copy", ["sub-path", "disk"])
def test_reminder_and_sign_in_requests_from_a_copy_reach_the_api(browser, copies, copy):
    api = copies.api
    with reading(browser) as context:
        page = context.new_page()
        page.goto(in_copy(copies.roots[copy], "/support/"))
        page.get_by_role("link", name="Remind me later").first.click()
        # The support page has an "Email address" of its own: fill in the next page's.
        expect(page.get_by_role("heading", level=1)).to_have_text("Remind me later")
        page.get_by_label("Email address").fill("later.copy.reader@example.org")
        page.get_by_role("button", name="Remind me").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("We will remind you")
        assert page.url == api + "/support/remind/"

        page.goto(in_copy(copies.roots[copy], "/support/"))
        page.get_by_role("link", name="Manage my support").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Manage my support")
        page.get_by_label("Email address").fill("supporter.copy.reader@example.org")
        page.get_by_role("button", name="Send me a link").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
        assert page.url == api + "/support/manage/sign-in/"


# --- Appeals in a copy --------------------------------------------------------------------------

ARTICLES = [f"/{a['section']}/{a['slug']}/" for a in content.ARTICLES]


def appeals_decided(page, url: str) -> str:
    """Open an article of a copy; what appeals.js chose to show once it has decided."""
    response = page.goto(url, wait_until="domcontentloaded")
    assert response is not None and response.status == 200, url
    page.wait_for_selector("[data-appeals-ready]", state="attached")
    return page.get_attribute("[data-appeals]", "data-appeals-ready")


@pytest.mark.parametrize("copy", ["server", "sub-path"])
def test_appeals_show_in_a_served_copy_from_its_own_folder(browser, copies, copy):
    root = copies.roots[copy]
    with reading(browser) as context:
        page = context.new_page()
        files = []
        page.on(
            "response", lambda r: files.append((r.url, r.status)) if "/appeals/" in r.url else None
        )
        outcomes = [
            appeals_decided(page, in_copy(root, url))
            for url in ARTICLES[: demo_appeals.ARTICLE_MIN_ARTICLES]
        ]
        assert outcomes == ["none"] * (demo_appeals.ARTICLE_MIN_ARTICLES - 1) + ["article"]
        # The appeals file and the appeal's styles come from the copy's own folder (on a
        # sub-path, not the host's root, where there is nothing).
        assert (root + "appeals/active.json", 200) in files
        assert not [f for f in files if f[0].startswith(root) and f[1] >= 400], files
        # Put in place as the reader nears the end of the article.
        place = "[data-appeals-place=article]"
        page.evaluate(f"document.querySelector('{place}').scrollIntoView({{block: 'center'}})")
        page.wait_for_selector(f"{place} [data-appeal]", state="attached")
        page.evaluate(f"document.querySelector('{place} [data-appeal]').scrollIntoView()")
        appeal = page.locator(f"{place} [data-appeal]")
        expect(appeal).to_be_visible()
        expect(appeal.get_by_role("link", name="Remind me later")).to_be_visible()


def test_a_reminder_asked_for_in_a_copy_keeps_appeals_away_in_the_copy(browser, copies):
    """The app's answer sets the snooze cookie on the API origin, which the copy (another
    origin) cannot read: the copy keeps the reminder's date in its own storage."""
    root, api = copies.roots["sub-path, another host"], copies.api
    with reading(browser, timezone_id="UTC") as context:
        page = context.new_page()
        page.goto(in_copy(root, "/support/remind/"))
        page.get_by_label("Email address").fill("snoozing.copy.reader@example.org")
        page.get_by_role("button", name="Remind me").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("We will remind you")
        assert page.url == api + "/support/remind/"
        (cookie,) = [c for c in context.cookies(api) if c["name"] == reader_revenue.SNOOZE_COOKIE]
        assert not [c for c in context.cookies(root) if c["name"] == reader_revenue.SNOOZE_COOKIE]

        outcomes = [
            appeals_decided(page, in_copy(root, url))
            for url in ARTICLES[: demo_appeals.ARTICLE_MIN_ARTICLES + 1]
        ]
        assert outcomes == ["none"] * (demo_appeals.ARTICLE_MIN_ARTICLES + 1)
        # What the copy keeps: the reminder's date, as the app set it, and nothing else.
        kept = page.evaluate(f"localStorage.getItem({reader_revenue.SNOOZE_STORE!r})")
        assert kept == cookie["value"]
        assert "snoozing" not in json.dumps(page.evaluate("Object.entries(localStorage)"))

        # Once the date has passed (here: moved back), the copy forgets it and asks again.
        page.evaluate(f"localStorage.setItem({reader_revenue.SNOOZE_STORE!r}, 'until:2020-01-01')")
        nxt = ARTICLES[demo_appeals.ARTICLE_MIN_ARTICLES + 1]
        assert appeals_decided(page, in_copy(root, nxt)) == "article"
        assert page.evaluate(f"localStorage.getItem({reader_revenue.SNOOZE_STORE!r})") is None


# --- The demo shows its reach ------------------------------------------------------------------


def test_demo_announces_its_onion_address_and_mirrors_in_the_app_and_the_copies(demo_site, copies):
    status, _type, body = read(demo_site.url("/mirrors.json"))
    assert status == 200
    listed = [
        a["url"]
        for a in json.loads(body)["available_alternatives"]
        if not a["url"].startswith(TEST_HOSTS)  # this module's file servers
    ]
    assert listed == [f"http://{DEMO_ONION}", DEMO_MIRRORS[1][0], DEMO_MIRRORS[0][0]]
    assert json.loads((copies.out / "mirrors.json").read_text())["available_alternatives"]
    onion_meta = f'<meta http-equiv="onion-location" content="http://{DEMO_ONION}/support/">'
    assert onion_meta in read(demo_site.url("/support/"))[2].decode()
    assert onion_meta in (copies.out / "support/index.html").read_text()
    for folder in (copies.out, copies.portable, copies.bundle):
        home = (folder / "index.html").read_text()
        assert "If this site is blocked</a>" in home
        mirrors = (folder / "mirrors/index.html").read_text()
        assert f"<code>http://{DEMO_ONION}</code>" in mirrors
        for url, _note in DEMO_MIRRORS:
            assert f'href="{url}/"' in mirrors
