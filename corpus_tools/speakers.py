"""Who is mentioned: the actors gazetteer, dated titles, and one row per mention.

Resources (both CSV in ``data/``, see ``data/actors_README.md``):

- ``actors.csv``: one row per person, country or organisation with its canonical name, type,
  country, role, gender, side and ``|``-separated aliases (spelling variants, surname, capital
  city for a country).
- ``titles.csv``: a title phrase ("German chancellor"), the actor who held it and the dates
  (``valid_from`` inclusive, ``valid_to`` exclusive, empty = open). Rows with an empty
  ``actor`` are generic titles ("President", "special envoy"): they never resolve alone but
  merge with a following name ("President Trump" is one mention).

A mention is a name, alias, surname or title found in a document's cleaned ``text``; a title
followed by a name ("French President Emmanuel Macron") is one mention, and a possessive
("Zelensky's") counts. Titles are resolved by the document's date: its ``published`` date, or,
when that is unknown, the date of its meeting in ``meetings.csv``.
"""
from __future__ import annotations

import bisect
import pickle
import re
from dataclasses import dataclass
from collections.abc import Iterator
from datetime import date
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from corpus_tools.errors import CorpusError
from corpus_tools.paths import data_dir as _data_dir
from corpus_tools.resources import read_table, resource_stamp

ACTOR_COLUMNS = ["actor", "type", "country", "role", "gender", "side", "aliases"]
ACTOR_TYPES = ("person", "country", "organisation")
SIDES = ("Russia", "Ukraine", "United States", "European allies", "other")
GENDERS = ("female", "male", "")
TITLE_COLUMNS = ["title", "actor", "valid_from", "valid_to"]
MENTION_COLUMNS = ["doc_id", "sent_id", "start", "end", "surface", "actor", "how"]
LOCATIVE = ("in", "at", "from", "near", "outside", "inside", "across", "around")

_POSSESSIVE = r"(?:'s|\u2019s|(?<=s)'|(?<=s)\u2019)?"


def load_actors(data_dir: Path | str | None = None) -> pd.DataFrame:
    """Read ``data/actors.csv``: one row per actor, checked.

    Every ``type`` must be person, country or organisation, every ``side`` one of
    Russia, Ukraine, United States, European allies, other; names and aliases must be unique.

    Examples
    --------
    >>> actors = load_actors()
    >>> actors.set_index("actor").loc["Maria Zakharova", ["type", "gender", "side"]].tolist()
    ['person', 'female', 'Russia']
    """
    path = _data_dir(data_dir) / "actors.csv"
    actors = read_table(path, ACTOR_COLUMNS, what="actors gazetteer")
    owner: dict[str, tuple[str, int]] = {}
    for line, row in enumerate(actors.itertuples(index=False), start=2):
        where = f"{path} line {line} (actor {row.actor!r})"
        if not row.actor:
            raise CorpusError(f"{path} line {line}: actor is empty; give the canonical name")
        if row.type not in ACTOR_TYPES:
            raise CorpusError(f"{where}: type {row.type!r} is not one of {', '.join(ACTOR_TYPES)}")
        if row.side not in SIDES:
            raise CorpusError(f"{where}: side {row.side!r} is not one of {', '.join(SIDES)}")
        if row.gender not in GENDERS or (row.gender and row.type != "person"):
            raise CorpusError(f"{where}: gender {row.gender!r} must be female or male for a person, empty otherwise")
        for name in [row.actor, *_split_aliases(row.aliases)]:
            if name in owner and owner[name][0] != row.actor:
                raise CorpusError(f"{where}: the name {name!r} is already used by {owner[name][0]!r} "
                                  f"(line {owner[name][1]}); a name may belong to one actor only")
            owner[name] = (row.actor, line)
    dupes = actors["actor"][actors["actor"].duplicated()]
    if len(dupes):
        raise CorpusError(f"{path}: actor {dupes.iloc[0]!r} has two rows; merge them")
    return actors.reset_index(drop=True)


def _split_aliases(value: str) -> list[str]:
    return [a.strip() for a in value.split("|") if a.strip()]


