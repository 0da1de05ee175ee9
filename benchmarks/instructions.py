"""Instructions the text stages execute, counted by valgrind's callgrind: a figure that repeats.

CPU seconds on this project's machine move by 7 to 20% between runs of the same code (the
other core's load, the host's), so a change that saves a percent or two of a stage cannot be
told from noise by ``benchmarks/text_stages.py``, even in paired runs. The count of
instructions a process executes repeats to about 0.02% (two runs of the same code, 100
articles, all stages: 19,242.8 and 19,246.0 million). This script runs the stages as
``benchmarks/text_stages.py`` does (batches of ``--batch`` synthetic articles whose sentences
rarely repeat, each stage after those it needs, no cache), twice under
``valgrind --tool=callgrind``: once with the ``--stages`` named and once without them (the
stages they need still run), with a fixed hash seed, both at once on the two cores. The
difference is the named stages' instructions; the first is the whole run's (imports, the
resources, the model's load included)::

    .venv/bin/python benchmarks/instructions.py 100 --stages tone_toward

Run it from two checkouts in turn to compare code (``PYTHONPATH=$PWD`` in a worktree). A run
of 100 articles takes about five minutes (callgrind runs Python some fifty times slower).
Instructions are not seconds (a cache miss costs more than an addition), but for the same
interpreter and the same work, fewer instructions are less time. Needs valgrind (Debian's
package ``valgrind``).
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
_COLLECTED = re.compile(r"Collected\s*:\s*(\d+)")


def _run_stages(n: int, batch: int, stages: list[str], skipped: set[str], data_dir: Path) -> None:
    """The child's work: ``stages`` in order on ``n`` synthetic articles, batch by batch, but
    those in ``skipped`` (run on the first five articles only, as every stage is)."""
    import pandas as pd

    sys.path.insert(0, str(HERE))
    from synthetic import synthetic_articles

    from corpus_tools.pipeline import DEFAULT_PARAMS, STAGES, _clean_batch, articles_from_corpus

    rows = pd.DataFrame(synthetic_articles(n + 5, distinct=True)).rename(columns={"text": "text_raw"})
    docs = articles_from_corpus(rows).to_dict("records")
    params = dict(DEFAULT_PARAMS)
    frame, done = _clean_batch(docs[:5], str(data_dir)), {}
    for name in stages:  # resources loaded (and the model fitted or loaded) in both runs alike
        done[name] = STAGES[name].run(frame, done, data_dir, params)
    for start in range(5, n + 5, batch):
        frame, done = _clean_batch(docs[start:start + batch], str(data_dir)), {}
        for name in stages:
            if name not in skipped:
                done[name] = STAGES[name].run(frame, done, data_dir, params)


def _counted(args: argparse.Namespace, skip: bool) -> int:
    """Instructions of a child process running the stages, those named skipped or not."""
    command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, str(Path(__file__).resolve()),
               str(args.n), "--batch", str(args.batch), "--data-dir", str(args.data_dir), "--stages", *args.stages,
               "--child", *(["--skip"] if skip else [])]
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    found = _COLLECTED.search(done.stderr)
    if done.returncode or found is None:
        raise SystemExit(f"callgrind run failed ({' '.join(command)}):\n{done.stderr[-2000:]}")
    return int(found.group(1))


def main(argv: list[str] | None = None) -> int:
    from corpus_tools.pipeline import STAGES

    sys.path.insert(0, str(HERE))
    from text_stages import _needed

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="synthetic articles")
    parser.add_argument("--batch", type=int, default=100, help="articles per batch (the pipeline's BATCH_SIZE)")
    parser.add_argument("--stages", nargs="+", default=["tone_toward"], choices=list(STAGES),
                        help="stages to count (default: %(default)s)")
    parser.add_argument("--data-dir", type=Path, default=HERE.parent / "data")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--skip", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    timed = set(args.stages)
    order = [name for name in STAGES if name in timed or _needed(name, timed)]  # STAGES lists needs first
    if args.child:
        _run_stages(args.n, args.batch, order, timed if args.skip else set(), args.data_dir)
        return 0
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed: apt-get install valgrind (Debian's package)")
    with ThreadPoolExecutor(2) as pool:  # the two runs at once, one on each core
        whole, without = pool.map(lambda skip: _counted(args, skip), [False, True])
    print(f"{args.n:,} articles, batches of {args.batch}: {', '.join(args.stages)} "
          f"{(whole - without) / 1e6:,.1f} M instructions ({(whole - without) / args.n / 1e6:,.2f} M a document); "
          f"whole run {whole / 1e6:,.1f} M, without them {without / 1e6:,.1f} M")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
