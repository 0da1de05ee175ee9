"""Comparing reports: the same meeting across outlets, and one meeting against another.

Everything here builds on the tables of the other modules (tokens, quotes, mentions, tone) and
calls their helpers rather than repeating them:

* **Similarity** (:func:`similarity_matrix`, :func:`similarity_pairs`): cosine of TF-IDF
  vectors of content words (sublinear term frequency by default; ``sublinear_tf=False`` gives
  the weights of :func:`corpus_tools.vocabulary.tfidf_terms`) and the Jaccard index of the sets
  of content words.
* **Shared quotations** (:func:`quote_groups`, :func:`quote_sharing`, :func:`left_out_quotes`,
  :func:`speaker_coverage`): quotations from :func:`corpus_tools.quotes.quotes` compared across
  reports after normalising quote marks, case, whitespace and square-bracketed insertions.
  Two quotations are the same (or a close variant: trimmed, another translation, other marks)
  when at least ``min_overlap`` (0.8) of the shorter one's tokens align, in order, with the
  longer one (``difflib.SequenceMatcher`` on the token lists) *and* they share a contiguous run
  of at least ``min_tokens`` (3) tokens. "now is not the time" inside "There was complete
  clarity that now is not the time to lift sanctions" aligns 5 of 5 tokens: the same quotation.
  Quoted names of actors ("coalition of the willing") are names, not quotations, and are left out.
* **Text reuse** (:func:`text_reuse`): every maximal run of at least ``min_tokens`` identical
  word tokens (case-folded, punctuation and quote marks skipped) shared by two reports, found
  through k-token shingles so reordered passages are found too.
* **Facts and figures** (:func:`facts`, :func:`fact_coverage`): numbers with their unit and
  qualifier, read with the word lists of ``data/fact_units.csv`` (see its README), and a key
  ("30 day ceasefire", "27 heads of state") under which the same figure in two reports matches.
* **Contrasts** (:func:`contrast_terms`, :func:`outlet_contrasts`, :func:`meeting_pairs`,
  :func:`meeting_changes`, :func:`actor_changes`): keyness (:func:`corpus_tools.keyness.keyness`)
  and mentions / share of voice between reports of one meeting and between meetings.
* **Cards** (:func:`article_cards`): one row per report summing the above up.
"""
from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from scipy import sparse

from corpus_tools.errors import CorpusError
from corpus_tools.keyness import KEYNESS_COLUMNS, _group_keyness, keyness
from corpus_tools.paths import data_dir as _data_dir
from corpus_tools.quotes import share_of_voice
from corpus_tools.resources import load_stopwords, read_table
from corpus_tools.sentiment import aggregate_tone
from corpus_tools.speakers import load_actors
from corpus_tools.vocabulary import check_tokens, tfidf_terms, word_counts

FACT_COLUMNS = ["doc_id", "sent_id", "fact", "value", "unit", "qualifier", "key", "context"]
FACT_UNIT_KINDS = ("number", "scale", "currency", "percent", "unit", "qualifier", "month")
REUSE_COLUMNS = ["doc_a", "doc_b", "start_a", "start_b", "n_tokens", "text_a", "text_b"]
GROUP_COLUMNS = ["group_id", "doc_id", "quote_id", "outlet", "meeting_id", "kind", "speaker", "actor",
                 "group_speaker", "n_docs", "overlap", "text"]
CARD_COLUMNS = ["doc_id", "outlet", "published", "meeting_id", "n_words", "top_terms", "speakers_quoted", "n_quotes",
                "mean_compound", "n_facts", "facts"]

_WORD = re.compile(r"\w+(?:['-]\w+)*")
_QUOTE_CHARS = re.compile(r"[\"\u201c\u201d\u201e\u00ab\u00bb\u2018\u2019']")


