"""The corpus: the manifest ``data/corpus.csv``, the raw articles in ``data/raw/``, the
meetings of ``data/meetings.csv``, their validation, and :func:`load_corpus`.

Raw files are read, never written. Every problem found is reported with the file and line
that cause it and what to do; :func:`check_corpus` lists them all at once.
"""
from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import re
import warnings
from datetime import date
from pathlib import Path

import pandas as pd

from corpus_tools.clean import AUDIT_COLUMNS, clean_texts
from corpus_tools.errors import CorpusError, CorpusWarning, Problem, display_path
from corpus_tools.paths import data_dir as _data_dir
from corpus_tools.resources import load_boilerplate_rules, read_table

MANIFEST_COLUMNS = [
    "doc_id", "file", "outlet", "url", "published", "meeting_id",
    "title", "language", "original_language", "sha256", "notes",
]
REQUIRED_MANIFEST_COLUMNS = ["doc_id", "file", "outlet", "url", "published", "meeting_id", "sha256"]
MEETING_COLUMNS = ["meeting_id", "date", "place", "description"]


def sha256_of(path: Path | str) -> str:
    """Return the hex SHA-256 of a file's bytes.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> _ = p.write_bytes(b"abc")
    >>> sha256_of(p)[:16]
    'ba7816bf8f01cfea'
    """
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def decode_article(data: bytes, name: str) -> str:
    """Decode an article's bytes as UTF-8 or raise a :class:`CorpusError` naming the byte offset.

    Examples
    --------
    >>> decode_article("Kyiv".encode(), "a.txt")
    'Kyiv'
    >>> decode_article(b"Kyiv \\xe9", "a.txt")
    Traceback (most recent call last):
    ...
    corpus_tools.errors.CorpusError: a.txt: not valid UTF-8 at byte offset 5 (byte 0xe9); re-save the file as UTF-8
    """
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CorpusError(
            f"{name}: not valid UTF-8 at byte offset {exc.start} (byte 0x{data[exc.start]:02x}); "
            "re-save the file as UTF-8"
        ) from exc


def parse_iso_date(value: str) -> date | None:
    """Parse ``YYYY-MM-DD``; return None for an empty value, raise ValueError otherwise.

    Examples
    --------
    >>> parse_iso_date("2025-03-27"), parse_iso_date("")
    (datetime.date(2025, 3, 27), None)
    """
    if not value:
        return None
    if len(value) != 10:
        raise ValueError(value)
    return date.fromisoformat(value)


def _check_meetings(directory: Path) -> tuple[pd.DataFrame | None, list[Problem]]:
    path = directory / "meetings.csv"
    try:
        meetings = read_table(path, MEETING_COLUMNS, what="meetings table")
    except CorpusError as exc:
        return None, [Problem("error", str(path), str(exc).removeprefix(f"{path}: "))]
    problems = []
    seen: dict[str, int] = {}
    for line, row in enumerate(meetings.itertuples(index=False), start=2):
        if not row.meeting_id:
            problems.append(Problem("error", str(path), f"line {line}: meeting_id is empty", line))
        elif row.meeting_id in seen:
            problems.append(Problem("error", str(path), f"line {line}: meeting_id {row.meeting_id!r} repeats line {seen[row.meeting_id]}; ids must be unique", line))
        seen.setdefault(row.meeting_id, line)
        try:
            if parse_iso_date(row.date) is None:
                problems.append(Problem("error", str(path), f"line {line}: date is empty; write the meeting's date as YYYY-MM-DD", line))
        except ValueError:
            problems.append(Problem("error", str(path), f"line {line}: date {row.date!r} is not a date; write it as YYYY-MM-DD", line))
    return meetings, problems


def _shown(problems: list[Problem], directory: Path) -> list[Problem]:
    """Name files relative to the folder holding ``data/`` (``data/corpus.csv``), as a reader sees them."""
    return [dataclasses.replace(p, file=display_path(p.file, directory.parent)) for p in problems]


