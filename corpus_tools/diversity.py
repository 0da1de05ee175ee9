"""Lexical diversity: how varied the vocabulary of a text is.

All measures read the ``lower`` forms of word tokens, stopwords included.

* **TTR**, type-token ratio: distinct terms / words. It falls as a text grows (the common
  words repeat while new words come ever more slowly), so TTRs of texts of different
  lengths are *not comparable*; a 400-word report will look richer than a 1,000-word one.
* **MATTR**, moving-average TTR (Covington & McFall 2010): the mean TTR of every window of
  ``window`` consecutive words, sliding one word at a time. Independent of length once the
  text is longer than the window; a text shorter than the window gets its plain TTR.
* **MTLD**, measure of textual lexical diversity (McCarthy & Jarvis 2010): read the words in
  order, keeping the TTR of the current stretch; each time it falls to the threshold (0.72)
  or below, count one *factor* and start a new stretch. The leftover stretch counts as the
  partial factor ``(1 - TTR) / (1 - 0.72)``. MTLD is words / factors, the mean length of a
  stretch that keeps the TTR above 0.72; it is computed forwards and backwards and the two
  are averaged. A text with no factor at all (every word distinct) has no MTLD (NaN), and
  values from texts under about 100 words are unstable.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np
import pandas as pd

from corpus_tools.vocabulary import check_tokens, in_text_order

MTLD_THRESHOLD = 0.72


def ttr(words: Sequence[str]) -> float:
    """Type-token ratio: distinct words / words (NaN for no words). Depends on length.

    Examples
    --------
    >>> ttr(["peace", "and", "peace"])
    0.6666666666666666
    """
    return len(set(words)) / len(words) if len(words) else float("nan")


def mattr(words: Sequence[str], window: int = 50) -> float:
    """Moving-average type-token ratio over windows of ``window`` words (Covington & McFall
    2010); the plain TTR when the text is shorter than the window.

    Examples
    --------
    >>> mattr(["a", "b", "a", "c"], window=2)  # windows ab, ba, ac: all TTR 1
    1.0
    >>> mattr(["a", "a", "b"], window=2)  # aa 0.5, ab 1.0
    0.75
    """
    if window < 1:
        raise ValueError(f"window must be a positive number of words, got {window}")
    n = len(words)
    if n == 0:
        return float("nan")
    if n <= window:
        return ttr(words)
    counts = Counter(words[:window])
    total = len(counts)
    for i in range(window, n):
        counts[words[i]] += 1
        old = words[i - window]
        counts[old] -= 1
        if counts[old] == 0:
            del counts[old]
        total += len(counts)
    return total / (window * (n - window + 1))


def _mtld_factors(words: Sequence[str], threshold: float) -> float:
    factors = 0.0
    types: set[str] = set()
    count = 0
    for word in words:
        count += 1
        types.add(word)
        if len(types) / count <= threshold:
            factors += 1
            types, count = set(), 0
    if count:
        factors += (1 - len(types) / count) / (1 - threshold)
    return factors


def mtld(words: Sequence[str], threshold: float = MTLD_THRESHOLD) -> float:
    """Measure of textual lexical diversity (McCarthy & Jarvis 2010), the mean of a forward
    and a backward pass; NaN when a pass finds no factor (e.g. every word distinct).

    Examples
    --------
    >>> mtld(["a", "b", "a", "b"])  # a b a: TTR 0.67 -> one factor; "b" left over (TTR 1, partial 0)
    4.0
    """
    forward = _mtld_factors(words, threshold)
    backward = _mtld_factors(list(reversed(words)), threshold)
    if forward == 0 or backward == 0:
        return float("nan")
    return (len(words) / forward + len(words) / backward) / 2


def lexical_diversity(toks: pd.DataFrame, *, by: str = "doc_id", window: int = 50,
                      threshold: float = MTLD_THRESHOLD) -> pd.DataFrame:
    """TTR, MATTR and MTLD per document (or other group of ``by``).

    Returns ``by, n_words, n_types, ttr, mattr, mtld``, sorted by ``by``. Words are word
    tokens (``is_alpha``) in text order, compared by ``lower``.

    Examples
    --------
    >>> from corpus_tools.tokens import sentences, tokens
    >>> docs = pd.DataFrame({"doc_id": ["a"], "text": ["Peace now, peace later."]})
    >>> lexical_diversity(tokens(sentences(docs)), window=2).round(2).values.tolist()
    [['a', 4, 3, 0.75, 1.0, 4.24]]
    """
    check_tokens(toks, ["lower", "is_alpha", by])
    if window < 1:
        raise ValueError(f"window must be a positive number of words, got {window}")
    ordered = "token_id" in toks.columns
    keep = (toks["is_alpha"].astype(bool) & toks[by].notna()).to_numpy()
    if ordered and by == "doc_id" and in_text_order(toks) is toks:
        # already in text order (as the pipeline gives it): codes of every token, then the words'
        # (codes compare words and tell documents apart, whatever numbers they get); no copy of strings
        group, keys = pd.factorize(toks[by], sort=False)
        group = group[keep]
        codes = pd.factorize(toks["lower"])[0][keep].astype(np.int64)
    else:
        columns = list(dict.fromkeys([by, "lower", *(["doc_id", "token_id"] if ordered else [])]))  # the columns read
        words = toks.loc[keep, columns]  # a copy of these, not of every column
        if ordered:
            words = in_text_order(words) if by == "doc_id" else words.sort_values([by, "token_id"], kind="stable")
        else:
            words = words.sort_values(by, kind="stable")
        group, keys = pd.factorize(words[by], sort=False)
        codes = pd.factorize(words["lower"])[0].astype(np.int64)
        del words
    n = len(codes)
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]]) if n else np.zeros(0, dtype=np.int64)
    sizes = np.diff(np.r_[starts, n])
    run = np.repeat(np.arange(len(starts)), sizes)  # each word's run (one per group)
    position = np.arange(n) - starts[run]  # its place in the group's text
    key = run * (int(codes.max()) + 1 if n else 1) + codes
    order = np.argsort(key, kind="stable")  # the occurrences of each word of each group, in text order
    key = key[order]
    previous = np.full(n, -1, dtype=np.int64)  # the place of the word's previous occurrence in the group
    repeat = np.r_[False, key[1:] == key[:-1]]
    del key
    previous[order[repeat]] = position[order[np.flatnonzero(repeat) - 1]]
    del order, repeat
    types = np.bincount(run[previous < 0], minlength=len(starts))
    # MATTR: a word counts in every window that holds it and not its previous occurrence
    size = sizes[run]
    low = np.maximum(np.maximum(previous + 1, position - window + 1), 0)
    high = np.minimum(position, size - window)
    windows = np.bincount(run, weights=np.maximum(high - low + 1, 0), minlength=len(starts)).astype(np.int64)
    rows = []
    for r, (start, length) in enumerate(zip(starts.tolist(), sizes.tolist())):
        n_types = int(types[r])
        ratio = n_types / length
        moving = ratio if length <= window else int(windows[r]) / (window * (length - window + 1))
        seq = codes[start: start + length].tolist()
        rows.append((keys[group[start]], length, n_types, ratio, moving, mtld(seq, threshold)))
    out = pd.DataFrame(rows, columns=[by, "n_words", "n_types", "ttr", "mattr", "mtld"])
    out = out.sort_values(by, kind="stable").reset_index(drop=True)
    return out.astype({"n_words": "int64", "n_types": "int64", "ttr": float, "mattr": float, "mtld": np.float64})
