"""Every figure is drawn for the corpus it is given: per report for a handful of reports, by
outlet, meeting and time for many, and never larger than 2,000 x 3,000 px.

The inputs are tidy tables built here for 5, 50, 300 and 5,000 documents (seeded, with a
skewed spread over 40 outlets and three meetings, as a growing corpus has), in the shapes the
analysis functions return."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from PIL import Image

from corpus_tools import plots

SIZES = [5, 50, 300, 5000]
SIDES = ["Russia", "Ukraine", "United States", "European allies", "United Kingdom", "NATO"]
TERMS = ["ceasefire", "troops", "sanctions", "security guarantees"]


def synthetic_tables(n: int, seed: int = 7) -> dict[str, pd.DataFrame]:
    """Tidy tables for ``n`` documents, in the shapes of the package's analysis functions."""
    rng = np.random.default_rng(seed)
    outlets = [f"Outlet {k:02d}" for k in range(40)]
    weights = 1 / np.arange(1, 41)
    meetings = pd.DataFrame({"meeting_id": ["brussels-2025-03-20", "paris-2025-03-27", "paris-2026-01-06"],
                             "date": pd.to_datetime(["2025-03-20", "2025-03-27", "2026-01-06"]),
                             "place": ["Brussels", "Paris", "Paris"]})
    docs = [f"{i:04d}_{i * 7919 % 10_000:04d}" for i in range(n)]
    meeting = rng.choice(meetings["meeting_id"], size=n, p=[0.2, 0.4, 0.4])
    dates = meetings.set_index("meeting_id")["date"].reindex(meeting).to_numpy() + rng.integers(0, 4, n).astype("timedelta64[D]")
    published = pd.Series(dates).where(rng.random(n) > 0.05)
    corpus = pd.DataFrame({"doc_id": docs, "outlet": rng.choice(outlets, size=n, p=weights / weights.sum()),
                           "meeting_id": meeting, "published": published, "n_words": rng.integers(250, 1400, n)})
    n_sents = rng.integers(8, 40, n)
    tone = pd.DataFrame({"doc_id": np.repeat(docs, n_sents),
                         "sent_id": np.concatenate([np.arange(1, k + 1) for k in n_sents]),
                         "compound": np.clip(rng.normal(-0.05, 0.45, n_sents.sum()), -1, 1).round(4),
                         "n_words": rng.integers(5, 40, n_sents.sum())})
    tone["label"] = np.select([tone["compound"] <= -0.05, tone["compound"] >= 0.05], ["negative", "positive"], "neutral")
    vocab = [f"term{k:03d}" for k in range(400)]
    freqs = pd.DataFrame({"doc_id": np.repeat(docs, 25), "term": np.concatenate([rng.choice(vocab, 25, replace=False) for _ in docs]),
                          "n": rng.integers(1, 15, 25 * n)})
    freqs = freqs.sort_values(["doc_id", "n", "term"], ascending=[True, False, True]).reset_index(drop=True)
    k_disp = rng.integers(0, 4, (n, len(TERMS)))
    disp = pd.DataFrame([(t, d, float(rng.random())) for i, d in enumerate(docs) for j, t in enumerate(TERMS)
                         for _ in range(k_disp[i, j])], columns=["term", "doc_id", "position"])
    actors = [f"Actor {k:02d}" for k in range(60)]
    counts = pd.DataFrame({"actor": np.concatenate([rng.choice(actors, 8, replace=False) for _ in docs]),
                           "doc_id": np.repeat(docs, 8), "n": rng.integers(1, 9, 8 * n)})
    totals = counts.groupby("actor")["n"].sum().sort_values(ascending=False, kind="stable")
    counts = counts.assign(o=counts["actor"].map({a: i for i, a in enumerate(totals.index)})).sort_values(["o", "doc_id"]).drop(columns="o")
    with_outlet = tone.merge(corpus[["doc_id", "outlet"]], on="doc_id")
    targeted = pd.DataFrame([(o, s, float(rng.normal(-0.1, 0.3)), int(rng.integers(0, 30))) for o in sorted(corpus["outlet"].unique())
                             for s in SIDES], columns=["outlet", "target", "mean_compound", "n_sentences"])
    targeted_docs = pd.DataFrame([(d, s, float(rng.normal(-0.1, 0.3)), int(rng.integers(0, 6))) for d in docs for s in SIDES],
                                 columns=["doc_id", "target", "mean_compound", "n_sentences"])
    quoted_docs = pd.DataFrame([(d, part, float(rng.normal(0, 0.2)), int(rng.integers(20, 300))) for d in docs
                                for part in ("quote", "narration")], columns=["doc_id", "part", "weighted_compound", "n_words"])
    speakers = [f"Speaker {k:02d}" for k in range(30)]
    voice = pd.DataFrame({"speaker": speakers, "n_words": rng.integers(5, 500, 30)})
    voice["share"] = voice["n_words"] / voice["n_words"].sum()
    voice_outlet = pd.DataFrame([(o, s, int(rng.integers(1, 80))) for o in sorted(corpus["outlet"].unique())
                                 for s in rng.choice(speakers, 5, replace=False)], columns=["outlet", "speaker", "n_words"])
    voice_outlet["share"] = voice_outlet["n_words"] / voice_outlet.groupby("outlet")["n_words"].transform("sum")
    k = min(5, n - 1)
    neighbours = pd.DataFrame({"doc_id": np.repeat(docs, k), "neighbour": [docs[(i + j + 1) % n] for i in range(n) for j in range(k)],
                               "rank": np.tile(np.arange(1, k + 1), n), "cosine": rng.uniform(0.1, 0.9, n * k).round(4)})
    sharing = corpus[["doc_id", "outlet", "meeting_id"]].assign(
        n_shared=rng.integers(0, 10, n), n_exclusive=rng.integers(0, 10, n), n_left_out=rng.integers(0, 20, n))
    facts = [f"{v} {u}" for v in (2, 30, 35, 200, 30000) for u in ("countries", "soldiers", "day ceasefire", "billion", "leaders",
                                                                 "km", "drones", "percent", "years", "tanks")]
    stated = (rng.random((len(facts), n)) < 0.1) * rng.integers(1, 3, (len(facts), n))
    coverage = pd.concat([pd.DataFrame({"key": facts}), pd.DataFrame(stated, columns=docs)], axis=1)
    coverage["n_reports"] = (stated > 0).sum(axis=1)
    coverage = coverage.sort_values(["n_reports", "key"], ascending=[False, True]).reset_index(drop=True)
    changes = pd.DataFrame([(a, b, t, c, float(rng.normal(0, 2)), float(rng.uniform(0, 20)))
                            for a, b in zip(meetings["meeting_id"], meetings["meeting_id"][1:])
                            for t in vocab[:30] for c in ("rose", "fell")],
                           columns=["earlier", "later", "term", "change", "log_ratio", "g2"])
    out = dict(corpus=corpus, meetings=meetings, tone=tone, freqs=freqs, disp=disp, counts=counts, targeted=targeted,
               targeted_docs=targeted_docs, quoted_docs=quoted_docs, voice=voice, voice_outlet=voice_outlet,
               neighbours=neighbours, sharing=sharing, coverage=coverage, changes=changes, with_outlet=with_outlet)
    if n <= 300:
        m = rng.uniform(0, 0.6, (n, n))
        m = (m + m.T) / 2
        np.fill_diagonal(m, 1.0)
        out["matrix"] = pd.DataFrame(m, index=docs, columns=docs)
    return out