def check_corpus(data_dir: Path | str | None = None) -> list[Problem]:
    """Validate manifest, raw files and meetings; return every problem found (empty if none).

    Checks: the manifest exists and has its columns; each row names an existing file whose
    SHA-256 matches; ids are unique; dates are ``YYYY-MM-DD``; meeting ids exist in
    ``meetings.csv``; texts are UTF-8 and not empty; no raw file lacks a row; no text repeats.

    Examples
    --------
    >>> [str(p) for p in check_corpus() if p.level == "error"]
    []
    """
    directory = _data_dir(data_dir)
    manifest_path = directory / "corpus.csv"
    meetings, problems = _check_meetings(directory)
    known_meetings = set(meetings["meeting_id"]) if meetings is not None else None
    try:
        manifest = read_table(manifest_path, REQUIRED_MANIFEST_COLUMNS, what="manifest")
    except CorpusError as exc:
        hint = " (or add articles with `corpus-tools add`)" if not manifest_path.exists() else ""
        return _shown([Problem("error", str(manifest_path), str(exc).removeprefix(f"{manifest_path}: ") + hint), *problems], directory)
    raw = directory / "raw"
    seen_ids: dict[str, int] = {}
    seen_texts: dict[str, tuple[int, str]] = {}
    listed: set[str] = set()
    m = str(manifest_path)
    for line, row in enumerate(manifest.itertuples(index=False), start=2):
        where = f"line {line} (doc_id {row.doc_id!r})"
        if not row.doc_id:
            problems.append(Problem("error", m, f"line {line}: doc_id is empty; give the article a unique id", line))
        elif row.doc_id in seen_ids:
            problems.append(Problem("error", m, f"{where}: doc_id repeats line {seen_ids[row.doc_id]}; doc ids must be unique", line))
        seen_ids.setdefault(row.doc_id, line)
        try:
            parse_iso_date(row.published)
        except ValueError:
            problems.append(Problem("error", m, f"{where}: published {row.published!r} is not a date; write YYYY-MM-DD, or leave it empty if unknown", line))
        if not row.meeting_id:
            problems.append(Problem("warning", m, f"{where}: meeting_id is empty; the article is left out of meeting comparisons", line))
        elif known_meetings is not None and row.meeting_id not in known_meetings:
            problems.append(Problem("error", m, f"{where}: meeting_id {row.meeting_id!r} is not in meetings.csv; add a row there (meeting_id,date,place,description) or fix the id", line))
        if not row.file:
            problems.append(Problem("error", m, f"{where}: file is empty; name the article's file in data/raw/", line))
            continue
        listed.add(row.file)
        path = raw / row.file
        if Path(row.file).name != row.file or not path.is_file():
            problems.append(Problem("error", m, f"{where}: file {row.file!r} is not in {display_path(raw, directory.parent)}; copy the article there or fix the name", line))
            continue
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if row.sha256 != digest:
            problems.append(Problem("error", m, f"{where}: sha256 does not match data/raw/{row.file} (file has {digest}); raw files are never edited: restore the original, or if this is a new version, give it a new row", line))
        try:
            text = decode_article(data, f"data/raw/{row.file}")
        except CorpusError as exc:
            problems.append(Problem("error", str(path), str(exc).removeprefix(f"data/raw/{row.file}: ") + f" (manifest {where})", line))
            continue
        if not text.strip():
            problems.append(Problem("error", str(path), f"empty or whitespace only (manifest {where}); remove its row or restore the text", line))
            continue
        key = " ".join(text.split())
        if key in seen_texts:
            other_line, other_id = seen_texts[key]
            problems.append(Problem("warning", m, f"{where}: same text as line {other_line} (doc_id {other_id!r}); remove one row unless both are wanted", line))
        else:
            seen_texts[key] = (line, row.doc_id)
    if raw.is_dir():
        for path in sorted(raw.iterdir()):
            if path.is_file() and path.name not in listed and not path.name.startswith("."):
                problems.append(Problem("warning", str(path), f"has no row in {manifest_path.name}; it is ignored. Add it with `corpus-tools add` or move it out of data/raw/"))
    return _shown(problems, directory)


def _raise_or_warn(problems: list[Problem]) -> None:
    errors = [p for p in problems if p.level == "error"]
    for problem in problems:
        if problem.level == "warning":
            warnings.warn(str(problem), CorpusWarning, stacklevel=3)
    if errors:
        listing = "\n".join(f"  - {p.file}: {p.message}" for p in errors)
        raise CorpusError(f"the corpus has {len(errors)} problem(s):\n{listing}")


def load_meetings(data_dir: Path | str | None = None) -> pd.DataFrame:
    """One row per meeting: ``meeting_id, date, place, description``, sorted by date.

    Examples
    --------
    >>> load_meetings()["meeting_id"].tolist()
    ['brussels-2025-03-20', 'paris-2025-03-27', 'paris-2026-01-06']
    """
    directory = _data_dir(data_dir)
    meetings, problems = _check_meetings(directory)
    _raise_or_warn(_shown(problems, directory))
    meetings = meetings.assign(date=pd.to_datetime(meetings["date"], format="%Y-%m-%d"))
    return meetings.sort_values(["date", "meeting_id"]).reset_index(drop=True)


