"""Attribution on the held-back style suite B (data/annotations/style_suite_b/).

Suite B was written and annotated by a second annotator who saw neither the code nor suite A,
and it was kept out of the rule-writers' worktrees until the rules were merged: it was never
used to write or tune a rule. This script scores the quotes table on it, quotes counted once
per sentence and speaker, with Wilson 95% intervals.

    .venv/bin/python benchmarks/heldout_quotes.py
"""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pandas as pd

from corpus_tools import quotes as q
from corpus_tools.paths import data_dir


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        shutil.copytree(data_dir(), data)
        shutil.rmtree(data / "annotations" / "style_suite")
        shutil.copytree(data / "annotations" / "style_suite_b", data / "annotations" / "style_suite")
        corpus, gold = q.load_style_suite(data)
        predicted = q.quotes(corpus, data_dir=data)
        scores = q.evaluate_by_sentence(predicted, gold, corpus, data_dir=data)
    with pd.option_context("display.width", 160):
        print(f"held-back style suite B: {len(corpus)} reports, {int((gold['kind'] == 'speech').sum())} speech spans")
        print(scores.round(3).to_string(index=False))


if __name__ == "__main__":
    main()
