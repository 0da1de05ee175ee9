import matplotlib

matplotlib.use("Agg")

import pandas as pd
from PIL import Image

from corpus_tools import plots
from corpus_tools.concordance import dispersion
from corpus_tools.keyness import keyness
from corpus_tools.vocabulary import term_frequencies


def test_top_terms_bars_are_the_counts_of_each_document(corpus, corpus_tokens, tmp_path):
    freqs = term_frequencies(corpus_tokens)
    labels = {d: plots.short_label(d, o) for d, o in zip(corpus["doc_id"], corpus["outlet"])}
    fig = plots.top_terms(freqs, top_n=5, labels=labels)
    panels = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in panels] == [labels[d] for d in sorted(corpus["doc_id"])]
    first = freqs[freqs["doc_id"] == sorted(corpus["doc_id"])[0]].head(5)
    ax = panels[0]
    assert [t.get_text() for t in ax.get_yticklabels()][::-1] == first["term"].tolist()
    assert [p.get_width() for p in ax.patches][::-1] == first["n"].tolist()
    image = Image.open(plots.save_figure(fig, tmp_path, "01_top_terms"))
    assert image.size[0] > 800 and "Software" not in image.info


def test_keyness_bars_are_two_sided(corpus, corpus_tokens):
    toks = corpus_tokens.merge(corpus[["doc_id", "meeting_id"]], on="doc_id")
    key = keyness(toks, "paris-2025-03-27", by="meeting_id", reference="paris-2026-01-06")
    fig = plots.keyness_bars(key, top_n=4, target_label="March 2025", reference_label="January 2026")
    ax = fig.axes[0]
    widths = sorted(round(float(p.get_width()), 6) for p in ax.patches)
    expected = sorted([round(g, 6) for g in key[key["key"] == "target"].head(4)["g2"]]
                      + [round(-g, 6) for g in key[key["key"] == "reference"].head(4)["g2"]])
    assert widths == expected
    labels = {t.get_text().strip() for t in ax.texts}
    assert {"sanctions", "summit", "witkoff", "said"} <= labels
    assert "March 2025" in ax.get_xlabel() and "January 2026" in ax.get_xlabel()


def test_dispersion_has_a_row_per_term_and_document_and_a_tick_per_occurrence(corpus, corpus_tokens):
    terms = ["ceasefire", "security guarantees"]
    disp = dispersion(corpus_tokens, terms)
    docs = sorted(corpus["doc_id"])
    fig = plots.lexical_dispersion(disp, terms=terms, docs=docs)
    ax = fig.axes[0]
    assert len(ax.get_yticklabels()) == 2 * len(docs)
    assert ax.get_yticklabels()[0].get_text() == f"ceasefire · {docs[0]}"
    ticks = sum(len(c.get_offsets()) for c in ax.collections)
    assert ticks == len(disp) == 30
    # 000 never says "security guarantees": its row is there, empty
    assert not ((disp["term"] == "security guarantees") & (disp["doc_id"] == docs[0])).any()


def test_empty_tables_still_plot():
    empty = pd.DataFrame({"doc_id": ["a"], "term": ["peace"], "n": [1]})
    assert plots.top_terms(empty, by=None).axes[0].get_title() == ""
    fig = plots.lexical_dispersion(pd.DataFrame(columns=["term", "doc_id", "position"]), terms=["troops"], docs=["a"])
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["troops · a"]