def _parse_date(value: str, where: str, column: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CorpusError(f"{where}: {column} {value!r} is not a date; write YYYY-MM-DD or leave it empty") from None


def load_titles(data_dir: Path | str | None = None) -> pd.DataFrame:
    """Read ``data/titles.csv``: title phrases, who held them and when.

    ``valid_from`` and ``valid_to`` become dates (None when open); each non-empty ``actor``
    must be in ``actors.csv``. Rows with an empty actor are generic titles.

    Examples
    --------
    >>> t = load_titles()
    >>> [(r.actor, str(r.valid_from), str(r.valid_to)) for r in t[t["title"] == "German chancellor"].itertuples()]
    [('Olaf Scholz', '2021-12-08', '2025-05-06'), ('Friedrich Merz', '2025-05-06', 'None')]
    """
    directory = _data_dir(data_dir)
    path = directory / "titles.csv"
    titles = read_table(path, TITLE_COLUMNS, what="titles table")
    known = set(load_actors(directory)["actor"])
    starts, ends = [], []
    for line, row in enumerate(titles.itertuples(index=False), start=2):
        where = f"{path} line {line} (title {row.title!r})"
        if not row.title:
            raise CorpusError(f"{path} line {line}: title is empty")
        if row.actor and row.actor not in known:
            raise CorpusError(f"{where}: actor {row.actor!r} is not in actors.csv; add a row there or fix the name")
        start, end = _parse_date(row.valid_from, where, "valid_from"), _parse_date(row.valid_to, where, "valid_to")
        if start and end and end <= start:
            raise CorpusError(f"{where}: valid_to {end} is not after valid_from {start}")
        starts.append(start)
        ends.append(end)
    return titles.assign(valid_from=starts, valid_to=ends).reset_index(drop=True)


def resolve_title(title: str, when: date | str | pd.Timestamp | None, *, titles: pd.DataFrame | None = None,
                  data_dir: Path | str | None = None) -> str:
    """Return the actor who held ``title`` on date ``when`` ("" if nobody is known).

    The title is matched case-insensitively and without a leading "the"; ``valid_from`` is
    inclusive and ``valid_to`` exclusive. With ``when`` None, the current holder (open
    ``valid_to``) is returned.

    Examples
    --------
    >>> resolve_title("the German chancellor", "2025-03-27")
    'Olaf Scholz'
    >>> resolve_title("German Chancellor", "2026-01-06")
    'Friedrich Merz'
    >>> resolve_title("the French head of state", "2025-03-27")
    'Emmanuel Macron'
    >>> resolve_title("Lord Mayor of Springfield", "2025-03-27")
    ''
    """
    titles = load_titles(data_dir) if titles is None else titles
    return _holder(_title_index(titles), _title_key(title), _as_day(when))


def _missing(value) -> bool:
    return value is None or (not isinstance(value, str) and pd.isna(value))


@lru_cache(maxsize=4096, typed=True)
def _remembered_day(when) -> date | None:
    return None if _missing(when) else pd.Timestamp(when).date()


def _as_day(when) -> date | None:
    """The calendar day of a document's date (a date, a timestamp or its text), None when it is
    missing; remembered per value, since every sentence and mention of a document asks with its
    date (typed, so a date and its text are kept apart).

    >>> _as_day("2025-03-27"), _as_day(None), _as_day(float("nan"))
    (datetime.date(2025, 3, 27), None, None)
    """
    try:
        return _remembered_day(when)
    except TypeError:  # an unhashable value: converted as it is, not remembered
        return _remembered_day.__wrapped__(when)


def _title_index(titles: pd.DataFrame) -> dict[str, list[tuple[date | None, date | None, str]]]:
    """Title key -> ``(valid_from, valid_to, actor)`` in file order, for titles with a holder."""
    index: dict[str, list[tuple[date | None, date | None, str]]] = {}
    for row in titles.itertuples(index=False):
        if row.actor:
            valid_from = None if _missing(row.valid_from) else row.valid_from
            valid_to = None if _missing(row.valid_to) else row.valid_to
            index.setdefault(_title_key(row.title), []).append((valid_from, valid_to, row.actor))
    return index


def _holder(index: dict[str, list[tuple[date | None, date | None, str]]], key: str, day: date | None) -> str:
    """Who held the title on ``day`` (the current holder when ``day`` is None)."""
    for valid_from, valid_to, actor in index.get(key, ()):
        if day is None:
            if valid_to is None:
                return actor
        elif (valid_from is None or valid_from <= day) and (valid_to is None or day < valid_to):
            return actor
    return ""


def _title_key(title: str) -> str:
    words = " ".join(title.replace("\u2019", "'").split()).lower()
    return words[4:] if words.startswith("the ") else words


def document_dates(corpus: pd.DataFrame, data_dir: Path | str | None = None) -> pd.Series:
    """The date used to resolve titles, per ``doc_id``: ``published``, else the meeting's date.

    003 has no known publication date, so the date of its meeting (2025-03-20) is used.

    Examples
    --------
    >>> from corpus_tools.corpus import load_corpus
    >>> document_dates(load_corpus()).astype(str).tolist()
    ['2025-03-28', '2025-03-27', '2025-03-27', '2025-03-20', '2026-01-06']
    """
    from corpus_tools.corpus import load_meetings

    published = pd.to_datetime(corpus["published"]) if "published" in corpus else pd.Series(pd.NaT, index=corpus.index)
    dates = pd.Series(published.values, index=corpus["doc_id"].values, name="date")
    if dates.isna().any() and "meeting_id" in corpus:
        try:
            meeting_dates = load_meetings(data_dir).set_index("meeting_id")["date"]
        except CorpusError:
            meeting_dates = pd.Series(dtype="datetime64[ns]")
        fallback = pd.Series(corpus["meeting_id"].map(meeting_dates).values, index=dates.index)
        dates = dates.fillna(fallback)
    return dates


# ----------------------------------------------------------------------------- searching only where a match can be

_RUN = re.compile(r"[\w\s.'\u2019-]+")
_FOLDS_TO_ASCII = "\u017f\u0130\u0131\u212a\u212b"  # (?i) matches these to ASCII letters; str.lower() does not


@lru_cache(maxsize=4)
def _class_table(pattern: str) -> np.ndarray:
    """For each code point of the Basic Multilingual Plane, whether the one-character class
    ``pattern`` matches it (read from the pattern itself, once per process and pattern): a
    look-up by code point (:func:`_code_points`) instead of a regular expression that tests
    each character of a text.

    >>> table = _class_table(_RUN.pattern)
    >>> [bool(table[ord(c)]) for c in "a \u00e9.'\u2019-,\u201c\u2588"]
    [True, True, True, True, True, True, True, False, False, False]
    """
    table = np.zeros(0x10000, dtype=bool)
    for m in re.finditer(pattern, "".join(map(chr, range(0x10000)))):
        table[m.start():m.end()] = True
    return table


def _code_points(text: str) -> np.ndarray:
    """The code points of ``text`` as an array (one ``uint32`` a character, lone surrogates too).

    >>> _code_points("a\u00e9").tolist()
    [97, 233]
    """
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


@lru_cache(maxsize=16)
def _runs_of(text: str) -> tuple[str, list[int], list[int]] | None:
    """The lower-cased text and the starts and ends of its runs of word characters, spaces and
    ``. ' ’ -``; None when lower-casing is not one character for one (then nothing is skipped).

    The runs are ``_RUN.finditer(text)``'s matches (maximal, as ``+`` is greedy over one class),
    found as the edges of the class's characters in the text's code points (:func:`_class_table`,
    an array look-up instead of a regular expression that tests each character); with the
    pattern itself when a character lies outside the Basic Multilingual Plane.

    >>> _runs_of("Mr Tusk, \u201cno\u201d.")
    ('mr tusk, \u201cno\u201d.', [0, 8, 10, 13], [7, 9, 12, 14])
    """
    lowered = text.lower()
    if len(lowered) != len(text) or any(c in text for c in _FOLDS_TO_ASCII):
        return None
    codes = _code_points(text)
    if len(codes) and codes.max() >= 0x10000:
        spans = [m.span() for m in _RUN.finditer(text)]
        return lowered, [a for a, _ in spans], [b for _, b in spans]
    edges = np.diff(_class_table(_RUN.pattern)[codes].view(np.int8), prepend=np.int8(0), append=np.int8(0))
    return lowered, np.flatnonzero(edges == 1).tolist(), np.flatnonzero(edges == -1).tolist()


@lru_cache(maxsize=64)
def _words_re(words: frozenset[str]) -> re.Pattern | None:
    """A pattern of the lower-cased words (a space in a word matches any spaces, as ``_alt`` writes
    them); None when a word has a character outside the runs.

    The words are written as a trie (:func:`_trie_pattern`) when no word holds a space other than
    " ": the same matches as the alternation of the words longest first, found without trying
    every word at every position. Otherwise the alternation itself.

    >>> [m.group(0) for m in _words_re(frozenset({"minister", "prime minister", "prime"})).finditer("the prime  minister, prime")]
    ['prime  minister', 'prime']
    """
    lowered = sorted({w.lower() for w in words}, key=lambda w: (-len(w), w))
    if not lowered or any(not _RUN.fullmatch(w) for w in lowered):
        return None
    if not any(c.isspace() and c != " " for w in lowered for c in w):
        return re.compile(_trie_pattern(lowered))
    return re.compile("|".join(re.escape(w).replace(r"\ ", r"\s+") for w in lowered))  # spaces as _alt writes them


def _trie_pattern(words: list[str], *, literal_space: bool = False) -> str:
    """The words, none empty and none with a space other than " ", as one trie-shaped pattern, " "
    written ``\\s+`` (or, with ``literal_space``, as an escaped space, for the alternations that
    write their words with :func:`re.escape`).

    Same matches as ``"|".join(words)`` (escaped, spaces as ``\\s+``) with the words longest
    first: at a position the text follows one path of the trie (the branches of a node are
    distinct characters, and ``\\s+`` matches only spaces, which no other branch holds), every
    word matching there lies on it, and the trie prefers the deepest, which is the longest.

    >>> print(_trie_pattern(["prime minister", "prime", "premier"]))
    pr(?:emier|ime(?:\\s+minister)?)
    >>> print(_trie_pattern(["white house", "white"], literal_space=True))
    white(?:\\ house)?
    """
    tree: dict = {}
    for word in words:
        node = tree
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}  # a word ends here

    def emit(node: dict) -> str:
        branches = [(r"\s+" if k == " " and not literal_space else re.escape(k)) + emit(node[k]) for k in sorted(k for k in node if k)]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return "(?:" + body + ")?" if "" in node else body

    return emit(tree)