def _labels(value: str | Iterable[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _with_docs(df: pd.DataFrame, corpus: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """``df`` with the corpus columns it lacks (outlet, meeting_id ...) merged on doc_id."""
    missing = [c for c in columns if c not in df.columns]
    if not missing:
        return df
    absent = [c for c in missing if c not in corpus.columns]
    if absent:
        raise CorpusError(f"the corpus table lacks {', '.join(absent)}; load it with corpus_tools.load_corpus()")
    return df.merge(corpus[["doc_id", *missing]], on="doc_id", how="left", validate="many_to_one")


# ---------------------------------------------------------------------------------------------
# similarity


MAX_MATRIX_DOCS = 1000
NEIGHBOUR_COLUMNS = ["doc_id", "neighbour", "rank", "cosine", "same_meeting", "same_outlet"]


def _too_many(n: int, max_docs: int | None, what: str) -> None:
    if max_docs is not None and n > max_docs:
        raise CorpusError(
            f"{what} of {n:,} documents would hold {n * n:,} cells (more than max_docs={max_docs:,} documents); "
            "use corpus_tools.compare.nearest_neighbours (top-k neighbours of each report, linear in the corpus), "
            "similarity_order (a clustered order), or similarity_matrix(..., by='outlet') instead, "
            "or raise max_docs")


def _content_counts(toks: pd.DataFrame, by: str = "doc_id", *, all_groups: bool = True
                    ) -> tuple[list, np.ndarray, sparse.csr_matrix]:
    """``(groups, terms, counts)``: sorted groups (all groups of ``toks``, or only those with
    content words), sorted content terms, and the sparse group x term count matrix.

    ``toks`` is a tokens table or the per-document counts table (``term_counts`` stage)."""
    words = word_counts(toks, [by])
    groups = sorted(words[by].dropna().unique()) if all_groups else None
    kept = words[~words["is_stop"] & words[by].notna()]
    if groups is None:
        groups = sorted(kept[by].unique())
    row_of = pd.Index(groups)
    cols, terms = pd.factorize(kept["term"], sort=True)
    matrix = sparse.csr_matrix((kept["n"].to_numpy(dtype=float), (row_of.get_indexer(kept[by]), cols)),
                               shape=(len(groups), len(terms)))
    return groups, np.asarray(terms), matrix


def _tfidf(toks: pd.DataFrame, by: str = "doc_id", *, sublinear_tf: bool = True,
           counted: tuple[list, np.ndarray, sparse.csr_matrix] | None = None) -> tuple[list, sparse.csr_matrix]:
    """Sorted groups and their TF-IDF rows (unit length; an empty group is a zero row).

    With ``sublinear_tf=False`` the idf counts only groups with content words, as
    :func:`corpus_tools.vocabulary.tfidf_terms` does. ``counted`` is :func:`_content_counts`
    of ``toks`` when the caller has it already."""
    from sklearn.feature_extraction.text import TfidfTransformer  # here: importing scikit-learn takes ~1 s

    groups, _, counts = counted if counted is not None else _content_counts(toks, by)
    if not counts.shape[1]:
        return groups, sparse.csr_matrix((len(groups), 0))
    if sublinear_tf:
        return groups, TfidfTransformer(sublinear_tf=True).fit_transform(counts).tocsr()
    present = np.flatnonzero(counts.getnnz(axis=1))
    weights = TfidfTransformer().fit_transform(counts[present]).tocsr()
    full = sparse.lil_matrix(counts.shape)
    full[present] = weights
    return groups, full.tocsr()


def similarity_matrix(toks: pd.DataFrame, measure: str = "cosine", *, sublinear_tf: bool = True, by: str = "doc_id",
                      max_docs: int | None = MAX_MATRIX_DOCS) -> pd.DataFrame:
    """Document × document similarity over content words (stopwords left out).

    ``measure="cosine"``: the cosine of TF-IDF vectors (scikit-learn's ``TfidfTransformer``,
    smoothed idf, rows of unit length, over the counts of
    :func:`corpus_tools.vocabulary.term_frequencies`). With ``sublinear_tf=True`` (default) a
    count ``tf`` weighs ``1 + ln(tf)``: without it a long report that repeats a few names (one
    says "Macron" 20 times) is pulled toward any report that also repeats them, whatever else
    they say; ``sublinear_tf=False`` gives the weights of
    :func:`corpus_tools.vocabulary.tfidf_terms` exactly. ``"jaccard"``: shared distinct content
    words over all distinct content words of the two documents. The diagonal is 1 (0 for a
    document without content words). Index and columns are the sorted ``doc_id``.

    ``toks`` is a tokens table or the per-document counts table (``term_counts`` stage).
    ``by`` compares groups instead of documents (``"outlet"``, ``"meeting_id"``: a column of
    ``toks``; the counts of a group's reports are summed). The matrix has N² cells: above
    ``max_docs`` rows it is refused with a :class:`CorpusError` pointing to
    :func:`nearest_neighbours` and :func:`similarity_order` (``None`` lifts the bound).

    Examples
    --------
    >>> from corpus_tools.tokens import sentences, tokens
    >>> docs = pd.DataFrame({"doc_id": ["a", "b"], "text": ["Troops and sanctions.", "Sanctions and talks."]})
    >>> similarity_matrix(tokens(sentences(docs)), "jaccard").round(4).values.tolist()
    [[1.0, 0.3333], [0.3333, 1.0]]
    >>> similarity_matrix(tokens(sentences(docs))).round(4).values.tolist()  # idf 1 for sanctions, 1.405 else
    [[1.0, 0.3361], [0.3361, 1.0]]
    """
    check_tokens(toks, ["doc_id", "is_stop", by] + (["lower", "is_alpha"] if "term" not in toks.columns else []))
    if measure not in ("cosine", "jaccard"):
        raise CorpusError(f"unknown similarity measure {measure!r}; use 'cosine' or 'jaccard'")
    n_groups = toks[by].nunique()
    _too_many(n_groups, max_docs, "a similarity matrix")
    if measure == "cosine":
        docs, values = _tfidf(toks, by, sublinear_tf=sublinear_tf)
        dense = values.toarray()
        sim = dense @ dense.T
        np.fill_diagonal(sim, [1.0 if v.any() else 0.0 for v in dense])
    else:
        docs, _, counts = _content_counts(toks, by)
        present = (counts > 0).astype(np.int64)
        inter = (present @ present.T).toarray()
        sizes = np.asarray(present.sum(axis=1)).ravel()
        union = sizes[:, None] + sizes[None, :] - inter
        with np.errstate(divide="ignore", invalid="ignore"):
            sim = np.where(union > 0, inter / np.where(union > 0, union, 1), 0.0)
    sim = np.clip(sim, 0.0, 1.0)
    return pd.DataFrame(sim, index=pd.Index(docs, name=by), columns=pd.Index(docs, name=by))


def similarity_pairs(toks: pd.DataFrame, corpus: pd.DataFrame | None = None, *, sublinear_tf: bool = True,
                     max_docs: int | None = MAX_MATRIX_DOCS) -> pd.DataFrame:
    """Every pair of documents once: ``doc_a, doc_b, cosine, jaccard``, most similar first.

    ``cosine`` as in :func:`similarity_matrix` (``sublinear_tf`` passed on). With ``corpus``,
    also ``meeting_a, meeting_b, same_meeting``. Sorted by ``cosine`` then
    ``jaccard`` descending, then ``doc_a, doc_b``. N documents give N (N - 1) / 2 rows: above
    ``max_docs`` documents it is refused (see :func:`nearest_neighbours` for large corpora).

    Examples
    --------
    >>> from corpus_tools.tokens import sentences, tokens
    >>> docs = pd.DataFrame({"doc_id": ["a", "b", "c"],
    ...     "text": ["Troops and sanctions.", "Sanctions and talks.", "Sanctions, troops."]})
    >>> similarity_pairs(tokens(sentences(docs)))[["doc_a", "doc_b", "jaccard"]].round(4).values.tolist()
    [['a', 'c', 1.0], ['a', 'b', 0.3333], ['b', 'c', 0.3333]]
    """
    _too_many(toks["doc_id"].nunique(), max_docs, "the similarity pairs")
    cos, jac = similarity_matrix(toks, "cosine", sublinear_tf=sublinear_tf, max_docs=None), similarity_matrix(toks, "jaccard", max_docs=None)
    docs = np.asarray(cos.index, dtype=object)
    i, j = np.triu_indices(len(docs), k=1)
    out = pd.DataFrame({"doc_a": docs[i], "doc_b": docs[j], "cosine": cos.to_numpy()[i, j], "jaccard": jac.to_numpy()[i, j]},
                       columns=["doc_a", "doc_b", "cosine", "jaccard"]).astype({"cosine": float, "jaccard": float})
    if corpus is not None:
        meeting = corpus.set_index("doc_id")["meeting_id"]
        out["meeting_a"] = out["doc_a"].map(meeting)
        out["meeting_b"] = out["doc_b"].map(meeting)
        out["same_meeting"] = (out["meeting_a"] == out["meeting_b"]) & out["meeting_a"].fillna("").ne("")
    out = out.sort_values(["cosine", "jaccard", "doc_a", "doc_b"], ascending=[False, False, True, True], kind="stable")
    return out.reset_index(drop=True)


def nearest_reports(matrix: pd.DataFrame, corpus: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each report's most similar other report in a :func:`similarity_matrix`:
    ``doc_id, nearest, similarity`` (ties go to the first ``doc_id``), and with ``corpus``
    ``meeting_id, nearest_meeting, same_meeting``. A corpus of one report gives no rows.
    For a large corpus use :func:`nearest_neighbours`, which needs no matrix.

    Examples
    --------
    >>> m = pd.DataFrame([[1, .2, .5], [.2, 1, .1], [.5, .1, 1]], index=list("abc"), columns=list("abc"))
    >>> nearest_reports(m).values.tolist()
    [['a', 'c', 0.5], ['b', 'a', 0.2], ['c', 'a', 0.5]]
    """
    values = matrix.to_numpy(dtype=float, copy=True)
    columns = list(matrix.columns)
    rows = []
    if len(columns) > 1:
        own = matrix.columns.get_indexer(matrix.index)
        values[np.arange(len(values))[own >= 0], own[own >= 0]] = -np.inf
        best = values.argmax(axis=1)
        rows = [(doc, columns[b], float(values[i, b])) for i, (doc, b) in enumerate(zip(matrix.index, best))]
    out = pd.DataFrame(rows, columns=["doc_id", "nearest", "similarity"]).astype({"similarity": float})
    if corpus is not None:
        meeting = corpus.set_index("doc_id")["meeting_id"]
        out["meeting_id"] = out["doc_id"].map(meeting)
        out["nearest_meeting"] = out["nearest"].map(meeting)
        out["same_meeting"] = (out["meeting_id"] == out["nearest_meeting"]) & out["meeting_id"].fillna("").ne("")
    return out


def _same(a: pd.Series, b: pd.Series) -> pd.Series:
    return (a == b) & a.fillna("").astype(str).ne("")


def _top_k(sims: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each row's ``k`` largest positive values of ``sims``, largest first, ties to the lower
    column: ``(row, column, rank)`` arrays, sorted by row then rank (rank 1 = largest).

    Vectorised over the whole block: the ``k``-th largest value of each row (``np.partition``)
    bounds the candidates, which are then sorted by row, value (descending) and column, and the
    first ``k`` of each row kept, so a tie at the boundary goes to the lower column.
    """
    n_rows, n_cols = sims.shape
    if not n_rows or not n_cols:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    kk = min(k, n_cols)
    kth = np.partition(sims, n_cols - kk, axis=1)[:, n_cols - kk]
    rows, cols = np.nonzero((sims > 0) & (sims >= kth[:, None]))
    values = sims[rows, cols]
    order = np.lexsort((cols, -values, rows))
    rows, cols = rows[order], cols[order]
    starts = np.searchsorted(rows, rows, side="left")
    rank = np.arange(len(rows)) - starts + 1
    keep = rank <= k
    return rows[keep], cols[keep], rank[keep]


def nearest_neighbours(toks: pd.DataFrame, corpus: pd.DataFrame, k: int = 5, *, sublinear_tf: bool = True,
                       block_cells: int = 4_000_000, measure: str = "cosine") -> pd.DataFrame:
    """The ``k`` most similar other reports of each report, without an N × N matrix.

    Cosine of the TF-IDF vectors of :func:`similarity_matrix` (the same numbers, to the last
    bits of rounding), computed block by block: the sparse matrix of the corpus times a dense
    block of rows (a block holds at most ``block_cells`` similarities, and at most as many
    TF-IDF weights, about 32 MB each), each block's rows ranked at once for their top ``k``:
    memory grows with the corpus, not with its square. A neighbour shares at least one
    content word (similarity > 0); ties go to the first ``doc_id``. ``toks`` is a tokens table or
    the per-document counts table (``term_counts`` stage). ``measure="jaccard"`` ranks by the
    Jaccard index of :func:`similarity_matrix` instead (shared distinct content words, from
    the same blocked products of 0/1 rows).

    Returns ``doc_id, neighbour, rank, <measure>, same_meeting, same_outlet`` sorted by
    ``doc_id`` and ``rank`` (1 = nearest); ``same_*`` is true when both reports have the same,
    known, meeting or outlet.

    Examples
    --------
    >>> from corpus_tools.tokens import sentences, tokens
    >>> docs = pd.DataFrame({"doc_id": ["a", "b", "c"], "outlet": ["X", "Y", "X"], "meeting_id": ["m", "m", "n"],
    ...     "text": ["Troops and sanctions.", "Sanctions and talks.", "Sanctions, troops."]})
    >>> nearest_neighbours(tokens(sentences(docs)), docs, k=1).round(4).values.tolist()  # b: a and c tie, a first
    [['a', 'c', 1, 1.0, False, True], ['b', 'a', 1, 0.3119, True, False], ['c', 'a', 1, 1.0, False, True]]
    """
    if k < 1:
        raise CorpusError(f"k must be at least 1, got {k}")
    if measure not in ("cosine", "jaccard"):
        raise CorpusError(f"unknown similarity measure {measure!r}; use 'cosine' or 'jaccard'")
    return _neighbour_table(toks, _content_counts(toks, "doc_id"), corpus, k, sublinear_tf=sublinear_tf,
                            block_cells=block_cells, measure=measure)


def _neighbour_table(toks: pd.DataFrame, counted: tuple[list, np.ndarray, sparse.csr_matrix], corpus: pd.DataFrame,
                     k: int, *, sublinear_tf: bool, block_cells: int, measure: str) -> pd.DataFrame:
    """:func:`nearest_neighbours` given :func:`_content_counts` of ``toks`` by ``doc_id``."""
    if measure == "cosine":
        docs, values = _tfidf(toks, "doc_id", sublinear_tf=sublinear_tf, counted=counted)
    else:
        docs, _, counts = counted
        values = (counts > 0).astype(np.float64).tocsr()
        sizes = np.asarray(values.sum(axis=1)).ravel()
    n = len(docs)
    names = np.asarray(docs, dtype=object)
    block = max(1, min(n, block_cells // max(n, values.shape[1], 1)))
    found_row, found_col, found_rank, found_cos = [], [], [], []
    for start in range(0, n, block):
        dense = values[start:start + block].toarray()
        sims = np.ascontiguousarray((values @ dense.T).T)  # block x corpus, a dense block against the sparse corpus
        del dense
        if measure == "jaccard":
            union = sizes[start:start + block, None] + sizes[None, :] - sims
            with np.errstate(divide="ignore", invalid="ignore"):
                sims = np.where(union > 0, sims / np.where(union > 0, union, 1), 0.0)
            del union
        sims[np.arange(len(sims)), np.arange(start, start + len(sims))] = -np.inf  # not its own neighbour
        rows, cols, rank = _top_k(sims, k)
        found_row.append(rows + start)
        found_col.append(cols)
        found_rank.append(rank)
        found_cos.append(np.minimum(sims[rows, cols], 1.0))
        del sims
    found_row, found_col = np.concatenate(found_row or [np.zeros(0, np.int64)]), np.concatenate(found_col or [np.zeros(0, np.int64)])
    found_doc, found_nb = names[found_row], names[found_col]
    found_rank = np.concatenate(found_rank or [np.zeros(0, np.int64)])
    found_cos = np.concatenate(found_cos or [np.zeros(0)])
    out = pd.DataFrame({"doc_id": pd.Series(found_doc, dtype=object), "neighbour": pd.Series(found_nb, dtype=object),
                        "rank": pd.Series(found_rank, dtype="int64"), measure: pd.Series(found_cos, dtype=float)})
    for column, name in (("meeting_id", "same_meeting"), ("outlet", "same_outlet")):
        if column not in corpus.columns:
            raise CorpusError(f"the corpus table lacks {column}; load it with corpus_tools.load_corpus()")
        value = corpus.set_index("doc_id")[column]
        out[name] = _same(out["doc_id"].map(value), out["neighbour"].map(value)).astype(bool)
    return out[[measure if c == "cosine" else c for c in NEIGHBOUR_COLUMNS]]


MAX_PAIR_DOCS = 100


class SimilarityTables(NamedTuple):
    """What :func:`similarity_tables` returns: the inputs of the two heatmaps and two tables."""

    cosine: pd.DataFrame  #: cosine matrix, or the top-k cosine neighbour table
    jaccard: pd.DataFrame  #: Jaccard matrix, or the top-k Jaccard neighbour table
    pairs: pd.DataFrame  #: the columns of :func:`similarity_pairs`
    nearest: pd.DataFrame  #: each report's nearest report by cosine and by Jaccard


def _pair_jaccard(counted: tuple[list, np.ndarray, sparse.csr_matrix], doc_a: pd.Series, doc_b: pd.Series) -> np.ndarray:
    """The Jaccard index of :func:`similarity_matrix` for the given pairs only (``counted``:
    :func:`_content_counts` by ``doc_id``)."""
    docs, _, counts = counted
    present = (counts > 0).astype(np.float64).tocsr()
    sizes = np.asarray(present.sum(axis=1)).ravel()
    row = pd.Index(docs)
    a, b = row.get_indexer(doc_a), row.get_indexer(doc_b)
    inter = np.asarray(present[a].multiply(present[b]).sum(axis=1)).ravel()
    union = sizes[a] + sizes[b] - inter
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.clip(np.where(union > 0, inter / np.where(union > 0, union, 1), 0.0), 0.0, 1.0)


def similarity_tables(toks: pd.DataFrame, corpus: pd.DataFrame, *, max_docs: int = MAX_PAIR_DOCS, k: int = 5,
                      sublinear_tf: bool = True) -> SimilarityTables:
    """The similarity of the reports, as matrices while the corpus is small and as top-k
    neighbours beyond: ``(cosine, jaccard, pairs, nearest)``.

    Up to ``max_docs`` reports: ``cosine`` and ``jaccard`` are :func:`similarity_matrix`,
    ``pairs`` is every pair (:func:`similarity_pairs` with ``corpus``) and ``nearest`` each
    report's nearest report by cosine (:func:`nearest_reports` with the meetings) with its
    nearest by Jaccard (``nearest_jaccard, jaccard``). Beyond, nothing is N × N:
    ``cosine`` and ``jaccard`` are the :func:`nearest_neighbours` tables (``k`` per report,
    blocked sparse products), ``pairs`` holds the pairs in which one report is among the
    other's ``k`` nearest by cosine (same columns, their Jaccard computed pair by pair) and
    ``nearest`` is read from rank 1 of the neighbour tables (a report sharing no content word
    with any other has none). Both forms of ``cosine`` and ``jaccard`` are drawn by
    :func:`corpus_tools.plots.similarity_heatmap`.

    Examples
    --------
    >>> from corpus_tools.tokens import sentences, tokens
    >>> docs = pd.DataFrame({"doc_id": ["a", "b", "c"], "outlet": ["X", "Y", "X"], "meeting_id": ["m", "m", "n"],
    ...     "text": ["Troops and sanctions.", "Sanctions and talks.", "Sanctions, troops."]})
    >>> small = similarity_tables(tokens(sentences(docs)), docs)
    >>> small.cosine.shape, len(small.pairs)
    ((3, 3), 3)
    >>> big = similarity_tables(tokens(sentences(docs)), docs, max_docs=2, k=1)
    >>> big.pairs[["doc_a", "doc_b", "jaccard"]].round(4).values.tolist()  # b-c is no one's nearest
    [['a', 'c', 1.0], ['a', 'b', 0.3333]]
    >>> big.nearest[["doc_id", "nearest", "nearest_jaccard"]].values.tolist()
    [['a', 'c', 'c'], ['b', 'a', 'a'], ['c', 'a', 'a']]
    """
    n_docs = toks["doc_id"].nunique()
    if n_docs <= max_docs:
        cosine = similarity_matrix(toks, "cosine", sublinear_tf=sublinear_tf, max_docs=None)
        jaccard = similarity_matrix(toks, "jaccard", max_docs=None)
        pairs = similarity_pairs(toks, corpus, sublinear_tf=sublinear_tf, max_docs=None)
        nearest = nearest_reports(cosine, corpus).merge(
            nearest_reports(jaccard).rename(columns={"nearest": "nearest_jaccard", "similarity": "jaccard"}), on="doc_id")
        return SimilarityTables(cosine, jaccard, pairs, nearest)
    counted = _content_counts(toks, "doc_id")  # counted once for the three tables
    if k < 1:
        raise CorpusError(f"k must be at least 1, got {k}")
    cosine = _neighbour_table(toks, counted, corpus, k, sublinear_tf=sublinear_tf, block_cells=4_000_000, measure="cosine")
    jaccard = _neighbour_table(toks, counted, corpus, k, sublinear_tf=sublinear_tf, block_cells=4_000_000, measure="jaccard")
    a = np.where(cosine["doc_id"] < cosine["neighbour"], cosine["doc_id"], cosine["neighbour"])
    b = np.where(cosine["doc_id"] < cosine["neighbour"], cosine["neighbour"], cosine["doc_id"])
    pairs = pd.DataFrame({"doc_a": a, "doc_b": b, "cosine": cosine["cosine"].to_numpy(float)},
                         columns=["doc_a", "doc_b", "cosine"]).drop_duplicates(["doc_a", "doc_b"], ignore_index=True)
    pairs["jaccard"] = _pair_jaccard(counted, pairs["doc_a"], pairs["doc_b"]) if len(pairs) else np.zeros(0)
    del counted
    meeting = corpus.set_index("doc_id")["meeting_id"]
    pairs["meeting_a"] = pairs["doc_a"].map(meeting)
    pairs["meeting_b"] = pairs["doc_b"].map(meeting)
    pairs["same_meeting"] = (pairs["meeting_a"] == pairs["meeting_b"]) & pairs["meeting_a"].fillna("").ne("")
    pairs = pairs.sort_values(["cosine", "jaccard", "doc_a", "doc_b"], ascending=[False, False, True, True],
                              kind="stable").reset_index(drop=True)
    first = cosine[cosine["rank"] == 1].rename(columns={"neighbour": "nearest", "cosine": "similarity"})
    nearest = first[["doc_id", "nearest", "similarity"]].reset_index(drop=True)
    nearest["meeting_id"] = nearest["doc_id"].map(meeting)
    nearest["nearest_meeting"] = nearest["nearest"].map(meeting)
    nearest["same_meeting"] = (nearest["meeting_id"] == nearest["nearest_meeting"]) & nearest["meeting_id"].fillna("").ne("")
    by_jaccard = jaccard[jaccard["rank"] == 1].rename(columns={"neighbour": "nearest_jaccard"})
    nearest = nearest.merge(by_jaccard[["doc_id", "nearest_jaccard", "jaccard"]], on="doc_id", how="left")
    return SimilarityTables(cosine, jaccard, pairs, nearest)


def similarity_order(toks: pd.DataFrame, *, by: str = "doc_id", n_clusters: int = 12, n_components: int = 50,
                     max_exact: int = 2000, seed: int = 0) -> pd.DataFrame:
    """A clustered order of documents (or groups, ``by="outlet"``) by TF-IDF similarity, for
    a heatmap whose similar reports sit side by side.

    The TF-IDF rows of :func:`similarity_matrix` are projected on ``n_components`` dimensions
    (truncated SVD, seeded) and normalised. Up to ``max_exact`` rows, average-linkage
    hierarchical clustering on their cosine distances (scipy) gives the order of its
    dendrogram's leaves and ``n_clusters`` flat clusters; above, k-means (seeded) makes the
    clusters, ordered by the hierarchical clustering of their centres, with each cluster's
    members nearest its centre first, so memory stays linear in the corpus. Rows without
    content words come last, in cluster 0.

    Returns ``<by>, order, cluster`` sorted by ``order`` (0 first).

    Examples
    --------
    >>> from corpus_tools.tokens import sentences, tokens
    >>> docs = pd.DataFrame({"doc_id": ["a", "b", "c", "d"], "text": ["Troops and sanctions.", "Talks in Paris.",
    ...     "Sanctions, troops.", "Paris talks went on."]})
    >>> similarity_order(tokens(sentences(docs)), n_clusters=2).values.tolist()
    [['a', 0, 1], ['c', 1, 1], ['b', 2, 2], ['d', 3, 2]]
    """
    from scipy.cluster.hierarchy import fcluster, leaves_list, linkage
    from sklearn.decomposition import TruncatedSVD
    from sklearn.preprocessing import normalize

    check_tokens(toks, ["is_stop", by])
    groups, values = _tfidf(toks, by)
    present = np.flatnonzero(values.getnnz(axis=1))
    empty = np.setdiff1d(np.arange(len(groups)), present)
    x = values[present]
    if x.shape[0] > 2 and min(x.shape) > n_components + 1:
        x = normalize(TruncatedSVD(n_components=n_components, random_state=seed).fit_transform(x))
    else:
        x = x.toarray()
    clusters = np.ones(len(present), dtype=np.int64)
    if len(present) <= 2:
        order = np.arange(len(present))
    elif len(present) <= max_exact:
        tree = linkage(x, method="average", metric="cosine")
        order = leaves_list(tree)
        clusters = fcluster(tree, t=n_clusters, criterion="maxclust").astype(np.int64)
    else:
        from sklearn.cluster import MiniBatchKMeans

        km = MiniBatchKMeans(n_clusters=n_clusters, random_state=seed, n_init=3).fit(x)
        centres = normalize(km.cluster_centers_)
        rank = np.empty(n_clusters, dtype=np.int64)
        rank[leaves_list(linkage(centres, method="average", metric="cosine"))] = np.arange(n_clusters)
        closeness = np.einsum("ij,ij->i", x, centres[km.labels_])
        order = np.lexsort((np.arange(len(present)), -closeness, rank[km.labels_]))
        clusters = rank[km.labels_] + 1
    # number the clusters in the order they first appear
    first_seen = {c: i + 1 for i, c in enumerate(pd.unique(clusters[order]))}
    rows = [groups[i] for i in present[order]] + [groups[i] for i in empty]
    labels = [first_seen[c] for c in clusters[order]] + [0] * len(empty)
    return pd.DataFrame({by: pd.Series(rows, dtype=object), "order": np.arange(len(rows), dtype=np.int64),
                         "cluster": pd.Series(labels, dtype="int64")})


# ---------------------------------------------------------------------------------------------
# shared quotations


def quote_tokens(text: str) -> list[str]:
    """A quotation as comparable tokens: NFKC, lower case, quote marks and ``[insertions]``
    removed, words (with inner apostrophes or hyphens) only.

    Examples
    --------
    >>> quote_tokens("\\u201cThere have only been new conditions imposed [by Moscow],\\u201d")
    ['there', 'have', 'only', 'been', 'new', 'conditions', 'imposed']
    """
    text = unicodedata.normalize("NFKC", text).replace("\u2019", "'")
    text = re.sub(r"\[[^\]]*\]", " ", text)
    text = _QUOTE_CHARS.sub(lambda m: "'" if m.group() in "'\u2019" else " ", text)
    return [w.strip("'") for w in _WORD.findall(text.lower()) if w.strip("'")]


def quote_overlap(a: list[str], b: list[str]) -> tuple[float, int]:
    """``(overlap, longest)`` of two token lists: the share of the shorter list's tokens that
    align in order with the longer (``difflib.SequenceMatcher`` matching blocks), and the
    longest contiguous run they share.

    Examples
    --------
    >>> quote_overlap(["now", "is", "not", "the", "time"],
    ...               "there was complete clarity that now is not the time to lift sanctions".split())
    (1.0, 5)
    >>> quote_overlap(["a", "lot", "of", "progress"], ["progress", "of", "a", "lot"])
    (0.5, 2)
    """
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if not short:
        return 0.0, 0
    blocks = difflib.SequenceMatcher(None, short, long_, autojunk=False).get_matching_blocks()
    return sum(bl.size for bl in blocks) / len(short), max((bl.size for bl in blocks), default=0)


def _actor_names(data_dir: Path | str | None) -> set[str]:
    actors = load_actors(data_dir)
    names = set(actors["actor"])
    for aliases in actors["aliases"]:
        names.update(a.strip() for a in aliases.split("|") if a.strip())
    return {" ".join(quote_tokens(n)) for n in names}


def _quote_candidates(unique: list[tuple], doc_sets: list[set], docs: list, *, min_tokens: int, min_overlap: float,
                      chunk: int = 500_000) -> list[tuple[int, int, float]]:
    """The pairs of distinct quotation texts :func:`_quote_links` compares: ``(a, b, bound)``
    with ``a < b``, sharing a ``min_tokens``-token shingle, not both from one single document,
    whose bound (tokens the shorter could align: the shared bag of tokens over its length)
    is at least ``min_overlap``; most promising first (bound descending, then ``a, b``).

    Found with sparse products, not pair by pair: texts x shingles times its transpose gives
    the pairs sharing a shingle (each once); the bound is the dot product of rows of 0/1
    features (token, its k-th occurrence), which sums the smaller count of each token."""
    shingles: dict[tuple, int] = {}
    s_rows, s_cols = [], []
    features: dict[tuple, int] = {}
    f_rows, f_cols = [], []
    for u, t in enumerate(unique):
        for shingle in {t[p:p + min_tokens] for p in range(len(t) - min_tokens + 1)}:
            s_rows.append(u)
            s_cols.append(shingles.setdefault(shingle, len(shingles)))
        seen: Counter = Counter()
        for w in t:
            seen[w] += 1
            f_rows.append(u)
            f_cols.append(features.setdefault((w, seen[w]), len(features)))
    n = len(unique)
    if n < 2 or not shingles:
        return []
    by_shingle = sparse.csr_matrix((np.ones(len(s_rows), np.int32), (s_rows, s_cols)), shape=(n, len(shingles)))
    pairs = sparse.triu(by_shingle @ by_shingle.T, k=1).tocoo()
    a, b = pairs.row.astype(np.int64), pairs.col.astype(np.int64)
    # a pair whose texts all come from one and the same document cannot match across documents
    number = {d: i for i, d in enumerate(dict.fromkeys(docs))}
    single = np.array([number[next(iter(ds))] if len(ds) == 1 else -1 for ds in doc_sets], dtype=np.int64)
    keep = (single[a] < 0) | (single[a] != single[b])
    a, b = a[keep], b[keep]
    bags = sparse.csr_matrix((np.ones(len(f_rows)), (f_rows, f_cols)), shape=(n, len(features)))
    lengths = np.array([len(t) for t in unique], dtype=np.int64)
    shared = np.concatenate([np.asarray(bags[a[k:k + chunk]].multiply(bags[b[k:k + chunk]]).sum(axis=1)).ravel()
                             for k in range(0, len(a), chunk)] or [np.zeros(0)])
    bound = np.rint(shared).astype(np.int64) / np.minimum(lengths[a], lengths[b])
    keep = bound >= min_overlap
    a, b, bound = a[keep], b[keep], bound[keep]
    order = np.lexsort((b, a, -bound))
    return list(zip(a[order].tolist(), b[order].tolist(), bound[order].tolist()))


def _quote_links(toks: list[list[str]], docs: list, *, min_overlap: float, min_tokens: int
                 ) -> tuple[list[int], np.ndarray]:
    """What comparing every pair of quotations (from different documents) with
    :func:`quote_overlap` gives, found through blocking: ``(root, best)``, each quotation's
    group (an index of a quotation of its group) and its best overlap with a matching
    quotation of another document (NaN when none).

    A match shares a run of ``min_tokens`` tokens, so only distinct texts sharing a
    ``min_tokens``-token shingle are candidates (an index shingle -> texts), and only those
    whose bags of tokens could align ``min_overlap`` of the shorter (an upper bound of the
    overlap). Candidates are compared most promising first, and a pair already in one group
    whose bound cannot raise any member's best overlap is not compared at all. Two matching
    texts join all their quotations when they come from two documents or more (the same text
    in two documents matches itself, overlap 1). ``difflib`` need not be symmetric for two
    texts of equal length: then the overlap is taken in the order the pairwise loop used,
    quotation by quotation.
    """
    parent = list(range(len(toks)))
    best = np.full(len(toks), np.nan)

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        parent[find(i)] = find(j)

    texts: dict[tuple, list[int]] = {}
    for i, t in enumerate(toks):
        if len(t) >= min_tokens:
            texts.setdefault(tuple(t), []).append(i)
    unique = list(texts)
    members = [texts[t] for t in unique]
    doc_sets = [{docs[i] for i in m} for m in members]
    if min_overlap <= 1.0:  # the same text in two documents: overlap 1, the whole text shared
        for m, ds in zip(members, doc_sets):
            if len(ds) > 1:
                for i in m:
                    union(m[0], i)
                    best[i] = 1.0
    candidates = _quote_candidates(unique, doc_sets, docs, min_tokens=min_tokens, min_overlap=min_overlap)
    lowest = [np.nanmin(best[m]) if not np.isnan(best[m]).any() else -1.0 for m in members]

    def matches(a: tuple, b: tuple) -> tuple[bool, float]:
        overlap, longest = quote_overlap(list(a), list(b))
        return overlap >= min_overlap and longest >= min_tokens, overlap

    def raise_best(u: int, partner: int, overlap: float) -> None:
        others = doc_sets[partner]
        raised = members[u] if len(others) > 1 else [i for i in members[u] if docs[i] not in others]
        best[raised] = np.fmax(best[raised], overlap)  # members with a partner in another document
        lowest[u] = -1.0 if np.isnan(best[members[u]]).any() else float(np.min(best[members[u]]))

    for a, b, bound in candidates:
        if bound <= lowest[a] and bound <= lowest[b] and find(members[a][0]) == find(members[b][0]):
            continue  # cannot change a group or raise a best overlap
        ta, tb = unique[a], unique[b]
        if len(ta) != len(tb):
            ok, overlap = matches(ta, tb)
            if ok:
                for i in members[a] + members[b]:
                    union(members[a][0], i)
                raise_best(a, b, overlap)
                raise_best(b, a, overlap)
            continue
        forward, backward = matches(ta, tb), matches(tb, ta)
        for i in members[a]:
            for j in members[b]:
                if docs[i] == docs[j]:
                    continue
                ok, overlap = forward if i < j else backward
                if ok:
                    union(i, j)
                    best[i] = np.fmax(best[i], overlap)
                    best[j] = np.fmax(best[j], overlap)
        for u in (a, b):
            lowest[u] = -1.0 if np.isnan(best[members[u]]).any() else float(np.min(best[members[u]]))
    return [find(i) for i in range(len(toks))], best


def quote_groups(quotes_df: pd.DataFrame, corpus: pd.DataFrame, *, min_overlap: float = 0.8, min_tokens: int = 3,
                 kinds: Iterable[str] = ("speech", "scare"), names: set[str] | None = None,
                 data_dir: Path | str | None = None) -> pd.DataFrame:
    """Group the same quotation across reports: one row per quotation considered.

    Quotations of the given ``kinds`` (default speech and scare quotes; headings never) are
    compared across different reports with :func:`quote_overlap` (only those sharing a run
    of ``min_tokens`` tokens, found through an index of token shingles, and each distinct
    text once, so the cost follows the quotations shared, not every pair): a pair matches when
    ``overlap >= min_overlap`` and the longest shared run has at least ``min_tokens`` tokens;
    a quotation shorter than ``min_tokens`` is too short to tell from a common phrase and is
    never matched (it stays, exclusive). Matches are joined transitively into groups.
    A quoted actor name (``names``: normalised names and aliases of ``data/actors.csv`` by
    default) is not a quotation and is left out.

    Returns ``group_id, doc_id, quote_id, outlet, meeting_id, kind, speaker, actor,
    group_speaker, n_docs, overlap, text``: ``n_docs`` reports carry the group (1 = exclusive);
    ``group_speaker`` is the speaker most members give (actor name first), so a quotation one
    report leaves unattributed takes the speaker another report names; ``overlap`` is the
    member's best overlap with a member of another report (NaN when exclusive). Groups are
    numbered ``g001`` ... with shared groups first (most reports first), then in text order.

    Examples
    --------
    >>> corpus = pd.DataFrame({"doc_id": ["a", "b"], "outlet": ["X", "Y"], "meeting_id": ["m", "m"]})
    >>> q = pd.DataFrame({"doc_id": ["a", "b", "b"], "quote_id": ["q01", "q01", "q02"], "kind": ["scare", "speech", "speech"],
    ...     "speaker": ["", "Keir Starmer", "Keir Starmer"], "actor": ["", "Keir Starmer", "Keir Starmer"],
    ...     "text": ["now is not the time", "There was clarity that now is not the time,", "Talks go on."]})
    >>> quote_groups(q, corpus, names=set())[["group_id", "doc_id", "group_speaker", "n_docs"]].values.tolist()
    [['g001', 'a', 'Keir Starmer', 2], ['g001', 'b', 'Keir Starmer', 2], ['g002', 'b', 'Keir Starmer', 1]]
    """
    names = _actor_names(data_dir) if names is None else names
    q = quotes_df[quotes_df["kind"].isin(list(kinds))].copy()
    q["_tokens"] = q["text"].map(quote_tokens)
    q = q[q["_tokens"].map(len).gt(0) & ~q["_tokens"].map(" ".join).isin(names)]
    q = _with_docs(q, corpus, ["outlet", "meeting_id"]).reset_index(drop=True)
    if q.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in GROUP_COLUMNS})
    roots, best = _quote_links(list(q["_tokens"]), list(q["doc_id"]), min_overlap=min_overlap, min_tokens=min_tokens)
    q["_root"] = roots
    q["overlap"] = best
    q["n_docs"] = q.groupby("_root")["doc_id"].transform("nunique").astype("int64")
    who = q["actor"].where(q["actor"].fillna("") != "", q["speaker"]).fillna("")
    speaker_of = {}
    for root, names_ in who.groupby(q["_root"]):
        counts = Counter(n for n in names_ if n)
        speaker_of[root] = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0] if counts else ""
    q["group_speaker"] = q["_root"].map(speaker_of)
    q = q.sort_values(["doc_id", "quote_id"], kind="stable")
    first = q.groupby("_root", sort=False).head(1).assign(_order=lambda d: range(len(d)))
    order = first.sort_values(["n_docs", "_order"], ascending=[False, True], kind="stable")["_root"]
    gid = {root: f"g{k:03d}" for k, root in enumerate(order, start=1)}
    q["group_id"] = q["_root"].map(gid)
    q = q.sort_values(["group_id", "doc_id", "quote_id"], kind="stable").reset_index(drop=True)
    return q[GROUP_COLUMNS]


def quote_sharing(groups: pd.DataFrame, corpus: pd.DataFrame) -> pd.DataFrame:
    """Per report: ``doc_id, outlet, meeting_id, n_speech, n_shared, n_exclusive, n_left_out``.

    ``n_speech``: speech quotations considered; ``n_shared``: quotations (speech or quoted
    phrase) that another report also carries; ``n_exclusive``: speech quotations no other
    report carries; ``n_left_out``: groups with a speech quotation carried by another report
    of the same meeting but not by this one (see :func:`left_out_quotes`). Every report of
    ``corpus`` gets a row, zeros included (a report with no quotes).

    Examples
    --------
    >>> corpus = pd.DataFrame({"doc_id": ["a", "b", "c"], "outlet": ["X", "Y", "Z"], "meeting_id": ["m", "m", "m"]})
    >>> g = pd.DataFrame({"group_id": ["g001", "g001", "g002"], "doc_id": ["a", "b", "b"], "kind": ["scare", "speech", "speech"],
    ...                   "n_docs": [2, 2, 1], "meeting_id": ["m", "m", "m"]})
    >>> quote_sharing(g, corpus)[["doc_id", "n_speech", "n_shared", "n_exclusive", "n_left_out"]].values.tolist()
    [['a', 0, 1, 0, 1], ['b', 2, 1, 1, 0], ['c', 0, 0, 0, 2]]
    """
    docs = corpus[["doc_id", "outlet", "meeting_id"]].sort_values("doc_id", kind="stable").reset_index(drop=True)
    g = groups
    n_speech = g[g["kind"] == "speech"].groupby("doc_id").size()
    n_shared = g[g["n_docs"] > 1].groupby("doc_id").size()
    n_excl = g[(g["n_docs"] == 1) & (g["kind"] == "speech")].groupby("doc_id").size()
    left = left_out_counts(g, corpus)
    left = left[~left.index.duplicated()]
    out = docs.assign(n_speech=docs["doc_id"].map(n_speech), n_shared=docs["doc_id"].map(n_shared),
                      n_exclusive=docs["doc_id"].map(n_excl), n_left_out=docs["doc_id"].map(left))
    cols = ["n_speech", "n_shared", "n_exclusive", "n_left_out"]
    out[cols] = out[cols].fillna(0).astype("int64")
    return out


def _speech_groups_by_meeting(groups: pd.DataFrame, corpus: pd.DataFrame) -> pd.DataFrame:
    """The members of groups with a speech member, each with its report's meeting (from
    ``corpus``; reports without a meeting left out), in the order of ``groups``."""
    g = groups.drop(columns=["outlet", "meeting_id"], errors="ignore").merge(
        corpus[["doc_id", "meeting_id"]], on="doc_id", how="left")
    speech_groups = set(g.loc[g["kind"] == "speech", "group_id"])
    return g[g["group_id"].isin(speech_groups) & g["meeting_id"].fillna("").ne("")]


def left_out_counts(groups: pd.DataFrame, corpus: pd.DataFrame) -> pd.Series:
    """How many quotations each report left out (the rows :func:`left_out_quotes` would give
    it without ``top_k``), counted without listing them: the groups with a speech member in
    the report's meeting minus those the report carries. Linear in the groups and reports.

    Returns a Series indexed by the ``doc_id`` of ``corpus`` (0 for a report without a meeting).

    Examples
    --------
    >>> corpus = pd.DataFrame({"doc_id": ["a", "b", "c"], "outlet": ["X", "Y", "Z"], "meeting_id": ["m", "m", "m"]})
    >>> g = pd.DataFrame({"group_id": ["g001", "g001", "g002"], "doc_id": ["a", "b", "b"], "kind": ["scare", "speech", "speech"]})
    >>> left_out_counts(g, corpus).tolist()
    [1, 0, 2]
    """
    g = _speech_groups_by_meeting(groups, corpus)
    per_meeting = g.drop_duplicates(["meeting_id", "group_id"]).groupby("meeting_id").size()
    carried = g.drop_duplicates(["doc_id", "group_id"]).groupby("doc_id").size()
    docs = corpus["doc_id"]
    total = corpus["meeting_id"].map(per_meeting).fillna(0).to_numpy(np.int64)
    own = docs.map(carried).fillna(0).to_numpy(np.int64)
    return pd.Series(total - own, index=pd.Index(docs, name="doc_id"), name="n_left_out", dtype="int64")


def left_out_quotes(groups: pd.DataFrame, corpus: pd.DataFrame, *, top_k: int | None = None,
                    max_quoted_in: int | None = None) -> pd.DataFrame:
    """What each report left out: quotations (groups with at least one speech member) carried
    by other reports of the same meeting but not by this one.

    Returns ``meeting_id, doc_id, outlet, group_id, group_speaker, quoted_in, text`` (``text``
    from the first report carrying it, ``quoted_in`` the ``;``-joined doc_ids). A meeting with
    one report has nothing left out. Sorted by ``meeting_id, doc_id, group_id``.

    The full table has a row for every report and every quotation of its meeting it does not
    carry: with R reports of a meeting and G quotations among them, up to R x G rows, which
    grows with the square of the corpus (an exclusive quote is left out by every other
    report). ``top_k`` bounds it: each report keeps the ``top_k`` quotations it left out that
    the most reports of the meeting carry (ties to the first ``group_id``), and
    ``max_quoted_in`` lists at most that many carriers, then ``;+N more`` (the count is in
    :func:`left_out_counts`). Only the candidates are built (per report, ``top_k`` plus the
    groups it carries), so memory follows the reports, not the pairs. ``None`` keeps all.

    Examples
    --------
    >>> corpus = pd.DataFrame({"doc_id": ["a", "b", "c"], "outlet": ["X", "Y", "Z"], "meeting_id": ["m", "m", "m"]})
    >>> g = pd.DataFrame({"group_id": ["g001", "g001", "g002"], "doc_id": ["b", "c", "b"], "kind": ["speech"] * 3,
    ...                   "group_speaker": ["Keir Starmer"] * 3, "text": ["Talks go on.", "Talks go on.", "We agreed."]})
    >>> left_out_quotes(g, corpus)[["doc_id", "group_id", "quoted_in"]].values.tolist()
    [['a', 'g001', 'b;c'], ['a', 'g002', 'b'], ['c', 'g002', 'b']]
    >>> left_out_quotes(g, corpus, top_k=1, max_quoted_in=1)[["doc_id", "group_id", "quoted_in"]].values.tolist()
    [['a', 'g001', 'b;+1 more'], ['c', 'g002', 'b']]
    """
    columns = ["meeting_id", "doc_id", "outlet", "group_id", "group_speaker", "quoted_in", "text"]
    if top_k is not None and top_k < 1:
        raise CorpusError(f"top_k must be at least 1 (or None for every quotation left out), got {top_k}")
    g = _speech_groups_by_meeting(groups, corpus)
    g = g.assign(_row=np.arange(len(g)))
    if g.empty:
        return pd.DataFrame(columns=columns)
    first = g.sort_values(["meeting_id", "group_id", "doc_id", "_row"], kind="stable").drop_duplicates(["meeting_id", "group_id"])
    first = first.assign(group_speaker=first["group_speaker"] if "group_speaker" in first else "",
                         text=first["text"] if "text" in first else "")
    carried = g[["meeting_id", "group_id", "doc_id"]].drop_duplicates()

    def joined(docs: pd.Series) -> str:
        names = sorted(set(docs))
        if max_quoted_in is not None and len(names) > max_quoted_in:
            return ";".join(names[:max_quoted_in]) + f";+{len(names) - max_quoted_in} more"
        return ";".join(names)

    by_group = carried.groupby(["meeting_id", "group_id"], sort=False)["doc_id"]
    first = first[["meeting_id", "group_id", "group_speaker", "text"]].merge(
        by_group.agg(joined).rename("quoted_in").reset_index(), on=["meeting_id", "group_id"]).merge(
        by_group.size().rename("_carriers").reset_index(), on=["meeting_id", "group_id"])
    # each meeting's groups, most carried first: a report's top_k left out are the first top_k it does not carry
    first = first.sort_values(["meeting_id", "_carriers", "group_id"], ascending=[True, False, True], kind="stable")
    first = first.reset_index(drop=True)
    reports = corpus[["meeting_id", "doc_id", "outlet"]].dropna(subset=["meeting_id"])
    reports = reports[reports["meeting_id"].isin(set(first["meeting_id"]))].reset_index(drop=True)
    meeting_start = first.groupby("meeting_id", sort=False).size()
    n_groups = reports["meeting_id"].map(meeting_start).to_numpy(np.int64)
    offset = pd.Series(np.cumsum(meeting_start.to_numpy()) - meeting_start.to_numpy(), index=meeting_start.index)
    offset = reports["meeting_id"].map(offset).to_numpy(np.int64)
    own = reports["doc_id"].map(carried.groupby("doc_id").size()).fillna(0).to_numpy(np.int64)
    take = n_groups if top_k is None else np.minimum(n_groups, top_k + own)
    report_of = np.repeat(np.arange(len(reports)), take)
    position = np.arange(len(report_of)) - np.repeat(np.cumsum(take) - take, take) + np.repeat(offset, take)
    out = pd.concat([reports.iloc[report_of][["doc_id", "outlet"]].reset_index(drop=True),
                     first.iloc[position].reset_index(drop=True)], axis=1)
    out = out.merge(carried.assign(_carried=True), on=["meeting_id", "group_id", "doc_id"], how="left")
    out = out[out["_carried"].isna()]
    if top_k is not None:
        out = out[out.groupby("doc_id", sort=False).cumcount() < top_k]
    out = out[columns]
    if out.empty:
        return pd.DataFrame(columns=columns)
    return out.sort_values(["meeting_id", "doc_id", "group_id"], kind="stable").reset_index(drop=True)


def left_out_table(groups: pd.DataFrame, corpus: pd.DataFrame, *, max_docs: int = MAX_PAIR_DOCS, top_k: int = 20,
                   max_quoted_in: int = 10) -> pd.DataFrame:
    """The left-out table drawn for the corpus it is given: up to ``max_docs`` reports, every
    quotation each report left out (:func:`left_out_quotes`); beyond, the ``top_k`` per
    report that the most reports of its meeting carry, with at most ``max_quoted_in``
    carriers named, so that the table grows with the reports, not with reports x quotations
    (the complete count per report is ``n_left_out`` of :func:`quote_sharing`).

    Examples
    --------
    >>> corpus = pd.DataFrame({"doc_id": ["a", "b", "c"], "outlet": ["X", "Y", "Z"], "meeting_id": ["m", "m", "m"]})
    >>> g = pd.DataFrame({"group_id": ["g001", "g002", "g003"], "doc_id": ["b", "b", "c"], "kind": ["speech"] * 3,
    ...                   "group_speaker": ["S"] * 3, "text": ["One.", "Two.", "Three."]})
    >>> len(left_out_table(g, corpus)), len(left_out_table(g, corpus, max_docs=2, top_k=1))
    (6, 3)
    """
    if corpus["doc_id"].nunique() <= max_docs:
        return left_out_quotes(groups, corpus)
    return left_out_quotes(groups, corpus, top_k=top_k, max_quoted_in=max_quoted_in)


def speaker_coverage(quotes_df: pd.DataFrame, corpus: pd.DataFrame) -> pd.DataFrame:
    """Which report of each meeting quoted whom (direct speech only), and whom it left out.

    One row per meeting, speaker quoted by any of its reports, and report of that meeting:
    ``meeting_id, speaker, doc_id, outlet, n_quotes, n_words, left_out`` (``left_out``: this
    report gives the speaker no quote while another report of the meeting does). ``speaker``
    is the actor's canonical name when known, else the phrase of the report.

    Examples
    --------
    >>> corpus = pd.DataFrame({"doc_id": ["a", "b"], "outlet": ["X", "Y"], "meeting_id": ["m", "m"]})
    >>> q = pd.DataFrame({"doc_id": ["a"], "kind": ["speech"], "speaker": ["Starmer"], "actor": ["Keir Starmer"], "n_words": [5]})
    >>> speaker_coverage(q, corpus)[["speaker", "doc_id", "n_quotes", "left_out"]].values.tolist()
    [['Keir Starmer', 'a', 1, False], ['Keir Starmer', 'b', 0, True]]
    """
    columns = ["meeting_id", "speaker", "doc_id", "outlet", "n_quotes", "n_words", "left_out"]
    speech = quotes_df[quotes_df["kind"] == "speech"]
    speech = speech.assign(speaker=speech["actor"].where(speech["actor"].fillna("") != "", speech["speaker"]).replace("", "(unattributed)"))
    speech = speech.drop(columns=["meeting_id", "outlet"], errors="ignore").merge(corpus[["doc_id", "meeting_id"]], on="doc_id")
    counts = speech.groupby(["meeting_id", "speaker", "doc_id"]).agg(n_quotes=("n_words", "size"), n_words=("n_words", "sum"))
    pairs = counts.reset_index()[["meeting_id", "speaker"]].drop_duplicates()
    reports = corpus[["meeting_id", "doc_id", "outlet"]].dropna(subset=["meeting_id"])
    out = pairs.merge(reports, on="meeting_id").merge(counts.reset_index(), on=["meeting_id", "speaker", "doc_id"], how="left")
    out = out.fillna({"n_quotes": 0, "n_words": 0}).astype({"n_quotes": "int64", "n_words": "int64"})
    out["left_out"] = (out["n_quotes"] == 0).astype(bool)
    out = out.reindex(columns=columns).astype({"n_quotes": "int64", "n_words": "int64", "left_out": bool})
    return out.sort_values(["meeting_id", "speaker", "doc_id"], kind="stable").reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# text reuse


def _word_arrays(words: pd.DataFrame):
    """The arrays text reuse works on, from word tokens sorted by ``doc_id, token_id``: the
    sorted document ids, each word's document number, word id (case-folded, factorised),
    content flag (1 for a non-stopword), token id, character start and end, each document's
    first row, each word's position in its document, and each document's length in words."""
    docs = sorted(words["doc_id"].unique())
    doc_no = pd.Index(docs).get_indexer(words["doc_id"])
    ids = (words["word_id"].to_numpy(np.int64) if "word_id" in words.columns
           else pd.factorize(words["lower"].astype(str))[0].astype(np.int64))
    content = (~words["is_stop"].astype(bool)).to_numpy(np.int64)
    token_ids = words["token_id"].to_numpy(np.int64)
    starts, ends = words["start"].to_numpy(np.int64), words["end"].to_numpy(np.int64)
    first = np.searchsorted(doc_no, np.arange(len(docs)))  # each document's first row (words are sorted by doc)
    position = np.arange(len(ids)) - first[doc_no] if len(ids) else np.zeros(0, np.int64)
    length = np.bincount(doc_no, minlength=len(docs))
    return docs, doc_no, ids, content, token_ids, starts, ends, first, position, length


REUSE_WORD_COLUMNS = ["doc_id", "word_id", "is_stop", "token_id", "start", "end"]


def _reuse_word_rows(toks: pd.DataFrame) -> pd.DataFrame:
    """The word tokens of a tokens table (or of :func:`reuse_words`), sorted by ``doc_id, token_id``."""
    if "word_id" in toks.columns:
        check_tokens(toks, REUSE_WORD_COLUMNS)
        words = toks
    else:
        check_tokens(toks, ["doc_id", "token_id", "lower", "is_stop", "start", "end"])
        words = toks[toks["lower"].astype(str).str.contains(r"\w", regex=True)]
    doc, token = words["doc_id"].to_numpy(), words["token_id"].to_numpy()
    same = doc[1:] == doc[:-1]
    if words["doc_id"].is_monotonic_increasing and (token[1:][same] > token[:-1][same]).all():
        return words  # already in order (the tables come sorted): no copy of millions of rows
    return words.sort_values(["doc_id", "token_id"], kind="stable")


def reuse_words(tables, *, batch_docs: int = 1000) -> pd.DataFrame:
    """The word tokens text reuse works on, read from the cached ``tokens`` stage of
    :func:`corpus_tools.process` a batch of ``batch_docs`` documents at a time, in a compact
    table: ``doc_id, word_id, is_stop, token_id, start, end`` (``word_id`` numbers each
    case-folded word in order of first appearance; 32-bit integers). Punctuation and quote
    marks are left out, as :func:`text_reuse` does. A tokens table of 10,000 reports holds
    millions of rows of strings; this one holds a few integers per word and is never built
    whole from strings, so :func:`reuse_table`, :func:`text_reuse` and
    :func:`reused_passages` take it in place of the tokens with the same result.

    ``tables`` is what :func:`corpus_tools.process` returns (its ``docs`` and ``table``).

    Examples
    --------
    >>> import tempfile
    >>> from corpus_tools.corpus import load_corpus
    >>> from corpus_tools.pipeline import process
    >>> tables = process(load_corpus(), ["tokens"], cache=tempfile.mkdtemp(), scheduler="serial")
    >>> words = reuse_words(tables, batch_docs=2)
    >>> words.columns.tolist(), words["word_id"].dtype.name
    (['doc_id', 'word_id', 'is_stop', 'token_id', 'start', 'end'], 'int32')
    """
    from dataclasses import replace

    ids: dict[str, int] = {}
    parts = []
    docs = tables.docs
    for k in range(0, len(docs), max(1, batch_docs)):
        chunk = replace(tables, docs=docs.iloc[k:k + batch_docs]).table(
            "tokens", columns=["doc_id", "token_id", "lower", "is_stop", "start", "end"])
        lower = chunk["lower"].astype(str)
        chunk, lower = chunk[lower.str.contains(r"\w", regex=True)], lower[lower.str.contains(r"\w", regex=True)]
        codes, uniques = pd.factorize(lower)
        number = np.array([ids.setdefault(u, len(ids)) for u in uniques], dtype=np.int32)
        parts.append(pd.DataFrame({"doc_id": chunk["doc_id"].to_numpy(object),
                                   "word_id": number[codes] if len(codes) else np.zeros(0, np.int32),
                                   "is_stop": chunk["is_stop"].to_numpy(bool),
                                   "token_id": chunk["token_id"].to_numpy(np.int32),
                                   "start": chunk["start"].to_numpy(np.int32), "end": chunk["end"].to_numpy(np.int32)}))
        del chunk, lower
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=object if c == "doc_id" else bool if c == "is_stop" else np.int32)
                             for c in REUSE_WORD_COLUMNS})
    return pd.concat(parts, ignore_index=True)


