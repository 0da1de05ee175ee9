import pandas as pd
import pytest

from corpus_tools import sentences, tokens
from corpus_tools.readability import count_syllables, flesch_kincaid_grade, flesch_reading_ease, readability


def _read(*texts):
    docs = pd.DataFrame({"doc_id": [f"d{i}" for i in range(len(texts))], "text": list(texts)})
    return readability(tokens(sentences(docs)))


@pytest.mark.parametrize("word, n", [
    ("the", 1), ("be", 1), ("force", 1), ("make", 1), ("peace", 1), ("troops", 1), ("should", 1),
    ("table", 2), ("people", 2), ("agree", 2), ("agreed", 2), ("wanted", 2), ("announced", 2), ("eased", 1),
    ("Ukraine", 2), ("Russia", 2), ("NATO", 2), ("Elysee", 3), ("intensified", 4), ("achieved", 2),
    ("U.S.", 1), ("30", 0),
])
def test_syllable_heuristic(word, n):
    assert count_syllables(word) == n


def test_two_sentences_by_hand():
    out = _read("The leaders met in Paris. They agreed to send troops to Ukraine.").iloc[0]
    # The 1, leaders 2, met 1, in 1, Paris 2            -> 5 words, 7 syllables
    # They 1, agreed 2, to 1, send 1, troops 1, to 1, Ukraine 2 -> 7 words, 9 syllables
    assert (out["n_sentences"], out["n_words"], out["n_syllables"]) == (2, 12, 16)
    # 206.835 - 1.015 * 12/2 - 84.6 * 16/12 = 206.835 - 6.09 - 112.8 = 87.945
    assert out["flesch_reading_ease"] == pytest.approx(87.945)
    # 0.39 * 6 + 11.8 * 16/12 - 15.59 = 2.34 + 15.733333 - 15.59 = 2.483333
    assert out["flesch_kincaid_grade"] == pytest.approx(2.483333, abs=1e-6)


def test_a_real_sentence_by_hand(corpus_sentences):
    text = ("Leaders at the Elysee Palace agreed that sanctions on Russia should not be eased, "
            "but rather intensified until peace is achieved.")
    assert text in corpus_sentences["text"].tolist()
    out = _read(text).iloc[0]
    # Leaders 2 at 1 the 1 Elysee 3 Palace 2 agreed 2 that 1 sanctions 2 on 1 Russia 2 should 1
    # not 1 be 1 eased 1 but 1 rather 2 intensified 4 until 2 peace 1 is 1 achieved 2 -> 21 words, 34
    assert (out["n_words"], out["n_syllables"]) == (21, 34)
    # 206.835 - 1.015 * 21 - 84.6 * 34/21 = 206.835 - 21.315 - 136.971429 = 48.548571
    assert out["flesch_reading_ease"] == pytest.approx(48.548571, abs=1e-6)
    assert out["flesch_kincaid_grade"] == pytest.approx(0.39 * 21 + 11.8 * 34 / 21 - 15.59)


def test_formulas():
    assert flesch_reading_ease(100, 5, 150) == pytest.approx(206.835 - 1.015 * 20 - 84.6 * 1.5)
    assert flesch_kincaid_grade(100, 5, 150) == pytest.approx(0.39 * 20 + 11.8 * 1.5 - 15.59)


def test_empty_and_one_word_documents():
    out = _read("", "Ceasefire")
    assert out["doc_id"].tolist() == ["d1"]
    # ceasefire: vowel groups ea, e, i, e = 4, final silent e -> 3 (heuristic; spoken 2)
    assert out[["n_sentences", "n_words", "n_syllables"]].values.tolist() == [[1, 1, 3]]
    assert out["flesch_reading_ease"].item() == pytest.approx(206.835 - 1.015 - 84.6 * 3)


def test_corpus_scores_are_newspaper_range(corpus, corpus_tokens):
    out = readability(corpus_tokens)
    assert out["n_words"].tolist() == corpus.sort_values("doc_id")["n_words"].tolist()
    assert out["flesch_reading_ease"].between(20, 60).all() and out["flesch_kincaid_grade"].between(10, 17).all()
