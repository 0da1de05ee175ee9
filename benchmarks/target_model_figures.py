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

With ``--errors`` it prints only the error analysis: out-of-fold predictions of the chosen
classifier (grouped 5-fold cross-validation on the training data, never a test half) tabulated by
the construction the pair shows (:func:`construction_tags`), and the agreement ceiling: macro-F1
of a second annotation against the first, with a 95% bootstrap interval over sentences, on the
119 pairs of the five articles' test half (``target_tone_agreement.csv``) and on the 352 pairs of
the fresh held-out set (``target_tone_fresh_agreement.csv``). With ``--errors --list`` it also
lists every out-of-fold error on a pair where no action cue applies (:func:`no_cue_errors`):
gold and predicted polarity, the side, the words next to its mentions and the sentence, the
material from which the general classes of ``data/lexicons/target_actions.csv`` were sorted
(``target_tone_train_README.md``, session 7).

With ``--test-halves`` it prints only the test halves and the per-side figures (the default model).

With ``--consistency`` it prints only the label-consistency figures of :func:`consistency`.

With ``--tune-weights`` it prints only the domain-weighting figures (session 12): for each weight of
:data:`~corpus_tools.target_model.TUNE_WEIGHTS` given to the tune halves' pairs, the cross-validation
over the tune halves (:func:`~corpus_tools.target_model.tune_half_cross_validation`: folds the five
articles and the written tune half's styles; the selection criterion) and the ordinary grouped
cross-validation over training reports.

With ``--learners`` it prints only the learners compared (session 12): the linear model, a boosted
model on the compact dense view and the stack (linear probabilities out of fold plus the dense view
into a boosted model), each by grouped cross-validation over training reports and by the
cross-validation over the tune halves (weight :data:`~corpus_tools.target_model.DEFAULT_TUNE_WEIGHT`).

With ``--paired`` it prints only paired 95% bootstrap intervals (sentences resampled) of the
session-12 differences in macro-F1, on the out-of-fold predictions: on the tune-half CV, weight 8
against 1 and the stacked learner against the linear one; on the grouped CV over reports, the
stacked learner against the linear one (:func:`paired_gains`).

With ``--added-files train_x,train_y`` it prints only what those training files add
(:func:`added_data`): grouped CV scored on the earlier pairs with their folds, the files added to
every training fold; the tune-half CV with and without them; paired 95% bootstrap intervals. With
``--list`` too it lists the tune pairs whose prediction the files change.

With ``--relabelled`` it prints only what the second readings of ``target_tone_train_relabels.csv``
change (:func:`relabelled`, session 15): the CV over the tune halves and the grouped CV on the pairs
nobody read again, trained on the files' labels, on the new readings and on the pairs both agree
on, with paired 95% bootstrap intervals, and the new readings against the files' labels. With
``--list`` too it lists the tune pairs whose prediction the new readings change.

With ``--groups rule,window,...,roles`` the cross-validation (and ``--errors``) use those feature
groups instead of the defaults, to compare a candidate group with and without it.

    .venv/bin/python benchmarks/target_model_figures.py [--no-ablation] [--side-prior] [--errors [--list]]
        [--consistency] [--tune-weights] [--learners] [--paired] [--added-files S1,S2]
        [--relabelled] [--groups G1,G2,...]
"""
from __future__ import annotations

import argparse
import re

import numpy as np
import pandas as pd

from corpus_tools.target_model import (
    DEFAULT_GROUPS, DEFAULT_MODEL, DEFAULT_TUNE_WEIGHT, FEATURE_GROUPS, LEARNERS, TUNE_WEIGHTS, _training_matrix,
    cross_validate_target_model, evaluate_target_model, fit_target_model, target_model_learning_curve,
    target_model_validation, tune_half_cross_validation,
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
    if name.startswith(("role=", "role net ", "speaker ")):
        return "roles"
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


#: constructions tabulated by :func:`error_table`: name -> test of (text, target, features)
_NEGATORS = re.compile(r"\b(?:not|n't|no|never|without|neither|nor|cannot|fail\w*|refus\w*|unable)\b", re.I)
_PASSIVE = re.compile(r"\b(?:is|was|were|are|been|being|be|got)\s+(?:\w+ly\s+)?\w+(?:ed|en|wn|ck|uck)\b", re.I)
_CONTRAST = re.compile(r"\b(?:but|however|yet|nevertheless)\b", re.I)
_US_ROLE = re.compile(r"mediat|broker|envoy|pressur|press(?:ed|ing|es)?\b|urg|push|brokered|peace plan|deal", re.I)
_CLAIMED = re.compile(r"liberat|claim|destroyed|intercept|shot down|neutrali[sz]|repelled|downed", re.I)
_MODAL = re.compile(r"\b(?:threat\w*|warn\w*|could|would|may|might|plan\w*|ready to|vow\w*)\b", re.I)


def construction_tags(text: str, target: str, feats: dict, others: str = "") -> list[str]:
    """The constructions a (sentence, side) pair shows, for the error table (a pair may show
    several): the side's role from the ``relation`` features (doer, receiver, victim, giver),
    passive voice, quotation or a reported speaker, negation, a contrast word, three or more
    sides in the sentence, the United States with a mediating or pressing word, claimed strikes or
    "liberated", a threat or modal verb, a subordinate clause, and no action cue at all (the
    rules fell back on sentence tone)."""
    tags = []
    keys = " ".join(feats)
    if "rel=agent" in keys:
        tags.append("side as doer of an action")
    if "rel=patient" in keys:
        tags.append("side as receiver of an action")
    if "rel=victim" in keys:
        tags.append("side as victim of an attack")
    if "rel=giver" in keys:
        tags.append("side gives an action aimed at another")
    if _PASSIVE.search(text):
        tags.append("passive")
    if feats.get("in quote") or feats.get("voice=own side") or feats.get("voice=other side"):
        tags.append("quoted or reported voice")
    if _NEGATORS.search(text):
        tags.append("negation")
    if _CONTRAST.search(text):
        tags.append("contrast (but/however/yet)")
    if feats.get("clause rank=sub"):
        tags.append("side in a subordinate clause")
    if len([o for o in others.split("\x1e") if o]) >= 2:
        tags.append("three or more sides")
    if target == "United States" and _US_ROLE.search(text):
        tags.append("United States as mediator or pressing")
    if _CLAIMED.search(text):
        tags.append("claimed strikes, 'liberated'")
    if _MODAL.search(text):
        tags.append("threat or modal")
    if feats.get("rule=fallback") or not any(k.startswith("rel=") for k in feats):
        tags.append("no action cue (sentence tone)")
    return tags or ["none of these"]


def out_of_fold(groups=DEFAULT_GROUPS, kind=DEFAULT_MODEL[0], c=DEFAULT_MODEL[1]):
    """Out-of-fold predictions of grouped 5-fold cross-validation (the folds of
    :func:`cross_validate_target_model`): (features, pairs with ``pred``)."""
    from sklearn.model_selection import GroupKFold

    from corpus_tools.target_model import _fit, _matrix32

    feats, pairs = _training_matrix(None, None, tuple(groups))
    y = pairs["polarity"].to_numpy()
    pred = np.empty(len(y), dtype=object)
    for tr, te in GroupKFold(n_splits=5).split(np.zeros(len(y)), y, pairs["group"].to_numpy()):
        vec, clf = _fit([feats[i] for i in tr], y[tr], kind, c)
        pred[te] = clf.predict(_matrix32(vec.transform([feats[i] for i in te])))
    return feats, pairs.assign(pred=pred)


def error_table(feats, pairs) -> pd.DataFrame:
    """Per construction: pairs, errors, error rate, share of all errors, macro-F1 within, and
    the commonest confusion (gold -> predicted)."""
    # the construction tags need the relation features whatever groups were cross-validated
    if not any(k.startswith("rel=") for f in feats[:200] for k in f):
        feats = _training_matrix(None, None, (*DEFAULT_GROUPS,))[0]
    rows = []
    tags = [construction_tags(t, s, f, o) for t, s, f, o in zip(pairs["text"], pairs["target"], feats, pairs["others"])]
    wrong = (pairs["polarity"] != pairs["pred"]).to_numpy()
    names = sorted({t for ts in tags for t in ts})
    for name in ["all pairs", *names]:
        mask = np.array([True] * len(tags)) if name == "all pairs" else np.array([name in ts for ts in tags])
        part = pairs[mask]
        errs = part[part["polarity"] != part["pred"]]
        confusion = (errs["polarity"] + " -> " + errs["pred"]).value_counts()
        rows.append({"construction": name, "n": int(mask.sum()), "errors": len(errs),
                     "error_rate": len(errs) / max(1, mask.sum()), "share_of_errors": len(errs) / max(1, wrong.sum()),
                     "macro_f1": _scores(part["polarity"], part["pred"])[1],
                     "commonest error": f"{confusion.index[0]} ({confusion.iloc[0]})" if len(confusion) else ""})
    return pd.DataFrame(rows).sort_values(["construction"], key=lambda s: s.map(
        lambda v: (v != "all pairs", v))).reset_index(drop=True)


NO_CUE = "no action cue (sentence tone)"


def no_cue_errors(feats, pairs) -> pd.DataFrame:
    """The out-of-fold errors on pairs where no action cue applies (tag :data:`NO_CUE` of
    :func:`construction_tags`): ``doc_id, sent_id, target, gold, pred, words, text``, where
    ``words`` are the words right before and after each mention of the side (the ``l1=`` and
    ``r1=`` window features, ``<T>`` the side, ``<O>`` another side), sorted by confusion
    (commonest first), then by document, sentence and side."""
    if not any(k.startswith("rel=") for f in feats[:200] for k in f):
        feats = _training_matrix(None, None, (*DEFAULT_GROUPS,))[0]
    tags = [construction_tags(t, s, f, o) for t, s, f, o in zip(pairs["text"], pairs["target"], feats, pairs["others"])]
    words = [" | ".join(sorted([k for k in f if k.startswith(("l1=", "r1="))])) for f in feats]
    table = pairs.assign(words=words, gold=pairs["polarity"], no_cue=[NO_CUE in t for t in tags])
    table = table[table["no_cue"] & (table["gold"] != table["pred"])]
    confusion = table["gold"] + " -> " + table["pred"]
    table = table.assign(confusion=confusion, size=confusion.map(confusion.value_counts()))
    table = table.sort_values(["size", "confusion", "doc_id", "sent_id", "target"],
                              ascending=[False, True, True, True, True], kind="mergesort")
    return table[["doc_id", "sent_id", "target", "gold", "pred", "words", "text"]].reset_index(drop=True)


def agreement_ceiling(which: str = "articles", n_boot: int = 2000, seed: int = 11) -> dict:
    """Macro-F1 and accuracy of a second annotation against the first on the pairs labelled
    twice, with seeded 95% bootstrap intervals over sentences (as the models' scores): ``articles``,
    the five articles' test half (``target_tone_agreement.csv``), or ``fresh``, the fresh held-out
    set of session 10 (``target_tone_fresh_agreement.csv``; pairs about no side left out, as when
    the set is scored)."""
    from corpus_tools.paths import data_dir
    from corpus_tools.target_tone import bootstrap_scores

    folder = data_dir() / "annotations"
    if which == "articles":
        first = load_target_gold("articles").rename(columns={"sent_no": "sent_id"})
        second = pd.read_csv(folder / "target_tone_agreement.csv", dtype=str, keep_default_na=False)
        second = second.rename(columns={"sent_no": "sent_id"})
    elif which == "fresh":
        first = pd.read_csv(folder / "target_tone_fresh.csv", dtype=str, keep_default_na=False)
        second = pd.read_csv(folder / "target_tone_fresh_agreement.csv", dtype=str, keep_default_na=False)
        first, second = (t.rename(columns={"report_no": "doc_id", "sent_no": "sent_id"}) for t in (first, second))
        first = first[first["target"] != "none"]
    else:
        raise ValueError(f"which must be 'articles' or 'fresh', not {which!r}")
    first, second = (t.assign(sent_id=t["sent_id"].astype(int)) for t in (first, second))
    joined = first.merge(second, on=["doc_id", "sent_id", "target"], suffixes=("", "_second"), validate="one_to_one")
    table = pd.DataFrame({"doc_id": joined["doc_id"], "sent_id": joined["sent_id"], "gold": joined["polarity"],
                          "second": joined["polarity_second"]})
    return bootstrap_scores(table, "second", n_boot=n_boot, seed=seed)


def annotation_notes() -> pd.DataFrame:
    """The annotators' notes per training pair: ``doc_id, sent_id, target, notes`` (files A-I
    and both tune halves, keyed as :func:`~corpus_tools.target_model.load_target_training`)."""
    from corpus_tools.paths import data_dir
    from corpus_tools.target_model import TRAIN_FILES

    parts = []
    for name in TRAIN_FILES:
        t = pd.read_csv(data_dir() / "annotations" / name, dtype=str, keep_default_na=False)
        parts.append(pd.DataFrame({"doc_id": [f"{name[-5]}{int(r):03d}" for r in t["report_no"]],
                                   "sent_id": t["sent_no"].astype(int), "target": t["target"], "notes": t["notes"]}))
    g = load_target_gold("articles")
    parts.append(pd.DataFrame({"doc_id": g["doc_id"], "sent_id": g["sent_no"].astype(int), "target": g["target"],
                               "notes": g["notes"]}))
    w = load_target_gold("written")
    parts.append(pd.DataFrame({"doc_id": [f"w{int(n):03d}" for n in w["item_no"]], "sent_id": w["item_no"].astype(int),
                               "target": w["target"], "notes": w["notes"]}))
    return pd.concat(parts, ignore_index=True).drop_duplicates(["doc_id", "sent_id", "target"])


def consistency(groups=DEFAULT_GROUPS) -> pd.DataFrame:
    """Cross-validated macro-F1 on the pairs whose label follows the guideline plainly, against
    all pairs: (a) without the pairs the annotators themselves marked "judgement call" in their
    notes; (b) without pairs whose only role is the victim of harm ("Ukraine was shelled",
    ``role=patient done -`` and no other role) yet are labelled negative (guideline rule 4: the
    victim is not the target of hostility); (c) both. Each subset is scored two ways: the
    out-of-fold predictions of the model trained on everything, restricted to the subset
    (``scored_on_subset``), and a model cross-validated on the subset alone (``trained_on_subset``)."""
    from sklearn.model_selection import GroupKFold

    from corpus_tools.target_model import _fit, _matrix32

    feats, pairs = out_of_fold(groups)
    role_feats = feats if "roles" in groups else _training_matrix(None, None, (*DEFAULT_GROUPS, "roles"))[0]
    notes = pairs[["doc_id", "sent_id", "target"]].merge(annotation_notes(), how="left",
                                                           on=["doc_id", "sent_id", "target"])["notes"].fillna("")
    call = notes.str.contains("judgement call", case=False).to_numpy()
    victim = np.array([bool(f.get("role=patient done -")) and not any(
        k.startswith("role=") and k != "role=patient done -" and not k.startswith("role=patient -")
        and not k.startswith("role net") for k in f) for f in role_feats]) & (pairs["polarity"] == "negative").to_numpy()
    y = pairs["polarity"].to_numpy()
    rows = []
    for name, drop in (("all pairs", np.zeros(len(y), bool)), ("without 'judgement call' pairs", call),
                       ("without victims labelled negative", victim), ("without both", call | victim)):
        keep = ~drop
        row = {"subset": name, "n": int(keep.sum()), "scored_on_subset": _scores(y[keep], pairs["pred"].to_numpy()[keep])[1]}
        idx = np.flatnonzero(keep)
        pred = np.empty(len(idx), dtype=object)
        for tr, te in GroupKFold(n_splits=5).split(np.zeros(len(idx)), y[idx], pairs["group"].to_numpy()[idx]):
            vec, clf = _fit([feats[idx[i]] for i in tr], y[idx[tr]], *DEFAULT_MODEL)
            pred[te] = clf.predict(_matrix32(vec.transform([feats[idx[i]] for i in te])))
        row["trained_on_subset"] = _scores(y[idx], pred)[1]
        rows.append(row)
    return pd.DataFrame(rows)


def test_halves() -> None:
    """The test halves of both gold sets with intervals, and per side (reporting only)."""
    print("## test halves (reporting only)")
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


def tune_weights(groups=DEFAULT_GROUPS) -> pd.DataFrame:
    """Per weight of the tune halves' pairs: the tune-half CV (macro-F1 pooled and per gold set,
    fold spread, the rules on the same pairs) and the grouped CV over training reports."""
    matrix = _training_matrix(None, None, groups)
    tune = tune_half_cross_validation(tune_weights=TUNE_WEIGHTS, groups=groups, _matrix=matrix)
    grouped = pd.concat([cross_validate_target_model(candidates=[DEFAULT_MODEL], groups=groups, tune_weight=w,
                                                     _matrix=matrix) for w in TUNE_WEIGHTS], ignore_index=True)
    return pd.DataFrame({"tune_weight": tune["tune_weight"], "tune_n": tune["n"], "tune_macro_f1": tune["macro_f1"],
                         "tune_accuracy": tune["accuracy"], "tune_articles": tune["macro_f1_articles"],
                         "tune_written": tune["macro_f1_written"], "tune_fold_sd": tune["fold_sd"],
                         "tune_rules": tune["rules_macro_f1"], "cv_n": grouped["n"], "cv_macro_f1": grouped["macro_f1"],
                         "cv_accuracy": grouped["accuracy"], "cv_fold_sd": grouped["fold_sd"]})


def learners(groups=DEFAULT_GROUPS) -> pd.DataFrame:
    """Per learner of :data:`~corpus_tools.target_model.LEARNERS`: grouped CV over training reports
    and the tune-half CV, at the default weight of the tune halves."""
    matrix = _training_matrix(None, None, groups)
    rows = []
    for learner in LEARNERS:
        grouped = cross_validate_target_model(candidates=[DEFAULT_MODEL], groups=groups, learner=learner,
                                              tune_weight=DEFAULT_TUNE_WEIGHT, _matrix=matrix).iloc[0]
        tune = tune_half_cross_validation(tune_weights=(DEFAULT_TUNE_WEIGHT,), groups=groups, learner=learner,
                                          _matrix=matrix).iloc[0]
        rows.append({"learner": learner, "cv_macro_f1": grouped["macro_f1"], "cv_accuracy": grouped["accuracy"],
                     "cv_fold_sd": grouped["fold_sd"], "tune_macro_f1": tune["macro_f1"],
                     "tune_accuracy": tune["accuracy"], "tune_articles": tune["macro_f1_articles"],
                     "tune_written": tune["macro_f1_written"]})
    return pd.DataFrame(rows)


def paired_gains(groups=DEFAULT_GROUPS, n_boot: int = 2000, seed: int = 11) -> pd.DataFrame:
    """Paired bootstrap intervals of the session-12 differences (out-of-fold predictions, the folds
    of :func:`~corpus_tools.target_model.tune_half_cross_validation` and of
    :func:`~corpus_tools.target_model.cross_validate_target_model`): ``criterion, change, n, gain,
    gain_low, gain_high``."""
    from sklearn.model_selection import GroupKFold

    from corpus_tools.target_model import N_FOLDS, _fit_predict, training_weights, tune_folds
    from corpus_tools.target_tone import bootstrap_gain

    feats, pairs = _training_matrix(None, None, groups)
    y, report, source = pairs["polarity"].to_numpy(), pairs["group"].to_numpy(), pairs["source"].tolist()
    kind, c = DEFAULT_MODEL
    fold = tune_folds(pairs)
    tuned = np.flatnonzero(fold != "")
    tune_splits = [(np.flatnonzero(fold != n), np.flatnonzero(fold == n)) for n in sorted(set(fold[tuned]))]
    grouped_splits = list(GroupKFold(n_splits=N_FOLDS).split(np.zeros(len(y)), y, report))

    def oof(splits, weight, learner):
        pred = np.empty(len(y), dtype=object)
        for tr, te in splits:
            pred[te] = _fit_predict(feats, y, training_weights(source, weight), report, tr, te, kind=kind, c=c,
                                    learner=learner)
        return pred

    rows = []
    for criterion, splits, keep, changes in (
            ("tune-half CV", tune_splits, tuned, (("weight 8 against 1", (8.0, "linear")),
                                                  ("stacked against linear", (1.0, "stacked")))),
            ("grouped CV", grouped_splits, np.arange(len(y)), (("stacked against linear", (1.0, "stacked")),))):
        base = oof(splits, 1.0, "linear")
        for name, (weight, learner) in changes:
            table = pd.DataFrame({"doc_id": pairs["doc_id"].to_numpy()[keep], "sent_id": pairs["sent_id"].to_numpy()[keep],
                                  "gold": y[keep], "new": oof(splits, weight, learner)[keep], "old": base[keep]})
            rows.append({"criterion": criterion, "change": name, "n": len(keep),
                         **bootstrap_gain(table, "new", "old", n_boot=n_boot, seed=seed)})
    return pd.DataFrame(rows)


def moved_pairs(pairs: pd.DataFrame, scored: np.ndarray, table: pd.DataFrame, old: str, new: str) -> pd.DataFrame:
    """The scored pairs (rows ``scored`` of ``pairs``, in the order of ``table``) whose prediction
    differs between ``table``'s columns ``old`` and ``new``: ``source, target, polarity, <old>,
    <new>, text``."""
    moved = (table[old] != table[new]).to_numpy()
    return (pairs.iloc[scored][["source", "target", "polarity"]].reset_index(drop=True)[moved]
            .assign(**{old: table[old].to_numpy()[moved], new: table[new].to_numpy()[moved]},
                    text=pairs["text"].to_numpy()[scored][moved]))


def added_data(sources: tuple[str, ...], groups=DEFAULT_GROUPS, n_boot: int = 2000, seed: int = 11,
               changed: list | None = None) -> pd.DataFrame:
    """What the training files of ``sources`` (``train_x`` for ``target_tone_train_x.csv``, ...)
    would add beside :data:`~corpus_tools.target_model.TRAIN_FILES`, measured as session 9
    measured files J to W: ``criterion, pairs added, n, without, with, gain, gain_low, gain_high``.

    - ``grouped CV, earlier pairs``: grouped 5-fold CV over the reports of every other pair (the
      folds those pairs had before the files came), the files' pairs added to every training fold;
      scored on the earlier pairs only, so the two columns compare;
    - ``tune-half CV``: the folds of :func:`~corpus_tools.target_model.tune_half_cross_validation`,
      every invented pair in training, with and without the files' pairs; scored on the tune pairs;
    - ``grouped CV, all pairs``: the ordinary grouped CV with the files (no ``without``).

    ``gain_low, gain_high``: paired 95% bootstrap interval of the difference (sentences
    resampled). With ``changed`` (a list), the tune pairs whose prediction the files change are
    appended to it as one table (``source, target, polarity, without, with, text``). No ``test``
    row is read."""
    from sklearn.model_selection import GroupKFold

    from corpus_tools.target_model import N_FOLDS, _fit_predict, training_weights, tune_folds
    from corpus_tools.target_tone import bootstrap_gain

    from corpus_tools.target_model import TRAIN_FILES

    files = tuple(f"target_tone_{name}.csv" for name in sources)  # train_x -> target_tone_train_x.csv
    feats, pairs = _training_matrix(None, None, groups, files=(*TRAIN_FILES, *files))
    y, report, source = pairs["polarity"].to_numpy(), pairs["group"].to_numpy(), pairs["source"].to_numpy()
    added = np.isin(source, list(sources))
    earlier = np.flatnonzero(~added)
    new = np.flatnonzero(added)
    weights = training_weights(source.tolist(), DEFAULT_TUNE_WEIGHT)
    kind, c = DEFAULT_MODEL

    def predict(tr, te):
        return _fit_predict(feats, y, weights, report, tr, te, kind=kind, c=c, learner="linear")

    def compare(criterion, splits, scored):
        without, with_ = np.empty(len(y), dtype=object), np.empty(len(y), dtype=object)
        for tr, te in splits:
            without[te] = predict(tr, te)
            with_[te] = predict(np.concatenate([tr, new]), te)
        table = pd.DataFrame({"doc_id": pairs["doc_id"].to_numpy()[scored], "sent_id": pairs["sent_id"].to_numpy()[scored],
                              "gold": y[scored], "with": with_[scored], "without": without[scored]})
        gain = bootstrap_gain(table, "with", "without", n_boot=n_boot, seed=seed)
        if changed is not None and criterion == "tune-half CV":
            changed.append(moved_pairs(pairs, scored, table, "without", "with"))
        return {"criterion": criterion, "pairs added": len(new), "n": len(scored),
                "without": _scores(table["gold"], table["without"])[1], "with": _scores(table["gold"], table["with"])[1],
                **gain}

    folds = GroupKFold(n_splits=N_FOLDS).split(np.zeros(len(earlier)), y[earlier], report[earlier])
    rows = [compare("grouped CV, earlier pairs", [(earlier[tr], earlier[te]) for tr, te in folds], earlier)]
    fold = tune_folds(pairs)
    tuned = np.flatnonzero(fold != "")
    splits = [(np.setdiff1d(np.flatnonzero(fold != name), new), np.flatnonzero(fold == name))
              for name in sorted(set(fold[tuned]))]
    rows.append(compare("tune-half CV", splits, tuned))
    cv = cross_validate_target_model(candidates=[DEFAULT_MODEL], groups=groups, _matrix=(feats, pairs))
    rows.append({"criterion": "grouped CV, all pairs", "pairs added": len(new), "n": len(y),
                 "with": float(cv["macro_f1"].iloc[0])})
    return pd.DataFrame(rows)


def labellings(pairs: pd.DataFrame) -> tuple[dict[str, tuple[np.ndarray, np.ndarray]], np.ndarray]:
    """The three labellings of the training ``pairs`` that :func:`relabelled` compares, each as
    (labels, rows left out of training): ``before`` (the files' labels), ``after`` (the new
    readings of :func:`~corpus_tools.target_model.load_target_relabels`, a pair read as not about
    its side left out) and ``agreed`` (the files' labels, every pair read differently left out);
    and the mask of the pairs read again."""
    from corpus_tools.target_model import NOT_ABOUT, load_target_relabels

    relabels = load_target_relabels()
    relabels = relabels[relabels["doc_id"].isin(set(pairs["doc_id"]))]  # held-back files' pairs are not trained on
    key = pd.MultiIndex.from_frame(pairs[["doc_id", "sent_id", "target"]])
    new = pd.Series(relabels["polarity"].to_numpy(),
                    index=pd.MultiIndex.from_frame(relabels[["doc_id", "sent_id", "target"]]))
    before = pairs["polarity"].to_numpy()
    after = before.copy()
    hit = key.isin(new.index)
    after[hit] = new.reindex(key[hit]).to_numpy()
    return {"before": (before, np.array([], dtype=int)), "after": (after, np.flatnonzero(after == NOT_ABOUT)),
            "agreed": (before, np.flatnonzero(before != after))}, hit


def relabelled(groups=DEFAULT_GROUPS, n_boot: int = 2000, seed: int = 11,
               changed: list | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """What the relabelled training pairs (:func:`~corpus_tools.target_model.load_target_relabels`)
    change, the model trained on the same pairs and features with the files' labels (``before``),
    with the new readings (``after``; a pair read as not about its side leaves training) and with
    only the pairs both readings agree on (``agreed``):

    - ``tune-half CV``: the folds of :func:`~corpus_tools.target_model.tune_half_cross_validation`,
      scored on the tune pairs (whose labels no relabelling touches): the criterion that decides;
    - ``grouped CV, pairs not relabelled``: grouped 5-fold CV over reports, scored on the pairs no
      reader read again (the relabelled ones are in training only), so the columns compare;
    - ``grouped CV, own labels``: each scored against the labels it was trained on, on its own
      pairs (``n``: all / without those read as not about / without those read differently; how
      learnable each labelling is, not comparable as a gain).

    A third labelling, ``agreed``, keeps the files' labels and leaves out of training every pair
    whose new reading differs (the pairs two readings do not settle).

    Returns that table and the agreement of the new readings with the files' labels (a confusion
    table, rows the files' labels). ``after gain, after low, after high`` (and ``agreed ...``): the
    difference from ``before`` with its paired 95% bootstrap interval (sentences resampled). With ``changed`` (a list), the tune pairs whose prediction changes are
    appended to it. No ``test`` row is read."""
    from target_encoder_experiment import splits

    from corpus_tools.target_model import _fit_predict, training_weights
    from corpus_tools.target_tone import bootstrap_gain

    feats, pairs = _training_matrix(None, None, groups)
    variants, hit = labellings(pairs)
    (before, _), (after, dropped) = variants["before"], variants["after"]
    report, source = pairs["group"].to_numpy(), pairs["source"].to_numpy()
    weights = training_weights(source.tolist(), DEFAULT_TUNE_WEIGHT)
    kind, c = DEFAULT_MODEL

    def compare(criterion, folds_of, scored):
        pred = {}
        for name, (y, out) in variants.items():
            pred[name] = np.empty(len(y), dtype=object)
            for tr, te in folds_of:
                pred[name][te] = _fit_predict(feats, y, weights, report, np.setdiff1d(tr, out), te, kind=kind, c=c,
                                              learner="linear")
        table = pd.DataFrame({"doc_id": pairs["doc_id"].to_numpy()[scored], "sent_id": pairs["sent_id"].to_numpy()[scored],
                              "gold": before[scored], **{name: pred[name][scored] for name in variants}})
        row = {"criterion": criterion, "n": len(scored),
               **{name: _scores(table["gold"], table[name])[1] for name in variants}}
        for name in ("after", "agreed"):
            gain = bootstrap_gain(table, name, "before", n_boot=n_boot, seed=seed)
            row.update({f"{name} gain": gain["gain"], f"{name} low": gain["gain_low"], f"{name} high": gain["gain_high"]})
        if changed is not None and criterion == "tune-half CV":
            changed.append(moved_pairs(pairs, scored, table, "before", "after"))
        return pred, row

    folds = splits(pairs, before, report)
    rows = [compare("tune-half CV", folds["tune"], folds["tuned"])[1]]
    pred, row = compare("grouped CV, pairs not relabelled", folds["grouped"], np.flatnonzero(~hit))
    rows.append(row)
    own = np.setdiff1d(np.arange(len(before)), dropped)
    kept = np.setdiff1d(np.arange(len(before)), variants["agreed"][1])
    rows.append({"criterion": "grouped CV, own labels", "n": f"{len(before)} / {len(own)} / {len(kept)}",
                 "before": _scores(before, pred["before"])[1],
                 "after": _scores(after[own], pred["after"][own])[1],
                 "agreed": _scores(before[kept], pred["agreed"][kept])[1]})
    agreement = pd.crosstab(pd.Series(before[hit], name="file label"), pd.Series(after[hit], name="new reading"))
    return pd.DataFrame(rows), agreement


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--no-ablation", action="store_true")
    parser.add_argument("--side-prior", action="store_true")
    parser.add_argument("--errors", action="store_true")
    parser.add_argument("--list", action="store_true", help="with --errors: list the errors on pairs with no action "
                        "cue; with --added-files: the tune pairs whose prediction the files change")
    parser.add_argument("--consistency", action="store_true")
    parser.add_argument("--test-halves", action="store_true", help="only the test halves and the per-side figures")
    parser.add_argument("--tune-weights", action="store_true", help="only the domain-weighting figures (session 12)")
    parser.add_argument("--learners", action="store_true", help="only the learners compared (session 12)")
    parser.add_argument("--paired", action="store_true", help="only paired intervals of the session-12 differences")
    parser.add_argument("--added-files", default="",
                        help="comma-separated training sources (train_x,...): what they add (added_data)")
    parser.add_argument("--relabelled", action="store_true",
                        help="only what the relabelled training pairs change (relabelled); with --list the tune "
                        "pairs whose prediction changes")
    parser.add_argument("--groups", default="", help="comma-separated feature groups (default: DEFAULT_GROUPS)")
    args = parser.parse_args()
    pd.set_option("display.width", 200)
    groups = tuple(args.groups.split(",")) if args.groups else DEFAULT_GROUPS
    # the options that print one table each: (chosen, heading, the table, decimals)
    single_tables = ((args.tune_weights, "weight of the tune halves' pairs: tune-half CV and grouped CV over reports",
                      tune_weights, 4),
                     (args.paired, "paired 95% bootstrap intervals of the session-12 differences", paired_gains, 4),
                     (args.learners, "learners: grouped CV over reports and tune-half CV", learners, 4),
                     (args.consistency, "cross-validated macro-F1 on pairs that follow the guideline plainly",
                      consistency, 3))
    if args.relabelled:
        changed = []
        table, agreement = relabelled(groups, changed=changed if args.list else None)
        print(f"## relabelled training pairs: the model before and after ({'+'.join(groups)})")
        print(table.round(4).to_string(index=False))
        print(f"\n## the new readings against the files' labels ({int(agreement.to_numpy().sum())} pairs; "
              f"agreement {np.trace(agreement.reindex(columns=agreement.index, fill_value=0).to_numpy()) / agreement.to_numpy().sum():.3f})")
        print(agreement.to_string())
        if args.list:
            with pd.option_context("display.max_colwidth", 160, "display.max_rows", None):
                print(f"\n## tune pairs whose prediction changes ({len(changed[0])}; right after "
                      f"{int((changed[0]['after'] == changed[0]['polarity']).sum())}, right before "
                      f"{int((changed[0]['before'] == changed[0]['polarity']).sum())})")
                print(changed[0].to_string(index=False))
        return
    if args.added_files:
        sources = tuple(args.added_files.split(","))
        print(f"## what {', '.join(sources)} add: with and without them ({'+'.join(groups)})")
        changed: list = []
        print(added_data(sources, groups, changed=changed if args.list else None).round(4).to_string(index=False))
        if args.list:
            table = changed[0]
            print(f"\n## tune pairs whose prediction changes ({len(table)}; right with the files "
                  f"{int((table['with'] == table['polarity']).sum())}, right without "
                  f"{int((table['without'] == table['polarity']).sum())})")
            with pd.option_context("display.max_colwidth", 160, "display.max_rows", None):
                print(table.to_string(index=False))
        return
    for chosen, heading, table, decimals in single_tables:
        if chosen:
            print(f"## {heading} ({'+'.join(groups)})")
            print(table(groups).round(decimals).to_string(index=False))
            return
    if args.errors:
        feats, pairs = out_of_fold(groups)
        print(f"## out-of-fold errors by construction ({'+'.join(groups)}; macro-F1 "
              f"{_scores(pairs['polarity'], pairs['pred'])[1]:.3f})")
        print(error_table(feats, pairs).round(3).to_string(index=False))
        print("\n## per side (out of fold)")
        print(pd.DataFrame([{"target": t, "n": len(p), "macro_f1": _scores(p["polarity"], p["pred"])[1],
                             "accuracy": _scores(p["polarity"], p["pred"])[0]}
                            for t, p in pairs.groupby("target", sort=True)]).round(3).to_string(index=False))
        print("\n## agreement ceiling: second annotation against the first (five articles, test half)")
        print(pd.Series(agreement_ceiling("articles")).round(3).to_string())
        print("\n## agreement ceiling: second annotation against the first (fresh held-out set, 18 reports)")
        print(pd.Series(agreement_ceiling("fresh")).round(3).to_string())
        if args.list:
            listing = no_cue_errors(feats, pairs)
            print(f"\n## out-of-fold errors on pairs with no action cue ({len(listing)})")
            with pd.option_context("display.max_colwidth", 300, "display.max_rows", None):
                print(listing.to_string(index=False))
        return
    if args.side_prior:
        print("## the side prior (grouped 5-fold cross-validation on the training data)")
        print(side_prior().round(3).to_string())
        return

    if args.test_halves:
        test_halves()
        return
    print("## grouped cross-validation on the training data")
    matrix = _training_matrix(None, None, groups)
    print(cross_validate_target_model(groups=groups, _matrix=matrix).round(3).to_string(index=False))

    if not args.no_ablation:
        print("\n## ablation (chosen classifier, one group left out or added)")
        rows = []
        for drop in FEATURE_GROUPS:
            changed = tuple(g for g in DEFAULT_GROUPS if g != drop) if drop in DEFAULT_GROUPS else (*DEFAULT_GROUPS, drop)
            cv = cross_validate_target_model(candidates=[DEFAULT_MODEL], groups=changed,
                                             _matrix=_training_matrix(None, None, changed))
            rows.append({"change": ("- " if drop in DEFAULT_GROUPS else "+ ") + drop, **cv.iloc[0][["macro_f1", "accuracy",
                                                                                                     "fold_sd"]]})
        print(pd.DataFrame(rows).round(3).to_string(index=False))

    print("\n## learning curve (chosen classifier; share of each training fold's reports kept, seeded)")
    print(target_model_learning_curve(_matrix=matrix).round(3).to_string(index=False))

    print()
    test_halves()

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