@lru_cache(maxsize=64)
def _hit_spans(hits: re.Pattern, lowered: str) -> tuple[tuple[int, int], ...]:
    """The spans of ``hits.finditer(lowered)``, remembered: the institution patterns of a document
    look for the same words in the same text twice (see :func:`_finditer_in_runs`).

    >>> _hit_spans(re.compile("ab"), "abcab")
    ((0, 2), (3, 5))
    """
    return tuple(h.span() for h in hits.finditer(lowered))


@lru_cache(maxsize=64)
def _word_automaton(words: frozenset[str]):
    """An Aho-Corasick automaton (``pyahocorasick``) of the lower-cased words, compiled once per
    process for a word list; None where :func:`_words_re` would be None or a word holds a space
    other than " " or starts with one (then the callers keep the regular expression).

    A word without a space is a key as it is; a word with spaces by two: its first part, one
    space and the first character after it ("prime m"), and its first part and two spaces, since
    the pattern's ``\\s+`` matches one space or more (the text is searched with every space
    written " ", see :func:`_word_spans`): the places a word can start, fewer than those of its
    first part and a space ("the " of "the kremlin"). Each key's value is ``(length,
    whole)``, ``whole`` True when the key is itself one of the words (a word without a space).
    None, too, for a list with a word ending in a space (no such list is known).

    >>> sorted(_word_automaton(frozenset({"Prime minister", "envoy"})).items())
    [('envoy', (5, True)), ('prime  ', (7, False)), ('prime m', (7, False))]
    """
    import ahocorasick

    lowered = {w.lower() for w in words}
    if _words_re(words) is None or any(w[0].isspace() or w[-1].isspace() or any(c.isspace() and c != " " for c in w)
                                       for w in lowered):
        return None
    keys: dict[str, tuple[int, bool]] = {}
    for word in lowered:
        first, space, rest = word.partition(" ")
        if not space:
            keys[word] = (len(word), True)
        else:  # keys with a space: never a word, all (length, False)
            keys[first + " " + rest[0]] = keys[first + "  "] = (len(first) + 2, False)
    automaton = ahocorasick.Automaton()
    for key in sorted(keys):
        automaton.add_word(key, keys[key])
    automaton.make_automaton()
    return automaton


_OTHER_SPACE = re.compile(r"[^\S ]")  # a space other than " ": \s matches it


@lru_cache(maxsize=16)
def _one_space_kind(lowered: str) -> str:
    """The text with every space written " " (the same length), for :func:`_word_spans`;
    remembered, as the word lists of a document scan the same text.

    >>> _one_space_kind("a\\tb\\n c")
    'a b  c'

    Each of those spaces the text holds is replaced with :meth:`str.replace` (a search in C for
    each of the few such characters, :func:`_other_spaces`) instead of a regular expression that
    tests every character.
    """
    for ch in _other_spaces():
        if ch in lowered:
            lowered = lowered.replace(ch, " ")
    return lowered


@lru_cache(maxsize=1)
def _other_spaces() -> str:
    """Every character :data:`_OTHER_SPACE` matches (the white space other than " "), read
    from the pattern itself once per process, in the Basic Multilingual Plane: Unicode puts no
    white space outside it (the last is U+3000).

    >>> "\\n" in _other_spaces() and "\\u00a0" in _other_spaces() and " " not in _other_spaces()
    True
    """
    return "".join(map(chr, np.flatnonzero(_class_table(_OTHER_SPACE.pattern))))


@lru_cache(maxsize=8)
def _group_automaton(group: tuple[frozenset[str], ...]):
    """One Aho-Corasick automaton of the keys of the automata of several word lists
    (:func:`_word_automaton`), each key's value the ``(list, length, whole)`` of each list
    holding it; None when one of the lists has no automaton. Compiled once per process.

    >>> sorted(_group_automaton((frozenset({"envoy", "aide"}), frozenset({"Envoy"}))).items())
    [('aide', ((0, 4, True),)), ('envoy', ((0, 5, True), (1, 5, True)))]
    """
    import ahocorasick

    keys: dict[str, list] = {}
    for i, words in enumerate(group):
        automaton = _word_automaton(words)
        if automaton is None:
            return None
        for key, (n, whole) in automaton.items():
            keys.setdefault(key, []).append((i, n, whole))
    automaton = ahocorasick.Automaton()
    for key in sorted(keys):
        automaton.add_word(key, tuple(keys[key]))
    automaton.make_automaton()
    return automaton


