"""The reports of a corpus of 300 articles stay readable: every notebook (00-04) runs on a
temporary copy of the project with 300 synthetic articles added (from ``benchmarks/synthetic.py``,
spread over 40 outlets and the three meetings); every figure they save is at most
2,000 x 3,000 px, drawn by outlet, meeting and time rather than per report; every table is
complete in ``tables/`` while the page shows its head, row count and link; nothing is computed
for every pair of reports (notebook 04 keeps each report's nearest neighbours); and the site
passes the browser test of ``tests/test_site.py``.

About 2 minutes on two quiet cores (5 on a loaded machine), so it is part of ``make test``;
``.venv/bin/pytest -m scale`` runs it alone, ``-m "not scale"`` leaves it out."""
from __future__ import annotations

import csv
import hashlib
import importlib.util
import shutil
import time

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from corpus_tools import plots, project_root
from corpus_tools.reports import run_reports
from test_site import CHROMIUM, browser, check_page  # noqa: F401 (browser is a fixture)

N_ARTICLES = 300
N_OUTLETS = 40

pytestmark = [pytest.mark.slow, pytest.mark.scale]


def _synthetic_module():
    spec = importlib.util.spec_from_file_location("synthetic", project_root() / "benchmarks" / "synthetic.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def add_synthetic_articles(data, n: int, n_outlets: int, seed: int = 2025) -> None:
    """Append ``n`` synthetic articles to the manifest and ``raw/`` of the data folder ``data``,
    the way the README's "by hand" section describes (file, checksum, manifest row), with the
    outlets spread over ``n_outlets`` names, a few outlets carrying most articles."""
    articles = _synthetic_module().synthetic_articles(n, seed)
    rng = np.random.default_rng(seed)
    weights = 1 / np.arange(1, n_outlets + 1)
    outlets = rng.choice([f"Synthetic Outlet {k:02d}" for k in range(n_outlets)], size=n, p=weights / weights.sum())
    manifest = data / "corpus.csv"
    with manifest.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        columns, rows = reader.fieldnames, list(reader)
    start = len(rows)
    for i, (article, outlet) in enumerate(zip(articles, outlets), start=start):
        body = article["text"].encode("utf-8")
        sha = hashlib.sha256(body).hexdigest()
        doc_id = f"{i:03d}_{sha[:16]}"
        (data / "raw" / f"{doc_id}.txt").write_bytes(body)
        rows.append({**{c: "" for c in columns}, "doc_id": doc_id, "file": f"{doc_id}.txt", "outlet": outlet,
                     "url": f"https://example.org/{doc_id}", "published": article["published"],
                     "meeting_id": article["meeting_id"], "language": "en", "sha256": sha,
                     "notes": "synthetic (benchmarks/synthetic.py)"})
    with manifest.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture(scope="module")
def big_project(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("scale")
    root = tmp / "project"
    root.mkdir()
    shutil.copy(project_root() / "pyproject.toml", root)
    shutil.copytree(project_root() / "data", root / "data")
    shutil.copytree(project_root() / "notebooks", root / "notebooks")
    shutil.copytree(project_root() / "benchmarks", root / "benchmarks")
    add_synthetic_articles(root / "data", N_ARTICLES, N_OUTLETS)
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setenv("CORPUS_TOOLS_ROOT", str(root))
    monkeypatch.setenv("CORPUS_TOOLS_CACHE", str(tmp / "cache"))
    monkeypatch.delenv("CORPUS_TOOLS_DATA", raising=False)
    started = time.perf_counter()
    results = run_reports(None, root / "reports", force=True, progress=lambda line: None)
    elapsed = time.perf_counter() - started
    print(f"\n{N_ARTICLES + 5} articles: every notebook in {elapsed:.0f} s "
          + ", ".join(f"{r.name} {r.seconds:.0f} s" for r in results))
    yield root / "reports", results
    monkeypatch.undo()


def test_notebooks_run_on_300_articles(big_project):
    _, results = big_project
    assert [r.name[:2] for r in results] == ["00", "01", "02", "03", "04"]
    assert all(r.ok for r in results), [r.message for r in results]


def test_every_figure_fits_and_is_drawn_by_outlet(big_project):
    out, _ = big_project
    figures = sorted((out / "figures").glob("*.png"))
    assert len(figures) >= 15
    sizes = {p.name: Image.open(p).size for p in figures}
    too_big = {k: v for k, v in sizes.items() if v[0] > plots.MAX_WIDTH_PX or v[1] > plots.MAX_HEIGHT_PX}
    assert not too_big, too_big
    page = (out / "02_sentiment.html").read_text(encoding="utf-8")
    assert 'href="tables/02_tone_by_document.csv"' in page and f"<b>{N_ARTICLES + 5:,} rows</b>" in page


def test_tables_are_complete_and_the_pages_show_their_heads(big_project):
    out, _ = big_project
    n_docs = N_ARTICLES + 5
    for name in ("02_tone_by_document", "04_cards", "01_diversity_readability"):
        table = pd.read_csv(out / "tables" / f"{name}.csv")
        assert table["doc_id"].str.match(r"^\d{3}_").sum() == n_docs, name
    for page, name in (("01_vocabulary", "01_keyness_outlet"), ("04_comparison", "04_similarity_pairs"),
                       ("04_comparison", "04_nearest_reports"), ("02_sentiment", "02_quote_vs_narration_by_document")):
        rows = len(pd.read_csv(out / "tables" / f"{name}.csv"))
        html = (out / f"{page}.html").read_text(encoding="utf-8")
        assert f'href="tables/{name}.csv"' in html and f"<b>{rows:,} rows</b>, the first 20 shown" in html, name
    # outlets' keyness: each of the 40 outlets (and the seed's) against the rest, at most 10 terms each
    key_outlet = pd.read_csv(out / "tables" / "01_keyness_outlet.csv")
    assert key_outlet["outlet"].nunique() >= 40 and key_outlet.groupby("outlet").size().max() <= 10


def test_comparison_keeps_nearest_neighbours_not_every_pair(big_project):
    out, _ = big_project
    n_docs = N_ARTICLES + 5
    pairs = pd.read_csv(out / "tables" / "04_similarity_pairs.csv")
    assert 0 < len(pairs) <= 5 * n_docs < n_docs * (n_docs - 1) // 2  # n_neighbours = 5 per report
    assert not pairs.duplicated(["doc_a", "doc_b"]).any() and (pairs["doc_a"] < pairs["doc_b"]).all()
    assert pairs["cosine"].is_monotonic_decreasing and pairs["jaccard"].between(0, 1).all()
    nearest = pd.read_csv(out / "tables" / "04_nearest_reports.csv")
    assert nearest["doc_id"].is_unique and len(nearest) >= N_ARTICLES
    # every report's nearest similarity is its best pair in the table
    best = pd.concat([pairs[["doc_a", "cosine"]].rename(columns={"doc_a": "doc_id"}),
                      pairs[["doc_b", "cosine"]].rename(columns={"doc_b": "doc_id"})]).groupby("doc_id")["cosine"].max()
    assert np.allclose(nearest.set_index("doc_id")["similarity"], best.reindex(nearest["doc_id"]).to_numpy(), atol=1e-6)


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)")
def test_the_300_article_site_passes_the_browser_test(big_project, browser, tmp_path):
    out, _ = big_project
    pages = ["index.html"] + sorted(p.name for p in out.glob("[0-9][0-9]_*.html"))
    assert len(pages) == 6
    for name in pages:
        check_page(browser, out / name, tmp_path)
