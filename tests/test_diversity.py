import math

import pandas as pd
import pytest

from corpus_tools import sentences, tokens
from corpus_tools.diversity import lexical_diversity, mattr, mtld, ttr


def _mattr_naive(words, window):
    """A second implementation: the TTR of every window, recomputed from scratch."""
    if len(words) <= window:
        return len(set(words)) / len(words)
    ttrs = [len(set(words[i:i + window])) / window for i in range(len(words) - window + 1)]
    return sum(ttrs) / len(ttrs)


def _mtld_naive(words, threshold=0.72):
    """A second implementation: cut the text into stretches by slicing, then average both ways."""
    def one_way(seq):
        factors, begin = 0.0, 0
        for end in range(1, len(seq) + 1):
            stretch = seq[begin:end]
            if len(set(stretch)) / len(stretch) <= threshold:
                factors, begin = factors + 1, end
        rest = seq[begin:]
        if rest:
            factors += (1 - len(set(rest)) / len(rest)) / (1 - threshold)
        return len(seq) / factors
    return (one_way(list(words)) + one_way(list(words)[::-1])) / 2


def test_ttr_by_hand():
    assert ttr("the force and the plan".split()) == pytest.approx(4 / 5)
    assert math.isnan(ttr([]))


def test_mattr_by_hand():
    # windows of 3 over "a b a c a": aba 2/3, bac 3/3, aca 2/3 -> mean 7/9
    assert mattr("a b a c a".split(), window=3) == pytest.approx(7 / 9)
    # shorter than the window: the plain TTR
    assert mattr("a b a".split(), window=10) == pytest.approx(2 / 3)
    with pytest.raises(ValueError):
        mattr(["a"], window=0)


def test_mtld_by_hand():
    words = "a b a c d e f".split()
    # forward: a b a -> TTR 2/3 <= 0.72, one factor; c d e f left with TTR 1 -> partial 0; 7 / 1 = 7
    # backward: f e d c a b a never falls to 0.72; TTR 6/7 -> partial (1 - 6/7) / 0.28 = 0.510204; 7 / 0.510204 = 13.72
    assert mtld(words) == pytest.approx((7 + 13.72) / 2)
    assert mtld("a b a b".split()) == pytest.approx(4.0)


def test_mtld_and_mattr_match_the_naive_versions_on_real_text(corpus_tokens):
    for doc_id, part in corpus_tokens[corpus_tokens["is_alpha"]].groupby("doc_id"):
        words = part.sort_values("token_id")["lower"].tolist()
        assert mattr(words, 50) == pytest.approx(_mattr_naive(words, 50))
        assert mtld(words) == pytest.approx(_mtld_naive(words))
        assert mtld(words[:120]) == pytest.approx(_mtld_naive(words[:120]))


def test_empty_and_one_word_texts():
    assert math.isnan(mattr([])) and math.isnan(mtld([]))
    assert ttr(["ceasefire"]) == 1.0 and mattr(["ceasefire"]) == 1.0
    assert math.isnan(mtld(["ceasefire"]))  # no factor can complete: MTLD undefined
    docs = pd.DataFrame({"doc_id": ["empty", "one"], "text": ["", "Ceasefire."]})
    table = lexical_diversity(tokens(sentences(docs)))
    assert table["doc_id"].tolist() == ["one"] and table[["n_words", "n_types", "ttr"]].values.tolist() == [[1, 1, 1.0]]


def test_ttr_depends_on_length_but_mattr_much_less(corpus_tokens):
    words = corpus_tokens[corpus_tokens["is_alpha"] & corpus_tokens["doc_id"].str.startswith("002")]["lower"].tolist()
    assert len(words) == 1060
    assert ttr(words[:200]) > ttr(words) + 0.15  # the same report looks richer when cut short
    assert abs(mattr(words[:200]) - mattr(words)) < 0.05


def test_lexical_diversity_table_on_the_corpus(corpus, corpus_tokens):
    table = lexical_diversity(corpus_tokens, window=50)
    assert table.columns.tolist() == ["doc_id", "n_words", "n_types", "ttr", "mattr", "mtld"]
    assert table["n_words"].tolist() == corpus.sort_values("doc_id")["n_words"].tolist()
    assert (table["ttr"] == table["n_types"] / table["n_words"]).all()
    assert table["mattr"].between(0.5, 1).all() and table["mtld"].between(30, 300).all()


@pytest.mark.parametrize("window", [1, 10, 50, 5000])
def test_the_table_s_mattr_and_mtld_equal_the_word_by_word_functions(corpus_tokens, window):
    # the table computes MATTR for every document at once from each word's previous occurrence
    table = lexical_diversity(corpus_tokens.sample(frac=1, random_state=2), window=window).set_index("doc_id")
    for doc_id, part in corpus_tokens[corpus_tokens["is_alpha"]].groupby("doc_id"):
        words = part.sort_values("token_id")["lower"].tolist()
        row = table.loc[doc_id]
        assert (row["n_words"], row["n_types"], row["ttr"]) == (len(words), len(set(words)), ttr(words))
        assert row["mattr"] == mattr(words, window)  # the same integer total, the same division
        assert row["mtld"] == mtld(words)


def test_tokens_in_text_order_and_shuffled_give_the_same_table(corpus_tokens):
    # in text order (as the pipeline gives them) the words are read in place; shuffled, they are copied and sorted
    ordered = lexical_diversity(corpus_tokens, window=50)
    pd.testing.assert_frame_equal(ordered, lexical_diversity(corpus_tokens.sample(frac=1, random_state=3), window=50))
    pd.testing.assert_frame_equal(ordered, lexical_diversity(corpus_tokens[corpus_tokens["is_alpha"]], window=50))
    assert ordered["n_words"].tolist() == corpus_tokens[corpus_tokens["is_alpha"]].groupby("doc_id").size().tolist()