@lru_cache(maxsize=16)
def _group_word_spans(group: tuple[frozenset[str], ...], lowered: str) -> tuple[tuple[tuple[int, int], ...], ...] | None:
    """:func:`_word_spans` of each word list of ``group`` in the lower-cased text, from one scan
    of the text (:func:`_group_automaton`) instead of one for each list; None when there is no
    automaton for one of them. Each list's spans are the same: the group's automaton reports
    every place where one of the list's own keys occurs, with the key's own value.

    >>> _group_word_spans((frozenset({"aid", "aide"}), frozenset({"prime minister"})), "the aide's prime\\n minister")
    (((4, 7), (4, 8)), ((11, 26),))
    """
    automaton = _group_automaton(group)
    if automaton is None:
        return None
    patterns, found = [_words_re(words) for words in group], [[] for _ in group]
    for end, keyed in automaton.iter(_one_space_kind(lowered)):
        for i, n, whole in keyed:
            start = end + 1 - n
            if whole:
                found[i].append((start, end + 1))
            else:
                m = patterns[i].match(lowered, start)
                if m is not None:
                    found[i].append((start, m.end()))
    return tuple(tuple(sorted(set(spans))) for spans in found)


@lru_cache(maxsize=64)
def _word_spans(words: frozenset[str], lowered: str, group: tuple[frozenset[str], ...] = ()) -> tuple[tuple[int, int], ...] | None:
    """Every place in the lower-cased text where one of ``words`` occurs (overlapping ones too;
    ``\\s+`` for a word's spaces, as :func:`_words_re` writes them), as ``(start, end)`` sorted,
    the end that of a word starting there; None when there is no automaton for the words.
    Remembered, as :func:`_hit_spans` is.

    One automaton scan (:func:`_group_word_spans`, the keys of :func:`_word_automaton`) of the
    text with its spaces written " " (the same length) finds each word without a space and the
    first part and a space of each word with one; there ``_words_re`` is tried at that place
    alone. Every match of ``_words_re``'s own scan starts at one of the places returned.

    ``group``: word lists searched in the same text, ``words`` among them: all are found in that
    one scan, the same spans; without it ``words`` is searched as a group of one.

    >>> _word_spans(frozenset({"aid", "aide", "prime minister"}), "the aide's prime\\n minister, prime")
    ((4, 7), (4, 8), (11, 26))
    """
    if words not in group:
        group = (words,)  # searched alone: a group of one (the cache above holds it, not _group_word_spans's)
        spans = _group_word_spans.__wrapped__(group, lowered)
    else:
        spans = _group_word_spans(group, lowered)
    return None if spans is None else spans[group.index(words)]


def _word_hits(words, lowered: str, group: tuple[frozenset[str], ...] = ()) -> tuple[tuple[int, int], ...]:
    """Where in the lower-cased text ``words`` can start: :func:`_word_spans` (with the word
    lists of ``group``, found in the same scan), or the spans of :func:`_words_re`'s matches where
    there is no automaton (``_words_re`` must not be None). Sorted by start; every match of
    :func:`_words_re` starts where one of them does."""
    key = frozenset(words)
    found = _word_spans(key, lowered, group)
    return _hit_spans(_words_re(key), lowered) if found is None else found


def _finditer_in_runs(pattern: re.Pattern, text: str, words, group: tuple[frozenset[str], ...] = ()) -> Iterator[re.Match]:
    """``pattern.finditer(text)``, searching only the runs of word characters, spaces and
    ``. ' ’ -`` that hold one of ``words`` (ignoring case).

    Exact for a pattern whose matches consist of those characters alone and always contain one
    of the words (compared case-insensitively): a match lies inside one run, and a run without
    the words has none. The runs searched are those where a word can start (:func:`_word_hits`,
    an Aho-Corasick scan): searching a run that turns out to hold no word finds nothing there,
    so it is as exact. A word with another character, or a text whose lower-casing is not one
    character for one, falls back to the whole search. ``group``: see :func:`_word_hits`.
    """
    runs, hits = _runs_of(text), _words_re(frozenset(words))
    if runs is None or hits is None:
        yield from pattern.finditer(text)
        return
    lowered, starts, ends = runs
    last = -1
    for hit_start, hit_end in _word_hits(words, lowered, group):  # a superset of the runs holding a word is as exact
        i = bisect.bisect_right(starts, hit_start) - 1
        if i <= last:
            continue
        if i < 0 or hit_end > ends[i]:  # cannot happen (the words are run characters); search everything
            yield from pattern.finditer(text, ends[last] if last >= 0 else 0)
            return
        last = i
        yield from pattern.finditer(text, starts[i], ends[i])


_SPACES = re.compile(r"\s+")


