"""show_table: the whole table saved as save_table writes it, its head shown with count and link."""
from __future__ import annotations

import pandas as pd

from corpus_tools.reports import save_table
from corpus_tools.table_view import show_table


def _table(n: int) -> pd.DataFrame:
    return pd.DataFrame({"doc_id": [f"d{i:04d}" for i in range(n)], "share": [i / 7 for i in range(n)]})


def test_the_saved_csv_is_byte_for_byte_what_save_table_writes(tmp_path):
    df = _table(45)
    view = show_table(df, tmp_path / "a", "02_demo", head=10)
    reference = save_table(df, tmp_path / "b", "02_demo")
    assert view.path.read_bytes() == reference.read_bytes()
    assert len(pd.read_csv(view.path)) == 45


def test_a_long_table_shows_its_head_with_the_row_count_and_a_link(tmp_path):
    view = show_table(_table(5000), tmp_path, "04_big", head=20)
    assert list(view.frame["doc_id"]) == [f"d{i:04d}" for i in range(20)]
    assert (view.n_rows, view.truncated) == (5000, True)
    page = view._repr_html_()
    assert "5,000 rows" in page and "the first 20 shown" in page
    assert '<a href="tables/04_big.csv">04_big.csv</a>' in page
    assert page.count("</tr>") == 21  # header row + 20 rows (pandas writes some <tr> with attributes)


def test_a_short_table_is_shown_whole_without_a_truncation_note(tmp_path):
    view = show_table(_table(3), tmp_path, "01_small", head=20)
    assert (len(view.frame), view.truncated) == (3, False)
    assert view.note() == "tables/01_small.csv: 3 rows"


def test_the_view_is_shown_but_the_table_is_saved(tmp_path):
    df = _table(30)
    view = show_table(df, tmp_path, "03_view", head=5, view=df.round(1).set_index("doc_id"))
    assert view.frame.index.name == "doc_id" and len(view.frame) == 5
    assert pd.read_csv(view.path)["share"].iloc[1] == round(1 / 7, 6)
