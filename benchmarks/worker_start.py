"""What a new process-pool worker costs before it runs a batch, with and without the fork
server's preload of the package (:func:`corpus_tools.pipeline._worker_pool`).

The pipeline replaces each worker after :data:`corpus_tools.pipeline.WORKER_TASKS` batches
(forty times in a run of 100,000 articles in batches of 100). This runs ``--tasks`` tiny tasks
(a function of the pipeline module, so a worker that has not imported the package imports it
to run one) on a pool of one worker replaced after every task, in a fresh process per mode so
each starts its own fork server, and prints the wall time of the first task (the server's
start included) and of each later one (a new worker each)::

    .venv/bin/python benchmarks/worker_start.py
    .venv/bin/python benchmarks/worker_start.py --tasks 20 --repeats 3

``--articles N`` instead runs the whole pipeline on N synthetic articles (``benchmarks/synthetic.py``,
few sentences repeated) on two workers, each replaced after every batch of 100, and prints the
wall time and the workers' CPU time in the stages (imports excluded)::

    .venv/bin/python benchmarks/worker_start.py --articles 2000

``off`` is the fork server's default preload (the main module only): each worker imports the
package itself, as before the preload. Wall times on a shared machine are noisy: compare the
two modes within one run.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import time


def _pipeline(mode: str):
    """The pipeline module, its pool workers replaced after every batch, with the fork server's
    preload of the package (``on``) or its default, the main module only (``off``)."""
    import corpus_tools.pipeline as pipeline

    if mode == "off":
        pipeline._WORKER_PRELOAD = ("__main__",)
    pipeline.WORKER_TASKS = 1
    return pipeline


def measure(mode: str, tasks: int) -> tuple[float, float]:
    """(first task, mean later task) wall seconds on a pool of one worker replaced after each task."""
    pipeline = _pipeline(mode)
    started = time.perf_counter()
    with pipeline._worker_pool(1) as pool:
        pool.submit(pipeline._peak_rss_mib).result()
        first = time.perf_counter()
        for _ in range(tasks):
            pool.submit(pipeline._peak_rss_mib).result()
        done = time.perf_counter()
    return first - started, (done - first) / tasks


def measure_pipeline(mode: str, articles: int) -> tuple[float, float]:
    """(wall seconds, the workers' CPU seconds in the stages) of the whole pipeline on ``articles``
    synthetic articles, two workers each replaced after every batch of 100, a fresh cache."""
    import tempfile
    from pathlib import Path

    import pandas as pd

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from synthetic import synthetic_articles

    pipeline = _pipeline(mode)
    rows = pd.DataFrame(synthetic_articles(articles, distinct=True)).rename(columns={"text": "text_raw"})
    docs = pipeline.articles_from_corpus(rows)
    with tempfile.TemporaryDirectory() as cache:
        started = time.perf_counter()
        result = pipeline.process(docs, cache=cache, scheduler="processes", workers=2, batch_size=100, progress=False)
        return time.perf_counter() - started, sum(result.cpu_seconds.values())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=10, help="tasks after the first (a new worker each)")
    parser.add_argument("--repeats", type=int, default=2, help="runs of each mode, alternating")
    parser.add_argument("--articles", type=int, default=None, metavar="N",
                        help="time the whole pipeline on N synthetic articles instead, a new worker per batch")
    parser.add_argument("--mode", choices=["on", "off"], help=argparse.SUPPRESS)  # one measurement, in this process
    args = parser.parse_args(argv)
    if args.mode:
        if args.articles:
            print("%.3f %.3f" % measure_pipeline(args.mode, args.articles))
        else:
            print("%.3f %.4f" % measure(args.mode, args.tasks))
        return 0
    extra = ["--articles", str(args.articles)] if args.articles else ["--tasks", str(args.tasks)]
    for _ in range(args.repeats):
        for mode in ("off", "on"):
            run = subprocess.run([sys.executable, __file__, "--mode", mode, *extra], capture_output=True, text=True,
                                 check=True)
            a, b = map(float, run.stdout.split())
            if args.articles:
                print(f"preload {mode:<3}  {args.articles:,} articles, a new worker per batch of 100: wall {a:6.1f} s, "
                      f"workers' CPU in the stages {b:6.1f} s")
            else:
                print(f"preload {mode:<3}  first task {a:6.2f} s (fork server started)   "
                      f"later tasks {b:7.3f} s each (a new worker each)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