def text_reuse(toks: pd.DataFrame, corpus: pd.DataFrame, *, min_tokens: int = 6, min_content: int = 3,
               text: bool = True) -> pd.DataFrame:
    """Passages two reports share word for word, side by side.

    Word tokens (anything with a letter or digit; punctuation and quote marks skipped) are
    compared case-folded. Every maximal run of at least ``min_tokens`` identical tokens shared by
    two reports is found (through ``min_tokens``-token shingles, so a passage moved elsewhere is
    found too), keeping runs with at least ``min_content`` non-stopwords. The shingles go
    into one index (shingle -> occurrences): only reports sharing a shingle are compared, and
    only where a run starts (the words before the two occurrences differ), so the cost
    follows the text actually shared, not the number of pairs of reports. ``text=False``
    leaves out ``text_a, text_b`` (most of the table's memory when reports share much). Returns ``doc_a, doc_b,
    start_a, start_b, n_tokens, text_a, text_b``: ``start_*`` is the ``token_id`` of the run's
    first token, ``text_*`` the passage as written in each cleaned text. Sorted by ``doc_a,
    doc_b``, ``n_tokens`` descending, ``start_a``.

    Examples
    --------
    >>> from corpus_tools.tokens import sentences, tokens
    >>> docs = pd.DataFrame({"doc_id": ["a", "b"], "text": ['Now is "not the time" to lift sanctions, he said.',
    ...                                                      "They agreed now is not the time to lift sanctions."]})
    >>> text_reuse(tokens(sentences(docs)), docs)[["n_tokens", "text_a", "text_b"]].values.tolist()
    [[8, 'Now is "not the time" to lift sanctions', 'now is not the time to lift sanctions']]
    """
    text_of = dict(zip(corpus["doc_id"], corpus["text"]))
    words = _reuse_word_rows(toks)
    columns_ok = {"start_a": "int64", "start_b": "int64", "n_tokens": "int64"}
    docs, doc_no, ids, content, token_ids, starts, ends, first, position, length = _word_arrays(words)
    found_i, found_j = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)]
    # shingles: every window of min_tokens words inside one document, given an exact id
    ok = position + min_tokens <= length[doc_no] if len(ids) else np.zeros(0, bool)
    at = np.flatnonzero(ok)
    if len(at) and min_tokens > 0:
        windows = np.lib.stride_tricks.sliding_window_view(np.append(ids, np.zeros(min_tokens, np.int64)), min_tokens)[at]
        _, shingle = np.unique(windows, axis=0, return_inverse=True)
        shingle = shingle.ravel()
        # the word before each occurrence: a pair of occurrences whose previous words are equal
        # is inside a longer shared run, not at its start (-1 - i: no previous word)
        before = np.where(position[at] > 0, ids[at - 1], -1 - at)
        shared = np.bincount(shingle)[shingle] > 1
        at, shingle, before = at[shared], shingle[shared], before[shared]
        order = np.lexsort((at, before, shingle))
        at, shingle, before = at[order], shingle[order], before[order]
        bounds = np.flatnonzero(np.diff(shingle)) + 1
        for group, prev in zip(np.split(at, bounds), np.split(before, bounds)) if len(at) else ():
            if prev[0] == prev[-1]:
                continue  # every occurrence follows the same word: all inside longer runs
            owner = doc_no[group]
            if owner.min() == owner.max():
                continue
            x, y = np.triu_indices(len(group), k=1)
            keep = (prev[x] != prev[y]) & (owner[x] != owner[y])
            x, y = x[keep], y[keep]
            swap = owner[x] > owner[y]
            found_i.append(np.where(swap, group[y], group[x]))
            found_j.append(np.where(swap, group[x], group[y]))
    i, j = np.concatenate(found_i), np.concatenate(found_j)
    # extend every run start as far as the two texts agree
    n = np.full(len(i), min_tokens, dtype=np.int64)
    end_i, end_j = first[doc_no[i]] + length[doc_no[i]], first[doc_no[j]] + length[doc_no[j]]
    alive = np.arange(len(i))
    while len(alive):
        alive = alive[(i[alive] + n[alive] < end_i[alive]) & (j[alive] + n[alive] < end_j[alive])]
        alive = alive[ids[i[alive] + n[alive]] == ids[j[alive] + n[alive]]]
        n[alive] += 1
    cum_content = np.concatenate([[0], np.cumsum(content)])
    keep = cum_content[i + n] - cum_content[i] >= min_content
    i, j, n = i[keep], j[keep], n[keep]
    # the table's order (doc_a, doc_b, longest first, start_a, start_b), on the integer arrays
    order = np.lexsort((token_ids[j], token_ids[i], -n, doc_no[j], doc_no[i]))
    i, j, n = i[order], j[order], n[order]
    names = np.asarray(docs, dtype=object)
    doc_a, doc_b = names[doc_no[i]], names[doc_no[j]]
    columns = REUSE_COLUMNS if text else REUSE_COLUMNS[:5]
    rows = {"doc_a": doc_a, "doc_b": doc_b, "start_a": token_ids[i], "start_b": token_ids[j], "n_tokens": n}
    if text:
        rows["text_a"] = [text_of[d][s:e] for d, s, e in zip(doc_a, starts[i].tolist(), ends[i + n - 1].tolist())]
        rows["text_b"] = [text_of[d][s:e] for d, s, e in zip(doc_b, starts[j].tolist(), ends[j + n - 1].tolist())]
    return pd.DataFrame(rows if len(i) else [], columns=columns).astype(columns_ok)


