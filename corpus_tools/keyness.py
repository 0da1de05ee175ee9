"""Keyness: which terms a group of documents (one report, an outlet, a meeting) uses more or
less than the rest of the corpus.

For each term, with ``a`` its count in the target, ``b`` in the reference, and ``c``, ``d``
the numbers of word tokens in target and reference (stopwords included):

* **log-likelihood G2** (Dunning 1993), in the form of Rayson & Garside (2000) used by the
  UCREL log-likelihood calculator: ``E1 = c (a + b) / (c + d)``, ``E2 = d (a + b) / (c + d)``,
  ``G2 = 2 (a ln(a / E1) + b ln(b / E2))`` with ``0 ln 0 = 0``. Its p-value is read from the
  chi-square distribution with one degree of freedom (G2 = 3.84 gives p = 0.05; 10.83 gives
  p = 0.001). G2 says how sure we can be that a difference exists, not how large it is.
* **log ratio** (Hardie 2014), the effect size: ``log2((a / c) / (b / d))``. +1 means twice as
  frequent in the target, -1 half as frequent. A zero count is replaced by 0.5 before the
  ratio (Hardie's correction), so a term absent from one side gets a large finite value
  instead of an infinite one.

With a corpus of a few thousand words, G2 reaches significance only for terms used several
times; read the log ratio beside it, and use ``min_freq`` to leave out single occurrences.
"""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
from scipy.stats import chi2

from corpus_tools.errors import CorpusError
from corpus_tools.vocabulary import word_counts

ZERO_CORRECTION = 0.5
KEYNESS_COLUMNS = ["term", "n_target", "n_reference", "per_10k_target", "per_10k_reference", "g2", "p_value",
                   "log_ratio", "key"]


def log_likelihood(a, b, c, d) -> np.ndarray:
    """Log-likelihood G2 of counts ``a`` (target) and ``b`` (reference) in corpora of ``c``
    and ``d`` tokens (Rayson & Garside 2000); arrays or scalars.

    Examples
    --------
    >>> round(float(log_likelihood(10, 0, 100, 100)), 4)  # 2 * 10 * ln(10 / 5)
    13.8629
    >>> float(log_likelihood(5, 5, 100, 100))
    0.0
    """
    a, b, c, d = (np.asarray(x, dtype=float) for x in (a, b, c, d))
    e1 = c * (a + b) / (c + d)
    e2 = d * (a + b) / (c + d)
    with np.errstate(divide="ignore", invalid="ignore"):
        t1 = np.where(a > 0, a * np.log(a / e1), 0.0)
        t2 = np.where(b > 0, b * np.log(b / e2), 0.0)
    return 2 * (t1 + t2)


def log_ratio(a, b, c, d, *, correction: float = ZERO_CORRECTION) -> np.ndarray:
    """Binary log of the ratio of relative frequencies, ``log2((a / c) / (b / d))`` (Hardie
    2014); a zero count is replaced by ``correction`` (0.5) first.

    Examples
    --------
    >>> float(log_ratio(20, 10, 100, 100))
    1.0
    >>> float(log_ratio(4, 0, 100, 100))  # log2(4 / 0.5)
    3.0
    """
    a, b, c, d = (np.asarray(x, dtype=float) for x in (a, b, c, d))
    a = np.where(a == 0, correction, a)
    b = np.where(b == 0, correction, b)
    return np.log2((a / c) / (b / d))


