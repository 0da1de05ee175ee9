"""The report site in a real browser: headless Chromium opens index.html and every report page,
and fails on a broken link, a missing image or a JavaScript error. Screenshots are saved to a
temporary folder (printed on failure)."""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from corpus_tools import reports_dir

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None and not os.environ.get("CI"),
                       reason="Chromium is not installed (apt-get install chromium); .ci/run installs it"),
]

PAGES = ["index.html"] + sorted(p.name for p in reports_dir().glob("[0-9][0-9]_*.html"))


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    assert CHROMIUM, "CI must have Chromium: .ci/run installs Debian's chromium package"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


def check_page(browser, path: Path, shots: Path) -> None:
    """Open the report page (or index) at ``path`` in ``browser`` and assert it loads without a
    JavaScript error, a missing image or a broken local link; the index has one card per report
    page beside it, a report page a working "Show code" button. Used on other sites too
    (``tests/test_reports_scale.py``)."""
    name = path.name
    pages = ["index.html"] + sorted(p.name for p in path.parent.glob("[0-9][0-9]_*.html"))
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(f"JavaScript error: {exc}"))
    page.on("console", lambda msg: errors.append(f"console {msg.type}: {msg.text}") if msg.type == "error" else None)
    page.on("requestfailed", lambda req: errors.append(f"failed to load {req.url}"))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    page.screenshot(path=str(shots / f"{path.stem}.png"), full_page=False)

    broken_images = page.eval_on_selector_all("img", "imgs => imgs.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)")
    assert not broken_images, f"missing images on {name}: {broken_images} (screenshots in {shots})"

    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    for href in hrefs:
        url = urlparse(href)
        if url.scheme == "file":
            target = Path(unquote(url.path))
            assert target.exists(), f"{name} links to {target}, which does not exist"
    assert not errors, f"{name}: {errors} (screenshots in {shots})"
    if name == "index.html":
        cards = page.eval_on_selector_all("a.card", "cards => cards.map(c => c.getAttribute('href'))")
        assert cards == pages[1:], "one card per report page"
        assert page.locator("footer.ct-provenance").count() == 1
    else:
        button = page.locator("#ct-toggle")
        assert button.inner_text() == "Show code"
        button.click()
        assert button.inner_text() == "Hide code"
        assert page.locator("footer.ct-provenance").count() == 1
    page.close()


@pytest.mark.parametrize("name", PAGES)
def test_page_loads_without_errors_broken_links_or_missing_images(browser, name, tmp_path_factory):
    check_page(browser, reports_dir() / name, tmp_path_factory.mktemp("screenshots"))


def test_every_report_page_is_checked():
    assert len(PAGES) >= 2 and all(re.match(r"\d\d_", p) for p in PAGES[1:])
