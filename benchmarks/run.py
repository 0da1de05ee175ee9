"""Speed and memory of the per-document pipeline, against a naive baseline.

For each size (articles from ``benchmarks/synthetic.py``, seeded) it prints:

- the pipeline (all stages, a fresh cache, the process pool by default): wall time, documents
  and words per second, worker seconds per stage with that stage's words per second;
- an unchanged rerun (everything from the cache);
- a naive baseline in this same process on the same documents (or the first
  ``--baseline-max`` of them, scaled): NLTK Punkt sentences, NLTK Treebank words and NLTK
  VADER per sentence, one document at a time;
- peak memory (RSS) of this process (which holds the articles) and of the largest worker
  (workers start from a fork server, so they do not count the driver's pages).

    .venv/bin/python benchmarks/run.py --sizes 1000 10000 100000

Figures go to standard output; nothing is timed in the test suite.
"""
from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd


from corpus_tools.pipeline import STAGES, process, read_articles
from corpus_tools.tokens import word_spans


def peak_rss_mib() -> float:
    """Peak RSS of this process in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def count_words(texts: pd.Series) -> int:
    return int(sum(sum(1 for s, e in word_spans(t) if t[s].isalnum()) for t in texts))


def naive_baseline(texts: list[str]) -> float:
    """Seconds for Punkt + Treebank + VADER per sentence, one document at a time."""
    from nltk.sentiment.vader import SentimentIntensityAnalyzer
    from nltk.tokenize import TreebankWordTokenizer
    from nltk.tokenize.punkt import PunktSentenceTokenizer

    from corpus_tools.sentiment import vader_lexicon_path

    vader_lexicon_path()  # the lexicon on NLTK's data path, as the package does it
    analyzer = SentimentIntensityAnalyzer(lexicon_file="sentiment/vader_lexicon/vader_lexicon.txt")
    splitter, words = PunktSentenceTokenizer(), TreebankWordTokenizer()
    started = time.perf_counter()
    for text in texts:
        for sentence in splitter.tokenize(text):
            words.tokenize(sentence)
            analyzer.polarity_scores(sentence)
    return time.perf_counter() - started


def run(n: int, scheduler: str, workers: int | None, baseline_max: int, data: Path) -> None:
    path = data / f"synthetic-{n}.jsonl"
    if not path.exists():  # generated in another process, so its memory is not counted here
        subprocess.run([sys.executable, str(Path(__file__).with_name("synthetic.py")), str(n), str(path)], check=True)
    articles = read_articles(path)
    words = count_words(articles["text_raw"])
    print(f"\n== {n:,} articles, {words:,} words ({path})")
    with tempfile.TemporaryDirectory() as cache:
        started = time.perf_counter()
        result = process(articles, cache=cache, scheduler=scheduler, workers=workers, batch_size=200)
        wall = time.perf_counter() - started
        print(f"pipeline ({scheduler}, all stages: {', '.join(STAGES)}): {wall:8.1f} s  "
              f"{n / wall:8.1f} docs/s  {words / wall:10,.0f} words/s")
        for stage, spent in result.seconds.items():
            print(f"    stage {stage:<12} {spent:8.1f} worker-s  {words / spent:10,.0f} words/s per core")
        started = time.perf_counter()
        again = process(articles, cache=cache, scheduler=scheduler, workers=workers, batch_size=200)
        rerun = time.perf_counter() - started
        assert not any(again.computed.values())
        print(f"unchanged rerun: {rerun:.2f} s (nothing processed)")
        print(f"peak RSS: this process {peak_rss_mib():,.0f} MiB (articles in memory), largest worker "
              f"{result.worker_peak_rss_mib:,.0f} MiB, {workers or os.cpu_count()} workers")
    sample = articles["text_raw"].iloc[:baseline_max].tolist()
    spent = naive_baseline(sample)
    scale = n / len(sample)
    base_wall = spent * scale
    print(f"naive baseline on {len(sample):,} of the documents: {spent:.1f} s -> {base_wall:.1f} s for all, "
          f"{n / base_wall:8.1f} docs/s  {words / base_wall:10,.0f} words/s")
    print(f"ratio pipeline / baseline throughput: {base_wall / wall:.2f}x")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark the per-document pipeline.")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--scheduler", default="processes", choices=["serial", "processes", "dask"])
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--baseline-max", type=int, default=5000, help="documents the baseline runs on (scaled to n)")
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "corpus_tools_bench")
    args = parser.parse_args(argv)
    args.data.mkdir(parents=True, exist_ok=True)
    for n in args.sizes:
        run(n, args.scheduler, args.workers, args.baseline_max, args.data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
