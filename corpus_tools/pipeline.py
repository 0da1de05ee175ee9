"""Per-document processing with a cache, a process pool and a Dask backend.

Every stage (``sentences``, ``tokens``, ``term_counts``, ``tone``, ``mentions``, ``quotes``,
``tone_toward``, the last the learned layer of :mod:`corpus_tools.target_model` over the rules
unless the parameter ``tone_toward_method`` is ``"rules"``)
is the package's own public function applied to a batch of documents, so the cached,
parallel and distributed paths give the same tables as calling those functions directly.

The cache (``.cache/`` by default, see :func:`corpus_tools.paths.cache_dir`) stores each
stage's rows in Parquet files under ``<cache>/<stage>/<version>/part-<hash>.parquet``:

- a document is keyed by the hash of its raw text and the metadata a stage reads
  (``doc_id``, ``published``, ``meeting_id``);
- a stage's *version* hashes the package version, the source of the modules it runs, the
  bytes of the ``data/`` resources it reads, its parameters, and the versions of the stages
  it builds on. Change a lexicon or a cleaning rule and exactly the stages that depend on it
  are recomputed; add one article and one article is processed;
- each part file lists, in its Parquet metadata, the document keys it covers (also those
  with no rows, such as an article without quotes), so "processed" never depends on rows.

Nothing is held for the whole corpus in the workers: each batch is processed and written by
the worker that ran it; only file names travel back. Reading a stage
(:meth:`Processed.table`) concatenates its parts for the documents asked for.

Scheduling: ``"serial"``; ``"processes"`` (a local process pool across the cores, the
default for corpora of :data:`PARALLEL_THRESHOLD` documents or more); ``"dask"`` (a
``distributed`` cluster at ``address``, or a ``LocalCluster`` when none is given, with the
batches mapped by ``dask.bag``). Workers must see the same cache directory (a shared file
system on a real cluster).

Input: a corpus table, or the path of a JSON Lines or Parquet file of articles, which is
streamed: the driver reads it in chunks (:func:`iter_articles`) and keeps, per document, only
its id, date, meeting and cache key, so its memory does not grow with the texts. With Dask
the driver does not read the texts at all: the workers read their own partitions
(``dask.bag.read_text`` blocks of JSON Lines, ``dask.dataframe.read_parquet`` row groups; write
Parquet files with row groups of a few hundred articles so that there are partitions to share).
"""
from __future__ import annotations

import contextlib
import gc
import hashlib
import importlib.util
import itertools
import json
import multiprocessing
import os
import resource
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.metadata import version as _package_version
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from corpus_tools.errors import CorpusError
from corpus_tools.sentiment import METHODS as TONE_METHODS
from corpus_tools.target_model import RULE_FILES, TRAIN_FILES, TUNE_FILES
from corpus_tools.paths import cache_dir as _cache_dir
from corpus_tools.paths import data_dir as _data_dir

PARALLEL_THRESHOLD = 200
BATCH_SIZE = 100
WORKER_TASKS = 25  # batches a pool worker runs before it is replaced (see _execute_pool)
SCHEDULERS = ("auto", "serial", "processes", "dask")
DOC_COLUMNS = ["doc_id", "text_raw", "published", "meeting_id"]
_KEY = "_doc_key"
_METADATA_KEY = b"corpus_tools_doc_keys"


# ----------------------------------------------------------------------------- stages

def _run_sentences(batch: pd.DataFrame, done: dict[str, pd.DataFrame], data_dir: Path, params: dict) -> pd.DataFrame:
    from corpus_tools.tokens import sentences

    return sentences(batch, data_dir=data_dir)


def _run_tokens(batch: pd.DataFrame, done: dict[str, pd.DataFrame], data_dir: Path, params: dict) -> pd.DataFrame:
    from corpus_tools.tokens import tokens

    return tokens(done["sentences"], data_dir=data_dir)


def _run_term_counts(batch: pd.DataFrame, done: dict[str, pd.DataFrame], data_dir: Path, params: dict) -> pd.DataFrame:
    return term_counts(done["tokens"])


def _run_tone(batch: pd.DataFrame, done: dict[str, pd.DataFrame], data_dir: Path, params: dict) -> pd.DataFrame:
    from corpus_tools.sentiment import sentence_tone

    return sentence_tone(done["sentences"], params.get("tone_method", "vader_adjusted"), data_dir=data_dir)


def _run_mentions(batch: pd.DataFrame, done: dict[str, pd.DataFrame], data_dir: Path, params: dict) -> pd.DataFrame:
    from corpus_tools.speakers import mentions

    with _collector_paused():  # no reference cycles to find (see _collector_paused)
        return mentions(batch, data_dir=data_dir)


def _run_quotes(batch: pd.DataFrame, done: dict[str, pd.DataFrame], data_dir: Path, params: dict) -> pd.DataFrame:
    from corpus_tools.quotes import quotes

    with _collector_paused():  # no reference cycles to find (see _collector_paused)
        return quotes(batch, data_dir=data_dir)


def _run_indirect(batch: pd.DataFrame, done: dict[str, pd.DataFrame], data_dir: Path, params: dict) -> pd.DataFrame:
    from corpus_tools.quotes import indirect_speech

    with _collector_paused():  # no reference cycles to find (see _collector_paused)
        return indirect_speech(batch, data_dir=data_dir)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for the ``with`` block, then restore it as it was.

    The tone-toward stage allocates some hundred thousand small lists, dicts and tuples per
    batch (tokens, mentions, views, feature dicts) and keeps most of them until it returns;
    each allocation burst triggers collections whose oldest generation walks every object
    the worker holds (the fitted model, the lexicons, the remembered analyses). They find
    nothing to free (the stage makes no reference cycles: 75 objects over a 300-article
    batch), yet cost a sixth to a third of the stage's CPU time (300 distinct articles in one
    process: 12.5 against 10.5 ms per document). Memory freed by reference counting is freed
    as before; only cycle detection waits until the block ends. Results do not depend on it.
    The mentions, quotes and indirect stages run paused too: they make no cycles either (a
    collection after each, over 300 distinct articles, finds no unreachable object), and the
    collections cost the quotes stage about a twentieth of its CPU time (1,000 distinct
    articles in one process: 2.69 against 2.53 s).

    Examples
    --------
    >>> import gc
    >>> with _collector_paused():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _run_tone_toward(batch: pd.DataFrame, done: dict[str, pd.DataFrame], data_dir: Path, params: dict) -> pd.DataFrame:
    from corpus_tools.target_tone import _forget_sentence_analyses

    with _collector_paused():  # see its docstring: a sixth to a third of the stage's CPU time otherwise
        try:
            return _tone_toward_rows(batch, done, data_dir, params)
        finally:  # the batch's sentence analyses are not asked for again: the worker's memory stays flat
            _forget_sentence_analyses(data_dir)


