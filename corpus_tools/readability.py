"""Readability per document: Flesch reading ease and Flesch-Kincaid grade.

With ``W`` words, ``S`` sentences and ``Y`` syllables:

* Flesch reading ease (Flesch 1948): ``206.835 - 1.015 W/S - 84.6 Y/W``. Higher is easier;
  60-70 is plain English, 30-50 is typical of quality newspapers, below 30 is academic.
* Flesch-Kincaid grade (Kincaid et al. 1975): ``0.39 W/S + 11.8 Y/W - 15.59``, a US school
  grade.

Words are word tokens (``is_alpha``: numbers and punctuation are not words); sentences are
the sentences of the tokens table that contain at least one word, so a headline counts as a
sentence. Syllables come from a documented heuristic, :func:`count_syllables`, not from a
pronouncing dictionary: it is right for most common words and off by one on some
("ceasefire" gives 3). The scores were designed for running prose; short texts and
headlines make them noisy.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from corpus_tools.vocabulary import check_tokens

_VOWEL_GROUP = re.compile(r"[aeiouy]+")
_SILENT_E = re.compile(r"[^aeiouy]e$")
_SYLLABIC_LE = re.compile(r"[^aeiouy]le$")
_SILENT_ED = re.compile(r"[^aeiouytd]ed$")


def count_syllables(word: str) -> int:
    """Estimate the syllables of an English word by counting vowel groups.

    The method: keep the letters a-z of the lower-cased word; count maximal runs of vowels
    (a, e, i, o, u, y); then, if there is more than one run, drop one for a silent final
    "e" after a consonant (make, force; but not "-le" after a consonant: table, people), or
    for a silent final "-ed" after a consonant other than t or d (announced; but wanted,
    agreed). Any word with letters has at least one syllable; a token without letters has 0.

    Examples
    --------
    >>> [count_syllables(w) for w in ["the", "peace", "Ukraine", "people", "announced", "wanted", "agree", "NATO", "30"]]
    [1, 1, 2, 2, 2, 2, 2, 2, 0]
    """
    letters = re.sub(r"[^a-z]", "", word.lower())
    if not letters:
        return 0
    n = len(_VOWEL_GROUP.findall(letters))
    if n > 1 and ((_SILENT_E.search(letters) and not _SYLLABIC_LE.search(letters)) or _SILENT_ED.search(letters)):
        n -= 1
    return max(n, 1)


def flesch_reading_ease(n_words: float, n_sentences: float, n_syllables: float) -> float:
    """``206.835 - 1.015 * words/sentences - 84.6 * syllables/words``.

    Examples
    --------
    >>> round(flesch_reading_ease(10, 2, 15), 3)  # 206.835 - 5.075 - 126.9
    74.86
    """
    return 206.835 - 1.015 * n_words / n_sentences - 84.6 * n_syllables / n_words


def flesch_kincaid_grade(n_words: float, n_sentences: float, n_syllables: float) -> float:
    """``0.39 * words/sentences + 11.8 * syllables/words - 15.59``.

    Examples
    --------
    >>> round(flesch_kincaid_grade(10, 2, 15), 3)  # 1.95 + 17.7 - 15.59
    4.06
    """
    return 0.39 * n_words / n_sentences + 11.8 * n_syllables / n_words - 15.59


def readability(toks: pd.DataFrame, *, by: str = "doc_id") -> pd.DataFrame:
    """Flesch reading ease and Flesch-Kincaid grade per document (or group of ``by``).

    Returns ``by, n_sentences, n_words, n_syllables, words_per_sentence, syllables_per_word,
    flesch_reading_ease, flesch_kincaid_grade``, sorted by ``by``. A document without
    words has no row.

    Examples
    --------
    >>> from corpus_tools.tokens import sentences, tokens
    >>> docs = pd.DataFrame({"doc_id": ["a"], "text": ["The leaders met. They agreed on peace."]})
    >>> readability(tokens(sentences(docs))).round(2).values.tolist()
    [['a', 2, 7, 9, 3.5, 1.29, 94.51, 0.95]]
    """
    check_tokens(toks, ["lower", "is_alpha", "sent_id", "token", by])
    keys = list(dict.fromkeys([by, "doc_id", "sent_id"]))
    words = toks.loc[toks["is_alpha"].astype(bool), [*keys, "token"]]  # a copy of the columns read, not of every column
    written, forms = pd.factorize(words["token"])
    syllables = np.fromiter((count_syllables(w) for w in np.asarray(forms, dtype=object)), dtype=np.int64,
                            count=len(forms))  # once per form
    words = words[keys].assign(_syllables=syllables[written] if len(written) else 0)
    grouped = words.groupby(by, sort=True)
    n_sentences = words.drop_duplicates(keys).groupby(by, sort=True).size()
    out = pd.DataFrame({"n_sentences": n_sentences, "n_words": grouped.size(),
                        "n_syllables": grouped["_syllables"].sum()}).reset_index()
    out = out.astype({"n_sentences": "int64", "n_words": "int64", "n_syllables": "int64"})
    out["words_per_sentence"] = out["n_words"] / out["n_sentences"]
    out["syllables_per_word"] = out["n_syllables"] / out["n_words"]
    out["flesch_reading_ease"] = flesch_reading_ease(out["n_words"], out["n_sentences"], out["n_syllables"])
    out["flesch_kincaid_grade"] = flesch_kincaid_grade(out["n_words"], out["n_sentences"], out["n_syllables"])
    return out
