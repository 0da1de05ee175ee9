"""Load the curated resources in ``data/``: word lists and CSV tables a researcher can extend.

Word lists are plain text (one entry per line, ``#`` starts a comment); tables are CSV with a
header. Every loader checks the columns it needs and names the file and line of a bad row.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pandas as pd

from corpus_tools.errors import CorpusError
from corpus_tools.paths import data_dir as _data_dir


def read_word_list(path: Path | str) -> frozenset[str]:
    """Read a word list: one entry per line, blank lines and ``#`` comments ignored.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "w.txt"
    >>> _ = p.write_text("# comment\\nthe\\n\\nand\\n", encoding="utf-8")
    >>> sorted(read_word_list(p))
    ['and', 'the']
    """
    path = Path(path)
    if not path.is_file():
        raise CorpusError(f"{path}: word list not found; create it (one entry per line)")
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        entry = line.strip()
        if entry and not entry.startswith("#"):
            entries.append(entry)
    return frozenset(entries)


def read_table(path: Path | str, required: list[str], *, what: str = "table") -> pd.DataFrame:
    """Read a CSV resource as strings (empty cells as ``""``) and check its columns.

    Examples
    --------
    >>> df = read_table(_data_dir() / "meetings.csv", ["meeting_id", "date"])
    >>> "paris-2025-03-27" in set(df["meeting_id"])
    True
    """
    path = Path(path)
    if not path.is_file():
        raise CorpusError(f"{path}: {what} not found; it needs the columns {', '.join(required)}")
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise CorpusError(f"{path}: cannot read this CSV ({exc}); check quoting and encoding") from exc
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise CorpusError(
            f"{path}: missing column(s) {', '.join(missing)}; the header must include "
            f"{', '.join(required)}"
        )
    return df


@lru_cache(maxsize=8)
def _stopwords(path: Path, stamp: tuple[int, int]) -> frozenset[str]:
    return frozenset(w.lower() for w in read_word_list(path))


def _file_stamp(path: Path) -> tuple[int, int]:
    """Modification time and size: part of a cache key, so an edited file is read again."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return (0, -1)
    return (stat.st_mtime_ns, stat.st_size)


def resource_stamp(directory: Path) -> tuple:
    """Name, modification time and size of every word list and table in ``directory`` and its
    ``lexicons/``: the key under which compiled resources are kept in a process, so that an
    edited file is read again.

    Examples
    --------
    >>> stamp = resource_stamp(_data_dir())
    >>> stamp[0] == str(_data_dir()), ("actors.csv" in {entry[0] for entry in stamp[1:]})
    (True, True)
    """
    files = sorted([*directory.glob("*.csv"), *directory.glob("*.txt"), *directory.glob("lexicons/*.csv")])
    return (str(directory),) + tuple((str(f.relative_to(directory)), *_file_stamp(f)) for f in files)


def load_stopwords(data_dir: Path | str | None = None) -> frozenset[str]:
    """Return the English stopwords (lower case) from ``data/stopwords_en.txt``.

    Examples
    --------
    >>> sw = load_stopwords()
    >>> "the" in sw, "us" in sw, "US" in sw, "sanctions" in sw
    (True, True, False, False)
    """
    path = _data_dir(data_dir) / "stopwords_en.txt"
    return _stopwords(path, _file_stamp(path))


def load_abbreviations(data_dir: Path | str | None = None) -> frozenset[str]:
    """Return abbreviations that do not end a sentence (lower case, no final period).

    Examples
    --------
    >>> {"u.s", "mr", "gen"} <= load_abbreviations()
    True
    """
    path = _data_dir(data_dir) / "abbreviations.txt"
    return _abbreviations(path, _file_stamp(path))


@lru_cache(maxsize=8)
def _abbreviations(path: Path, stamp: tuple[int, int]) -> frozenset[str]:
    return frozenset(a.lower() for a in read_word_list(path))


BOILERPLATE_KINDS = ("line", "span", "block")


def load_boilerplate_rules(data_dir: Path | str | None = None) -> pd.DataFrame:
    """Return the boilerplate rules of ``data/boilerplate.csv``, one row per rule.

    Each pattern is compiled here, so a bad regular expression is reported with its line.

    Examples
    --------
    >>> rules = load_boilerplate_rules()
    >>> {"donation-appeal", "photo-credit"} <= set(rules["rule_id"])
    True
    """
    path = _data_dir(data_dir) / "boilerplate.csv"
    rules = read_table(path, ["rule_id", "kind", "pattern", "end_pattern"], what="boilerplate rules")
    for i, row in enumerate(rules.itertuples(index=False), start=2):
        where = f"{path} line {i} (rule {row.rule_id!r})"
        if not row.rule_id:
            raise CorpusError(f"{path} line {i}: rule_id is empty; give every rule a short name")
        if row.kind not in BOILERPLATE_KINDS:
            raise CorpusError(f"{where}: kind {row.kind!r} is not one of {', '.join(BOILERPLATE_KINDS)}")
        if row.kind == "block" and not row.end_pattern:
            raise CorpusError(f"{where}: a block rule needs an end_pattern (the block's last line)")
        for column in ("pattern", "end_pattern"):
            value = getattr(row, column)
            if column == "pattern" and not value:
                raise CorpusError(f"{where}: pattern is empty")
            try:
                re.compile(value)
            except re.error as exc:
                raise CorpusError(f"{where}: {column} is not a valid regular expression ({exc})") from exc
    dupes = rules["rule_id"][rules["rule_id"].duplicated()]
    if len(dupes):
        raise CorpusError(f"{path}: rule_id {dupes.iloc[0]!r} is used twice; rule ids must be unique")
    return rules
