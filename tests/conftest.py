"""Shared fixtures: the real corpus, and throw-away copies of data/ to break on purpose."""
from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from corpus_tools import data_dir, load_corpus, sentences, tokens

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def corpus() -> pd.DataFrame:
    """The five-article seed corpus, loaded and cleaned once."""
    return load_corpus()


@pytest.fixture(scope="session")
def corpus_sentences(corpus: pd.DataFrame) -> pd.DataFrame:
    return sentences(corpus)


@pytest.fixture(scope="session")
def corpus_tokens(corpus_sentences: pd.DataFrame) -> pd.DataFrame:
    return tokens(corpus_sentences)


@pytest.fixture
def tmp_data(tmp_path: Path) -> Path:
    """A private copy of data/ (manifest, raw files, resources) that a test may damage."""
    target = tmp_path / "data"
    shutil.copytree(data_dir(), target)
    return target


def snapshot(directory: Path) -> dict[str, bytes]:
    """Every file below ``directory`` with its bytes, to prove nothing changed."""
    return {str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}
