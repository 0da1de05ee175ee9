"""Tests of the speaker figures in corpus_tools.plots."""
from __future__ import annotations

import pandas as pd

from corpus_tools import plots


def test_heatmap_writes_each_nonzero_count():
    counts = pd.DataFrame({"actor": ["Russia", "Russia", "Emmanuel Macron"], "doc_id": ["d1", "d2", "d1"], "n": [3, 1, 2]})
    fig = plots.speaker_heatmap(counts, labels={"d1": "one", "d2": "two"})
    ax = fig.axes[0]
    assert sorted(t.get_text() for t in ax.texts) == ["1", "2", "3"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Russia", "Emmanuel Macron"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["one", "two"]


def test_share_of_voice_bars_keep_top_n_in_order():
    share = pd.DataFrame({"speaker": ["A", "B", "C"], "n_words": [10, 6, 4], "share": [0.5, 0.3, 0.2]})
    ax = plots.share_of_voice_bars(share, top_n=2).axes[0]
    assert [p.get_width() for p in ax.patches] == [6, 10]
    assert [t.get_text() for t in ax.texts] == [" 6 (30%)", " 10 (50%)"]


def test_share_of_voice_groups_pool_others_and_sum_to_one():
    share = pd.DataFrame({"outlet": ["X", "X", "X", "Y"], "speaker": ["A", "B", "C", "A"],
                          "n_words": [8, 1, 1, 5], "share": [0.8, 0.1, 0.1, 1.0]})
    ax = plots.share_of_voice_groups(share, "outlet", top_n=1).axes[0]
    widths = {}
    for p in ax.patches:
        widths.setdefault(round(p.get_y(), 3), []).append(p.get_width())
    assert sorted(round(sum(w), 6) for w in widths.values()) == [1.0, 1.0]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["A", "others"]
