import math
import re

import numpy as np
import pandas as pd
import pytest

from corpus_tools import sentences, tokens
from corpus_tools.errors import CorpusError
from corpus_tools.vocabulary import (collocations, ngram_counts, segments, term_frequencies, tfidf_terms,
                                     vocabulary_size)


def _toks(*texts):
    docs = pd.DataFrame({"doc_id": [f"d{i}" for i in range(len(texts))], "text": list(texts)})
    return tokens(sentences(docs))


def test_term_frequencies_by_hand_with_us_apart_from_us():
    toks = _toks("The US told us that US troops would stay. Troops!")
    # words: The US told us that US troops would stay Troops = 10 word tokens
    freqs = term_frequencies(toks).set_index("term")
    assert freqs.loc["US", "n"] == 2 and freqs.loc["troops", "n"] == 2
    assert freqs.loc["troops", "per_10k"] == pytest.approx(2 / 10 * 10_000)
    assert "us" not in freqs.index and "the" not in freqs.index  # stopwords left out by default
    with_stop = term_frequencies(toks, stopwords=True).set_index("term")
    assert with_stop.loc["us", "n"] == 1 and with_stop.loc["US", "n"] == 2
    # the rate of a content word does not depend on whether stopwords are listed
    assert with_stop.loc["troops", "per_10k"] == freqs.loc["troops", "per_10k"]


def test_ties_are_sorted_by_term_and_input_order_does_not_matter(corpus_tokens):
    freqs = term_frequencies(corpus_tokens, by=None)
    for _, group in freqs.groupby("n"):
        assert group["term"].tolist() == sorted(group["term"])
    shuffled = corpus_tokens.sample(frac=1, random_state=1)
    pd.testing.assert_frame_equal(term_frequencies(shuffled), term_frequencies(corpus_tokens))
    assert term_frequencies(_toks("Talks troops sanctions.")).term.tolist() == ["sanctions", "talks", "troops"]


def test_corpus_counts_on_the_real_articles(corpus, corpus_tokens):
    freqs = term_frequencies(corpus_tokens, by=None).set_index("term")
    # an independent count: the word "ceasefire" in the cleaned texts, any case
    expected = sum(len(re.findall(r"\bceasefire\b", t, flags=re.I)) for t in corpus["text"])
    assert freqs.loc["ceasefire", "n"] == expected == 20
    per_doc = term_frequencies(corpus_tokens)
    assert per_doc.groupby("term")["n"].sum()["ukraine"] == freqs.loc["ukraine", "n"]
    n_words = int(corpus_tokens["is_alpha"].sum())
    assert freqs.loc["ukraine", "per_10k"] == pytest.approx(freqs.loc["ukraine", "n"] / n_words * 10_000)


def test_empty_and_one_word_documents():
    toks = _toks("", "Ceasefire")
    assert term_frequencies(toks).values.tolist() == [["d1", "ceasefire", 1, 10_000.0]]
    assert term_frequencies(_toks("")).empty
    assert list(term_frequencies(_toks("")).columns) == ["doc_id", "term", "n", "per_10k"]
    assert vocabulary_size(toks).values.tolist() == [["d1", 1, 1, 1, 1.0]]
    assert ngram_counts(toks, 2).empty and collocations(toks, 2, min_freq=1).empty
    assert tfidf_terms(toks)[["doc_id", "term", "n", "tfidf", "rank"]].values.tolist() == [["d1", "ceasefire", 1, 1.0, 1]]


def test_segments_stop_at_punctuation_numbers_and_sentences():
    toks = _toks("Britain and France, with 30,000 troops. Security guarantees \"now\".")
    assert segments(toks) == [["britain", "and", "france"], ["with"], ["troops"], ["security", "guarantees"], ["now"]]


def test_ngrams_keep_inner_stopwords_but_not_edge_ones(corpus_tokens):
    toks = _toks("The coalition of the willing met. The coalition of the willing, again.")
    four = ngram_counts(toks, 4)
    assert four.values.tolist() == [["coalition of the willing", 2]]
    bigrams = ngram_counts(toks, 2)["term"].tolist()
    assert "the coalition" not in bigrams and "willing met" in bigrams
    # real corpus: counted with grep on data/raw (2 + 1 + 1 + 2 articles' mentions)
    real = ngram_counts(corpus_tokens, 4).set_index("term")["n"]
    assert real["coalition of the willing"] == 6
    real2 = ngram_counts(corpus_tokens, 2).set_index("term")["n"]
    assert real2["security guarantees"] == 10 and real2["reassurance force"] == 3
    by_doc = ngram_counts(corpus_tokens, 2, by="doc_id", min_freq=2)
    assert by_doc["n"].min() == 2 and by_doc.columns.tolist() == ["doc_id", "term", "n"]


