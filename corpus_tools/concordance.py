"""Keyword in context and lexical dispersion: where a word or phrase occurs, and with what.

A pattern is a word or a phrase (``"ceasefire"``, ``"security guarantees"``); each word may
use the wildcards ``*`` and ``?`` (``"sanction*"``). Words are compared on the ``lower`` form
of the tokens table, the pattern being lower-cased the same way: "Ceasefire" finds
"ceasefire", while words typed in capitals stay acronyms, so "US" finds the country and "us"
the pronoun. A phrase matches consecutive tokens only, so it never spans a punctuation mark.
"""
from __future__ import annotations

from collections.abc import Iterable
from fnmatch import fnmatchcase

import numpy as np
import pandas as pd

from corpus_tools.errors import CorpusError
from corpus_tools.tokens import lower_form, sentences, tokens, word_spans

KWIC_COLUMNS = ["doc_id", "token_id", "left", "match", "right"]
DISPERSION_COLUMNS = ["term", "doc_id", "token_id", "position"]


def _as_tokens(corpus_or_tokens: pd.DataFrame) -> pd.DataFrame:
    if {"doc_id", "token_id", "token", "lower"} <= set(corpus_or_tokens.columns):
        return corpus_or_tokens.sort_values(["doc_id", "token_id"], kind="stable")
    if {"doc_id", "text"} <= set(corpus_or_tokens.columns):
        return tokens(sentences(corpus_or_tokens))
    raise CorpusError("kwic needs a corpus (doc_id, text) or a tokens table (doc_id, token_id, token, lower); "
                      "load one with corpus_tools.load_corpus()")


def pattern_words(pattern: str) -> list[str]:
    """Split a pattern into the ``lower`` forms it must match, one per token.

    Examples
    --------
    >>> pattern_words("Security guarantees")
    ['security', 'guarantees']
    >>> pattern_words("Zelensky's sanction*"), pattern_words("US")
    (['zelensky', "'s", 'sanction*'], ['US'])
    """
    words = []
    for piece in pattern.split():
        if "*" in piece or "?" in piece:
            words.append(lower_form(piece))
        else:
            words.extend(lower_form(piece[s:e]) for s, e in word_spans(piece))
    if not words:
        raise CorpusError(f"the pattern {pattern!r} has no word to search for; give a word or a phrase")
    return words


def _matches(lowers: np.ndarray, words: list[str]) -> np.ndarray:
    """Start indices where the consecutive tokens match ``words``."""
    k = len(words)
    if len(lowers) < k:
        return np.array([], dtype=int)
    mask = np.ones(len(lowers) - k + 1, dtype=bool)
    for j, word in enumerate(words):
        window = lowers[j: len(lowers) - k + 1 + j]
        if "*" in word or "?" in word:
            mask &= np.fromiter((fnmatchcase(w, word) for w in window), dtype=bool, count=len(window))
        else:
            mask &= window == word
    return np.flatnonzero(mask)


def _join(part: pd.DataFrame) -> str:
    """Tokens as text: a space wherever the source had one (known from offsets)."""
    toks = part["token"].tolist()
    if not toks:
        return ""
    if not {"start", "end"} <= set(part.columns):
        return " ".join(toks)
    starts, ends = part["start"].tolist(), part["end"].tolist()
    out = [toks[0]]
    for i in range(1, len(toks)):
        out.append((" " if starts[i] > ends[i - 1] else "") + toks[i])
    return "".join(out)


def kwic(corpus_or_tokens: pd.DataFrame, pattern: str, *, window: int = 8) -> pd.DataFrame:
    """Every occurrence of ``pattern`` with ``window`` tokens of context on each side.

    ``corpus_or_tokens`` is the corpus (tokenised here) or a tokens table. Returns
    ``doc_id, token_id, left, match, right`` (``token_id`` of the first matched token), in
    document and text order. Context stays within the document and counts punctuation as
    tokens.

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": ["a"], "text": ["Europe offers security guarantees. Security, guarantees."]})
    >>> kwic(docs, "Security guarantees", window=2).values.tolist()
    [['a', 3, 'Europe offers', 'security guarantees', '. Security']]
    """
    if window < 0:
        raise CorpusError(f"window must be zero or more tokens, got {window}")
    toks = _as_tokens(corpus_or_tokens)
    words = pattern_words(pattern)
    rows = []
    for doc_id, part in toks.groupby("doc_id", sort=True):
        part = part.reset_index(drop=True)
        for i in _matches(part["lower"].to_numpy(dtype=object), words):
            end = i + len(words)
            rows.append((doc_id, int(part.at[i, "token_id"]), _join(part.iloc[max(i - window, 0): i]),
                         _join(part.iloc[i:end]), _join(part.iloc[end: end + window])))
    return pd.DataFrame(rows, columns=KWIC_COLUMNS).astype({"token_id": "int64"})


def dispersion(corpus_or_tokens: pd.DataFrame, terms: str | Iterable[str]) -> pd.DataFrame:
    """Where each term (word or phrase) occurs in each document, for a dispersion plot.

    Returns ``term, doc_id, token_id, position``: one row per occurrence, ``position`` being
    the relative place of its first token in the document, from 0 (first token) to 1 (last
    token). ``term`` is the pattern as given. Sorted by term (in the order given), document,
    position.

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": ["a"], "text": ["Troops now, troops later: troops"]})
    >>> dispersion(docs, ["troops"])[["term", "position"]].values.tolist()
    [['troops', 0.0], ['troops', 0.5], ['troops', 1.0]]
    """
    toks = _as_tokens(corpus_or_tokens)
    terms = [terms] if isinstance(terms, str) else list(terms)
    rows = []
    for order, term in enumerate(terms):
        words = pattern_words(term)
        for doc_id, part in toks.groupby("doc_id", sort=True):
            n = len(part)
            ids = part["token_id"].to_numpy()
            for i in _matches(part["lower"].to_numpy(dtype=object), words):
                rows.append((order, term, doc_id, int(ids[i]), i / (n - 1) if n > 1 else 0.0))
    out = pd.DataFrame(rows, columns=["_order"] + DISPERSION_COLUMNS)
    out = out.sort_values(["_order", "doc_id", "position"], kind="stable").drop(columns="_order")
    return out.reset_index(drop=True).astype({"token_id": "int64", "position": float})
