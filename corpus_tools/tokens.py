"""Sentences and word tokens as tidy tables, with no downloads.

Sentences come from NLTK's Punkt algorithm, which is unsupervised: no trained model ships
here, so it is given the abbreviations of ``data/abbreviations.txt`` (``U.S.``, ``Mr.``,
``Gen.``, single-letter initials) and never splits inside a paragraph's abbreviation.
Sentences never cross a paragraph break. Punkt asks at each candidate end (``said. The``)
whether it is a break; the usual ones are answered from the word before the mark alone
(``_plain_sentbreak``, with Punkt's answers, as the tests hold), the others by Punkt.

Words come from one regular expression (compiled as NLTK's ``RegexpTokenizer`` compiles it,
with the ``regex`` engine): numbers keep their
commas and decimals (``30,000``), a dollar sign stays with its amount (``$2``), hyphenated
words stay whole (``Franco-British``, ``30-day``), dotted abbreviations stay whole
(``U.S.``), and clitics split as in the Penn Treebank (``Zelensky`` + ``'s``).
``lower`` is the lower-cased form, except that words written in capitals (``US``, ``NATO``)
keep their case, so the country "US" never becomes the stopword "us".
"""
from __future__ import annotations

import itertools
import re
import string
import struct
from functools import lru_cache, partial
from operator import itemgetter
from pathlib import Path
from typing import Callable, Iterable

import numpy as np
import pandas as pd
import pyarrow as pa
import regex
from nltk.tokenize.punkt import PunktLanguageVars, PunktParameters, PunktSentenceTokenizer

from corpus_tools.resources import load_abbreviations, load_stopwords

MEMO_LIMIT = 200_000  # distinct chunks remembered before the memo starts afresh
SENTENCE_COLUMNS = ["doc_id", "sent_id", "text", "start", "end"]
TOKEN_COLUMNS = ["doc_id", "sent_id", "token_id", "token", "lower", "is_stop", "is_alpha", "start", "end"]

_CLITIC = r"(?:['\u2019](?:[sSdDmM]|ve|re|ll|VE|RE|LL)|n['\u2019]t|N['\u2019]T)(?![^\W_])"
_NOT_CLITIC = r"(?!(?:[sSdDmM]|ve|re|ll|VE|RE|LL)(?![^\W_]))"
TOKEN_PATTERN = (
    r"(?:[A-Za-z]\.){2,}(?![^\W_])"  # dotted abbreviations: U.S., U.K.
    r"|\$\d+(?:[.,]\d+)*"  # money: $2, $1,500.50
    r"|\d+(?:[.,]\d+)*(?:%|(?:-[^\W\d_]+)+)?"  # numbers: 30,000  20%  30-day
    r"|[^\W\d_]+?(?=n['\u2019]t(?![^\W_]))"  # the word before n't: do|n't
    r"|" + _CLITIC  # clitics: 's n't 've
    + r"|[^\W\d_]+(?:-[^\W_]+)*(?:['\u2019]" + _NOT_CLITIC + r"[^\W\d_]+)*"  # Franco-British, O'Brien
    r"|[^\w\s]"  # any other single symbol
)
# NLTK's RegexpTokenizer compiles the pattern with the ``regex`` engine (through ``nltk.redos``,
# which calls ``regex.compile(pattern, flags)``) and runs every match under a wall-clock timeout
# in a Python wrapper, a guard against hostile patterns that costs more than the match itself on
# a short text. This is the same compilation (engine, flags) of our own pattern, which cannot
# backtrack catastrophically, without the wrapper: the same spans (``regex`` is NLTK's dependency).
_TOKEN_REGEX = regex.compile(TOKEN_PATTERN, re.UNICODE | re.MULTILINE | re.DOTALL)
_HAS_WORD = re.compile(r"[^\W_]")
# the stretches between spaces and line breaks: no token crosses one, and the pattern reads
# a space or a line break just as it reads the end of the text
_CHUNK = re.compile(r"[^ \n]+")
_CAPS_WORD = re.compile(r"[A-Z][A-Z.]+")
_ALPHA_WORD = re.compile(r"[^\W\d_]+(?:[-'.\u2019][^\W\d_]*)*")
_CLITIC_WORD = re.compile(_CLITIC)
_PARAGRAPH = re.compile(r"[^\n]+")


