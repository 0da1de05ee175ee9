"""A deterministic synthetic corpus built from the real corpus's sentences.

Each synthetic article draws paragraphs of real (cleaned) sentences with a seeded generator;
numbers are redrawn and now and then a sentence loses a word, so that sentences rarely repeat
exactly (nothing in the pipeline can win by memoising). Some articles get an outlet's
boilerplate lines, so cleaning has work to do. Written as JSON Lines (``doc_id, text, outlet,
published, meeting_id``), the format :func:`corpus_tools.pipeline.read_articles` reads.

    .venv/bin/python benchmarks/synthetic.py 10000 /tmp/synthetic-10k.jsonl
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import numpy as np

from corpus_tools import load_corpus, load_meetings, sentences

BOILERPLATE = ["Support The Moscow Times!", "Read more", "See more: an unrelated story on another page"]
_NUMBER = re.compile(r"\d+")


def synthetic_articles(n: int, seed: int = 2025) -> list[dict]:
    """``n`` synthetic articles; the same ``n`` and ``seed`` give the same articles.

    Examples
    --------
    >>> a, b = synthetic_articles(3), synthetic_articles(3)
    >>> a == b, len(a), a[0]["doc_id"]
    (True, 3, 'syn-0000000')
    """
    rng = np.random.default_rng(seed)
    corpus = load_corpus()
    pool = sentences(corpus)["text"].tolist()
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
            if len(words) > 6 and rng.random() < 0.3:
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
    args = parser.parse_args(argv)
    write_jsonl(synthetic_articles(args.n, args.seed), args.output)
    print(f"wrote {args.n} articles to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