def _finditer_near_words(pattern: re.Pattern, text: str, words, max_gaps: int, *,
                         word_opens: bool = False, group: tuple[frozenset[str], ...] = ()) -> Iterator[re.Match]:
    """:func:`_finditer_in_runs` for a pattern whose matches end with one of ``words`` and hold at
    most ``max_gaps`` runs of spaces before it: each search starts ``max_gaps`` spaces before the
    next occurrence of a word, not at every position of the run.

    ``word_opens``: the pattern's word never follows a word character (it opens the match
    after a look-behind for one, or follows spaces), so an occurrence right after a word
    character (the "mp" of "Trump") is not searched around: the occurrences the proof below
    needs, those of the matches' own words, are all kept.

    Exact: a match starting at ``s`` holds a word at some ``q >= s`` with at most ``max_gaps``
    runs of spaces in ``text[s:q]``, and the occurrence found there starts at or before ``q``, so
    ``s`` is not before the start so found (the searches run over the whole text and see it
    around their bounds, as :meth:`re.Pattern.finditer` does). Falls back to the whole search as
    :func:`_finditer_in_runs` does. ``group``: see :func:`_word_hits`.
    """
    runs, hits = _runs_of(text), _words_re(frozenset(words))
    if runs is None or hits is None:
        yield from pattern.finditer(text)
        return
    _, starts, ends = runs
    found = _word_hits(words, runs[0], group)  # every place a word can start (see the proof above)
    if word_opens:
        found = [h for h in found if h[0] == 0 or _WORD.match(text, h[0] - 1) is None]
    in_run = [bisect.bisect_right(starts, a) - 1 for a, _ in found]
    if any(i < 0 or b > ends[i] for i, (_, b) in zip(in_run, found)):  # cannot happen (the words are run characters)
        yield from pattern.finditer(text)
        return
    k = 0
    while k < len(found):
        i = in_run[k]
        run_start, run_end = starts[i], ends[i]
        at = run_start
        while k < len(found) and found[k][0] < run_end:
            h_start, h_end = found[k]
            if h_end <= at:
                k += 1
                continue
            gaps = [g.end() for g in _SPACES.finditer(text, max(run_start, h_start - 40 * (max_gaps + 1)), h_start)]
            lo = gaps[-(max_gaps + 1)] if len(gaps) > max_gaps else run_start
            m = pattern.search(text, max(at, lo), run_end)
            if m is None or m.end() == m.start():
                if m is not None:  # an empty match: leave the rest of the run to finditer's own rules
                    yield from pattern.finditer(text, m.start(), run_end)
                break
            yield m
            at = m.end()
        while k < len(found) and found[k][0] < run_end:
            k += 1


def _first_char_ahead(words) -> str:
    """A look-ahead for the first characters of ``words``, to open a case-sensitive pattern whose
    matches start with one of them: it matches where the pattern can, and lets the regular
    expression engine skip other positions quickly (a look-behind first does not). Empty when a
    word is empty or starts with a space (written as ``\\s+``, any space can start the match)."""
    words = list(words)
    if not words or any(not w or w[0].isspace() for w in words):
        return ""
    chars = {w[0] for w in words}
    return "(?=[" + "".join(re.escape(c) for c in sorted(chars)) + "])"


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: a key of the mentions memo
class Lexicon:
    """Compiled name and title patterns (built once per process for the same actors and titles)."""

    names: re.Pattern
    name_info: dict  # surface -> (actor, how, type)
    titles: re.Pattern
    titles_df: pd.DataFrame
    title_index: dict
    generic: frozenset
    actors: pd.DataFrame
    title_words: frozenset = frozenset()  # the title phrases: a match of ``titles`` holds one


def build_lexicon(actors: pd.DataFrame, titles: pd.DataFrame) -> Lexicon:
    """Compile the patterns that find names and titles.

    Examples
    --------
    >>> lex = build_lexicon(load_actors(), load_titles())
    >>> lex.name_info["Zelenskyy"], lex.name_info["Kyiv"]
    (('Volodymyr Zelensky', 'surname', 'person'), ('Ukraine', 'alias', 'country'))
    """
    return _lexicon_of(_Content(actors), _Content(titles))


class _Content:
    """A table as a cache key: equal when pickled to the same bytes (same values, types and
    layout), so a lexicon is built once per process for the same actors and titles."""

    def __init__(self, frame: pd.DataFrame):
        self.frame, self.key = frame, pickle.dumps(frame, protocol=5)

    def __hash__(self) -> int:
        return hash(self.key)

    def __eq__(self, other) -> bool:
        return isinstance(other, _Content) and self.key == other.key


@lru_cache(maxsize=8)
def _lexicon_of(actors_key: _Content, titles_key: _Content) -> Lexicon:
    actors, titles = actors_key.frame, titles_key.frame
    info: dict[str, tuple[str, str, str]] = {}
    for row in actors.itertuples(index=False):
        aliases = _split_aliases(row.aliases)
        last_names = {n.split()[-1] for n in [row.actor, *aliases] if len(n.split()) > 1}
        info[row.actor] = (row.actor, "full name", row.type)
        for alias in aliases:
            surname = row.type == "person" and (alias in last_names or len(alias.split()) == 1)
            info.setdefault(alias, (row.actor, "surname" if surname else "alias", row.type))
    surfaces = sorted(info, key=lambda s: (-len(s), s))
    names = re.compile(_first_char_ahead(surfaces) + r"(?<![\w.])(" + "|".join(re.escape(s) for s in surfaces) + r")" + _POSSESSIVE
                       + r"(?![\w])")
    phrases = sorted(set(titles["title"]), key=lambda s: (-len(s), s))
    title_re = re.compile(r"(?<![\w.])(?:(the|The)\s+)?(" + _caseless_phrases(phrases) + r")(?![\w])", re.IGNORECASE)
    generic = frozenset(_title_key(t) for t, a in zip(titles["title"], titles["actor"]) if not a)
    return Lexicon(names, info, title_re, titles, _title_index(titles), generic, actors, frozenset(titles["title"]))


def _caseless_phrases(phrases: list[str]) -> str:
    """The pattern text of the title phrases, matched ignoring case: their alternation longest
    first (spaces as ``\\s+``), or, where every character is ASCII or a lower-case Latin-1 letter
    once lower-cased, no phrase is empty or opens with a space and no space but " " occurs, the
    same words as a trie of the lower-cased phrases (:func:`_trie_pattern`). The same matches:
    ignoring case, such a text character matches at most one branch of a trie node, and the
    phrases that match at a position are prefixes of one another, tried longest first either
    way (``quotes._caseless_alternation`` makes the same argument); phrases differing only in
    case match the same text.

    >>> print(_caseless_phrases(["Prime Minister", "the PM", "prime minister", "PM"]))
    (?:p(?:m|rime\\s+minister)|the\\s+pm)
    """
    lowered = sorted({p.lower() for p in phrases})
    if not lowered or any(not p or p[0].isspace() or any(c.isspace() and c != " " for c in p) for p in lowered) or any(
            not (c.isascii() or (0xE0 <= ord(c) <= 0xFE and ord(c) != 0xF7)) for p in lowered for c in p):
        return "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in phrases)
    return _trie_pattern(lowered)


@lru_cache(maxsize=4)
def _default_lexicon(stamp: tuple) -> Lexicon:
    """The lexicon of one data directory's actors and titles, keyed by
    :func:`corpus_tools.resources.resource_stamp` (an edited table is read again)."""
    directory = Path(stamp[0])
    return build_lexicon(load_actors(directory), load_titles(directory))


