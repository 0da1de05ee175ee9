"""Which words and phrases the reports use: frequencies, n-grams, collocations, TF-IDF.

Every function takes the tokens table of :func:`corpus_tools.tokens` (one row per token)
and returns a tidy DataFrame. Terms are the ``lower`` form of word tokens (``is_alpha``),
so "Ceasefire" and "ceasefire" are one term while the country "US" stays apart from the
pronoun "us". Numbers, punctuation and clitics ("'s") are not terms.

Phrases (n-grams, collocations) are read inside *segments*: runs of word tokens within one
sentence, broken at every punctuation mark, number or clitic. A phrase therefore never
spans a comma, a quotation mark or a sentence end, and it may contain stopwords inside
("coalition of the willing") but never begins or ends with one ("of the", "the coalition").
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Literal

import numpy as np
import pandas as pd
from nltk.collocations import (
    BigramAssocMeasures,
    BigramCollocationFinder,
    QuadgramAssocMeasures,
    QuadgramCollocationFinder,
    TrigramAssocMeasures,
    TrigramCollocationFinder,
)
from nltk.util import ngrams as _ngrams
from scipy import sparse

from corpus_tools.errors import CorpusError

TOKEN_COLUMNS_NEEDED = ["doc_id", "sent_id", "token_id", "lower", "is_stop", "is_alpha"]
_FINDERS = {
    2: (BigramCollocationFinder, BigramAssocMeasures),
    3: (TrigramCollocationFinder, TrigramAssocMeasures),
    4: (QuadgramCollocationFinder, QuadgramAssocMeasures),
}
_MEASURES = {"likelihood": "likelihood_ratio", "pmi": "pmi"}


def _finder(n: int, segments: list[list[str]]):
    """The NLTK collocation finder for ``n``-word sequences that ``from_documents(segments)``
    builds, with the same frequency distributions, counted with :class:`Counter` over the
    segments (C-speed counting instead of NLTK's window loop): every word, and every
    contiguous sequence (and its gapped sub-sequences) that fits inside one segment."""
    from itertools import chain

    from nltk.probability import FreqDist

    def count(*offsets: int) -> FreqDist:
        if len(offsets) == 1:
            return FreqDist(Counter(chain.from_iterable(segments)))
        return FreqDist(Counter(chain.from_iterable(zip(*(s[o:] for o in offsets)) for s in segments)))

    words = count(0)
    if n == 2:
        return BigramCollocationFinder(words, count(0, 1), window_size=2)
    if n == 3:
        return TrigramCollocationFinder(words, count(0, 1), count(0, 2), count(0, 1, 2))
    return QuadgramCollocationFinder(words, count(0, 1, 2, 3), count(0, 1), count(0, 1, 2), count(0, 2), count(0, 3),
                                     count(0, 1, 3), count(0, 2, 3))


def check_tokens(toks: pd.DataFrame, columns: Sequence[str] = ("doc_id", "lower", "is_stop", "is_alpha")) -> None:
    """Raise :class:`CorpusError` unless ``toks`` has the tokens-table columns needed.

    Examples
    --------
    >>> check_tokens(pd.DataFrame({"doc_id": []}))
    Traceback (most recent call last):
    ...
    corpus_tools.errors.CorpusError: the tokens table lacks lower, is_stop, is_alpha; build it with corpus_tools.tokens(corpus_tools.sentences(corpus))
    """
    missing = [c for c in columns if c not in toks.columns]
    if missing:
        raise CorpusError(f"the tokens table lacks {', '.join(missing)}; build it with corpus_tools.tokens(corpus_tools.sentences(corpus))")


def _words(toks: pd.DataFrame) -> pd.DataFrame:
    return toks[toks["is_alpha"].astype(bool)]


def word_counts(toks: pd.DataFrame, keys: Sequence[str] = ("doc_id",)) -> pd.DataFrame:
    """Counts of word terms per group: ``*keys, term, is_stop, n``.

    ``toks`` is a tokens table (one row per token; word tokens are counted by ``lower``) or
    a counts table with ``term, n, is_stop`` (one row per document and term, as
    :func:`corpus_tools.term_counts` and the pipeline's ``term_counts`` stage give), so that
    frequencies, keyness and TF-IDF of a large corpus never need every token at once.

    Examples
    --------
    >>> toks = pd.DataFrame({"doc_id": ["a", "a", "a"], "lower": ["peace", "the", "peace"],
    ...                      "is_stop": [False, True, False], "is_alpha": True})
    >>> word_counts(toks).values.tolist()
    [['a', 'peace', False, 2], ['a', 'the', True, 1]]
    >>> word_counts(pd.DataFrame({"doc_id": ["a"], "term": ["peace"], "n": [2], "is_stop": [False]})).values.tolist()
    [['a', 'peace', False, 2]]
    """
    keys = list(keys)
    if {"term", "n", "is_stop"} <= set(toks.columns) and "lower" not in toks.columns:
        missing = [k for k in keys if k not in toks.columns]
        if missing:
            raise CorpusError(f"the counts table lacks {', '.join(missing)}; merge it from the corpus first")
        frame = toks
    else:
        check_tokens(toks, ["lower", "is_stop", "is_alpha", *keys])
        frame = _words(toks).rename(columns={"lower": "term"}).assign(n=1)
    frame = frame.assign(is_stop=frame["is_stop"].astype(bool))
    return frame.groupby([*keys, "term", "is_stop"], sort=True)["n"].sum().astype("int64").reset_index()


def term_frequencies(toks: pd.DataFrame, *, by: str | None = "doc_id", stopwords: bool = False) -> pd.DataFrame:
    """Count terms per group (default per document) or, with ``by=None``, for the corpus.

    ``toks`` is a tokens table or a counts table (see :func:`word_counts`).

    Returns ``doc_id`` (or the ``by`` column), ``term, n, per_10k``. ``per_10k`` is the count
    per 10,000 word tokens of the group, stopwords included in the denominator, so the rate
    of a term is the same whether or not stopwords are listed. ``stopwords=False`` (default)
    leaves the stopwords of ``data/stopwords_en.txt`` out of the rows. Sorted by group, then
    ``n`` descending, then ``term``.

    Examples
    --------
    >>> from corpus_tools.tokens import sentences, tokens
    >>> docs = pd.DataFrame({"doc_id": ["a"], "text": ["US troops told us: troops."]})
    >>> term_frequencies(tokens(sentences(docs))).values.tolist()
    [['a', 'troops', 2, 4000.0], ['a', 'US', 1, 2000.0], ['a', 'told', 1, 2000.0]]
    >>> term_frequencies(tokens(sentences(docs)), by=None, stopwords=True)["term"].tolist()
    ['troops', 'US', 'told', 'us']
    """
    keys = [by] if by else []
    words = word_counts(toks, keys)
    kept = words if stopwords else words[~words["is_stop"]]
    if kept.empty:
        return pd.DataFrame({**({by: pd.Series(dtype=object)} if by else {}), "term": pd.Series(dtype=object),
                             "n": pd.Series(dtype="int64"), "per_10k": pd.Series(dtype=float)})
    # word_counts gives one row per (group, term, is_stop), sorted by them, so the rows of a
    # group are together: its total and its rows' order are found on arrays, not by strings
    group = _runs(words[by]) if by else np.zeros(len(words), dtype=np.int64)
    totals = np.add.reduceat(words["n"].to_numpy(), np.flatnonzero(np.r_[True, group[1:] != group[:-1]]))
    group = group[kept.index.to_numpy()] if len(kept) < len(words) else group
    same_term = np.r_[False, (group[1:] == group[:-1]) & (kept["term"].to_numpy()[1:] == kept["term"].to_numpy()[:-1])]
    if same_term.any():  # a term both stopword and not in one group: add its rows
        counts = kept.groupby(keys + ["term"])["n"].sum().astype("int64").reset_index()
        group = _runs(counts[by]) if by else np.zeros(len(counts), dtype=np.int64)
    else:
        counts = kept[[*keys, "term", "n"]].reset_index(drop=True)
    n = counts["n"].to_numpy()
    counts["per_10k"] = n / totals[group] * 10_000 if by else counts["n"] / float(words["n"].sum()) * 10_000
    # rows are in (group, term) order: a stable sort by group, then n descending, leaves ties by term
    order = np.lexsort((-n, group))
    return counts.take(order).reset_index(drop=True)


def _runs(column: pd.Series) -> np.ndarray:
    """For a column whose equal values are together: each row's run number (0, 0, 1, 2, 2, ...)."""
    values = column.to_numpy()
    return np.cumsum(np.r_[False, values[1:] != values[:-1]]).astype(np.int64)


def _segments(toks: pd.DataFrame) -> list[tuple[object, list[str], list[str]]]:
    """``(doc_id, lower forms, original tokens)`` of each segment, in text order.

    A segment is a maximal run of ``is_alpha`` tokens inside one sentence of one document,
    found on arrays (the starts and ends of the runs) rather than token by token."""
    check_tokens(toks, TOKEN_COLUMNS_NEEDED + ["token"])
    ordered = toks.sort_values(["doc_id", "token_id"], kind="stable")
    n = len(ordered)
    if not n:
        return []
    doc_codes = pd.factorize(ordered["doc_id"])[0]
    sent = ordered["sent_id"].to_numpy()
    alpha = ordered["is_alpha"].to_numpy(dtype=bool)
    change = np.ones(n, dtype=bool)  # a new (document, sentence) starts here
    change[1:] = (doc_codes[1:] != doc_codes[:-1]) | (sent[1:] != sent[:-1])
    after_gap = np.ones(n, dtype=bool)
    after_gap[1:] = ~alpha[:-1]
    starts = np.flatnonzero(alpha & (change | after_gap))
    breaks = np.append(np.flatnonzero(~alpha | change), n)
    ends = breaks[np.searchsorted(breaks, starts, side="right")]
    docs = ordered["doc_id"].to_numpy(dtype=object)
    lowers, originals = ordered["lower"].tolist(), ordered["token"].tolist()
    return [(docs[s], lowers[s:e], originals[s:e]) for s, e in zip(starts.tolist(), ends.tolist())]


def segments(toks: pd.DataFrame) -> list[list[str]]:
    """Split the word tokens into runs that a phrase may not cross.

    A segment is a maximal run of consecutive word tokens (``is_alpha``) within one sentence
    of one document; punctuation, numbers and clitics end it. Items are ``lower`` forms.

    Examples
    --------
    >>> from corpus_tools.tokens import sentences, tokens
    >>> docs = pd.DataFrame({"doc_id": ["a"], "text": ["A “coalition of the willing,” it said. Troops 30,000 now."]})
    >>> segments(tokens(sentences(docs)))
    [['a'], ['coalition', 'of', 'the', 'willing'], ['it', 'said'], ['troops'], ['now']]
    """
    return [lowers for _, lowers, _ in _segments(toks)]


def _edge_stop(stopwords: frozenset[str] | set[str]):
    return lambda *words: words[0] in stopwords or words[-1] in stopwords


def _stopword_set(toks: pd.DataFrame) -> set[str]:
    return set(toks.loc[toks["is_stop"].astype(bool), "lower"])


def ngram_counts(toks: pd.DataFrame, n: int = 2, *, by: str | None = None, min_freq: int = 1) -> pd.DataFrame:
    """Count n-grams that stay inside a segment and neither begin nor end with a stopword.

    Returns ``term`` (words joined by a space) and ``n`` (its count), with the ``by`` column
    first when given; rows with fewer than ``min_freq`` occurrences are dropped. Sorted by
    group, ``n`` descending, then ``term``.

    Examples
    --------
    >>> from corpus_tools.tokens import sentences, tokens
    >>> docs = pd.DataFrame({"doc_id": ["a"], "text": ["Security guarantees, the security guarantees of Europe."]})
    >>> ngram_counts(tokens(sentences(docs)), 2).values.tolist()
    [['security guarantees', 2]]
    >>> ngram_counts(tokens(sentences(docs)), 4).values.tolist()
    [['security guarantees of europe', 1]]
    """
    if n < 1:
        raise CorpusError(f"n-gram length must be at least 1, got {n}")
    check_tokens(toks, TOKEN_COLUMNS_NEEDED + ([by] if by else []))
    stop = _stopword_set(toks)
    edge = _edge_stop(stop)
    groups = toks.groupby(by, sort=True) if by else [(None, toks)]
    frames = []
    for key, part in groups:
        counter = Counter(g for seg in segments(part) for g in _ngrams(seg, n) if not edge(*g))
        frame = pd.DataFrame({"term": [" ".join(g) for g in counter], "n": list(counter.values())}, columns=["term", "n"])
        if by:
            frame.insert(0, by, key)
        frames.append(frame)
    columns = ([by] if by else []) + ["term", "n"]
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
    out = out[out["n"] >= min_freq].astype({"n": "int64"})
    keys = [by] if by else []
    return out.sort_values(keys + ["n", "term"], ascending=[True] * len(keys) + [False, True], kind="stable").reset_index(drop=True)[columns]


def in_text_order(toks: pd.DataFrame) -> pd.DataFrame:
    """The tokens with each document's rows together and in ``token_id`` order.

    The table itself when it already is (as the pipeline and :func:`corpus_tools.tokens` give
    it), so that a large table is checked, not sorted; otherwise its rows reordered. The order
    of the documents is kept as found: callers sort their results by ``doc_id``.

    Examples
    --------
    >>> toks = pd.DataFrame({"doc_id": ["b", "a", "b"], "token_id": [2, 1, 1]})
    >>> in_text_order(toks).values.tolist()
    [['b', 1], ['b', 2], ['a', 1]]
    """
    if len(toks) < 2:
        return toks
    codes = pd.factorize(toks["doc_id"])[0]
    ids = toks["token_id"].to_numpy()
    same = codes[1:] == codes[:-1]
    grouped = int((~same).sum()) + 1 == codes.max() + 1  # each document one run of rows
    if grouped and bool((ids[1:][same] > ids[:-1][same]).all()):
        return toks
    return toks.iloc[np.lexsort((ids, codes))]


def _tuple_codes(columns: Sequence[np.ndarray], base: int) -> np.ndarray:
    """One integer per distinct row of the integer ``columns`` (codes below ``base``), equal
    rows getting equal integers; folded a column at a time so that no product overflows."""
    key = np.asarray(columns[0], dtype=np.int64)
    for column in columns[1:]:
        key = pd.factorize(key * base + np.asarray(column, dtype=np.int64))[0].astype(np.int64)
    return key


class _PhraseArrays:
    """The word tokens of a tokens table as arrays, for counting phrases without Python loops:
    ``codes`` (each token's ``lower`` as an integer, ``vocab[codes]`` the form), ``seg`` (its
    segment, see :func:`segments`; -1 for a token that is not a word), ``doc`` (its document as
    an integer, ``docs[doc]`` the ``doc_id``), ``stop`` (per code, a stopword) and ``capital``
    (per token, written with a capital first letter)."""

    def __init__(self, toks: pd.DataFrame):
        check_tokens(toks, TOKEN_COLUMNS_NEEDED + ["token"])
        toks = in_text_order(toks)
        n = len(toks)
        self.codes, vocab = pd.factorize(toks["lower"])  # codes, not a Python string per token
        self.vocab = np.asarray(vocab, dtype=object)
        self.doc, self.docs = pd.factorize(toks["doc_id"])
        alpha = toks["is_alpha"].to_numpy(dtype=bool)
        sent = toks["sent_id"].to_numpy()
        change = np.ones(n, dtype=bool)  # a new (document, sentence) starts here
        change[1:] = (self.doc[1:] != self.doc[:-1]) | (sent[1:] != sent[:-1])
        after_gap = np.ones(n, dtype=bool)
        after_gap[1:] = ~alpha[:-1]
        starts = alpha & (change | after_gap)
        self.seg = np.where(alpha, np.cumsum(starts) - 1, -1)
        self.stop = np.zeros(len(self.vocab), dtype=bool)
        self.stop[self.codes[toks["is_stop"].to_numpy(dtype=bool)]] = True
        written, forms = pd.factorize(toks["token"])
        upper = np.fromiter((w[:1].isupper() for w in np.asarray(forms, dtype=object)), dtype=bool, count=len(forms))
        self.capital = upper[written] if n else np.zeros(0, dtype=bool)
        self.base = max(len(self.vocab), 1)

    def positions(self, span: int) -> np.ndarray:
        """Start of every run of ``span`` consecutive words inside one segment."""
        if span > len(self.seg):
            return np.zeros(0, dtype=np.int64)
        first, last = self.seg[: len(self.seg) - span + 1], self.seg[span - 1:]
        return np.flatnonzero((first >= 0) & (first == last))

    def word_counts(self) -> dict[str, int]:
        counts = np.bincount(self.codes[self.seg >= 0], minlength=len(self.vocab))
        return {w: int(c) for w, c in zip(self.vocab.tolist(), counts.tolist()) if c}


def _sub_counts(arrays: _PhraseArrays, offsets: tuple[int, ...], keys: np.ndarray) -> np.ndarray:
    """How often each row of ``keys`` (word codes, one column per offset) occurs as the words at
    ``offsets`` from a start inside one segment: the counts of ``_finder``'s ``count(*offsets)``."""
    at = arrays.positions(max(offsets) + 1)
    columns = [np.concatenate([arrays.codes[at + o], keys[:, j]]) for j, o in enumerate(offsets)]
    code = _tuple_codes(columns, arrays.base)
    counts = np.bincount(code[: len(at)], minlength=int(code.max()) + 1 if len(code) else 0)
    return counts[code[len(at):]]


#: for each n, the finder's frequency distributions beyond words and n-grams: (offsets counted,
#: the word positions of a candidate that each lookup takes)
_SUB_COUNTS = {
    2: [],
    3: [((0, 1), [(0, 1), (1, 2)]), ((0, 2), [(0, 2)])],
    4: [((0, 1), [(0, 1), (2, 3), (1, 2)]), ((0, 1, 2), [(0, 1, 2), (1, 2, 3)]), ((0, 2), [(0, 2), (1, 3)]),
        ((0, 3), [(0, 3)]), ((0, 1, 3), [(0, 1, 3)]), ((0, 2, 3), [(0, 2, 3)])],
}


def _scored_finder(arrays: _PhraseArrays, n: int, min_freq: int):
    """The NLTK finder that ``_finder`` builds after ``apply_freq_filter(min_freq)`` and the
    stopword-edge filter, with only the counts its scores read: words, the candidate n-grams,
    and the sub-sequences of the candidates. Returns ``(finder, candidates)``, where
    ``candidates`` is ``(codes per candidate, n-gram id per start, starts, candidate ids)``."""
    from nltk.probability import FreqDist

    at = arrays.positions(n)
    grams = np.stack([arrays.codes[at + j] for j in range(n)], axis=1)
    gram_id = _tuple_codes(list(grams.T), arrays.base) if len(at) else np.zeros(0, dtype=np.int64)
    counts = np.bincount(gram_id)
    first = np.zeros(len(counts), dtype=np.int64)  # a start of each distinct n-gram
    first[gram_id[::-1]] = np.arange(len(at))[::-1]
    ids = np.flatnonzero((counts >= min_freq) & ~arrays.stop[grams[first, 0]] & ~arrays.stop[grams[first, n - 1]])
    cand = grams[first[ids]]
    words = [tuple(row) for row in arrays.vocab[cand].tolist()]
    fds = [FreqDist(dict(zip(words, counts[ids].tolist())))]
    for offsets, lookups in _SUB_COUNTS[n]:
        fd = FreqDist()
        for places in lookups:
            keys = cand[:, list(places)]
            found = _sub_counts(arrays, offsets, keys).tolist() if len(ids) else []
            for row, c in zip(arrays.vocab[keys].tolist(), found):
                fd[tuple(row)] = c
        fds.append(fd)
    word_fd = FreqDist(arrays.word_counts())
    finder_class = _FINDERS[n][0]
    if n == 2:
        finder = finder_class(word_fd, fds[0], window_size=2)
    elif n == 3:
        finder = finder_class(word_fd, fds[1], fds[2], fds[0])
    else:
        ii, iii, ixi, ixxi, iixi, ixii = fds[1:]
        finder = finder_class(word_fd, fds[0], ii, iii, ixi, ixxi, iixi, ixii)
    return finder, (cand, gram_id, at, ids)


def _collocations(arrays: _PhraseArrays, n: int, min_freq: int, measure: str) -> pd.DataFrame:
    finder, (cand, gram_id, at, ids) = _scored_finder(arrays, n, min_freq)
    scored = finder.score_ngrams(getattr(_FINDERS[n][1], _MEASURES[measure]))
    columns = ["term", "n", "n_docs", "capitalised", "score"]
    if not scored:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in zip(columns, [object, "int64", "int64", float, float])})
    # per candidate: the documents using it, and its occurrences with every non-stopword capitalised
    slot = np.full(int(gram_id.max()) + 1, -1, dtype=np.int64)
    slot[ids] = np.arange(len(ids))
    mine = slot[gram_id]
    hit = mine >= 0
    starts, which = at[hit], mine[hit]
    pairs = np.unique(which * (len(arrays.docs) + 1) + arrays.doc[starts])
    n_docs = np.bincount(pairs // (len(arrays.docs) + 1), minlength=len(ids))
    ok = np.ones(len(starts), dtype=bool)
    for j in range(n):
        ok &= arrays.capital[starts + j] | arrays.stop[arrays.codes[starts + j]]
    capitals = np.bincount(which[ok], minlength=len(ids))
    index = {tuple(row): i for i, row in enumerate(arrays.vocab[cand].tolist())}
    rows = [index[g] for g, _ in scored]
    out = pd.DataFrame({"term": [" ".join(g) for g, _ in scored],
                        "n": [int(finder.ngram_fd[g]) for g, _ in scored],
                        "n_docs": n_docs[rows].tolist(),
                        "capitalised": [c / finder.ngram_fd[g] for c, (g, _) in zip(capitals[rows].tolist(), scored)],
                        "score": [float(s) for _, s in scored]}, columns=columns)
    out = out.astype({"n": "int64", "n_docs": "int64", "capitalised": float, "score": float})
    return out.sort_values(["score", "term"], ascending=[False, True], kind="stable").reset_index(drop=True)


def collocations(toks: pd.DataFrame, n: int = 2, *, min_freq: int = 3,
                 measure: Literal["likelihood", "pmi"] = "likelihood") -> pd.DataFrame:
    """Score word sequences of length ``n`` (2, 3 or 4) by association, with NLTK's finders.

    The finder is built from :func:`segments` (``from_documents``), so counts never cross a
    punctuation mark or sentence end; word marginals count every word, stopwords included.
    Candidates seen fewer than ``min_freq`` times, or beginning or ending with a stopword, are
    removed before scoring. ``measure`` is ``"likelihood"`` (Dunning's log-likelihood ratio,
    robust for rare events) or ``"pmi"`` (pointwise mutual information, which favours rare
    pairs, hence the minimum frequency). Four-word sequences are needed for phrases such as
    "coalition of the willing".

    Returns ``term, n, n_docs, capitalised, score``: ``n_docs`` is the number of documents
    using the sequence and ``capitalised`` the share of its occurrences in which every
    non-stopword starts with a capital letter. Names of people, places and offices ("Prime
    Minister Keir Starmer", "Elysee Palace") score high on any association measure; filter on
    ``capitalised < 0.5`` to read the phrases of the coverage apart from them. Sorted by
    ``score`` descending, then ``term``.

    The sequences are counted on integer arrays (one row per word token), and NLTK's finder
    is given only the counts its scores read (the candidates' words and sub-sequences), so
    the scores are NLTK's while the cost grows linearly with the corpus.

    Examples
    --------
    >>> from corpus_tools.tokens import sentences, tokens
    >>> docs = pd.DataFrame({"doc_id": ["a"], "text": ["Security guarantees matter. Security guarantees, said the security chief."]})
    >>> collocations(tokens(sentences(docs)), 2, min_freq=2)[["term", "n", "n_docs", "capitalised"]].values.tolist()
    [['security guarantees', 2, 1, 0.0]]
    """
    if n not in _FINDERS:
        raise CorpusError(f"collocations are scored for n = 2, 3 or 4 words, got n={n}")
    if measure not in _MEASURES:
        raise CorpusError(f"measure must be one of {', '.join(_MEASURES)}, got {measure!r}")
    return _collocations(_PhraseArrays(toks), n, min_freq, measure)


def phrase_table(toks: pd.DataFrame, sizes: Sequence[int] = (2, 3, 4), *, min_freq: int = 3,
                 measure: Literal["likelihood", "pmi"] = "likelihood", name_share: float = 0.5) -> pd.DataFrame:
    """The :func:`collocations` of several lengths in one table, names set apart from phrases.

    Returns ``term, n, n_docs, capitalised, score, words, kind``: ``words`` is the length of
    the sequence and ``kind`` is ``"name"`` when at least ``name_share`` of its occurrences
    are capitalised ("Prime Minister Keir Starmer"), else ``"phrase"`` ("coalition of the
    willing"). Sorted by kind (phrases first), length, score descending, then term. The
    tokens are read once for all lengths.

    Examples
    --------
    >>> from corpus_tools.tokens import sentences, tokens
    >>> docs = pd.DataFrame({"doc_id": ["a"], "text": ["Keir Starmer met troops. Keir Starmer thanked the troops. "
    ...                                                "Fresh troops came. Fresh troops left."]})
    >>> phrase_table(tokens(sentences(docs)), (2,), min_freq=2)[["term", "kind"]].values.tolist()
    [['fresh troops', 'phrase'], ['keir starmer', 'name']]
    """
    for n in sizes:
        if n not in _FINDERS:
            raise CorpusError(f"collocations are scored for n = 2, 3 or 4 words, got n={n}")
    if measure not in _MEASURES:
        raise CorpusError(f"measure must be one of {', '.join(_MEASURES)}, got {measure!r}")
    arrays = _PhraseArrays(toks)
    table = pd.concat([_collocations(arrays, n, min_freq, measure).assign(words=n) for n in sizes], ignore_index=True)
    table["kind"] = np.where(table["capitalised"] >= name_share, "name", "phrase").astype(object)
    table = table.sort_values(["kind", "words", "score", "term"], ascending=[False, True, False, True], kind="stable")
    return table.reset_index(drop=True)


def tfidf_terms(toks: pd.DataFrame, *, by: str = "doc_id", top_n: int | None = 10, stopwords: bool = False,
                min_freq: int = 1) -> pd.DataFrame:
    """Terms that distinguish each document (or group) from the others, by TF-IDF.

    Raw counts per group (stopwords left out unless ``stopwords=True``; terms seen fewer than
    ``min_freq`` times in the whole corpus dropped) go into a sparse matrix and through
    scikit-learn's ``TfidfTransformer`` with its defaults: ``tf * (ln((1 + N) / (1 + df)) + 1)``,
    rows normalised to unit length. A term found in every group still scores (idf 1) but
    less than one found in few. Returns ``by, term, n, tfidf, rank`` with the ``top_n`` best
    terms per group (all when ``None``), sorted by group, ``tfidf`` descending, then ``term``.

    Examples
    --------
    >>> from corpus_tools.tokens import sentences, tokens
    >>> docs = pd.DataFrame({"doc_id": ["a", "b"], "text": ["Troops and sanctions.", "Sanctions and talks."]})
    >>> tfidf_terms(tokens(sentences(docs)), top_n=1)[["doc_id", "term", "rank"]].values.tolist()
    [['a', 'troops', 1], ['b', 'talks', 1]]
    """
    freqs = term_frequencies(toks, by=by, stopwords=stopwords)
    columns = [by, "term", "n", "tfidf", "rank"]
    if min_freq > 1:
        freqs = freqs[freqs.groupby("term")["n"].transform("sum") >= min_freq]
    from sklearn.feature_extraction.text import TfidfTransformer  # here: importing scikit-learn takes ~1 s

    if freqs.empty:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in zip(columns, [object, object, "int64", float, "int64"])})
    rows, groups = pd.factorize(freqs[by], sort=True)
    cols, terms = pd.factorize(freqs["term"], sort=True)
    counts = freqs["n"].to_numpy(dtype=np.int64)
    matrix = sparse.csr_matrix((counts.astype(float), (rows, cols)), shape=(len(groups), len(terms)))
    weights = TfidfTransformer().fit_transform(matrix).tocoo()
    # each (group, term) pair is one row of freqs: its count is found through the pair's position
    where = pd.Index(rows.astype(np.int64) * len(terms) + cols)
    n = counts[where.get_indexer(weights.row.astype(np.int64) * len(terms) + weights.col)]
    # by group (sorted codes = sorted values), tfidf descending, term (sorted codes); the pairs are unique
    order = np.lexsort((weights.col, -weights.data, weights.row))
    row, col, score, n = weights.row[order], weights.col[order], weights.data[order], n[order]
    starts = np.flatnonzero(np.r_[True, row[1:] != row[:-1]]) if len(row) else np.zeros(0, dtype=np.int64)
    rank = np.arange(len(row)) - np.repeat(starts, np.diff(np.r_[starts, len(row)])) + 1
    keep = rank <= top_n if top_n is not None else np.ones(len(row), dtype=bool)
    out = pd.DataFrame({by: np.asarray(groups, dtype=object)[row[keep]], "term": np.asarray(terms, dtype=object)[col[keep]],
                        "n": n[keep], "tfidf": score[keep], "rank": rank[keep]})
    return out.astype({"n": "int64", "rank": "int64"})


