import math
import re

import pandas as pd
import pytest
from scipy.stats import chi2

from corpus_tools.errors import CorpusError
from corpus_tools.keyness import keyness, log_likelihood, log_ratio


def _toks(groups: dict[str, list[str]]) -> pd.DataFrame:
    rows = [(doc, w) for doc, words in groups.items() for w in words]
    return pd.DataFrame(rows, columns=["doc_id", "lower"]).assign(is_stop=False, is_alpha=True)


def test_g2_of_a_2x2_table_by_hand():
    # target: 10 of 1,000 words; reference: 4 of 2,000 words
    # E1 = 1000 * 14 / 3000 = 4.666667, E2 = 2000 * 14 / 3000 = 9.333333
    # G2 = 2 * (10 ln(10 / 4.666667) + 4 ln(4 / 9.333333))
    #    = 2 * (10 * 0.7621401 + 4 * -0.8472979) = 2 * (7.621401 - 3.389191) = 8.464419
    assert float(log_likelihood(10, 4, 1000, 2000)) == pytest.approx(8.464419, abs=1e-6)
    # equal relative frequencies give 0; a zero count contributes 0 (0 ln 0 = 0)
    assert float(log_likelihood(2, 4, 1000, 2000)) == pytest.approx(0.0)
    # 6 in the target only: E1 = 100 * 6 / 300 = 2, G2 = 2 * 6 ln 3 = 13.183347
    assert float(log_likelihood(6, 0, 100, 200)) == pytest.approx(13.183347, abs=1e-6)


def test_log_ratio_by_hand_with_the_zero_correction():
    assert float(log_ratio(10, 4, 1000, 2000)) == pytest.approx(math.log2(5))  # 1% vs 0.2%
    assert float(log_ratio(3, 0, 100, 200)) == pytest.approx(math.log2((3 / 100) / (0.5 / 200)))  # = log2 12
    assert float(log_ratio(0, 3, 100, 200)) == pytest.approx(-math.log2((3 / 200) / (0.5 / 100)))


def test_term_absent_from_the_reference():
    toks = _toks({"a": ["troops"] * 6 + ["talks"] * 94, "b": ["talks"] * 200})
    row = keyness(toks, "a", min_freq=1).set_index("term").loc["troops"]
    assert (row["n_target"], row["n_reference"]) == (6, 0)
    assert row["g2"] == pytest.approx(13.183347, abs=1e-6)
    assert row["p_value"] == pytest.approx(0.000282, abs=1e-6)  # chi-square, 1 df
    assert row["log_ratio"] == pytest.approx(math.log2((6 / 100) / (0.5 / 200)))  # log2 24
    assert row["key"] == "target"
    assert row["per_10k_target"] == pytest.approx(600.0) and row["per_10k_reference"] == 0.0


def test_p_value_at_the_conventional_threshold():
    toks = _toks({"a": ["x"] * 10, "b": ["y"] * 10})
    out = keyness(toks, "a", min_freq=1)
    # x: 10 of 10 words vs 0 of 10; E1 = 5, G2 = 2 * 10 ln 2 = 13.862944
    assert out.set_index("term").loc["x", "g2"] == pytest.approx(13.862944, abs=1e-6)
    assert chi2.sf(3.841459, 1) == pytest.approx(0.05, abs=1e-6)
    assert out["p_value"].tolist() == pytest.approx(chi2.sf(out["g2"], 1).tolist())


def test_ties_are_sorted_deterministically_and_min_freq_applies():
    toks = _toks({"a": ["zeta", "alpha", "mid", "mid"], "b": ["beta", "mid", "mid", "gamma"]})
    out = keyness(toks, "a", min_freq=1)
    # alpha and zeta tie on G2 and log ratio: alphabetical; then beta/gamma (reference side)
    assert out["term"].tolist() == ["alpha", "zeta", "beta", "gamma", "mid"]
    assert keyness(toks, "a", min_freq=2)["term"].tolist() == ["mid"]
    shuffled = toks.sample(frac=1, random_state=3)
    pd.testing.assert_frame_equal(keyness(shuffled, "a", min_freq=1), out)


def test_groups_of_documents_and_explicit_reference(corpus, corpus_tokens):
    toks = corpus_tokens.merge(corpus[["doc_id", "outlet", "meeting_id"]], on="doc_id")
    out = keyness(toks, "paris-2025-03-27", by="meeting_id", reference="paris-2026-01-06").set_index("term")
    march = corpus[corpus["meeting_id"] == "paris-2025-03-27"]["text"]
    assert out.loc["sanctions", "n_target"] == sum(len(re.findall(r"\bsanctions\b", t, re.I)) for t in march) == 12
    assert out.loc["sanctions", "n_reference"] == 0 and out.loc["sanctions", "key"] == "target"
    assert out.loc["witkoff", "key"] == "reference" and out.loc["witkoff", "n_reference"] == 4
    # the Brussels report is in neither group
    c = int(toks.query("is_alpha and meeting_id == 'paris-2025-03-27'").shape[0])
    assert out.loc["sanctions", "per_10k_target"] == pytest.approx(12 / c * 10_000)
    several = keyness(toks, ["000_35e0b38e5505f0f8", "001_02db67045c6df099"])
    assert (several["n_target"] + several["n_reference"]).min() >= 3
    by_outlet = keyness(toks, "The Moscow Times", by="outlet").set_index("term")
    assert by_outlet.loc["U.S.", "n_target"] == 17 and by_outlet.loc["U.S.", "key"] == "target"


def test_clear_errors(corpus_tokens):
    with pytest.raises(CorpusError, match="no words in column 'doc_id'"):
        keyness(corpus_tokens, "999_missing")
    with pytest.raises(CorpusError, match="lacks outlet"):
        keyness(corpus_tokens, "The Moscow Times", by="outlet")
    with pytest.raises(CorpusError, match="reference"):
        keyness(_toks({"a": ["x"]}), "a")


def test_one_word_target_document():
    toks = _toks({"a": ["ceasefire"], "b": ["talks", "talks", "ceasefire"]})
    out = keyness(toks, "a", min_freq=1).set_index("term")
    # ceasefire: a=1 of 1, b=1 of 3; E1 = 1 * 2 / 4 = 0.5, E2 = 1.5; G2 = 2 (ln 2 + ln(2/3))
    assert out.loc["ceasefire", "g2"] == pytest.approx(2 * (math.log(2) + math.log(2 / 3)))
    assert out.loc["talks", "n_target"] == 0 and out.loc["talks", "key"] == "reference"