def find_mentions(text: str, lexicon: Lexicon, when=None, *, places: bool = False) -> list[dict]:
    """Mentions in one text: dicts with ``start, end, surface, actor, how, type``.

    Examples
    --------
    >>> lex = build_lexicon(load_actors(), load_titles())
    >>> [(m["surface"], m["actor"], m["how"]) for m in find_mentions(
    ...     "French President Emmanuel Macron met Zelensky's aides in Paris.", lex, "2025-03-27")]
    [('French President Emmanuel Macron', 'Emmanuel Macron', 'full name'), ("Zelensky's", 'Volodymyr Zelensky', 'surname')]
    """
    found = _all_mentions(text, lexicon, _as_day(when))
    return [dict(f) for f in found if places or not _is_place(text, f)]


_AFTER_TITLE = re.compile(r"(,?\s+)")  # between a title and the name it may precede


_WORD = re.compile(r"\w")


@lru_cache(maxsize=8)
def _name_automaton(lexicon: Lexicon):
    """An Aho-Corasick automaton (``pyahocorasick``) of the lexicon's names and aliases, as
    written (case counts), each with its length; compiled once per process and lexicon. None
    when a name is empty (then :func:`_name_spans` keeps ``lexicon.names``).

    >>> lex = _default_lexicon(resource_stamp(_data_dir(None)))
    >>> _name_automaton(lex).get("Zelensky")
    8
    """
    import ahocorasick

    if not lexicon.name_info or any(not name for name in lexicon.name_info):
        return None
    automaton = ahocorasick.Automaton()
    for name in lexicon.name_info:
        automaton.add_word(name, len(name))
    automaton.make_automaton()
    return automaton


def _name_spans(lexicon: Lexicon, text: str) -> Iterator[tuple[int, int, str]]:
    """``(start, end, name)`` of each match of ``lexicon.names`` in ``text`` (``name`` its group
    1, the name or alias without the possessive), found from one automaton scan
    (:func:`_name_automaton`) instead of the alternation of every name.

    Exact: the pattern is ``(?<![\\w.])(NAME|...)`` with the names longest first, then an
    optional possessive ("'s", "’s", or after a final "s" a bare apostrophe) and
    ``(?![\\w])``. At an offset that passes the look-behind it takes the longest name occurring
    there whose ending passes (the possessive options in the pattern's order, then none), and
    the scan goes on from the end of a match, or one character on where nothing matched.

    >>> lex = _default_lexicon(resource_stamp(_data_dir(None)))
    >>> [s for s in _name_spans(lex, "Zelensky's aides and the Kremlin'")]
    [(0, 10, 'Zelensky'), (21, 32, 'the Kremlin')]
    """
    automaton = _name_automaton(lexicon)
    if automaton is None:
        for m in lexicon.names.finditer(text):
            yield m.start(), m.end(), m.group(1)
        return
    at: dict[int, list[int]] = {}
    for end, n in automaton.iter(text):
        at.setdefault(end + 1 - n, []).append(n)
    resume = 0
    for start in sorted(at):
        if start < resume or (start > 0 and (text[start - 1] == "." or _WORD.match(text, start - 1))):
            continue
        for n in sorted(at[start], reverse=True):  # the longest first, as the alternation is written
            e = start + n
            if text.startswith(("'s", "\u2019s"), e) and not _WORD.match(text, e + 2):
                end = e + 2
            elif text[e - 1] == "s" and text.startswith(("'", "\u2019"), e) and not _WORD.match(text, e + 1):
                end = e + 1
            elif not _WORD.match(text, e):
                end = e
            else:
                continue
            yield start, end, text[start:e]
            resume = end
            break


@lru_cache(maxsize=1024)
def _all_mentions(text: str, lexicon: Lexicon, day: date | None) -> tuple[dict, ...]:
    """:func:`find_mentions` with ``places=True``, remembered: the mentions, quotes and
    tone-toward stages of a pipeline batch look up the same documents (callers get copies)."""
    found = []
    for start, end, name in _name_spans(lexicon, text):  # lexicon.names.finditer(text), from one automaton scan
        actor, how, kind = lexicon.name_info[name]
        found.append({"start": start, "end": end, "surface": text[start:end], "actor": actor, "how": how, "type": kind})
    titles = list(_finditer_near_words(lexicon.titles, text, lexicon.title_words, 1,  # each match holds a title, "the" before it
                                       word_opens=True))  # after (?<![\w.]) or "the" and spaces
    person_at: dict[int, dict] = {}  # start -> the first person found there (a look-up, not a scan per title)
    for f in found:
        if f["type"] == "person":
            person_at.setdefault(f["start"], f)
    taken: list[tuple[int, int]] = []
    merged = []
    for t in titles:
        key = _title_key(t.group(2))
        holder = _holder(lexicon.title_index, key, day) if key not in lexicon.generic else ""
        after = _AFTER_TITLE.match(text, t.end())  # no look-behind: no slice of the rest of the text
        nxt = None
        if after:
            pos = after.end()
            nxt = person_at.get(pos)
            if nxt and "," in after.group(1) and key in lexicon.generic:
                nxt = None
            if nxt and "," in after.group(1) and holder and holder != nxt["actor"]:
                nxt = None
        start = t.start()
        if nxt is None and key in lexicon.generic:
            continue
        if nxt is not None and key in lexicon.generic and t.group(1) is None:
            start = _modifier_start(text, t.start(), found)
        if nxt is not None:
            merged.append({**nxt, "start": start, "surface": text[start:nxt["end"]]})
            taken.append((start, nxt["end"]))
        elif holder:
            merged.append({"start": start, "end": t.end(), "surface": t.group(0), "actor": holder, "how": "title",
                           "type": "person"})
            taken.append((start, t.end()))
    covered = _covers(taken)
    keep = [f for f in found if not covered(f["start"])]
    return tuple(sorted(keep + merged, key=lambda f: (f["start"], f["end"])))


def _overlap_test(spans: list[tuple[int, int]]):
    """A function ``(start, end) -> bool``: does ``[start, end)`` overlap one of ``spans``
    (``a < end and start < b``)? Spans sorted by start once, with the running maximum of their
    ends, instead of a scan of all of them for each question."""
    ordered = sorted(spans)
    starts = [a for a, _ in ordered]
    reach, furthest = [], -1
    for _, b in ordered:
        furthest = max(furthest, b)
        reach.append(furthest)

    def overlaps(start: int, end: int) -> bool:
        k = bisect.bisect_left(starts, end)  # the spans with a < end
        return k > 0 and reach[k - 1] > start

    return overlaps


