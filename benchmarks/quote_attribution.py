"""Print the quote-attribution figures of issue 12: the five articles and the style suite.

Run from the project root: ``.venv/bin/python benchmarks/quote_attribution.py``. Quotes are counted
once per sentence and speaker (``evaluate_by_sentence``) as well as per span (``evaluate_quotes``);
the style suite is reported whole and by split (the rules were tuned on ``tune`` only) and by
construction, with Wilson 95% intervals. The construction probes (``style_suite/probes``) are
printed last, apart from the suite.
"""
from __future__ import annotations

import pandas as pd

import corpus_tools as ct
from corpus_tools import quotes as qt


def main() -> None:
    pd.set_option("display.width", 200)
    corpus = ct.load_corpus()
    found = qt.quotes(corpus)
    gold = qt.load_gold_quotes(boilerplate=True)
    print("five articles, per span:\n", qt.evaluate_quotes(found, gold).to_string(index=False), "\n")
    print("five articles, per sentence and speaker:\n", qt.evaluate_by_sentence(found, gold, corpus).to_string(index=False), "\n")
    suite, suite_gold = qt.load_style_suite()
    suite_found = qt.quotes(suite)
    print("style suite, per sentence and speaker:\n",
          qt.evaluate_style_suite(suite_found, suite_gold, suite).to_string(index=False), "\n")
    split = dict(zip(suite["doc_id"], suite["split"]))
    for name in ("all", "tune", "test"):
        keep = suite_found["doc_id"].map(split).eq(name) | (name == "all")
        keep_gold = suite_gold["doc_id"].map(split).eq(name) | (name == "all")
        print(f"style suite by construction ({name}):\n",
              qt.errors_by_construction(suite_found[keep], suite_gold[keep_gold]).to_string(index=False), "\n")
    print("speakers left as an honorific or title: five articles", len(qt.unresolved_references(found)),
          "| style suite", len(qt.unresolved_references(suite_found)))
    probes, probes_gold = qt.load_style_suite(folder="style_suite/probes")
    probes_found = qt.quotes(probes)
    print("\nconstruction probes (written after the suite to develop rules; not part of its figures):\n",
          qt.evaluate_by_sentence(probes_found, probes_gold, probes).to_string(index=False), "\n\n",
          qt.errors_by_construction(probes_found, probes_gold).to_string(index=False))


if __name__ == "__main__":
    main()
