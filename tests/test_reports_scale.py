"""The reports of a corpus of 300 articles stay readable: notebooks 00-03 run on a temporary
copy of the project with 300 synthetic articles added (from ``benchmarks/synthetic.py``, spread
over 40 outlets and the three meetings), and every figure they save is at most
2,000 x 3,000 px, drawn by outlet, meeting and time rather than per report.

Slow (several minutes on two cores), so it runs only when asked for: ``.venv/bin/pytest -m scale``."""
from __future__ import annotations

import csv
import hashlib
import importlib.util
import shutil
import time

import numpy as np
import pytest
from PIL import Image

from corpus_tools import plots, project_root
from corpus_tools.reports import run_reports

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
    results = run_reports(["00", "01", "02", "03"], root / "reports", force=True, progress=lambda line: None)
    elapsed = time.perf_counter() - started
    print(f"\n{N_ARTICLES + 5} articles: notebooks 00-03 in {elapsed:.0f} s "
          + ", ".join(f"{r.name} {r.seconds:.0f} s" for r in results))
    yield root / "reports", results
    monkeypatch.undo()


def test_notebooks_run_on_300_articles(big_project):
    _, results = big_project
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
