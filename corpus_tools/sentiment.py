"""Sentence-level tone with two lexicon methods, tone toward each actor or side, quoted speech
vs narration, and validation against hand labels.

Methods (the ``method`` argument everywhere):

``"vader"``
    VADER (Hutto & Gilbert 2014) as NLTK's ``nltk.sentiment.vader`` computes it, unchanged
    (computed by :class:`corpus_tools.vader.ExactVader`, which gives NLTK's numbers for every
    sentence, about ten times faster; ``tests/test_vader.py`` holds the equality). Each
    sentence gets ``neg, neu, pos`` (shares of the sentence's valence) and ``compound`` in
    [-1, 1]; the label follows VADER's documentation: ``positive`` if compound >= 0.05,
    ``negative`` if compound <= -0.05, else ``neutral``.
``"vader_adjusted"``
    The same analyzer with a domain adjustment: the override lexicon
    ``data/lexicons/domain_overrides.csv`` (``term, valence, justification``) is applied to
    the analyzer *instance* (never to a shared object). A one-word term replaces that word's
    valence; a multiword term (a name such as "coalition of the willing") is matched
    case-insensitively and replaced by one placeholder token carrying its valence, so the
    words inside the name no longer count. Quotation marks are also spaced away from the
    words they touch, because NLTK's VADER strips only one ASCII punctuation mark from a
    word and so never looks up ``“peace”`` or ``troops,”``.
``"afinn"``
    AFINN-165 (Nielsen 2011) through the ``afinn`` package, an independent word list with
    integer valences -5..5. The sentence score is the sum; it is made comparable with VADER's
    compound by VADER's own normalisation ``x / sqrt(x**2 + 15)``, and labelled with the same
    ±0.05 thresholds (so any non-zero sum is a polar label).

The VADER lexicon without downloads
-----------------------------------
NLTK's analyzer reads its lexicon through ``nltk.data.load``, which (NLTK 3.10) only opens
files inside a directory on ``nltk.data.path``; NLTK's downloader is never called here. The
lexicon is taken from the installed ``vaderSentiment`` package (``vaderSentiment/
vader_lexicon.txt``, MIT licence) and copied, at first use, to
``<cache_dir>/nltk_data/sentiment/vader_lexicon/vader_lexicon.txt`` (``.cache/`` by default,
see :func:`corpus_tools.paths.cache_dir`). The copy is checked against the source by size and
SHA-256 on every use and replaced (atomically) when stale. That ``nltk_data`` directory is put
first on ``nltk.data.path`` (the one process-wide change this module makes, and it is
idempotent). Sources and licences: ``data/lexicons/SOURCES.md``.

Validation: :func:`evaluate` and :func:`validation_table` score the hand-labelled sentences
of ``data/annotations/sentiment_gold.csv`` (fixed ``tune``/``test`` split). Adjustments are
designed on ``tune`` only; ``test`` is reported.
"""
from __future__ import annotations

import hashlib
import itertools
import math
import os
import re
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from corpus_tools.clean import normalize_punctuation, normalize_unicode
from corpus_tools.errors import CorpusError
from corpus_tools.paths import cache_dir as _cache_dir
from corpus_tools.paths import data_dir as _data_dir
from corpus_tools.resources import read_table
from corpus_tools.tokens import count_words
from corpus_tools.vader import ExactVader

LABELS = ("negative", "neutral", "positive")
METHODS = ("vader", "vader_adjusted", "afinn")
THRESHOLD = 0.05
VADER_ALPHA = 15
TONE_COLUMNS = ["doc_id", "sent_id", "neg", "neu", "pos", "compound", "label", "n_words"]
GOLD_COLUMNS = ["doc_id", "sent_no", "sentence", "label", "split", "notes"]
OVERRIDE_COLUMNS = ["term", "valence", "justification"]
SPLITS = ("tune", "test")
MEMO_LIMIT = 200_000  # distinct chunks a scorer remembers before it starts afresh
LEXICON_RESOURCE = "sentiment/vader_lexicon/vader_lexicon.txt"

_QUOTE_MARKS = re.compile(r"[\"\u201c\u201d\u201e\u00ab\u00bb]|(?<![^\W\d_])['\u2018\u2019]|['\u2018\u2019](?![^\W\d_])")
_HAS_WORD = re.compile(r"[^\W_]")
_QUOTE_TRIM = " \u201c\u201d\"'\u2018\u2019"  # trimmed from the ends of a quoted or narrated part


# ---------------------------------------------------------------------------- lexicons


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def vader_lexicon_source() -> Path:
    """Return the path of the VADER lexicon shipped with the installed ``vaderSentiment`` package.

    Examples
    --------
    >>> vader_lexicon_source().name
    'vader_lexicon.txt'
    """
    import vaderSentiment

    path = Path(vaderSentiment.__file__).parent / "vader_lexicon.txt"
    if not path.is_file():
        raise CorpusError(f"{path}: the vaderSentiment package has no vader_lexicon.txt; reinstall it (pip install vaderSentiment)")
    return path


