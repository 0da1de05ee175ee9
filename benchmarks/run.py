"""Speed and memory of the per-document pipeline, against a naive baseline.

For each size (articles from ``benchmarks/synthetic.py --distinct``, seeded: few sentences
repeat, so a per-sentence memo wins little; ``--repeating`` uses the older corpus of repeated
sentences) it prints:

- the pipeline (all stages, a fresh cache, the process pool by default, the article file
  streamed, batches of 200 articles or ``--batch``): wall time, documents and words per
  second (words: :func:`corpus_tools.count_words` of the raw texts), worker seconds per stage
  (cleaning included; wall and CPU time, which differ when other programs share the cores)
  with that stage's words per CPU-second;
- an unchanged rerun (everything from the cache);
- a naive baseline in this same process on the same documents (or the first
  ``--baseline-max`` of them, scaled): NLTK Punkt sentences, NLTK Treebank words and NLTK
  VADER per sentence, one document at a time;
- peak memory (RSS) of this process, the driver, which streams the file (measured before
  the baseline loads its sample), and of the largest worker (workers start from a fork
  server, so they do not count the driver's pages);
- the tone stage alone, old against new, on one core and the same sentences (the sentences
  of the first ``--tone-docs`` articles): the previous implementation (NLTK's analyzer
  sentence by sentence, word counts from the tokenizer) and :func:`corpus_tools.sentence_tone`
  (:class:`corpus_tools.vader.ExactVader`), in words per second, each in a fresh process
  (nothing remembered from the pipeline's run or an earlier round), in ``--tone-rounds``
  alternating rounds, with their median and every round's ratio, after checking that every
  round gives the same table.

    .venv/bin/python benchmarks/run.py --sizes 1000 10000 100000

``--stages`` runs the pipeline with only the named stages (and the stages they need, computed
in memory and timed per stage like the others); the baseline is the same. Issue 14's figures were measured
on the six stages of the time (sentences, tokens, word counts, sentence tone, mentions,
quotes), before the indirect-speech and tone-toward stages existed; this gives that pipeline
in the same run as the same baseline::

    .venv/bin/python benchmarks/run.py --sizes 1000 10000 --stages sentences tokens term_counts tone mentions quotes

``--param NAME VALUE`` sets a pipeline parameter (:data:`corpus_tools.pipeline.DEFAULT_PARAMS`),
e.g. the tone-toward stage with its rules alone::

    .venv/bin/python benchmarks/run.py --sizes 10000 --param tone_toward_method rules

``--check-vader N`` instead compares :class:`corpus_tools.vader.ExactVader` with NLTK on every
sentence of the N-article synthetic corpus, with and without the domain overrides, and
prints the number of sentences whose scores differ (to 4 decimals):

    .venv/bin/python benchmarks/run.py --check-vader 10000

Figures go to standard output; nothing is timed in the test suite.
"""
from __future__ import annotations

import argparse
import itertools
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd


from corpus_tools.pipeline import STAGES, iter_articles, process, read_articles
from corpus_tools.tokens import TOKEN_PATTERN, count_words
from synthetic import distinct_share  # noqa: E402  (benchmarks/ is on the path when run as a script)


def peak_rss_mib() -> float:
    """Peak RSS of this process in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def naive_baseline(texts: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds for Punkt + Treebank + VADER per sentence, one document at a time."""
    from nltk.sentiment.vader import SentimentIntensityAnalyzer
    from nltk.tokenize import TreebankWordTokenizer
    from nltk.tokenize.punkt import PunktSentenceTokenizer

    from corpus_tools.sentiment import vader_lexicon_path

    vader_lexicon_path()  # the lexicon on NLTK's data path, as the package does it
    analyzer = SentimentIntensityAnalyzer(lexicon_file="sentiment/vader_lexicon/vader_lexicon.txt")
    splitter, words = PunktSentenceTokenizer(), TreebankWordTokenizer()
    started, cpu = time.perf_counter(), time.process_time()
    for text in texts:
        for sentence in splitter.tokenize(text):
            words.tokenize(sentence)
            analyzer.polarity_scores(sentence)
    return time.perf_counter() - started, time.process_time() - cpu


