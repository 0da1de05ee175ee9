"""A deterministic synthetic corpus built from the real corpus's sentences.

Each synthetic article draws paragraphs of real (cleaned) sentences with a seeded generator;
numbers are redrawn and now and then a sentence loses a word. Some articles get an outlet's
boilerplate lines, so cleaning has work to do. Written as JSON Lines (``doc_id, text, outlet,
published, meeting_id``), the format :func:`corpus_tools.pipeline.read_articles` reads.

By default the sentences come from the five articles only (143 of them), so most repeat: at
1,000 articles 12% of the sentences occur once (:func:`distinct_share`). That is enough for
tests of scale (figures, tables, memory), but a stage that remembers what it computed per
sentence text looks faster on it than it would on real news. ``--distinct`` (what
``benchmarks/run.py`` times) draws from the five articles' sentences and the invented report
sentences of ``data/annotations/target_tone_train_a.csv`` to ``_w.csv`` (about 4,300 in all, in many outlets'
styles), and every sentence of more than six words loses one word and most lose a second: at
1,000 articles 91% of the sentences occur once (``run.py`` prints the share for each size).

    .venv/bin/python benchmarks/synthetic.py 10000 /tmp/synthetic-10k.jsonl [--distinct]
"""
from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from pathlib import Path

import numpy as np

from corpus_tools import load_corpus, load_meetings, sentences
from corpus_tools.paths import data_dir

#: The training reports whose sentences the synthetic articles are drawn from: files A to W, fixed,
#: so that a training file added later (files X to AC, session 14) does not change the benchmark
#: corpus and figures of earlier sessions stay comparable.
ANNOTATION_FILES = tuple(f"target_tone_train_{letter}.csv" for letter in "abcdefghijklmnopqrstuvw")
BOILERPLATE = ["Support The Moscow Times!", "Read more", "See more: an unrelated story on another page"]
_NUMBER = re.compile(r"\d+")


def _annotation_sentences() -> list[str]:
    """The distinct sentences of the tone-toward training reports, sorted (a fixed order).

    The files are :data:`ANNOTATION_FILES` (fixed), so a training file added later does not
    change the benchmark corpus.
    """
    found = set()
    for name in ANNOTATION_FILES:
        with (data_dir() / "annotations" / name).open(encoding="utf-8", newline="") as handle:
            found.update(row["sentence"] for row in csv.DictReader(handle))
    return sorted(found)


def synthetic_articles(n: int, seed: int = 2025, *, distinct: bool = False) -> list[dict]:
    """``n`` synthetic articles; the same ``n``, ``seed`` and ``distinct`` give the same articles.

    With ``distinct`` the sentences are drawn from a larger pool and altered more, so that few
    repeat exactly (module docstring).

    Examples
    --------
    >>> a, b = synthetic_articles(3), synthetic_articles(3)
    >>> a == b, len(a), a[0]["doc_id"]
    (True, 3, 'syn-0000000')
    >>> synthetic_articles(3, distinct=True) != a
    True
    """
    rng = np.random.default_rng(seed)
    corpus = load_corpus()
    pool = sentences(corpus)["text"].tolist()
    drops = (0.3,)
    if distinct:
        pool += _annotation_sentences()
        drops = (1.0, 0.7)
    lengths = corpus["n_sentences"].to_numpy()
    outlets = sorted(corpus["outlet"].unique())
    meetings = load_meetings()
    articles = []
    for i in range(n):
        k = int(rng.choice(lengths))
        picks = rng.integers(0, len(pool), size=k)
        paragraph, paragraphs = [], []
        for j in picks:
            sentence = _NUMBER.sub(lambda m: str(int(rng.integers(2, 40000))), pool[j])
            words = sentence.split(" ")
            for chance in drops:
                if len(words) > 6 and rng.random() < chance:
                    del words[int(rng.integers(1, len(words) - 1))]
            paragraph.append(" ".join(words))
            if rng.random() < 0.35:
                paragraphs.append(" ".join(paragraph))
                paragraph = []
        if paragraph:
            paragraphs.append(" ".join(paragraph))
        if rng.random() < 0.2:
            paragraphs.insert(0, BOILERPLATE[int(rng.integers(0, len(BOILERPLATE)))])
        meeting = meetings.iloc[int(rng.integers(0, len(meetings)))]
        day = meeting["date"] + np.timedelta64(int(rng.integers(0, 3)), "D")
        articles.append({
            "doc_id": f"syn-{i:07d}",
            "text": "\n".join(paragraphs) + "\n",
            "outlet": outlets[int(rng.integers(0, len(outlets)))],
            "published": day.strftime("%Y-%m-%d"),
            "meeting_id": meeting["meeting_id"],
        })
    return articles


def distinct_share(articles: list[dict]) -> float:
    """The share of the articles' sentences (split as the pipeline splits them) whose text
    occurs once in the whole set: what a per-sentence memo cannot win on.

    Examples
    --------
    >>> distinct_share(synthetic_articles(20, distinct=True)) > distinct_share(synthetic_articles(20))
    True
    """
    import pandas as pd

    texts = sentences(pd.DataFrame(articles, columns=["doc_id", "text"]))["text"]
    counts = texts.value_counts()
    return float((texts.map(counts) == 1).mean()) if len(texts) else float("nan")


def write_jsonl(articles: list[dict], path: Path) -> Path:
    """Write articles as JSON Lines."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        for article in articles:
            handle.write(json.dumps(article, ensure_ascii=False) + "\n")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of articles")
    parser.add_argument("output", type=Path, help="the .jsonl file to write")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--distinct", action="store_true",
                        help="a larger sentence pool, altered more: few sentences repeat (what run.py times)")
    args = parser.parse_args(argv)
    write_jsonl(synthetic_articles(args.n, args.seed, distinct=args.distinct), args.output)
    print(f"wrote {args.n} articles to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