def _tone_toward_rows(batch: pd.DataFrame, done: dict[str, pd.DataFrame], data_dir: Path, params: dict) -> pd.DataFrame:
    """The ``tone_toward`` stage's table: the rules, then (by default) the learned layer."""
    from corpus_tools.target_tone import tone_toward

    params = pipeline_params(params)  # the defaults, and the checks process() makes, for a stage run directly
    # the tokens stage's table when this batch computed it (every stage on new documents): the
    # rules read the word spans from it instead of tokenising the sentences again (same rows)
    # and the tone stage's when it scored the sentences as the fallback does (vader_adjusted)
    same_tone = params["tone_method"] == "vader_adjusted"
    rows = tone_toward(batch, sentences=done["sentences"], quotes=done["quotes"], data_dir=data_dir,
                       tokens=done.get("tokens"), tone=done.get("tone") if same_tone else None)
    if params["tone_toward_method"] == "rules":
        return rows
    from corpus_tools.speakers import document_dates
    from corpus_tools.target_model import predict_tone_toward

    # the documents' dates, as the rules had them: the model's view resolves titles on the same day
    return predict_tone_toward(rows, sentences=done["sentences"], dates=document_dates(batch, data_dir),
                               data_dir=data_dir)


@dataclass(frozen=True)
class Stage:
    """One per-document processing step: what it runs, and what its result depends on."""

    name: str
    run: Callable[[pd.DataFrame, dict, Path, dict], pd.DataFrame]
    modules: tuple[str, ...]
    resources: tuple[str, ...]
    needs: tuple[str, ...] = ()
    params: tuple[str, ...] = ()
    packages: tuple[str, ...] = ()


#: the cleaning code every text stage runs; ``corpus.py`` (decoding, the manifest) is not listed: what
#: it produces reaches the stages as ``text_raw``, which keys each document already
_CLEANING = ("clean",)
_SPEAKER_DATA = ("boilerplate.csv", "actors.csv", "titles.csv", "meetings.csv", "speech_cues.csv", "abbreviations.txt")
_QUOTE_DATA = (*_SPEAKER_DATA, "stopwords_en.txt", "honorifics.csv", "name_particles.csv", "demonyms.csv", "leader_nouns.csv",
               "institutions.csv", "domain_terms.csv")
#: what the learned tone-toward layer is trained from (a change refits it, so it keys the stage)
_TONE_TRAINING = tuple(f"annotations/{name}" for name in (*TRAIN_FILES, *TUNE_FILES))
STAGES: dict[str, Stage] = {
    s.name: s
    for s in [
        Stage("sentences", _run_sentences, (*_CLEANING, "tokens"), ("boilerplate.csv", "abbreviations.txt"), packages=("nltk",)),
        Stage("tokens", _run_tokens, ("tokens",), ("stopwords_en.txt",), needs=("sentences",)),
        Stage("term_counts", _run_term_counts, ("pipeline",), (), needs=("tokens",)),
        Stage("tone", _run_tone, ("sentiment", "vader", "tokens", "clean"), ("lexicons/domain_overrides.csv",), needs=("sentences",),
              params=("tone_method",), packages=("nltk", "vaderSentiment", "afinn")),
        Stage("mentions", _run_mentions, (*_CLEANING, "speakers", "tokens"), _SPEAKER_DATA),
        Stage("quotes", _run_quotes, (*_CLEANING, "quotes", "speakers", "tokens"), _QUOTE_DATA),
        Stage("indirect", _run_indirect, (*_CLEANING, "quotes", "speakers", "tokens"), _QUOTE_DATA),
        Stage("tone_toward", _run_tone_toward, ("target_tone", "target_model", "speakers", "sentiment", "vader", "tokens"),
              (*_SPEAKER_DATA, *(f"lexicons/{name}" for name in RULE_FILES), "lexicons/domain_overrides.csv",
               *_TONE_TRAINING), needs=("sentences", "quotes"),
              params=("tone_toward_method",), packages=("nltk", "vaderSentiment", "scikit-learn")),
    ]
}
DEFAULT_PARAMS = {"tone_method": "vader_adjusted", "tone_toward_method": "learned"}
#: the values each parameter takes: ``tone_method`` scores sentence tone (:func:`corpus_tools.sentence_tone`),
#: ``tone_toward_method`` decides tone toward each side with the learned layer over the rules or the rules alone
PARAM_CHOICES = {"tone_method": TONE_METHODS, "tone_toward_method": ("learned", "rules")}


def pipeline_params(params: dict | None = None) -> dict:
    """The stages' parameters: :data:`DEFAULT_PARAMS` with ``params`` over them, each name and
    value checked against :data:`PARAM_CHOICES` before any document is processed (a mistyped
    name would otherwise be ignored, and a wrong value found only by a worker).

    Examples
    --------
    >>> pipeline_params({"tone_toward_method": "rules"})
    {'tone_method': 'vader_adjusted', 'tone_toward_method': 'rules'}
    >>> pipeline_params({"tone_towards_method": "rules"})
    Traceback (most recent call last):
    ...
    corpus_tools.errors.CorpusError: unknown pipeline parameter 'tone_towards_method'; the parameters are tone_method, tone_toward_method
    """
    merged = {**DEFAULT_PARAMS, **(params or {})}
    for name, value in merged.items():
        if name not in PARAM_CHOICES:
            raise CorpusError(f"unknown pipeline parameter {name!r}; the parameters are {', '.join(PARAM_CHOICES)}")
        if value not in PARAM_CHOICES[name]:
            raise CorpusError(f"{name} {value!r} is not one of {', '.join(map(repr, PARAM_CHOICES[name]))}")
    return merged


