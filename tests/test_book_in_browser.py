"""The built book as a reader sees it: every page of ``_build/html`` opened in headless Chromium.

Run by ``make book`` after the build (marker ``browser``; ``make test`` deselects it). Chromium runs
with every host name unresolvable, so a page that needs the network (MathJax from a CDN, say) fails
here even on a machine that has one. Per page the checks are:

- it loads no script, style sheet or image from another host;
- every math element (Sphinx's ``span.math`` / ``div.math``) holds MathJax's output
  (``mjx-container``), and no raw TeX delimiter is left in the text outside code;
- every image it shows is a non-empty file of the build (or a non-empty ``data:`` URI);
- every internal link reaches a file of the build, and its ``#fragment`` an element of that page.

Without Chromium, or before ``make book``, the tests are skipped with a message saying what to do;
under CI (``CI=true``) a skip would hide a broken book, so it is a failure instead.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "_build" / "html"
# Folders of the build that hold assets, not pages.
ASSET_FOLDERS = {"_static", "_sources", "_images", "_sphinx_design_static"}
# Raw TeX delimiters: any of them in a page's visible text (outside code) is math MathJax left alone.
RAW_TEX = ("\\(", "\\)", "\\[", "\\]", "$$", "\\begin{")
# Virtual milliseconds Chromium gives a page's scripts before it dumps the DOM: MathJax typesets the
# longest chapter in well under a second of real time here; eight times that leaves room for a slow runner.
VIRTUAL_TIME_MS = 8000
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",  # needed as root (CI); harmless otherwise, the pages are our own files
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND",  # no host resolves: the page is read offline
    f"--virtual-time-budget={VIRTUAL_TIME_MS}",
]
INSTALL_HINT = (
    "install Chromium (Debian/Ubuntu: `sudo apt-get install -y chromium`) "
    "or point CHROMIUM at a Chrome/Chromium binary"
)


def skip_or_fail(reason: str) -> None:
    """Skip with `reason`; under CI, where a skipped browser test would hide a broken book, fail."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (a skip is a failure under CI=true)")
    pytest.skip(reason)


def chromium_binary() -> str | None:
    """The Chromium to use: $CHROMIUM, else the first of the usual names on PATH."""
    if os.environ.get("CHROMIUM"):
        return os.environ["CHROMIUM"]
    names = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
    return next((path for path in map(shutil.which, names) if path), None)


