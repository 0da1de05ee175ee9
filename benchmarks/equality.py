"""Every pipeline stage's output on fixed texts, saved as a baseline and compared with it.

An optimisation must not change a single row. This script computes, with the pipeline's own
stage functions (:data:`corpus_tools.pipeline.STAGES`, after the pipeline's cleaning), the
tables ``clean`` (``doc_id, text``), ``sentences``, ``tokens``, ``term_counts``, ``tone``,
``mentions``, ``quotes`` and ``tone_toward`` on three sets of texts:

- ``corpus``: the five articles of ``data/corpus.csv``;
- ``style``: the reports of ``data/annotations/style_suite/`` (texts only, both halves; no
  rule is tuned here, the gold is not read);
- ``synthetic``: ``--synthetic`` articles (300 by default) from ``benchmarks/synthetic.py``
  (its ``--distinct`` corpus, whose sentences rarely repeat, with ``--distinct``).

Save a baseline from the code before a change, then compare the code after it::

    .venv/bin/python benchmarks/equality.py save /tmp/eq-baseline
    .venv/bin/python benchmarks/equality.py compare /tmp/eq-baseline

``compare`` prints, for each (set, stage), ``same`` or the first differing rows and columns, and
exits with status 1 when anything differs. Tables are stored as Parquet, one file per (set,
stage); equality is exact (:meth:`pandas.DataFrame.equals` after reading both back through
Parquet, so dtypes are compared as stored).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pandas as pd

from corpus_tools.pipeline import STAGES, _clean_batch, articles_from_corpus

SETS = ("corpus", "style", "synthetic")
TABLES = ("clean", *STAGES)


def articles(which: str, n_synthetic: int, distinct: bool = False) -> pd.DataFrame:
    """The pipeline's document records (``doc_id, text_raw, published, meeting_id, _doc_key``) of one set."""
    if which == "corpus":
        from corpus_tools import load_corpus

        return articles_from_corpus(load_corpus())
    if which == "style":
        from corpus_tools.quotes import load_style_suite

        corpus, _gold = load_style_suite()
        return articles_from_corpus(corpus)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from synthetic import synthetic_articles

    rows = pd.DataFrame(synthetic_articles(n_synthetic, distinct=distinct)).rename(columns={"text": "text_raw"})
    return articles_from_corpus(rows)


def stage_tables(docs: pd.DataFrame, data_dir: Path, params: dict | None = None) -> dict[str, pd.DataFrame]:
    """Each stage's table for these documents, computed as a pipeline worker computes a batch."""
    from corpus_tools.pipeline import DEFAULT_PARAMS

    params = {**DEFAULT_PARAMS, **(params or {})}
    frame = _clean_batch(docs.to_dict("records"), str(data_dir))
    done: dict[str, pd.DataFrame] = {"clean": frame[["doc_id", "text"]].reset_index(drop=True)}
    timing: dict[str, float] = {}
    for name, stage in STAGES.items():  # STAGES lists every stage after those it needs
        started = time.process_time()
        done[name] = stage.run(frame, done, data_dir, params)
        timing[name] = time.process_time() - started
    print("    CPU s: " + ", ".join(f"{k} {v:.2f}" for k, v in timing.items()))
    return done


def _roundtrip(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
    frame.reset_index(drop=True).to_parquet(path, index=False)
    return pd.read_parquet(path)


def describe_difference(want: pd.DataFrame, got: pd.DataFrame, limit: int = 5) -> str:
    """A short account of how two tables differ: columns, dtypes, row counts, first differing rows."""
    lines = []
    if list(want.columns) != list(got.columns):
        return f"columns differ: {list(want.columns)} != {list(got.columns)}"
    dtypes = [c for c in want.columns if want[c].dtype != got[c].dtype]
    if dtypes:
        lines.append("dtypes differ: " + ", ".join(f"{c} {want[c].dtype}->{got[c].dtype}" for c in dtypes))
    if len(want) != len(got):
        lines.append(f"rows differ: {len(want)} -> {len(got)}")
    n = min(len(want), len(got))
    a, b = want.iloc[:n].reset_index(drop=True), got.iloc[:n].reset_index(drop=True)
    unequal = pd.Series(False, index=a.index)
    for c in a.columns:
        x, y = a[c].astype(object), b[c].astype(object)
        unequal |= ~((x == y) | (x.isna() & y.isna()))
    rows = list(unequal[unequal].index[:limit])
    for i in rows:
        cols = [c for c in a.columns if not (a.at[i, c] == b.at[i, c] or (pd.isna(a.at[i, c]) and pd.isna(b.at[i, c])))]
        lines.append(f"row {i}: " + "; ".join(f"{c}: {a.at[i, c]!r} -> {b.at[i, c]!r}" for c in cols))
    if unequal.any():
        lines.append(f"{int(unequal.sum())} of the first {n} rows differ")
    return "\n        ".join(lines) or "equal values, but DataFrame.equals is False (index or dtype)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["save", "compare"])
    parser.add_argument("directory", type=Path, help="where the baseline's Parquet files are (or go)")
    parser.add_argument("--synthetic", type=int, default=300, help="synthetic articles (default 300)")
    parser.add_argument("--distinct", action="store_true",
                        help="synthetic articles from the corpus whose sentences rarely repeat")
    parser.add_argument("--sets", nargs="+", default=list(SETS), choices=SETS)
    parser.add_argument("--data-dir", type=Path, default=Path(__file__).resolve().parents[1] / "data")
    args = parser.parse_args(argv)
    args.directory.mkdir(parents=True, exist_ok=True)
    scratch = args.directory / "_latest"
    scratch.mkdir(exist_ok=True)
    differ = 0
    for which in args.sets:
        docs = articles(which, args.synthetic, args.distinct)
        print(f"{which}: {len(docs)} documents")
        tables = stage_tables(docs, args.data_dir)
        for name in TABLES:
            base = args.directory / f"{which}-{name}.parquet"
            if args.action == "save":
                _roundtrip(tables[name], base)
                print(f"    {name:<12} {len(tables[name]):>7} rows saved")
                continue
            if not base.exists():
                print(f"    {name:<12} no baseline ({base}); run save first")
                differ += 1
                continue
            want = pd.read_parquet(base)
            got = _roundtrip(tables[name], scratch / base.name)
            if want.equals(got):
                print(f"    {name:<12} {len(got):>7} rows  same")
            else:
                differ += 1
                print(f"    {name:<12} DIFFERENT\n        {describe_difference(want, got)}")
    if args.action == "compare":
        print("all tables identical" if not differ else f"{differ} table(s) differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
