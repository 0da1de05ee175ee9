"""Tone already computed is not computed again: method agreement from given tone tables, and
quote-vs-narration summaries from scored segments, equal the full computation."""
from __future__ import annotations

import pandas as pd
import pytest

from corpus_tools import sentiment
from corpus_tools.quotes import quotes as find_quotes


@pytest.fixture(scope="module")
def tone_all(corpus_sentences):
    return {m: sentiment.sentence_tone(corpus_sentences, m) for m in sentiment.METHODS}


def test_method_agreement_from_given_tones_scores_nothing(corpus_sentences, tone_all, monkeypatch):
    expected = sentiment.method_agreement(corpus_sentences)
    monkeypatch.setattr(sentiment, "score_texts", lambda *a, **k: pytest.fail("scored again"))
    given = sentiment.method_agreement(corpus_sentences, tones=tone_all)
    pd.testing.assert_frame_equal(given, expected, check_exact=True)
    assert given["n"].tolist() == [len(corpus_sentences)] * 3


def test_quote_vs_narration_from_scored_segments(corpus, corpus_sentences, monkeypatch):
    found = find_quotes(corpus)
    segments, by_outlet = sentiment.quote_vs_narration(corpus_sentences, found, "vader_adjusted", by="outlet", corpus=corpus)
    expected = {by: sentiment.quote_vs_narration(corpus_sentences, found, "vader_adjusted", by=by, corpus=corpus)[1]
                for by in ("doc_id", "meeting_id", None)}
    monkeypatch.setattr(sentiment, "score_texts", lambda *a, **k: pytest.fail("scored again"))
    for by, table in expected.items():
        again = sentiment.quote_vs_narration(corpus_sentences, found, "vader_adjusted", by=by, corpus=corpus, segments=segments)
        pd.testing.assert_frame_equal(again[1], table, check_exact=True)
    quote_words = segments.loc[segments["part"] == "quote", "n_words"].sum()
    assert expected[None].set_index("part").loc["quote", "n_words"] == quote_words > 0


def test_method_tones_take_the_cached_tone_and_score_the_rest(corpus, tmp_path):
    """The pipeline's cached tone of one method stands for sentence_tone of that method."""
    import corpus_tools as ct
    from corpus_tools import sentiment

    tables = ct.process(corpus, ["sentences", "tone"], params={"tone_method": "afinn"}, cache=tmp_path, scheduler="serial")
    sents = tables.sentences
    tones = sentiment.method_tones(sents, known={"afinn": tables.tone})
    assert list(tones) == list(sentiment.METHODS)
    for method in sentiment.METHODS:
        pd.testing.assert_frame_equal(tones[method], sentiment.sentence_tone(sents, method), check_exact=True)