def keyness(toks: pd.DataFrame, target: str | Iterable[str], *, by: str = "doc_id",
            reference: str | Iterable[str] | None = None, min_freq: int = 3, stopwords: bool = False) -> pd.DataFrame:
    """Compare the terms of the ``target`` group(s) of column ``by`` with the ``reference``
    (default: every other group).

    ``toks`` is a tokens table or a counts table (:func:`corpus_tools.vocabulary.word_counts`).
    ``by`` is any column of ``toks``: ``doc_id``, or ``outlet``/``meeting_id`` after merging
    them from the corpus (``toks.merge(corpus[["doc_id", "outlet"]], on="doc_id")``). Terms are
    ``lower`` forms of word tokens; stopwords are left out of the rows (not of the token
    totals) unless ``stopwords=True``; terms seen fewer than ``min_freq`` times in target and
    reference together are dropped.

    Returns ``term, n_target, n_reference, per_10k_target, per_10k_reference, g2, p_value,
    log_ratio, key``, where ``key`` is ``"target"`` when the term is relatively more frequent
    in the target and ``"reference"`` otherwise. Sorted by ``g2`` descending, then
    ``log_ratio`` descending, then ``term``.

    Examples
    --------
    >>> toks = pd.DataFrame({"doc_id": list("aaaabbbb"), "lower": ["troops"] * 3 + ["talks"] * 2 + ["sanctions"] * 3,
    ...                      "is_stop": False, "is_alpha": True})
    >>> keyness(toks, "a", min_freq=1)[["term", "n_target", "n_reference", "key"]].values.tolist()
    [['troops', 3, 0, 'target'], ['sanctions', 0, 3, 'reference'], ['talks', 1, 1, 'target']]
    """
    targets = [target] if isinstance(target, str) else list(target)
    words = word_counts(toks, [by])
    present = set(words[by].dropna().unique())
    missing = [t for t in targets if t not in present]
    if missing or not targets:
        raise CorpusError(f"keyness target {missing or targets} has no words in column {by!r}; "
                          f"choose among {', '.join(map(str, sorted(present)))}")
    in_target = words[by].isin(targets)
    if reference is None:
        in_reference = ~in_target & words[by].notna()
    else:
        refs = [reference] if isinstance(reference, str) else list(reference)
        in_reference = words[by].isin(refs) & ~in_target
    c, d = int(words.loc[in_target, "n"].sum()), int(words.loc[in_reference, "n"].sum())
    if d == 0:
        raise CorpusError(f"keyness reference group of {by!r} has no words; give other values in reference=")
    side = pd.Series(np.where(in_target, "n_target", "n_reference"), index=words.index)
    kept = (in_target | in_reference) & (stopwords | ~words["is_stop"])
    counts = (words[kept].assign(_side=side[kept]).groupby(["term", "_side"])["n"].sum().unstack("_side", fill_value=0)
              .reindex(columns=["n_target", "n_reference"], fill_value=0).rename_axis(index="term", columns=None))
    counts = counts[counts["n_target"] + counts["n_reference"] >= min_freq].reset_index()
    return _score(counts, c, d)


def _score(counts: pd.DataFrame, c: int, d: int) -> pd.DataFrame:
    """The keyness table of ``term, n_target, n_reference`` counts in corpora of ``c`` and ``d`` tokens."""
    return _score_rows(counts, c, d, [])[KEYNESS_COLUMNS]


def _score_rows(counts: pd.DataFrame, c, d, keys: list[str]) -> pd.DataFrame:
    """:func:`_score` with ``c, d`` per row (arrays) and the rows sorted within ``keys`` groups."""
    a, b = counts["n_target"].to_numpy(), counts["n_reference"].to_numpy()
    out = counts[[*keys, "term", "n_target", "n_reference"]].astype({"n_target": "int64", "n_reference": "int64"}).assign(
        per_10k_target=a / c * 10_000, per_10k_reference=b / d * 10_000,
        g2=log_likelihood(a, b, c, d), log_ratio=log_ratio(a, b, c, d))
    out["p_value"] = chi2.sf(out["g2"], 1)
    out["key"] = np.where(a / c >= b / d, "target", "reference")
    out = out.sort_values([*keys, "g2", "log_ratio", "term"], ascending=[True] * len(keys) + [False, False, True], kind="stable")
    return out.reset_index(drop=True)[[*keys, *KEYNESS_COLUMNS]]