def term_counts(toks: pd.DataFrame) -> pd.DataFrame:
    """Word counts per document from a tokens table: ``doc_id, term, n, is_stop``.

    ``term`` is the token's ``lower`` form; only word tokens (``is_alpha``) count. This small
    table is what corpus-wide frequencies, keyness and TF-IDF need, so they never have to
    hold every token string of a large corpus.

    Examples
    --------
    >>> toks = pd.DataFrame({"doc_id": ["a"] * 4, "lower": ["peace", "the", "peace", ","],
    ...                      "is_stop": [False, True, False, False], "is_alpha": [True, True, True, False]})
    >>> term_counts(toks).values.tolist()
    [['a', 'peace', 2, False], ['a', 'the', 1, True]]
    """
    alpha, stop = toks["is_alpha"].to_numpy(), toks["is_stop"].to_numpy()
    if alpha.dtype == bool and stop.dtype == bool and alpha.any():
        return _term_counts_coded(toks, alpha, stop)
    return _term_counts_grouped(toks)


def _term_counts_coded(toks: pd.DataFrame, alpha: np.ndarray, stop: np.ndarray) -> pd.DataFrame:
    """:func:`term_counts` from integer codes: the documents and words factorised, each
    (document, word, is_stop) a code in the order it first occurs (as ``groupby(sort=False)``
    orders its groups), its count a ``bincount``, the order one ``lexsort`` whose last key, the
    group's first occurrence, keeps the stable sort's order among ties."""
    doc_codes, docs = toks["doc_id"].array.factorize()  # in order of appearance, as pd.unique
    term_codes, terms = toks["lower"].array[alpha].factorize()
    doc_codes, stop = doc_codes[alpha], stop[alpha]
    keep = (doc_codes >= 0) & (term_codes >= 0)  # groupby leaves out missing keys
    if not keep.all():
        doc_codes, term_codes, stop = doc_codes[keep], term_codes[keep], stop[keep]
    n_terms = len(terms)
    key = (doc_codes.astype(np.int64) * n_terms + term_codes) * 2 + stop
    group, first_keys = pd.factorize(key)
    n = np.bincount(group).astype(np.int64)
    group_doc, group_term = first_keys // (2 * n_terms), (first_keys // 2) % n_terms
    rank = np.empty(n_terms, dtype=np.int64)
    rank[terms.argsort(kind="stable")] = np.arange(n_terms)  # the terms' alphabetical order
    order = np.lexsort((np.arange(len(n)), rank[group_term], -n, group_doc))
    return pd.DataFrame({
        "doc_id": docs.take(group_doc[order]), "term": terms.take(group_term[order]), "n": n[order],
        "is_stop": (first_keys[order] % 2).astype(bool),
    })


def _term_counts_grouped(toks: pd.DataFrame) -> pd.DataFrame:
    """:func:`term_counts` with ``groupby``, for any tokens table (no word, flags not boolean)."""
    words = toks[toks["is_alpha"]]
    counts = words.groupby(["doc_id", "lower", "is_stop"], sort=False).size().rename("n").reset_index()
    counts = counts.rename(columns={"lower": "term"})[["doc_id", "term", "n", "is_stop"]]
    order = {d: i for i, d in enumerate(pd.unique(toks["doc_id"]))}
    counts = counts.assign(_o=counts["doc_id"].map(order)).sort_values(["_o", "n", "term"], ascending=[True, False, True], kind="stable")
    return counts.drop(columns="_o").astype({"n": "int64"}).reset_index(drop=True)


# ----------------------------------------------------------------------------- keys