def vader_lexicon_path(cache: Path | str | None = None) -> Path:
    """Make sure the NLTK data copy of the VADER lexicon is present and current; return it.

    The copy lives at ``<cache>/nltk_data/sentiment/vader_lexicon/vader_lexicon.txt``; it
    is (re)written from :func:`vader_lexicon_source` when missing or when its size or
    SHA-256 differ from the source. ``<cache>/nltk_data`` is put first on ``nltk.data.path``.

    Examples
    --------
    >>> import tempfile, nltk
    >>> path = vader_lexicon_path(tempfile.mkdtemp())
    >>> path.read_bytes() == vader_lexicon_source().read_bytes()
    True
    >>> str(path.parents[2]) == nltk.data.path[0]
    True
    """
    import nltk

    source = vader_lexicon_source()
    root = _cache_dir(cache) / "nltk_data"
    target = root / LEXICON_RESOURCE
    stale = not target.is_file() or target.stat().st_size != source.stat().st_size or _sha256(target) != _sha256(source)
    if stale:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
        os.close(fd)
        shutil.copyfile(source, tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
        nltk.data._resource_cache.pop((LEXICON_RESOURCE, "text"), None)
    if str(root) in nltk.data.path:
        nltk.data.path.remove(str(root))
    nltk.data.path.insert(0, str(root))
    return target


def load_domain_overrides(data_dir: Path | str | None = None) -> pd.DataFrame:
    """Return the domain override lexicon ``data/lexicons/domain_overrides.csv``.

    Columns ``term`` (lower case; one word or a multiword name), ``valence`` (float, VADER's
    scale -4..4, 0 neutralises) and ``justification`` (required, in words).

    Examples
    --------
    >>> overrides = load_domain_overrides()
    >>> overrides.loc[overrides["term"] == "coalition of the willing", "valence"].item()
    0.0
    """
    path = _data_dir(data_dir) / "lexicons" / "domain_overrides.csv"
    table = read_table(path, OVERRIDE_COLUMNS, what="domain override lexicon")
    valences = []
    for line, row in enumerate(table.itertuples(index=False), start=2):
        term = row.term.strip()
        if not term or term != term.lower():
            raise CorpusError(f"{path} line {line}: term {row.term!r} must be non-empty and lower case")
        try:
            valence = float(row.valence)
        except ValueError:
            raise CorpusError(f"{path} line {line}: valence {row.valence!r} of {term!r} is not a number; use VADER's scale -4..4") from None
        if not -4 <= valence <= 4:
            raise CorpusError(f"{path} line {line}: valence {valence} of {term!r} is outside VADER's scale -4..4")
        if not row.justification.strip():
            raise CorpusError(f"{path} line {line}: {term!r} has no justification; say in words why the lexicon is wrong here")
        valences.append(valence)
    table = table.assign(term=table["term"].str.strip(), valence=valences)
    dupes = table["term"][table["term"].duplicated()]
    if len(dupes):
        raise CorpusError(f"{path}: term {dupes.iloc[0]!r} is listed twice; keep one row per term")
    return table[OVERRIDE_COLUMNS].reset_index(drop=True)


def _placeholder(i: int) -> str:
    letters = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        letters = chr(97 + r) + letters
    return f"ctphrase{letters}"


class _Memo(dict):
    """A dict that fills a missing key with ``fill(key)`` (which stores it)."""

    def __init__(self, fill):
        super().__init__()
        self.fill = fill

    def __missing__(self, key):
        return self.fill(key)


@dataclass
class VaderScorer:
    """A VADER analyzer of its own (never shared), optionally with domain overrides.

    Build it with :func:`vader_scorer`; call :meth:`scores` on a text. ``analyzer`` is NLTK's
    ``SentimentIntensityAnalyzer`` with this scorer's lexicon (the reference); ``exact`` is
    :class:`corpus_tools.vader.ExactVader` on the same lexicon, which gives NLTK's numbers
    about ten times faster and is what :meth:`scores` uses.
    """

    analyzer: object
    phrases: list[tuple[re.Pattern, str]]
    space_quotes: bool
    exact: ExactVader | None = None

    def __post_init__(self) -> None:
        if self.exact is None:
            self.exact = ExactVader(self.analyzer.lexicon)
        self.first_words = None  # the first words of the multiword overrides, a cheap test before the patterns
        # each phrase pattern's first word, to try in a chunk where first_words finds one: a pattern
        # is tried on a text only where its own first word is (see score_many)
        self._firsts = [re.compile(p.pattern.split(r"\s+")[0].removeprefix(r"(?<![\w-])"), re.IGNORECASE)
                        for p, _ in self.phrases]
        # a placeholder holding a first word, or a first word with a character other than a letter,
        # digit or underscore, could let one replacement start another phrase: then every pattern
        # is tried, in order, as before
        placeholder_holds_first = any(f.search(token) for f in self._firsts for _, token in self.phrases)
        first_not_a_plain_word = not all(re.fullmatch(r"\w+", re.sub(r"\\(.)", r"\1", f.pattern)) for f in self._firsts)
        chained = placeholder_holds_first or first_not_a_plain_word
        self._every_phrase = tuple(range(len(self.phrases))) if chained else None
        if self.phrases:
            firsts = sorted({f.pattern for f in self._firsts})
            self.first_words = re.compile("|".join(firsts), re.IGNORECASE)
        self._memo = _Memo(self._chunk)
        self._words: dict[str, int] = {}
        self._spaced: dict[str, str] = {}
        self._phrase_chunks: dict[str, tuple[int, ...]] = {}  # chunk -> the phrases whose first word it holds

    def prepare(self, text: str) -> str:
        """The text as the analyzer sees it (names replaced, quote marks spaced)."""
        if self.space_quotes:
            text = _QUOTE_MARKS.sub(r" \g<0> ", text)
        if self.first_words is not None and self.first_words.search(text):  # one pass for the usual sentence without a name
            for pattern, token in self.phrases:
                text = pattern.sub(token, text)
        return text

    def _chunk(self, chunk: str) -> tuple[str, ...]:
        """The analyzer's tokens of one white-space-free chunk of raw text (memoised), and as
        side effects its word count and whether a multiword override may start in it."""
        memo = self._memo
        if chunk.isascii() and "`" not in chunk and "--" not in chunk and '"' not in chunk and "'" not in chunk:
            # the usual chunk: ASCII (so in NFC), white-space free, without the backtick and double
            # hyphen the normalisers rewrite or the quote marks that are spaced off: unchanged by both
            clean = spaced = chunk
        else:
            clean = _prepare_text(chunk)
            spaced = _QUOTE_MARKS.sub(r" \g<0> ", clean) if self.space_quotes else clean
        tokens = tuple(self.exact.tokens(spaced))
        self._words[chunk] = count_words(clean)
        self._spaced[chunk] = spaced
        memo[chunk] = tokens
        if self.first_words is not None and self.first_words.search(clean):
            self._phrase_chunks[chunk] = self._every_phrase or tuple(
                i for i, first in enumerate(self._firsts) if first.search(clean))
        return tokens

    def score_many(self, texts: Iterable[str]) -> tuple[np.ndarray, np.ndarray]:
        """``(n, 4)`` scores (``neg, neu, pos, compound``) and ``n`` word counts of raw texts,
        each first normalised as the corpus cleaning does (``_prepare_text``).

        Every rule from the normalisation to VADER's tokens acts inside a white-space-free
        chunk (a quote mark is spaced off, a mark stripped, an apostrophe straightened), so a
        text is scored from the memoised tokens of its chunks. Two kinds of text take the
        long way, the text as a whole: a text that is not in Unicode NFC, and a text with
        ``--`` (a spaced double hyphen becomes a dash, a rule that spans chunks). A text in
        which a multiword override may start (its first word is present) gets, in order, the
        override patterns whose first words it holds on its prepared chunks joined by single
        spaces (the patterns only ask whether a character is white space; a pattern whose first
        word is absent cannot match, unless a replacement could make one, and then every pattern
        is tried).

        Examples
        --------
        >>> values, n_words = vader_scorer().score_many(["A good day.", "A bad  day\u2019s  end!"])
        >>> values[:, 3].tolist(), n_words.tolist()
        ([0.4404, -0.5848], [3, 5])
        """
        exact, words_of, spaced_of, phrase_chunks = self.exact, self._words, self._spaced, self._phrase_chunks
        chunk_tokens = self._memo.__getitem__
        rows, counts = [], []
        for text in texts:
            if len(self._memo) > MEMO_LIMIT:  # bound the memory on a corpus with an endless vocabulary
                for memo in (self._memo, words_of, spaced_of, phrase_chunks):
                    memo.clear()
            chunks = text.split()
            tokens = list(map(chunk_tokens, chunks))  # also learns each new chunk's words and names
            if "--" in text or not unicodedata.is_normalized("NFC", text):
                clean = _prepare_text(text)
                rows.append(exact.scores(self.prepare(clean)))
                counts.append(count_words(clean))
            elif not phrase_chunks.keys().isdisjoint(chunks):
                # the names' patterns see only whether a character is a space: chunks joined by one space will do
                joined = " ".join(map(spaced_of.__getitem__, chunks))
                for i in sorted(set().union(*(phrase_chunks[c] for c in chunks if c in phrase_chunks))):
                    pattern, token = self.phrases[i]  # in order, those whose first word is in the text
                    joined = pattern.sub(token, joined)
                rows.append(exact.score_tokens(exact.tokens(joined), text))
                counts.append(sum(map(words_of.__getitem__, chunks)))
            else:
                rows.append(exact.score_tokens(list(itertools.chain.from_iterable(tokens)), text))
                counts.append(sum(map(words_of.__getitem__, chunks)))
        return np.array(rows, dtype=float).reshape(len(rows), 4), np.array(counts, dtype="int64")

    def scores(self, text: str) -> dict[str, float]:
        """``neg, neu, pos, compound`` of one text.

        Examples
        --------
        >>> vader_scorer().scores("Not a good war, but a good peace!")
        {'neg': 0.346, 'neu': 0.144, 'pos': 0.511, 'compound': 0.5111}
        """
        return self.exact.polarity_scores(self.prepare(text))


def vader_scorer(overrides: pd.DataFrame | None = None, *, space_quotes: bool = False,
                 cache: Path | str | None = None) -> VaderScorer:
    """Return a fresh VADER scorer; ``overrides`` (``term, valence``) change only its own lexicon.

    Examples
    --------
    >>> vader_scorer().scores("The United States met.")["compound"]  # "united" is +1.8
    0.4215
    >>> names = pd.DataFrame({"term": ["united states", "war"], "valence": [0.0, -1.0]})
    >>> vader_scorer(names).scores("The United States met.")["compound"]
    0.0
    >>> vader_scorer().analyzer.lexicon["war"]  # a new scorer is untouched
    -2.9
    """
    from nltk.sentiment.vader import SentimentIntensityAnalyzer

    vader_lexicon_path(cache)
    analyzer = SentimentIntensityAnalyzer(lexicon_file=LEXICON_RESOURCE)
    phrases: list[tuple[re.Pattern, str]] = []
    if overrides is not None:
        lexicon = dict(analyzer.lexicon)  # the instance gets its own copy
        multi = overrides[overrides["term"].str.contains(r"\s")]
        multi = multi.assign(_len=multi["term"].str.len()).sort_values(["_len", "term"], ascending=[False, True], kind="stable")
        for i, (term, valence) in enumerate(zip(multi["term"], multi["valence"])):
            token = _placeholder(i)
            words = term.split()
            pattern = re.compile(r"(?<![\w-])" + r"\s+".join(re.escape(w) for w in words) + r"(?![\w-])", re.IGNORECASE)
            phrases.append((pattern, token))
            lexicon[token] = float(valence)
        for term, valence in zip(overrides["term"], overrides["valence"]):
            if not re.search(r"\s", term):
                lexicon[term] = float(valence)
        analyzer.lexicon = lexicon
    return VaderScorer(analyzer, phrases, space_quotes)


@lru_cache(maxsize=4)
def _shared_scorer(overrides: tuple[tuple[str, float], ...] | None, space_quotes: bool, lexicon: str,
                   size: int, mtime: int) -> VaderScorer:
    """One scorer per process for each set of overrides and lexicon file (``size``/``mtime``
    tell a replaced file apart), so that its token memo carries over from batch to batch."""
    table = None if overrides is None else pd.DataFrame(list(overrides), columns=["term", "valence"])
    return vader_scorer(table, space_quotes=space_quotes, cache=Path(lexicon).parents[3])


def _afinn():
    from afinn import Afinn

    return Afinn(language="en")


_SPACES = re.compile(r"\s+")
_WORD_RUN = re.compile(r"\w+")
_WORD_CHAR = re.compile(r"\w")


class AfinnScorer:
    """The AFINN-165 words of a text as the ``afinn`` package finds them, without its pattern.

    ``Afinn.find_all`` lower-cases the text, collapses white space and runs one regular
    expression, ``\\b(?:entry|entry|...)\\b`` over its 3,382 entries (longest first), which
    tries every entry at every position. Every entry begins and ends with a word character,
    so a match can only begin where a run of word characters (``\\w+``) begins, and there the
    expression takes the longest entry that fits and ends at a word boundary. This class does
    the same with a dictionary: at each run, the multiword entries that begin with the run
    ("can't stand", "kind of", "well-being"), longest first, then the run itself. The words
    found, and so the scores, are those of ``find_all``; ``tests/test_sentiment.py`` holds the
    equality on the corpus and on constructed cases.

    Examples
    --------
    >>> scorer = AfinnScorer()
    >>> scorer.words("It is NOT good;  it does not   work, a cover-up.")
    ['not good', 'does not work', 'cover-up']
    >>> scorer.values("A good day, a bad day.")
    [3, -3]
    """

    def __init__(self) -> None:
        lexicon = _afinn()._dict
        self.lexicon = dict(lexicon)
        self.single = {w: v for w, v in lexicon.items() if _WORD_RUN.fullmatch(w)}
        phrases: dict[str, list[tuple[str, int]]] = {}
        for entry in sorted((w for w in lexicon if w not in self.single), key=len, reverse=True):
            phrases.setdefault(_WORD_RUN.match(entry).group(), []).append((entry, lexicon[entry]))
        self.phrases = phrases

    def _found(self, text: str) -> list[tuple[str, int]]:
        text = _SPACES.sub(" ", text).lower()
        found, done = [], 0
        for run in _WORD_RUN.finditer(text):
            start = run.start()
            if start < done:  # inside the previous match
                continue
            word = run.group()
            for entry, value in self.phrases.get(word, ()):
                end = start + len(entry)
                if text.startswith(entry, start) and not _WORD_CHAR.match(text, end):
                    found.append((entry, value))
                    done = end
                    break
            else:
                value = self.single.get(word)
                if value is not None:
                    found.append((word, value))
                done = run.end()
        return found

    def words(self, text: str) -> list[str]:
        """The lexicon entries found in ``text``, in order (``Afinn.find_all``)."""
        return [w for w, _ in self._found(text)]

    def values(self, text: str) -> list[int]:
        """The valences of the entries found in ``text``, in order."""
        return [v for _, v in self._found(text)]


@lru_cache(maxsize=1)
def _afinn_scorer() -> AfinnScorer:
    return AfinnScorer()


def normalize_score(total: float, alpha: float = VADER_ALPHA) -> float:
    """Map a summed valence to (-1, 1) as VADER does for its compound: ``x / sqrt(x² + alpha)``.

    Examples
    --------
    >>> normalize_score(1), normalize_score(-3), normalize_score(0)
    (0.25, -0.6123724356957946, 0.0)
    """
    return total / math.sqrt(total * total + alpha) if total else 0.0


def label_of(compound: float, threshold: float = THRESHOLD) -> str:
    """``positive`` if compound >= threshold, ``negative`` if <= -threshold, else ``neutral``.

    Examples
    --------
    >>> [label_of(x) for x in (0.05, 0.0499, -0.05, -0.9)]
    ['positive', 'neutral', 'negative', 'negative']
    """
    if compound >= threshold:
        return "positive"
    if compound <= -threshold:
        return "negative"
    return "neutral"


def _prepare_text(text: str) -> str:
    return normalize_punctuation(normalize_unicode(text))


def _count_words(text: str) -> int:
    return count_words(text)


def score_texts(texts: Iterable[str], method: str = "vader", *, data_dir: Path | str | None = None,
                cache: Path | str | None = None) -> pd.DataFrame:
    """Score each text: ``neg, neu, pos, compound, label, n_words`` in input order.

    Texts are first normalised as the corpus cleaning does (Unicode NFC, apostrophes,
    dashes). For ``afinn``, ``neg`` and ``pos`` are the summed negative and positive word
    valences (absolute) and ``neu`` the number of words without a valence.

    Examples
    --------
    >>> text = "Putin is not showing he is ready for peace. This only hardens our resolve."
    >>> score_texts([text])[["compound", "label"]].values.tolist()
    [[0.8225, 'positive']]
    >>> score_texts([text], "afinn")[["neg", "pos", "compound", "label"]].round(4).values.tolist()
    [[0.0, 4.0, 0.7184, 'positive']]
    """
    if method not in METHODS:
        raise CorpusError(f"unknown sentiment method {method!r}; choose one of {', '.join(METHODS)}")
    texts = list(texts)
    first: dict[str, int] = {}
    codes = np.fromiter((first.setdefault(t, len(first)) for t in texts), dtype=np.int64, count=len(texts))
    if len(first) < len(texts):  # a text repeated (wire copy, a standard line) is scored once
        return _score_distinct(list(first), method, data_dir, cache).take(codes).reset_index(drop=True)
    return _score_distinct(texts, method, data_dir, cache)


def _score_distinct(texts: list[str], method: str, data_dir: Path | str | None, cache: Path | str | None) -> pd.DataFrame:
    """:func:`score_texts` of these texts, each scored."""
    rows = []
    if method == "afinn":
        afinn = _afinn_scorer()
        for text in texts:
            text = _prepare_text(text)
            hits = afinn.values(text)
            pos = float(sum(v for v in hits if v > 0))
            neg = float(-sum(v for v in hits if v < 0))
            compound = normalize_score(pos - neg)
            n_words = _count_words(text)
            rows.append((neg, float(max(n_words - len(hits), 0)), pos, compound, label_of(compound), n_words))
    else:
        overrides = load_domain_overrides(data_dir) if method == "vader_adjusted" else None
        key = None if overrides is None else tuple(zip(overrides["term"], overrides["valence"]))
        lexicon = vader_lexicon_path(cache)
        stat = lexicon.stat()
        scorer = _shared_scorer(key, method == "vader_adjusted", str(lexicon), stat.st_size, stat.st_mtime_ns)
        values, n_words = scorer.score_many(texts)
        compound = values[:, 3]
        labels = np.where(compound >= THRESHOLD, "positive", np.where(compound <= -THRESHOLD, "negative", "neutral"))
        return pd.DataFrame({
            "neg": values[:, 0], "neu": values[:, 1], "pos": values[:, 2], "compound": compound,
            "label": labels.astype(object), "n_words": n_words,
        })
    return pd.DataFrame(rows, columns=TONE_COLUMNS[2:]).astype({"n_words": "int64"})


def sentence_tone(sents: pd.DataFrame, method: str = "vader", *, data_dir: Path | str | None = None,
                  cache: Path | str | None = None) -> pd.DataFrame:
    """Tone of each sentence: ``doc_id, sent_id, neg, neu, pos, compound, label, n_words``.

    ``sents`` is the table of :func:`corpus_tools.sentences`; ``n_words`` counts word tokens
    (numbers included, punctuation not), the weight of length-weighted means.

    Examples
    --------
    >>> sents = pd.DataFrame({"doc_id": ["a", "a"], "sent_id": [1, 2],
    ...                       "text": ["Leaders met in Paris.", "The attack killed civilians."]})
    >>> sentence_tone(sents)[["sent_id", "compound", "label", "n_words"]].values.tolist()
    [[1, 0.0, 'neutral', 4], [2, -0.8225, 'negative', 4]]
    """
    scores = score_texts(sents["text"], method, data_dir=data_dir, cache=cache)
    keys = sents[["doc_id", "sent_id"]].reset_index(drop=True)
    tone = pd.concat([keys, scores], axis=1)
    return tone.sort_values(["doc_id", "sent_id"], kind="stable").reset_index(drop=True)[TONE_COLUMNS]


# ---------------------------------------------------------------------------- aggregation


def _summarise(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """n_sentences, mean_compound, weighted_compound, share_negative/neutral/positive per group."""
    df = df.assign(
        _neg=(df["label"] == "negative").astype(float),
        _neu=(df["label"] == "neutral").astype(float),
        _pos=(df["label"] == "positive").astype(float),
        _wc=df["compound"] * df["n_words"],
    )
    g = df.groupby(keys, sort=True, dropna=False)
    out = pd.DataFrame({
        "n_sentences": g.size(),
        "n_words": g["n_words"].sum(),
        "mean_compound": g["compound"].mean(),
        "weighted_compound": g["_wc"].sum() / g["n_words"].sum().replace(0, np.nan),
        "share_negative": g["_neg"].mean(),
        "share_neutral": g["_neu"].mean(),
        "share_positive": g["_pos"].mean(),
    }).reset_index()
    return out.astype({"n_sentences": "int64", "n_words": "int64"})


def _with_documents(df: pd.DataFrame, corpus: pd.DataFrame | None, by: str) -> pd.DataFrame:
    if by in df.columns:
        return df
    if corpus is None:
        raise CorpusError(f"grouping by {by!r} needs the corpus table (pass corpus=...) to map doc_id to {by}")
    if by not in corpus.columns:
        raise CorpusError(f"the corpus table has no column {by!r}; group by doc_id, outlet or meeting_id")
    return df.merge(corpus[["doc_id", by]], on="doc_id", how="left", validate="many_to_one")


def aggregate_tone(tone: pd.DataFrame, by: str = "doc_id", corpus: pd.DataFrame | None = None) -> pd.DataFrame:
    """Tone per document, outlet or meeting.

    Returns ``<by>, n_sentences, n_words, mean_compound, weighted_compound, share_negative,
    share_neutral, share_positive``: the plain mean of sentence compounds, the mean
    weighted by sentence length in words, and the share of sentences with each label.
    ``corpus`` maps ``doc_id`` to ``outlet``/``meeting_id`` when ``by`` is not ``doc_id``.

    Examples
    --------
    >>> tone = pd.DataFrame({"doc_id": ["a", "a", "b"], "sent_id": [1, 2, 1],
    ...                      "compound": [0.5, -0.1, 0.0], "label": ["positive", "negative", "neutral"],
    ...                      "n_words": [4, 6, 5]})
    >>> aggregate_tone(tone)[["doc_id", "mean_compound", "weighted_compound", "share_negative"]].round(4).values.tolist()
    [['a', 0.2, 0.14, 0.5], ['b', 0.0, 0.0, 0.0]]
    """
    df = _with_documents(tone, corpus, by)
    return _summarise(df, [by])


# ---------------------------------------------------------------------------- targeted tone


def sentence_targets(mentions: pd.DataFrame, actors: pd.DataFrame, level: str = "side") -> pd.DataFrame:
    """Which actor or side each sentence mentions: ``doc_id, sent_id, target`` (unique rows).

    ``mentions`` has ``doc_id, sent_id, actor`` (from :func:`corpus_tools.speakers.mentions`);
    ``actors`` has ``actor, side`` (``data/actors.csv``). ``level`` is ``"side"`` or ``"actor"``.

    Examples
    --------
    >>> mentions = pd.DataFrame({"doc_id": ["a", "a", "a"], "sent_id": [1, 1, 2],
    ...                          "actor": ["Vladimir Putin", "Kremlin", "Emmanuel Macron"]})
    >>> actors = pd.DataFrame({"actor": ["Vladimir Putin", "Kremlin", "Emmanuel Macron"],
    ...                        "side": ["Russia", "Russia", "European allies"]})
    >>> sentence_targets(mentions, actors).values.tolist()
    [['a', 1, 'Russia'], ['a', 2, 'European allies']]
    """
    if level not in ("side", "actor"):
        raise CorpusError(f"level must be 'side' or 'actor', not {level!r}")
    df = mentions[["doc_id", "sent_id", "actor"]]
    if level == "side":
        missing = sorted(set(df["actor"]) - set(actors["actor"]))
        if missing:
            raise CorpusError(f"actor(s) {', '.join(missing[:5])} in the mentions are not in the actors table; add them to data/actors.csv")
        df = df.merge(actors[["actor", "side"]], on="actor", how="left", validate="many_to_one")
        df = df.assign(target=df["side"])
    else:
        df = df.assign(target=df["actor"])
    df = df[["doc_id", "sent_id", "target"]].drop_duplicates()
    return df.sort_values(["doc_id", "sent_id", "target"], kind="stable").reset_index(drop=True)


def targeted_tone(tone: pd.DataFrame, mentions: pd.DataFrame, actors: pd.DataFrame, *, level: str = "side",
                  by: str = "doc_id", corpus: pd.DataFrame | None = None) -> pd.DataFrame:
    """Tone of the sentences that mention each side (or actor), per document or outlet.

    A sentence that mentions two sides counts for both, with its whole tone: this is the
    tone of the *context* an actor appears in, not a verdict on the actor. Returns
    ``<by>, target, n_sentences, n_words, mean_compound, weighted_compound, share_negative,
    share_neutral, share_positive``, sorted by ``by`` then ``target``.

    Examples
    --------
    >>> tone = pd.DataFrame({"doc_id": ["a", "a", "a"], "sent_id": [1, 2, 3],
    ...                      "compound": [-0.6, 0.4, 0.2], "label": ["negative", "positive", "positive"],
    ...                      "n_words": [10, 5, 5]})
    >>> mentions = pd.DataFrame({"doc_id": ["a", "a", "a"], "sent_id": [1, 1, 2],
    ...                          "actor": ["Vladimir Putin", "Emmanuel Macron", "Emmanuel Macron"]})
    >>> actors = pd.DataFrame({"actor": ["Vladimir Putin", "Emmanuel Macron"], "side": ["Russia", "European allies"]})
    >>> targeted_tone(tone, mentions, actors)[["target", "n_sentences", "mean_compound"]].values.tolist()
    [['European allies', 2, -0.09999999999999998], ['Russia', 1, -0.6]]
    """
    targets = sentence_targets(mentions, actors, level)
    df = targets.merge(tone, on=["doc_id", "sent_id"], how="inner", validate="many_to_one")
    df = _with_documents(df, corpus, by)
    return _summarise(df, [by, "target"])


# ---------------------------------------------------------------------------- quotes vs narration


def quote_segments(sents: pd.DataFrame, quotes: pd.DataFrame, *, kinds: Sequence[str] = ("speech",)) -> pd.DataFrame:
    """Cut each sentence into the parts inside quotations (of ``kinds``) and the rest.

    ``sents`` has ``doc_id, sent_id, text, start, end`` and ``quotes`` has ``doc_id, start,
    end, kind`` (offsets into the document's clean text, as from
    :func:`corpus_tools.quotes.quotes`). Scare quotes are the reporter's words, so by default
    they stay in the narration. Returns ``doc_id, sent_id, part (quote/narration), start,
    end, text``; parts without a letter or digit are dropped and quote marks trimmed.

    Examples
    --------
    >>> sents = pd.DataFrame({"doc_id": ["a"], "sent_id": [1], "start": [0], "end": [37],
    ...                       "text": ["“We are ready,” Macron said, smiling."]})
    >>> quotes = pd.DataFrame({"doc_id": ["a"], "start": [1], "end": [14], "kind": ["speech"]})
    >>> quote_segments(sents, quotes)[["part", "text"]].values.tolist()
    [['quote', 'We are ready,'], ['narration', 'Macron said, smiling.']]
    """
    q = quotes[quotes["kind"].isin(kinds)]
    spans: dict[str, list[tuple[int, int]]] = {}
    for doc_id, start, end in zip(q["doc_id"], q["start"], q["end"]):
        spans.setdefault(doc_id, []).append((int(start), int(end)))
    rows = []
    for doc_id, sent_id, text, s_start in zip(sents["doc_id"], sents["sent_id"], sents["text"], sents["start"]):
        s_end = s_start + len(text)
        overlaps = [(max(q_start, s_start), min(q_end, s_end)) for q_start, q_end in spans.get(doc_id, ())
                    if max(q_start, s_start) < min(q_end, s_end)]
        if overlaps:  # cut where the sentence enters or leaves a quotation
            inside = np.zeros(len(text), dtype=bool)
            for lo, hi in overlaps:
                inside[lo - s_start: hi - s_start] = True
            cuts = [0, *(np.flatnonzero(inside[1:] != inside[:-1]) + 1).tolist(), len(text)]
            pieces = [(i, j, bool(inside[i])) for i, j in zip(cuts[:-1], cuts[1:])]
        else:
            pieces = [(0, len(text), False)] if text else []
        for i, j, quoted in pieces:
            piece = text[i:j]
            lead = len(piece) - len(piece.lstrip(_QUOTE_TRIM))
            trail = len(piece) - len(piece.rstrip(_QUOTE_TRIM))
            core = piece[lead: len(piece) - trail]
            if _HAS_WORD.search(core):
                rows.append((doc_id, int(sent_id), "quote" if quoted else "narration",
                             int(s_start + i + lead), int(s_start + j - trail), core))
    return pd.DataFrame(rows, columns=["doc_id", "sent_id", "part", "start", "end", "text"])


def quote_vs_narration(sents: pd.DataFrame, quotes: pd.DataFrame, method: str = "vader", *, by: str | None = "doc_id",
                       corpus: pd.DataFrame | None = None, data_dir: Path | str | None = None,
                       cache: Path | str | None = None, segments: pd.DataFrame | None = None
                       ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Tone of quoted speech vs the reporters' narration.

    Returns ``(segments, summary)``: every segment of :func:`quote_segments` with its scores,
    and per ``by`` (``doc_id``, ``outlet``, ``meeting_id``, or None for the whole corpus) and ``part`` the
    ``n_sentences`` (here: segments), ``n_words``, ``mean_compound``, ``weighted_compound``
    and label shares. The length-weighted mean is the fairer comparison, because the short
    narration fragments around a quote ("he said") are neutral by construction.
    ``segments``: the scored segments a previous call returned (same sentences, quotes and
    method), summarised again by another ``by`` without scoring every segment again.

    Examples
    --------
    >>> sents = pd.DataFrame({"doc_id": ["a"], "sent_id": [1], "start": [0], "end": [46],
    ...                       "text": ["“This is a terrible war,” Macron said, smiling."]})
    >>> quotes = pd.DataFrame({"doc_id": ["a"], "start": [1], "end": [25], "kind": ["speech"]})
    >>> segments, summary = quote_vs_narration(sents, quotes)
    >>> segments[["part", "compound"]].values.tolist()
    [['quote', -0.7906], ['narration', 0.4588]]
    >>> quote_vs_narration(sents, quotes, by=None, segments=segments)[1][["part", "n_words"]].values.tolist()
    [['narration', 3], ['quote', 5]]
    """
    if segments is None:
        segments = quote_segments(sents, quotes)
        scores = score_texts(segments["text"], method, data_dir=data_dir, cache=cache)
        segments = pd.concat([segments.reset_index(drop=True), scores], axis=1)
    if by is None:
        return segments, _summarise(segments, ["part"])
    df = _with_documents(segments, corpus, by)
    return segments, _summarise(df, [by, "part"])


# ---------------------------------------------------------------------------- validation


def load_sentiment_gold(data_dir: Path | str | None = None) -> pd.DataFrame:
    """Return the hand-labelled sentences of ``data/annotations/sentiment_gold.csv``.

    Checks that every ``label`` is one of negative/neutral/positive and every ``split``
    tune/test; ``sent_no`` becomes an integer.

    Examples
    --------
    >>> gold = load_sentiment_gold()
    >>> sorted(set(gold["split"])), len(gold) >= 140
    (['test', 'tune'], True)
    """
    path = _data_dir(data_dir) / "annotations" / "sentiment_gold.csv"
    gold = read_table(path, GOLD_COLUMNS, what="sentiment gold standard")
    for line, row in enumerate(gold.itertuples(index=False), start=2):
        if row.label not in LABELS:
            raise CorpusError(f"{path} line {line}: label {row.label!r} is not one of {', '.join(LABELS)}")
        if row.split not in SPLITS:
            raise CorpusError(f"{path} line {line}: split {row.split!r} is not one of {', '.join(SPLITS)}")
        if not row.sent_no.isdigit():
            raise CorpusError(f"{path} line {line}: sent_no {row.sent_no!r} is not a positive integer")
    return gold.astype({"sent_no": "int64"})


def cohen_kappa(a: Sequence[str], b: Sequence[str]) -> float:
    """Cohen's kappa between two label sequences: ``(p_o - p_e) / (1 - p_e)``.

    Examples
    --------
    >>> cohen_kappa(["pos", "pos", "neg", "neg"], ["pos", "neg", "neg", "neg"])
    0.5
    """
    a, b = list(a), list(b)
    if len(a) != len(b) or not a:
        raise CorpusError(f"kappa needs two non-empty label lists of the same length (got {len(a)} and {len(b)})")
    n = len(a)
    p_o = sum(x == y for x, y in zip(a, b)) / n
    categories = sorted(set(a) | set(b))
    p_e = sum((a.count(c) / n) * (b.count(c) / n) for c in categories)
    if p_e == 1:
        return 1.0
    return (p_o - p_e) / (1 - p_e)


def agreement(a: Sequence[str], b: Sequence[str]) -> dict[str, float]:
    """Percent agreement and Cohen's kappa between two labelings of the same items.

    Examples
    --------
    >>> agreement(["pos", "pos", "neg", "neg"], ["pos", "neg", "neg", "neg"])
    {'n': 4, 'percent_agreement': 75.0, 'kappa': 0.5}
    """
    a, b = list(a), list(b)
    kappa = cohen_kappa(a, b)
    return {"n": len(a), "percent_agreement": 100 * sum(x == y for x, y in zip(a, b)) / len(a), "kappa": kappa}


@dataclass
class Evaluation:
    """Scores of one method against the gold labels of one split."""

    method: str
    split: str
    n: int
    accuracy: float
    macro_f1: float
    confusion: pd.DataFrame
    predictions: pd.DataFrame

    def row(self) -> dict[str, object]:
        """The headline numbers as one table row."""
        return {"method": self.method, "split": self.split, "n": self.n, "accuracy": self.accuracy, "macro_f1": self.macro_f1}


def macro_f1(gold: Sequence[str], pred: Sequence[str]) -> float:
    """The unweighted mean of the F1 of negative, neutral and positive (0 for a label with no hit).

    Examples
    --------
    >>> round(macro_f1(["negative", "neutral", "positive"], ["negative", "positive", "positive"]), 4)
    0.5556
    """
    f1s = []
    for label in LABELS:
        tp = sum(g == label and p == label for g, p in zip(gold, pred))
        fp = sum(g != label and p == label for g, p in zip(gold, pred))
        fn = sum(g == label and p != label for g, p in zip(gold, pred))
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(f1s) / len(f1s)


def evaluate(gold: pd.DataFrame, method: str = "vader", *, split: str | None = "test",
             data_dir: Path | str | None = None, cache: Path | str | None = None) -> Evaluation:
    """Score the gold sentences with ``method`` and compare with the hand labels.

    ``split`` is ``"test"`` (report), ``"tune"`` (where adjustments were designed) or None
    (all). Macro-F1 averages the F1 of the three labels (a label never predicted scores 0).
    The confusion matrix has gold labels as rows and predicted labels as columns.

    Examples
    --------
    >>> gold = pd.DataFrame({"doc_id": "a", "sent_no": [1, 2], "split": "test",
    ...                      "sentence": ["The attack killed civilians.", "Leaders met in Paris."],
    ...                      "label": ["negative", "negative"]})
    >>> result = evaluate(gold, "vader")
    >>> result.accuracy, round(result.macro_f1, 4)
    (0.5, 0.2222)
    >>> result.confusion.loc["negative"].tolist()
    [1, 1, 0]
    """
    if split is not None:
        if split not in SPLITS:
            raise CorpusError(f"split must be one of {', '.join(SPLITS)} or None, not {split!r}")
        gold = gold[gold["split"] == split]
    gold = gold.reset_index(drop=True)
    scores = score_texts(gold["sentence"], method, data_dir=data_dir, cache=cache)
    predictions = pd.DataFrame({
        "doc_id": gold["doc_id"], "sent_no": gold["sent_no"], "split": gold["split"], "sentence": gold["sentence"],
        "gold": gold["label"], "predicted": scores["label"], "compound": scores["compound"],
    })
    confusion = pd.crosstab(
        pd.Categorical(predictions["gold"], categories=LABELS), pd.Categorical(predictions["predicted"], categories=LABELS),
        rownames=["gold"], colnames=["predicted"], dropna=False,
    )
    n = len(predictions)
    accuracy = float((predictions["gold"] == predictions["predicted"]).mean()) if n else float("nan")
    return Evaluation(method, split or "all", n, accuracy, macro_f1(predictions["gold"], predictions["predicted"]),
                      confusion, predictions)


def validation_table(gold: pd.DataFrame, methods: Sequence[str] = METHODS, splits: Sequence[str] = ("test", "tune"), *,
                     data_dir: Path | str | None = None, cache: Path | str | None = None) -> pd.DataFrame:
    """Accuracy, macro-F1 and Cohen's kappa with the gold labels, per method and split.

    Examples
    --------
    >>> table = validation_table(load_sentiment_gold(), ["vader"], ["test"])
    >>> table.columns.tolist()
    ['method', 'split', 'n', 'accuracy', 'macro_f1', 'kappa']
    """
    rows = []
    for split in splits:
        for method in methods:
            result = evaluate(gold, method, split=split, data_dir=data_dir, cache=cache)
            kappa = cohen_kappa(result.predictions["gold"], result.predictions["predicted"])
            rows.append({**result.row(), "kappa": kappa})
    return pd.DataFrame(rows)


def confusion_table(gold: pd.DataFrame, methods: Sequence[str] = METHODS, split: str = "test", *,
                    data_dir: Path | str | None = None, cache: Path | str | None = None) -> pd.DataFrame:
    """The confusion matrices of several methods as one tidy table: ``method, gold, predicted, n``.

    Examples
    --------
    >>> gold = pd.DataFrame({"doc_id": "a", "sent_no": [1], "split": "test",
    ...                      "sentence": ["The attack killed civilians."], "label": ["negative"]})
    >>> confusion_table(gold, ["vader"]).query("n > 0").values.tolist()
    [['vader', 'negative', 'negative', 1]]
    """
    parts = []
    for method in methods:
        m = evaluate(gold, method, split=split, data_dir=data_dir, cache=cache).confusion
        long = m.stack().rename("n").reset_index()
        parts.append(long.assign(method=method)[["method", "gold", "predicted", "n"]])
    out = pd.concat(parts, ignore_index=True)
    return out.astype({"gold": str, "predicted": str, "n": "int64"})


def failure_cases(gold: pd.DataFrame, method: str = "vader", *, split: str | None = "test",
                  data_dir: Path | str | None = None, cache: Path | str | None = None) -> pd.DataFrame:
    """The gold sentences a method gets wrong: ``doc_id, sent_no, sentence, gold, predicted,
    compound``, worst first (largest distance between the gold label and the compound).

    Examples
    --------
    >>> gold = pd.DataFrame({"doc_id": "a", "sent_no": [1, 2], "split": "test", "label": ["negative", "negative"],
    ...                      "sentence": ["Putin is not showing he is ready for peace.", "War."]})
    >>> failure_cases(gold)[["sent_no", "predicted"]].values.tolist()
    [[1, 'positive']]
    """
    result = evaluate(gold, method, split=split, data_dir=data_dir, cache=cache)
    wrong = result.predictions[result.predictions["gold"] != result.predictions["predicted"]]
    target = wrong["gold"].map({"negative": -1.0, "neutral": 0.0, "positive": 1.0})
    wrong = wrong.assign(_miss=(wrong["compound"] - target).abs())
    wrong = wrong.sort_values(["_miss", "doc_id", "sent_no"], ascending=[False, True, True], kind="stable")
    return wrong[["doc_id", "sent_no", "sentence", "gold", "predicted", "compound"]].reset_index(drop=True)


def paired_comparison(gold: pd.DataFrame, method_a: str = "vader", method_b: str = "vader_adjusted", *,
                      split: str | None = "test", data_dir: Path | str | None = None,
                      cache: Path | str | None = None) -> dict[str, float]:
    """Compare two methods sentence by sentence on the gold: how many sentences only ``a``
    gets right, how many only ``b``, and the exact McNemar p-value (two-sided binomial test on
    those discordant sentences), a check that a gain is more than luck.

    Examples
    --------
    >>> gold = pd.DataFrame({"doc_id": "a", "sent_no": [1, 2], "split": "test", "label": ["neutral", "negative"],
    ...                      "sentence": ["The United States met.", "War."]})
    >>> paired_comparison(gold)
    {'n': 2, 'only_a_right': 0, 'only_b_right': 1, 'p_value': 1.0}
    """
    from scipy.stats import binomtest

    a = evaluate(gold, method_a, split=split, data_dir=data_dir, cache=cache).predictions
    b = evaluate(gold, method_b, split=split, data_dir=data_dir, cache=cache).predictions
    right_a, right_b = a["gold"] == a["predicted"], b["gold"] == b["predicted"]
    only_a, only_b = int((right_a & ~right_b).sum()), int((right_b & ~right_a).sum())
    p_value = float(binomtest(only_a, only_a + only_b, 0.5).pvalue) if only_a + only_b else 1.0
    return {"n": len(a), "only_a_right": only_a, "only_b_right": only_b, "p_value": p_value}


def method_tones(sents: pd.DataFrame, methods: Sequence[str] = METHODS, *, data_dir: Path | str | None = None,
                 known: dict[str, pd.DataFrame] | None = None) -> dict[str, pd.DataFrame]:
    """:func:`sentence_tone` of the sentences with each method, by method.

    ``known``: tone tables of these sentences already at hand (the pipeline's cached ``tone``
    stage for the method it ran with), taken in the order :func:`sentence_tone` gives
    (``doc_id, sent_id``); the other methods are scored.

    Examples
    --------
    >>> sents = pd.DataFrame({"doc_id": "a", "sent_id": [1, 2], "text": ["A terrible war.", "Leaders met."]})
    >>> tones = method_tones(sents, ["vader", "afinn"])
    >>> {m: t["label"].tolist() for m, t in tones.items()}
    {'vader': ['negative', 'neutral'], 'afinn': ['negative', 'neutral']}
    >>> method_tones(sents, ["vader"], known={"vader": tones["vader"][::-1]})["vader"].equals(tones["vader"])
    True
    """
    known = {m: t.sort_values(["doc_id", "sent_id"], kind="stable").reset_index(drop=True) for m, t in (known or {}).items()}
    return {m: known[m] if m in known else sentence_tone(sents, m, data_dir=data_dir) for m in methods}


def method_agreement(sents: pd.DataFrame, methods: Sequence[str] = METHODS, *, data_dir: Path | str | None = None,
                     cache: Path | str | None = None, tones: dict[str, pd.DataFrame] | None = None) -> pd.DataFrame:
    """Agreement between each pair of methods on the corpus sentences (no gold needed):
    ``method_a, method_b, n, percent_agreement, kappa, correlation`` (Pearson, compounds).

    ``tones``: the :func:`sentence_tone` tables of these sentences already computed, by
    method, so that the sentences are not scored again (a method missing from it is scored).

    Examples
    --------
    >>> sents = pd.DataFrame({"doc_id": "a", "sent_id": [1, 2, 3],
    ...                       "text": ["A terrible war.", "Leaders met.", "A great success."]})
    >>> method_agreement(sents, ["vader", "afinn"])[["percent_agreement", "kappa"]].values.tolist()
    [[100.0, 1.0]]
    >>> tones = {m: sentence_tone(sents, m) for m in ["vader", "afinn"]}
    >>> method_agreement(sents, ["vader", "afinn"], tones=tones)[["percent_agreement", "kappa"]].values.tolist()
    [[100.0, 1.0]]
    """
    keys = sents[["doc_id", "sent_id"]].reset_index(drop=True) if tones else None
    scored = {m: keys.merge(tones[m], on=["doc_id", "sent_id"], how="left", validate="one_to_one")
              if tones and m in tones else score_texts(sents["text"], m, data_dir=data_dir, cache=cache) for m in methods}
    rows = []
    for i, a in enumerate(methods):
        for b in methods[i + 1:]:
            stats = agreement(scored[a]["label"], scored[b]["label"])
            corr = float(np.corrcoef(scored[a]["compound"], scored[b]["compound"])[0, 1]) if len(sents) > 1 else float("nan")
            rows.append({"method_a": a, "method_b": b, **stats, "correlation": corr})
    return pd.DataFrame(rows, columns=["method_a", "method_b", "n", "percent_agreement", "kappa", "correlation"])
