"""corpus_tools.vader: the fast VADER gives NLTK's numbers, sentence for sentence.

NLTK's ``SentimentIntensityAnalyzer`` is the reference throughout. Two sets of sentences:

- every sentence of a synthetic corpus (``benchmarks/synthetic.py``, seeded; the 10,000-article
  check is ``benchmarks/run.py --check-vader 10000``);
- 100,000 generated sentences (seeded, built here, not stored) that put VADER's own lexicon
  words, boosters, negations, "n't", "but", "least", "kind of", "never so/this", idioms,
  emoticons, capitals, "!" and "?" next to each other, with odd spaces, curly quotes, dashes
  and the names of the domain overrides.

Both are scored with and without the domain overrides, by the bare scorer and through
``score_texts`` (normalisation, quote spacing, names, word counts), against the previous
implementation written out below.
"""
from __future__ import annotations

import importlib.util
import math
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from nltk.sentiment.vader import SentiText, VaderConstants
from nltk.tokenize import RegexpTokenizer

from corpus_tools.sentiment import (
    _HAS_WORD, _prepare_text, label_of, load_domain_overrides, score_texts, sentence_tone, vader_scorer,
)
from corpus_tools.tokens import TOKEN_PATTERN, count_words, sentences
from corpus_tools.vader import ExactVader, vader_tokens

ROOT = Path(__file__).resolve().parents[1]
N_GENERATED = 100_000
N_SYNTHETIC = 600
NLTK_TOKENIZER = RegexpTokenizer(TOKEN_PATTERN)  # words were counted with it before