def _sha(*parts: str | bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part if isinstance(part, bytes) else part.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()


def document_key(doc_id: str, text_raw: str, published: str, meeting_id: str) -> str:
    """The cache key of one document: its raw text and the metadata stages read.

    Examples
    --------
    >>> document_key("d1", "Leaders met.", "2025-03-27", "m")[:12]
    '2fb08bf6589c'
    """
    return _sha(doc_id, text_raw, published, meeting_id)


@lru_cache(maxsize=64)
def _module_source_hash(module: str) -> str:
    path = Path(__file__).with_name(f"{module}.py")
    return _sha(path.read_bytes()) if path.exists() else _sha("missing", module)


def stage_versions(stages: Iterable[str] | None = None, *, data_dir: Path | str | None = None,
                   params: dict | None = None) -> dict[str, str]:
    """The version key of each stage (and of the stages it needs), as 16 hex characters.

    Examples
    --------
    >>> v = stage_versions(["tokens"])
    >>> sorted(v), len(v["tokens"])
    (['sentences', 'tokens'], 16)
    """
    directory = _data_dir(data_dir)
    params = pipeline_params(params)
    versions: dict[str, str] = {}

    def visit(name: str) -> str:
        if name in versions:
            return versions[name]
        if name not in STAGES:
            raise CorpusError(f"unknown stage {name!r}; the stages are {', '.join(STAGES)}")
        stage = STAGES[name]
        parts = [name, _package_version("corpus_tools")]
        parts += [f"{m}:{_module_source_hash(m)}" for m in stage.modules]
        for resource in stage.resources:
            path = directory / resource
            parts.append(f"{resource}:{_sha(path.read_bytes()) if path.is_file() else 'absent'}")
        parts += [f"{p}={params.get(p)!r}" for p in stage.params]
        parts += [f"{pkg}=={_package_version(pkg)}" for pkg in stage.packages]
        parts += [f"needs {n}:{visit(n)}" for n in stage.needs]
        versions[name] = _sha(*parts)[:16]
        return versions[name]

    for name in stages if stages is not None else STAGES:
        visit(name)
    return versions


# ----------------------------------------------------------------------------- articles

def articles_from_corpus(corpus: pd.DataFrame) -> pd.DataFrame:
    """The columns the pipeline needs, from a corpus table: ``doc_id, text_raw, published
    (YYYY-MM-DD or empty), meeting_id``, plus ``_doc_key``.

    Examples
    --------
    >>> from corpus_tools.corpus import load_corpus
    >>> articles_from_corpus(load_corpus()).columns.tolist()
    ['doc_id', 'text_raw', 'published', 'meeting_id', '_doc_key']
    """
    published = corpus["published"]
    if pd.api.types.is_datetime64_any_dtype(published):
        published = published.dt.strftime("%Y-%m-%d")
    docs = pd.DataFrame({
        "doc_id": corpus["doc_id"].astype(str).to_numpy(),
        "text_raw": corpus["text_raw"].to_numpy(),
        "published": published.fillna("").astype(str).to_numpy(),
        "meeting_id": corpus["meeting_id"].fillna("").astype(str).to_numpy(),
    })
    docs[_KEY] = [document_key(*row) for row in docs[DOC_COLUMNS].itertuples(index=False)]
    return docs


ARTICLE_COLUMNS = ["doc_id", "outlet", "url", "published", "meeting_id", "title", "text_raw"]
CHUNK_SIZE = 1000


def _article_rows(records: Iterable[tuple[int, object]], source: Path, where: str,
                  seen: dict[str, int]) -> list[dict]:
    """Check and convert ``(line or row number, record)`` pairs; ``seen`` (doc_id -> number)
    carries over from chunk to chunk so a repeated id is found across the whole file."""
    rows = []
    for number, record in records:
        if not isinstance(record, dict):
            raise CorpusError(f"{source} {where} {number}: each {where} must be a JSON object with doc_id and text")
        doc_id, text = str(record.get("doc_id") or ""), record.get("text")
        if not doc_id:
            raise CorpusError(f"{source} {where} {number}: doc_id is missing or empty")
        if doc_id in seen:
            raise CorpusError(f"{source} {where} {number}: doc_id {doc_id!r} repeats {where} {seen[doc_id]}")
        seen[doc_id] = number
        if not isinstance(text, str) or not text.strip():
            raise CorpusError(f"{source} {where} {number} (doc_id {doc_id!r}): text is missing or empty")
        published = str(record.get("published") or "")
        if published:
            try:
                pd.Timestamp(published)
                if len(published) != 10:
                    raise ValueError(published)
            except ValueError as exc:
                raise CorpusError(f"{source} {where} {number} (doc_id {doc_id!r}): published {published!r} is not YYYY-MM-DD") from exc
        rows.append({
            "doc_id": doc_id, "outlet": str(record.get("outlet") or ""), "url": str(record.get("url") or ""),
            "published": published, "meeting_id": str(record.get("meeting_id") or ""),
            "title": str(record.get("title") or ""), "text_raw": text,
        })
    return rows


def _json_records(lines: Iterable[tuple[int, str]], source: Path) -> Iterator[tuple[int, object]]:
    for number, line in lines:
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError as exc:
            raise CorpusError(f"{source} line {number}: not valid JSON ({exc.msg} at column {exc.colno})") from exc


def _source_format(source: Path) -> str:
    if not source.is_file():
        raise CorpusError(f"{source}: no such file; give a .jsonl or .parquet file of articles")
    if source.suffix == ".parquet":
        return "parquet"
    if source.suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    raise CorpusError(f"{source}: unknown format {source.suffix!r}; use .jsonl or .parquet")


def iter_articles(source: Path | str, *, chunk_size: int = CHUNK_SIZE) -> Iterator[pd.DataFrame]:
    """Read articles from a JSON Lines or Parquet file in chunks of ``chunk_size`` articles, so
    that memory holds one chunk, not the file; each chunk is a table as :func:`read_articles`
    returns. JSON Lines are read line by line; Parquet batch by batch
    (``pyarrow.parquet.ParquetFile.iter_batches``). Every article is checked as it is read,
    and a ``doc_id`` that repeats an earlier one anywhere in the file is an error.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "a.jsonl"
    >>> _ = path.write_text("".join(f'{{"doc_id": "x{i}", "text": "Leaders met."}}\\n' for i in range(5)))
    >>> [chunk["doc_id"].tolist() for chunk in iter_articles(path, chunk_size=2)]
    [['x0', 'x1'], ['x2', 'x3'], ['x4']]
    """
    source = Path(source)
    kind = _source_format(source)
    seen: dict[str, int] = {}
    if kind == "parquet":
        parquet = pq.ParquetFile(source)
        start = 0
        for batch in parquet.iter_batches(batch_size=chunk_size):
            records = batch.to_pylist()
            rows = _article_rows(enumerate(records, start=start), source, "row", seen)
            start += len(records)
            yield pd.DataFrame(rows, columns=ARTICLE_COLUMNS)
        return
    with source.open(encoding="utf-8") as handle:
        records = _json_records(enumerate(handle, start=1), source)
        while True:
            chunk = list(itertools.islice(records, chunk_size))
            if not chunk:
                return
            yield pd.DataFrame(_article_rows(chunk, source, "line", seen), columns=ARTICLE_COLUMNS)


def read_articles(source: Path | str) -> pd.DataFrame:
    """Read articles from a JSON Lines or Parquet file: one article per line/row with at least
    ``doc_id`` and ``text`` (the raw text), and optionally ``outlet, url, published,
    meeting_id, title``. Returns a corpus-like table with ``text_raw``; cleaning happens in
    the pipeline. Errors name the line (JSONL) or row (Parquet) and the fix. For a file too
    large for memory, :func:`iter_articles` reads it in chunks, and :func:`process` takes the
    file's path.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "a.jsonl"
    >>> _ = path.write_text('{"doc_id": "x1", "text": "Leaders met.", "outlet": "Wire"}\\n')
    >>> read_articles(path)[["doc_id", "text_raw", "outlet", "published"]].values.tolist()
    [['x1', 'Leaders met.', 'Wire', '']]
    """
    chunks = list(iter_articles(source))
    if not chunks:
        return pd.DataFrame(columns=ARTICLE_COLUMNS)
    return pd.concat(chunks, ignore_index=True) if len(chunks) > 1 else chunks[0]


# ----------------------------------------------------------------------------- workers

@dataclass(frozen=True)
class Batch:
    """Work for one worker: documents, the stages to compute, where to write."""

    docs: list[dict]
    stages: tuple[str, ...]
    versions: dict[str, str]
    cache: str
    data_dir: str
    params: dict


def _clean_batch(docs: list[dict], data_dir: str) -> pd.DataFrame:
    from corpus_tools.clean import clean_texts
    from corpus_tools.resources import load_boilerplate_rules

    rules = load_boilerplate_rules(data_dir)
    frame = pd.DataFrame(docs)
    frame["text"] = clean_texts(list(frame["text_raw"]), rules)  # clean_text's texts, without the audit tables
    frame["published"] = pd.to_datetime(frame["published"].replace("", None), format="%Y-%m-%d")
    return frame


def _write_part(frame: pd.DataFrame, keys: list[str], directory: Path) -> str:
    """Write a stage's rows for a batch as one Parquet part file named by the batch's document
    keys (kept in its metadata) and return its path; written to a temporary name and renamed,
    so a reader never sees half a file.

    Column statistics (minimum, maximum) are written for the number and true/false columns
    alone, not for the text columns (tokens, document ids): the cache reads each part whole
    (:meth:`Processed.table`), and those of the text columns were two fifths of Parquet's
    encoding of a batch's tokens table, a fifth of writing its part file.
    """
    directory.mkdir(parents=True, exist_ok=True)
    name = f"part-{_sha(*keys)[:20]}.parquet"
    table = pa.Table.from_pandas(frame, preserve_index=False)
    table = table.replace_schema_metadata({**(table.schema.metadata or {}), _METADATA_KEY: json.dumps(keys).encode()})
    tmp = directory / f".{name}.{os.getpid()}.tmp"
    with_statistics = [f.name for f in table.schema if not (pa.types.is_large_string(f.type) or pa.types.is_string(f.type))]
    pq.write_table(table, tmp, write_statistics=with_statistics)
    tmp.replace(directory / name)
    return str(directory / name)


Written = tuple[str, str, int, float, float, float]


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def _mapped(column: pd.Series, mapping: dict) -> pd.Series:
    """``column.map(mapping)``, mapping each distinct value once: a batch's tokens table repeats
    its hundred document ids over half a million rows.

    Examples
    --------
    >>> _mapped(pd.Series(["a", "b", "a", None]), {"a": "k1", "b": "k2"}).tolist()
    ['k1', 'k2', 'k1', nan]
    """
    codes, uniques = column.factorize()
    if not len(uniques):
        return column.map(mapping)
    values = pd.Series(uniques).map(mapping)
    return pd.Series(values.array.take(codes, allow_fill=True), index=column.index, name=column.name)


def process_batch(batch: Batch) -> list[Written]:
    """Run the batch's stages on its documents and write one part file per stage.

    Upstream stages a requested stage needs are computed in memory (not written) when they
    are not themselves requested. Returns ``(stage, part file, documents, seconds, CPU
    seconds, peak RSS MiB)`` per stage computed (``"clean"`` included): wall and CPU seconds
    this worker spent on the stage (they differ when the machine is shared), and the worker's
    peak memory so far.
    """
    started, cpu = time.perf_counter(), time.process_time()
    frame = _clean_batch(batch.docs, batch.data_dir)
    written = [("clean", "", len(frame), time.perf_counter() - started, time.process_time() - cpu, _peak_rss_mib())]
    keys_by_doc = dict(zip(frame["doc_id"], frame[_KEY]))
    done: dict[str, pd.DataFrame] = {}
    needed: list[str] = []

    def order(name: str) -> None:
        for upstream in STAGES[name].needs:
            order(upstream)
        if name not in needed:
            needed.append(name)

    for name in batch.stages:
        order(name)
    data_dir = Path(batch.data_dir)
    for name in needed:
        started, cpu = time.perf_counter(), time.process_time()
        done[name] = STAGES[name].run(frame, done, data_dir, batch.params)
        path = ""
        if name in batch.stages:
            result = done[name].assign(**{_KEY: _mapped(done[name]["doc_id"], keys_by_doc)})
            target = Path(batch.cache) / name / batch.versions[name]
            path = _write_part(result, list(frame[_KEY]), target)
        written.append((name, path, len(frame) if path else 0, time.perf_counter() - started, time.process_time() - cpu,
                        _peak_rss_mib()))
    return written


# ----------------------------------------------------------------------------- driver

def _covered(cache: Path, stage: str, version: str) -> dict[str, Path]:
    """Which document keys a stage version has stored, and in which part file."""
    directory = cache / stage / version
    found: dict[str, Path] = {}
    if directory.is_dir():
        for part in sorted(directory.glob("part-*.parquet")):
            metadata = pq.read_schema(part).metadata or {}
            for key in json.loads(metadata.get(_METADATA_KEY, b"[]")):
                found.setdefault(key, part)
    return found


@dataclass
class Processed:
    """The result of :func:`process`: documents computed per stage, worker seconds per stage
    (``clean`` included; wall time in ``seconds``, CPU time in ``cpu_seconds``), the largest
    worker's peak memory, and access to every stage's table."""

    docs: pd.DataFrame
    cache: Path
    versions: dict[str, str]
    computed: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    worker_peak_rss_mib: float = 0.0
    cpu_seconds: dict[str, float] = field(default_factory=dict)

    @property
    def sentences(self) -> pd.DataFrame:
        """The sentences table (:func:`corpus_tools.sentences`)."""
        return self.table("sentences")

    @property
    def tokens(self) -> pd.DataFrame:
        """The tokens table (:func:`corpus_tools.tokens`)."""
        return self.table("tokens")

    @property
    def tone(self) -> pd.DataFrame:
        """Sentence tone with the ``tone_method`` parameter (:func:`corpus_tools.sentence_tone`)."""
        return self.table("tone")

    @property
    def mentions(self) -> pd.DataFrame:
        """The mentions table (:func:`corpus_tools.mentions`)."""
        return self.table("mentions")

    @property
    def quotes(self) -> pd.DataFrame:
        """The quotes table (:func:`corpus_tools.quotes`)."""
        return self.table("quotes")

    @property
    def indirect(self) -> pd.DataFrame:
        """Reported speech with "that" (:func:`corpus_tools.quotes.indirect_speech`)."""
        return self.table("indirect")

    @property
    def tone_toward(self) -> pd.DataFrame:
        """Tone toward each side per sentence: with the ``tone_toward_method`` parameter
        ``learned`` (the default, the better method on both held-out gold halves) the learned
        layer over the rules (:func:`corpus_tools.predict_tone_toward`, ``method = learned``);
        with ``rules`` the rules alone (:func:`corpus_tools.tone_toward`, ``method = rule`` or
        ``fallback``)."""
        return self.table("tone_toward")

    def table(self, stage: str, columns: Sequence[str] | None = None) -> pd.DataFrame:
        """The stage's rows for these documents, in corpus order, as the direct call gives them.

        Each document's rows come exactly once, from one part file: when several parts cover
        a document (two corpora sharing a cache, two processes filling it at once), the
        first part by file name is read for it and the others are ignored for it, so rows of
        one document are never mixed from two parts.
        """
        tables, positions = self._parts(stage, columns)
        frames = [t.to_pandas() for t in tables]
        kept = [i for i, f in enumerate(frames) if len(f)] or list(range(len(frames)))[:1]  # an empty part still carries the columns
        if not kept:
            return pd.DataFrame(columns=list(columns or []))
        rows = pd.concat([frames[i] for i in kept], ignore_index=True) if len(kept) > 1 else frames[kept[0]]
        order = np.argsort(np.concatenate([positions[i] for i in kept]), kind="stable")  # corpus order, rows of a document as stored
        return rows.take(order).reset_index(drop=True)

    def arrow(self, stage: str, columns: Sequence[str] | None = None) -> pa.Table:
        """The rows of :meth:`table` as one Arrow table, for a reader that converts a large
        stage once (a chunk of documents at a time) instead of part by part.

        Examples
        --------
        >>> import tempfile
        >>> from corpus_tools.corpus import load_corpus
        >>> done = process(load_corpus(), ["sentences"], cache=tempfile.mkdtemp(), scheduler="serial")
        >>> done.arrow("sentences", ["doc_id", "sent_id"]).to_pandas().equals(done.table("sentences", ["doc_id", "sent_id"]))
        True
        """
        tables, positions = self._parts(stage, columns)
        if not tables:
            return pa.table({c: pa.array([], pa.null()) for c in columns or []})
        order = np.argsort(np.concatenate(positions), kind="stable")
        return pa.concat_tables(tables, promote_options="default").take(pa.array(order))

    def _parts(self, stage: str, columns: Sequence[str] | None) -> tuple[list[pa.Table], list[np.ndarray]]:
        """Each part file's rows for these documents (key column left out) and each row's
        document position, parts in file name order."""
        if stage not in self.versions:
            raise CorpusError(f"stage {stage!r} was not processed; process(..., stages=[{stage!r}, ...])")
        covered = _covered(self.cache, stage, self.versions[stage])  # each key -> its first part by name
        wanted = list(self.docs[_KEY])
        missing = [k for k in wanted if k not in covered]
        if missing:
            raise CorpusError(f"{len(missing)} document(s) are not in the cache for stage {stage!r}; run process() again")
        keys_of: dict[Path, set[str]] = {}
        for key in wanted:
            keys_of.setdefault(covered[key], set()).add(key)
        position = {k: i for i, k in enumerate(wanted)}
        read_columns = None if columns is None else [*columns, _KEY]
        tables, positions = [], []
        for part in sorted(keys_of):
            rows, where = _part_rows(pq.read_table(part, columns=read_columns), keys_of[part], position)
            tables.append(rows)
            positions.append(where)
        return tables, positions


def _part_rows(table: pa.Table, keys: set[str], position: dict[str, int]) -> tuple[pa.Table, np.ndarray]:
    """The rows of a part file's table that belong to ``keys``, without the key column, and
    each row's document position. The 64-character keys stay in Arrow: they are
    dictionary-encoded, so only a part's few distinct keys are looked up in Python."""
    encoded = table.column(_KEY).combine_chunks().dictionary_encode()
    distinct = encoded.dictionary.to_pylist()
    codes = encoded.indices.to_numpy(zero_copy_only=False)
    keep = np.array([k in keys for k in distinct], dtype=bool)
    where = np.array([position.get(k, -1) for k in distinct], dtype=np.int64)
    table = table.drop_columns([_KEY])
    if not keep.all():
        mask = keep[codes]
        table, codes = table.filter(pa.array(mask)), codes[mask]
    return table, where[codes]


def _batches(todo: pd.DataFrame, size: int) -> list[list[dict]]:
    records = todo[[*DOC_COLUMNS, _KEY]].to_dict("records")
    return [records[i : i + size] for i in range(0, len(records), size)]


def _progress(total: int | None, enabled: bool):
    """A progress bar over documents: tqdm's notebook widget where ipywidgets is installed, its
    text bar otherwise. ``tqdm.auto`` alone would warn "IProgress not found" in a Jupyter kernel
    without ipywidgets (this package does not need them), and the warning would land in the
    first processing cell of every report."""
    if importlib.util.find_spec("ipywidgets") is None:
        from tqdm.std import tqdm
    else:
        from tqdm.auto import tqdm

    return tqdm(total=total, unit="doc", desc="processing", disable=not enabled, leave=False)


def _tasks(docs: pd.DataFrame, stages: tuple[str, ...], covered: dict[str, set[str]], spec: dict) -> Iterator[Batch]:
    """The batches of these documents that some stage has not stored yet.

    Membership is tested key by key against the sets: ``Series.isin(set)`` turns the whole set
    into a list on every call, which made an unchanged rerun quadratic in the corpus (one call
    per chunk and stage: 369 s at 100,000 articles)."""
    wanted_sets = [covered[name] for name in stages]
    todo = docs[[any(key not in have for have in wanted_sets) for key in docs[_KEY].tolist()]]
    for records in _batches(todo, spec["batch_size"]):
        keys = [r[_KEY] for r in records]
        wanted = tuple(name for name in stages if any(k not in covered[name] for k in keys))
        yield Batch(records, wanted, spec["versions"], spec["cache"], spec["data_dir"], spec["params"])


def _meta(docs: pd.DataFrame) -> pd.DataFrame:
    """What :class:`Processed` keeps of each document: no text."""
    return docs[["doc_id", "published", "meeting_id", _KEY]]


def process(corpus: pd.DataFrame | Path | str, stages: Sequence[str] | None = None, *, cache: Path | str | None = None,
            scheduler: str = "auto", workers: int | None = None, address: str | None = None,
            batch_size: int = BATCH_SIZE, data_dir: Path | str | None = None, params: dict | None = None,
            progress: bool = False) -> Processed:
    """Process every document through ``stages`` (all by default), computing only what the
    cache lacks; return a :class:`Processed` to read the tables from.

    ``corpus`` is a table with ``doc_id, text_raw, published, meeting_id`` (the result of
    :func:`corpus_tools.load_corpus` or :func:`read_articles`), or the path of a JSON Lines or
    Parquet file of articles (as :func:`read_articles` reads). A file is streamed: the driver
    reads it in chunks (:func:`iter_articles`) and keeps only each document's id, date,
    meeting and key, so its memory does not grow with the texts; with ``scheduler="dask"``
    the driver does not read the texts at all, the workers read their own partitions of the
    file (``dask.bag.read_text`` for JSON Lines, ``dask.dataframe.read_parquet`` by row group
    for Parquet). With ``"auto"``, a file is processed on the process pool.

    Examples
    --------
    >>> import tempfile
    >>> from corpus_tools.corpus import load_corpus
    >>> corpus = load_corpus()
    >>> cache = tempfile.mkdtemp()
    >>> first = process(corpus, ["tokens"], cache=cache, scheduler="serial")
    >>> first.computed, process(corpus, ["tokens"], cache=cache).computed
    ({'tokens': 5}, {'tokens': 0})
    >>> first.table("tokens").equals(__import__("corpus_tools").tokens(__import__("corpus_tools").sentences(corpus)))
    True
    """
    if scheduler not in SCHEDULERS:
        raise CorpusError(f"unknown scheduler {scheduler!r}; choose one of {', '.join(SCHEDULERS)}")
    stages = tuple(stages) if stages is not None else tuple(STAGES)
    directory = _data_dir(data_dir).resolve()
    params = pipeline_params(params)
    versions = stage_versions(stages, data_dir=directory, params=params)
    root = _cache_dir(cache).resolve()
    covered = {name: set(_covered(root, name, versions[name])) for name in stages}
    spec = {"versions": versions, "cache": str(root), "data_dir": str(directory), "params": params, "batch_size": batch_size}
    streamed = isinstance(corpus, (str, os.PathLike))
    if streamed:
        source = Path(corpus)
        mode = "processes" if scheduler == "auto" and (os.cpu_count() or 1) > 1 else scheduler
        if mode == "auto":
            mode = "serial"
        if mode == "dask":
            meta, results = _execute_dask_source(source, stages, covered, spec, workers, address)
            docs = meta
        else:
            metas: list[pd.DataFrame] = []

            def stream() -> Iterator[Batch]:
                for chunk in iter_articles(source, chunk_size=max(batch_size, CHUNK_SIZE)):
                    docs = articles_from_corpus(chunk)
                    metas.append(_meta(docs))
                    yield from _tasks(docs, stages, covered, spec)

            tasks = stream()
            first = next(tasks, None)  # start no pool when the cache already has everything
            fitted = _fit_model_once([first] if first else [], mode, directory, params)
            results = (_execute(itertools.chain([first], tasks), mode, workers, address, progress, None)
                       if first else []) + fitted
            docs = pd.concat(metas, ignore_index=True) if metas else pd.DataFrame(columns=[*DOC_COLUMNS[:1], "published", "meeting_id", _KEY])
    else:
        docs = articles_from_corpus(corpus)
        if docs["doc_id"].duplicated().any():
            raise CorpusError(f"doc_id {docs['doc_id'][docs['doc_id'].duplicated()].iloc[0]!r} appears twice; ids must be unique")
        tasks = list(_tasks(docs, stages, covered, spec))
        mode = scheduler
        if mode == "auto":
            mode = "processes" if len(docs) >= PARALLEL_THRESHOLD and (os.cpu_count() or 1) > 1 else "serial"
        fitted = _fit_model_once(tasks, mode, directory, params)
        results = (_execute(tasks, mode, workers, address, progress, sum(len(t.docs) for t in tasks))
                   if tasks else []) + fitted
    computed = {name: 0 for name in stages}
    seconds: dict[str, float] = {}
    cpu_seconds: dict[str, float] = {}
    peak = 0.0
    for name, _path, n, spent, cpu, rss in results:
        if name in computed:
            computed[name] += n
        seconds[name] = seconds.get(name, 0.0) + spent
        cpu_seconds[name] = cpu_seconds.get(name, 0.0) + cpu
        peak = max(peak, rss)
    return Processed(docs, root, versions, computed, seconds, peak, cpu_seconds)


def _fit_model_once(tasks: Sequence[Batch], mode: str, directory: Path, params: dict) -> list[Written]:
    """Fit (or load) the learned tone-toward model in the driver before a process pool starts,
    so that the workers load the one model kept on disk (:func:`corpus_tools.fit_target_model`)
    instead of each fitting it at once after a change of code or training data. Its seconds
    count toward the ``tone_toward`` stage (as ``(stage, "", 0, seconds, CPU seconds, RSS)``).
    Nothing happens for other schedulers (a serial run fits once anyway; Dask workers may not
    share the driver's disk) or when no task computes ``tone_toward`` with the learned layer."""
    if mode != "processes" or params.get("tone_toward_method", "learned") != "learned":
        return []
    if not any("tone_toward" in task.stages for task in tasks):
        return []
    from corpus_tools.target_model import fit_target_model

    started, cpu = time.perf_counter(), time.process_time()
    fit_target_model(data_dir=directory)
    return [("tone_toward", "", 0, time.perf_counter() - started, time.process_time() - cpu, 0.0)]


def _execute(tasks: Iterable[Batch], mode: str, workers: int | None, address: str | None, progress: bool,
             total: int | None) -> list[Written]:
    bar = _progress(total, progress)
    results: list[Written] = []
    try:
        if mode == "serial":
            for task in tasks:
                results += process_batch(task)
                bar.update(len(task.docs))
        elif mode == "processes":
            results = _execute_pool(tasks, workers or os.cpu_count() or 1, bar)
        else:
            tasks = list(tasks)
            results = _execute_dask(tasks, workers, address)
            bar.update(sum(len(t.docs) for t in tasks))
    finally:
        bar.close()
    return results


#: modules the fork server imports before it forks any worker: the main module (the server's
#: default) and this one, whose import brings in the package (``corpus_tools/__init__``) and the
#: libraries its stages use
_WORKER_PRELOAD = ("__main__", __name__)


def _worker_pool(workers: int) -> ProcessPoolExecutor:
    """A process pool whose workers start from a fork server (they do not inherit, and count,
    the driver's memory) and are replaced after :data:`WORKER_TASKS` batches.

    The server imports the package first (:data:`_WORKER_PRELOAD`, through
    :meth:`multiprocessing.context.ForkServerContext.set_forkserver_preload`), so each worker
    forks from a process that has pandas, scikit-learn, NLTK and the package loaded instead of
    importing them itself: about 2.4 CPU-seconds a worker on the 2-core machine, paid again at
    every replacement (forty times in a run of 100,000 articles in batches of 100). The server
    starts with the first pool of a process and serves every later one, as before; workers run
    the package's code as imported then, as the driver's stage versions (:func:`stage_versions`,
    which read each module's source once per process) describe it. The server skips a module
    that raises ImportError, and the workers then import it themselves.
    """
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(_WORKER_PRELOAD))
    return ProcessPoolExecutor(max_workers=workers, mp_context=context, max_tasks_per_child=WORKER_TASKS)


