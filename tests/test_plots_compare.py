"""Tests of the comparison figures in corpus_tools.plots."""
from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from corpus_tools import plots


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_similarity_heatmap_writes_off_diagonal_values_with_labels():
    m = pd.DataFrame([[1.0, 0.28, 0.19], [0.28, 1.0, 0.23], [0.19, 0.23, 1.0]], index=list("abc"), columns=list("abc"))
    ax = plots.similarity_heatmap(m, labels={"a": "000 A", "b": "001 B"}).axes[0]
    assert sorted(t.get_text() for t in ax.texts) == ["0.19", "0.19", "0.23", "0.23", "0.28", "0.28"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["000 A", "001 B", "c"]
    # the strongest pair is drawn white on dark
    assert {t.get_text(): t.get_color() for t in ax.texts}["0.28"] == "white"


def test_quote_sharing_bars_lengths_and_order():
    s = pd.DataFrame({"doc_id": ["a", "b"], "n_shared": [1, 0], "n_exclusive": [9, 29], "n_left_out": [38, 19]})
    fig = plots.quote_sharing_bars(s, labels={"a": "000 A", "b": "002 B"})
    ax = fig.axes[0]
    assert [int(p.get_width()) for p in ax.patches] == [0, 1, 29, 9, 19, 38]  # reports top-down a, b; series shared, exclusive, left out
    assert [t.get_text() for t in ax.get_yticklabels()] == ["002 B", "000 A"]
    assert len(ax.get_legend().get_texts()) == 3


def test_fact_coverage_grid_places_dots_and_bolds_shared_facts():
    cov = pd.DataFrame({"key": ["30 day ceasefire", "35 countries", "27 heads of state"],
                        "000_x": [1, 0, 0], "004_y": [1, 2, 1], "n_reports": [2, 1, 1]})
    ax = plots.fact_coverage_grid(cov).axes[0]
    assert sorted(map(tuple, ax.collections[0].get_offsets().tolist())) == [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (1.0, 2.0)]
    assert [t.get_text() for t in ax.texts] == ["2"]
    assert [t.get_fontweight() for t in ax.get_yticklabels()] == ["bold", "normal", "normal"]


def test_meeting_change_bars_one_panel_per_pair_top_n():
    ch = pd.DataFrame({"earlier": ["m1"] * 3 + ["m2"] * 2, "later": ["m2"] * 3 + ["m3"] * 2,
                       "term": ["witkoff", "progress", "scholz", "merz", "sanctions"],
                       "change": ["rose", "rose", "fell", "rose", "fell"],
                       "log_ratio": [4.0, 3.0, -2.0, 1.0, -3.0], "g2": [9.0, 5.0, 4.0, 2.0, 3.0]})
    fig = plots.meeting_change_bars(ch, top_n=1)
    assert [ax.get_title() for ax in fig.axes] == ["m1 → m2", "m2 → m3"]
    assert [float(p.get_width()) for p in fig.axes[0].patches] == [4.0, -2.0]
    assert [t.get_text().strip() for t in fig.axes[0].texts] == ["witkoff", "scholz"]
