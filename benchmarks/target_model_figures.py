"""Figures of the learned tone-toward layer (:mod:`corpus_tools.target_model`).

Prints, in order:

- grouped 5-fold cross-validation on the training data (reports as groups) for every candidate
  classifier, with the chosen feature groups;
- an ablation: CV macro-F1 of the chosen classifier with each feature group left out;
- the learning curve: CV macro-F1 with a seeded share of each training fold's reports;
- the test halves of both gold sets (reporting only; never used to choose anything): macro-F1
  and accuracy with seeded 95% bootstrap intervals for the learned layer, the rules, the
  mentioning-sentence label and raw VADER;
- macro-F1 and accuracy per side on each test half, learned against the rules;
- the heaviest features and the share of absolute weight per feature group.

    .venv/bin/python benchmarks/target_model_figures.py [--no-ablation]
"""
from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

from corpus_tools.target_model import (
    DEFAULT_GROUPS, DEFAULT_MODEL, FEATURE_GROUPS, _training_matrix, cross_validate_target_model,
    evaluate_target_model, fit_target_model, target_model_learning_curve, target_model_validation,
)
from corpus_tools.target_tone import _scores, load_target_gold


def feature_group(name: str) -> str:
    if name.startswith(("rule", "ev=")):
        return "rule"
    if name.startswith(("l=", "r=", "l1=", "r1=", "b=", "lb=", "rb=")):
        return "window"
    if name.startswith("cue "):
        return "lexicon"
    if name in ("subject", "not subject", "mentions"):
        return "subject"
    if name == "negation near":
        return "negation"
    if name in ("in quote", "not quoted") or name.startswith("voice="):
        return "quote"
    if name.startswith("vader"):
        return "vader"
    if name.startswith("side="):
        return "side"
    if name.startswith(("rel=", "relcue=", "net ")):
        return "relation"
    if name.startswith("local "):
        return "local"
    return "conjunction"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--no-ablation", action="store_true")
    args = parser.parse_args()
    pd.set_option("display.width", 200)

    print("## grouped cross-validation on the training data")
    matrix = _training_matrix(None, None, DEFAULT_GROUPS)
    print(cross_validate_target_model(_matrix=matrix).round(3).to_string(index=False))

    if not args.no_ablation:
        print("\n## ablation (chosen classifier, one group left out or added)")
        rows = []
        for drop in FEATURE_GROUPS:
            groups = tuple(g for g in DEFAULT_GROUPS if g != drop) if drop in DEFAULT_GROUPS else (*DEFAULT_GROUPS, drop)
            cv = cross_validate_target_model(candidates=[DEFAULT_MODEL], groups=groups,
                                             _matrix=_training_matrix(None, None, groups))
            rows.append({"change": ("- " if drop in DEFAULT_GROUPS else "+ ") + drop, **cv.iloc[0][["macro_f1", "accuracy",
                                                                                                     "fold_sd"]]})
        print(pd.DataFrame(rows).round(3).to_string(index=False))

    print("\n## learning curve (chosen classifier; share of each training fold's reports kept, seeded)")
    print(target_model_learning_curve(_matrix=matrix).round(3).to_string(index=False))

    print("\n## test halves (reporting only)")
    preds = {w: evaluate_target_model(load_target_gold(w), w) for w in ("articles", "written")}
    table = target_model_validation(splits=("test",), predictions=preds)
    print(table.round(3).to_string(index=False))

    print("\n## per side, test halves")
    rows = []
    for which, p in preds.items():
        p = p[p["split"] == "test"]
        for target, part in p.groupby("target", sort=True):
            la, lf = _scores(part["gold"], part["learned"])
            ra, rf = _scores(part["gold"], part["tone_toward"])
            rows.append({"gold_set": which, "target": target, "n": len(part), "learned_f1": lf, "rules_f1": rf,
                         "learned_acc": la, "rules_acc": ra})
    print(pd.DataFrame(rows).round(3).to_string(index=False))

    print("\n## heaviest features (weight per class)")
    weights = fit_target_model().weights()
    print(weights.head(30).round(2).to_string(index=False))
    weights = weights.assign(group=weights["feature"].map(feature_group),
                             size=np.abs(weights[["negative", "neutral", "positive"]]).sum(axis=1))
    share = weights.groupby("group")["size"].agg(["count", "sum"])
    share["share"] = share["sum"] / share["sum"].sum()
    print("\n## share of absolute weight per feature group")
    print(share.sort_values("share", ascending=False).round(3).to_string())


if __name__ == "__main__":
    main()