def test_the_coverage_phrases_come_out_on_top(corpus_tokens):
    phrases2 = collocations(corpus_tokens, 2, min_freq=3).query("capitalised < 0.5")
    assert phrases2["term"].iloc[0] == "security guarantees"
    assert "reassurance force" in phrases2["term"].head(5).tolist()
    phrases4 = collocations(corpus_tokens, 4, min_freq=3).query("capitalised < 0.5")
    assert set(phrases4["term"].head(2)) == {"coalition of the willing", "security guarantees for ukraine"}
    names = collocations(corpus_tokens, 2, min_freq=3).query("capitalised >= 0.5")
    assert names["term"].iloc[0] == "prime minister"
    four = collocations(corpus_tokens, 4, min_freq=3).set_index("term")
    assert four.loc["coalition of the willing", "n_docs"] == 4
    assert four.loc["coalition of the willing", "capitalised"] == pytest.approx(2 / 6)  # capitals in 004 only


def test_log_likelihood_and_pmi_of_a_bigram_by_hand(corpus_tokens):
    n_words = int(corpus_tokens["is_alpha"].sum())  # 3287: every word counts in the marginals
    words = corpus_tokens[corpus_tokens["is_alpha"]]["lower"].value_counts()
    n_ii, n_ix, n_xi = 10, words["security"], words["guarantees"]  # 10, 15, 14
    observed = np.array([[n_ii, n_ix - n_ii], [n_xi - n_ii, n_words - n_ix - n_xi + n_ii]], dtype=float)
    expected = observed.sum(1, keepdims=True) * observed.sum(0, keepdims=True) / n_words
    g2 = 2 * (observed * np.log(observed / expected)).sum()
    got = collocations(corpus_tokens, 2, min_freq=3).set_index("term").loc["security guarantees", "score"]
    assert got == pytest.approx(g2)
    pmi = collocations(corpus_tokens, 2, min_freq=3, measure="pmi").set_index("term").loc["security guarantees", "score"]
    assert pmi == pytest.approx(math.log2(n_ii * n_words / (n_ix * n_xi)))


def test_collocation_min_freq_and_bad_arguments(corpus_tokens):
    assert collocations(corpus_tokens, 3, min_freq=4)["n"].min() >= 4
    with pytest.raises(CorpusError, match="n = 2, 3 or 4"):
        collocations(corpus_tokens, 5)
    with pytest.raises(CorpusError, match="measure"):
        collocations(corpus_tokens, 2, measure="chi")
    with pytest.raises(CorpusError, match="lacks"):
        term_frequencies(pd.DataFrame({"doc_id": ["a"]}))


def test_tfidf_by_hand():
    toks = _toks("Troops and sanctions.", "Sanctions and talks.")
    got = tfidf_terms(toks, top_n=None).set_index(["doc_id", "term"])["tfidf"]
    idf_rare = math.log(3 / 2) + 1  # smooth idf: ln((1 + 2 docs) / (1 + 1 doc)) + 1
    idf_common = math.log(3 / 3) + 1
    norm = math.hypot(idf_rare, idf_common)
    assert got[("d0", "troops")] == pytest.approx(idf_rare / norm)
    assert got[("d0", "sanctions")] == pytest.approx(idf_common / norm)


def test_tfidf_on_the_corpus_is_ranked_and_limited(corpus_tokens):
    top = tfidf_terms(corpus_tokens, top_n=5)
    assert top.groupby("doc_id").size().tolist() == [5] * 5
    assert top.groupby("doc_id")["rank"].apply(list).map(lambda r: r == [1, 2, 3, 4, 5]).all()
    assert top.groupby("doc_id")["tfidf"].apply(lambda s: s.is_monotonic_decreasing).all()
    # "witkoff" occurs only in the January 2026 report
    assert "witkoff" in tfidf_terms(corpus_tokens, top_n=None).query("doc_id.str.startswith('004')")["term"].tolist()


def test_vocabulary_size_by_hand_and_on_the_corpus(corpus, corpus_tokens):
    assert vocabulary_size(_toks("The troops and the troops.")).values.tolist() == [["d0", 5, 3, 2, 0.4]]
    sizes = vocabulary_size(corpus_tokens)
    assert sizes["n_words"].tolist() == corpus.sort_values("doc_id")["n_words"].tolist()
    total = vocabulary_size(corpus_tokens, by=None)
    assert total["n_words"].item() == 3287 and total["n_types"].item() == corpus_tokens.query("is_alpha")["lower"].nunique()