#: the marks a plain word may end with in :func:`_chunk_info`'s shortcut ("Paris." -> "Paris", ".")
_FINAL_MARKS = frozenset(".,;:!?")
_PLAIN_NUMBER = re.compile(r"[0-9]+(?:[.,][0-9]+)*")


def _chunk_info_matched(chunk: str) -> tuple:
    """``(spans, tokens, lowers, is_alpha, n_words)`` of a white-space-free chunk, from the
    token pattern.

    >>> _chunk_info_matched("Zelensky's")
    (((0, 8), (8, 10)), ('Zelensky', "'s"), ('zelensky', "'s"), (True, False), 2)
    """
    spans = tuple(m.span() for m in _TOKEN_REGEX.finditer(chunk))
    tokens = tuple(chunk[start:end] for start, end in spans)
    return (spans, tokens, tuple(lower_form(t) for t in tokens),
            tuple(bool(_ALPHA_WORD.fullmatch(t)) and not _CLITIC_WORD.fullmatch(t) for t in tokens),
            sum(1 for t in tokens if _HAS_WORD.search(t)))


def _chunk_info(chunk: str) -> tuple:
    """:func:`_chunk_info_matched` of a chunk, without the pattern for the two commonest kinds
    of chunk: a plain word (ASCII letters: "talks", "NATO") or a plain number (ASCII digits,
    groups after a comma or a point: "2025", "30,000", "3.5"), alone or followed by one of
    ``. , ; : ! ?`` ("Paris.", "NATO,", "2025."). The pattern reads the word or number as one
    token (no alternative before the word's can start on a letter without a dot after it or
    an apostrophe in it; the number's alternative takes every group and the mark is not one)
    and the mark as a symbol token of its own, so the answer is known without matching: 70% of
    the distinct chunks of the synthetic benchmark corpus, where the pattern costs several
    microseconds a chunk.

    >>> _chunk_info("NATO,") == _chunk_info_matched("NATO,")
    True
    >>> _chunk_info("NATO,"), _chunk_info("30,000.")
    ((((0, 4), (4, 5)), ('NATO', ','), ('NATO', ','), (True, False), 1), (((0, 6), (6, 7)), ('30,000', '.'), ('30,000', '.'), (False, False), 1))
    """
    word = chunk[:-1] if chunk[-1:] in _FINAL_MARKS else chunk
    if word.isascii() and word.isalpha():
        alpha, lower = True, lower_form(word)
    elif word.isascii() and _PLAIN_NUMBER.fullmatch(word):
        alpha, lower = False, word
    else:
        return _chunk_info_matched(chunk)
    n = len(word)
    if n == len(chunk):
        return ((0, n),), (word,), (lower,), (alpha,), 1
    mark = chunk[-1]
    return ((0, n), (n, n + 1)), (word, mark), (lower, mark), (alpha, False), 1


class _ChunkInfo(dict):
    """White-space-free chunk -> ``(spans, tokens, lowers, is_alpha, n_words)`` of its tokens
    (:func:`_chunk_info`), filled on demand (a bounded memo). One memo serves
    :func:`word_spans`, :func:`count_words` and :func:`tokens`, so a chunk the tokens stage has
    read is not matched again when the tone stage counts its words."""

    def __missing__(self, chunk: str) -> tuple:
        if len(self) > MEMO_LIMIT:
            self.clear()
        found = self[chunk] = _chunk_info(chunk)
        return found


_CHUNK_INFO = _ChunkInfo()

#: one token of a chunk as :func:`tokens` reads it: its offsets in the chunk, the UTF-8 lengths of
#: its ``token`` and ``lower`` forms, is_stop, is_alpha
_RECORD = np.dtype([("start", "<i4"), ("end", "<i4"), ("token_bytes", "<i4"), ("lower_bytes", "<i4"),
                    ("is_stop", "?"), ("is_alpha", "?")])
_PACK = struct.Struct("<iiii??").pack
assert struct.calcsize("<iiii??") == _RECORD.itemsize


