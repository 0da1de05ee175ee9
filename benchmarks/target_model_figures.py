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

With ``--side-prior`` it prints only the side-prior comparison: grouped cross-validation of the
chosen classifier with the default features and with side identity added (``side`` and
``side_rule``), overall, on the training reports written in the style of Russian state media,
per side, and on the pairs whose label goes against the prior (positive toward Russia, not
negative toward Russia, negative toward Ukraine or the European allies), with the mean signed
tone (negative -1, neutral 0, positive 1) of Russian-state-style reports minus the others',
labelled and predicted (a prior shrinks the predicted gap).

    .venv/bin/python benchmarks/target_model_figures.py [--no-ablation] [--side-prior]
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
    if " & rule" in name and not name.startswith("rule="):
        return "side_rule"
    if name.startswith(("rel=", "relcue=", "net ")):
        return "relation"
    if name.startswith(("cw=", "clause ")):
        return "clause"
    if name.startswith("local "):
        return "local"
    return "conjunction"


RUSSIAN_STATE = r"Russian state|TASS|RIA-like|RT-like"
SIGN = {"negative": -1, "neutral": 0, "positive": 1}


def side_prior() -> pd.DataFrame:
    """Out-of-fold predictions with and without side identity, scored where a prior matters."""
    from sklearn.model_selection import GroupKFold

    from corpus_tools.paths import data_dir
    from corpus_tools.target_model import TRAIN_FILES, _fit, _matrix32

    style = {}
    for name in TRAIN_FILES:
        table = pd.read_csv(data_dir() / "annotations" / name, dtype=str, keep_default_na=False)
        style.update({f"{name[-5]}{int(r):03d}": s for r, s in zip(table["report_no"], table["style"])})
    written = load_target_gold("written")
    style.update({f"w{n:03d}": s for n, s in zip(written["item_no"], written["style"])})
    rows = []
    for label, groups in (("without side identity (default)", DEFAULT_GROUPS),
                          ("with side identity (side, side_rule)", (*DEFAULT_GROUPS, "side", "side_rule"))):
        feats, pairs = _training_matrix(None, None, tuple(groups))
        y = pairs["polarity"].to_numpy()
        pred = np.empty(len(y), dtype=object)
        for tr, te in GroupKFold(n_splits=5).split(np.zeros(len(y)), y, pairs["group"].to_numpy()):
            vec, clf = _fit([feats[i] for i in tr], y[tr], *DEFAULT_MODEL)
            pred[te] = clf.predict(_matrix32(vec.transform([feats[i] for i in te])))
        russian = pairs["group"].map(style).fillna("").str.contains(RUSSIAN_STATE).to_numpy()
        target = pairs["target"].to_numpy()
        row = {"features": label, "n": len(y), "macro_f1": _scores(y, pred)[1],
               "russian_state_n": int(russian.sum()), "russian_state_f1": _scores(y[russian], pred[russian])[1]}
        for side in ("Russia", "Ukraine", "European allies", "United States"):
            row[f"f1 {side}"] = _scores(y[target == side], pred[target == side])[1]
        against = {"Russia positive": (target == "Russia") & (y == "positive"),
                   "Russia not negative": (target == "Russia") & (y != "negative"),
                   "Ukraine/Europe negative": np.isin(target, ["Ukraine", "European allies"]) & (y == "negative")}
        for name, mask in against.items():
            row[f"right: {name} (n={int(mask.sum())})"] = float((pred[mask] == y[mask]).mean())
        gold, got = np.array([SIGN[v] for v in y]), np.array([SIGN[v] for v in pred])
        for side in ("Russia", "Ukraine", "European allies"):
            a, b = (target == side) & russian, (target == side) & ~russian
            row[f"gap {side} labelled"] = gold[a].mean() - gold[b].mean()
            row[f"gap {side} predicted"] = got[a].mean() - got[b].mean()
        rows.append(row)
    return pd.DataFrame(rows).set_index("features").T


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--no-ablation", action="store_true")
    parser.add_argument("--side-prior", action="store_true")
    args = parser.parse_args()
    pd.set_option("display.width", 200)
    if args.side_prior:
        print("## the side prior (grouped 5-fold cross-validation on the training data)")
        print(side_prior().round(3).to_string())
        return

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