def _covers(spans: list[tuple[int, int]]):
    """A function ``x -> bool``: does one of ``spans`` hold ``x`` (``a <= x < b``)? For whole
    numbers that is whether ``[x, x + 1)`` overlaps a span (:func:`_overlap_test`)."""
    overlaps = _overlap_test(spans)
    return lambda x: overlaps(x, x + 1)


_CAPITAL_BEFORE = re.compile(r"(?:^|(?<=\s))([A-Z][\w'-]*)[ ]+$")  # "Venezuelan " ending the text
_SENTENCE_END_BEFORE = re.compile(r"[.!?][\"'\u201d\u2019]?\s+$")  # ". " ending the text


def _capital_before(text: str, end: int) -> tuple[re.Match | None, int]:
    r"""``_CAPITAL_BEFORE.search(text[:end])``, searched only after the last space before the
    trailing ones (a match's offsets are then into ``text[lo:end]``; ``lo`` is returned too).

    Exact: a match is a word with no space in it, then spaces to the end; it cannot start
    before the last space that some non-space follows, and right after that space the
    window's ``^`` stands where the text's ``(?<=\s)`` does.

    >>> m, lo = _capital_before("talks with Venezuelan president", 22)
    >>> lo + m.start(1), m.group(1)
    (11, 'Venezuelan')
    """
    body = text[:end].rstrip()
    words = body.rsplit(None, 1)
    lo = len(body) - len(words[-1]) if len(words) > 1 else 0
    return _CAPITAL_BEFORE.search(text[lo:end]), lo


def _sentence_end_before(text: str, end: int) -> bool:
    """``_SENTENCE_END_BEFORE.search(text[:end])`` is not None, searched in the last characters:
    a match is a mark, at most one quotation mark and spaces to the end, so it starts at most
    two characters before the trailing spaces.

    >>> _sentence_end_before("It ended. Venezuelan", 10), _sentence_end_before("the Venezuelan", 4)
    (True, False)
    """
    lo = max(0, len(text[:end].rstrip()) - 2)
    return _SENTENCE_END_BEFORE.search(text[lo:end]) is not None


def _modifier_start(text: str, title_start: int, found: list[dict]) -> int:
    """Extend a generic title to the left over one capitalised modifier ("Venezuelan president")."""
    m, lo = _capital_before(text, title_start)
    if not m or m.group(1) in {"The", "A", "An", "And", "But", "Or", "As", "With", "By"}:
        return title_start
    start = lo + m.start(1)
    if any(f["start"] <= start < f["end"] for f in found):
        return title_start
    if start == 0 or _sentence_end_before(text, start):
        return title_start  # a sentence-initial capital is not a modifier
    return start


def _is_place(text: str, mention: dict) -> bool:
    """An alias of a country or organisation after a locative preposition names a place."""
    if mention["type"] == "person" or mention["how"] == "full name":
        return False
    before = text[max(0, mention["start"] - 12): mention["start"]].lower().split()
    return bool(before) and before[-1] in LOCATIVE


def mentions(corpus: pd.DataFrame, *, actors: pd.DataFrame | None = None, titles: pd.DataFrame | None = None,
             data_dir: Path | str | None = None, places: bool = False) -> pd.DataFrame:
    """One row per mention of a known actor: ``doc_id, sent_id, start, end, surface, actor, how``.

    ``how`` is ``full name``, ``alias``, ``surname`` or ``title``. A title followed by a name is
    one mention (the name decides ``how``); a title alone ("the French president") is resolved
    by the document's date (:func:`document_dates`). Offsets are into the cleaned ``text``.
    Aliases of countries or organisations after "in", "at", "from" ... ("a summit in Paris")
    name a place and are left out unless ``places=True``.

    Examples
    --------
    >>> corpus = pd.DataFrame({"doc_id": ["d1"], "published": [pd.Timestamp("2026-01-06")], "meeting_id": [""],
    ...     "text": ["The German chancellor met Zelensky in Kyiv. Kyiv's envoy spoke."]})
    >>> mentions(corpus)[["surface", "actor", "how"]].values.tolist()
    [['The German chancellor', 'Friedrich Merz', 'title'], ['Zelensky', 'Volodymyr Zelensky', 'surname'], ["Kyiv's", 'Ukraine', 'alias']]
    """
    from corpus_tools.resources import load_abbreviations
    from corpus_tools.tokens import _sentence_spans

    directory = _data_dir(data_dir)
    abbreviations = load_abbreviations(directory)  # once per call: tokens.sentence_spans would read it per document
    if actors is None and titles is None:  # the data directory's own tables: read and compiled once per process
        lexicon = _default_lexicon(resource_stamp(directory))
    else:
        actors = load_actors(directory) if actors is None else actors
        titles = load_titles(directory) if titles is None else titles
        lexicon = build_lexicon(actors, titles)
    dates = document_dates(corpus, directory)
    date_of = dates.to_dict().get if dates.index.is_unique else dates.get  # a dict look-up, not a Series look-up per document
    columns: dict[str, list] = {c: [] for c in MENTION_COLUMNS}
    for doc_id, text in zip(corpus["doc_id"], corpus["text"]):
        _mention_rows(columns, doc_id, text, list(_sentence_spans(text, abbreviations)), lexicon, date_of(doc_id), places)
    out = pd.DataFrame(columns, columns=MENTION_COLUMNS)
    out = out.astype({"sent_id": "int64", "start": "int64", "end": "int64"})
    return out.sort_values(["doc_id", "start", "end"], kind="stable").reset_index(drop=True)