@pytest.fixture(scope="module", params=SIZES, ids=[f"{n}docs" for n in SIZES])
def tables(request):
    return request.param, synthetic_tables(request.param)


def _labels(ax, axis: str = "y") -> list[str]:
    ticks = ax.get_yticklabels() if axis == "y" else ax.get_xticklabels()
    return [t.get_text() for t in ticks if t.get_text()]


def _visible(fig) -> list:
    return [ax for ax in fig.axes if ax.get_visible() and ax.get_label() != "<colorbar>"]


# name -> (draw, count of the per-document items drawn, cap beyond the per-report view)
FIGURES = {
    "lengths": (lambda t: plots.document_lengths(t["corpus"]), lambda f: len(f.axes[0].patches) or len(_labels(f.axes[0])),
                plots.TOP_GROUPS + 1),
    "timeline": (lambda t: plots.meeting_timeline(t["meetings"], t["corpus"]),
                 lambda f: sum(", " in t.get_text() for t in f.axes[0].texts) if len(f.axes) == 1 else len(_visible(f)),
                 plots.MAX_PANELS),
    "top_terms": (lambda t: plots.top_terms(t["freqs"], corpus=t["corpus"], title="Top terms of each {unit}"),
                  lambda f: len(_visible(f)), plots.MAX_PANELS),
    "dispersion": (lambda t: plots.lexical_dispersion(t["disp"], terms=TERMS, docs=sorted(t["corpus"]["doc_id"])),
                   lambda f: len(_labels(f.axes[0])) / len(TERMS), 1),
    "tone_arc": (lambda t: plots.tone_arc(t["tone"], t["corpus"]), lambda f: len(_visible(f)), 3),
    "tone_by_outlet": (lambda t: plots.tone_distribution(t["tone"], t["corpus"], "outlet"),
                       lambda f: len(_labels(f.axes[0])), plots.TOP_GROUPS + 1),
    "targeted_docs": (lambda t: plots.targeted_heatmap(t["targeted_docs"], by="doc_id"),
                      lambda f: len(_labels(f.axes[0], "x")), plots.MAX_CELLS),
    "targeted_outlets": (lambda t: plots.targeted_heatmap(t["targeted"], by="outlet"), None, plots.MAX_CELLS),
    "quote_narration": (lambda t: plots.quote_narration_bars(t["quoted_docs"], by="doc_id"),
                        lambda f: len(_labels(f.axes[0])), plots.TOP_GROUPS + 1),
    "mentions": (lambda t: plots.speaker_heatmap(t["counts"], corpus=t["corpus"]), lambda f: len(_labels(f.axes[0], "x")),
                 plots.MAX_CELLS),
    "voice": (lambda t: plots.share_of_voice_bars(t["voice"]), None, 12),
    "voice_outlet": (lambda t: plots.share_of_voice_groups(t["voice_outlet"], "outlet"), None, plots.TOP_GROUPS + 1),
    "similarity_matrix": (lambda t: plots.similarity_heatmap(t["matrix"], corpus=t["corpus"]) if "matrix" in t else None,
                          lambda f: len(_labels(f.axes[0])), plots.MAX_CELLS),
    "similarity_neighbours": (lambda t: plots.similarity_heatmap(t["neighbours"], corpus=t["corpus"]),
                              lambda f: len(_labels(f.axes[0])), plots.MAX_CELLS),
    "quote_sharing": (lambda t: plots.quote_sharing_bars(t["sharing"]), lambda f: len(_labels(f.axes[0])), plots.TOP_GROUPS + 1),
    "fact_coverage": (lambda t: plots.fact_coverage_grid(t["coverage"], corpus=t["corpus"]), lambda f: len(_labels(f.axes[0], "x")),
                      plots.MAX_CELLS),
    "meeting_changes": (lambda t: plots.meeting_change_bars(t["changes"]), None, 6),
}