def _execute_pool(tasks: Iterable[Batch], workers: int, bar) -> list[Written]:
    """Run the batches on a local process pool, keeping only a few batches in flight.

    Workers start from a fork server, so they do not inherit (and count) the driver's memory;
    at most two batches per worker are pickled and queued at a time. Each worker is replaced
    after :data:`WORKER_TASKS` batches, so that what a long run leaves in a worker (the
    high-water mark of its allocator, the memos of the stages) cannot grow with the corpus: a
    worker's peak went from 531 MiB at 10,000 articles to 662 MiB at 100,000 without it, and
    on text whose sentences rarely repeat to 637 MiB with a worker replaced every 50 batches
    (576 MiB at 10,000, where a worker runs about 25). A new worker is forked from a server
    that has imported the package (:func:`_worker_pool`), so it costs its resources (about half
    a CPU-second), not its imports as well.
    """
    results: list[Written] = []
    queue = iter(tasks)
    with _worker_pool(workers) as pool:
        pending = {pool.submit(process_batch, task): len(task.docs) for task in itertools.islice(queue, 2 * workers)}
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                results += future.result()
                bar.update(pending.pop(future))
                task = next(queue, None)
                if task is not None:
                    pending[pool.submit(process_batch, task)] = len(task.docs)
    return results