def vocabulary_size(toks: pd.DataFrame, *, by: str | None = "doc_id") -> pd.DataFrame:
    """Words, distinct terms and content words per group (or for the corpus when ``by=None``).

    Returns ``by, n_words, n_types, n_content, density``: word tokens, distinct ``lower``
    forms, word tokens that are not stopwords, and lexical density ``n_content / n_words``
    (share of content words; NaN for a group without words).

    Examples
    --------
    >>> from corpus_tools.tokens import sentences, tokens
    >>> docs = pd.DataFrame({"doc_id": ["a"], "text": ["The troops and the troops."]})
    >>> vocabulary_size(tokens(sentences(docs))).values.tolist()
    [['a', 5, 3, 2, 0.4]]
    """
    if {"term", "n", "is_stop"} <= set(toks.columns) and "lower" not in toks.columns:
        return _vocabulary_size_of_counts(toks, by)
    check_tokens(toks, ["lower", "is_stop", "is_alpha"] + ([by] if by else []))
    words = _words(toks).assign(_content=lambda d: ~d["is_stop"].astype(bool))
    if by:
        grouped = words.groupby(by, sort=True)
        out = pd.DataFrame({"n_words": grouped.size(), "n_types": grouped["lower"].nunique(),
                            "n_content": grouped["_content"].sum()}).reset_index()
        order = [by]
    else:
        out = pd.DataFrame({"n_words": [len(words)], "n_types": [words["lower"].nunique()],
                            "n_content": [int(words["_content"].sum())]})
        order = []
    out = out.astype({"n_words": "int64", "n_types": "int64", "n_content": "int64"})
    out["density"] = out["n_content"] / out["n_words"].where(out["n_words"] > 0)
    return out[order + ["n_words", "n_types", "n_content", "density"]]