@pytest.mark.parametrize("name", FIGURES)
def test_figure_fits_and_is_per_report_only_while_small(tables, name, tmp_path):
    n, data = tables
    draw, per_doc, cap = FIGURES[name]
    fig = draw(data)
    if fig is None:
        pytest.skip("no square similarity matrix is built beyond 300 documents")
    width, height = Image.open(plots.save_figure(fig, tmp_path, f"99_{name}")).size
    assert width <= plots.MAX_WIDTH_PX and height <= plots.MAX_HEIGHT_PX, (width, height)
    if per_doc is None:
        return
    drawn = per_doc(fig)
    if n <= plots.MAX_DOCS:
        assert drawn == n, f"{name}: {drawn} per-report items for {n} reports"
    else:
        assert 1 <= drawn <= cap, f"{name}: {drawn} items drawn for {n} reports (cap {cap})"
    plt.close(fig)


def test_small_heatmaps_name_every_report_and_large_ones_pool_outlets():
    small, large = synthetic_tables(5), synthetic_tables(300)
    ax = plots.speaker_heatmap(small["counts"], title="Mentions per actor and {unit}").axes[0]
    assert ax.get_title() == "Mentions per actor and report"
    assert sorted(_labels(ax, "x")) == sorted(d[:3] for d in small["corpus"]["doc_id"])
    ax = plots.speaker_heatmap(large["counts"], corpus=large["corpus"], title="Mentions per actor and {unit}").axes[0]
    assert ax.get_title().startswith("Mentions per actor and outlet")
    # the counts of an outlet are the sum over its reports
    outlet = large["corpus"]["outlet"].value_counts().index[0]
    mine = large["counts"].merge(large["corpus"][["doc_id", "outlet"]])
    column = [t.get_text() for t in ax.get_xticklabels()].index(f"{outlet} ({(large['corpus']['outlet'] == outlet).sum()})")
    image = ax.images[0].get_array()
    actors = [t.get_text() for t in ax.get_yticklabels()]
    expected = mine[mine["outlet"] == outlet].groupby("actor")["n"].sum().reindex(actors, fill_value=0)
    assert image[:, column].tolist() == expected.tolist()