def _execute_dask(tasks: list[Batch], workers: int | None, address: str | None) -> list[Written]:
    import dask.bag as db
    from distributed import Client, LocalCluster

    cluster = None if address else LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1,
                                                 processes=True, dashboard_address=None)
    try:
        with Client(address or cluster) as client:
            bag = db.from_sequence(tasks, npartitions=len(tasks))
            nested = bag.map(process_batch).compute(scheduler=client)
    finally:
        if cluster is not None:
            cluster.close()
    return [item for written in nested for item in written]


def _process_partition(records: Iterable[tuple[object, object]], source: str, stages: tuple[str, ...],
                       covered: dict[str, set[str]], spec: dict) -> tuple[dict, list[Written]]:
    """On a Dask worker: check and key one partition's articles, process what the cache lacks."""
    rows = _article_rows(records, Path(source), "record", {})
    docs = articles_from_corpus(pd.DataFrame(rows, columns=ARTICLE_COLUMNS))
    written: list[Written] = []
    for task in _tasks(docs, stages, covered, spec):
        written += process_batch(task)
    return _meta(docs).to_dict("list"), written


def _jsonl_partition(lines: Iterable[str], source: str, stages: tuple[str, ...], covered: dict[str, set[str]],
                     spec: dict) -> list[tuple[dict, list[Written]]]:
    records = _json_records(((None, line) for line in lines), Path(source))
    return [_process_partition(records, source, stages, covered, spec)]