PASSAGE_COLUMNS = ["doc_id", "start", "n_tokens", "n_docs", "other_docs", "text"]


def _window_ids(ids: np.ndarray, at: np.ndarray, width: int) -> np.ndarray:
    """An exact id for each window of ``width`` words starting at the rows ``at`` (two windows
    get the same id exactly when their words are the same), by numbering the first word, then
    each (id so far, next word) pair: linear hashing (``pandas.factorize``), no sort of the
    windows, and no window matrix held."""
    padded = np.append(ids, np.zeros(width, np.int64)).astype(np.int64)
    current = pd.factorize(padded[at])[0].astype(np.int64)
    base = np.int64(padded.max() + 1) if len(padded) else np.int64(1)
    for offset in range(1, width):
        current = pd.factorize(current * base + padded[at + offset])[0].astype(np.int64)
    return current


def reused_passages(toks: pd.DataFrame, corpus: pd.DataFrame, *, min_tokens: int = 6, min_content: int = 3,
                    max_other: int = 3) -> pd.DataFrame:
    """Each report's passages that other reports carry too, one row per passage and report,
    without comparing pairs of reports.

    The words of every report are cut into windows of ``min_tokens`` words (case-folded,
    punctuation skipped, as in :func:`text_reuse`); a window is *shared* when another report
    has it too (one index of windows: the cost follows the corpus, not its pairs). A passage
    is a maximal run of overlapping shared windows of one report (a wire story copied into
    two reports: "the leaders agreed to meet again next month in London" is one passage of
    each), kept when it holds at least ``min_content`` content words. This is the bounded
    form of :func:`text_reuse` for a large corpus, where a passage carried by hundreds of
    reports would give a row for every pair of them.

    Returns ``doc_id, start, n_tokens, n_docs, other_docs, text``: ``start`` is the
    ``token_id`` of the passage's first word, ``n_docs`` the number of reports carrying its
    first window (this one included), ``other_docs`` up to ``max_other`` of the others
    (first ``doc_id`` first, joined by ``|``) and ``text`` the passage as written. Sorted by
    ``doc_id, start``.

    Examples
    --------
    >>> from corpus_tools.tokens import sentences, tokens
    >>> docs = pd.DataFrame({"doc_id": ["a", "b", "c"], "text": ['Now is "not the time" to lift sanctions, he said.',
    ...     "They agreed now is not the time to lift sanctions.", "Talks resume in Geneva."]})
    >>> reused_passages(tokens(sentences(docs)), docs)[["doc_id", "n_docs", "other_docs", "text"]].values.tolist()
    [['a', 2, 'b', 'Now is "not the time" to lift sanctions'], ['b', 2, 'a', 'now is not the time to lift sanctions']]
    """
    text_of = dict(zip(corpus["doc_id"], corpus["text"]))
    words = _reuse_word_rows(toks)
    empty = pd.DataFrame({c: pd.Series(dtype="int64" if c in ("start", "n_tokens", "n_docs") else object)
                          for c in PASSAGE_COLUMNS})
    if not len(words) or min_tokens < 1:
        return empty
    docs, doc_no, ids, content, token_ids, starts, ends, first, position, length = _word_arrays(words)
    del words  # the arrays hold all that is needed; the (sorted copy of the) word rows can go
    at = np.flatnonzero(position + min_tokens <= length[doc_no])
    if not len(at):
        return empty
    shingle = _window_ids(ids, at, min_tokens)
    # reports per window: distinct (window, report) pairs counted per window, as one integer key each
    key = np.unique(shingle * np.int64(len(docs)) + doc_no[at])
    pairs = np.stack([key // len(docs), key % len(docs)], axis=1)
    n_docs_of = np.bincount(pairs[:, 0], minlength=shingle.max() + 1)
    shared = n_docs_of[shingle] > 1
    at, shingle = at[shared], shingle[shared]
    if not len(at):
        return empty
    # runs of shared windows whose starts are consecutive words of one report
    new_run = np.ones(len(at), dtype=bool)
    new_run[1:] = (at[1:] != at[:-1] + 1) | (doc_no[at[1:]] != doc_no[at[:-1]])
    run_first = np.flatnonzero(new_run)
    run_last = np.append(run_first[1:], len(at)) - 1
    begin, stop = at[run_first], at[run_last] + min_tokens  # word rows [begin, stop)
    cum_content = np.concatenate([[0], np.cumsum(content)])
    keep = cum_content[stop] - cum_content[begin] >= min_content
    run_first, begin, stop = run_first[keep], begin[keep], stop[keep]
    owners: dict[int, list[int]] = {}
    # the first max_other + 1 reports of each window suffice to name max_other others
    rank = np.arange(len(pairs)) - np.searchsorted(pairs[:, 0], pairs[:, 0], side="left")
    for w, d in pairs[(rank <= max_other) & np.isin(pairs[:, 0], shingle[run_first])].tolist():
        owners.setdefault(w, []).append(d)  # reports of each window, in doc order (pairs are sorted)
    names = np.asarray(docs, dtype=object)
    doc_of = names[doc_no[begin]]
    others = ["|".join([names[o] for o in owners[w] if o != d][:max_other])
              for w, d in zip(shingle[run_first].tolist(), doc_no[begin].tolist())]
    out = pd.DataFrame({"doc_id": doc_of, "start": token_ids[begin], "n_tokens": stop - begin,
                        "n_docs": n_docs_of[shingle[run_first]], "other_docs": others,
                        "text": [text_of[d][a:b] for d, a, b in zip(doc_of, starts[begin].tolist(), ends[stop - 1].tolist())]},
                       columns=PASSAGE_COLUMNS)
    return out.astype({"start": "int64", "n_tokens": "int64", "n_docs": "int64"}).reset_index(drop=True)


def reuse_table(toks: pd.DataFrame, corpus: pd.DataFrame, *, max_docs: int = MAX_PAIR_DOCS, min_tokens: int = 6,
                min_content: int = 3) -> pd.DataFrame:
    """Text reuse drawn for the corpus it is given: up to ``max_docs`` reports, every run two
    reports share, side by side (:func:`text_reuse`); beyond, each report's shared passages
    once (:func:`reused_passages`), so that the table grows with the corpus, not with the
    pairs of reports that share a passage.

    Examples
    --------
    >>> from corpus_tools.tokens import sentences, tokens
    >>> docs = pd.DataFrame({"doc_id": ["a", "b"], "text": ["Now is not the time to lift sanctions, he said.",
    ...                                                      "They agreed now is not the time to lift sanctions."]})
    >>> reuse_table(tokens(sentences(docs)), docs).columns.tolist()[:2], reuse_table(tokens(sentences(docs)), docs, max_docs=1).columns.tolist()[:2]
    (['doc_a', 'doc_b'], ['doc_id', 'start'])
    """
    if toks["doc_id"].nunique() <= max_docs:
        return text_reuse(toks, corpus, min_tokens=min_tokens, min_content=min_content)
    return reused_passages(toks, corpus, min_tokens=min_tokens, min_content=min_content)


# ---------------------------------------------------------------------------------------------
# facts and figures


def load_fact_units(data_dir: Path | str | None = None) -> pd.DataFrame:
    """Read ``data/fact_units.csv`` (``kind, word, value, canonical, note``), checked.

    ``kind`` is one of number, scale, currency, percent, unit, qualifier, month; ``number`` and
    ``scale`` rows need a numeric ``value``; ``word`` is lower-cased.

    Examples
    --------
    >>> units = load_fact_units()
    >>> units.set_index("word").loc["troops", "canonical"], float(units.set_index("word").loc["billion", "value"])
    ('soldiers', 1000000000.0)
    """
    path = _data_dir(data_dir) / "fact_units.csv"
    table = read_table(path, ["kind", "word", "value", "canonical"], what="fact units")
    for line, row in enumerate(table.itertuples(index=False), start=2):
        if row.kind not in FACT_UNIT_KINDS:
            raise CorpusError(f"{path} line {line}: kind {row.kind!r} is not one of {', '.join(FACT_UNIT_KINDS)}")
        if not row.word.strip():
            raise CorpusError(f"{path} line {line}: word is empty; write the word or phrase as it appears")
        if row.kind in ("number", "scale"):
            try:
                float(row.value)
            except ValueError:
                raise CorpusError(f"{path} line {line}: {row.kind} {row.word!r} needs a numeric value, not {row.value!r}") from None
    table = table.assign(word=table["word"].str.strip().str.lower())
    dupes = table[table.duplicated(["kind", "word"])]
    if len(dupes):
        raise CorpusError(f"{path}: the word {dupes['word'].iloc[0]!r} appears twice as {dupes['kind'].iloc[0]}; keep one row")
    return table.reset_index(drop=True)


def _format_value(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,g}"


class _FactReader:
    """The compiled patterns of one fact-units table."""

    def __init__(self, units: pd.DataFrame, stopwords: frozenset[str]):
        by_kind = {k: part for k, part in units.groupby("kind")}

        def mapping(kind: str, column: str) -> dict:
            part = by_kind.get(kind, pd.DataFrame(columns=units.columns))
            return dict(zip(part["word"], part[column]))

        def alternation(words: Iterable[str]) -> str:
            return "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w))) or r"(?!)"

        self.numbers = {w: float(v) for w, v in mapping("number", "value").items()}
        self.scales = {w: float(v) for w, v in mapping("scale", "value").items()}
        self.currencies = mapping("currency", "canonical")
        self.percents = mapping("percent", "canonical")
        self.units = mapping("unit", "canonical")
        self.qualifiers = mapping("qualifier", "canonical")
        self.months = set(mapping("month", "canonical"))
        self.stop = stopwords
        signs = "".join(re.escape(w) for w in self.currencies if len(w) == 1 and not w.isalnum())
        multipliers = {**self.scales, **{w: v for w, v in self.numbers.items() if w in ("dozen",)}}
        self.multipliers = multipliers
        self.number_re = re.compile(
            rf"(?<![\w.,])(?:(?P<sign>[{signs or '$'}])\s?)?(?P<digits>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)(?![\d])"
            rf"|(?<![\w-])(?P<spelled>{alternation(w for w in self.numbers if w != 'dozen')})(?![\w])", re.I)
        self.multiplier_re = re.compile(rf"\s+(?P<m>{alternation(multipliers)})(?![\w])", re.I)
        self.percent_re = re.compile(rf"\s?(?P<p>{alternation(w for w in self.percents if not w.isalpha())})"
                                     rf"|\s+(?P<pw>{alternation(w for w in self.percents if w[0].isalpha())})(?![\w])", re.I)
        self.hyphen_re = re.compile(r"-(?P<h>[A-Za-z]+)(?:\s+(?P<noun>[A-Za-z][\w-]*))?")
        self.currency_word_re = re.compile(rf"\s+(?P<c>{alternation(w for w in self.currencies if w[0].isalpha())})(?![\w])", re.I)
        self.qualifier_re = re.compile(rf"(?:^|[^\w])(?P<q>{alternation(self.qualifiers)})\s+$", re.I)
        self.unit_phrases = sorted(((tuple(w.split()), c) for w, c in self.units.items()), key=lambda x: -len(x[0]))

    def unit_after(self, text: str, pos: int, max_words: int = 3) -> tuple[str, int, bool]:
        """(unit, end offset, listed) of the counted thing after ``pos``; ('', pos, False) if none."""
        words = [(m.group(), m.start() + pos, m.end() + pos) for m in re.finditer(r"[A-Za-z][\w'-]*|[^\w\s]", text[pos:pos + 120])]
        head = None
        for i in range(min(max_words, len(words))):
            for phrase, canonical in self.unit_phrases:
                got = [w[0].lower() for w in words[i:i + len(phrase)]]
                if tuple(got) == phrase:
                    return canonical, words[i + len(phrase) - 1][2], True
            word = words[i][0]
            if not word[0].isalpha() or word.lower() in self.stop:
                break
            head = (word.lower(), words[i][2])
        return (head[0], head[1], False) if head else ("", pos, False)

    def read(self, text: str) -> list[dict]:
        found = []
        for m in self.number_re.finditer(text):
            start, end = m.start(), m.end()
            spelled = m.group("spelled")
            value = self.numbers[spelled.lower()] if spelled else float(m.group("digits").replace(",", ""))
            before = re.findall(r"[A-Za-z]+", text[max(0, start - 12):start])
            after = re.match(r"\s*([A-Za-z]+)", text[end:])
            if (before and before[-1].lower() in self.months) or (after and after.group(1).lower() in self.months):
                continue  # a date ("March 20", "28 February")
            unit, noun, strong = "", "", False
            mult = self.multiplier_re.match(text, end)
            if mult:
                value *= self.multipliers[mult.group("m").lower()]
                end, strong = mult.end(), True
            currency = self.currencies.get(m.group("sign") or "", "")
            pct = self.percent_re.match(text, end)
            hyphen = self.hyphen_re.match(text, end)
            cword = self.currency_word_re.match(text, end)
            if pct:
                unit, end, strong = "percent", pct.end(), True
            elif currency:
                unit, strong = currency, True
            elif cword:
                unit, end, strong = self.currencies[cword.group("c").lower()], cword.end(), True
            elif hyphen:
                word = hyphen.group("h").lower()
                if word not in self.units and spelled:
                    continue
                unit, strong = self.units.get(word, word), True
                end = hyphen.end("h")
                if hyphen.group("noun") and hyphen.group("noun").lower() not in self.stop:
                    noun, end = hyphen.group("noun").lower(), hyphen.end("noun")
            else:
                unit, unit_end, listed = self.unit_after(text, end)
                is_year = (not spelled and re.fullmatch(r"(19|20)\d\d", m.group("digits")) is not None and not m.group("sign"))
                if (spelled and not listed and not strong) or (is_year and not listed):
                    continue
                end = unit_end if unit else end
            q = self.qualifier_re.search(text[max(0, start - 30):start])
            qualifier = self.qualifiers[q.group("q").lower()] if q else ""
            first = start - (len(text[max(0, start - 30):start]) - q.start("q")) if q else start
            key = " ".join(x for x in (_format_value(value), unit, noun) if x)
            found.append({"fact": text[first:end].strip(), "value": value, "unit": unit, "qualifier": qualifier,
                          "key": key, "start": first, "end": end})
        return found


def facts(corpus_or_sentences: pd.DataFrame, *, units: pd.DataFrame | None = None,
          data_dir: Path | str | None = None) -> pd.DataFrame:
    """Numbers, amounts and counts in each report: ``doc_id, sent_id, fact, value, unit,
    qualifier, key, context``.

    Read sentence by sentence (give the corpus or the table of :func:`corpus_tools.sentences`)
    with the words of ``data/fact_units.csv``:

    * a number in digits ("30,000", "$2", "20%") or a spelled-out number ("two", "a dozen"),
      multiplied by a following scale ("billion") or "dozen" ("two dozen" = 24);
    * its unit: a percent sign or word; a currency (sign before, word after); a hyphenated unit
      ("30-day ceasefire": unit ``day``, the noun after it kept in the key); else a listed unit
      within the next three words ("27 heads of state", "30 European leaders"), mapped to its
      canonical form ("troops" → soldiers); else, for digits, the last of up to three words
      after it before a stopword or punctuation ("30 senior military strategists");
    * its qualifier before it ("more than", "up to": canonical form in ``qualifier``).

    Skipped: a number beside a month name (a date), a four-digit year with no listed unit
    after it, a spelled-out number with no listed unit ("one aggressor"), numbers glued to
    letters ("G7"). ``value`` is the number with its scale; ``key`` is ``value unit [noun]``
    (qualifier left out, so "more than 30 leaders" and "30 leaders" match); ``context`` is the
    sentence.

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": ["a"], "text": ["Up to 30,000 troops, $2 billion and a 30-day ceasefire, "
    ...     "said more than two dozen heads of state on March 20, 2025."]})
    >>> facts(docs)[["fact", "value", "unit", "qualifier", "key"]].values.tolist()  # doctest: +NORMALIZE_WHITESPACE
    [['Up to 30,000 troops', 30000.0, 'soldiers', 'up to', '30,000 soldiers'],
     ['$2 billion', 2000000000.0, 'USD', '', '2,000,000,000 USD'],
     ['30-day ceasefire', 30.0, 'day', '', '30 day ceasefire'],
     ['more than two dozen heads of state', 24.0, 'heads of state', 'more than', '24 heads of state']]
    """
    from corpus_tools.tokens import sentences as _sentences

    sents = corpus_or_sentences if "sent_id" in corpus_or_sentences.columns else _sentences(corpus_or_sentences, data_dir=data_dir)
    reader = _FactReader(load_fact_units(data_dir) if units is None else units, load_stopwords(data_dir))
    rows = []
    for doc_id, sent_id, text in zip(sents["doc_id"], sents["sent_id"], sents["text"]):
        for f in reader.read(text):
            rows.append({"doc_id": doc_id, "sent_id": int(sent_id), **f, "context": " ".join(text.split())})
    out = pd.DataFrame(rows, columns=FACT_COLUMNS + ["start"])
    out = out.astype({"sent_id": "int64", "value": float})
    return out.sort_values(["doc_id", "sent_id", "start"], kind="stable").reset_index(drop=True)[FACT_COLUMNS]


def fact_coverage(facts_df: pd.DataFrame, corpus: pd.DataFrame) -> pd.DataFrame:
    """Which report states which fact: one row per fact ``key``, one column per ``doc_id``
    (times the report states it, 0 if never), then ``n_reports``.

    Every report of ``corpus`` has a column, so a report with no facts shows as all zeros.
    Sorted by ``n_reports`` descending, then ``key``.

    Examples
    --------
    >>> corpus = pd.DataFrame({"doc_id": ["a", "b", "c"]})
    >>> f = pd.DataFrame({"doc_id": ["a", "b", "b"], "key": ["30 day ceasefire", "30 day ceasefire", "35 countries"]})
    >>> fact_coverage(f, corpus).values.tolist()
    [['30 day ceasefire', 1, 1, 0, 2], ['35 countries', 0, 1, 0, 1]]
    """
    docs = sorted(corpus["doc_id"])
    table = pd.crosstab(facts_df["key"], facts_df["doc_id"]).reindex(columns=docs, fill_value=0)
    table = table.astype("int64")
    table["n_reports"] = (table[docs] > 0).sum(axis=1).astype("int64")
    table = table.reset_index().rename_axis(columns=None)
    return table.sort_values(["n_reports", "key"], ascending=[False, True], kind="stable").reset_index(drop=True)


class FactTables(NamedTuple):
    """What :func:`fact_tables` returns: the table written for the reader and the grid's input."""

    table: pd.DataFrame  #: :func:`fact_coverage` (wide) up to ``max_docs`` reports, else :func:`fact_reports` (long)
    grid: pd.DataFrame  #: :func:`fact_coverage` of the ``max_cells`` facts stated by most reports


def fact_reports(facts_df: pd.DataFrame) -> pd.DataFrame:
    """Which report states which fact, one row per fact ``key`` and report stating it:
    ``key, doc_id, n, n_reports`` (``n`` times the report states it, ``n_reports`` reports
    stating the key), sorted as :func:`fact_coverage` (``n_reports`` descending, ``key``),
    then ``doc_id``. The long form of :func:`fact_coverage`: it grows with the facts, not
    with facts x reports.

    Examples
    --------
    >>> f = pd.DataFrame({"doc_id": ["a", "b", "b", "b"], "key": ["30 day ceasefire"] * 2 + ["35 countries"] * 2})
    >>> fact_reports(f).values.tolist()
    [['30 day ceasefire', 'a', 1, 2], ['30 day ceasefire', 'b', 1, 2], ['35 countries', 'b', 2, 1]]
    """
    out = facts_df.groupby(["key", "doc_id"]).size().rename("n").reset_index()
    out["n_reports"] = out.groupby("key")["doc_id"].transform("size")
    out = out.astype({"n": "int64", "n_reports": "int64"})
    return out.sort_values(["n_reports", "key", "doc_id"], ascending=[False, True, True], kind="stable").reset_index(drop=True)


def fact_tables(facts_df: pd.DataFrame, corpus: pd.DataFrame, *, max_docs: int = MAX_PAIR_DOCS,
                max_cells: int = 40) -> FactTables:
    """Fact coverage drawn for the corpus it is given: up to ``max_docs`` reports the table
    is :func:`fact_coverage` (a column per report); beyond, :func:`fact_reports` (a row per
    fact and report stating it), since a column per report would hold facts x reports cells.
    ``grid`` is :func:`fact_coverage` of the ``max_cells`` facts stated by most reports (what
    :func:`corpus_tools.plots.fact_coverage_grid` draws at most).

    Examples
    --------
    >>> corpus = pd.DataFrame({"doc_id": ["a", "b"]})
    >>> f = pd.DataFrame({"doc_id": ["a", "b", "b"], "key": ["30 day ceasefire", "30 day ceasefire", "35 countries"]})
    >>> small, big = fact_tables(f, corpus), fact_tables(f, corpus, max_docs=1, max_cells=1)
    >>> small.table.columns.tolist(), big.table.columns.tolist(), big.grid["key"].tolist()
    (['key', 'a', 'b', 'n_reports'], ['key', 'doc_id', 'n', 'n_reports'], ['30 day ceasefire'])
    """
    if corpus["doc_id"].nunique() <= max_docs:
        table = fact_coverage(facts_df, corpus)
        return FactTables(table, table)
    long = fact_reports(facts_df)
    top = long.drop_duplicates("key").head(max_cells)["key"]
    return FactTables(long, fact_coverage(facts_df[facts_df["key"].isin(set(top))], corpus))


# ---------------------------------------------------------------------------------------------
# contrasts


def contrast_terms(toks: pd.DataFrame, corpus: pd.DataFrame, *, by: str, target: str | Iterable[str],
                   reference: str | Iterable[str] | None = None, min_freq: int = 1) -> pd.DataFrame:
    """Keyness (:func:`corpus_tools.keyness.keyness`) of ``target`` against ``reference``
    groups of a corpus column (``outlet``, ``meeting_id``, ``doc_id``), with ``side`` naming
    the group each term leans to (the ``;``-joined target or reference values; "rest" when
    ``reference`` is None).

    Examples
    --------
    >>> toks = pd.DataFrame({"doc_id": ["a", "a", "b"], "lower": ["scholz", "troops", "merz"],
    ...                      "is_stop": False, "is_alpha": True})
    >>> corpus = pd.DataFrame({"doc_id": ["a", "b"], "meeting_id": ["m1", "m2"]})
    >>> contrast_terms(toks, corpus, by="meeting_id", target="m2", reference="m1")[["term", "side"]].values.tolist()
    [['merz', 'm2'], ['scholz', 'm1'], ['troops', 'm1']]
    """
    merged = _with_docs(toks, corpus, [by])
    key = keyness(merged, target, by=by, reference=reference, min_freq=min_freq)
    t_label = ";".join(map(str, _labels(target)))
    r_label = ";".join(map(str, _labels(reference))) if reference is not None else "rest"
    return key.assign(side=np.where(key["key"] == "target", t_label, r_label))


def outlet_contrasts(toks: pd.DataFrame, corpus: pd.DataFrame, *, min_freq: int = 2, top_n: int | None = 10) -> pd.DataFrame:
    """For each meeting with two or more reports: the terms each report uses more than the
    other reports of that meeting (keyness, ``key == "target"`` only, ``top_n`` per report).

    Returns ``meeting_id, doc_id, outlet`` and the keyness columns. A meeting with one report
    has nothing to contrast and gives no rows. ``toks`` is a tokens table or the per-document
    counts table (``term_counts`` stage); the counts are read once
    (:func:`corpus_tools.keyness.group_keyness`), so the cost is linear in the corpus.

    Examples
    --------
    >>> toks = pd.DataFrame({"doc_id": ["a", "a", "b", "b", "c"], "lower": ["troops", "troops", "talks", "talks", "x"],
    ...                      "is_stop": False, "is_alpha": True})
    >>> corpus = pd.DataFrame({"doc_id": ["a", "b", "c"], "outlet": ["X", "Y", "Z"], "meeting_id": ["m", "m", "n"]})
    >>> outlet_contrasts(toks, corpus)[["meeting_id", "doc_id", "term", "n_target"]].values.tolist()
    [['m', 'a', 'troops', 2], ['m', 'b', 'talks', 2]]
    """
    words = word_counts(toks, ["doc_id"])
    meeting_of = corpus.drop_duplicates("doc_id").set_index("doc_id")["meeting_id"]
    words = words.assign(meeting_id=words["doc_id"].map(meeting_of))
    frames = []
    for meeting, part in words[words["meeting_id"].notna()].groupby("meeting_id", sort=True):
        if part["doc_id"].nunique() < 2:
            continue
        key = _group_keyness(part, "doc_id", min_freq=min_freq, stopwords=False, key="target", top_n=top_n)
        frames.append(key.assign(meeting_id=meeting))
    columns = ["meeting_id", "doc_id", "outlet", *KEYNESS_COLUMNS]
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    out = pd.concat(frames, ignore_index=True).merge(corpus[["doc_id", "outlet"]], on="doc_id", how="left")
    return out[columns]


def meeting_pairs(corpus: pd.DataFrame, meetings: pd.DataFrame) -> pd.DataFrame:
    """Consecutive meetings (by date) that both have reports: ``earlier, later, earlier_date,
    later_date, days``.

    Examples
    --------
    >>> meetings = pd.DataFrame({"meeting_id": ["m1", "m2", "m3"], "date": pd.to_datetime(["2025-03-20", "2025-03-27", "2026-01-06"])})
    >>> corpus = pd.DataFrame({"doc_id": ["a", "b"], "meeting_id": ["m1", "m3"]})
    >>> meeting_pairs(corpus, meetings)[["earlier", "later", "days"]].values.tolist()
    [['m1', 'm3', 292]]
    """
    covered = meetings[meetings["meeting_id"].isin(set(corpus["meeting_id"]))]
    covered = covered.assign(date=pd.to_datetime(covered["date"])).sort_values(["date", "meeting_id"], kind="stable")
    ids, dates = list(covered["meeting_id"]), list(covered["date"])
    rows = [(ids[i], ids[i + 1], dates[i], dates[i + 1], int((dates[i + 1] - dates[i]).days)) for i in range(len(ids) - 1)]
    return pd.DataFrame(rows, columns=["earlier", "later", "earlier_date", "later_date", "days"]).astype({"days": "int64"})


def meeting_changes(toks: pd.DataFrame, corpus: pd.DataFrame, earlier: str | Iterable[str], later: str | Iterable[str],
                    *, min_freq: int = 2) -> pd.DataFrame:
    """Terms that rose and fell from the reports of ``earlier`` to those of ``later``:
    :func:`contrast_terms` with ``later`` as target, and ``change`` = ``rose`` / ``fell``.

    Returns ``earlier, later, term, change`` and the other keyness columns, most significant first.

    Examples
    --------
    >>> toks = pd.DataFrame({"doc_id": ["a"] * 2 + ["b"] * 2, "lower": ["scholz", "troops", "merz", "troops"],
    ...                      "is_stop": False, "is_alpha": True})
    >>> corpus = pd.DataFrame({"doc_id": ["a", "b"], "meeting_id": ["m1", "m2"]})
    >>> meeting_changes(toks, corpus, "m1", "m2", min_freq=1)[["term", "change"]].values.tolist()
    [['merz', 'rose'], ['scholz', 'fell'], ['troops', 'rose']]
    """
    key = contrast_terms(toks, corpus, by="meeting_id", target=later, reference=earlier, min_freq=min_freq)
    key = key.assign(earlier=";".join(_labels(earlier)), later=";".join(_labels(later)),
                     change=np.where(key["key"] == "target", "rose", "fell"))
    return key[["earlier", "later", "term", "change", *KEYNESS_COLUMNS[1:]]]


def actor_changes(mentions_df: pd.DataFrame, quotes_df: pd.DataFrame, corpus: pd.DataFrame,
                  earlier: str | Iterable[str], later: str | Iterable[str]) -> pd.DataFrame:
    """People (and countries, organisations) who appeared, left or stayed between meetings.

    Mentions come from :func:`corpus_tools.speakers.mentions`, voice from
    :func:`corpus_tools.quotes.share_of_voice` (direct speech). Returns ``earlier, later, actor, mentions_earlier,
    mentions_later, quotes_earlier, quotes_later, voice_earlier, voice_later, change``:
    ``voice_*`` is the actor's share of quoted words in those reports; ``change`` is
    ``appeared`` (absent before: no mention, no quote), ``left`` (absent after) or ``stayed``.
    Sorted appeared, left, stayed, then by mentions in both, then name.

    Examples
    --------
    >>> corpus = pd.DataFrame({"doc_id": ["a", "b"], "meeting_id": ["m1", "m2"]})
    >>> m = pd.DataFrame({"doc_id": ["a", "a", "b", "b"], "actor": ["Olaf Scholz", "Russia", "Friedrich Merz", "Russia"]})
    >>> q = pd.DataFrame({"doc_id": ["b"], "kind": ["speech"], "speaker": ["Merz"], "actor": ["Friedrich Merz"], "n_words": [7]})
    >>> actor_changes(m, q, corpus, "m1", "m2")[["actor", "quotes_later", "voice_later", "change"]].values.tolist()
    [['Friedrich Merz', 1, 1.0, 'appeared'], ['Olaf Scholz', 0, 0.0, 'left'], ['Russia', 0, 0.0, 'stayed']]
    """
    sides = {"earlier": _labels(earlier), "later": _labels(later)}
    frames = []
    for side, ids in sides.items():
        docs = set(corpus.loc[corpus["meeting_id"].isin(ids), "doc_id"])
        m = mentions_df[mentions_df["doc_id"].isin(docs)].groupby("actor").size().rename(f"mentions_{side}")
        q = quotes_df[quotes_df["doc_id"].isin(docs) & (quotes_df["kind"] == "speech") & quotes_df["actor"].fillna("").ne("")]
        voice = share_of_voice(quotes_df[quotes_df["doc_id"].isin(docs)]).query("actor != ''").groupby("actor")
        frames += [m, q.groupby("actor").size().rename(f"quotes_{side}"), voice["share"].sum().rename(f"voice_{side}")]
    columns = ["mentions_earlier", "mentions_later", "quotes_earlier", "quotes_later", "voice_earlier", "voice_later"]
    out = pd.concat(frames, axis=1).reindex(columns=columns).fillna(0)
    out.index.name = "actor"
    out = out.reset_index().astype({c: "int64" for c in columns[:4]})
    before = out["mentions_earlier"] + out["quotes_earlier"] > 0
    after = out["mentions_later"] + out["quotes_later"] > 0
    out["change"] = np.select([~before & after, before & ~after], ["appeared", "left"], "stayed")
    order = out["change"].map({"appeared": 0, "left": 1, "stayed": 2})
    total = out["mentions_earlier"] + out["mentions_later"]
    out = out.assign(_o=order, _t=total).sort_values(["_o", "_t", "actor"], ascending=[True, False, True], kind="stable")
    out = out.drop(columns=["_o", "_t"]).reset_index(drop=True)
    out.insert(0, "later", ";".join(sides["later"]))
    out.insert(0, "earlier", ";".join(sides["earlier"]))
    return out


def changes_between_meetings(toks: pd.DataFrame, mentions_df: pd.DataFrame, quotes_df: pd.DataFrame,
                             corpus: pd.DataFrame, meetings: pd.DataFrame, *, min_freq: int = 2) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`meeting_changes` and :func:`actor_changes` for every pair of consecutive meetings
    of :func:`meeting_pairs`, stacked: ``(terms, actors)``. With fewer than two meetings
    covered both tables are empty (with their columns).

    Examples
    --------
    >>> meetings = pd.DataFrame({"meeting_id": ["m1", "m2"], "date": pd.to_datetime(["2025-03-27", "2026-01-06"])})
    >>> corpus = pd.DataFrame({"doc_id": ["a", "b"], "meeting_id": ["m1", "m2"]})
    >>> toks = pd.DataFrame({"doc_id": ["a", "b"], "lower": ["scholz", "merz"], "is_stop": False, "is_alpha": True})
    >>> m = pd.DataFrame({"doc_id": ["a", "b"], "actor": ["Olaf Scholz", "Friedrich Merz"]})
    >>> q = pd.DataFrame(columns=["doc_id", "kind", "speaker", "actor", "n_words"])
    >>> terms, actors = changes_between_meetings(toks, m, q, corpus, meetings, min_freq=1)
    >>> terms[["term", "change"]].values.tolist(), actors[["actor", "change"]].values.tolist()
    ([['merz', 'rose'], ['scholz', 'fell']], [['Friedrich Merz', 'appeared'], ['Olaf Scholz', 'left']])
    """
    pairs = meeting_pairs(corpus, meetings)
    terms = [meeting_changes(toks, corpus, a, b, min_freq=min_freq) for a, b in zip(pairs["earlier"], pairs["later"])]
    actors = [actor_changes(mentions_df, quotes_df, corpus, a, b) for a, b in zip(pairs["earlier"], pairs["later"])]
    term_cols = ["earlier", "later", "term", "change", *KEYNESS_COLUMNS[1:]]
    actor_cols = ["earlier", "later", "actor", "mentions_earlier", "mentions_later", "quotes_earlier", "quotes_later",
                  "voice_earlier", "voice_later", "change"]
    empty = lambda cols: pd.DataFrame({c: pd.Series(dtype=object) for c in cols})  # noqa: E731
    return (pd.concat(terms, ignore_index=True) if terms else empty(term_cols),
            pd.concat(actors, ignore_index=True) if actors else empty(actor_cols))


# ---------------------------------------------------------------------------------------------
# cards


def article_cards(corpus: pd.DataFrame, toks: pd.DataFrame, quotes_df: pd.DataFrame, tone: pd.DataFrame,
                  facts_df: pd.DataFrame, *, top_n: int = 5, toward: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per report: ``doc_id, outlet, published, meeting_id, n_words, top_terms,
    speakers_quoted, n_quotes, mean_compound, n_facts, facts`` (and ``tone_toward`` when
    ``toward`` is given).

    ``mean_compound`` is the tone of the wording (mean sentence compound), not tone toward
    anyone. ``toward``, the rows of :func:`corpus_tools.target_tone.tone_toward`, adds
    ``tone_toward``: per side, the mean score toward it and its number of (sentence, side)
    rows, e.g. ``Russia -0.62 (n=9); Ukraine +0.40 (n=6)``.

    ``top_terms``: the ``top_n`` most distinctive terms by TF-IDF
    (:func:`corpus_tools.vocabulary.tfidf_terms`; ``toks`` may be the per-document counts
    table of the ``term_counts`` stage); ``speakers_quoted``: speakers of direct
    speech with their number of quotes, most quoted first; ``mean_compound``: the mean sentence
    compound of ``tone`` (:func:`corpus_tools.sentiment.aggregate_tone`); ``facts``: the fact
    keys of :func:`facts`, ``;``-joined in text order.

    Examples
    --------
    >>> from corpus_tools.tokens import sentences, tokens
    >>> corpus = pd.DataFrame({"doc_id": ["a"], "outlet": ["X"], "published": [pd.Timestamp("2025-03-27")],
    ...     "meeting_id": ["m"], "n_words": [5], "text": ["Troops, troops and 35 countries."]})
    >>> q = pd.DataFrame(columns=["doc_id", "kind", "speaker", "actor", "n_words"])
    >>> tone = pd.DataFrame({"doc_id": ["a"], "sent_id": [1], "compound": [0.0], "label": ["neutral"], "n_words": [5]})
    >>> card = article_cards(corpus, tokens(sentences(corpus)), q, tone, facts(corpus), top_n=2)
    >>> card[["top_terms", "speakers_quoted", "n_quotes", "facts"]].values.tolist()
    [['troops, countries', '', 0, '35 countries']]
    """
    terms = tfidf_terms(toks, top_n=top_n).groupby("doc_id")["term"].agg(", ".join)
    speech = quotes_df[quotes_df["kind"] == "speech"]
    who = speech["actor"].where(speech["actor"].fillna("") != "", speech["speaker"]).replace("", "(unattributed)")
    counts = speech.assign(who=who).groupby(["doc_id", "who"]).size().rename("n").reset_index()
    counts = counts.sort_values(["doc_id", "n", "who"], ascending=[True, False, True], kind="stable")
    labels = counts["who"].astype(str) + " (" + counts["n"].astype(str) + ")"
    speakers = labels.groupby(counts["doc_id"]).agg(", ".join).astype(object) if len(counts) else pd.Series(dtype=object)
    mean_tone = aggregate_tone(tone).set_index("doc_id")["mean_compound"] if len(tone) else pd.Series(dtype=float)
    keys = facts_df.drop_duplicates(["doc_id", "key"]).groupby("doc_id")["key"]
    cards = corpus[["doc_id", "outlet", "published", "meeting_id", "n_words"]].sort_values("doc_id", kind="stable").copy()
    cards["top_terms"] = cards["doc_id"].map(terms).astype(object).fillna("")
    cards["speakers_quoted"] = cards["doc_id"].map(speakers).astype(object).fillna("")
    cards["n_quotes"] = cards["doc_id"].map(speech.groupby("doc_id").size()).fillna(0).astype("int64")
    cards["mean_compound"] = cards["doc_id"].map(mean_tone).astype(float)
    cards["n_facts"] = cards["doc_id"].map(keys.size()).fillna(0).astype("int64")
    cards["facts"] = cards["doc_id"].map(keys.agg("; ".join)).astype(object).fillna("")
    if toward is None:
        return cards[CARD_COLUMNS].reset_index(drop=True)
    from corpus_tools.target_tone import SIDES

    cell = toward.groupby(["doc_id", "target"])["score"].agg(["mean", "size"]).reset_index()
    cell = cell.assign(_o=cell["target"].map({t: i for i, t in enumerate(SIDES)})).sort_values(["doc_id", "_o"], kind="stable")
    text = cell.groupby("doc_id").apply(lambda d: "; ".join(f"{t} {m:+.2f} (n={n})" for t, m, n in zip(d["target"], d["mean"], d["size"])),
                                        include_groups=False).astype(object) if len(cell) else pd.Series(dtype=object)
    cards["tone_toward"] = cards["doc_id"].map(text).astype(object).fillna("")
    columns = CARD_COLUMNS[:CARD_COLUMNS.index("mean_compound") + 1] + ["tone_toward"] + CARD_COLUMNS[CARD_COLUMNS.index("mean_compound") + 1:]
    return cards[columns].reset_index(drop=True)
