"""A learned layer over the who-does-what-to-whom rules of :mod:`corpus_tools.target_tone`.

The hand-written rules of :func:`corpus_tools.target_tone.tone_toward` decide the tone toward
each side from one deciding construction; on held-out halves they generalise less well than on
the halves they were written against. This module learns, from hand-labelled (sentence, side)
pairs, how to weigh the rules' verdict against the words around the side's mentions. It is
trained at run time from the CSVs of ``data/annotations/`` (no fitted model is stored) and
cached per process by the training files' checksums.

Training data (never the ``test`` halves):

- ``target_tone_train_a.csv`` to ``target_tone_train_w.csv``: 414 invented short reports in
  many outlets' styles by 23 annotators, labelled pair by pair (``target_tone_train_README.md``);
  rows with ``target = none`` name no side and are left out;
- the ``split == "tune"`` rows of ``target_tone_gold.csv`` (the corpus articles) and of
  ``target_tone_written.csv`` (sentences written in other outlets' styles).

Features of one (sentence, side) pair (:func:`pair_features`), each a name in a sparse table:

``rule``
    the rules' verdict for the side: ``rule_pol=negative``, ``rule_score`` (-1..1), the
    construction (``rule=agent``, ``rule=object``, ``rule=fallback`` ...) and the cue words of
    its evidence (``ev=sanctions``) with the names of the sides removed.
``window``
    the words within :data:`WINDOW` tokens left (``l=``) and right (``r=``) of each mention of
    the side, with the side itself written ``<T>`` and any other side ``<O>``, the words
    right next to it (``l1=``, ``r1=``) and bigrams touching it (``b=sanctions on <T>``), so
    the model learns "sanctions on X", not "Russia".
``lexicon``
    the action cues of ``data/lexicons/target_actions.csv`` within the window, by side of the
    mention, role and valence (``cue before object -`` for "sanctions on X", ``cue after
    agent -`` for "X attacked"): the lexicon reaches words the training data never showed.
``subject``
    the side is named before any other side of its clause and not after a preposition
    ("Russia struck ..."), against ``object`` ("... sanctions on Russia").
``negation``
    a negator (``data/lexicons/target_markers.csv``) within the window of a mention.
``quote``
    a mention inside quotation marks; the voice's side relative to the target
    (``voice=own side``, ``voice=other side``, ``voice=narration``), never the speaker's side
    by name (grouped CV 0.686 with it and without it).
``vader``
    VADER compound (with the domain overrides) of the sentence and of the clause holding the
    side's first mention (between commas, semicolons and contrast words).
``side``
    the side's name (``side=Russia``): a prior on the side. **Not a default** (below).
``side_rule``
    the rules' polarity and construction crossed with the side (``Ukraine & rule=agent``).
    **Not a default** (below).
``conjunction``
    the rules' construction crossed with their polarity (``rule=agent & rule_pol=negative``).
``relation``
    target-relative roles (:func:`relation_features`): for every action cue of the sentence,
    whether the side is its ``patient`` ("sanctions on <T>", "<T> was accused"), ``agent``
    ("<T> attacked", "attacks by <T>"), ``giver`` ("<T> imposed sanctions") or ``victim``
    ("strikes on <T>"), with the cue's valence, negation, reversal, subordinate clause,
    clause before "but", quotation, distance, and the cue itself.
``clause``
    the clause holding the side's first mention (:func:`clause_features`): main or subordinate,
    before a contrast word or not, and its words as Porter stems.
``local``
    the lexicon tone of the words next to the side in its clause (:func:`local_tone_features`).
``others``
    the rules' verdict and construction toward the other sides of the sentence (``other rule=agent
    negative``: another side shown doing harm).
``roles``
    who does what to whom (:func:`role_features`, :func:`side_role`): the side's role toward
    each action word of its clause (agent, patient, recipient, beneficiary, partner, ``of``,
    named), the word's kind (a cue of ``target_actions.csv`` aimed at its object or done by its
    agent, or a valenced word of VADER's lexicon) and sign, negation scope, reversal, modality
    (threat or plan against act) and the quoted speaker's own side, from the words of
    ``data/lexicons/target_roles.csv``. **Not a default**: it does what ``relation`` does by
    other means (grouped CV without ``relation`` 0.682, with ``roles`` in its place 0.690, both
    0.687, against 0.686 for the defaults): no gain of the 0.01 a group must add.

The side prior, decided for validity (2026-12-04). With ``side`` and ``side_rule`` the model
learns "Russia is usually negative" from annotators whose reports are mostly Western in style; a
researcher comparing outlets (RT/TASS-like against Kyiv Independent-like) would see every outlet
pulled toward that training mean, which hides the differences the figure exists to show. Grouped
5-fold cross-validation on the 3,335 training pairs (files A-I and the tune halves; logistic
C=0.3; the default groups, then with ``side`` and ``side_rule`` added), without side identity
against with it: macro-F1 0.686 against 0.698 (the loss is within the spread of the folds, about
0.03); on the 358 pairs of training reports in the style of Russian state media 0.641 against
0.650; pairs against the prior right: positive toward Russia 64.8% against 59.0% (n = 105), not
negative toward Russia 73.4% against 67.6% (n = 410), negative toward Ukraine or the European
allies 64.0% against 62.6% (n = 372); F1 toward the United States 0.562 against 0.535. The prior
buys a little overall agreement with mostly Western-style labels and costs most where a report
departs from them, so side identity is not a default feature: the same construction toward any
side weighs the same (figures printed by ``benchmarks/target_model_figures.py --side-prior``).

:func:`target_model_learning_curve` gives the cross-validated score against the share of
training reports used.

Domain weight and learners, measured for validity and left at their defaults (session 12,
``target_tone_train_README.md``; ``benchmarks/target_model_figures.py --tune-weights``,
``--learners``). The tune halves (real news and the written set, 367 pairs) can be weighed up
beside the 6,876 invented pairs (``tune_weight``, :func:`training_weights`), the weight chosen by
:func:`tune_half_cross_validation` (folds: the five articles, the written set's styles): weights 1,
2, 4, 8, 16 gave 0.7395, 0.7370, 0.7390, 0.7414, 0.7414 there (grouped CV over reports 0.7090 down
to 0.7044), below the 0.01 a change must add, so the weight stays 1. A gradient-boosted model over a
compact dense view of the rules' facts (``learner="boosted"``) scored 0.608 in grouped CV, and a
stack of the linear model's out-of-fold probabilities with those facts (``learner="stacked"``)
0.7023 against 0.7090 (tune-half CV 0.7468 against 0.7395): the learner stays linear.

The classifier (:func:`fit_target_model`) is a logistic regression with balanced class weights
(or a linear SVM), its regularisation chosen by grouped cross-validation over reports
(:func:`cross_validate_target_model`, sklearn ``GroupKFold``); everything is deterministic.
:func:`predict_tone_toward` returns the rows of :func:`~corpus_tools.target_tone.tone_toward`
with the model's polarity, a signed probability as ``score`` and the top-weighted features
beside the rules' evidence; :func:`target_model_validation` scores it on both gold sets beside
the rules and the two sentence baselines.
"""
from __future__ import annotations

import bisect
import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from corpus_tools.errors import CorpusError
from corpus_tools.paths import data_dir as _data_dir
from corpus_tools.resources import read_table, resource_stamp
from corpus_tools.target_tone import (POLARITIES, SIDES, TONE_TOWARD_COLUMNS, _match_cues, _rules_of,
                                      _segments, _sentence_analysis, bootstrap_gain, bootstrap_scores, build_rules,
                                      evaluate_tone_toward, gold_sentences, load_target_gold, tone_toward)
from corpus_tools.target_tone import _PREPOSITIONS as _RULE_PREPOSITIONS  # relation_features' (the rules' set)

TRAIN_FILES = tuple(f"target_tone_train_{letter}.csv" for letter in "abcdefghijklmnopqrstuvw")
#: Training files written, checked and measured but NOT trained on: files X to AC (session 14, six
#: annotators, 2,333 pairs) raised grouped CV on the earlier pairs by 0.010 and lowered the CV over
#: the tune halves by 0.024 (``target_tone_train_README.md``, "Files X to AC"); kept for
#: measurement (``load_target_training(files=...)``, ``target_model_figures.py --added-files``).
HELD_BACK_FILES = tuple(f"target_tone_train_{letter}.csv" for letter in ("x", "y", "z", "aa", "ab", "ac"))
TUNE_FILES = ("target_tone_gold.csv", "target_tone_written.csv")
#: the rules' resources: a change to them changes the features, so they key the model cache too
RULE_FILES = ("target_terms.csv", "target_actions.csv", "target_markers.csv", "target_roles.csv")
TRAIN_COLUMNS = ["report_no", "sent_no", "style", "published", "sentence", "target", "actor", "polarity", "voice",
                 "notes"]
WINDOW = 5
FEATURE_GROUPS = ("rule", "window", "lexicon", "subject", "negation", "quote", "vader", "side", "side_rule",
                  "conjunction", "relation", "clause", "local", "others", "roles")
#: candidate classifiers compared by grouped cross-validation: (kind, C)
CANDIDATES = (("logistic", 0.03), ("logistic", 0.1), ("logistic", 0.3), ("logistic", 1.0), ("logistic", 3.0),
              ("svm", 0.01), ("svm", 0.03), ("svm", 0.1))
#: chosen by :func:`cross_validate_target_model` (5 folds over reports) on the training data only:
#: with files A and B and the tune halves (1221 pairs) ``relation`` + ``conjunction`` raised
#: macro-F1 from 0.688 to 0.695 (C=0.1); with C and D added (1738 pairs) from 0.670 to 0.681-0.682.
#: With E to I added (3335 pairs) and side identity removed (``side``, ``side_rule``: module
#: docstring) the default groups scored 0.676 (C=0.3); ``clause`` raised it to 0.686, the only
#: group to add the 0.01 a group must add (``others`` 0.673, "<T> verb"/"verb <T>" stems 0.675,
#: stemmed positional windows 0.676, ``local`` 0.676, ``vader`` 0.673: left out). Differences below
#: about 0.03 (the spread of the folds) are noise. Session 6 (who does what to whom): ``roles``
#: added 0.687, ``roles`` in place of ``relation`` 0.690 (C=0.1: 0.689, C=1: 0.684; roles
#: without the naming verbs 0.690, with VADER words from |valence| 1.0 instead of 1.5 0.689, with
#: clause qualifiers 0.688), ``relation`` left out without a replacement 0.682: left out. Session 7:
#: 221 cues of general classes tried in ``target_actions.csv`` raised the defaults to 0.694; with them
#: ``roles`` added 0.702, the negative class weight x1.2 0.698, a linear SVM (C=0.03) 0.699: below
#: the 0.01 a change must add, so the defaults are unchanged. Session 8: on the fixed rules the cues
#: gave 0.6958 against 0.6863 (+0.0095): removed. Session 9: with files J to W (7,243 pairs) C=0.3
#: still scored best (C=0.1 and 1.0 lower on the earlier pairs' folds): 0.709 (target_tone_train_README.md).
DEFAULT_MODEL = ("logistic", 0.3)
DEFAULT_GROUPS = ("rule", "window", "lexicon", "subject", "negation", "quote", "relation", "conjunction", "clause")
N_FOLDS = 5
#: the sources of :func:`load_target_training` that are real news or the written set (the tune halves)
TUNE_SOURCES = ("articles_tune", "written_tune")
#: sample weight of the tune halves' pairs beside the invented reports' (weight 1); session 12
#: (issue 11): chosen by :func:`tune_half_cross_validation` over :data:`TUNE_WEIGHTS`
DEFAULT_TUNE_WEIGHT = 1.0
TUNE_WEIGHTS = (1.0, 2.0, 4.0, 8.0, 16.0)
#: how the classifier is built over the features (:func:`_fit_predict`)
LEARNERS = ("linear", "boosted", "stacked")
DEFAULT_LEARNER = "linear"
#: the compact dense view of the ``boosted`` and ``stacked`` learners: features named from a closed
#: vocabulary (no word of the sentence)
DENSE_PREFIXES = ("rule", "rel=", "net ", "cue ", "voice=", "clause ", "subject", "not subject", "negation",
                  "in quote", "not quoted", "mentions", "vader_", "other ")
#: the boosted model (sklearn HistGradientBoostingClassifier, fixed seed; session 12, the best of four
#: settings by grouped CV of the ``stacked`` learner: 0.7023, against 0.7008 for 200 iterations of
#: rate 0.05 with 15 leaves, 0.7019 for 100 of 0.1 with 7, 0.6979 for 400 of 0.02 with 31). Balanced
#: classes for ``boosted``; none for ``stacked``, whose probabilities come from the balanced linear
#: model already: balancing again lowered grouped CV (a logistic meta-model on the probabilities
#: alone: 0.6944 balanced, 0.7080 not, against 0.7083 for the linear model's argmax, before the victim guard)
BOOSTER = {"max_iter": 50, "learning_rate": 0.1, "max_leaf_nodes": 7, "min_samples_leaf": 100,
           "l2_regularization": 1.0}
#: fitted models kept in ``<cache>/target_model/`` (the most recent; older ones are deleted)
MODELS_KEPT = 8
RANDOM_STATE = 11
_QUOTE_CHARS = '"\u201c\u201d\u00ab\u00bb\u201e'
_CLAUSE_BREAK = re.compile(r"[,;:\u2014\u2013]|\b(?:but|however|while|whereas|although|though|yet|as)\b", re.I)
_PREPOSITIONS = {"for", "to", "on", "against", "with", "of", "in", "at", "from", "toward", "towards", "over", "about",
                 "into", "between", "among", "under", "than", "by", "upon", "onto"}