class _ChunkTokens(dict):
    """Chunk -> ``(n, records, token UTF-8, lower UTF-8, tokens, lowers)`` for one stopword
    list, filled on demand: ``records`` packs each token's :data:`_RECORD` as bytes, and the
    token and lower forms are also kept encoded and joined, so that a batch's columns are
    ``bytes.join`` and ``numpy.frombuffer`` calls, its string columns Arrow arrays built from
    those buffers, rather than a Python object per value."""

    def __init__(self, stopwords: frozenset[str]):
        super().__init__()
        self.stopwords = stopwords

    def __missing__(self, chunk: str) -> tuple:
        if len(self) > MEMO_LIMIT:
            self.clear()
        spans, tokens, lowers, is_alpha, _ = _CHUNK_INFO[chunk]
        stopwords = self.stopwords
        token_utf8, lower_utf8 = [t.encode() for t in tokens], [lower.encode() for lower in lowers]
        records = b"".join(_PACK(start, end, len(t), len(lower_bytes), lower in stopwords, alpha)
                           for (start, end), t, lower_bytes, lower, alpha in zip(spans, token_utf8, lower_utf8, lowers, is_alpha))
        found = self[chunk] = (len(spans), records, b"".join(token_utf8), b"".join(lower_utf8), tokens, lowers)
        return found


@lru_cache(maxsize=4)
def _chunk_tokens(stopwords: frozenset[str]) -> _ChunkTokens:
    return _ChunkTokens(stopwords)


def _unguarded(pattern) -> regex.Pattern:
    """An ``nltk.redos`` pattern compiled again as it was (``regex``, its source and flags), without
    the Python wrapper that runs each match under a wall-clock timeout: the same matches."""
    return regex.compile(pattern.pattern, pattern.flags)


class _LanguageVars(PunktLanguageVars):
    """Punkt's English language variables, with the candidate-end, realignment and word
    patterns unguarded (:func:`_unguarded`): NLTK's guard against hostile patterns cost Punkt
    a third of its time on NLTK's own fixed patterns."""

    __slots__ = ()
    re_boundary_realignment = _unguarded(PunktLanguageVars.re_boundary_realignment)

    def _unguarded_once(self, slot: str, build: Callable[[], object]) -> regex.Pattern:
        """The pattern kept in ``slot``; the first time, NLTK's (``build``, which keeps its
        guarded pattern in that slot) compiled again unguarded, and kept there instead."""
        try:
            return getattr(self, slot)
        except AttributeError:
            setattr(self, slot, _unguarded(build()))
            return getattr(self, slot)

    def period_context_re(self):
        return self._unguarded_once("_re_period_context", super().period_context_re)

    def _word_tokenizer_re(self):
        return self._unguarded_once("_re_word_tokenizer", super()._word_tokenizer_re)


@lru_cache(maxsize=8)
def _punkt(abbreviations: frozenset[str]) -> PunktSentenceTokenizer:
    params = PunktParameters()
    params.abbrev_types = set(abbreviations) | set(string.ascii_lowercase)
    tokenizer = PunktSentenceTokenizer(params, lang_vars=_LanguageVars())
    # Punkt asks, at every candidate end ("said. The", "U.S. forces"), whether that short context
    # holds a sentence break: a pure function of the context with the parameters fixed. The
    # instance attribute shadows the method: the usual contexts are answered by
    # _plain_sentbreak, the others by Punkt itself, remembered (the splits are unchanged)
    tokenizer.text_contains_sentbreak = partial(
        _contains_sentbreak, params.abbrev_types, lru_cache(maxsize=MEMO_LIMIT)(tokenizer.text_contains_sentbreak))
    return tokenizer


#: the characters Punkt's period context accepts right after a candidate end in place of a space
#: (``PunktLanguageVars._re_non_word_chars``)
_NON_WORD = frozenset(")\";}]*:@'({[\u2018\u2019\u201c\u201d\u00ab\u00bb?!")
_END_MARK = re.compile(r"[.?!]")
_SPACE = re.compile(r"\s")