def _parquet_partition(frame: pd.DataFrame, source: str, stages: tuple[str, ...], covered: dict[str, set[str]],
                       spec: dict) -> tuple[dict, list[Written]]:
    records = pa.Table.from_pandas(frame, preserve_index=False).to_pylist()  # nulls as None, as iter_articles reads them
    return _process_partition(((None, r) for r in records), source, stages, covered, spec)


def _jsonl_blocksize(source: Path, batch_size: int) -> int:
    """Bytes per Dask partition: about ``batch_size`` articles, judged from the file's first MiB."""
    with source.open("rb") as handle:
        head = handle.read(1 << 20)
    lines = max(head.count(b"\n"), 1)
    return max(int(len(head) / lines * batch_size), 1 << 16)


def _execute_dask_source(source: Path, stages: tuple[str, ...], covered: dict[str, set[str]], spec: dict,
                         workers: int | None, address: str | None) -> tuple[pd.DataFrame, list[Written]]:
    """Dask workers read their own partitions of the file and process them; only each document's
    id, date, meeting and key, and the written part files, come back to the driver."""
    import dask
    import dask.bag as db
    from distributed import Client, LocalCluster

    kind = _source_format(source)
    cluster = None if address else LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1,
                                                 processes=True, dashboard_address=None)
    try:
        with Client(address or cluster) as client:
            shared = client.scatter(covered, broadcast=True)
            if kind == "jsonl":
                bag = db.read_text(str(source), blocksize=_jsonl_blocksize(source, spec["batch_size"]), encoding="utf-8")
                parts = bag.map_partitions(_jsonl_partition, str(source), stages, shared, spec).compute(scheduler=client)
            else:
                import dask.dataframe as dd

                frame = dd.read_parquet(str(source), split_row_groups=True)
                jobs = [dask.delayed(_parquet_partition)(part, str(source), stages, shared, spec) for part in frame.to_delayed()]
                parts = list(dask.compute(*jobs, scheduler=client))
    except CorpusError:
        for _ in iter_articles(source):  # the same error, with its line or row number, from the driver
            pass
        raise
    finally:
        if cluster is not None:
            cluster.close()
    metas = [pd.DataFrame(meta) for meta, _ in parts]
    docs = pd.concat(metas, ignore_index=True) if metas else pd.DataFrame(columns=["doc_id", "published", "meeting_id", _KEY])
    if docs["doc_id"].duplicated().any():
        for _ in iter_articles(source):
            pass
    return docs, [item for _, written in parts for item in written]