def test_pooled_groups_keep_every_sentence():
    data = synthetic_tables(300)
    fig = plots.tone_distribution(data["tone"], data["corpus"], "outlet", top_groups=5)
    labels = _labels(fig.axes[0])
    assert len(labels) == 6 and labels[0] == "other outlets"  # pooled row at the bottom
    printed = [t.get_text() for t in fig.axes[1].texts if "(n=" in t.get_text()]
    assert sum(int(p.split("(n=")[1].rstrip(")")) for p in printed) == len(data["tone"])


def test_similarity_by_outlet_is_the_mean_of_the_pairs():
    data = synthetic_tables(50)
    corpus, matrix = data["corpus"], data["matrix"]
    ax = plots.similarity_heatmap(matrix, corpus=corpus, max_cells=45).axes[0]  # 50 reports > 45: by outlet
    names = [t.get_text().rsplit(" (", 1)[0] for t in ax.get_yticklabels()]
    a, b = names[0], names[1]
    da = corpus.loc[corpus["outlet"] == a, "doc_id"]
    db = corpus.loc[corpus["outlet"] == b, "doc_id"]
    expected = matrix.loc[da, db].to_numpy().mean()
    assert float(ax.images[0].get_array()[0, 1]) == pytest.approx(expected)


def test_save_figure_shrinks_an_oversized_figure(tmp_path):
    fig, ax = plt.subplots(figsize=(30, 50))
    ax.set_title("x" * 400)  # text far wider than the figure
    width, height = Image.open(plots.save_figure(fig, tmp_path, "99_huge")).size
    assert width <= plots.MAX_WIDTH_PX and height <= plots.MAX_HEIGHT_PX
    assert max(width / plots.MAX_WIDTH_PX, height / plots.MAX_HEIGHT_PX) > 0.9  # shrunk to fit, not to a thumbnail


def test_one_group_more_than_top_groups_is_drawn_not_pooled():
    data = synthetic_tables(300)
    outlets = data["corpus"]["outlet"].value_counts().index[:6]
    corpus = data["corpus"][data["corpus"]["outlet"].isin(outlets)]
    tone = data["tone"][data["tone"]["doc_id"].isin(corpus["doc_id"])]
    fig = plots.tone_distribution(tone, corpus, "outlet", top_groups=5)
    assert sorted(_labels(fig.axes[0])) == sorted(outlets) and "pooled" not in fig.texts[0].get_text()
    sharing = data["sharing"][data["sharing"]["outlet"].isin(outlets)]
    fig = plots.quote_sharing_bars(sharing, top_groups=5)
    assert len(_labels(fig.axes[0])) == 6 and "pooled" not in fig.texts[0].get_text()