def _synthetic_module():
    spec = importlib.util.spec_from_file_location("synthetic_bench", ROOT / "benchmarks" / "synthetic.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["synthetic_bench"] = module
    spec.loader.exec_module(module)
    return module


# ------------------------------------------------------------------ the generated sentences

# Small invented material; VADER's own lists come from NLTK and the lexicon.
FILLER = ["the", "of", "leaders", "met", "in", "Paris", "on", "Tuesday", "said", "a", "to", "troops", "talks",
          "at", "very", "so", "this", "never", "kind", "sort", "just", "enough", "least", "Ukraine", "and", "it",
          "was", "is", "there", "The", "THE", "Of", "So", "This", "Never", "NEVER", "Kind", "At", "Very"]
NAMES = ["United States", "united  states", "UNITED STATES", "the Coalition of the Willing", "coalition of\nthe willing",
         "United Nations", "United Kingdom", "a critical issue", "this only hardens our resolve", "Coalition-of the willing",
         "united-states", "(united states)", "“United States”"]
MARKS = [".", ",", "!", "?", "!!", "!!!", "??", "???", "?!?", "!?!", "?!?!", "!?!?", ";", ":", "-", "'", '"',
         "...", "!!!!", ")", "(", "“", "”", "‘", "’", "’s", "'s", "n't", "—", "--", "–", "#", "*"]
SPACES = [" "] * 30 + ["  ", "\t", "\n", "\u00a0", " \u200b", " - ", " -- ", " – ", " \u2014 "]


def generated_sentences(n: int, seed: int = 14) -> list[str]:
    """``n`` seeded sentences that exercise every VADER rule and the names of the overrides."""
    rng = np.random.default_rng(seed)
    lexicon = vader_scorer().analyzer.lexicon
    words = sorted(lexicon)
    emoticons = [w for w in words if not re.search(r"[a-z]", w)]
    boosters = sorted(VaderConstants.BOOSTER_DICT)
    negations = sorted(VaderConstants.NEGATE) + ["wouldn't", "isn’t", "NOT", "n't", "don't", "Never"]
    idioms = sorted(VaderConstants.SPECIAL_CASE_IDIOMS)
    overrides = sorted(load_domain_overrides()["term"])
    special = ["but", "But", "BUT", "least", "at least", "very least", "kind of", "sort of", "never so", "never this",
               "so", "this", "not so", "never"]
    pools = [words, emoticons, boosters, negations, idioms, overrides, special, FILLER, NAMES]
    weights = np.array([8, 1, 3, 3, 1, 2, 3, 8, 1], dtype=float)
    lengths = rng.integers(1, 22, size=n)
    total = int(lengths.sum())
    pool_of = rng.choice(len(pools), size=total, p=weights / weights.sum())
    pick, case, punct = rng.random(total), rng.random(total), rng.random(total)
    mark_a, mark_b = rng.integers(len(MARKS), size=total), rng.integers(len(MARKS), size=total)
    space = rng.integers(len(SPACES), size=total)
    tails, tail_n = rng.random(n), rng.integers(1, 7, size=n)
    out, k = [], 0
    for i in range(n):
        parts = []
        for j in range(k, k + int(lengths[i])):
            pool = pools[pool_of[j]]
            word = pool[int(pick[j] * len(pool))]
            if case[j] < 0.12:
                word = word.upper()
            elif case[j] < 0.22:
                word = word.capitalize()
            r = punct[j]
            if r < 0.25:
                word = word + MARKS[mark_a[j]]
            elif r < 0.33:
                word = MARKS[mark_a[j]] + word
            elif r < 0.36:
                word = MARKS[mark_a[j]] + word + MARKS[mark_b[j]]
            elif r < 0.37:
                word = word.replace("e", "e\u0301", 1)  # not NFC
            elif r < 0.38:
                word = word.replace("'", "\u2019")
            parts.append(word)
            parts.append(SPACES[space[j]])
        k += int(lengths[i])
        sentence = "".join(parts[:-1])
        if tails[i] < 0.3:
            sentence += "!" * int(tail_n[i])
        elif tails[i] < 0.5:
            sentence += "?" * int(tail_n[i])
        elif tails[i] < 0.8:
            sentence += "."
        out.append(sentence)
    return out


@pytest.fixture(scope="module")
def generated() -> list[str]:
    return generated_sentences(N_GENERATED)


@pytest.fixture(scope="module")
def synthetic_sentences() -> list[str]:
    from corpus_tools.pipeline import _clean_batch, articles_from_corpus

    articles = pd.DataFrame(_synthetic_module().synthetic_articles(N_SYNTHETIC)).rename(columns={"text": "text_raw"})
    frame = _clean_batch(articles_from_corpus(articles).to_dict("records"), str(ROOT / "data"))
    return sentences(frame)["text"].tolist()


def _nltk_mismatches(texts: list[str], overrides: pd.DataFrame | None) -> list[tuple[str, dict, dict]]:
    scorer = vader_scorer(overrides, space_quotes=overrides is not None)
    fast = ExactVader(scorer.analyzer.lexicon)
    wrong = []
    for text in texts:
        prepared = scorer.prepare(_prepare_text(text))
        want, got = scorer.analyzer.polarity_scores(prepared), fast.polarity_scores(prepared)
        if any(round(want[k], 4) != round(got[k], 4) for k in want):
            wrong.append((prepared, want, got))
    return wrong


def reference_score_texts(texts: list[str], method: str) -> pd.DataFrame:
    """The previous ``score_texts`` for the VADER methods: NLTK's analyzer, sentence by sentence."""
    overrides = load_domain_overrides() if method == "vader_adjusted" else None
    scorer = vader_scorer(overrides, space_quotes=method == "vader_adjusted")
    rows = []
    for text in texts:
        text = _prepare_text(text)
        s = scorer.analyzer.polarity_scores(scorer.prepare(text))
        n_words = sum(1 for a, b in NLTK_TOKENIZER.span_tokenize(text) if _HAS_WORD.search(text[a:b]))
        rows.append((s["neg"], s["neu"], s["pos"], s["compound"], label_of(s["compound"]), n_words))
    return pd.DataFrame(rows, columns=["neg", "neu", "pos", "compound", "label", "n_words"]).astype({"n_words": "int64"})


# ------------------------------------------------------------------ tokens


def test_tokens_are_nltk_sentitext_tokens(generated):
    for text in generated[:20_000]:
        want = SentiText(text, VaderConstants.PUNC_LIST, VaderConstants.REGEX_REMOVE_PUNCTUATION).words_and_emoticons
        assert vader_tokens(text) == want, text


@pytest.mark.parametrize("text, tokens", [
    ("peace, (peace) “peace” peace!!! peace!!!! ,peace ?!?peace x", ["peace", "(peace)", "“peace”", "peace", "peace!!!!", "peace", "peace"]),
    ("don't, can't. U.S., e.g. :) :-( <3", ["don't,", "can't.", "U.S.,", "e.g.", ":)", ":-(", "<3"]),
    ("ab. a. .ab .a -- - — ab--", ["ab", "a.", "ab", ".a", "--", "ab--"]),
])
def test_tokens_strip_one_listed_mark_from_a_bare_word(text, tokens):
    assert vader_tokens(text) == tokens


def test_count_words_is_the_word_tokens_with_a_letter_or_digit(generated):
    for text in generated[:20_000]:
        clean = _prepare_text(text)
        assert count_words(clean) == sum(1 for a, b in NLTK_TOKENIZER.span_tokenize(clean) if _HAS_WORD.search(clean[a:b])), clean


# ------------------------------------------------------------------ scores equal NLTK's


@pytest.mark.parametrize("adjusted", [False, True], ids=["vader", "vader_adjusted"])
def test_generated_sentences_score_as_nltk(generated, adjusted):
    overrides = load_domain_overrides() if adjusted else None
    assert _nltk_mismatches(generated, overrides) == []


@pytest.mark.parametrize("adjusted", [False, True], ids=["vader", "vader_adjusted"])
def test_synthetic_corpus_sentences_score_as_nltk(synthetic_sentences, adjusted):
    assert len(synthetic_sentences) > 10_000
    overrides = load_domain_overrides() if adjusted else None
    assert _nltk_mismatches(synthetic_sentences, overrides) == []


@pytest.mark.parametrize("method", ["vader", "vader_adjusted"])
def test_score_texts_equals_the_previous_implementation(generated, synthetic_sentences, method):
    texts = generated[:15_000] + synthetic_sentences
    got = score_texts(texts, method)
    want = reference_score_texts(texts, method)
    pd.testing.assert_frame_equal(got, want, check_exact=True)


def test_the_generated_set_exercises_every_rule(generated):
    lowered = [t.lower() for t in generated]
    text = "\n".join(lowered)
    for booster in VaderConstants.BOOSTER_DICT:
        assert booster in text, booster
    for idiom in VaderConstants.SPECIAL_CASE_IDIOMS:
        assert idiom in text, idiom
    for needle in ["never so", "never this", "at least", "kind of", " but ", "n't", "!!!!", "???", "united states",
                   "coalition of the willing", ":)", "\u00a0", "--", "\u2019", "e\u0301"]:
        assert needle in text, needle
    # a sentence mixes capitals and lower case often enough for the emphasis rule
    assert sum(1 for t in generated if re.search(r"\b[A-Z]{3,}\b", t) and re.search(r"\b[a-z]{3,}\b", t)) > 10_000


# ------------------------------------------------------------------ quirks, by hand


@pytest.mark.parametrize("text", [
    "not good, good",  # the second "good" is scored at the first one: negated too
    "It was this good.",  # "this" right before: x 1.25 (NLTK's operator precedence)
    "the the this good",
    "at least good", "very least good", "least good", "a least good",
    "kind of good", "it was kind of good", "a kind man", "KIND of GOOD stuff",
    "never so good", "we never so good", "he was never this bad",
    "VERY GOOD but not bad", "Good BUT bad", "but", "good but",
    "the shit", "he is the bomb", "this is the shit now", "that would cut the mustard", "a kiss of death",
    "living hand to mouth", "yeah right", "bad ass",
    "good!!!!!", "good???", "good??", "good?", "bad!?!?", ":) :(", "GOOD", "GOOD good", "",
    "   ", ". . .", "I don't think it's good", "It isn't bad", "uh-uh good", "without doubt good",
])
def test_hand_made_cases_score_as_nltk(text):
    for overrides in (None, load_domain_overrides()):
        scorer = vader_scorer(overrides)
        assert ExactVader(scorer.analyzer.lexicon).polarity_scores(text) == scorer.analyzer.polarity_scores(text)


@pytest.mark.parametrize("terms", [
    # first words shared ("united") and not ("peace", "cease"); a one-word term beside them
    ["united states", "united kingdom", "united nations", "peace talks", "peace deal now", "cease fire", "truce"],
    # the longest term's placeholder ("ctphrasea") is the first word of another: one replacement
    # starts the next phrase, so every pattern is tried in order
    ["peace talks now", "ctphrasea x"],
    # a first word with a hyphen
    ["so-called peace", "peace talks"],
])
def test_a_phrase_is_tried_only_where_its_first_word_is_and_scores_as_every_phrase_tried(terms):
    texts = ["The United States and the United Kingdom back peace talks.", "united  nations; PEACE DEAL NOW!",
             "“United States” peace talks now x", "peace talks now x, they said", "A so-called peace talks",
             "cease fire in the united\nstates", "Peace, talks, a truce and a cease-fire.", "nothing here",
             "unitedstates peacetalks", "The Peace talks now x peace talks"]
    overrides = pd.DataFrame({"term": terms, "valence": [2.0, -1.5, 0.5, 1.0, 3.0, -2.0, 1.5][:len(terms)]})
    scorer = vader_scorer(overrides, space_quotes=True)
    values, _ = scorer.score_many(texts)
    want = [scorer.exact.scores(scorer.prepare(_prepare_text(t))) for t in texts]  # every pattern, in order
    assert [tuple(row) for row in values.tolist()] == want


def test_a_repeated_word_is_scored_where_it_first_occurs():
    vader = ExactVader({"good": 1.9})
    # "not good, good": both "good"s are looked up at index 1, after "not": 2 * 1.9 * -0.74
    total = 2 * 1.9 * -0.74
    assert vader.polarity_scores("not good, good")["compound"] == round(total / math.sqrt(total ** 2 + 15), 4) == -0.5875
    # "good, not good": both at index 0, nothing before it: 2 * 1.9 (not 1.9 - 1.406)
    assert vader.polarity_scores("good, not good")["compound"] == round(3.8 / math.sqrt(3.8 ** 2 + 15), 4) == 0.7003


def test_sentence_tone_table_unchanged(synthetic_sentences):
    sents = pd.DataFrame({"doc_id": "d", "sent_id": np.arange(1, 2001), "text": synthetic_sentences[:2000]})
    tone = sentence_tone(sents, "vader_adjusted")
    want = reference_score_texts(synthetic_sentences[:2000], "vader_adjusted")
    assert tone["compound"].tolist() == want["compound"].tolist()
    assert tone["n_words"].tolist() == want["n_words"].tolist()
    assert math.isclose(tone["compound"].abs().sum(), want["compound"].abs().sum())


def test_memos_that_start_afresh_give_the_same_scores(monkeypatch, synthetic_sentences):
    import corpus_tools.sentiment as sentiment
    import corpus_tools.vader as vader

    texts = synthetic_sentences[:1500]
    want = score_texts(texts, "vader_adjusted")
    monkeypatch.setattr(vader, "MEMO_LIMIT", 5)
    monkeypatch.setattr(sentiment, "MEMO_LIMIT", 5)
    sentiment._shared_scorer.cache_clear()
    try:
        pd.testing.assert_frame_equal(score_texts(texts, "vader_adjusted"), want, check_exact=True)
    finally:
        sentiment._shared_scorer.cache_clear()