def _vocabulary_size_of_counts(counts: pd.DataFrame, by: str | None) -> pd.DataFrame:
    """:func:`vocabulary_size` from a counts table ``term, n, is_stop`` (and ``by``)."""
    if by and by not in counts.columns:
        raise CorpusError(f"the counts table lacks {by}; merge it from the corpus first")
    counts = counts.assign(_content=counts["n"].where(~counts["is_stop"].astype(bool), 0))
    if by:
        grouped = counts.groupby(by, sort=True)
        out = pd.DataFrame({"n_words": grouped["n"].sum(), "n_types": grouped["term"].nunique(),
                            "n_content": grouped["_content"].sum()}).reset_index()
        order = [by]
    else:
        out = pd.DataFrame({"n_words": [int(counts["n"].sum())], "n_types": [counts["term"].nunique()],
                            "n_content": [int(counts["_content"].sum())]})
        order = []
    out = out.astype({"n_words": "int64", "n_types": "int64", "n_content": "int64"})
    out["density"] = out["n_content"] / out["n_words"].where(out["n_words"] > 0)
    return out[order + ["n_words", "n_types", "n_content", "density"]]


def tfidf_view(tfidf: pd.DataFrame, labels: dict | None = None, *, by: str = "doc_id", max_docs: int = 12) -> pd.DataFrame:
    """A table for reading :func:`tfidf_terms`: with at most ``max_docs`` groups, one column
    per group (headed by its label) and one row per rank; beyond, one row per group with its
    terms in rank order, so the table grows in rows, not in columns.

    ``labels`` maps each group to a short name (:func:`corpus_tools.plots.short_label`).
    Labels need not be unique (the first three characters of a ``doc_id`` and an outlet
    repeat in a corpus of thousands): a group whose label another group shares is headed by
    its own ``doc_id`` instead, so that no two columns or rows merge.

    Examples
    --------
    >>> tfidf = pd.DataFrame({"doc_id": ["100_a", "100_a", "1000_b"], "term": ["troops", "talks", "sanctions"],
    ...                       "rank": [1, 2, 1]})
    >>> tfidf_view(tfidf, {"100_a": "100 Le Monde", "1000_b": "100 Le Monde"}).to_dict("list")
    {'1000_b': ['sanctions', nan], '100_a': ['troops', 'talks']}
    >>> tfidf_view(tfidf, {"100_a": "100 Le Monde", "1000_b": "100 Le Monde"}, max_docs=1).values.tolist()
    [['1000_b', '1000_b', 'sanctions'], ['100_a', '100_a', 'troops, talks']]
    """
    groups = pd.Series(pd.unique(tfidf[by]))
    names = groups.map(labels or {}).fillna(groups.astype(str)) if labels else groups.astype(str)
    shared = names.duplicated(keep=False)
    names = names.where(~shared, groups.astype(str))
    name_of = dict(zip(groups, names))
    table = tfidf.assign(doc=tfidf[by].map(name_of)).sort_values([by, "rank"], kind="stable")
    if len(groups) <= max_docs:
        return table.pivot(index="rank", columns="doc", values="term")
    terms = table.groupby(by, sort=True).agg(doc=("doc", "first"), terms=("term", ", ".join)).reset_index()
    return terms[[by, "doc", "terms"]]