def _plain_sentbreak(context: str, abbreviations: set[str]) -> bool | None:
    """Punkt's answer for a context of the usual shape, or ``None`` for any other.

    A context is the word before a candidate end, the mark (``.``, ``?`` or ``!``), and either
    one non-word character (``"``, ``)``, ``”`` ...) or white space and the next token. It holds
    a break when a token that Punkt marks as a sentence break has a token after it. With the
    parameters :func:`_punkt` gives (abbreviations only: no collocations, sentence starters or
    orthographic context), a context whose mark is followed by one non-word character, or by a
    space and a token without a mark, is decided by the word alone:

    - ``said? The``, ``U.S.!”``: Punkt's word pattern ends any word before a ``?`` or ``!``,
      which is a token of its own, always a break, and a token follows: a break;
    - ``said. The``, ``U.S. forces``, ``said.”``: a word of letters (two or more, dots between
      them allowed) keeps its period as one token; the first pass marks it an abbreviation when
      the word lower-cased is one, else a break; the second pass changes neither mark for a
      token that is neither an initial nor a number (the orthographic heuristic, without
      orthographic context, never answers True); and no later token ends in a mark.

    Initials (``J. Smith``), numbers, words with digits, hyphens or punctuation, a mark in the
    next token and any other spacing return ``None``: Punkt decides.

    Examples
    --------
    >>> abbreviations = {"gen", "u.s"}
    >>> contexts = ["Paris. They", "Gen. Smith", "said.\u201d", "why? I", "U.S. forces", "U.K. and", "J. Smith", "30. The"]
    >>> [_plain_sentbreak(c, abbreviations) for c in contexts]
    [True, False, True, True, False, True, None, None]
    """
    j = context.find(" ")
    if j < 0:  # the mark and one non-word character
        if len(context) < 2 or context[-1] not in _NON_WORD:
            return None
        j = len(context) - 1
    elif context[j + 1:].isspace() or j + 1 == len(context) or _END_MARK.search(context, j):
        return None  # no next token, or one with a mark: Punkt decides
    mark, word = context[j - 1: j], context[: j - 1]
    if mark == "?" or mark == "!":
        return True if not _SPACE.search(word) else None
    if mark != "." or len(word) < 2 or word[0] == "." or word[-1] == "." or ".." in word or not word.replace(".", "").isalpha():
        return None
    return word.lower() not in abbreviations


def _contains_sentbreak(abbreviations: set[str], punkt: Callable[[str], bool], context: str) -> bool:
    """Punkt's ``text_contains_sentbreak``: :func:`_plain_sentbreak`'s answer, else ``punkt``'s."""
    found = _plain_sentbreak(context, abbreviations)
    return punkt(context) if found is None else found


def sentence_spans(text: str, *, data_dir: Path | str | None = None) -> list[tuple[int, int]]:
    """Return ``(start, end)`` character offsets of the sentences of ``text``.

    Examples
    --------
    >>> t = "U.S. President Donald Trump met Gen. Smith. “Now is not the time,” Mr. Macron said."
    >>> [t[s:e] for s, e in sentence_spans(t)]
    ['U.S. President Donald Trump met Gen. Smith.', '“Now is not the time,” Mr. Macron said.']
    """
    return list(_sentence_spans(text, load_abbreviations(data_dir)))


@lru_cache(maxsize=1024)
def _sentence_spans(text: str, abbreviations: frozenset[str]) -> tuple[tuple[int, int], ...]:
    """The spans of one text, remembered: the sentences, mentions and quotes stages of a
    pipeline batch split the same documents, and split each only once."""
    tokenizer = _punkt(abbreviations)
    spans = []
    for paragraph in _PARAGRAPH.finditer(text):
        offset = paragraph.start()
        for start, end in tokenizer.span_tokenize(paragraph.group()):
            spans.append((offset + start, offset + end))
    return tuple(spans)


def word_spans(text: str) -> list[tuple[int, int]]:
    """Return ``(start, end)`` offsets of the word and punctuation tokens of ``text``.

    Examples
    --------
    >>> t = "Zelensky's $2 billion, 30,000 Franco-British troops; the U.S. can't."
    >>> [t[s:e] for s, e in word_spans(t)]
    ['Zelensky', "'s", '$2', 'billion', ',', '30,000', 'Franco-British', 'troops', ';', 'the', 'U.S.', 'ca', "n't", '.']
    """
    spans: list[tuple[int, int]] = []
    for chunk in _CHUNK.finditer(text):  # no token crosses a space or a line break (see count_words)
        at = chunk.start()
        spans += [(at + start, at + end) for start, end in _CHUNK_INFO[chunk.group()][0]]
    return spans


