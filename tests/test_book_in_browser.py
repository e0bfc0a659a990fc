"""The built book as a reader sees it: every page of ``_build/html`` opened in headless Chromium.

Run by ``make book`` after the build (marker ``browser``; ``make test`` deselects it). Chromium runs
with every host name unresolvable, so a page that needs the network (MathJax from a CDN, say) fails
here even on a machine that has one. Per page the checks are:

- it loads no script, style sheet or image from another host;
- every math element (Sphinx's ``span.math`` / ``div.math``) holds MathJax's output
  (``mjx-container``), and the text outside code and typeset math holds no TeX: no raw delimiter
  (``\\(``, ``$$``, ...), no control sequence (``\\theta``) and no ``$`` (Markdown's dollarmath has made
  math of every pair of ``$`` it could, so one left in the text is unpaired, its math split: by a
  source line that Markdown read as a list item, say);
- every image it shows is a non-empty file of the build (or a non-empty ``data:`` URI);
- every internal link reaches a file of the build, and its ``#fragment`` an element of that page.

Without Chromium, or before ``make book``, the tests are skipped with a message saying what to do;
under CI (``CI=true``) a skip would hide a broken book, so it is a failure instead.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from bs4 import BeautifulSoup

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "_build" / "html"
# Folders of the build that hold assets, not pages.
ASSET_FOLDERS = {"_static", "_sources", "_images", "_sphinx_design_static"}
# Raw TeX delimiters: any of them in a page's visible text (outside code) is math MathJax left alone.
RAW_TEX = ("\\(", "\\)", "\\[", "\\]", "$$", "\\begin{")
# A TeX control sequence (\theta, \frac) in that text is TeX that never reached MathJax as math.
TEX_COMMAND = re.compile(r"\\[A-Za-z]+")
# Of each kind of stray TeX, the occurrences a page's report quotes (then how many more there are).
QUOTED = 3
# Milliseconds a page may take to load and typeset its math: the longest chapter takes under 5 s here.
PAGE_TIMEOUT_MS = 120_000
# What a page's scripts must have finished before its DOM is read: MathJax's first typesetting of the
# page (``MathJax.startup.promise``); a page without MathJax, or whose MathJax never loaded, has none
TYPESET = "() => window.MathJax && MathJax.startup ? MathJax.startup.promise.then(() => true) : true"
CHROMIUM_FLAGS = [
    "--no-sandbox",  # needed as root (CI); harmless otherwise, the pages are our own files
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND",  # no host resolves: the page is read offline
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


def rendered_dom(browser: Page, page: Path) -> BeautifulSoup:
    """The DOM of `page` after it loaded and MathJax typeset it, in the Chromium tab `browser`."""
    browser.goto(page.as_uri(), wait_until="load", timeout=PAGE_TIMEOUT_MS)
    browser.wait_for_function(TYPESET, timeout=PAGE_TIMEOUT_MS)
    return BeautifulSoup(browser.content(), "html.parser")


def remote_resources(dom: BeautifulSoup) -> list[str]:
    """Scripts, style sheets and images the page would fetch from another host."""
    urls = [tag.get("src") for tag in dom.find_all(["script", "img"])]
    urls += [tag.get("href") for tag in dom.find_all("link") if "stylesheet" in (tag.get("rel") or [])]
    remote = [urlsplit(url) for url in urls if url]
    return [p.geturl() for p in remote if p.netloc or p.scheme in ("http", "https")]


def text_outside_code(dom: BeautifulSoup) -> str:
    """The page's visible text, less code, scripts, styles and MathJax's output. The signatures of
    the API page (Sphinx's ``dt.sig``) are code too: a default such as ``labels=('$\\psi$', ...)``
    is Python, set in monospace."""
    body = BeautifulSoup(str(dom.body or dom), "html.parser")
    for tag in body.find_all(["script", "style", "pre", "code", "textarea", "mjx-container"]):
        tag.decompose()
    for tag in body.select("dt.sig"):
        tag.decompose()
    return body.get_text(" ")


def _quote(text: str, start: int, end: int) -> str:
    return repr(" ".join(text[max(0, start - 40) : end + 40].split()))


def stray_tex(text: str) -> list[str]:
    """TeX left in `text` (a page's text outside code and math): raw delimiters, control sequences
    and ``$``, each quoted with its context."""
    problems = []
    for delimiter in RAW_TEX:
        at = text.find(delimiter)
        if at >= 0:
            problems.append(f"raw {delimiter!r} in the text: {_quote(text, at, at + len(delimiter))}")
    for kind, spans in (
        ("TeX control sequence", [m.span() for m in TEX_COMMAND.finditer(text)]),
        ("unpaired '$'", [(at, at + 1) for at, char in enumerate(text) if char == "$"]),
    ):
        for start, end in spans[:QUOTED]:
            problems.append(f"{kind} {text[start:end]!r} in the text: {_quote(text, start, end)}")
        if len(spans) > QUOTED:
            problems.append(f"{kind}: {len(spans) - QUOTED} more in the text")
    return problems


def untypeset_math(dom: BeautifulSoup) -> list[str]:
    """Math elements without MathJax output, then TeX left in the text outside code and math."""
    problems = [
        f"math not typeset: {el.get_text()[:80]!r}"
        for el in dom.select("span.math, div.math")
        if el.find("mjx-container") is None
    ]
    return problems + stray_tex(text_outside_code(dom))


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
def browser() -> Iterator[Page]:
    """A tab of one headless Chromium for the whole module, driven by Playwright: one browser start
    instead of one per page (each took about 2 s, 45 pages)."""
    binary = chromium_binary()
    if binary is None:
        skip_or_fail(f"no Chromium found: {INSTALL_HINT}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("no Playwright: `make install` installs it with the dev extra")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=binary, args=CHROMIUM_FLAGS)
        try:
            yield chromium.new_page()
        finally:
            chromium.close()


def book_pages() -> list[Path]:
    """Every HTML page of the built book, assets excluded."""
    return sorted(p for p in BOOK.rglob("*.html") if not ASSET_FOLDERS & set(p.relative_to(BOOK).parts[:-1]))


def test_every_page_of_the_book_renders_offline(browser: Page) -> None:
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
        dom = rendered_dom(browser, page)
        if name in ("book/intro.html", *chapters):
            assert dom.find("mjx-container") is not None, f"{name}: no typeset math at all"
        report[name] = page_problems(page, dom, BOOK, ids)
    assert not any(report.values()), {name: lines for name, lines in report.items() if lines}


def test_the_checks_reject_a_page_that_needs_the_network(browser: Page, tmp_path: Path) -> None:
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
    dom = rendered_dom(browser, page)
    problems = page_problems(page, dom, site, {})
    assert remote_resources(dom) == ["https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-chtml.js"]
    assert sum(line.startswith("math not typeset") for line in problems) == 1
    assert any(line.startswith("raw '\\\\('") for line in problems)
    assert missing_images(page, dom) == ["image 'none.png': missing"]
    assert [line.split(":")[0] for line in broken_links(page, dom, site, {})] == [
        "link 'other.html#gone'",
        "link 'missing.html'",
    ]


# FOGAN section 4 as it was (issue 24): the second source line of `$\tau_P(...)$` begins with "- ", which
# Markdown reads as a list item, so the math is split, TeX is left in the text and ", maximised by "
# is typeset as math; and as it is, with the "- " at the end of the line before.
SPLIT_MATH = r"""Figure 1 of the paper shows this for $\mathbb P = \delta_0$, $\mathbb Q_\theta =
\delta_\theta$ and $\lambda = \tfrac12$: $\tau_P(\delta_0\|\delta_\theta; f) = f(0) - f(\theta)
- (f(0) - f(\theta))^2 / (2\theta)$, maximised by $f(0) - f(\theta) = \theta$, so
$\tau_P(\delta_0\|\delta_\theta) = \theta/2$ and its derivative is $\tfrac12$."""
WHOLE_MATH = SPLIT_MATH.replace("f(\\theta)\n- (", "f(\\theta) -\n(")


def build_book(site: Path, pages: dict[str, str]) -> Path:
    """`pages` (name -> Markdown) built by Jupyter Book into `site` as the chapters are: each page a
    notebook of one Markdown cell, under the book's own _config.yml (its MyST extensions, MathJax
    settings and offline MathJax), not executed. Returns the folder of the HTML."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    config.pop("bibtex_bibfiles", None)  # the book's references are not needed here
    config["execute"] = {"execute_notebooks": "off"}
    site.mkdir()
    (site / "_config.yml").write_text(yaml.safe_dump(config))
    names = list(pages)
    toc = {"format": "jb-book", "root": names[0], "chapters": [{"file": name} for name in names[1:]]}
    (site / "_toc.yml").write_text(yaml.safe_dump(toc))
    for name, markdown in pages.items():
        cell = {"cell_type": "markdown", "metadata": {}, "source": f"# {name}\n\n{markdown}\n"}
        notebook = {"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 4}
        (site / f"{name}.ipynb").write_text(json.dumps(notebook))
    built = subprocess.run(
        [sys.executable, "-c", "from jupyter_book.cli.main import main; main()", "build", str(site)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, (built.stdout + built.stderr)[-3000:]
    return site / "_build" / "html"


def test_the_checks_reject_math_split_by_a_list_item(browser: Page, tmp_path: Path) -> None:
    """Negative control: FOGAN section 4's sentence with the "- " that split its math (the check for
    raw delimiters alone let it through) is reported for the TeX and the unpaired `$` left in its
    text; the same sentence with its math whole is not."""
    html = build_book(tmp_path / "site", {"whole": WHOLE_MATH, "split": SPLIT_MATH})
    whole = rendered_dom(browser, html / "whole.html")
    split = rendered_dom(browser, html / "split.html")
    assert untypeset_math(whole) == []
    assert len(whole.select("span.math mjx-container")) == 7  # every $...$ of the sentence
    problems = untypeset_math(split)
    assert not any(line.startswith(("math not typeset", "raw ")) for line in problems), problems
    assert any(line.startswith("TeX control sequence '\\\\tau' in the text") for line in problems), problems
    assert any(line.startswith("unpaired '$'") for line in problems), problems
