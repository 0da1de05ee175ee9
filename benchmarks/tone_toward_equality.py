"""The ``tone_toward`` stage alone: its table on fixed texts saved and compared, and its CPU cost.

A speed change to :mod:`corpus_tools.target_model` or :mod:`corpus_tools.target_tone` must
not change a single row. This script runs the pipeline's own stage function
(:data:`corpus_tools.pipeline.STAGES` ``["tone_toward"]``, after the stages it needs) on the
five articles of ``data/corpus.csv`` and on ``--synthetic`` articles (300 by default) from
``benchmarks/synthetic.py``, and prints the stage's CPU seconds and ms per document (the model
fitted or loaded beforehand, so the figure is the per-document cost; the fit or load is printed
apart). ``--profile`` prints the top of a cProfile of the stage on the synthetic set.
``--upstream`` computes the tokens and tone stages first, as a pipeline batch of new
documents does (the stage then reads the sentences' word spans and the fallback's sentence
tone from them); without it the stage tokenises and scores them itself. Both must give the
saved tables.

    .venv/bin/python benchmarks/tone_toward_equality.py save /tmp/tone-eq
    .venv/bin/python benchmarks/tone_toward_equality.py compare /tmp/tone-eq

``compare`` exits with status 1 when a table differs (exact :meth:`pandas.DataFrame.equals`
after a Parquet round trip, as ``benchmarks/equality.py``).
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from equality import _roundtrip, articles, describe_difference  # noqa: E402

from corpus_tools.pipeline import DEFAULT_PARAMS, STAGES, _clean_batch  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["save", "compare", "time"])
    parser.add_argument("directory", type=Path, nargs="?", default=Path("/tmp/tone-eq"))
    parser.add_argument("--synthetic", type=int, default=300)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--upstream", action="store_true",
                        help="compute the tokens and tone stages first, as the pipeline does")
    parser.add_argument("--data-dir", type=Path, default=Path(__file__).resolve().parents[1] / "data")
    args = parser.parse_args(argv)
    args.directory.mkdir(parents=True, exist_ok=True)
    from corpus_tools.target_model import fit_target_model

    started = time.process_time()
    fit_target_model(data_dir=args.data_dir)
    print(f"model fit or load: {time.process_time() - started:.2f} CPU s")
    differ = 0
    for which in ("corpus", "synthetic"):
        docs = articles(which, args.synthetic)
        frame = _clean_batch(docs.to_dict("records"), str(args.data_dir))
        done = {"clean": frame[["doc_id", "text"]].reset_index(drop=True)}
        for name in ("sentences", "tokens", "tone", "quotes") if args.upstream else ("sentences", "quotes"):
            done[name] = STAGES[name].run(frame, done, args.data_dir, DEFAULT_PARAMS)
        profiler = cProfile.Profile() if args.profile and which == "synthetic" else None
        started = time.process_time()
        if profiler:
            profiler.enable()
        table = STAGES["tone_toward"].run(frame, done, args.data_dir, DEFAULT_PARAMS)
        if profiler:
            profiler.disable()
        cpu = time.process_time() - started
        print(f"{which}: {len(docs)} documents, {len(table)} rows, tone_toward {cpu:.2f} CPU s, "
              f"{1000 * cpu / len(docs):.2f} ms/doc")
        if profiler:
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)
        base = args.directory / f"{which}-tone_toward.parquet"
        if args.action == "save":
            _roundtrip(table, base)
        elif args.action == "compare":
            want = pd.read_parquet(base)
            got = _roundtrip(table, args.directory / f"_latest-{which}.parquet")
            if want.equals(got):
                print("    same")
            else:
                differ += 1
                print(f"    DIFFERENT\n        {describe_difference(want, got)}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
