import re

import pandas as pd
import pytest

from corpus_tools import sentences, tokens
from corpus_tools.concordance import dispersion, kwic, pattern_words
from corpus_tools.errors import CorpusError


def _docs(*texts):
    return pd.DataFrame({"doc_id": [f"d{i}" for i in range(len(texts))], "text": list(texts)})


def test_kwic_window_by_hand():
    docs = _docs("Leaders in Paris agreed on a ceasefire plan, said Macron on Thursday.")
    out = kwic(docs, "ceasefire", window=3)
    assert out.values.tolist() == [["d0", 7, "agreed on a", "ceasefire", "plan, said"]]
    # context stops at the document's edges
    assert kwic(docs, "leaders", window=3).values.tolist() == [["d0", 1, "", "Leaders", "in Paris agreed"]]
    assert kwic(docs, "Thursday", window=2)["right"].tolist() == ["."]


def test_phrases_match_consecutive_tokens_only():
    docs = _docs("Security guarantees matter. Security, guarantees, and security guarantees.")
    out = kwic(docs, "security guarantees", window=1)
    # tokens: Security 1, guarantees 2, matter 3, . 4, Security 5, , 6, guarantees 7, , 8, and 9, security 10
    assert out["token_id"].tolist() == [1, 10] and out["match"].tolist() == ["Security guarantees", "security guarantees"]


def test_us_stays_apart_from_us_and_case_is_ignored_otherwise():
    docs = _docs("The US told us. CEASEFIRE, Ceasefire, ceasefire.")
    assert kwic(docs, "US")["match"].tolist() == ["US"]
    assert kwic(docs, "us")["match"].tolist() == ["us"]
    assert kwic(docs, "Ceasefire")["match"].tolist() == ["Ceasefire", "ceasefire"]  # CEASEFIRE is kept as written
    assert pattern_words("sanction*") == ["sanction*"]
    assert kwic(_docs("Sanctions and sanction."), "sanction*")["match"].tolist() == ["Sanctions", "sanction"]


def test_real_corpus_counts_equal_an_independent_count(corpus, corpus_tokens):
    for pattern, regex in [("security guarantees", r"\bsecurity guarantees\b"), ("ceasefire", r"\bceasefire\b"),
                           ("troops", r"\btroops\b"), ("sanctions", r"\bsanctions\b")]:
        expected = sum(len(re.findall(regex, t, re.I)) for t in corpus["text"])
        out = kwic(corpus_tokens, pattern)
        assert len(out) == expected, pattern
        assert out["match"].str.lower().eq(pattern).all()
    assert len(kwic(corpus_tokens, "security guarantees")) == 10
    pd.testing.assert_frame_equal(kwic(corpus, "troops", window=4), kwic(corpus_tokens, "troops", window=4))


def test_context_is_the_source_text(corpus):
    row = kwic(corpus, "reassurance force", window=4).iloc[0]
    text = corpus.set_index("doc_id").loc[row["doc_id"], "text"]
    # no space is invented between the opening quote and the match, none lost elsewhere
    assert row["left"] + row["match"] + row["right"] in text
    assert (row["left"], row["right"]) == ("to send a “", "” to Ukraine after")


def test_empty_one_word_and_bad_input():
    docs = _docs("", "Ceasefire")
    assert kwic(docs, "ceasefire").values.tolist() == [["d1", 1, "", "Ceasefire", ""]]
    assert kwic(_docs(""), "ceasefire").empty
    assert dispersion(docs, "ceasefire").values.tolist() == [["ceasefire", "d1", 1, 0.0]]
    with pytest.raises(CorpusError, match="no word"):
        kwic(docs, "  ")
    with pytest.raises(CorpusError, match="corpus"):
        kwic(pd.DataFrame({"x": [1]}), "a")


def test_dispersion_positions_by_hand(corpus_tokens):
    docs = _docs("Troops now, troops later: troops", "Talks. Troops")
    out = dispersion(tokens(sentences(docs)), ["troops", "talks"])
    # d0 has 7 tokens (Troops now , troops later : troops): position = (token_id - 1) / 6
    assert out.values.tolist() == [
        ["troops", "d0", 1, 0.0], ["troops", "d0", 4, 3 / 6], ["troops", "d0", 7, 1.0],
        ["troops", "d1", 3, 1.0], ["talks", "d1", 1, 0.0],
    ]
    real = dispersion(corpus_tokens, ["ceasefire", "security guarantees"])
    assert real.groupby("term", sort=False).size().to_dict() == {"ceasefire": 20, "security guarantees": 10}
    assert real["position"].between(0, 1).all()


def test_any_row_order_gives_the_same_tables_and_a_phrase_never_crosses_documents(corpus_tokens):
    from corpus_tools.concordance import kwic_table

    shuffled = corpus_tokens.sample(frac=1, random_state=5)
    terms = ["ceasefire", "security guarantees", "sanction*"]
    for term in terms:
        pd.testing.assert_frame_equal(kwic(shuffled, term, window=5), kwic(corpus_tokens, term, window=5))
    pd.testing.assert_frame_equal(dispersion(shuffled, terms), dispersion(corpus_tokens, terms))
    table = kwic_table(corpus_tokens, terms, window=5)
    expected = pd.concat([kwic(corpus_tokens, t, window=5).assign(term=t) for t in terms], ignore_index=True)
    pd.testing.assert_frame_equal(table, expected[["term", "doc_id", "token_id", "left", "match", "right"]])
    # "security" ends d0 and "guarantees" begins d1: no match, and no context from the other document
    docs = _docs("Europe offers security", "Guarantees follow. Security guarantees matter.")
    assert kwic(docs, "security guarantees", window=3).values.tolist() == [["d1", 4, "Guarantees follow.", "Security guarantees",
                                                                            "matter."]]
    assert kwic(docs, "security", window=3)["right"].tolist() == ["", "guarantees matter."]
    assert kwic_table(docs, ["nothing"]).columns.tolist() == ["term", "doc_id", "token_id", "left", "match", "right"]


def test_the_concordance_view_shows_the_first_lines_of_each_term_with_a_stable_text(corpus_tokens):
    from corpus_tools.concordance import kwic_table, kwic_view

    table = kwic_table(corpus_tokens, ["ceasefire", "sanction*"], window=5)
    view = kwic_view(table, per_term=2)
    shown = view.styler.data
    assert shown["term"].tolist() == ["ceasefire"] * 2 + ["sanction*"] * 2
    pd.testing.assert_frame_equal(shown, table.groupby("term", sort=False).head(2))
    assert repr(view) == repr(kwic_view(table, per_term=2)) and " at 0x" not in repr(view)
    assert repr(view).splitlines()[0].split() == ["term", "doc_id", "token_id", "left", "match", "right"]
    page = view._repr_html_()
    assert page.count("<tr>") == 5 and "text-align: right" in page  # header + 4 lines; left context aligned right