def previous_tone(texts: list[str], method: str = "vader_adjusted") -> pd.DataFrame:
    """The tone stage before corpus_tools.vader: NLTK's analyzer per sentence, words from the tokenizer."""
    from nltk.tokenize import RegexpTokenizer

    from corpus_tools.sentiment import _HAS_WORD, _prepare_text, label_of, load_domain_overrides, vader_scorer

    overrides = load_domain_overrides() if method == "vader_adjusted" else None
    scorer = vader_scorer(overrides, space_quotes=method == "vader_adjusted")
    tokenizer = RegexpTokenizer(TOKEN_PATTERN)
    rows = []
    for text in texts:
        text = _prepare_text(text)
        s = scorer.analyzer.polarity_scores(scorer.prepare(text))
        n_words = sum(1 for a, b in tokenizer.span_tokenize(text) if _HAS_WORD.search(text[a:b]))
        rows.append((s["neg"], s["neu"], s["pos"], s["compound"], label_of(s["compound"]), n_words))
    return pd.DataFrame(rows, columns=["neg", "neu", "pos", "compound", "label", "n_words"]).astype({"n_words": "int64"})


def synthetic_path(n: int, data: Path, repeating: bool = False) -> Path:
    """The n-article synthetic corpus (``synthetic.py --distinct``, or its default, repeating,
    sentence pool with ``repeating``), written once into ``data``."""
    path = data / (f"synthetic-{n}.jsonl" if repeating else f"synthetic-distinct-{n}.jsonl")
    if not path.exists():  # generated in another process, so its memory is not counted here
        flags = [] if repeating else ["--distinct"]
        subprocess.run([sys.executable, str(Path(__file__).with_name("synthetic.py")), str(n), str(path), *flags],
                       check=True)
    return path


def synthetic_sentences(articles: pd.DataFrame) -> pd.DataFrame:
    """The sentences of the articles, cleaned as the pipeline cleans them."""
    from corpus_tools.pipeline import _clean_batch, articles_from_corpus
    from corpus_tools.tokens import sentences

    data_dir = str(Path(__file__).resolve().parents[1] / "data")
    docs = articles_from_corpus(articles)
    parts = [sentences(_clean_batch(docs.iloc[i:i + 500].to_dict("records"), data_dir)) for i in range(0, len(docs), 500)]
    return pd.concat(parts, ignore_index=True)


TONE_WARM_UP = "Leaders met in Paris."  # loads each implementation's resources, not timed


def tone_round(which: str, source: Path, out: Path) -> None:
    """One round of the tone comparison, in a process of its own (so every memo starts empty, as
    in a worker's first batch): the ``new`` (:func:`corpus_tools.sentence_tone`) or ``old``
    (:func:`previous_tone`) tone stage on the sentences in ``source``, its resources loaded on
    one short sentence first (not timed); prints its CPU seconds and writes its table to ``out``."""
    from corpus_tools.sentiment import sentence_tone

    sents = pd.read_parquet(source)
    if which == "new":
        sentence_tone(pd.DataFrame({"doc_id": ["w"], "sent_id": [1], "text": [TONE_WARM_UP]}), "vader_adjusted")
        started = time.process_time()
        table = sentence_tone(sents, "vader_adjusted")
    else:
        previous_tone([TONE_WARM_UP])
        started = time.process_time()
        table = previous_tone(sents["text"].tolist())
    print(time.process_time() - started)
    table[["neg", "neu", "pos", "compound", "label", "n_words"]].reset_index(drop=True).to_parquet(out)


