"""The sentiment figures of corpus_tools.plots: they draw the numbers they are given."""
from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from matplotlib.colors import to_hex

from corpus_tools import plots
from corpus_tools.sentiment import aggregate_tone, confusion_table, load_sentiment_gold, sentence_tone


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def tone(corpus_sentences) -> pd.DataFrame:
    return sentence_tone(corpus_sentences, "vader_adjusted")


def test_tone_arc_draws_every_sentence_and_the_rolling_mean(tone, corpus):
    fig = plots.tone_arc(tone, corpus, window=3)
    assert len(fig.axes) == 5
    first = tone[tone["doc_id"] == "000_35e0b38e5505f0f8"]
    heights = [round(float(p.get_height()), 4) for p in fig.axes[0].patches]
    assert heights == first["compound"].round(4).tolist()
    line = fig.axes[0].lines[0].get_ydata()
    # the centred mean of sentences 1-3 at sentence 2
    assert line[1] == pytest.approx(first["compound"].iloc[:3].mean())
    # at the edges the window shrinks: sentence 1 averages sentences 1-2
    assert line[0] == pytest.approx(first["compound"].iloc[:2].mean())
    assert fig.axes[0].get_title(loc="left").startswith("000 La Voce di New York")


def test_bar_colours_follow_the_labels():
    tone = pd.DataFrame({"doc_id": "a", "sent_id": [1, 2, 3], "compound": [0.5, -0.5, 0.0],
                         "label": ["positive", "negative", "neutral"]})
    fig = plots.tone_arc(tone, pd.DataFrame({"doc_id": ["a"], "outlet": ["X"], "meeting_id": ["m"]}))
    colours = [to_hex(p.get_facecolor()) for p in fig.axes[0].patches]
    assert colours == ["#1f77b4", "#d62728", "#b0b0b0"]


def test_tone_distribution_shares_match_the_aggregate(tone, corpus):
    fig = plots.tone_distribution(tone, corpus, "outlet")
    by_outlet = aggregate_tone(tone, "outlet", corpus).sort_values("outlet", ascending=False)
    bars = fig.axes[1].patches  # three bars (negative, neutral, positive) per outlet, bottom-up
    widths = [round(float(p.get_width()), 6) for p in bars]
    expected = by_outlet[["share_negative", "share_neutral", "share_positive"]].round(6).to_numpy().ravel().tolist()
    assert widths == expected
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == by_outlet["outlet"].tolist()
    # the printed weighted mean is the aggregate's, to two decimals
    printed = [t.get_text().split()[0] for t in fig.axes[1].texts if "(n=" in t.get_text()]
    assert printed == [f"{v:+.2f}" for v in by_outlet["weighted_compound"]]


def test_targeted_heatmap_hides_thin_cells():
    targeted = pd.DataFrame({"outlet": ["X", "X", "Y", "Y"], "target": ["Russia", "Ukraine", "Russia", "Ukraine"],
                             "mean_compound": [-0.42, 0.1, 0.3, -0.05], "n_sentences": [6, 1, 3, 2]})
    fig = plots.targeted_heatmap(targeted, min_sentences=2)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts == ["-0.42\nn=6", "+0.30\nn=3", "1 sent.", "-0.05\nn=2"]
    image = fig.axes[0].images[0].get_array()
    assert image.mask.tolist() == [[False, False], [True, False]]
    assert float(image[0, 0]) == -0.42


def test_quote_narration_bars_by_hand():
    summary = pd.DataFrame({"outlet": ["X", "X", "Y"], "part": ["quote", "narration", "narration"],
                            "weighted_compound": [-0.25, 0.05, 0.1], "n_words": [30, 120, 80]})
    fig = plots.quote_narration_bars(summary)
    widths = sorted(round(float(p.get_width()), 2) for p in fig.axes[0].patches)
    assert widths == [-0.25, 0.05, 0.1]
    assert "-0.25 (30 words)" in [t.get_text().strip() for t in fig.axes[0].texts]


def test_confusion_matrices_show_the_real_test_counts():
    confusion = confusion_table(load_sentiment_gold(), ["vader", "vader_adjusted"])
    fig = plots.confusion_matrices(confusion)
    vader = [int(t.get_text()) for t in fig.axes[0].texts]
    assert sum(vader) == 70
    expected = confusion[confusion["method"] == "vader"].set_index(["gold", "predicted"])["n"]
    order = ["negative", "neutral", "positive"]
    assert vader == [int(expected[(g, p)]) for g in order for p in order]
    assert [ax.get_title() for ax in fig.axes] == ["vader", "vader_adjusted"]


def test_sentiment_figures_save_as_png(tone, corpus, tmp_path):
    fig = plots.tone_distribution(tone, corpus, "meeting_id")
    path = plots.save_figure(fig, tmp_path, "02_demo")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
