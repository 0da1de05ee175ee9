"""A newcomer's path, played in a temporary copy of the project: add a report of the January
meeting with `corpus-tools add`, regenerate the reports, and find the new outlet in the
vocabulary, speakers and comparison tables. Bad `add` inputs leave the corpus byte-identical."""
from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from corpus_tools import project_root
from corpus_tools.cli import main
from corpus_tools.reports import run_reports

from conftest import snapshot

NEW_ARTICLE = """Allies Back Ukraine Monitoring Plan in Paris

Leaders of the Coalition of the Willing met in Paris on Tuesday and agreed that a multinational force would deploy after a ceasefire.

"We have taken a decisive step for a solid and lasting peace," French President Emmanuel Macron said after the talks.

"The guarantees are robust, but the work is not finished," said Marta Kovalenko, a Ukrainian delegate who attended the meeting.

British Prime Minister Keir Starmer said military hubs would be built across Ukraine.
"""


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A copy of the project (data, notebooks, pyproject) that the package resolves as its root."""
    root = tmp_path / "project"
    root.mkdir()
    shutil.copy(project_root() / "pyproject.toml", root)
    shutil.copytree(project_root() / "data", root / "data")
    shutil.copytree(project_root() / "notebooks", root / "notebooks")
    monkeypatch.setenv("CORPUS_TOOLS_ROOT", str(root))
    monkeypatch.setenv("CORPUS_TOOLS_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("CORPUS_TOOLS_DATA", raising=False)
    return root


@pytest.mark.slow
def test_newcomer_adds_an_article_and_finds_it_in_every_report(project, tmp_path, capsys):
    article = tmp_path / "kyiv-independent.txt"
    article.write_text(NEW_ARTICLE, encoding="utf-8")
    code = main(["add", str(article), "--outlet", "Example Gazette", "--url", "https://example.org/paris",
                 "--published", "2026-01-07", "--meeting", "paris-2026-01-06", "--title", "Allies Back Ukraine Monitoring Plan"])
    out = capsys.readouterr().out
    assert code == 0 and "added 005_" in out
    assert "unknown speaker: Marta Kovalenko" in out
    assert main(["check"]) == 0
    numbers = [p.name[:2] for p in sorted((project / "notebooks").glob("[0-9][0-9]_*.ipynb"))]
    wanted = [n for n in ("01", "03", "04") if n in numbers]
    results = run_reports(wanted, project / "reports", progress=lambda line: None)
    assert all(r.ok for r in results), [r.message for r in results]
    tables = project / "reports" / "tables"
    assert "Example Gazette" in set(pd.read_csv(tables / "01_keyness_outlet.csv")["outlet"])
    assert "Example Gazette" in set(pd.read_csv(tables / "03_share_of_voice_outlet.csv")["outlet"])
    quotes = pd.read_csv(tables / "03_quotes.csv", keep_default_na=False)
    new = quotes[quotes["doc_id"].str.startswith("005_")]
    assert {"Emmanuel Macron", "Marta Kovalenko"} <= set(new["speaker"])
    if "04" in wanted:
        comparison = "\n".join(p.read_text() for p in tables.glob("04_*.csv"))
        assert "Example Gazette" in comparison


@pytest.mark.parametrize(
    "args, message",
    [
        (["add", "missing.txt", "--outlet", "X"], "no such file"),
        (["add", "ARTICLE", "--outlet", "X", "--published", "7 Jan 2026"], "is not a date"),
        (["add", "ARTICLE", "--outlet", "X", "--meeting", "rome-2026-02-01"], "not in .*meetings.csv"),
        (["add", "DUPLICATE", "--outlet", "X"], "already in the corpus"),
    ],
)
def test_bad_add_leaves_the_corpus_byte_identical(project, tmp_path, capsys, args, message):
    import re

    article = tmp_path / "a.txt"
    article.write_text(NEW_ARTICLE, encoding="utf-8")
    duplicate = project / "data" / "raw" / "004_a8e185546eefeca8.txt"
    args = [str(article) if a == "ARTICLE" else str(duplicate) if a == "DUPLICATE" else str(tmp_path / a) if a == "missing.txt" else a
            for a in args]
    before = snapshot(project / "data")
    assert main(args) == 2
    assert re.search(message, capsys.readouterr().err)
    assert snapshot(project / "data") == before