def tone_old_new(articles: pd.DataFrame, rounds: int = 3) -> None:
    """Words per second of the tone stage, previous implementation against the present one, in
    ``rounds`` rounds that alternate which goes first; each implementation runs in a fresh
    process every round (:func:`tone_round`). Prints each round's ratio and their median: one
    run lasts one or two seconds on a machine whose speed moves by a tenth between runs."""
    sents = synthetic_sentences(articles)
    words = int(sents["text"].map(count_words).sum())
    seconds: dict[str, list[float]] = {"old": [], "new": []}
    with tempfile.TemporaryDirectory() as scratch:
        source = Path(scratch) / "sentences.parquet"
        sents[["doc_id", "sent_id", "text"]].to_parquet(source)
        for r in range(rounds):
            for which in ("new", "old") if r % 2 == 0 else ("old", "new"):
                out = Path(scratch) / f"{which}-{r}.parquet"
                done = subprocess.run([sys.executable, __file__, "--tone-round", which, str(source), str(out)],
                                      check=True, capture_output=True, text=True)
                seconds[which].append(float(done.stdout.split()[-1]))
        tables = [pd.read_parquet(Path(scratch) / f"{which}-{r}.parquet") for r in range(rounds) for which in seconds]
        same = all(t.equals(tables[0]) for t in tables[1:])
    ratios = sorted(o / n for o, n in zip(seconds["old"], seconds["new"]))
    old_s, new_s = statistics.median(seconds["old"]), statistics.median(seconds["new"])
    print(f"tone stage alone on {len(sents):,} sentences of {len(articles):,} articles ({words:,} words), one core, "
          f"a fresh process each, CPU seconds (median of {rounds}): previous {old_s:.1f} s = {words / old_s:,.0f} "
          f"words/s; present {new_s:.2f} s = {words / new_s:,.0f} words/s; {statistics.median(ratios):.1f}x "
          f"(rounds: {', '.join(f'{x:.1f}x' for x in ratios)}); same table: {same}")


def check_vader(n: int, data: Path) -> int:
    """Sentences of the n-article synthetic corpus whose ExactVader scores differ from NLTK's."""
    from corpus_tools.sentiment import _prepare_text, load_domain_overrides, vader_scorer
    from corpus_tools.vader import ExactVader

    sents = synthetic_sentences(read_articles(synthetic_path(n, data)))
    wrong = 0
    for overrides in (None, load_domain_overrides()):
        scorer = vader_scorer(overrides, space_quotes=overrides is not None)
        exact = ExactVader(scorer.analyzer.lexicon)
        differ = 0
        for text in sents["text"]:
            prepared = scorer.prepare(_prepare_text(text))
            want, got = scorer.analyzer.polarity_scores(prepared), exact.polarity_scores(prepared)
            differ += any(round(want[k], 4) != round(got[k], 4) for k in want)
        label = "with" if overrides is not None else "without"
        print(f"{n:,} articles, {len(sents):,} sentences, {label} the domain overrides: {differ} differ from NLTK")
        wrong += differ
    return wrong