def load_tokens(processed, columns: Sequence[str] | None = None, *, chunk_docs: int = 1000) -> pd.DataFrame:
    """The tokens table of a :func:`corpus_tools.process` result, read a chunk of documents
    at a time, with only ``columns`` (all by default) and 32-bit integers for the positions.

    Reading the whole stage at once holds several copies of every token while the part files
    are joined and ordered (about 4.5 GB at 10,000 articles); here each chunk is read,
    ordered and narrowed in Arrow (:meth:`corpus_tools.pipeline.Processed.arrow`), and the
    chunks are converted to pandas once. The rows and values are those of
    ``processed.tokens``; ``sent_id``, ``token_id``, ``start`` and ``end`` become ``int32``.

    Examples
    --------
    >>> from corpus_tools import load_corpus, process
    >>> done = process(load_corpus(), stages=["sentences", "tokens"])
    >>> toks = load_tokens(done, ["doc_id", "token_id", "lower"], chunk_docs=2)
    >>> toks.equals(done.tokens[["doc_id", "token_id", "lower"]].astype({"token_id": "int32"}))
    True
    """
    import dataclasses

    import pyarrow as pa

    docs = processed.docs
    if not len(docs):
        table = processed.table("tokens", columns=None if columns is None else list(columns))
        return table.astype({c: "int32" for c in ("sent_id", "token_id", "start", "end") if c in table.columns})
    chunks = []
    for first in range(0, len(docs), max(chunk_docs, 1)):
        part = dataclasses.replace(processed, docs=docs.iloc[first: first + chunk_docs])
        table = part.arrow("tokens", columns=None if columns is None else list(columns))
        for c in ("sent_id", "token_id", "start", "end"):
            if c in table.column_names:
                table = table.set_column(table.schema.get_field_index(c), c, table.column(c).cast(pa.int32()))
        chunks.append(table)
    return pa.concat_tables(chunks, promote_options="default").to_pandas()