def _mention_rows(columns: dict[str, list], doc_id, text: str, spans: list[tuple[int, int]], lexicon: Lexicon, when,
                  places: bool) -> None:
    """Append one document's mentions to ``columns`` (a list per column of :func:`mentions`),
    read from the remembered :func:`_all_mentions` without copying each one as
    :func:`find_mentions` does for its callers.

    >>> cols = {c: [] for c in MENTION_COLUMNS}
    >>> _mention_rows(cols, "d1", "Zelensky spoke in Kyiv. Kyiv's envoy too.", [(0, 23), (24, 41)],
    ...               _default_lexicon(resource_stamp(_data_dir(None))), None, False)
    >>> cols["surface"], cols["sent_id"]
    (['Zelensky', "Kyiv's"], [1, 2])
    """
    starts = [a for a, _ in spans]  # sentences in order, not overlapping: the one holding a mention by bisection
    n = len(spans)
    for m in _all_mentions(text, lexicon, _as_day(when)):
        if not places and _is_place(text, m):
            continue
        start = m["start"]
        k = bisect.bisect_right(starts, start) - 1
        columns["doc_id"].append(doc_id)
        columns["sent_id"].append(k + 1 if k >= 0 and start < spans[k][1] else n)
        columns["start"].append(start)
        columns["end"].append(m["end"])
        columns["surface"].append(m["surface"])
        columns["actor"].append(m["actor"])
        columns["how"].append(m["how"])


def mention_counts(mentions_df: pd.DataFrame, actors: pd.DataFrame | None = None) -> pd.DataFrame:
    """Mentions per actor per document: ``doc_id, actor, type, side, n``, most mentioned first.

    Examples
    --------
    >>> m = pd.DataFrame({"doc_id": ["d1", "d1", "d1"], "actor": ["Russia", "Russia", "Donald Trump"]})
    >>> mention_counts(m)[["doc_id", "actor", "n"]].values.tolist()
    [['d1', 'Russia', 2], ['d1', 'Donald Trump', 1]]
    """
    actors = load_actors() if actors is None else actors
    counts = mentions_df.groupby(["doc_id", "actor"]).size().rename("n").reset_index()
    counts = counts.merge(actors[["actor", "type", "side"]], on="actor", how="left").fillna({"type": "", "side": ""})
    counts = counts[["doc_id", "actor", "type", "side", "n"]]
    return counts.sort_values(["doc_id", "n", "actor"], ascending=[True, False, True], kind="stable").reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# word tables for document-level coreference (see data/person_words_README.md)

ROLES = ("head_of_state", "head_of_government", "leader", "foreign_minister", "defence_minister")


def load_honorifics(data_dir: Path | str | None = None) -> pd.DataFrame:
    """Read ``data/honorifics.csv``: ``honorific, gender, name_part, note``.

    ``name_part`` says which part of the name follows: ``surname`` ("Mr Macron") or
    ``first_name`` ("Sir Keir").

    Examples
    --------
    >>> h = load_honorifics().set_index("honorific")
    >>> h.loc["Sir", "name_part"], h.loc["Ms", "gender"]
    ('first_name', 'female')
    """
    path = _data_dir(data_dir) / "honorifics.csv"
    table = read_table(path, ["honorific", "gender", "name_part"], what="honorifics")
    for line, row in enumerate(table.itertuples(index=False), start=2):
        if row.name_part not in ("surname", "first_name"):
            raise CorpusError(f"{path} line {line}: name_part {row.name_part!r} must be surname or first_name")
        if row.gender not in GENDERS:
            raise CorpusError(f"{path} line {line}: gender {row.gender!r} must be female, male or empty")
    return table


def load_name_particles(data_dir: Path | str | None = None) -> frozenset[str]:
    """The particles inside surnames (``data/name_particles.csv``): "De Wever", "von der Leyen".

    Examples
    --------
    >>> {"von", "der", "da", "De"} <= load_name_particles()
    True
    """
    return frozenset(read_table(_data_dir(data_dir) / "name_particles.csv", ["particle"], what="name particles")["particle"])


def load_demonyms(data_dir: Path | str | None = None) -> pd.DataFrame:
    """Read ``data/demonyms.csv``: ``word, country`` (country adjectives, names, metonyms).

    Examples
    --------
    >>> d = load_demonyms().set_index("word")["country"]
    >>> d["Belgian"], d["U.K."], d["Kremlin"]
    ('Belgium', 'United Kingdom', 'Russia')
    """
    path = _data_dir(data_dir) / "demonyms.csv"
    table = read_table(path, ["word", "country"], what="country adjectives")
    dupes = table["word"][table["word"].duplicated()]
    if len(dupes):
        raise CorpusError(f"{path}: the word {dupes.iloc[0]!r} has two rows; a word names one country")
    return table


def load_leader_nouns(data_dir: Path | str | None = None) -> pd.DataFrame:
    """Read ``data/leader_nouns.csv``: ``noun, role`` (role one of :data:`ROLES`).

    Examples
    --------
    >>> n = load_leader_nouns().set_index("noun")["role"]
    >>> n["PM"], n["chief"], n["chancellor"]
    ('head_of_government', 'leader', 'head_of_government')
    """
    path = _data_dir(data_dir) / "leader_nouns.csv"
    table = read_table(path, ["noun", "role"], what="leader nouns")
    for line, row in enumerate(table.itertuples(index=False), start=2):
        if row.role not in ROLES:
            raise CorpusError(f"{path} line {line}: role {row.role!r} is not one of {', '.join(ROLES)}")
    return table


def load_institutions(data_dir: Path | str | None = None) -> pd.DataFrame:
    """Read ``data/institutions.csv``: ``variant, institution, kind, country, side``.

    ``kind`` is ``name`` (a fixed name or metonym: "Downing Street") or ``noun`` (an
    institution noun that takes a country: "foreign ministry" in "the Ukrainian Foreign
    Ministry", with ``{country}`` in ``institution``).

    Examples
    --------
    >>> t = load_institutions().set_index("variant")
    >>> t.loc["Downing Street", "institution"], t.loc["foreign ministry", "institution"]
    ('government of United Kingdom', 'foreign ministry of {country}')
    """
    path = _data_dir(data_dir) / "institutions.csv"
    table = read_table(path, ["variant", "institution", "kind", "country", "side"], what="institutions")
    for line, row in enumerate(table.itertuples(index=False), start=2):
        if row.kind not in ("name", "noun"):
            raise CorpusError(f"{path} line {line}: kind {row.kind!r} must be name or noun")
        if row.kind == "noun" and "{country}" not in row.institution:
            raise CorpusError(f"{path} line {line}: a noun row needs {{country}} in institution, e.g. 'government of {{country}}'")
        if row.kind == "name" and row.side not in SIDES:
            raise CorpusError(f"{path} line {line}: side {row.side!r} is not one of {', '.join(SIDES)}")
    return table