def run(n: int, scheduler: str, workers: int | None, baseline_max: int, data: Path, tone_docs: int,
        repeating: bool = False, stages: list[str] | None = None, params: dict | None = None,
        batch: int = 200, tone_rounds: int = 3) -> None:
    path = synthetic_path(n, data, repeating)
    words = sum(count_words(t) for chunk in iter_articles(path) for t in chunk["text_raw"])
    print(f"\n== {n:,} articles, {words:,} words ({path}); machine load {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as cache:
        started = time.perf_counter()
        result = process(path, stages, cache=cache, scheduler=scheduler, workers=workers, batch_size=batch,
                         params=params)  # streamed
        wall = time.perf_counter() - started
        named = f"stages: {', '.join(stages)}" if stages else f"all stages: {', '.join(STAGES)}"
        named += "".join(f", {k}={v}" for k, v in (params or {}).items())
        print(f"pipeline ({scheduler}, file streamed, {named}): {wall:8.1f} s  "
              f"{n / wall:8.1f} docs/s  {words / wall:10,.0f} words/s")
        total = sum(result.cpu_seconds.values())
        for stage, spent in result.seconds.items():
            cpu = result.cpu_seconds[stage]
            print(f"    stage {stage:<12} {spent:8.1f} worker-s  {cpu:8.1f} CPU-s ({100 * cpu / total:4.1f}%)  "
                  f"{words / cpu:10,.0f} words/s per core (CPU)")
        print(f"    all stages   {sum(result.seconds.values()):8.1f} worker-s  {total:8.1f} CPU-s")
        started = time.perf_counter()
        again = process(path, stages, cache=cache, scheduler=scheduler, workers=workers, batch_size=batch, params=params)
        rerun = time.perf_counter() - started
        assert not any(again.computed.values())
        print(f"unchanged rerun: {rerun:.2f} s (nothing processed)")
        print(f"peak RSS: driver {peak_rss_mib():,.0f} MiB (streams the file, keeps ids and keys), largest worker "
              f"{result.worker_peak_rss_mib:,.0f} MiB, {workers or os.cpu_count()} workers")
    sample = pd.concat(itertools.islice(iter_articles(path, chunk_size=1000), -(-min(baseline_max, n) // 1000)),
                       ignore_index=True).iloc[:baseline_max]
    share = distinct_share(sample.rename(columns={"text_raw": "text"})[["doc_id", "text"]].to_dict("records"))
    print(f"sentences occurring once among those of the first {len(sample):,} documents: {100 * share:.0f}% "
          f"(what a per-sentence memo cannot win on)")
    spent, spent_cpu = naive_baseline(sample["text_raw"].tolist())
    scale = n / len(sample)
    base_wall = spent * scale
    print(f"naive baseline on {len(sample):,} of the documents: {spent:.1f} s -> {base_wall:.1f} s for all, "
          f"{n / base_wall:8.1f} docs/s  {words / base_wall:10,.0f} words/s")
    print(f"ratio pipeline / baseline throughput: {base_wall / wall:.2f}x")
    # on a shared machine wall times depend on the other programs; CPU time much less so
    cores = workers or os.cpu_count() or 1
    naive_ms, pipe_ms = 1000 * spent_cpu / len(sample), 1000 * total / n
    print(f"CPU per document: pipeline {pipe_ms:.1f} ms (all stages, cleaning included, summed over workers), naive "
          f"{naive_ms:.1f} ms; naive / pipeline {naive_ms / pipe_ms:.2f}, so about {cores * naive_ms / pipe_ms:.2f}x "
          f"the throughput on {cores} idle cores (an estimate from CPU time, not a measurement)")
    tone_old_new(sample.iloc[:tone_docs], tone_rounds)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark the per-document pipeline.")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--scheduler", default="processes", choices=["serial", "processes", "dask"])
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--baseline-max", type=int, default=5000, help="documents the baseline runs on (scaled to n)")
    parser.add_argument("--tone-docs", type=int, default=2000, help="articles whose sentences the old/new tone comparison runs on")
    parser.add_argument("--tone-rounds", type=int, default=3,
                        help="rounds of the old/new tone comparison, each implementation in a fresh process")
    parser.add_argument("--tone-round", nargs=3, default=None, help=argparse.SUPPRESS)  # one round's process
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "corpus_tools_bench")
    parser.add_argument("--repeating", action="store_true",
                        help="the older synthetic corpus drawn from the five articles' 143 sentences, most of them "
                             "repeated (figures of sessions 1-8); by default few sentences repeat")
    parser.add_argument("--stages", nargs="+", default=None, choices=list(STAGES),
                        help="run only these stages (and those they need); default: all")
    parser.add_argument("--param", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"),
                        help="a pipeline parameter, e.g. --param tone_toward_method rules")
    parser.add_argument("--batch", type=int, default=200,
                        help="articles per batch (default %(default)s; the process command's default is 100, and the "
                             "pool replaces a worker after corpus_tools.pipeline.WORKER_TASKS batches)")
    parser.add_argument("--check-vader", type=int, default=None, metavar="N",
                        help="only compare ExactVader with NLTK on every sentence of N synthetic articles")
    args = parser.parse_args(argv)
    if args.tone_round:
        which, source, out = args.tone_round
        tone_round(which, Path(source), Path(out))
        return 0
    args.data.mkdir(parents=True, exist_ok=True)
    if args.check_vader:
        return 1 if check_vader(args.check_vader, args.data) else 0
    for n in args.sizes:
        run(n, args.scheduler, args.workers, args.baseline_max, args.data, args.tone_docs, args.repeating, args.stages,
            dict(args.param), args.batch, args.tone_rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