def load_corpus(data_dir: Path | str | None = None, *, cache: Path | str | None = None) -> pd.DataFrame:
    """Load and clean the corpus: one row per document.

    Columns: the manifest's (``doc_id, file, outlet, url, published, meeting_id, title,
    language, original_language, sha256, notes``; ``published`` as a date, NaT when unknown),
    ``text_raw``, ``text`` (cleaned), and counts ``n_chars``, ``n_sentences``, ``n_words``.
    Raises :class:`CorpusError` listing every error of :func:`check_corpus`; warns on the rest.

    ``n_sentences`` and ``n_words`` are read from the pipeline's cache (``cache``, by default
    :func:`corpus_tools.paths.cache_dir`) when its ``sentences`` and ``term_counts`` stages
    hold every document at the current versions (after ``corpus-tools process``: the rows
    :func:`corpus_tools.process` stored, so the same counts); otherwise they are counted here,
    by tokenising the clean texts a chunk of documents at a time. Nothing is written.

    Examples
    --------
    >>> corpus = load_corpus()
    >>> len(corpus), corpus.loc[0, "outlet"]
    (5, 'La Voce di New York (English edition)')
    >>> "Support The Moscow Times!" in corpus.loc[4, "text"]
    False
    """
    directory = _data_dir(data_dir)
    _raise_or_warn(check_corpus(directory))
    manifest = read_table(directory / "corpus.csv", REQUIRED_MANIFEST_COLUMNS, what="manifest")
    for column in MANIFEST_COLUMNS:
        if column not in manifest.columns:
            manifest[column] = ""
    corpus = manifest[MANIFEST_COLUMNS].copy()
    rules = load_boilerplate_rules(directory)
    raw_texts = [decode_article((directory / "raw" / f).read_bytes(), f) for f in corpus["file"]]
    corpus["published"] = pd.to_datetime(corpus["published"].replace("", None), format="%Y-%m-%d")
    corpus["text_raw"] = raw_texts
    corpus["text"] = clean_texts(raw_texts, rules)  # clean_text's texts, without an audit table per text
    corpus["n_chars"] = corpus["text"].str.len()
    counts = _counts_from_cache(corpus, directory, cache)
    n_sentences, n_words = counts if counts is not None else _counts_by_chunk(corpus[["doc_id", "text"]], directory)
    corpus["n_sentences"] = corpus["doc_id"].map(n_sentences).fillna(0).astype("int64")
    corpus["n_words"] = corpus["doc_id"].map(n_words).fillna(0).astype("int64")
    return corpus


def _counts_from_cache(corpus: pd.DataFrame, directory: Path,
                       cache: Path | str | None) -> tuple[pd.Series, pd.Series] | None:
    """Sentences and alphabetic words per document from the cached ``sentences`` and
    ``term_counts`` stages (only their ``doc_id`` and ``n`` columns are read), or None when the
    cache lacks a document at the current stage versions. A document's sentence count is its
    number of rows in ``sentences``; its word count the sum of ``n`` in ``term_counts`` (one
    row per distinct word form, counting the ``is_alpha`` tokens)."""
    from corpus_tools.paths import cache_dir
    from corpus_tools.pipeline import _KEY, Processed, _covered, articles_from_corpus, stage_versions

    root = cache_dir(cache)
    if not root.is_dir():
        return None
    stages = ("sentences", "term_counts")
    versions = stage_versions(stages, data_dir=directory)
    docs = articles_from_corpus(corpus)
    for stage in stages:
        covered = _covered(root, stage, versions[stage])
        if not covered or not docs[_KEY].isin(covered.keys()).all():
            return None
    stored = Processed(docs[["doc_id", "published", "meeting_id", _KEY]], root, versions)
    n_sentences = stored.table("sentences", columns=["doc_id"]).groupby("doc_id", sort=False).size()
    n_words = stored.table("term_counts", columns=["doc_id", "n"]).groupby("doc_id", sort=False)["n"].sum()
    return n_sentences, n_words


def _counts_by_chunk(docs: pd.DataFrame, directory: Path, chunk: int = 500) -> tuple[pd.Series, pd.Series]:
    """Sentences and alphabetic words per document, ``chunk`` documents at a time, so the
    tokens of the whole corpus (several GB at 10,000 articles) are never held at once."""
    from corpus_tools.tokens import sentences, tokens

    n_sentences, n_words = [], []
    for start in range(0, len(docs), chunk):
        sents = sentences(docs.iloc[start:start + chunk], data_dir=directory)
        toks = tokens(sents, data_dir=directory)
        n_sentences.append(sents.groupby("doc_id").size())
        n_words.append(toks[toks["is_alpha"]].groupby("doc_id").size())
    empty = pd.Series(dtype="int64")
    return (pd.concat(n_sentences) if n_sentences else empty), (pd.concat(n_words) if n_words else empty)