def count_words(text: str) -> int:
    """The number of tokens of :func:`word_spans` that hold a letter or a digit (words and numbers).

    No token crosses white space and the pattern looks neither behind nor past it, so the
    text is counted chunk by chunk (split on white space, a character that is never part of a
    word token) and each distinct chunk is tokenised once per process.

    Examples
    --------
    >>> count_words("Zelensky's $2 billion, 30,000 troops; the U.S. can't.")
    10
    """
    info = _CHUNK_INFO.__getitem__
    return sum(info(chunk)[4] for chunk in text.split())


def lower_form(token: str) -> str:
    """Lower-case a token unless it is written in capitals (an acronym such as US or NATO).

    Examples
    --------
    >>> [lower_form(t) for t in ["The", "us", "US", "NATO", "U.S.", "I", "A"]]
    ['the', 'us', 'US', 'NATO', 'U.S.', 'i', 'a']
    """
    if len(token) > 1 and _CAPS_WORD.fullmatch(token):
        return token
    return token.lower()


def sentences(corpus: pd.DataFrame, *, data_dir: Path | str | None = None) -> pd.DataFrame:
    """One row per sentence: ``doc_id, sent_id, text, start, end`` (offsets into ``text``).

    ``sent_id`` counts from 1 within each document.

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": ["a"], "text": ["Leaders met in Paris. They agreed.\\n\\nNew paragraph"]})
    >>> sentences(docs)[["sent_id", "text", "start"]].values.tolist()
    [[1, 'Leaders met in Paris.', 0], [2, 'They agreed.', 22], [3, 'New paragraph', 36]]
    """
    rows = []
    for doc_id, text in zip(corpus["doc_id"], corpus["text"]):
        for sent_id, (start, end) in enumerate(sentence_spans(text, data_dir=data_dir), start=1):
            rows.append((doc_id, sent_id, text[start:end], start, end))
    return pd.DataFrame(rows, columns=SENTENCE_COLUMNS).astype({"sent_id": "int64", "start": "int64", "end": "int64"})