def group_keyness(toks: pd.DataFrame, by: str = "doc_id", *, min_freq: int = 3, stopwords: bool = False,
                  key: str | None = "target", top_n: int | None = None) -> pd.DataFrame:
    """:func:`keyness` of every group of column ``by`` against all the other groups, at once.

    The same rows as ``keyness(toks, g, by=by, min_freq=min_freq)`` for each group ``g`` in
    turn, but the word counts are read once and each group's table is computed from its own
    counts and the corpus totals, so the cost grows with the corpus, not with groups x corpus.
    ``key="target"`` (default) keeps the terms each group uses more than the rest (``None``:
    all rows); ``top_n`` keeps the first rows of each group. ``toks`` is a tokens table or
    a counts table (:func:`corpus_tools.vocabulary.word_counts`) with the ``by`` column.

    Returns ``<by>`` and the keyness columns, groups in sorted order, each group's rows in
    the order of :func:`keyness`.

    Examples
    --------
    >>> toks = pd.DataFrame({"doc_id": list("aaaabbbb"), "lower": ["troops"] * 3 + ["talks"] * 2 + ["sanctions"] * 3,
    ...                      "is_stop": False, "is_alpha": True})
    >>> group_keyness(toks, min_freq=1)[["doc_id", "term", "n_target", "n_reference"]].values.tolist()
    [['a', 'troops', 3, 0], ['a', 'talks', 1, 1], ['b', 'sanctions', 3, 0], ['b', 'talks', 1, 1]]
    """
    if key not in ("target", "reference", None):
        raise CorpusError(f"key must be 'target', 'reference' or None, got {key!r}")
    return _group_keyness(word_counts(toks, [by]), by, min_freq=min_freq, stopwords=stopwords, key=key, top_n=top_n)


def _group_keyness(words: pd.DataFrame, by: str, *, min_freq: int, stopwords: bool, key: str | None,
                   top_n: int | None) -> pd.DataFrame:
    """:func:`group_keyness` from a word-counts table ``by, term, is_stop, n``."""
    words = words[words[by].notna()]
    sizes = words.groupby(by, sort=True)["n"].sum()
    total = int(sizes.sum())
    kept = words if stopwords else words[~words["is_stop"]]
    term_total = kept.groupby("term", sort=True)["n"].sum()
    frequent = term_total[term_total >= min_freq]
    if (sizes == total).any():
        raise CorpusError(f"keyness reference group of {by!r} has no words; give other values in reference=")
    if key == "target":  # a term a group never uses leans to the rest: each group's own terms suffice
        own = kept[kept["term"].isin(frequent.index)].groupby([by, "term"], sort=True)["n"].sum().reset_index()
        c = own[by].map(sizes).to_numpy()
        own = own.rename(columns={"n": "n_target"}).assign(n_reference=own["term"].map(frequent).to_numpy() - own["n"].to_numpy())
        table = _score_rows(own, c, total - c, [by])
        table = table[table["key"] == key]
        if top_n is not None:
            table = table[table.groupby(by, sort=False).cumcount() < top_n]
        return table.reset_index(drop=True)[[by, *KEYNESS_COLUMNS]]
    frames = []
    own_terms = dict(iter(kept.groupby(by, sort=True)))
    for group, c in sizes.items():
        c, d = int(c), total - int(c)
        rows = own_terms.get(group, kept.iloc[:0])
        own = rows.groupby("term", sort=True)["n"].sum()
        terms = frequent.index
        n_target = own.reindex(terms, fill_value=0).to_numpy()
        table = _score(pd.DataFrame({"term": terms, "n_target": n_target,
                                     "n_reference": frequent.reindex(terms).to_numpy() - n_target}), c, d)
        if key is not None:
            table = table[table["key"] == key]
        if top_n is not None:
            table = table.head(top_n)
        frames.append(table.assign(**{by: group}))
    columns = [by, *KEYNESS_COLUMNS]
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    return pd.concat(frames, ignore_index=True)[columns]