_WORD = re.compile(r"[a-z][a-z'-]*")


# ----------------------------------------------------------------------------- training data


def _checksum(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def training_checksums(data_dir: Path | str | None = None) -> tuple[str, ...]:
    """SHA-256 of the annotation files the model learns from (:data:`TRAIN_FILES`,
    :data:`TUNE_FILES`) and of the three rule resources its features read, in a fixed order
    (part of the key of the model cache).

    Examples
    --------
    >>> [len(c) for c in training_checksums()] == [64] * (len(TRAIN_FILES) + len(TUNE_FILES) + len(RULE_FILES))
    True
    """
    directory = _data_dir(data_dir)
    out = []
    for path in ([directory / "annotations" / n for n in (*TRAIN_FILES, *TUNE_FILES)]
                 + [directory / "lexicons" / n for n in RULE_FILES]):
        if not path.is_file():
            raise CorpusError(f"{path}: a file the tone-toward model is trained from is missing; restore it from git")
        out.append(_checksum(path))
    return tuple(out)


def _training_file_pairs(directory: Path, name: str) -> pd.DataFrame:
    """The pairs about a side of one training file (``target_tone_train_a.csv``), checked, as
    :func:`load_target_training` lists them: ``source, group, doc_id, sent_id, text, published,
    target, polarity`` (``doc_id`` and ``group`` ``a001`` for report 1 of set A)."""
    prefix = _training_set(name)
    path = directory / "annotations" / name
    table = read_table(path, TRAIN_COLUMNS, what="tone-toward training set")
    for line, row in enumerate(table.itertuples(index=False), start=2):
        where = f"{path} line {line}"
        if row.target == "none":
            continue
        if row.target not in SIDES:
            raise CorpusError(f"{where}: target {row.target!r} is not one of {', '.join(SIDES)} (or none)")
        if row.polarity not in POLARITIES:
            raise CorpusError(f"{where}: polarity {row.polarity!r} is not one of {', '.join(POLARITIES)}")
        if not (row.report_no.isdigit() and row.sent_no.isdigit()):
            raise CorpusError(f"{where}: report_no and sent_no must be positive integers")
    table = table[table["target"] != "none"]
    doc_ids = [_report_doc_id(prefix, r) for r in table["report_no"]]
    return pd.DataFrame({
        "source": f"train_{prefix}", "group": doc_ids, "doc_id": doc_ids,
        "sent_id": table["sent_no"].astype("int64").to_numpy(), "text": table["sentence"].to_numpy(),
        "published": table["published"].to_numpy(), "target": table["target"].to_numpy(),
        "polarity": table["polarity"].to_numpy()})


def _training_set(name: str) -> str:
    """The set of a training file: ``a`` of ``target_tone_train_a.csv``, ``ac`` of ``..._ac.csv``."""
    return name.rsplit("_", 1)[1].split(".")[0]


def _report_doc_id(prefix: str, report_no: str) -> str:
    """The ``doc_id`` of a training report: ``a001`` for report 1 of set A."""
    return f"{prefix}{int(report_no):03d}"


def load_target_training(data_dir: Path | str | None = None, *, files: Sequence[str] = TRAIN_FILES) -> pd.DataFrame:
    """Every labelled (sentence, side) pair the model may learn from, one table: the invented
    reports of ``files`` (by default :data:`TRAIN_FILES`) and the tune halves.

    Returns ``source, group, doc_id, sent_id, text, published, target, polarity``: ``source``
    is ``train_a`` ... ``train_w``, ``articles_tune`` or ``written_tune``; ``group`` the report or
    document (the unit of cross-validation folds); ``doc_id, sent_id`` the keys of the
    sentences table given to :func:`~corpus_tools.target_tone.tone_toward` (``a001`` for
    report 1 of set A, ``b101`` for report 101 of set B, ``w007`` for written item 7, the
    article's own ``doc_id``). Rows with ``target = none`` are dropped; the ``test`` halves are
    never read into this table.

    Examples
    --------
    >>> t = load_target_training()
    >>> sorted(t["source"].unique())[:3], len(t["source"].unique()), "test" in set(t.get("split", []))
    (['articles_tune', 'train_a', 'train_b'], 25, False)
    """
    directory = _data_dir(data_dir)
    parts = [_training_file_pairs(directory, name) for name in files]
    for which in ("articles", "written"):
        gold = load_target_gold(which, directory)
        gold = gold[gold["split"] == "tune"].reset_index(drop=True)
        sents = gold_sentences(gold, which, data_dir=directory)
        if which == "articles":
            keys = pd.DataFrame({"doc_id": gold["doc_id"], "sent_id": gold["sent_no"]})
            group = gold["doc_id"].to_numpy()
        else:
            keys = pd.DataFrame({"doc_id": [f"w{n:03d}" for n in gold["item_no"]], "sent_id": gold["item_no"]})
            group = keys["doc_id"].to_numpy()
        keys = keys.merge(sents, on=["doc_id", "sent_id"], how="left", validate="many_to_one")
        parts.append(pd.DataFrame({"source": f"{which}_tune", "group": group, "doc_id": keys["doc_id"].to_numpy(),
                                   "sent_id": keys["sent_id"].astype("int64").to_numpy(),
                                   "text": keys["text"].to_numpy(), "published": keys["published"].to_numpy(),
                                   "target": gold["target"].to_numpy(), "polarity": gold["polarity"].to_numpy()}))
    out = pd.concat(parts, ignore_index=True)
    return out.drop_duplicates(["doc_id", "sent_id", "target"], keep="first").reset_index(drop=True)


RELABEL_FILE = "target_tone_train_relabels.csv"
RELABEL_COLUMNS = ["set", "report_no", "sent_no", "target", "before", "polarity", "reader", "notes"]
#: the label a relabelling reader gives a side the clarified guideline does not count as "about" the sentence
NOT_ABOUT = "not_about"


def load_target_relabels(data_dir: Path | str | None = None) -> pd.DataFrame:
    """Second labels of training pairs read again under the clarified guideline (session 15,
    ``target_tone_train_relabels.csv``; ``target_tone_train_README.md``, "Relabelled under one
    guideline"), keyed as :func:`load_target_training` keys its pairs.

    Returns ``doc_id, sent_id, target, before, polarity, reader, notes``: ``before`` the label the
    pair's training file gives, ``polarity`` the new reading (``negative``, ``neutral``,
    ``positive`` or :data:`NOT_ABOUT` when the side is not what the sentence is about). Every row
    must name a pair of a training file (:data:`TRAIN_FILES` or :data:`HELD_BACK_FILES`) whose
    label is ``before``; a row that does not is an error naming its line.

    Examples
    --------
    >>> r = load_target_relabels()
    >>> set(r["polarity"]) <= {"negative", "neutral", "positive", NOT_ABOUT}, bool((r["before"] != "").all())
    (True, True)
    """
    directory = _data_dir(data_dir)
    path = directory / "annotations" / RELABEL_FILE
    table = read_table(path, RELABEL_COLUMNS, what="relabelled training pairs")
    labels: dict[str, dict] = {}  # set -> (doc_id, sent_id, target) -> the file's label
    for name in (*TRAIN_FILES, *HELD_BACK_FILES):
        pairs = _training_file_pairs(directory, name)
        labels[_training_set(name)] = dict(
            zip(zip(pairs["doc_id"], pairs["sent_id"], pairs["target"]), pairs["polarity"]))
    seen = set()
    for line, row in enumerate(table.itertuples(index=False), start=2):
        where = f"{path} line {line}"
        if row.set not in labels:
            raise CorpusError(f"{where}: set {row.set!r} names no training file (target_tone_train_<set>.csv)")
        key = (_report_doc_id(row.set, row.report_no), int(row.sent_no), row.target) \
            if row.report_no.isdigit() and row.sent_no.isdigit() else None
        if key not in labels[row.set]:
            raise CorpusError(f"{where}: target_tone_train_{row.set}.csv has no pair report {row.report_no}, "
                              f"sentence {row.sent_no}, side {row.target!r}; fix the row or delete it")
        if labels[row.set][key] != row.before:
            raise CorpusError(f"{where}: before is {row.before!r} but target_tone_train_{row.set}.csv says "
                              f"{labels[row.set][key]!r}; the training file changed after the relabelling: "
                              "relabel the pair again or delete the row")
        if row.polarity not in (*POLARITIES, NOT_ABOUT):
            raise CorpusError(f"{where}: polarity {row.polarity!r} is not one of {', '.join(POLARITIES)} or "
                              f"{NOT_ABOUT}")
        if key in seen:
            raise CorpusError(f"{where}: the pair is relabelled twice; keep one row")
        seen.add(key)
    return pd.DataFrame({
        "doc_id": [_report_doc_id(s, r) for s, r in zip(table["set"], table["report_no"])],
        "sent_id": table["sent_no"].astype("int64").to_numpy(), "target": table["target"].to_numpy(),
        "before": table["before"].to_numpy(), "polarity": table["polarity"].to_numpy(),
        "reader": table["reader"].to_numpy(), "notes": table["notes"].to_numpy()})


# ----------------------------------------------------------------------------- features


def _in_quote(text: str, pos: int) -> bool:
    """Is character ``pos`` inside quotation marks? (Straight quotes counted by parity, curly
    and guillemets by the last mark before it.) The marks of each text are found once
    (:func:`_quote_marks`) and looked up by bisection."""
    opens, closes, straight = _quote_marks(text)
    last_open = opens[bisect.bisect_left(opens, pos) - 1] if opens and opens[0] < pos else -1
    last_close = closes[bisect.bisect_left(closes, pos) - 1] if closes and closes[0] < pos else -1
    if last_open > last_close:
        return True
    return bisect.bisect_left(straight, pos) % 2 == 1


_OPEN_MARK = re.compile("[\u201c\u00ab\u201e]")
_CLOSE_MARK = re.compile("[\u201d\u00bb]")


@lru_cache(maxsize=4096)
def _quote_marks(text: str) -> tuple[list[int], list[int], list[int]]:
    """Offsets of the opening curly quotes and guillemets, the closing ones, and the straight
    double quotes of ``text`` (what :func:`_in_quote` counts before a position)."""
    return ([m.start() for m in _OPEN_MARK.finditer(text)], [m.start() for m in _CLOSE_MARK.finditer(text)],
            [i for i, ch in enumerate(text) if ch == '"'] if '"' in text else [])


def _clause_of(text: str, pos: int) -> str:
    """The stretch of ``text`` around ``pos`` between clause breaks."""
    starts = [m.end() for m in _CLAUSE_BREAK.finditer(text) if m.end() <= pos]
    ends = [m.start() for m in _CLAUSE_BREAK.finditer(text) if m.start() > pos]
    return text[(starts[-1] if starts else 0):(ends[0] if ends else len(text))].strip()


def _evidence_words(evidence: str, surfaces: set[str]) -> list[str]:
    return list(_evidence_words_of(str(evidence), frozenset(surfaces)))


@lru_cache(maxsize=8192)
def _evidence_words_of(evidence: str, surfaces: frozenset) -> tuple[str, ...]:
    """:func:`_evidence_words`, once per (evidence, surfaces) and process (a sentence's sides
    share both)."""
    names = {w for s in surfaces for w in _WORD.findall(s.lower().replace("\u2019", "'"))}
    words = _WORD.findall(evidence.lower().replace("\u2019", "'"))
    return tuple(sorted({w for w in words if w not in names and w not in {"no", "action", "this", "toward", "side"}}))


@dataclass
class _Sentence:
    words: list[str]  # tokens with mentions collapsed to placeholders
    sides: list[str | None]  # the side a placeholder stands for (None for a plain word)
    starts: list[int]  # character offset of each token
    surfaces: frozenset[str]
    cues: list  # (first token, last token + 1, role, valence, cue) of the action cues, on ``words``
    clause: list = None  # clause rank per token (2 * contrast markers passed + 1 in a main clause)
    negator_at: tuple | None = None  # (the negator set, indices of plain words in it, a placeholder in it): _negation_near
    cue_facts: tuple | None = None  # (rules, text, facts of each cue): filled by _cue_facts
    clause_words: dict | None = None  # clause rank -> its words' ``cw=`` names: filled by _clause_words
    by_target: dict | None = None  # side -> (words with <T>/<O>, positions of the side): filled by _target_words
    placeholders: list | None = None  # positions of the side placeholders: filled by _target_words


def _target_words(view: _Sentence, target: str) -> tuple[list[str], list[int]]:
    """The view's words with the placeholders written ``<T>`` (the side asked about) and
    ``<O>`` (any other side), and the positions of ``<T>``: built once per view and side (kept
    on the view) for every feature group of the pair. Shared: callers must not change them.

    >>> _target_words(_sentence_view("Russian drones struck Kyiv.", build_rules(), None), "Ukraine")
    (['<O>', 'drones', 'struck', '<T>', '.'], [3])
    """
    memo = view.by_target
    if memo is None:  # the placeholders found once per view, for every side asked about
        memo = view.by_target = {}
        view.placeholders = [i for i, s in enumerate(view.sides) if s is not None]
    found = memo.get(target)
    if found is None:
        words, positions, sides = view.words.copy(), [], view.sides  # a copy, the placeholders rewritten
        for i in view.placeholders:
            if sides[i] == target:
                words[i] = "<T>"
                positions.append(i)
            else:
                words[i] = "<O>"
        found = memo[target] = (words, positions)
    return found


def _sentence_view(text: str, rules, when) -> _Sentence:
    """The learned layer's view of a sentence: its tokens with each mention collapsed to one
    placeholder per side (``"\\x00"``, the side in ``sides``), the action cues and the clause
    rank per token, built from what the rules found (:func:`corpus_tools.target_tone.
    _sentence_analysis`: tokens, sides, cues and clauses found once per sentence, mapped
    through the collapse; :func:`_view_of`) and kept with it, so a sentence's view is built
    once per process. Shared: callers must not change it.

    Examples
    --------
    >>> view = _sentence_view("Russian drones struck Kyiv.", build_rules(), None)
    >>> view.words, view.sides, view.cues, view.clause
    (['\\x00', 'drones', 'struck', '\\x00', '.'], ['Russia', None, None, 'Ukraine', None], [(2, 3, 'agent', -1, 'struck')], [1, 1, 1, 1, 1])
    """
    found = _sentence_analysis(text, rules, when)  # what the rules found, not found again
    if found.view is None:
        found.view = _view_of(found, rules)
    return found.view


#: words whose value at a token a mention covers the cue and clause scans read (a phrasal verb
#: before "back", a weapon noun after an agent cue, a contrast word before a clause opener, the
#: words after "as", punctuation): a mention holding one is collapsed and scanned again
_CONTEXT_WORDS = frozenset({"even", "as", ".", ",", ";", ":", "well", "part", "a", "such", "of", "soon", "long", "much",
                            "far", "many", "usual"})


def _view_of(found, rules) -> _Sentence:
    """The view of :func:`_sentence_view` from a sentence's :class:`~corpus_tools.target_tone._Analysis`.

    Each run of tokens covered by mentions becomes one placeholder per side named there (in
    side order); the rules' cues (found on the raw tokens with the mentions masked) move to
    the collapsed positions, and each token keeps its clause rank (a placeholder that of the
    run's first token). This is what matching cues and segmenting clauses on the collapsed
    words gives, because both scans skip masked tokens and a cue never spans one; the only
    exception, a mention holding a word those scans read at a neighbouring position
    (:data:`_CONTEXT_WORDS`, phrasal verbs, weapon nouns, contrast words, subordinators), is
    scanned again on the collapsed words (:func:`_collapsed_cues_and_clause`)."""
    toks, mentions = found.toks, found.mentions
    owner: dict[int, list] = {}
    for m in mentions:
        for i in range(m.t0, min(m.t1, len(toks))):
            owner.setdefault(i, []).append(m)
    words, sides, starts, raw_of = [], [], [], []

    def plain(lo: int, hi: int) -> None:  # tokens lo:hi, none in a mention: kept as they are
        run = toks[lo:hi]
        words.extend([t[2] for t in run])
        sides.extend([None] * len(run))
        starts.extend([t[0] for t in run])
        raw_of.extend(range(lo, lo + len(run)))

    i = 0
    for j in sorted(owner):  # a run of mentions starts at the first token held that is not passed yet
        if j < i:
            continue
        if i < j:
            plain(i, j)
        group = owner[j]
        end = max(m.t1 for m in group)
        for side in sorted({m.side for m in group}):
            words.append("\x00")
            sides.append(side)
            starts.append(toks[j][0])
            raw_of.append(j)
        i = max(end, j + 1)
    if i < len(toks):
        plain(i, len(toks))
    surfaces = frozenset(m.surface for m in mentions)  # frozen: _evidence_words keys its memo on it without a copy
    phrasal, compound = rules.phrasal.member, rules.compounds.member  # memoised tests of prefix sets
    if found.words is None or any(
            w in _CONTEXT_WORDS or phrasal(w) or compound(w) or w in rules.contrasts
            or w in rules.subordinators for w in (toks[i][2] for i in owner)):
        cues, clause = _collapsed_cues_and_clause(words, sides, rules)
        return _Sentence(words, sides, starts, surfaces, cues, clause)
    at = {r: j for j, r in enumerate(raw_of)}  # a plain token's collapsed position
    cues = [(at[a], at[a] + (b - a), cue[1], int(cue[2]), cue[3]) for a, b, cue in found.cue_hits]
    raw_clause = found.clause
    return _Sentence(words, sides, starts, surfaces, cues, [raw_clause[r] for r in raw_of])


def _collapsed_cues_and_clause(words: list[str], sides: list, rules) -> tuple[list, list]:
    """The action cues and clause ranks of a view's collapsed words, scanned on them (the
    placeholders masked): what :func:`_view_of` maps from the rules' scans of the raw tokens.

    >>> rules = build_rules()
    >>> _collapsed_cues_and_clause(["\\x00", "drones", "struck", "\\x00", "."], ["Russia", None, None, "Ukraine", None], rules)
    ([(2, 3, 'agent', -1, 'struck')], [1, 1, 1, 1, 1])
    """
    masked = {i for i, side in enumerate(sides) if side is not None}
    cues = [(a, b, cue[1], int(cue[2]), cue[3]) for a, b, cue in _match_cues(words, rules, masked)]
    clause, _ = _segments(words, rules, masked)
    return cues, clause


#: words that open a clause before a side (``subject`` in :func:`pair_features`)
_CLAUSE_OPENERS = frozenset({",", ";", ":", "but", "while", "as", "although", "whereas", "that", "and"})
#: words between a cue and a side that put another clause between them (``far`` in :func:`relation_features`)
_CLAUSE_BREAKS = frozenset({",", ";", ":", "that", "who", "which"})


def _distance_bucket(d: int) -> str:
    return "d1" if d <= 1 else "d2-3" if d <= 3 else "d4-6" if d <= 6 else "d7+"


def relation_features(text: str, target: str, view: _Sentence, rules) -> dict[str, float]:
    """Target-relative features of each action cue of the sentence (the ``relation`` group).

    For every cue of ``data/lexicons/target_actions.csv`` the mention of ``target`` nearest to
    it decides the relation, named from how news is written:

    ``patient``
        the cue comes first and the side follows ("sanctions on <T>", "praised <T>"), or the
        side stands before a passive auxiliary ("<T> was accused of").
    ``agent``
        the side comes first and the cue follows, not after a preposition ("<T> attacked",
        "<T>'s refusal"), or after "by" ("attacks by <T>").
    ``giver``
        an action aimed at someone, done by the side ("<T> imposed sanctions", "support from <T>").
    ``victim``
        a harmful act done by someone else, with the side after it ("strikes on <T>", "<T> was
        attacked").

    Each relation is written with the cue's valence (``+``/``-``) and qualified by what changes
    its meaning: a negator within four words before the cue in the same clause (``neg``:
    "did not condemn <T>"), a reverser (``rev``: "lift sanctions on <T>"), a subordinate
    clause (``sub``: "while <T> praised the talks, ..."), a clause before a contrast word
    (``before-but``: "<T> agreed to talk, but ..."), quotation marks (``quote``), another
    clause between cue and side (``far``), and the distance in words (``d1``, ``d2-3``,
    ``d4-6``, ``d7+``). ``relcue=`` names the cue itself with the relation, and
    ``net patient``/``net agent`` sum the signed valences (negated or reversed cues flipped).

    Examples
    --------
    >>> rules = build_rules()
    >>> view = _sentence_view("The allies did not lift sanctions on Russia.", rules, None)
    >>> f = relation_features("The allies did not lift sanctions on Russia.", "Russia", view, rules)
    >>> f["rel=patient -"], f["rel=patient - rev"], f["rel=patient - neg"], f["relcue=patient sanction*"]
    (1.0, 1.0, 1.0, 1.0)
    """
    f: dict[str, float] = {}
    words, clause = view.words, view.clause or [1] * len(view.words)
    positions = _target_words(view, target)[1]
    if not positions:
        return f
    net = {"patient": 0.0, "agent": 0.0}
    for a, b, role, valence, cue, sign, negated, reversed_, quals in _cue_facts(text, view, rules):
        best = None
        for p in positions:
            d = p - b + 1 if b <= p else a - p if p < a else None
            if d is not None and (best is None or d < best[0]):
                best = (d, p)
        if best is None:
            continue
        d, p = best
        lo, hi = (b, p) if b <= p else (p + 1, a)
        between = words[lo:hi]
        prev = words[p - 1] if p > 0 else "<S>"
        if b <= p:  # cue first, side after
            if prev == "by" and role in ("agent", "both"):
                rel = "agent"
            elif prev in {"from", "by"}:
                rel = "giver"
            elif role == "agent":
                rel = "victim" if valence < 0 else "patient"
            else:
                rel = "patient"
        else:  # side first, cue after
            if any(map(rules.passives.member, between)) and re.search(r"(?:ed|en|wn)$", words[b - 1]):
                rel = "victim" if role == "agent" and valence < 0 else "patient"
            elif prev in _RULE_PREPOSITIONS:
                rel = "other"
            elif role == "object":
                rel = "giver"
            else:
                rel = "agent"
        far = clause[a] != clause[p] or not _CLAUSE_BREAKS.isdisjoint(between)
        key = f"rel={rel} {sign}"
        f[key] = 1.0
        for q in quals:
            f[f"{key} {q}"] = 1.0
        if far:
            f[f"{key} far"] = 1.0
        f[f"{key} {_distance_bucket(d)}"] = 1.0
        f[f"relcue={rel} {cue}"] = 1.0
        if rel in net and not far:
            net[rel] += valence * (-1 if negated else 1) * (-1 if reversed_ else 1)
    for rel, value in net.items():
        if value:
            f[f"net {rel}"] = float(min(max(value, -2), 2))  # np.clip's value, without an array call
    return f


def _cue_facts(text: str, view: _Sentence, rules) -> list[tuple]:
    """What :func:`relation_features` says of each cue of a sentence whatever the side, found
    once per view (kept on it) and shared by the sentence's sides: ``(a, b, role, valence,
    cue, sign, negated, reversed, quals)`` with ``quals`` the qualifiers that do not depend on
    the side, in the order the features name them (``neg``, ``rev``, ``sub``, ``before-but``,
    ``quote``).

    >>> rules = build_rules()
    >>> text = "The allies did not lift sanctions on Russia."
    >>> _cue_facts(text, _sentence_view(text, rules, None), rules)[0][4:]
    ('sanction*', '-', True, True, ('neg', 'rev'))
    """
    memo = view.cue_facts
    if memo is not None and memo[0] is rules and memo[1] == text:
        return memo[2]
    words, clause = view.words, view.clause or [1] * len(view.words)
    last_rank = max(clause) if clause else 1
    facts = []
    negator, reverser = rules.negators.member, rules.reversers.member  # memoised tests of prefix sets
    for a, b, role, valence, cue in view.cues:
        before = words[max(0, a - 4):a]
        negated = any(negator(w) for w in before) and "," not in before
        reversed_ = any(reverser(w) for w in words[max(0, a - 3):a])
        quals = []
        if negated:
            quals.append("neg")
        if reversed_:
            quals.append("rev")
        if clause[a] % 2 == 0:
            quals.append("sub")
        if clause[a] // 2 < last_rank // 2:
            quals.append("before-but")
        if _in_quote(text, view.starts[a]):
            quals.append("quote")
        facts.append((a, b, role, valence, cue, "+" if valence > 0 else "-", negated, reversed_, tuple(quals)))
    view.cue_facts = (rules, text, facts)
    return facts


@lru_cache(maxsize=2)
def _word_valences(directory: str) -> dict[str, float]:
    """VADER's lexicon with the single-word domain overrides (``domain_overrides.csv``)."""
    from corpus_tools.sentiment import load_domain_overrides, vader_scorer

    overrides = load_domain_overrides(directory)
    return dict(vader_scorer(overrides).analyzer.lexicon)


def local_tone_features(target: str, view: _Sentence, rules, valences: dict[str, float]) -> dict[str, float]:
    """The lexicon tone of the words next to the side (the ``local`` group): the summed VADER
    valence (with the domain overrides) of the words within :data:`WINDOW` tokens before and
    after each mention in the same clause, a negator in between flipping the sign ("did not
    <T> help"), as ``local before`` and ``local after`` (divided by 4, clipped to [-1, 1]).
    "the brutal <T> regime" and "<T> bravely held" reach the model even where no action cue
    applies.

    Examples
    --------
    >>> rules = build_rules()
    >>> view = _sentence_view("The brutal Russian regime lied again.", rules, None)
    >>> f = local_tone_features("Russia", view, rules, {"brutal": -2.8, "lied": -1.6})
    >>> f["local before"], f["local after"]
    (-0.7, -0.4)
    """
    words, clause = view.words, view.clause or [1] * len(view.words)
    f: dict[str, float] = {}
    sums = {"before": 0.0, "after": 0.0}
    for p in _target_words(view, target)[1]:
        for side, span in (("before", range(max(0, p - WINDOW), p)), ("after", range(p + 1, min(len(words), p + 1 + WINDOW)))):
            flip = 1.0
            for i in (reversed(span) if side == "before" else span):
                w = words[i]
                if view.sides[i] is not None or clause[i] != clause[p] or w in {",", ";", ":"}:
                    break
                if w in rules.negators:
                    flip = -flip
                sums[side] += flip * valences.get(w, 0.0)
    for side, value in sums.items():
        if value:
            f[f"local {side}"] = float(np.clip(round(value / 4, 4), -1, 1))
    return f


@lru_cache(maxsize=1)
def _porter():
    from nltk.stem import PorterStemmer  # rules only, no data file

    return PorterStemmer()


#: a letter of any script: a word without one (a number, "3,481", "--") is its own Porter stem
_LETTER = re.compile(r"[^\W\d_]")


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    """Porter stem of a lower-cased word, each word stemmed once per process. Porter's rules
    all remove or rewrite letter suffixes, so a word without a letter is returned lower-cased,
    as the stemmer would, without running it (numbers are 49% of the words first met in the first
    1,000 articles of the synthetic benchmark corpus, and 92% of those met in articles 3,001 to
    4,000).

    >>> _stem("accusations"), _stem("3,481")
    ('accus', '3,481')
    """
    return _porter().stem(word) if _LETTER.search(word) else word.lower()


_CLAUSE_SKIP = frozenset({",", ";", ":", ".", "'s", "s"})


def clause_features(target: str, view: _Sentence) -> dict[str, float]:
    """The clause holding the side's first mention (the ``clause`` group): whether it is a
    main or a subordinate clause (``clause rank=main``/``sub``: "while <T> praised the talks,
    ..."), whether a contrast word follows it (``clause before-but``: "<T> agreed to talk, but
    ..."), and its words as Porter stems (``cw=accus``), so that "<T> was accused", "accusing
    <T>" and "accusations against <T>" meet in one feature whatever the distance within the
    clause.

    Examples
    --------
    >>> view = _sentence_view("While Moscow praised the talks, Russian drones struck Odesa.", build_rules(), None)
    >>> f = clause_features("Russia", view)
    >>> f["clause rank=sub"], f["cw=prais"], "cw=struck" in f
    (1.0, 1.0, False)
    """
    positions = _target_words(view, target)[1]
    if not positions:
        return {}
    p = positions[0]
    ranks, last, by_rank = _clause_words(view)
    rank = ranks[p]
    f = {f"clause rank={'main' if rank % 2 else 'sub'}": 1.0}
    if rank // 2 < last // 2:
        f["clause before-but"] = 1.0
    names, placeholders = by_rank[rank]
    f.update(names)  # the clause's plain words, named once per view
    for i, side in placeholders:
        if i != p:
            f[_clause_word_name("<T>" if side == target else "<O>")] = 1.0
    return f


def _clause_words(view: _Sentence) -> tuple[list, int, dict]:
    """A view's clause rank per token, the highest rank, and per rank the ``cw=`` names of its
    plain words (a dict ``name -> 1.0``, in order of first occurrence; punctuation and ``'s``
    left out) and its placeholders as ``(position, side)`` (their name depends on the side
    asked about): found once per view (kept on it) and shared by the sentence's sides in
    :func:`clause_features`, which adds a clause's plain names with one dict update.

    >>> _clause_words(_sentence_view("While Russia lied, Kyiv held.", build_rules(), None))[2]
    {0: ({'cw=while': 1.0, 'cw=lie': 1.0}, [(1, 'Russia')]), 1: ({'cw=held': 1.0}, [(4, 'Ukraine')])}
    """
    memo = view.clause_words
    if memo is not None:
        return memo
    clause = view.clause or [1] * len(view.words)
    by_rank: dict[int, tuple[dict, list]] = {}
    for i, (w, side, rank) in enumerate(zip(view.words, view.sides, clause)):
        entry = by_rank.get(rank)
        if entry is None:
            entry = by_rank[rank] = ({}, [])
        if side is not None:
            entry[1].append((i, side))
        elif w not in _CLAUSE_SKIP:
            entry[0][_clause_word_name(w)] = 1.0
    view.clause_words = memo = (clause, max(clause) if clause else 1, by_rank)
    return memo


@lru_cache(maxsize=65536)
def _clause_word_name(word: str) -> str:
    """The ``cw=`` feature name of a clause word (built once per distinct word, not per pair).

    >>> _clause_word_name("accused")
    'cw=accus'
    """
    return f"cw={_stem(word)}"



# ----------------------------------------------------------------------------- who does what to whom

#: words that end a stretch in which a side and an action word can be linked (clause edges)
_ROLE_EDGES = frozenset({",", ";", ":", "\u2014", "\u2013", ".", "that", "who", "which", "whom", "while", "as", "when",
                         "because", "but", "however", "although", "though", "whereas", "amid", "after", "before",
                         "since", "despite", "yet", "and", "or", "so"})
#: how far (in words) an action word may stand from the side it is linked to
ROLE_REACH = 6
#: a word of VADER's lexicon counts as an action word of its sign from this absolute valence
ROLE_MIN_VALENCE = 1.5
_PARTICIPLE = re.compile(r"(?:ed|en|wn|ck|ut|lt|ng)$")  # struck, shot, hit (ut), dealt, "being" excluded below


@dataclass(frozen=True)
class RoleWords:
    """The words of ``data/lexicons/target_roles.csv``: prepositions with the role of the side
    after them, verbs whose subject undergoes the act named after them, naming verbs whose
    object is called what follows it, and modal words."""

    prepositions: dict
    undergo: dict
    modals: tuple  # patterns ("threaten*")
    naming: dict = None


@lru_cache(maxsize=2)
def load_role_words(directory: str | None = None) -> RoleWords:
    """Read ``data/lexicons/target_roles.csv`` (``word, kind, role, justification``).

    Examples
    --------
    >>> words = load_role_words()
    >>> words.prepositions["on"], words.prepositions["for"], words.undergo["faces"], "could" in words.modals
    ('patient', 'beneficiary', 'patient', True)
    """
    path = _data_dir(directory) / "lexicons" / "target_roles.csv"
    table = read_table(path, ["word", "kind", "role", "justification"], what="role words")
    for line, (word, kind, role, why) in enumerate(zip(table["word"], table["kind"], table["role"],
                                                       table["justification"]), start=2):
        if kind not in {"preposition", "undergo", "naming", "modal"}:
            raise CorpusError(f"{path} line {line}: kind {kind!r} is not preposition, undergo, naming or modal; "
                              "fix the row")
        if (kind == "modal") == bool(role):
            raise CorpusError(f"{path} line {line}: {word!r} needs a role unless it is a modal (and a modal none)")
        if not why.strip():
            raise CorpusError(f"{path} line {line}: {word!r} has no justification; say why it belongs")
    pick = lambda k: dict(zip(table.loc[table["kind"] == k, "word"], table.loc[table["kind"] == k, "role"]))
    return RoleWords(pick("preposition"), pick("undergo"), tuple(table.loc[table["kind"] == "modal", "word"]),
                     pick("naming"))


def _is_modal(word: str, roles: RoleWords) -> bool:
    return any(word.startswith(m[:-1]) if m.endswith("*") else word == m for m in roles.modals)


def _actions(view: _Sentence, valences: dict[str, float]) -> list[tuple[int, int, str, int]]:
    """Action words of the sentence: the cues of ``target_actions.csv`` (kind ``aimed`` for an
    object cue, ``done`` for an agent cue, ``both``) and, outside them, the words of VADER's
    lexicon (with the domain overrides) of absolute valence at least :data:`ROLE_MIN_VALENCE`
    (kind ``word``): (first token, last token + 1, kind, sign)."""
    out, covered = [], set()
    for a, b, role, valence, _cue in view.cues:
        out.append((a, b, {"object": "aimed", "agent": "done"}.get(role, "both"), 1 if valence > 0 else -1))
        covered.update(range(a, b))
    for i, (w, side) in enumerate(zip(view.words, view.sides)):
        if side is None and i not in covered and abs(valences.get(w, 0.0)) >= ROLE_MIN_VALENCE:
            out.append((i, i + 1, "word", 1 if valences[w] > 0 else -1))
    return sorted(out)


def side_role(view: _Sentence, text: str, p: int, a: int, b: int, roles: RoleWords, passives) -> str | None:
    """The role of the side at token ``p`` toward the action word at tokens ``a:b``, or None when
    they are not linked (another clause, too far, or the side inside a phrase of its own).

    Constructions, each from how news is written (invented examples):

    ``agent``
        the side is the subject before the word ("Russia struck Odesa"); the possessor of an
        action noun ("Russia's attack", "Kyiv's refusal"); or named after "by"/"from" ("strikes
        by Russia", "was attacked by Russia", "support from Washington").
    ``patient``
        the side is the subject of a passive ("Ukraine was shelled", "Russia was accused of
        stalling"); follows the word directly or after "on/against/at/toward" ("sanctioned
        Moscow", "sanctions on Russia"); or is the subject of "faces/suffered" with the word after
        ("Russia faces new sanctions").
    ``recipient``
        after "to" ("aid to Ukraine", "a warning to Moscow"), or the subject of "received/won/
        secured" with the word after ("Kyiv received new pledges").
    ``beneficiary``
        after "for" ("support for Ukraine", "guarantees for Kyiv").
    ``partner``
        after "with" ("talks with Moscow", "solidarity with Kyiv").
    ``of``
        after "of" ("the invasion of Ukraine", "the aggression of Russia"): the word's kind tells
        doer from done-to.
    ``named``
        after a naming verb, with the word after the side ("called Europe 'weak'", "branded Kyiv
        a terrorist regime", "described Washington as unreliable"): what the side is called.

    Examples
    --------
    >>> rules = build_rules()
    >>> view = _sentence_view("Ukraine was shelled by Russian forces.", rules, None)
    >>> roles, p_ukr, p_rus = load_role_words(), 0, view.sides.index("Russia")
    >>> side_role(view, "", p_ukr, 2, 3, roles, rules.passives), side_role(view, "", p_rus, 2, 3, roles, rules.passives)
    ('patient', 'agent')
    """
    words, sides = view.words, view.sides
    if p < a and p > 0 and words[p - 1] in (roles.naming or {}) and a - p <= ROLE_REACH and not any(
            w in _ROLE_EDGES - {"as"} for w in words[p + 1:a]) and not any(s is not None for s in sides[p + 1:a]):
        return "named"  # "called Europe weak", "branded Kyiv a terrorist regime", "described Washington as unreliable"
    if p < a:  # the side before the word
        between = words[p + 1:a]
        if len(between) > ROLE_REACH or any(w in _ROLE_EDGES for w in between) or any(
                s is not None for s in sides[p + 1:a]):
            return None
        gap = text[view.starts[p]:view.starts[p + 1]] if text and p + 1 < len(words) else ""
        if re.search(r"['\u2019]s?\s*$", gap) and len(between) <= 2:
            return "agent"  # "Russia's attack", "Kyiv's refusal"
        prev = words[p - 1] if p > 0 else "<S>"
        if prev in roles.prepositions or prev in _PREPOSITIONS:
            return None  # "talks with Moscow ended ...": the side is inside a phrase of its own
        if between and between[0] in roles.undergo:
            return roles.undergo[between[0]]  # "Russia faces new sanctions"
        if any(w in passives for w in between) and _PARTICIPLE.search(words[a]) and words[a] != "being":
            return "patient"  # "Ukraine was shelled", "Russia was accused of"
        return "agent"  # "Russia struck Odesa", "Moscow has repeatedly refused"
    between = words[b:p]  # the side after the word
    if len(between) > ROLE_REACH or any(w in _ROLE_EDGES for w in between) or any(
            s is not None for s in sides[b:p]):
        return None
    if not between or all(w in {"the", "a", "an", "its", "their", "his", "her"} for w in between):
        return "patient"  # "sanctioned Moscow", "condemned the Kremlin"
    if len(between) <= 3:
        last = between[-1]
        if last in roles.prepositions:
            return roles.prepositions[last]
    return None


def role_features(text: str, target: str, view: _Sentence, *, valences: dict[str, float], passives,
                  negators, reversers, voice_side: str = "", roles: RoleWords | None = None) -> dict[str, float]:
    """Who does what to whom, as features (the ``roles`` group): for every action word linked
    to a mention of ``target`` (:func:`side_role`), the side's role crossed with the word's kind
    and sign, negation scope and modality.

    ``role=<role> <kind> <sign>``
        the role (agent, patient, recipient, beneficiary, partner, of, named), the kind of action word
        (``aimed``/``done``/``both`` from ``target_actions.csv``, ``word`` from VADER's
        lexicon) and its sign: "Russia struck" gives ``role=agent done -``; "aid to Ukraine"
        ``role=recipient aimed +``.
    ``role=<role> <sign> neg`` / ``rev``
        negation scope: an odd number of negators between the start of the side's clause and the
        word ("the allies did not condemn Kyiv", "refused to rule out strikes" cancels);
        a reverser just before it ("lift sanctions on Russia").
    ``role=<role> <sign> modal``
        modality: a threat, plan, possibility or condition before the word in its clause
        ("Moscow threatened to strike Kyiv", "could impose sanctions on Russia"), against an act
        that happened.
    ``speaker <sign>``
        the side is the quoted voice's side ("'We will never surrender,' Kyiv said"): each
        action word inside quotation marks, by sign.
    ``role net <role>``
        the signed sum over the side's links (negated or reversed words flipped, modal ones
        halved), clipped to [-2, 2].

    Examples
    --------
    >>> rules = build_rules()
    >>> text = "Moscow threatened to strike Kyiv, and the allies did not lift sanctions on Russia."
    >>> view = _sentence_view(text, rules, None)
    >>> kw = dict(valences={}, passives=rules.passives, negators=rules.negators, reversers=rules.reversers)
    >>> sorted(k for k in role_features(text, "Ukraine", view, **kw) if k.startswith("role=patient"))
    ['role=patient - modal', 'role=patient done -']
    >>> f = role_features(text, "Russia", view, **kw)
    >>> f["role=patient aimed -"], f["role=patient - neg"], f["role=patient - rev"]
    (1.0, 1.0, 1.0)
    """
    roles = roles or load_role_words()
    words = view.words
    positions = _target_words(view, target)[1]
    f: dict[str, float] = {}
    if not positions:
        return f
    net: dict[str, float] = {}
    for a, b, kind, sign in _actions(view, valences):
        linked = [(abs(p - a), p, r) for p in positions
                  if (r := side_role(view, text, p, a, b, roles, passives)) is not None]
        if not linked:
            continue
        _d, p, role = min(linked)
        start = a
        while start > 0 and words[start - 1] not in _ROLE_EDGES and view.sides[start - 1] is None:
            start -= 1
        if p < start:
            start = p + 1
        scope = words[start:a]
        negated = sum(w in negators for w in scope) % 2 == 1
        reversed_ = any(w in reversers for w in words[max(start, a - 3):a])
        modal = any(_is_modal(w, roles) for w in scope)
        s = "+" if sign > 0 else "-"
        f[f"role={role} {kind} {s}"] = 1.0
        if negated:
            f[f"role={role} {s} neg"] = 1.0
        if reversed_:
            f[f"role={role} {s} rev"] = 1.0
        if modal:
            f[f"role={role} {s} modal"] = 1.0
        net[role] = net.get(role, 0.0) + sign * (-1 if negated else 1) * (-1 if reversed_ else 1) * (0.5 if modal else 1)
    if voice_side == target:
        for a, _b, _kind, sign in _actions(view, valences):
            if _in_quote(text, view.starts[a]):
                f[f"speaker {'+' if sign > 0 else '-'}"] = 1.0
    for role, value in net.items():
        if value:
            f[f"role net {role}"] = float(np.clip(value, -2, 2))
    return f


def pair_features(text: str, target: str, rule_row: dict | None, *, view: _Sentence, rules,
                  sentence_compound: float, clause_compound: float,
                  groups: Sequence[str] = FEATURE_GROUPS, valences: dict[str, float] | None = None,
                  others: str = "") -> dict[str, float]:
    """The features of one (sentence, side) pair as ``name -> value`` (see the module
    docstring for each group). ``rule_row`` is the row of
    :func:`~corpus_tools.target_tone.tone_toward` for the pair (``None`` when the rules found
    no such side).

    Examples
    --------
    >>> rules = build_rules()
    >>> text = "Leaders agreed to tighten sanctions on Russia."
    >>> view = _sentence_view(text, rules, None)
    >>> f = pair_features(text, "Russia", {"polarity": "negative", "score": -1.0, "rule": "object",
    ...     "evidence": "sanctions → Russia", "voice": "narration"}, view=view, rules=rules,
    ...     sentence_compound=0.3, clause_compound=0.3)
    >>> f["b=on <T>"], f["rule_pol=negative"], f["ev=sanctions"], f["side=Russia"]
    (1.0, 1.0, 1.0, 1.0)
    """
    f: dict[str, float] = {}
    use = set(groups)
    words, positions = _target_words(view, target)
    if "rule" in use:
        if rule_row is None:
            f["rule=not found"] = 1.0
        else:
            f[f"rule_pol={rule_row['polarity']}"] = 1.0
            f["rule_score"] = float(rule_row["score"])
            rule = str(rule_row["rule"])
            for name in _rule_part_names(rule):
                f[name] = 1.0
            for w in _evidence_words(rule_row["evidence"], view.surfaces):
                f[f"ev={w}"] = 1.0
    if "window" in use:
        for p in positions:
            left, right = words[max(0, p - WINDOW):p], words[p + 1:p + 1 + WINDOW]
            for w in left:
                f[f"l={w}"] = 1.0
            for w in right:
                f[f"r={w}"] = 1.0
            f[f"l1={left[-1] if left else '<S>'}"] = 1.0
            f[f"r1={right[0] if right else '</S>'}"] = 1.0
            if len(left) >= 2:
                f[f"b={left[-2]} {left[-1]} <T>"] = 1.0
            if left:
                f[f"b={left[-1]} <T>"] = 1.0
            if right:
                f[f"b=<T> {right[0]}"] = 1.0
            if len(right) >= 2:
                f[f"b=<T> {right[0]} {right[1]}"] = 1.0
            for a, b in zip(left, left[1:]):
                f[f"lb={a} {b}"] = 1.0
            for a, b in zip(right, right[1:]):
                f[f"rb={a} {b}"] = 1.0
    if "lexicon" in use:
        for p in positions:
            for a, b, role, valence, _cue in view.cues:
                sign = "+" if valence > 0 else "-"
                if p - WINDOW <= a and b <= p:
                    f[f"cue before {role} {sign}"] = 1.0  # "sanctions on <T>": aimed at the side
                elif p < a <= p + WINDOW:
                    f[f"cue after {role} {sign}"] = 1.0  # "<T> attacked": done by the side

        p = positions[0]
        # the clause opens after the last clause word before the side (the first one found
        # scanning back from it), or at the start of the sentence
        clause_start = next((i + 1 for i in range(p - 1, -1, -1) if words[i] in _CLAUSE_OPENERS), 0)
        prev = words[p - 1] if p > 0 else "<S>"
        first = "<O>" not in words[clause_start:p]
        f["subject" if prev not in _PREPOSITIONS and first else "not subject"] = 1.0
        f["mentions"] = float(min(len(positions), 3))
    if "negation" in use:
        if _negation_near(view, words, positions, rules.negators):
            f["negation near"] = 1.0
    if "quote" in use:
        quoted = any(_in_quote(text, view.starts[p]) for p in positions)
        f["in quote" if quoted else "not quoted"] = 1.0
        voice = (rule_row or {}).get("voice") or "narration"
        if voice == "narration":
            f["voice=narration"] = 1.0
        else:
            # the speaker's side relative to the target only, never its name (no side prior)
            f["voice=own side" if rules.actor_side.get(voice, "") == target else "voice=other side"] = 1.0
    if "relation" in use:
        f.update(relation_features(text, target, view, rules))
    if "clause" in use:
        f.update(clause_features(target, view))
    if "others" in use:
        for item in filter(None, others.split("\x1e")):
            _side, pol, rule = item.split("\x1f")
            f[f"other pol={pol}"] = 1.0
            f[f"other rule={rule} {pol}"] = 1.0
    if "roles" in use:
        f.update(role_features(text, target, view, valences=valences if valences is not None
                               else _word_valences(str(_data_dir(None))), passives=rules.passives,
                               negators=rules.negators, reversers=rules.reversers,
                               voice_side=rules.actor_side.get((rule_row or {}).get("voice") or "", "")))
    if "local" in use:
        f.update(local_tone_features(target, view, rules, valences if valences is not None
                                     else _word_valences(str(_data_dir(None)))))
    if "vader" in use:
        f["vader_sentence"] = float(sentence_compound)
        f["vader_clause"] = float(clause_compound)
    if "side" in use:
        f[f"side={target}"] = 1.0
    if "side_rule" in use and rule_row is not None:
        main = _main_rule(str(rule_row["rule"]))
        f[f"{target} & rule_pol={rule_row['polarity']}"] = 1.0
        f[f"{target} & rule={main}"] = 1.0
    if "conjunction" in use and rule_row is not None:
        main = _main_rule(str(rule_row["rule"]))
        f[f"rule={main} & rule_pol={rule_row['polarity']}"] = 1.0
    return f


@lru_cache(maxsize=4096)
def _rule_part_names(rule: str) -> tuple[str, ...]:
    """The ``rule=`` feature names of a rules' construction, one per part (built once per
    distinct construction, not per pair).

    >>> _rule_part_names("object+negated(reporting)")
    ('rule=object', 'rule=negated', 'rule=reporting')
    """
    return tuple(f"rule={part.strip()}" for part in re.split(r"[+()]", rule) if part.strip())


@lru_cache(maxsize=4096)
def _main_rule(rule: str) -> str:
    """The main construction of a rules' verdict: its name before any ``+``, ``(`` or space.

    >>> _main_rule("object+negated")
    'object'
    """
    return re.split(r"[+( ]", rule)[0]


def _negation_near(view: _Sentence, words: list[str], positions: list[int], negators) -> bool:
    """Does a negator stand within ``WINDOW`` words of a mention of the side ("Russia did not
    attack")? The same answer as testing every word of each window against ``negators``, with
    the sentence's plain-word negators found once per sentence (on the view, shared by all its
    pairs) and the placeholders ``<T>``/``<O>`` tested once per sentence too.

    >>> rules = build_rules()
    >>> view = _sentence_view("Russia did not attack Kyiv.", rules, None)
    >>> _negation_near(view, ["<T>", "did", "not", "attack", "<O>", "."], [0], rules.negators)
    True
    """
    found = view.negator_at
    member = getattr(negators, "member", negators.__contains__)  # a rules word set's memoised test
    if found is None or found[0] is not negators:
        sides = view.sides  # the negators' positions by C-level iteration, then the placeholders left out
        found = view.negator_at = (negators, [i for i in compress(range(len(view.words)), map(member, view.words))
                                              if sides[i] is None], member("<T>") or member("<O>"))
    _negators, at, placeholder = found
    if placeholder:  # a placeholder itself counts: test every word as written
        return any(member(w) for p in positions for w in words[max(0, p - WINDOW):p + 1 + WINDOW])
    return any(p - WINDOW <= i <= p + WINDOW for p in positions for i in at)


def _columns(frame: pd.DataFrame, *names: str) -> list[list]:
    """Columns as Python lists (one conversion each, instead of iterating Arrow-backed columns
    value by value)."""
    return [frame[name].tolist() for name in names]


def _feature_table(pairs: pd.DataFrame, *, data_dir: Path | str | None = None, cache: Path | str | None = None,
                   rows: pd.DataFrame | None = None, vader: bool = True,
                   others: bool = True) -> tuple[list[dict], list, pd.DataFrame]:
    """Raw ingredients for ``pairs`` (``doc_id, sent_id, text, published, target``): the
    rules' row per pair, the sentence views and VADER compounds (0 without ``vader``: only the
    ``vader`` feature group reads them); returns (views, rule rows, the pairs with
    ``sentence_compound, clause_compound`` and, with ``others``, ``others``: the rules' verdicts
    toward the sentence's other sides, which only the ``others`` feature group reads)."""
    from corpus_tools.sentiment import score_texts

    directory = _data_dir(data_dir)
    rules = _rules_of(resource_stamp(directory))  # compiled once per process
    sents = pairs.drop_duplicates(["doc_id", "sent_id"])[["doc_id", "sent_id", "text", "published"]].reset_index(drop=True)
    if rows is None:
        rows = tone_toward(sents, data_dir=directory, cache=cache)
    rule_rows: dict[tuple, dict] = {}  # the first row of each (doc_id, sent_id, target)
    for d, s, t, pol, score, rule, ev, voice in zip(*(rows[c].tolist() for c in (
            "doc_id", "sent_id", "target", "polarity", "score", "rule", "evidence", "voice"))):
        rule_rows.setdefault((d, int(s), t), {"polarity": pol, "score": score, "rule": rule, "evidence": ev,
                                              "voice": voice})
    views = {}
    for d, s, text, day in zip(*_columns(sents, "doc_id", "sent_id", "text", "published")):
        day = None if day is None or (not isinstance(day, str) and pd.isna(day)) or day == "" else day
        views[(d, int(s))] = _sentence_view(text, rules, day)
    if vader:
        clause_texts = []
        for d, s, text, target in zip(*_columns(pairs, "doc_id", "sent_id", "text", "target")):
            view = views[(d, int(s))]
            pos = next((view.starts[i] for i, side in enumerate(view.sides) if side == target), 0)
            clause_texts.append(_clause_of(text, pos) or text)
        distinct = list(dict.fromkeys([*sents["text"], *clause_texts]))
        compound = dict(zip(distinct, score_texts(distinct, "vader_adjusted", data_dir=directory, cache=cache)["compound"]))
        pairs = pairs.assign(sentence_compound=[compound[t] for t in pairs["text"]],
                             clause_compound=[compound[t] for t in clause_texts])
    else:  # the ``vader`` group is not used: no sentence is scored
        pairs = pairs.assign(sentence_compound=0.0, clause_compound=0.0)
    found = [rule_rows.get((d, int(s), t)) for d, s, t in zip(*_columns(pairs, "doc_id", "sent_id", "target"))]
    if not others:  # the ``others`` group is not used: the column is not built
        return [views[(d, int(s))] for d, s in zip(*_columns(pairs, "doc_id", "sent_id"))], found, pairs
    by_sentence: dict[tuple, list[str]] = {}
    for (d, s, t), r in rule_rows.items():
        by_sentence.setdefault((d, int(s)), []).append(f"{t}\x1f{r['polarity']}\x1f{_main_rule(str(r['rule']))}")
    pairs = pairs.assign(others=["\x1e".join(x for x in by_sentence.get((d, int(s)), []) if not x.startswith(t + "\x1f"))
                                 for d, s, t in zip(*_columns(pairs, "doc_id", "sent_id", "target"))])
    return [views[(d, int(s))] for d, s in zip(*_columns(pairs, "doc_id", "sent_id"))], found, pairs


def _features(views, found, pairs, rules, groups=FEATURE_GROUPS, directory=None) -> list[dict[str, float]]:
    valences = _word_valences(str(_data_dir(directory))) if {"local", "roles"} & set(groups) else None
    others = pairs["others"].tolist() if "others" in pairs.columns else [""] * len(pairs)
    return [pair_features(text, target, rule, view=view, rules=rules, sentence_compound=sc, clause_compound=cc,
                          groups=groups, valences=valences, others=o)
            for view, rule, text, target, sc, cc, o in zip(views, found, *_columns(pairs, "text", "target",
                                                            "sentence_compound", "clause_compound"), others)]


# ----------------------------------------------------------------------------- model


def _classifier(kind: str, c: float):
    from sklearn.linear_model import LogisticRegression
    from sklearn.svm import LinearSVC

    if kind == "logistic":
        return LogisticRegression(C=c, class_weight="balanced", max_iter=5000, random_state=RANDOM_STATE)
    if kind == "svm":
        return LinearSVC(C=c, class_weight="balanced", max_iter=20000, random_state=RANDOM_STATE)
    raise CorpusError(f"unknown classifier kind {kind!r}; choose logistic or svm")


@dataclass
class TargetModel:
    """A fitted tone-toward model: the feature vectoriser, the classifier and what it was
    trained on (``kind``, ``C``, ``groups``, ``n_train``, ``checksums``)."""

    vectorizer: object
    classifier: object
    kind: str
    C: float
    groups: tuple[str, ...]
    n_train: int
    checksums: tuple[str, ...]
    tune_weight: float = DEFAULT_TUNE_WEIGHT

    def weights(self) -> pd.DataFrame:
        """Feature weights per class: ``feature, negative, neutral, positive`` (for a linear
        SVM the decision weights), sorted by the largest absolute weight."""
        coef = np.asarray(self.classifier.coef_)
        names = self.vectorizer.get_feature_names_out()
        table = pd.DataFrame(coef.T, columns=list(self.classifier.classes_)).assign(feature=names)
        table = table[["feature", *POLARITIES]]
        order = np.argsort(-np.abs(coef).max(axis=0), kind="stable")
        return table.iloc[order].reset_index(drop=True)


def _training_matrix(data_dir: Path | str | None, cache: Path | str | None, groups=FEATURE_GROUPS,
                     files: Sequence[str] = TRAIN_FILES):
    directory = _data_dir(data_dir)
    train = load_target_training(directory, files=files)
    views, found, pairs = _feature_table(train, data_dir=directory, cache=cache, vader="vader" in groups)
    keep = np.array([r is not None for r in found])  # a side the rules never find never gets a row to predict
    rules = _rules_of(resource_stamp(directory))
    feats = _features([v for v, k in zip(views, keep) if k], [r for r in found if r is not None],
                      pairs[keep].reset_index(drop=True), rules, groups, directory)
    return feats, pairs[keep].reset_index(drop=True)


def _training_arrays(matrix, data_dir: Path | str | None, cache: Path | str | None, groups: Sequence[str]):
    """The training features and pairs (``matrix``, a ``(feats, pairs)`` of
    :func:`_training_matrix` computed once by the caller, or computed here) with the labels and
    the report of each pair as arrays: what every cross-validation of this module starts from."""
    feats, pairs = matrix if matrix is not None else _training_matrix(data_dir, cache, tuple(groups))
    return feats, pairs, pairs["polarity"].to_numpy(), pairs["group"].to_numpy()


def _matrix32(x):
    """A CSR matrix with 32-bit indices (liblinear refuses 64-bit ones)."""
    x = x.tocsr()
    x.indices = x.indices.astype(np.int32)
    x.indptr = x.indptr.astype(np.int32)
    return x


def _vectorise(vectorizer, feats: list[dict[str, float]]):
    """``vectorizer.transform(feats)`` for numeric features, for the whole batch at once without
    the per-value type checks of :class:`~sklearn.feature_extraction.DictVectorizer` (same
    matrix: features unknown to the vocabulary dropped, indices sorted), as 32-bit CSR: the
    names and values flattened in two comprehensions, looked up in one pass, the matrix built
    from arrays."""
    from scipy import sparse

    from itertools import chain, repeat

    vocab = vectorizer.vocabulary_
    lengths = np.fromiter(map(len, feats), dtype=np.int64, count=len(feats))
    total = int(lengths.sum())
    # names looked up and values read by C-level iteration (map over the chained dicts), no
    # Python loop per feature
    columns = np.fromiter(map(vocab.get, chain.from_iterable(feats), repeat(-1)), dtype=np.int64, count=total)
    values = np.fromiter(chain.from_iterable(map(dict.values, feats)), dtype=vectorizer.dtype, count=total)
    known = columns >= 0
    rows = np.repeat(np.arange(len(feats)), lengths)[known]
    indptr = np.zeros(len(feats) + 1, dtype=np.int32)
    np.cumsum(np.bincount(rows, minlength=len(feats)), out=indptr[1:])
    x = sparse.csr_matrix((values[known], columns[known].astype(np.int32), indptr), shape=(len(feats), len(vocab)))
    x.sort_indices()
    return _matrix32(x)


def _fit(feats: list[dict], labels: Sequence[str], kind: str, c: float, sample_weight: np.ndarray | None = None):
    from sklearn.feature_extraction import DictVectorizer

    vec = DictVectorizer(sparse=True, sort=True)
    x = _matrix32(vec.fit_transform(feats))
    if sample_weight is not None and np.all(sample_weight == 1):
        sample_weight = None  # unweighted: the very fit of the sessions before the weight existed
    clf = _classifier(kind, c).fit(x, list(labels), sample_weight=sample_weight)
    return vec, clf


def training_weights(sources: Sequence[str], tune_weight: float = 1.0) -> np.ndarray:
    """The sample weight of each training pair: ``tune_weight`` for the pairs of the tune halves
    (``source`` in :data:`TUNE_SOURCES`: real news of the five articles and the written set in
    other outlets' styles), 1 for the pairs of the invented training reports.

    With a logistic regression, weighting the tune halves by ``w`` is the same model as weighting
    the invented reports by ``1 / w`` with ``C`` multiplied by ``w``; the weight does not depend on
    the side.

    Examples
    --------
    >>> training_weights(["train_a", "articles_tune", "written_tune"], 4).tolist()
    [1.0, 4.0, 4.0]
    """
    if not tune_weight > 0:
        raise CorpusError(f"tune_weight must be a positive number, got {tune_weight!r}")
    return np.where(np.isin(np.asarray(sources, dtype=object), TUNE_SOURCES), float(tune_weight), 1.0)


def _dense_names(feats: Sequence[dict]) -> list[str]:
    """The compact dense view's columns present in ``feats``: every feature whose name is a fact
    from a closed vocabulary (:data:`DENSE_PREFIXES`: the rules' verdict and construction,
    relations, cue positions, subject, negation, quote, voice, clause position, VADER), never a
    word of the sentence, sorted."""
    names = {k for f in feats for k in f}
    return sorted(k for k in names if k.startswith(DENSE_PREFIXES) and not k.startswith("relcue="))


def _dense(feats: Sequence[dict], names: Sequence[str]) -> np.ndarray:
    """``feats`` as a dense float array over the columns ``names`` (absent features 0)."""
    index = {n: j for j, n in enumerate(names)}
    x = np.zeros((len(feats), len(names)), dtype=np.float64)
    for i, f in enumerate(feats):
        for k, v in f.items():
            j = index.get(k)
            if j is not None:
                x[i, j] = v
    return x


def _booster(balanced: bool):
    """The boosted model of :data:`BOOSTER`, with balanced class weights or none."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(**BOOSTER, class_weight="balanced" if balanced else None,
                                          early_stopping=False, random_state=RANDOM_STATE)


def _linear_proba(vec, clf, feats: Sequence[dict]) -> np.ndarray:
    """The linear model's class probabilities (columns in :data:`POLARITIES` order)."""
    proba = clf.predict_proba(_matrix32(vec.transform(list(feats))))
    classes = list(clf.classes_)
    return proba[:, [classes.index(p) for p in POLARITIES]]


def _fit_predict(feats: list[dict], y: np.ndarray, weights: np.ndarray, groups: np.ndarray, tr: np.ndarray,
                 te: np.ndarray, *, kind: str, c: float, learner: str, inner_folds: int = N_FOLDS) -> np.ndarray:
    """Fit on the rows ``tr`` (sample weights ``weights``) and predict the rows ``te`` with the
    learner (:data:`LEARNERS`), the victim guard applied: ``linear`` is the sparse classifier
    ``kind, c``; ``boosted`` a gradient-boosted model on the compact dense view
    (:func:`_dense_names`); ``stacked`` the same boosted model on the dense view plus the linear
    model's class probabilities, out of fold over ``inner_folds`` grouped folds of ``tr`` when
    training and from the linear model fitted on all of ``tr`` when predicting."""
    from sklearn.model_selection import GroupKFold

    train, test = [feats[i] for i in tr], [feats[i] for i in te]
    if learner == "linear":
        vec, clf = _fit(train, y[tr], kind, c, sample_weight=weights[tr])
        pred = clf.predict(_vectorise(vec, test))
    elif learner in ("boosted", "stacked"):
        names = _dense_names(train)
        x_tr, x_te = _dense(train, names), _dense(test, names)
        if learner == "stacked":
            oof = np.zeros((len(tr), len(POLARITIES)))
            inner = GroupKFold(n_splits=inner_folds).split(np.zeros(len(tr)), y[tr], groups[tr])
            for itr, ite in inner:
                vec, clf = _fit([train[i] for i in itr], y[tr][itr], kind, c, sample_weight=weights[tr][itr])
                oof[ite] = _linear_proba(vec, clf, [train[i] for i in ite])
            vec, clf = _fit(train, y[tr], kind, c, sample_weight=weights[tr])
            x_tr, x_te = np.hstack([oof, x_tr]), np.hstack([_linear_proba(vec, clf, test), x_te])
        booster = _booster(balanced=learner == "boosted")
        pred = booster.fit(x_tr, y[tr], sample_weight=weights[tr]).predict(x_te)
    else:
        raise CorpusError(f"unknown learner {learner!r}; choose one of {', '.join(LEARNERS)}")
    return _victims_neutral(pred, _victim_mask(test))


def cross_validate_target_model(*, candidates: Sequence[tuple[str, float]] = CANDIDATES,
                                groups: Sequence[str] = DEFAULT_GROUPS, n_folds: int = N_FOLDS,
                                tune_weight: float = DEFAULT_TUNE_WEIGHT, learner: str = DEFAULT_LEARNER,
                                data_dir: Path | str | None = None, cache: Path | str | None = None,
                                _matrix=None) -> pd.DataFrame:
    """Grouped cross-validation on the training data: one row per candidate classifier,
    ``kind, C, features, tune_weight, learner, n, macro_f1, accuracy, fold_sd, rules_macro_f1``.

    Folds are whole reports or documents (``GroupKFold``), so a report's sentences never sit
    on both sides of a fold; ``macro_f1`` and ``accuracy`` are computed on the pooled
    out-of-fold predictions, ``fold_sd`` is the spread of per-fold macro-F1, and
    ``rules_macro_f1`` is the rules' own score on the same rows. ``tune_weight`` is the sample
    weight of the tune halves' pairs in each training fold (:func:`training_weights`); ``learner``
    one of :data:`LEARNERS` (:func:`_fit_predict`).

    Examples
    --------
    >>> cv = cross_validate_target_model(candidates=[("logistic", 0.1)])  # doctest: +SKIP
    >>> cv[["kind", "C"]].values.tolist()  # doctest: +SKIP
    [['logistic', 0.1]]
    """
    from sklearn.model_selection import GroupKFold

    from corpus_tools.target_tone import _scores

    feats, pairs, y, report = _training_arrays(_matrix, data_dir, cache, groups)
    weights = training_weights(pairs["source"].tolist(), tune_weight)
    folds = list(GroupKFold(n_splits=n_folds).split(np.zeros(len(y)), y, report))
    rules_pred = np.array([f_pol for f_pol in _rule_polarity(feats)])
    out = []
    for kind, c in candidates:
        pred = np.empty(len(y), dtype=object)
        per_fold = []
        for tr, te in folds:
            pred[te] = _fit_predict(feats, y, weights, report, tr, te, kind=kind, c=c, learner=learner)
            per_fold.append(_scores(y[te], pred[te])[1])
        acc, f1 = _scores(y, pred)
        out.append({"kind": kind, "C": c, "features": "+".join(groups), "tune_weight": float(tune_weight),
                    "learner": learner, "n": len(y), "macro_f1": f1, "accuracy": acc,
                    "fold_sd": float(np.std(per_fold)), "rules_macro_f1": _scores(y, rules_pred)[1]})
    return pd.DataFrame(out)


def tune_folds(pairs: pd.DataFrame, data_dir: Path | str | None = None) -> np.ndarray:
    """The fold of each tune-half pair of :func:`load_target_training` for
    :func:`tune_half_cross_validation`: ``articles:<doc_id>`` for the five articles (one fold per
    article), ``written:<style>`` for the written set (one fold per outlet style, as its tune/test
    split is made mostly by style), ``""`` for the pairs of the invented reports.

    Examples
    --------
    >>> t = load_target_training()
    >>> f = tune_folds(t)
    >>> bool((f[t["source"] == "train_a"] == "").all()), len(set(f[t["source"] == "articles_tune"]))
    (True, 5)
    >>> sorted(set(f[t["source"] == "written_tune"]))[:2]
    ['written:asian_english', 'written:commentary']
    """
    written = load_target_gold("written", data_dir)
    style = {f"w{int(n):03d}": st for n, st in zip(written["item_no"], written["style"])}
    out = np.full(len(pairs), "", dtype=object)
    for i, (source, doc) in enumerate(zip(*_columns(pairs, "source", "doc_id"))):
        if source == "articles_tune":
            out[i] = f"articles:{doc}"
        elif source == "written_tune":
            if doc not in style:
                raise CorpusError(f"written tune pair {doc!r} has no item in target_tone_written.csv; "
                                  "rebuild the training table with load_target_training")
            out[i] = f"written:{style[doc]}"
    return out


def tune_half_cross_validation(*, tune_weights: Sequence[float] = TUNE_WEIGHTS, kind: str = DEFAULT_MODEL[0],
                               C: float = DEFAULT_MODEL[1], groups: Sequence[str] = DEFAULT_GROUPS,
                               learner: str = DEFAULT_LEARNER, data_dir: Path | str | None = None,
                               cache: Path | str | None = None, _matrix=None) -> pd.DataFrame:
    """Cross-validation over the tune halves only, to choose the weight of real news beside the
    invented reports: one row per weight, ``tune_weight, learner, n, macro_f1, accuracy,
    macro_f1_articles, macro_f1_written, fold_sd, rules_macro_f1``.

    The folds are those of :func:`tune_folds` (each of the five articles; each outlet style of
    the written set's tune half). Each fold trains on every pair of the invented reports (weight 1)
    and the other tune folds' pairs (weight ``tune_weight``, :func:`training_weights`) and predicts
    the held-out fold; the scores are pooled over all tune pairs (and over each gold set's tune
    pairs), ``fold_sd`` is the spread of per-fold macro-F1 over folds of 20 pairs or more (NaN
    without one). The ``test`` halves are never read. On the tune halves the rules' verdict, a
    feature, is in-sample (the rules were written against those halves), so this criterion
    favours whatever leans on it.

    Examples
    --------
    >>> cv = tune_half_cross_validation(tune_weights=(1, 4))  # doctest: +SKIP
    >>> cv["tune_weight"].tolist()  # doctest: +SKIP
    [1.0, 4.0]
    """
    from corpus_tools.target_tone import _scores

    feats, pairs, y, report = _training_arrays(_matrix, data_dir, cache, groups)
    fold = tune_folds(pairs, data_dir)
    tuned = np.flatnonzero(fold != "")
    names = sorted(set(fold[tuned]))
    rules_pred = np.array(_rule_polarity(feats))
    out = []
    for w in tune_weights:
        weights = training_weights(pairs["source"].tolist(), w)
        pred = np.empty(len(y), dtype=object)
        per_fold = []
        for name in names:
            te = np.flatnonzero(fold == name)
            tr = np.flatnonzero(fold != name)
            pred[te] = _fit_predict(feats, y, weights, report, tr, te, kind=kind, c=C, learner=learner)
            if len(te) >= 20:
                per_fold.append(_scores(y[te], pred[te])[1])
        acc, f1 = _scores(y[tuned], pred[tuned])
        row = {"tune_weight": float(w), "learner": learner, "n": len(tuned), "macro_f1": f1, "accuracy": acc}
        for which in ("articles", "written"):
            part = tuned[pairs["source"].to_numpy()[tuned] == f"{which}_tune"]
            row[f"macro_f1_{which}"] = _scores(y[part], pred[part])[1]
        row["fold_sd"] = float(np.std(per_fold)) if per_fold else float("nan")  # no fold of 20 pairs
        row["rules_macro_f1"] = _scores(y[tuned], rules_pred[tuned])[1]
        out.append(row)
    return pd.DataFrame(out)


def target_model_learning_curve(*, fractions: Sequence[float] = (0.125, 0.25, 0.5, 0.75, 1.0),
                                kind: str = DEFAULT_MODEL[0], C: float = DEFAULT_MODEL[1],
                                groups: Sequence[str] = DEFAULT_GROUPS, n_folds: int = N_FOLDS,
                                seed: int = RANDOM_STATE, data_dir: Path | str | None = None,
                                cache: Path | str | None = None, _matrix=None) -> pd.DataFrame:
    """Cross-validated score against the amount of training data: one row per fraction,
    ``fraction, n_train, n_reports, macro_f1, accuracy``.

    The folds are those of :func:`cross_validate_target_model` (whole reports); within each
    training fold a seeded random share ``fraction`` of its reports (at least one) is kept,
    the model is fitted on their pairs and scored on the whole held-out fold; ``n_train`` and
    ``n_reports`` are the mean training size over the folds. A curve still rising at 1.0 says
    more labelled reports would help.

    Examples
    --------
    >>> curve = target_model_learning_curve(fractions=(0.5, 1.0))  # doctest: +SKIP
    >>> curve["fraction"].tolist()  # doctest: +SKIP
    [0.5, 1.0]
    """
    from sklearn.model_selection import GroupKFold

    from corpus_tools.target_tone import _scores

    feats, pairs, y, report = _training_arrays(_matrix, data_dir, cache, groups)
    folds = list(GroupKFold(n_splits=n_folds).split(np.zeros(len(y)), y, report))
    out = []
    for fraction in fractions:
        pred = np.empty(len(y), dtype=object)
        sizes, reports = [], []
        for k, (tr, te) in enumerate(folds):
            names = sorted(set(report[tr]))
            rng = np.random.default_rng(seed + k)
            keep = set(rng.permutation(names)[:max(1, int(round(fraction * len(names))))])
            tr = np.array([i for i in tr if report[i] in keep])
            vec, clf = _fit([feats[i] for i in tr], y[tr], kind, C)
            test = [feats[i] for i in te]
            pred[te] = _victims_neutral(clf.predict(_matrix32(vec.transform(test))), _victim_mask(test))
            sizes.append(len(tr))
            reports.append(len(keep))
        acc, f1 = _scores(y, pred)
        out.append({"fraction": float(fraction), "n_train": float(np.mean(sizes)), "n_reports": float(np.mean(reports)),
                    "macro_f1": f1, "accuracy": acc})
    return pd.DataFrame(out)


def _victim_mask(feats: list[dict]) -> np.ndarray:
    """Which pairs the rules read as the victim of an action (their ``rule=victim`` feature).

    >>> _victim_mask([{"rule=victim": 1.0}, {"rule=agent": 1.0}]).tolist()
    [True, False]
    """
    return np.fromiter((bool(f.get("rule=victim")) for f in feats), dtype=bool, count=len(feats))


def _victims_neutral(pred: np.ndarray, victim: np.ndarray) -> np.ndarray:
    """The model's labels with every pair the rules read as a victim (``victim``, from
    :func:`_victim_mask`) set to ``neutral``.

    Construction ``victim`` (target_tone.py): the place or people an agent attacks are not the
    target of hostility, however the cue lexicon grows ("Russian forces shelled Kharkiv
    overnight, killing three civilians" -> Ukraine neutral; Russia, the attacker, negative by
    the agent rule). The guard holds the construction against the weights of the relation
    features, which move whenever the cues do.

    >>> _victims_neutral(np.array(["negative", "negative"]), np.array([True, False])).tolist()
    ['neutral', 'negative']
    """
    pred = np.asarray(pred, dtype=object).copy()
    pred[victim] = "neutral"
    return pred


def _rule_polarity(feats: list[dict]) -> list[str]:
    return [next((p for p in POLARITIES if f.get(f"rule_pol={p}")), "neutral") for f in feats]


def model_cache_key(directory: Path | str, checksums: tuple[str, ...], kind: str, c: float,
                    groups: tuple[str, ...], tune_weight: float = DEFAULT_TUNE_WEIGHT) -> str:
    """The name under which a fitted model is kept on disk: SHA-256 of the training files'
    checksums, the contents of every word list and table of ``directory`` (and its
    ``lexicons/``; of ``corpus.csv`` only the gold documents' rows, so adding articles does
    not refit), the source of the package's modules (the features are code), the classifier
    and its arguments (with the weight of the tune halves' pairs), and the Python, NumPy and
    scikit-learn versions.

    Examples
    --------
    >>> d = _data_dir(None)
    >>> k = model_cache_key(d, training_checksums(d), "logistic", 0.3, DEFAULT_GROUPS)
    >>> len(k), k == model_cache_key(d, training_checksums(d), "logistic", 1.0, DEFAULT_GROUPS)
    (64, False)
    >>> k == model_cache_key(d, training_checksums(d), "logistic", 0.3, DEFAULT_GROUPS, tune_weight=4.0)
    False
    """
    import sys

    import sklearn

    directory = Path(directory)
    digest = hashlib.sha256()
    for part in (*checksums, kind, repr(float(c)), *groups, f"tune_weight={float(tune_weight)!r}", sys.version,
                 np.__version__, sklearn.__version__):
        digest.update(part.encode() + b"\0")
    files = sorted([*directory.glob("*.csv"), *directory.glob("*.txt"), *directory.glob("lexicons/*.csv"),
                    *Path(__file__).resolve().parent.glob("*.py")])
    for path in files:
        if path.name == "corpus.csv":  # grows with the corpus: only the gold documents' rows matter
            manifest = read_table(path, ["doc_id"], what="manifest")
            gold = set(load_target_gold("articles", directory)["doc_id"])
            digest.update(manifest[manifest["doc_id"].isin(gold)].to_csv(index=False).encode() + b"\0")
            continue
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


@lru_cache(maxsize=4)
def _fit_cached(directory: str, checksums: tuple[str, ...], kind: str, c: float, groups: tuple[str, ...],
                cache: str | None, tune_weight: float = DEFAULT_TUNE_WEIGHT) -> TargetModel:
    """Fit once per process; kept on disk under ``<cache>/target_model/<key>.pkl``
    (:func:`model_cache_key`), so that another process (a pipeline worker, a notebook kernel)
    loads it in a fraction of a second instead of refitting for several seconds."""
    import os
    import pickle

    from corpus_tools.paths import cache_dir

    key = model_cache_key(directory, checksums, kind, c, groups, tune_weight)
    path = cache_dir(cache) / "target_model" / f"{key}.pkl"
    if path.is_file():
        try:
            with path.open("rb") as handle:
                model = pickle.load(handle)
            if isinstance(model, TargetModel) and model.checksums == checksums:
                return model
        except Exception:  # a truncated or foreign file: refit and overwrite it
            pass
    feats, pairs = _training_matrix(directory, cache, groups)
    vec, clf = _fit(feats, pairs["polarity"], kind, c,
                    sample_weight=training_weights(pairs["source"].tolist(), tune_weight))
    model = TargetModel(vec, clf, kind, c, groups, len(feats), checksums, tune_weight)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        scratch = path.with_suffix(f".{os.getpid()}.tmp")
        scratch.write_bytes(pickle.dumps(model, protocol=5))
        os.replace(scratch, path)  # atomic: a concurrent reader sees the whole file or none
        kept = sorted(path.parent.glob("*.pkl"), key=lambda p: (-p.stat().st_mtime, p.name))
        for old in kept[MODELS_KEPT:]:  # models of earlier code or data: about 1.5 MB each
            old.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only cache: the model is still cached in this process
    return model


def fit_target_model(*, kind: str = DEFAULT_MODEL[0], C: float = DEFAULT_MODEL[1],
                     groups: Sequence[str] = DEFAULT_GROUPS, tune_weight: float = DEFAULT_TUNE_WEIGHT,
                     data_dir: Path | str | None = None, cache: Path | str | None = None) -> TargetModel:
    """Fit the tone-toward model on the training data (:func:`load_target_training`).

    The fitted model is cached per process, keyed by the SHA-256 of the training files, of the
    rules' three resources (:func:`training_checksums`) and the arguments, and on disk under
    ``<cache>/target_model/`` (:func:`model_cache_key`: also the data files, the package's
    source and the library versions): a changed annotation, lexicon or module refits it.
    Fitting takes several seconds; loading the kept model a few milliseconds. The defaults are the classifier
    chosen by :func:`cross_validate_target_model` (logistic regression, balanced classes).
    ``tune_weight`` is the sample weight of the tune halves' pairs (:func:`training_weights`;
    the default, 1, chosen by :func:`tune_half_cross_validation`).

    Examples
    --------
    >>> model = fit_target_model()
    >>> model.kind, model.n_train > 1000
    ('logistic', True)
    """
    unknown = set(groups) - set(FEATURE_GROUPS)
    if unknown:
        raise CorpusError(f"unknown feature group(s) {', '.join(sorted(unknown))}; choose from {', '.join(FEATURE_GROUPS)}")
    directory = _data_dir(data_dir)
    training_weights([], tune_weight)  # a bad weight is named before any fitting
    return _fit_cached(str(directory), training_checksums(directory), kind, float(C), tuple(groups),
                       None if cache is None else str(cache), float(tune_weight))


def _explain(model: TargetModel, x, labels: Sequence[str], top: int = 3) -> list[str]:
    """For each row of the CSR matrix ``x``, the ``top`` features that pushed most toward its
    label (weight times value, positive only, ties by name), as ``"name +0.61, ..."``: one
    product and one sort over the whole matrix, not one sparse slice or sort per row."""
    classes = list(model.classifier.classes_)
    coef = np.asarray(model.classifier.coef_)
    names = model.vectorizer.feature_names_
    label_row = np.array([classes.index(label) for label in labels], dtype=np.int64)
    indptr, indices, data = x.indptr, x.indices, x.data
    row_of = np.repeat(np.arange(x.shape[0]), np.diff(indptr))
    contrib = coef[label_row[row_of], indices] * data
    keep = np.flatnonzero((data != 0) & (contrib > 0))
    keep = keep[_within_top(row_of[keep], contrib[keep], top)]  # only what can rank in a row's top: a smaller sort
    name_rank = _name_ranks(tuple(names)) if len(keep) else None
    # by row, then the largest contribution, then the name (a total order: a row names a feature once)
    order = keep[np.lexsort((name_rank[indices[keep]], -contrib[keep], row_of[keep]))] if len(keep) else keep
    rows = row_of[order]
    first = np.searchsorted(rows, rows, side="left")  # where each row's run starts in ``order``
    chosen = order[np.arange(len(order)) - first < top]
    parts: list[list[str]] = [[] for _ in range(x.shape[0])]
    for i, j, w in zip(row_of[chosen].tolist(), indices[chosen].tolist(), contrib[chosen].tolist()):
        parts[i].append(f"{names[j]} {w:+.2f}")
    return [", ".join(p) for p in parts]


def _within_top(rows: np.ndarray, values: np.ndarray, top: int) -> np.ndarray:
    """Which entries can be among the ``top`` largest of their row: those at least as large as
    the row's ``top``-th largest distinct value (every entry of a row with fewer distinct
    values). ``rows`` is sorted (a CSR matrix's row of each stored entry); a superset of each
    row's ``top`` largest whatever the tie-break, found with ``top`` segmented maxima instead of
    a sort, so :func:`_explain` sorts only these.

    >>> _within_top(np.array([0, 0, 0, 0, 0, 1, 1]), np.array([5., 5., 5., 5., 2., 1., 3.]), 3).tolist()
    [True, True, True, True, True, True, True]
    >>> _within_top(np.array([0, 0, 0, 0, 0]), np.array([4., 1., 3., 2., 3.]), 2).tolist()
    [True, False, True, False, True]
    """
    if not len(rows):
        return np.zeros(0, dtype=bool)
    start = np.r_[True, rows[1:] != rows[:-1]]
    starts, segment = np.flatnonzero(start), np.cumsum(start) - 1
    left = values
    for _ in range(top):
        floor = np.maximum.reduceat(left, starts)[segment]  # segments are never empty
        left = np.where(left < floor, left, -np.inf)
    return values >= floor


@lru_cache(maxsize=4)
def _name_ranks(names: tuple[str, ...]) -> np.ndarray:
    """The rank of each feature name in sorted order (the tie-break of :func:`_explain`)."""
    ranks = np.empty(len(names), dtype=np.int64)
    ranks[sorted(range(len(names)), key=names.__getitem__)] = np.arange(len(names))
    return ranks


def predict_tone_toward(rows_or_sentences: pd.DataFrame, *, sentences: pd.DataFrame | None = None,
                        quotes: pd.DataFrame | None = None, dates: pd.Series | dict | None = None,
                        model: TargetModel | None = None, data_dir: Path | str | None = None,
                        cache: Path | str | None = None) -> pd.DataFrame:
    """Tone toward each side, decided by the learned model over the rules' verdict.

    ``rows_or_sentences`` is either what :func:`~corpus_tools.target_tone.tone_toward`
    accepts (the corpus, or a sentences table ``doc_id, sent_id, text`` with ``published``),
    which is then run first, or the rows it returned (the pipeline's ``tone_toward`` stage),
    with ``sentences`` (``doc_id, sent_id, text``) passed beside them. Dates resolve titles as
    in ``tone_toward``: a ``published`` column of the sentences, ``dates`` (``doc_id`` ->
    date) or, for the corpus, the documents' dates. Given rows, pass the dates they were
    computed with (the pipeline's stage passes each document's date); without any, titles
    resolve to their present holders.

    Returns the columns of ``tone_toward`` (``doc_id, sent_id, target, actor, polarity,
    score, voice, rule, method, evidence``) for the same rows: ``polarity`` is the model's,
    ``score`` its probability of positive minus that of negative, ``rule`` the rules'
    construction (kept, so a reader sees which construction the model weighed), ``method``
    is ``learned`` and ``evidence`` names the three features that pushed most toward the
    chosen label and the rules' own verdict ("model: rel=patient - +0.61, ...; rules: negative
    by object: sanctions → Russia").

    Examples
    --------
    >>> sents = pd.DataFrame({"doc_id": "d", "sent_id": [1], "published": "2025-03-27", "text": [
    ...     "Leaders agreed to tighten sanctions on Russia and pledged air defence for Ukraine."]})
    >>> predict_tone_toward(sents)[["target", "polarity", "rule", "method"]].values.tolist()
    [['Russia', 'negative', 'object', 'learned'], ['Ukraine', 'positive', 'object', 'learned']]
    """
    directory = _data_dir(data_dir)
    df = rows_or_sentences
    if {"rule", "evidence", "target"} <= set(df.columns):
        if sentences is None:
            raise CorpusError("predict_tone_toward got tone_toward rows without their sentences; pass "
                              "sentences=<the sentences table with doc_id, sent_id, text>")
        rows, sents = df.reset_index(drop=True), sentences
    elif "sent_id" in df.columns:
        sents = df
        rows = tone_toward(df, quotes=quotes, dates=dates, data_dir=directory, cache=cache)
    else:
        from corpus_tools.tokens import sentences as split_sentences

        sents = split_sentences(df, data_dir=directory) if sentences is None else sentences
        rows = tone_toward(df, sentences=sents, quotes=quotes, dates=dates, data_dir=directory, cache=cache)
        if dates is None and "published" in df.columns:
            from corpus_tools.speakers import document_dates

            dates = document_dates(df, directory)
    missing = [c for c in ("doc_id", "sent_id", "text") if c not in sents.columns]
    if missing:
        raise CorpusError(f"the sentences table lacks column(s) {', '.join(missing)}; pass doc_id, sent_id, text")
    if not len(rows):
        return pd.DataFrame(columns=TONE_TOWARD_COLUMNS).astype({"sent_id": "int64", "score": "float64"})
    model = fit_target_model(data_dir=directory, cache=cache) if model is None else model
    pairs = rows[["doc_id", "sent_id", "target"]].merge(sents[["doc_id", "sent_id", "text"]].drop_duplicates(
        ["doc_id", "sent_id"]), on=["doc_id", "sent_id"], how="left", validate="many_to_one")
    if pairs["text"].isna().any():
        bad = pairs[pairs["text"].isna()].iloc[0]
        raise CorpusError(f"row doc_id={bad['doc_id']!r} sent_id={bad['sent_id']} has no sentence in the sentences "
                          "table; pass the sentences the rows were computed from")
    if "published" in sents.columns:
        day = sents.drop_duplicates("doc_id").set_index("doc_id")["published"]
    else:
        day = pd.Series(dict(dates)) if dates is not None else pd.Series(dtype=object)
    day = day.map(lambda v: "" if v is None or (not isinstance(v, str) and pd.isna(v)) else
                  (v if isinstance(v, str) else pd.Timestamp(v).strftime("%Y-%m-%d")))
    pairs = pairs.assign(published=pairs["doc_id"].map(day).astype(object).fillna(""))
    views, found, pairs = _feature_table(pairs, data_dir=directory, cache=cache, rows=rows, vader="vader" in model.groups,
                                         others="others" in model.groups)
    feats = _features(views, found, pairs, _rules_of(resource_stamp(directory)), model.groups, directory)
    x = _vectorise(model.vectorizer, feats)
    victim = _victim_mask(feats)
    labels = _victims_neutral(model.classifier.predict(x), victim)
    classes = list(model.classifier.classes_)
    if hasattr(model.classifier, "predict_proba"):
        proba = model.classifier.predict_proba(x)
        score = proba[:, classes.index("positive")] - proba[:, classes.index("negative")]
    else:
        margin = model.classifier.decision_function(x)
        score = np.tanh(margin[:, classes.index("positive")]) - np.tanh(margin[:, classes.index("negative")])
        score = score / 2
    score = np.where(victim, 0.0, score)  # the guard's label and score agree: the summaries average scores
    explained = _explain(model, x, labels)
    evidence = [f"model: {why}; rules: {pol} by {rule}" + (f": {ev}" if ev else "")
                + ("; the victim of the action: neutral whatever the weights" if v else "")
                for v, why, pol, rule, ev in zip(victim.tolist(), explained, *_columns(rows, "polarity", "rule", "evidence"))]
    out = rows.assign(polarity=labels, score=np.round(score.astype(float), 4), method="learned", evidence=evidence)
    return out[TONE_TOWARD_COLUMNS].astype({"sent_id": "int64", "score": "float64"}).reset_index(drop=True)


# ----------------------------------------------------------------------------- validation


def evaluate_target_model(gold: pd.DataFrame, which: str = "articles", *, model: TargetModel | None = None,
                          data_dir: Path | str | None = None, cache: Path | str | None = None) -> pd.DataFrame:
    """The table of :func:`~corpus_tools.target_tone.evaluate_tone_toward` with a ``learned``
    column (the model's polarity; ``neutral`` where the rules find no such side, as for the
    rules) and ``learned_evidence``. The example shows a known error of the learned layer (held
    by a strict xfail in ``tests/test_target_model.py``): in a sentence that presses one side and
    thanks another, the thanks can outweigh the pressure (Russia positive, score +0.06), where
    the rules and the gold label say negative.

    Examples
    --------
    >>> gold = pd.DataFrame({"item_no": [1, 1], "style": "wire", "published": "2025-03-27", "split": "tune",
    ...     "sentence": "Leaders agreed to keep sanctions on Russia and thanked Kyiv.",
    ...     "target": ["Russia", "Ukraine"], "actor": "", "polarity": ["negative", "positive"], "voice": "narration",
    ...     "notes": ""})
    >>> evaluate_target_model(gold, "written")[["target", "gold", "tone_toward", "learned"]].values.tolist()
    [['Russia', 'negative', 'negative', 'positive'], ['Ukraine', 'positive', 'positive', 'positive']]
    """
    directory = _data_dir(data_dir)
    table = evaluate_tone_toward(gold, which, data_dir=directory, cache=cache)
    sents = gold_sentences(gold, which, data_dir=directory)
    predicted = predict_tone_toward(sents, model=model, data_dir=directory, cache=cache)
    table = table.merge(predicted[["doc_id", "sent_id", "target", "polarity", "evidence"]].rename(
        columns={"polarity": "learned", "evidence": "learned_evidence"}), on=["doc_id", "sent_id", "target"],
        how="left", validate="many_to_one")
    return table.assign(learned=table["learned"].fillna("neutral"), learned_evidence=table["learned_evidence"].fillna(""))


def target_model_validation(*, splits: Sequence[str] = ("test", "tune", "all"), n_boot: int = 2000, seed: int = 11,
                            model: TargetModel | None = None, data_dir: Path | str | None = None,
                            cache: Path | str | None = None,
                            predictions: dict[str, pd.DataFrame] | None = None) -> pd.DataFrame:
    """The table of :func:`~corpus_tools.target_tone.tone_toward_validation` with a ``learned``
    row beside ``tone_toward``, ``sentence`` and ``vader`` per gold set and split.

    Columns ``gold_set, split, method, n, accuracy, accuracy_low, accuracy_high, macro_f1,
    macro_f1_low, macro_f1_high, gain, gain_low, gain_high`` (gain over the mentioning-
    sentence label, paired bootstrap; seeded). The ``tune`` halves were training data for the
    model, so only ``test`` measures it. ``predictions`` may hold the tables of
    :func:`evaluate_target_model` per gold set.

    Examples
    --------
    >>> table = target_model_validation(splits=("test",), n_boot=50)  # doctest: +SKIP
    >>> table["method"].tolist()[:4]  # doctest: +SKIP
    ['learned', 'tone_toward', 'sentence', 'vader']
    """
    rows = []
    for which in ("articles", "written"):
        preds = (predictions or {}).get(which)
        if preds is None:
            preds = evaluate_target_model(load_target_gold(which, data_dir), which, model=model, data_dir=data_dir,
                                          cache=cache)
        for split in splits:
            part = preds if split == "all" else preds[preds["split"] == split]
            for method, column in (("learned", "learned"), ("tone_toward", "tone_toward"), ("sentence", "sentence_tone"),
                                   ("vader", "vader")):
                row = {"gold_set": which, "split": split, "method": method,
                       **bootstrap_scores(part, column, n_boot=n_boot, seed=seed)}
                if method != "sentence":
                    row.update(bootstrap_gain(part, column, "sentence_tone", n_boot=n_boot, seed=seed))
                rows.append(row)
    columns = ["gold_set", "split", "method", "n", "accuracy", "accuracy_low", "accuracy_high", "macro_f1",
               "macro_f1_low", "macro_f1_high", "gain", "gain_low", "gain_high"]
    return pd.DataFrame(rows).reindex(columns=columns)