def rendered_dom(chromium: str, page: Path, profile: Path) -> BeautifulSoup:
    """The DOM of `page` after its scripts ran, as headless Chromium dumps it."""
    out = subprocess.run(
        [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--dump-dom", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return BeautifulSoup(out.stdout, "html.parser")


def remote_resources(dom: BeautifulSoup) -> list[str]:
    """Scripts, style sheets and images the page would fetch from another host."""
    urls = [tag.get("src") for tag in dom.find_all(["script", "img"])]
    urls += [tag.get("href") for tag in dom.find_all("link") if "stylesheet" in (tag.get("rel") or [])]
    remote = [urlsplit(url) for url in urls if url]
    return [p.geturl() for p in remote if p.netloc or p.scheme in ("http", "https")]


def untypeset_math(dom: BeautifulSoup) -> list[str]:
    """Math elements without MathJax output, then raw TeX delimiters in the text outside code."""
    problems = [
        f"math not typeset: {el.get_text()[:80]!r}"
        for el in dom.select("span.math, div.math")
        if el.find("mjx-container") is None
    ]
    body = BeautifulSoup(str(dom.body or dom), "html.parser")
    for tag in body.find_all(["script", "style", "pre", "code", "textarea", "mjx-container"]):
        tag.decompose()
    text = body.get_text(" ")
    for delimiter in RAW_TEX:
        at = text.find(delimiter)
        if at >= 0:
            problems.append(f"raw {delimiter!r} in the text: {text[max(0, at - 40) : at + 40]!r}")
    return problems


def _local_target(page: Path, url: str) -> tuple[Path, str] | None:
    """The file and fragment a link or image of `page` points to, or None for another host or scheme."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return None
    target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
    if target.is_dir():
        target = target / "index.html"
    return target, unquote(parts.fragment)


def missing_images(page: Path, dom: BeautifulSoup) -> list[str]:
    """Images the page shows that are missing or empty."""
    problems = []
    for img in dom.find_all("img"):
        src = img.get("src") or ""
        if src.startswith("data:"):
            if not src.partition(",")[2]:
                problems.append("empty data: image")
            continue
        target = _local_target(page, src)
        if target is None:
            continue  # another host: reported by remote_resources
        path = target[0]
        if not path.is_file() or path.stat().st_size == 0:
            problems.append(f"image {src!r}: {'empty' if path.is_file() else 'missing'}")
    return problems


def _ids(path: Path, cache: dict[Path, set[str]]) -> set[str]:
    if path not in cache:
        dom = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        cache[path] = {tag["id"] for tag in dom.find_all(id=True)} | {
            tag["name"] for tag in dom.find_all("a", attrs={"name": True})
        }
    return cache[path]


def broken_links(page: Path, dom: BeautifulSoup, root: Path, ids: dict[Path, set[str]]) -> list[str]:
    """Internal links of `page` whose file is not in the build under `root`, or whose anchor is not on it."""
    problems = []
    for a in dom.find_all("a", href=True):
        href = a["href"]
        if href in ("", "#") or href.startswith(("javascript:", "mailto:")):
            continue
        target = _local_target(page, href)
        if target is None:
            continue
        path, fragment = target
        if not path.is_relative_to(root.resolve()) or not path.is_file():
            problems.append(f"link {href!r}: no file {path}")
        elif fragment and path.suffix == ".html" and fragment not in _ids(path, ids):
            problems.append(f"link {href!r}: no element with id {fragment!r} in {path.name}")
    return problems


def redirect(page: Path) -> str | None:
    """The address a redirect page (``<meta http-equiv="refresh" content="0; url=...">``) sends to."""
    meta = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").find(
        "meta", attrs={"http-equiv": lambda v: v and v.lower() == "refresh"}
    )
    if meta is None:
        return None
    _, _, url = (meta.get("content") or "").partition("url=")
    return url.strip()


def page_problems(page: Path, dom: BeautifulSoup, root: Path, ids: dict[Path, set[str]]) -> list[str]:
    """Everything a reader of `page` would find broken, one line each."""
    return [
        *(f"loads {url} from the network" for url in remote_resources(dom)),
        *untypeset_math(dom),
        *missing_images(page, dom),
        *broken_links(page, dom, root, ids),
    ]


@pytest.fixture(scope="module")
def chromium() -> str:
    binary = chromium_binary()
    if binary is None:
        skip_or_fail(f"no Chromium found: {INSTALL_HINT}")
    return binary


def book_pages() -> list[Path]:
    """Every HTML page of the built book, assets excluded."""
    return sorted(p for p in BOOK.rglob("*.html") if not ASSET_FOLDERS & set(p.relative_to(BOOK).parts[:-1]))


def test_every_page_of_the_book_renders_offline(chromium: str, tmp_path: Path) -> None:
    """Each page, opened offline in Chromium, has its math typeset, its images and its links intact;
    the chapters and the introduction are among the pages, and each of them has typeset math."""
    if not (BOOK / "index.html").is_file():
        skip_or_fail(f"no built book in {BOOK}: run `make book` first")
    pages = book_pages()
    names = {p.relative_to(BOOK).as_posix() for p in pages}
    chapters = [f"nbs/{p.stem}.html" for p in sorted((ROOT / "nbs").glob("*.ipynb"))]
    assert {"book/intro.html", *chapters} <= names, sorted(names)
    ids: dict[Path, set[str]] = {}
    report = {}
    for page in pages:
        name = page.relative_to(BOOK).as_posix()
        target = redirect(page)
        if target is not None:  # index.html: the browser shows its target, which is checked on its own
            link = BeautifulSoup(f'<a href="{target}"></a>', "html.parser")
            report[name] = broken_links(page, link, BOOK, ids)
            continue
        dom = rendered_dom(chromium, page, tmp_path / "profile")
        if name in ("book/intro.html", *chapters):
            assert dom.find("mjx-container") is not None, f"{name}: no typeset math at all"
        report[name] = page_problems(page, dom, BOOK, ids)
    assert not any(report.values()), {name: lines for name, lines in report.items() if lines}


def test_the_checks_reject_a_page_that_needs_the_network(chromium: str, tmp_path: Path) -> None:
    """Negative control: a page that takes MathJax from a CDN and has a broken link, anchor and image
    is reported on each count, so the test above can fail."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "other.html").write_text('<html><body><p id="here">x</p></body></html>')
    page = site / "page.html"
    page.write_text(
        "<html><head>"
        '<script defer src="https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-chtml.js"></script>'
        "</head><body>"
        '<p>Inline <span class="math notranslate nohighlight">\\(x^2\\)</span>.</p>'
        '<a href="other.html#here">fine</a> <a href="other.html#gone">bad anchor</a> '
        '<a href="missing.html">bad file</a> <img src="none.png">'
        "</body></html>"
    )
    dom = rendered_dom(chromium, page, tmp_path / "profile")
    problems = page_problems(page, dom, site, {})
    assert remote_resources(dom) == ["https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-chtml.js"]
    assert sum(line.startswith("math not typeset") for line in problems) == 1
    assert any(line.startswith("raw '\\\\('") for line in problems)
    assert missing_images(page, dom) == ["image 'none.png': missing"]
    assert [line.split(":")[0] for line in broken_links(page, dom, site, {})] == [
        "link 'other.html#gone'",
        "link 'missing.html'",
    ]
