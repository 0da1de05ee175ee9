import math
import re

import numpy as np
import pandas as pd
import pytest

from corpus_tools import sentences, tokens
from corpus_tools import vocabulary
from corpus_tools.pipeline import term_counts
from corpus_tools.errors import CorpusError
from corpus_tools.vocabulary import (collocations, in_text_order, load_tokens, ngram_counts, phrase_table, segments,
                                     term_frequencies, tfidf_terms, tfidf_view, vocabulary_size)


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


# ---------------------------------------------------------------------------- scale (issue 13)

def _nltk_collocations(toks, n, min_freq, measure):
    """The reference: NLTK's finder built by ``from_documents`` on the segments, and the
    documents and capitals of each sequence found by walking the segments one by one."""
    from collections import Counter

    from nltk.collocations import (BigramAssocMeasures, BigramCollocationFinder, QuadgramAssocMeasures,
                                   QuadgramCollocationFinder, TrigramAssocMeasures, TrigramCollocationFinder)
    from nltk.util import ngrams

    from corpus_tools.vocabulary import _segments

    finder_class, measures = {2: (BigramCollocationFinder, BigramAssocMeasures),
                              3: (TrigramCollocationFinder, TrigramAssocMeasures),
                              4: (QuadgramCollocationFinder, QuadgramAssocMeasures)}[n]
    segs = _segments(toks)
    stop = set(toks.loc[toks["is_stop"], "lower"])
    finder = finder_class.from_documents([lowers for _, lowers, _ in segs])
    finder.apply_freq_filter(min_freq)
    finder.apply_ngram_filter(lambda *w: w[0] in stop or w[-1] in stop)
    scored = finder.score_ngrams(getattr(measures, {"likelihood": "likelihood_ratio", "pmi": "pmi"}[measure]))
    docs, capitals = {g: set() for g, _ in scored}, Counter()
    for doc_id, lowers, originals in segs:
        for gram, written in zip(ngrams(lowers, n), ngrams(originals, n)):
            if gram in docs:
                docs[gram].add(doc_id)
                capitals[gram] += all(w[:1].isupper() for g, w in zip(gram, written) if g not in stop)
    return {" ".join(g): (finder.ngram_fd[g], len(docs[g]), capitals[g] / finder.ngram_fd[g], s) for g, s in scored}


@pytest.mark.parametrize("n", [2, 3, 4])
@pytest.mark.parametrize("measure", ["likelihood", "pmi"])
def test_collocations_on_arrays_equal_nltk_from_documents(corpus_tokens, n, measure):
    # the real articles, plus two documents that repeat phrases across a sentence end and a comma
    extra = _toks("Security guarantees. Guarantees for Ukraine, security guarantees for Ukraine now.",
                  "The Coalition of the Willing met; the coalition of the willing agreed. Security guarantees for Ukraine!")
    toks = pd.concat([corpus_tokens, extra.assign(doc_id="x" + extra["doc_id"])], ignore_index=True)
    expected = _nltk_collocations(toks, n, 2, measure)
    got = collocations(toks.sample(frac=1, random_state=3), n, min_freq=2, measure=measure)  # any row order
    assert len(got) == len(expected) > 10
    assert {t: (r.n, r.n_docs, r.capitalised, r.score) for t, r in zip(got["term"], got.itertuples())} == expected
    assert got["score"].is_monotonic_decreasing


def test_phrase_table_sets_names_apart_and_reads_the_tokens_once(corpus_tokens):
    table = phrase_table(corpus_tokens, (2, 3, 4), min_freq=3)
    assert table.columns.tolist() == ["term", "n", "n_docs", "capitalised", "score", "words", "kind"]
    for n in (2, 3, 4):
        mine = table[table["words"] == n].sort_values(["score", "term"], ascending=[False, True]).drop(columns=["words", "kind"])
        pd.testing.assert_frame_equal(mine.reset_index(drop=True), collocations(corpus_tokens, n, min_freq=3))
    assert table["kind"].tolist() == sorted(table["kind"], reverse=True)  # phrases first, then names
    named = table.set_index("term")["kind"]
    assert named["security guarantees"] == "phrase" and named["prime minister keir starmer"] == "name"
    assert named["coalition of the willing"] == "phrase"  # capitalised in 2 of 6 occurrences


def test_vocabulary_size_from_word_counts_equals_the_tokens(corpus, corpus_tokens):
    from corpus_tools import term_counts

    counts = term_counts(corpus_tokens)
    pd.testing.assert_frame_equal(vocabulary_size(counts), vocabulary_size(corpus_tokens))
    pd.testing.assert_frame_equal(vocabulary_size(counts, by=None), vocabulary_size(corpus_tokens, by=None))
    with_outlet = counts.merge(corpus[["doc_id", "outlet"]], on="doc_id")
    by_outlet = vocabulary_size(with_outlet, by="outlet")
    assert by_outlet.set_index("outlet").loc["The Moscow Times", "n_words"] == corpus.loc[
        corpus["outlet"] == "The Moscow Times", "n_words"].sum()
    with pytest.raises(CorpusError, match="lacks outlet"):
        vocabulary_size(counts, by="outlet")


