from pathlib import Path

import pytest

from corpus_tools import paths
from corpus_tools.errors import CorpusError


def test_root_holds_the_project(monkeypatch):
    monkeypatch.delenv(paths.ROOT_ENV, raising=False)
    root = paths.project_root()
    assert (root / "pyproject.toml").is_file() and (root / "data" / "corpus.csv").is_file()
    assert paths.data_dir() == root / "data"
    assert paths.reports_dir() == root / "reports"
    assert paths.notebooks_dir() == root / "notebooks"
    assert paths.cache_dir() == root / ".cache"


def test_explicit_path_wins_over_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(paths.DATA_ENV, str(tmp_path / "env-data"))
    assert paths.data_dir() == tmp_path / "env-data"
    assert paths.data_dir(tmp_path / "given") == tmp_path / "given"
    assert paths.data_dir("") == tmp_path / "env-data"  # an empty notebook parameter means "default"


def test_root_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(paths.ROOT_ENV, str(tmp_path))
    assert paths.project_root() == tmp_path.resolve()
    monkeypatch.setenv(paths.CACHE_ENV, str(tmp_path / "c"))
    assert paths.cache_dir() == tmp_path / "c"


def test_no_root_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.delenv(paths.ROOT_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(paths, "__file__", str(tmp_path / "pkg" / "paths.py"))
    with pytest.raises(CorpusError, match="CORPUS_TOOLS_ROOT"):
        paths.project_root()
