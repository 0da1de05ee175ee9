"""CPU seconds of the text stages (cleaning, sentences, tokens, term counts, sentence tone by default) in one process.

The stages run as a pipeline worker runs them (:data:`corpus_tools.pipeline.STAGES`, after the
pipeline's cleaning), on batches of ``--batch`` articles of the synthetic corpus whose sentences
rarely repeat (``benchmarks/synthetic.py --distinct``), with no cache and no Parquet writing:
the stages' own cost, which ``benchmarks/run.py`` reports together with the writing of each
stage's part file. A first small batch loads the resources and is not timed. Run it from two
checkouts in turn (paired, alternating runs) to compare code::

    PYTHONPATH=$PWD .venv/bin/python benchmarks/text_stages.py 1000

``--stages`` names the stages to time instead (any of :data:`corpus_tools.pipeline.STAGES`; the
stages they need run too, untimed; cleaning is always timed)::

    PYTHONPATH=$PWD .venv/bin/python benchmarks/text_stages.py 1000 --stages quotes indirect mentions
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pandas as pd

from corpus_tools.pipeline import DEFAULT_PARAMS, STAGES, _clean_batch, articles_from_corpus

STAGE_NAMES = ("sentences", "tokens", "term_counts", "tone")


def _needed(name: str, timed: set[str]) -> bool:
    """Whether a timed stage needs ``name``, directly or through other stages."""
    return any(name in STAGES[t].needs or _needed(name, set(STAGES[t].needs)) for t in timed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="synthetic articles")
    parser.add_argument("--batch", type=int, default=100, help="articles per batch (the pipeline's BATCH_SIZE)")
    parser.add_argument("--stages", nargs="+", default=list(STAGE_NAMES), choices=list(STAGES),
                        help="stages to time (default: %(default)s)")
    parser.add_argument("--data-dir", type=Path, default=Path(__file__).resolve().parents[1] / "data")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from synthetic import synthetic_articles

    rows = pd.DataFrame(synthetic_articles(args.n, distinct=True)).rename(columns={"text": "text_raw"})
    docs = articles_from_corpus(rows).to_dict("records")
    params = dict(DEFAULT_PARAMS)
    timed = set(args.stages)
    order = [name for name in STAGES if name in timed or _needed(name, timed)]  # STAGES lists needs first
    frame, done = _clean_batch(docs[:5], str(args.data_dir)), {}
    for name in order:  # resources loaded, not timed
        done[name] = STAGES[name].run(frame, done, args.data_dir, params)
    cpu = dict.fromkeys(["clean", *(name for name in order if name in timed)], 0.0)
    for start in range(0, len(docs), args.batch):
        started = time.process_time()
        frame = _clean_batch(docs[start:start + args.batch], str(args.data_dir))
        cpu["clean"] += time.process_time() - started
        done = {}
        for name in order:
            started = time.process_time()
            done[name] = STAGES[name].run(frame, done, args.data_dir, params)
            if name in timed:
                cpu[name] += time.process_time() - started
    print(f"{len(docs):,} articles, CPU s: " + ", ".join(f"{k} {v:.3f}" for k, v in cpu.items())
          + f"; together {sum(cpu.values()):.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
