from pathlib import Path

import pytest

from corpus_tools.errors import CorpusError, CorpusWarning, Problem, display_path


def test_problem_reads_as_one_line_with_level_file_and_message():
    p = Problem("warning", "data/raw/x.txt", "has no row in corpus.csv")
    assert str(p) == "warning: data/raw/x.txt: has no row in corpus.csv"
    assert p.line is None


def test_corpus_error_is_an_exception_and_warning_is_a_user_warning():
    with pytest.raises(CorpusError, match="line 3"):
        raise CorpusError("data/corpus.csv line 3: bad")
    assert issubclass(CorpusWarning, UserWarning)


def test_display_path_is_relative_inside_root_only(tmp_path):
    inside = tmp_path / "data" / "corpus.csv"
    assert display_path(inside, tmp_path) == str(Path("data/corpus.csv"))
    assert display_path("/x/y.csv", tmp_path) == "/x/y.csv"
    assert display_path("/x/y.csv") == "/x/y.csv"