def tokens(sents: pd.DataFrame, *, data_dir: Path | str | None = None) -> pd.DataFrame:
    """One row per token of a sentences table: ``doc_id, sent_id, token_id, token, lower,
    is_stop, is_alpha, start, end``.

    ``token_id`` counts from 1 within each document; ``start``/``end`` are offsets into the
    document's clean text. No token crosses a space or a line break, so each distinct stretch
    between them is tokenised once per process and remembered, and the table is assembled
    column by column. ``is_alpha`` marks word tokens (letters, with inner hyphens or
    apostrophes allowed); ``is_stop`` marks stopwords of ``data/stopwords_en.txt`` by ``lower``.

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": ["a"], "text": ["The US told us: 30,000 troops."]})
    >>> tokens(sentences(docs))[["token", "lower", "is_stop", "is_alpha"]].values.tolist()[:5]
    [['The', 'the', True, True], ['US', 'US', False, True], ['told', 'told', False, True], ['us', 'us', True, True], [':', ':', False, False]]
    """
    stopwords = load_stopwords(data_dir)
    memo = _chunk_tokens(frozenset(stopwords)).__getitem__
    texts = sents["text"].tolist()
    joined = " ".join(texts)
    if "\n" not in joined:
        # every sentence's chunks are its pieces between single spaces, and the sentences joined
        # by one space give all the batch's pieces in one split; a piece starts after the pieces
        # before it and one space each (counted from its sentence's first piece below)
        pieces = joined.split(" ") if texts else []
        per_sentence = np.fromiter((t.count(" ") + 1 for t in texts), dtype=np.int64, count=len(texts))
        lengths = np.fromiter(map(len, pieces), dtype=np.int64, count=len(pieces))
        fallback: dict[int, list[int]] = {}
    else:  # a sentence with a line break: its chunks are found one by one, with their starts
        pieces, counts, fallback = [], [], {}
        for i, text in enumerate(texts):
            if "\n" in text:
                found = list(_CHUNK.finditer(text))
                chunks = [m.group() for m in found] or [""]
                fallback[i] = [m.start() for m in found] or [0]
            else:
                chunks = text.split(" ")
            pieces += chunks
            counts.append(len(chunks))
        per_sentence = np.array(counts, dtype=np.int64)
        lengths = np.fromiter(map(len, pieces), dtype=np.int64, count=len(pieces))
    infos = list(map(memo, pieces))  # per chunk: (n, records, tokens, lowers)
    n_chunks = len(infos)
    first = np.cumsum(per_sentence) - per_sentence  # per sentence: the index of its first chunk
    # where each chunk starts in its sentence: after the chunks before it and one space each
    step = lengths + 1
    within = np.cumsum(step) - step
    within -= np.repeat(within[first] if n_chunks else within[:0], per_sentence)
    for i, starts in fallback.items():
        within[first[i]: first[i] + len(starts)] = starts
    base = within + np.repeat(sents["start"].to_numpy(dtype=np.int64), per_sentence)
    n_tokens = np.fromiter(map(itemgetter(0), infos), dtype=np.int64, count=n_chunks)
    total = int(n_tokens.sum())
    if not total:
        return pd.DataFrame([], columns=TOKEN_COLUMNS).astype(
            {"sent_id": "int64", "token_id": "int64", "is_stop": bool, "is_alpha": bool, "start": "int64", "end": "int64"})
    records = np.frombuffer(b"".join(map(itemgetter(1), infos)), dtype=_RECORD)
    token_base = np.repeat(base, n_tokens)
    per_sent_tokens = np.add.reduceat(n_tokens, first) if n_chunks else np.zeros(0, dtype=np.int64)
    doc_ids = np.repeat(sents["doc_id"].to_numpy(), per_sent_tokens)
    text_dtype = pd.Series(["x"]).dtype  # what pandas makes of a list of strings (Arrow-backed "str" in pandas 3)
    if _arrow_strings(text_dtype):
        token_column = _arrow_column(map(itemgetter(2), infos), records["token_bytes"], text_dtype)
        lower_column = _arrow_column(map(itemgetter(3), infos), records["lower_bytes"], text_dtype)
        doc_column = sents["doc_id"].array.take(np.repeat(np.arange(len(sents)), per_sent_tokens)) \
            if sents["doc_id"].dtype == text_dtype else doc_ids
    else:
        token_column = list(itertools.chain.from_iterable(map(itemgetter(4), infos)))
        lower_column = list(itertools.chain.from_iterable(map(itemgetter(5), infos)))
        doc_column = doc_ids
    table = pd.DataFrame({
        "doc_id": doc_column,
        "sent_id": np.repeat(sents["sent_id"].to_numpy(dtype=np.int64), per_sent_tokens),
        "token_id": _count_within(doc_ids),
        "token": token_column,
        "lower": lower_column,
        "is_stop": records["is_stop"].copy(),
        "is_alpha": records["is_alpha"].copy(),
        "start": token_base + records["start"],
        "end": token_base + records["end"],
    }, columns=TOKEN_COLUMNS)
    return table


def _arrow_strings(dtype) -> bool:
    """Whether ``dtype`` is pandas' string dtype stored as an Arrow ``large_string`` array."""
    return isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow"


def _arrow_column(utf8: Iterable[bytes], lengths: np.ndarray, dtype: pd.StringDtype):
    """A string column of ``dtype`` from the strings' UTF-8 bytes, joined, and their byte
    lengths: an Arrow ``large_string`` array over those buffers (the array pandas builds from a
    list of the same strings, without a Python object per string)."""
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    array = pa.LargeStringArray.from_buffers(len(lengths), pa.py_buffer(offsets), pa.py_buffer(b"".join(utf8)))
    return pd.array(array, dtype=dtype)


def _count_within(doc_ids: np.ndarray) -> np.ndarray:
    """1, 2, ... within each document, in row order: ``groupby(doc_ids).cumcount() + 1``,
    computed from the runs of equal ids when each document's rows are together (as a
    sentences table has them)."""
    n = len(doc_ids)
    if n and pd.notna(doc_ids).all():
        starts = np.flatnonzero(np.concatenate(([True], doc_ids[1:] != doc_ids[:-1])))
        if len(starts) == len(pd.unique(doc_ids[starts])):  # no document comes back after another
            return np.arange(1, n + 1, dtype=np.int64) - np.repeat(starts, np.diff(np.append(starts, n)))
    return pd.Series(doc_ids).groupby(doc_ids, sort=False).cumcount().to_numpy(dtype=np.int64) + 1