def cleaning_audit(corpus: pd.DataFrame, data_dir: Path | str | None = None) -> pd.DataFrame:
    """What cleaning removed: one row per removed line, block or span, per document.

    Columns: ``doc_id, rule_id, kind, line_start, line_end, col_start, col_end, text`` (lines
    1-based in the raw file; columns 0-based within the line).

    Examples
    --------
    >>> audit = cleaning_audit(load_corpus())
    >>> audit.groupby("doc_id").size().to_dict()
    {'003_2b7f16d37a3bbf4f': 1, '004_a8e185546eefeca8': 5}
    """
    from corpus_tools.clean import _compiled_rules, _remove_boilerplate, normalize_punctuation, normalize_unicode

    compiled = _compiled_rules(load_boilerplate_rules(_data_dir(data_dir)))
    rows: list[dict] = []
    position: list[int] = []  # each row's document, in corpus order
    for i, (text, doc_id) in enumerate(zip(corpus["text_raw"], corpus["doc_id"])):
        # the removals clean_text audits, collected as rows: one table for the corpus, not one per text
        found = _remove_boilerplate(normalize_punctuation(normalize_unicode(text)), compiled, doc_id)[1]
        rows += found
        position += [i] * len(found)
    if not rows:
        return pd.DataFrame(columns=AUDIT_COLUMNS)
    audit = pd.DataFrame(rows, columns=AUDIT_COLUMNS).assign(_doc=position)
    audit = audit.sort_values(["_doc", "line_start", "col_start"], kind="stable")  # clean_text's order within each document
    return audit.drop(columns="_doc").reset_index(drop=True)


def corpus_summary(corpus: pd.DataFrame) -> pd.DataFrame:
    """One row per document with what a reader wants first: outlet, date, meeting, size.

    Examples
    --------
    >>> corpus_summary(load_corpus()).columns.tolist()
    ['doc_id', 'outlet', 'published', 'meeting_id', 'n_words', 'n_sentences']
    """
    columns = ["doc_id", "outlet", "published", "meeting_id", "n_words", "n_sentences"]
    return corpus[columns].sort_values(["doc_id"]).reset_index(drop=True)


_MEETING_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def _append_csv_row(path: Path, columns: list[str], row: dict[str, str]) -> bytes:
    """Append one row to a CSV file, keeping its existing bytes; return the old bytes."""
    old = path.read_bytes()
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow([row.get(c, "") for c in columns])
    prefix = old if old.endswith(b"\n") or not old else old + b"\n"
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(prefix + buffer.getvalue().encode("utf-8"))
    tmp.replace(path)
    return old