def test_tfidf_table_of_reports_whose_short_labels_collide():
    # At 10,000 articles, "1000_..." and "10000_..." of one outlet both get the short label
    # "100 <outlet>": the notebook's pivot on labels failed with "Index contains duplicate
    # entries, cannot reshape". tfidf_view heads such reports by their doc_id.
    from corpus_tools.plots import short_label

    docs = pd.DataFrame({"doc_id": ["100_aa", "1000_bb", "10000_cc", "002_dd"],
                         "outlet": ["Synthetic Outlet 35", "Synthetic Outlet 35", "Synthetic Outlet 35", "Le Monde"],
                         "text": ["Troops and talks.", "Sanctions and talks.", "Drones and talks.", "Peace and talks."]})
    labels = {d: short_label(d, o) for d, o in zip(docs["doc_id"], docs["outlet"])}
    assert labels["1000_bb"] == labels["10000_cc"]
    tfidf = tfidf_terms(tokens(sentences(docs)), top_n=2)
    with pytest.raises(ValueError, match="duplicate entries"):
        tfidf.assign(doc=tfidf["doc_id"].map(labels)).pivot(index="rank", columns="doc", values="term")
    wide = tfidf_view(tfidf, labels)
    assert sorted(wide.columns) == sorted(["100_aa", "1000_bb", "10000_cc", "002 Le Monde"])  # "100 Synthetic..." x3 collide
    assert wide[["1000_bb", "10000_cc", "002 Le Monde"]].iloc[0].tolist() == ["sanctions", "drones", "peace"]
    long = tfidf_view(tfidf, labels, max_docs=3)
    assert long.values.tolist() == [["002_dd", "002 Le Monde", "peace, talks"], ["10000_cc", "10000_cc", "drones, talks"],
                                    ["1000_bb", "1000_bb", "sanctions, talks"], ["100_aa", "100_aa", "troops, talks"]]


def test_in_text_order_keeps_an_ordered_table_and_orders_a_shuffled_one(corpus_tokens):
    assert in_text_order(corpus_tokens) is corpus_tokens
    shuffled = corpus_tokens.sample(frac=1, random_state=1)
    ordered = in_text_order(shuffled)
    assert ordered.groupby("doc_id", sort=False)["token_id"].apply(lambda s: s.is_monotonic_increasing).all()
    assert ordered["doc_id"].ne(ordered["doc_id"].shift()).sum() == corpus_tokens["doc_id"].nunique()


def test_load_tokens_reads_by_chunks_the_same_rows(corpus, tmp_path):
    from corpus_tools import process

    done = process(corpus, stages=["sentences", "tokens"], cache=tmp_path)
    whole = done.tokens
    for chunk in (1, 2, 5, 50):
        got = load_tokens(done, chunk_docs=chunk)
        assert got["token_id"].dtype == "int32" and len(got) == len(whole)
        pd.testing.assert_frame_equal(got, whole.astype({c: "int32" for c in ("sent_id", "token_id", "start", "end")}))
    assert load_tokens(done, ["doc_id", "lower"]).columns.tolist() == ["doc_id", "lower"]


def _term_frequencies_by_groupby(counts, by, stopwords):
    """The reference: term_frequencies as two groupbys and a sort by strings."""
    keys = [by] if by else []
    words = vocabulary.word_counts(counts, keys)
    totals = words.groupby(keys)["n"].sum() if by else None
    kept = words if stopwords else words[~words["is_stop"]]
    out = kept.groupby(keys + ["term"])["n"].sum().astype("int64").reset_index()
    total = out[by].map(totals) if by else float(words["n"].sum())
    out["per_10k"] = out["n"] / total * 10_000
    out = out.sort_values(keys + ["n", "term"], ascending=[True] * len(keys) + [False, True], kind="stable")
    return out.reset_index(drop=True)


@pytest.mark.parametrize("by", ["doc_id", "outlet", None])
@pytest.mark.parametrize("stopwords", [False, True])
def test_term_frequencies_equal_the_groupby_reference(corpus_tokens, corpus, by, stopwords):
    counts = term_counts(corpus_tokens).merge(corpus[["doc_id", "outlet"]], on="doc_id")
    # invented: a form counted once as a stopword and once not in the same document, and ties in n
    odd = pd.DataFrame({"doc_id": ["z", "z", "z", "z"], "term": ["us", "us", "b", "a"], "n": [2, 3, 1, 1],
                        "is_stop": [True, False, False, False], "outlet": ["Wire"] * 4})
    for frame in (counts, pd.concat([counts, odd], ignore_index=True)):
        pd.testing.assert_frame_equal(vocabulary.term_frequencies(frame, by=by, stopwords=stopwords),
                                      _term_frequencies_by_groupby(frame, by, stopwords), check_exact=True)
