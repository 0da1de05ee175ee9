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
from corpus_tools.table_view import StyledView
from corpus_tools.tokens import lower_form, sentences, tokens, word_spans
from corpus_tools.vocabulary import in_text_order

KWIC_COLUMNS = ["doc_id", "token_id", "left", "match", "right"]
DISPERSION_COLUMNS = ["term", "doc_id", "token_id", "position"]


def _as_tokens(corpus_or_tokens: pd.DataFrame) -> pd.DataFrame:
    if {"doc_id", "token_id", "token", "lower"} <= set(corpus_or_tokens.columns):
        return in_text_order(corpus_or_tokens)
    if {"doc_id", "text"} <= set(corpus_or_tokens.columns):
        return tokens(sentences(corpus_or_tokens))
    raise CorpusError("kwic needs a corpus (doc_id, text) or a tokens table (doc_id, token_id, token, lower); "
                      "load one with corpus_tools.load_corpus()")


def _documents(toks: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For tokens in text order: the row where each row's document starts and ends (exclusive),
    and each row's index within its document."""
    codes = pd.factorize(toks["doc_id"])[0]
    n = len(codes)
    change = np.ones(n, dtype=bool)
    change[1:] = codes[1:] != codes[:-1]
    first = np.flatnonzero(change)
    run = np.cumsum(change) - 1
    bounds = np.append(first, n)
    starts, ends = bounds[:-1][run], bounds[1:][run]
    return starts, ends, np.arange(n) - starts


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


class _Coded:
    """A column of strings as integer codes and its distinct forms (``forms[codes]`` is the
    column), so that a column of 7 million tokens is compared and sliced without turning
    every cell into a Python string."""

    def __init__(self, column: pd.Series | np.ndarray):
        codes, forms = pd.factorize(column)
        self.codes = np.asarray(codes, dtype=np.int64)
        self.forms = np.asarray(forms, dtype=object)

    def __len__(self) -> int:
        return len(self.codes)

    def values(self, lo: int, hi: int) -> list[str]:
        return self.forms[self.codes[lo:hi]].tolist()

    def mask(self, word: str) -> np.ndarray:
        """Which rows match one pattern word (wildcards tested once per distinct form)."""
        if "*" in word or "?" in word:
            hit = np.fromiter((fnmatchcase(w, word) for w in self.forms), dtype=bool, count=len(self.forms))
        else:
            hit = self.forms == word
        return np.append(hit, False)[self.codes]  # a missing value (-1) matches nothing


def _matches(lowers: _Coded | np.ndarray, words: list[str], ends: np.ndarray | None = None) -> np.ndarray:
    """Start indices where the consecutive tokens match ``words``; with ``ends`` (each row's
    document end, exclusive) a match never runs past its document."""
    lowers = lowers if isinstance(lowers, _Coded) else _Coded(lowers)
    k = len(words)
    if len(lowers) < k:
        return np.array([], dtype=int)
    mask = np.ones(len(lowers) - k + 1, dtype=bool)
    for j, word in enumerate(words):
        mask &= lowers.mask(word)[j: len(lowers) - k + 1 + j]
    if ends is not None:
        mask &= np.arange(len(mask)) + k <= ends[: len(mask)]
    return np.flatnonzero(mask)


def _join(toks: _Coded, starts: np.ndarray | None, ends: np.ndarray | None, lo: int, hi: int) -> str:
    """Tokens ``lo:hi`` as text: a space wherever the source had one (known from offsets)."""
    if hi <= lo:
        return ""
    words = toks.values(lo, hi)
    if starts is None:
        return " ".join(words)
    spaced = (starts[lo + 1:hi] > ends[lo:hi - 1]).tolist()
    return words[0] + "".join((" " + w if gap else w) for w, gap in zip(words[1:], spaced))


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
    return _kwic(_arrays(_as_tokens(corpus_or_tokens)), pattern_words(pattern), window)


def _arrays(toks: pd.DataFrame) -> dict:
    """The columns that concordances read, as NumPy arrays (converted once: a column of
    Arrow strings costs a copy each time it is read), with each row's document bounds."""
    first, last, index = _documents(toks)
    spaced = {"start", "end"} <= set(toks.columns)
    return {"lower": _Coded(toks["lower"]), "token": _Coded(toks["token"]),
            "start": toks["start"].to_numpy() if spaced else None, "end": toks["end"].to_numpy() if spaced else None,
            "doc_id": _Coded(toks["doc_id"]), "token_id": toks["token_id"].to_numpy(),
            "first": first, "last": last, "index": index}


def _kwic(arrays: dict, words: list[str], window: int) -> pd.DataFrame:
    """:func:`kwic` from the :func:`_arrays` of tokens in text order."""
    first, last = arrays["first"], arrays["last"]
    hits = _matches(arrays["lower"], words, last)
    if not len(hits):
        return pd.DataFrame([], columns=KWIC_COLUMNS).astype({"token_id": "int64"})
    tokens_, starts, ends = arrays["token"], arrays["start"], arrays["end"]
    docs, ids = arrays["doc_id"], arrays["token_id"]
    rows = []
    for i, lo, hi in zip(hits.tolist(), first[hits].tolist(), last[hits].tolist()):
        end = i + len(words)
        rows.append((docs.forms[docs.codes[i]], int(ids[i]), _join(tokens_, starts, ends, max(i - window, lo), i),
                     _join(tokens_, starts, ends, i, end), _join(tokens_, starts, ends, end, min(end + window, hi))))
    out = pd.DataFrame(rows, columns=KWIC_COLUMNS).astype({"token_id": "int64"})
    return out.sort_values(["doc_id", "token_id"], kind="stable").reset_index(drop=True)


def kwic_table(corpus_or_tokens: pd.DataFrame, terms: str | Iterable[str], *, window: int = 8) -> pd.DataFrame:
    """The :func:`kwic` of several terms in one table: ``term, doc_id, token_id, left, match,
    right``, the terms in the order given, each term's rows as :func:`kwic` gives them. The
    tokens are put in order once for all the terms.

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": ["a"], "text": ["Troops wait. Sanctions bite the troops."]})
    >>> kwic_table(docs, ["sanctions", "troops"], window=1)[["term", "token_id", "left", "right"]].values.tolist()
    [['sanctions', 4, '.', 'bite'], ['troops', 1, '', 'wait'], ['troops', 7, 'the', '.']]
    """
    if window < 0:
        raise CorpusError(f"window must be zero or more tokens, got {window}")
    terms = [terms] if isinstance(terms, str) else list(terms)
    arrays = _arrays(_as_tokens(corpus_or_tokens))
    frames = [_kwic(arrays, pattern_words(t), window).assign(term=t) for t in terms]
    columns = ["term", *KWIC_COLUMNS]
    if not frames:
        return pd.DataFrame([], columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]


def kwic_view(table: pd.DataFrame, *, per_term: int = 4) -> StyledView:
    """The first ``per_term`` lines of each term of a :func:`kwic_table`, set as a concordance
    is read: the left context aligned right against the match, no index. A
    :class:`~corpus_tools.table_view.StyledView`, so the page shows the styled table and the
    notebook stores a plain text that does not change from run to run.

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": ["a"], "text": ["Troops wait. Sanctions bite the troops."]})
    >>> view = kwic_view(kwic_table(docs, ["troops"], window=2), per_term=1)
    >>> print(repr(view))
      term doc_id  token_id left  match right
    troops      a         1      Troops wait.
    >>> "text-align: right" in view._repr_html_()
    True
    """
    shown = table.groupby("term", sort=False).head(per_term)
    return StyledView(shown.style.set_uuid("kwic").hide(axis="index")
                      .set_properties(subset=["left"], **{"text-align": "right"}))


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
    lowers = _Coded(toks["lower"])
    first, last, index = _documents(toks)
    size = last - first
    docs = _Coded(toks["doc_id"])
    ids = toks["token_id"].to_numpy()
    frames = []
    for order, term in enumerate(terms):
        hits = _matches(lowers, pattern_words(term), last)
        n = size[hits]
        position = np.where(n > 1, index[hits] / np.maximum(n - 1, 1), 0.0)
        frames.append(pd.DataFrame({"_order": order, "term": term, "doc_id": docs.forms[docs.codes[hits]], "token_id": ids[hits],
                                    "position": position}, columns=["_order", *DISPERSION_COLUMNS]))
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["_order", *DISPERSION_COLUMNS])
    out = out.sort_values(["_order", "doc_id", "position"], kind="stable").drop(columns="_order")
    return out.reset_index(drop=True).astype({"token_id": "int64", "position": float})