def _header(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return next(csv.reader(handle))


def add_meeting(meeting_id: str, when: str, place: str, description: str = "", *,
                data_dir: Path | str | None = None) -> dict[str, str]:
    """Append a meeting to ``data/meetings.csv`` after checking it; return the row written.

    ``meeting_id`` is lower-case words joined by hyphens (``paris-2026-01-06``); ``when`` is
    ``YYYY-MM-DD``. Refuses an id that exists. Nothing is written when a check fails.

    Examples
    --------
    >>> add_meeting("Paris 2026", "2026-01-06", "Paris")
    Traceback (most recent call last):
    ...
    corpus_tools.errors.CorpusError: meeting id 'Paris 2026' must be lower-case words and digits joined by hyphens, e.g. paris-2026-01-06
    """
    directory = _data_dir(data_dir)
    if not _MEETING_ID.fullmatch(meeting_id):
        raise CorpusError(f"meeting id {meeting_id!r} must be lower-case words and digits joined by hyphens, e.g. paris-2026-01-06")
    try:
        if parse_iso_date(when) is None:
            raise ValueError(when)
    except ValueError as exc:
        raise CorpusError(f"meeting date {when!r} is not a date; write YYYY-MM-DD") from exc
    if not place.strip():
        raise CorpusError("a meeting needs a place (e.g. --place Paris)")
    meetings = load_meetings(directory)
    if meeting_id in set(meetings["meeting_id"]):
        raise CorpusError(f"meeting {meeting_id!r} is already in {directory / 'meetings.csv'}")
    row = {"meeting_id": meeting_id, "date": when, "place": place.strip(), "description": description.strip()}
    path = directory / "meetings.csv"
    _append_csv_row(path, _header(path), row)
    return row


def _next_file_stem(raw: Path, digest: str) -> str:
    numbers = [int(p.name[:3]) for p in raw.glob("[0-9][0-9][0-9]_*")]
    return f"{max(numbers, default=-1) + 1:03d}_{digest[:16]}"


def add_article(text: str | bytes, *, outlet: str, url: str = "", published: str = "", meeting_id: str = "",
                title: str = "", language: str = "en", original_language: str = "", notes: str = "",
                new_meeting: tuple[str, str] | None = None,
                data_dir: Path | str | None = None) -> dict[str, str]:
    """Add an article to the corpus: copy its text into ``data/raw/``, append its manifest row.

    The file is named ``NNN_<first 16 hex of its SHA-256>.txt`` with the next free number,
    which is also its ``doc_id``. ``new_meeting=(date, place)`` also adds ``meeting_id`` to
    ``meetings.csv``. Everything is checked before anything is written (UTF-8,
    not empty, not a duplicate of an existing text, date, known meeting, unused name); after
    writing, the corpus is checked again and, should a new error appear, both writes are
    undone. Returns the manifest row.

    Examples
    --------
    >>> add_article("", outlet="Example Post")
    Traceback (most recent call last):
    ...
    corpus_tools.errors.CorpusError: the article text is empty; nothing was added
    """
    directory = _data_dir(data_dir)
    data = text.encode("utf-8") if isinstance(text, str) else bytes(text)
    decoded = decode_article(data, "the article text")
    if not decoded.strip():
        raise CorpusError("the article text is empty; nothing was added")
    if not outlet.strip():
        raise CorpusError("an article needs its outlet (--outlet); nothing was added")
    try:
        parse_iso_date(published)
    except ValueError as exc:
        raise CorpusError(f"published {published!r} is not a date; write YYYY-MM-DD, or leave it out if unknown; nothing was added") from exc
    before = check_corpus(directory)
    errors = [p for p in before if p.level == "error"]
    if errors:
        raise CorpusError("fix the corpus first (`corpus-tools check`): " + "; ".join(f"{p.file}: {p.message}" for p in errors))
    if new_meeting and not meeting_id:
        raise CorpusError("--new-meeting needs the new meeting's id (--meeting ID); nothing was added")
    if meeting_id and not new_meeting and meeting_id not in set(load_meetings(directory)["meeting_id"]):
        raise CorpusError(
            f"meeting {meeting_id!r} is not in {directory / 'meetings.csv'}; add it first with "
            f"`corpus-tools add-meeting {meeting_id} --date YYYY-MM-DD --place PLACE`, or pass --new-meeting DATE PLACE; nothing was added"
        )
    manifest = read_table(directory / "corpus.csv", REQUIRED_MANIFEST_COLUMNS, what="manifest")
    key = " ".join(decoded.split())
    for row in manifest.itertuples(index=False):
        existing = directory / "raw" / row.file
        if existing.is_file() and " ".join(existing.read_text(encoding="utf-8").split()) == key:
            raise CorpusError(f"this text is already in the corpus as {row.doc_id} (data/raw/{row.file}); nothing was added")
    digest = hashlib.sha256(data).hexdigest()
    raw = directory / "raw"
    stem = _next_file_stem(raw, digest)
    target = raw / f"{stem}.txt"
    if target.exists() or stem in set(manifest["doc_id"]):
        raise CorpusError(f"{target} or doc_id {stem} exists already; nothing was added")
    row = {
        "doc_id": stem, "file": target.name, "outlet": outlet.strip(), "url": url.strip(), "published": published,
        "meeting_id": meeting_id, "title": title.strip(), "language": language, "original_language": original_language,
        "sha256": digest, "notes": notes.strip(),
    }
    manifest_path, meetings_path = directory / "corpus.csv", directory / "meetings.csv"
    saved = {manifest_path: manifest_path.read_bytes(), meetings_path: meetings_path.read_bytes()}
    created = False
    try:
        if new_meeting:
            add_meeting(meeting_id, new_meeting[0], new_meeting[1], data_dir=directory)
        with target.open("xb") as handle:  # "x": never overwrite
            created = True
            handle.write(data)
        _append_csv_row(manifest_path, _header(manifest_path), row)
        new_errors = [p for p in check_corpus(directory) if p.level == "error"]
        if new_errors:
            raise CorpusError("the new row would break the corpus: " + "; ".join(p.message for p in new_errors))
    except BaseException as exc:
        for path, content in saved.items():
            path.write_bytes(content)
        if created:
            target.unlink()
        if isinstance(exc, CorpusError):
            raise CorpusError(f"{exc}; nothing was added") from exc
        raise
    return row
