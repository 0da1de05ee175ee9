"""corpus_tools.target_model: the learned layer over the tone-toward rules: its training data,
its cross-validated score, its score on the held-out halves beside the rules and the issue's bar,
determinism, and invented sentences in several outlets' styles labelled by the guideline."""
from __future__ import annotations

import re

import pandas as pd
import pytest

from corpus_tools.errors import CorpusError
from corpus_tools.paths import data_dir
from corpus_tools.resources import read_table
from corpus_tools.target_model import (
    NOT_ABOUT, _report_doc_id, _training_set, load_target_relabels,
    DEFAULT_GROUPS, DEFAULT_MODEL, HELD_BACK_FILES, TRAIN_COLUMNS, TRAIN_FILES, _fit_cached, cross_validate_target_model, evaluate_target_model, fit_target_model,
    load_target_training, predict_tone_toward, target_model_validation,
)
from corpus_tools.target_tone import TONE_TOWARD_COLUMNS, load_target_gold, tone_toward

# Figures measured when the model was built (``python -c "from corpus_tools.target_model import *;
# print(cross_validate_target_model()); print(target_model_validation(splits=('test',)))"``).
# They are a record: a change to the features, the rules or the annotations that moves them
# must update them here and say why in the commit.
CV_MACRO_F1 = 0.709  # 5-fold GroupKFold over reports (files A-W and the tune halves), logistic C=0.3, DEFAULT_GROUPS
# (files A-D: 0.682 with side identity; A-I without side identity, with clause features: 0.686)
# (session 6: the "roles" group added 0.687, in place of "relation" 0.690: not adopted, below +0.01)
# (session 7: 221 cues of general classes added to target_actions.csv, 0.686 -> 0.694; "roles" on top
# 0.702, negative class weight x1.2 0.698, linear SVM C=0.03 0.699: not adopted, below +0.01)
# (session 8: four rule constructions fixed; the cues re-measured 0.6863 -> 0.6958, +0.0095: removed;
# CV 0.6863, as before them)
# (session 9: the session-9 rule constructions 0.6875; files J-W added (3,908 pairs): 0.7091 on the
# 3,335 earlier pairs with the same folds, 0.709 over all 7,243 pairs)
# with files A and B only the test halves gave 0.702 and 0.591; adding C and D 0.604 and 0.614; with
# files A-I, side identity removed and clause features added 0.591 and 0.594; with the session-7 cues
# (looked at once, 2026-12-04 evening):
# 0.576 and 0.607; session 8 (fixed rules, cues removed; looked at once, 2026-12-04 night) 0.591 and
# 0.602; session 9 (rules 0.591 and 0.597; then files J-W added, looked at once):
TEST_MACRO_F1 = {"articles": 0.616, "written": 0.629}
TOLERANCE = 0.02


@pytest.fixture(scope="module")
def validation() -> pd.DataFrame:
    table = target_model_validation(splits=("test",), n_boot=300)
    print("\n" + table.round(3).to_string())
    return table.set_index(["gold_set", "method"])


def sents(texts: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"doc_id": "x", "sent_id": range(1, len(texts) + 1), "text": texts, "published": "2025-03-27"})


# ------------------------------------------------------------------ training data


def test_training_data_is_the_training_files_and_the_tune_halves_only():
    train = load_target_training()
    folder = data_dir() / "annotations"
    expected = {}
    reports = 0
    for name in TRAIN_FILES:
        table = pd.read_csv(folder / name, dtype=str, keep_default_na=False)
        expected["train_" + name.rsplit("_", 1)[1].split(".")[0]] = int((table["target"] != "none").sum())
        reports += table.loc[table["target"] != "none", "report_no"].nunique()
    for which in ("articles", "written"):
        gold = load_target_gold(which)
        expected[f"{which}_tune"] = int((gold["split"] == "tune").sum())
    assert train["source"].value_counts().to_dict() == expected
    test_sentences = set(load_target_gold("articles").query("split == 'test'")["sentence"])
    tune_sentences = set(load_target_gold("articles").query("split == 'tune'")["sentence"])
    leaked = set(train["text"]) & (test_sentences - tune_sentences)
    assert not leaked
    written_test = {f"w{n:03d}" for n in load_target_gold("written").query("split == 'test'")["item_no"]}
    assert not written_test & set(train["doc_id"])
    # every report is its own cross-validation group
    assert train.groupby("group")["source"].nunique().max() == 1
    assert train["group"].nunique() == reports + 5 + train.query("source == 'written_tune'")["doc_id"].nunique()


def _held_out_sentences() -> set[str]:
    """The sentences of every test half and held-out file (never to be trained on)."""
    folder = data_dir() / "annotations"
    held_out = {s for which in ("articles", "written") for s in load_target_gold(which).query("split == 'test'")["sentence"]}
    for probes in ("target_tone_probes_test.csv", "target_tone_probes2_test.csv", "target_tone_fresh.csv"):
        table = pd.read_csv(folder / probes, dtype=str)
        # a sentence about no side is never scored (the fresh set shares one such with file C)
        held_out |= set(table.loc[table["target"] != "none", "sentence"])
    return held_out


@pytest.mark.parametrize("name", TRAIN_FILES + HELD_BACK_FILES)
def test_training_file_passes_the_checks_made_on_arrival(name):
    """The checks of target_tone_train_README.md ("Checked on arrival"): columns, sides,
    polarities, one text per (report_no, sent_no), no duplicate pair, report numbers disjoint
    from the other files', no sentence equal to a sentence of a test half (the files held back,
    X to AC, are checked too: they are measured beside the training files)."""
    folder = data_dir() / "annotations"
    table = read_table(folder / name, list(TRAIN_COLUMNS), what="training set")
    assert table.columns.tolist() == list(TRAIN_COLUMNS)
    assert set(table["target"]) <= {"Russia", "Ukraine", "United States", "European allies", "other", "none"}
    assert set(table.loc[table["target"] != "none", "polarity"]) <= {"negative", "neutral", "positive"}
    assert (table.loc[table["target"] == "none", "polarity"] == "").all()
    assert table.groupby(["report_no", "sent_no"])["sentence"].nunique().max() == 1
    assert not table.duplicated(["report_no", "sent_no", "target"]).any()
    reports = set(table["report_no"])
    for other in TRAIN_FILES + HELD_BACK_FILES:
        if other != name:
            assert not reports & set(pd.read_csv(folder / other, dtype=str)["report_no"]), other
    assert not set(table["sentence"]) & _held_out_sentences()


@pytest.mark.parametrize("name", HELD_BACK_FILES)
def test_files_x_to_ac_retell_no_held_out_sentence(name):
    """Files X to AC were checked for near copies on arrival (session 14): 13 sentences that
    shared half or more of their words (token Jaccard >= 0.5) with a held-out sentence (the same
    public event told in the same stock words) were dropped with all their rows."""
    words = [set(re.findall(r"\w+", s.lower())) for s in _held_out_sentences()]
    table = read_table(data_dir() / "annotations" / name, list(TRAIN_COLUMNS), what="training set")
    for sentence in sorted(set(table["sentence"])):
        mine = set(re.findall(r"\w+", sentence.lower()))
        assert max(len(mine & w) / len(mine | w) for w in words) < 0.5, sentence


def test_the_fresh_held_out_set_is_well_formed_and_apart_from_training():
    folder = data_dir() / "annotations"
    fresh = pd.read_csv(folder / "target_tone_fresh.csv", dtype=str, keep_default_na=False)
    assert fresh.columns.tolist() == list(TRAIN_COLUMNS)
    assert (len(fresh), fresh["report_no"].nunique()) == (360, 18)
    sides = fresh["target"] != "none"
    assert set(fresh.loc[sides, "target"]) == {"Russia", "Ukraine", "United States", "European allies", "other"}
    assert set(fresh.loc[sides, "polarity"]) == {"negative", "neutral", "positive"}
    assert not fresh.duplicated(["report_no", "sent_no", "target"]).any()
    for name in TRAIN_FILES:
        assert not set(fresh["report_no"]) & set(pd.read_csv(folder / name, dtype=str)["report_no"]), name


def test_the_fresh_sets_second_annotation_covers_it_and_agrees_as_recorded():
    folder = data_dir() / "annotations"
    fresh = pd.read_csv(folder / "target_tone_fresh.csv", dtype=str, keep_default_na=False)
    second = pd.read_csv(folder / "target_tone_fresh_agreement.csv", dtype=str, keep_default_na=False)
    assert second.columns.tolist() == ["report_no", "sent_no", "target", "polarity", "voice", "notes"]
    keys = ["report_no", "sent_no", "target"]
    assert second[keys].equals(fresh[keys])  # every pair, in the same order
    assert set(second["polarity"]) == {"negative", "neutral", "positive"}
    sides = fresh["target"] != "none"
    agree = fresh.loc[sides, "polarity"] == second.loc[sides, "polarity"]
    # the figures of target_tone_agreement_README.md: 310 of 352 pairs, no negative/positive swap
    assert (int(agree.sum()), int(sides.sum())) == (310, 352)
    swapped = {frozenset(pair) for pair in zip(fresh.loc[sides, "polarity"], second.loc[sides, "polarity"])}
    assert frozenset({"negative", "positive"}) not in swapped


def test_a_bad_training_label_is_named(tmp_path):
    folder = tmp_path / "annotations"
    folder.mkdir()
    real = data_dir() / "annotations"
    for name in (*TRAIN_FILES[1:], "target_tone_gold.csv", "target_tone_written.csv"):
        (folder / name).write_bytes((real / name).read_bytes())
    (folder / "target_tone_train_a.csv").write_text(
        "report_no,sent_no,style,published,sentence,target,actor,polarity,voice,notes\n"
        "1,1,wire,2025-03-27,Russia attacked Kyiv.,Russia,,hostile,narration,\n")
    with pytest.raises(CorpusError, match=r"target_tone_train_a.csv line 2: polarity 'hostile'"):
        load_target_training(tmp_path)


def test_the_relabelled_pairs_are_as_recorded():
    """target_tone_train_README.md, "Relabelled under one guideline": seven readers read 2,570
    pairs of files A to W again (pairs whose notes named a hard case), 1,809 of them as the files
    do; every row names a pair of a training file with its label (checked by the loader)."""
    relabels = load_target_relabels()
    assert len(relabels) == 2570
    assert relabels["reader"].value_counts().sort_index().tolist() == [368] * 6 + [362]
    assert int((relabels["before"] == relabels["polarity"]).sum()) == 1809
    assert relabels["polarity"].value_counts().to_dict() == {"neutral": 1189, "negative": 861, "positive": 392,
                                                              NOT_ABOUT: 128}
    assert set(relabels["doc_id"].str[0]) <= set("abcdefghijklmnopqrstuvw")
    assert (relabels["notes"] != "").all()


def test_the_clarifications_check_agrees_as_recorded():
    """target_tone_clarifications_check.csv: an eighth reader, given the guideline and both sets of
    clarifications, read 150 tune pairs blind and 84 relabelled training pairs (mixed, shuffled):
    142 of the 150 as the gold (macro-F1 0.942, a side read as not about the sentence counted
    neutral); 62 of the 84 as the training files, 75 as the relabelling readers."""
    from corpus_tools.target_tone import _scores

    folder = data_dir() / "annotations"
    check = read_table(folder / "target_tone_clarifications_check.csv", ["file", "key", "target", "polarity", "notes"])
    tune = check[check["file"].isin(["target_tone_gold.csv", "target_tone_written.csv"])]
    articles, written = load_target_gold("articles"), load_target_gold("written")
    gold = {("target_tone_gold.csv", f"{d}:{n}", t): (p, s) for d, n, t, p, s in
            zip(articles["doc_id"], articles["sent_no"], articles["target"], articles["polarity"], articles["split"])}
    gold.update({("target_tone_written.csv", str(n), t): (p, s) for n, t, p, s in
                 zip(written["item_no"], written["target"], written["polarity"], written["split"])})
    truth = [gold[(f, k, t)] for f, k, t in zip(tune["file"], tune["key"], tune["target"])]
    assert {split for _, split in truth} == {"tune"}  # never a test pair
    read = tune["polarity"].replace({NOT_ABOUT: "neutral"}).tolist()
    accuracy, macro_f1 = _scores([p for p, _ in truth], read)
    assert (len(tune), round(accuracy * len(tune)), round(macro_f1, 3)) == (150, 142, 0.942)
    relabels = load_target_relabels().set_index(["doc_id", "sent_id", "target"])
    train = check[check["file"].str.startswith("target_tone_train_")]
    keys = [(_report_doc_id(_training_set(f), k.split(":")[0]), int(k.split(":")[1]), t)
            for f, k, t in zip(train["file"], train["key"], train["target"])]
    same_file = sum(relabels.loc[k, "before"] == p for k, p in zip(keys, train["polarity"]))
    same_reader = sum(relabels.loc[k, "polarity"] == p for k, p in zip(keys, train["polarity"]))
    assert (len(train), same_file, same_reader) == (84, 62, 75)


@pytest.mark.parametrize("row, message", [
    ("b,101,1,European allies,positive,neutral,r1,x", r"line 2: before is 'positive' but target_tone_train_b.csv says"),
    ("b,101,99,European allies,neutral,neutral,r1,x", r"line 2: target_tone_train_b.csv has no pair report 101, sentence 99"),
    ("zz,101,1,European allies,neutral,neutral,r1,x", r"line 2: set 'zz' names no training file"),
    ("b,101,1,European allies,neutral,hostile,r1,x", r"line 2: polarity 'hostile' is not one of"),
    ("b,101,1,European allies,neutral,neutral,r1,x\nb,101,1,European allies,neutral,positive,r2,x",
     r"line 3: the pair is relabelled twice"),
])
def test_a_relabelled_pair_that_does_not_match_its_file_is_named(tmp_path, row, message):
    folder = tmp_path / "annotations"
    folder.mkdir()
    real = data_dir() / "annotations"
    for name in (*TRAIN_FILES, *HELD_BACK_FILES):
        (folder / name).write_bytes((real / name).read_bytes())
    first = pd.read_csv(real / "target_tone_train_b.csv", dtype=str).iloc[0]
    assert (first["report_no"], first["sent_no"], first["target"], first["polarity"]) == ("101", "1", "European allies",
                                                                                          "neutral")
    (folder / "target_tone_train_relabels.csv").write_text(
        "set,report_no,sent_no,target,before,polarity,reader,notes\n" + row + "\n")
    with pytest.raises(CorpusError, match=message):
        load_target_relabels(tmp_path)


# ------------------------------------------------------------------ cross-validation


def test_cross_validated_score_on_the_training_data():
    cv = cross_validate_target_model(candidates=[DEFAULT_MODEL])
    print("\n" + cv.round(3).to_string())
    row = cv.iloc[0]
    assert row["n"] > 3300
    assert row["macro_f1"] == pytest.approx(CV_MACRO_F1, abs=TOLERANCE)
    # the learned layer beats the rules on the very rows they were partly written from
    assert row["macro_f1"] > row["rules_macro_f1"]


# ------------------------------------------------------------------ held-out halves


@pytest.mark.parametrize("which", ["articles", "written"])
def test_test_half_macro_f1_is_the_recorded_figure(validation, which):
    row = validation.loc[(which, "learned")]
    assert row["macro_f1"] == pytest.approx(TEST_MACRO_F1[which], abs=TOLERANCE)
    assert row["macro_f1_low"] < row["macro_f1"] < row["macro_f1_high"]


@pytest.mark.parametrize("which", ["articles", "written"])
def test_learned_is_not_worse_than_the_rules_and_beats_the_sentence_baseline(validation, which):
    learned, rules = validation.loc[(which, "learned")], validation.loc[(which, "tone_toward")]
    assert learned["macro_f1"] >= rules["macro_f1"]
    assert learned["accuracy"] >= rules["accuracy"]
    assert learned["gain_low"] > 0  # paired interval over the mentioning-sentence label excludes zero


@pytest.mark.xfail(strict=True, reason="issue 11 bar not reached: learned test-half macro-F1 0.616 (articles, n=119, "
                                       "95% CI 0.525-0.699) and 0.629 (written, n=235, 0.564-0.692) against 0.75; "
                                       "gains over the sentence label +0.162 and +0.275 (files A-W, no side "
                                       "identity, session-9 rules; cross-validated 0.709 on the training reports; "
                                       "session 8: 0.591, 0.602, CV 0.6863)")
@pytest.mark.parametrize("which", ["articles", "written"])
def test_issue_bar_on_the_test_halves(validation, which):
    learned = validation.loc[(which, "learned")]
    assert learned["macro_f1"] >= 0.75 and learned["gain"] >= 0.15


# ------------------------------------------------------------------ behaviour


def test_two_fits_give_identical_predictions():
    table = sents(["Leaders agreed to tighten sanctions on Russia until it accepts a ceasefire.",
                   "Kyiv thanked Washington for the Patriot batteries, Zelensky said."])
    first = predict_tone_toward(table)
    _fit_cached.cache_clear()
    second = predict_tone_toward(table, model=fit_target_model())
    pd.testing.assert_frame_equal(first, second)
    assert first.columns.tolist() == TONE_TOWARD_COLUMNS


def test_the_fitted_model_is_kept_on_disk_and_loaded_from_there(tmp_path):
    from corpus_tools.target_model import model_cache_key, training_checksums

    first = fit_target_model(cache=tmp_path)
    key = model_cache_key(data_dir(), training_checksums(), *DEFAULT_MODEL, DEFAULT_GROUPS)
    assert (tmp_path / "target_model" / f"{key}.pkl").is_file()
    _fit_cached.cache_clear()  # as a new process would
    second = fit_target_model(cache=tmp_path)
    assert second is not first and second.n_train == first.n_train
    table = sents(["Kyiv thanked Washington for the Patriot batteries, Zelensky said."])
    pd.testing.assert_frame_equal(predict_tone_toward(table, model=first), predict_tone_toward(table, model=second))


def test_no_feature_names_a_side():
    """Side identity is not a feature (target_tone_train_README.md, "The side prior"): the same
    construction toward another side weighs the same."""
    names = fit_target_model().weights()["feature"]
    sides = ("Russia", "Ukraine", "United States", "European allies")
    assert not [n for n in names if n.startswith("side=") or n.startswith(tuple(f"{s} & " for s in sides))]
    assert "side" not in DEFAULT_GROUPS and "side_rule" not in DEFAULT_GROUPS


def test_rows_and_sentences_give_the_same_answer_and_rows_need_sentences():
    table = sents(["Russian drones struck Odesa overnight as allies pledged more air defence for Ukraine."])
    rows = tone_toward(table)
    from_rows = predict_tone_toward(rows, sentences=table)
    pd.testing.assert_frame_equal(from_rows, predict_tone_toward(table))
    assert from_rows[["target", "actor", "voice"]].values.tolist() == rows[["target", "actor", "voice"]].values.tolist()
    with pytest.raises(CorpusError, match="sentences="):
        predict_tone_toward(rows)


def test_score_sign_follows_polarity_and_evidence_names_features_and_rules():
    out = predict_tone_toward(sents(["The European Union extended sanctions on Moscow for another six months."]))
    russia = out.set_index("target").loc["Russia"]
    assert russia["polarity"] == "negative" and -1 <= russia["score"] < -0.5
    assert russia["evidence"].startswith("model: ") and "rules: negative by object: sanctions → Moscow" in russia["evidence"]


def test_the_rules_verdict_carries_weight():
    weights = fit_target_model().weights().set_index("feature")
    assert weights.loc["rule_score", "positive"] > 0.3 and weights.loc["rule_score", "negative"] < -0.3
    assert weights.loc["rule_pol=neutral", "neutral"] > 0
    # and so do the target-relative roles: an action against the side, aimed at it or done by it
    assert weights.loc["rel=patient -", "negative"] > 0.2 and weights.loc["rel=agent -", "negative"] > 0.1
    assert weights.loc["rel=patient +", "positive"] > 0.2


def test_a_victim_is_neutral_in_label_and_score():
    """The victim guard sets the label, and the score the summaries average agrees with it."""
    out = predict_tone_toward(sents(["Russian forces shelled Kharkiv overnight, killing three civilians."]))
    row = out.set_index("target").loc["Ukraine"]
    assert (row["polarity"], row["score"]) == ("neutral", 0.0)
    assert row["evidence"].endswith("the victim of the action: neutral whatever the weights")
    assert out.set_index("target").loc["Russia", "score"] < 0


@pytest.mark.xfail(strict=True, reason="known error since files J-W (session 9): the thanks to Kyiv outweigh the "
                                       "pressure on Russia (Russia positive, score +0.06; the rules and the gold "
                                       "label say negative); the doctest of evaluate_target_model shows it")
def test_pressure_on_one_side_outweighs_thanks_to_another():
    out = predict_tone_toward(sents(["Leaders agreed to keep sanctions on Russia and thanked Kyiv."]))
    assert out.set_index("target").loc["Russia", "polarity"] == "negative"


# Invented sentences in several outlets' styles; labels from target_tone_guideline.md, written
# before the model was run on them.
STYLES = [
    # the victim of an attack stays neutral whatever the weights (target_model._victims_neutral; a strict
    # xfail in session 7, when the refitted model turned Ukraine negative here)
    ("wire", "Russian forces shelled Kharkiv overnight, killing three civilians, regional officials said.",
     {"Russia": "negative", "Ukraine": "neutral"}),  # harm done by Russia; the victim is not its target
    ("Ukrinform-like", "Partners pledged additional air defence systems for Ukraine at the meeting in Paris.",
     {"Ukraine": "positive"}),
    ("TASS-like", "Ukrainian drones attacked an oil refinery in the Samara region, the Russian Defence Ministry said.",
     {"Ukraine": "negative"}),  # a side shown attacking
    ("broadsheet", "The European Union extended sanctions on Moscow for another six months.",
     {"Russia": "negative", "European allies": "neutral"}),  # pressure on Russia; a plain decision of the allies
    ("Gulf", "Washington praised Kyiv's readiness to accept an unconditional ceasefire.", {"Ukraine": "positive"}),
    ("translated", "Chancellor Merz accused Putin of playing for time in the negotiations.", {"Russia": "negative"}),
]


@pytest.mark.parametrize("style,text,expected", STYLES,
                         ids=[s.values[0] if hasattr(s, "values") else s[0] for s in STYLES])
def test_invented_sentences_follow_the_guideline(style, text, expected):
    out = predict_tone_toward(sents([text]))
    got = dict(zip(out["target"], out["polarity"]))
    assert {side: got.get(side) for side in expected} == expected


def test_evaluate_target_model_keeps_the_gold_rows():
    gold = load_target_gold("written")
    gold = gold[gold["split"] == "tune"].head(12)
    table = evaluate_target_model(gold, "written")
    assert len(table) == len(gold)
    assert table["gold"].tolist() == gold["polarity"].tolist()
    assert set(table["learned"]) <= {"negative", "neutral", "positive"}


# ------------------------------------------------------------------ target-relative features

RELATIONS = [
    # (invented sentence, side, features that must be there)
    ("The EU extended sanctions on Moscow.", "Russia", ["rel=patient -", "relcue=patient sanction*"]),
    ("Russia was accused of stalling the talks.", "Russia", ["rel=patient -"]),
    ("Russian drones struck Kyiv overnight.", "Ukraine", ["rel=victim -"]),
    ("Russian drones struck Kyiv overnight.", "Russia", ["rel=agent -"]),
    ("Washington moved to lift sanctions on Russia.", "Russia", ["rel=patient - rev"]),
    ("The allies did not condemn Kyiv.", "Ukraine", ["rel=patient - neg"]),
    ("While Moscow praised the talks, Russian drones struck Odesa.", "Russia", ["rel=giver + sub", "rel=agent -"]),
    ("Kyiv agreed to talk, but Moscow refused.", "Ukraine", ["rel=agent + before-but"]),
]


@pytest.mark.parametrize("text,side,expected", RELATIONS, ids=[f"{t[:28]}-{s}" for t, s, _ in RELATIONS])
def test_relation_features_name_the_role_of_the_side(text, side, expected):
    from corpus_tools.target_model import _sentence_view, relation_features
    from corpus_tools.target_tone import build_rules

    rules = build_rules()
    f = relation_features(text, side, _sentence_view(text, rules, "2025-03-27"), rules)
    assert {k: f.get(k) for k in expected} == {k: 1.0 for k in expected}


def test_gold_sentences_read_no_article(monkeypatch):
    """Validation scores the gold sets only: its cost must not grow with the corpus."""
    import corpus_tools.corpus
    from corpus_tools.target_tone import gold_sentences

    def refuse(*args, **kwargs):
        raise AssertionError("load_corpus called")

    monkeypatch.setattr(corpus_tools.corpus, "load_corpus", refuse)
    table = gold_sentences(load_target_gold("articles"), "articles")
    assert table["published"].str.match(r"\d{4}-\d{2}-\d{2}$").all()


def test_learning_curve_rises_with_the_training_reports():
    from corpus_tools.target_model import target_model_learning_curve

    curve = target_model_learning_curve(fractions=(0.25, 1.0))
    print("\n" + curve.round(3).to_string())
    small, full = curve.itertuples(index=False)
    assert small.n_train < full.n_train / 3
    assert full.macro_f1 == pytest.approx(CV_MACRO_F1, abs=TOLERANCE)
    assert full.macro_f1 > small.macro_f1 + 0.02


# ------------------------------------------------------------------ who does what to whom (roles)

ROLES = [
    # (construction, invented sentence, side, features that must be there)
    ("subject agent", "Russian forces shelled Kharkiv overnight.", "Russia", ["role=agent done -"]),
    ("possessive agent", "Moscow's refusal stunned the delegates.", "Russia", ["role=agent done -"]),
    ("by-agent of a passive", "Ukraine was shelled by Russian forces.", "Russia", ["role=agent done -"]),
    ("by-agent of a noun", "Strikes by Russia hit the grid.", "Russia", ["role=agent done -"]),
    ("from-agent", "Kyiv welcomed support from Washington.", "United States", ["role=agent aimed +"]),
    ("passive subject", "Ukraine was shelled overnight.", "Ukraine", ["role=patient done -"]),
    ("passive subject, accused", "The Kremlin was accused of stalling.", "Russia", ["role=patient aimed -"]),
    ("direct object", "The ministers condemned the Kremlin.", "Russia", ["role=patient aimed -"]),
    ("on-patient", "Brussels agreed new sanctions on Russia.", "Russia", ["role=patient aimed -"]),
    ("undergoer of faces", "Russia faces new sanctions.", "Russia", ["role=patient aimed -"]),
    ("to-recipient", "Berlin announced more aid to Ukraine.", "Ukraine", ["role=recipient aimed +"]),
    ("recipient of received", "Kyiv received fresh pledges.", "Ukraine", ["role=recipient aimed +"]),
    ("for-beneficiary", "Leaders reaffirmed their support for Ukraine.", "Ukraine", ["role=beneficiary aimed +"]),
    ("with-partner", "Paris voiced solidarity with Kyiv.", "Ukraine", ["role=partner both +"]),
    ("of", "Ministers marked the anniversary of the invasion of Ukraine.", "Ukraine", ["role=of done -"]),
    ("negation scope", "The allies did not condemn Kyiv.", "Ukraine", ["role=patient aimed -", "role=patient - neg"]),
    ("reversal", "Washington moved to lift sanctions on Russia.", "Russia", ["role=patient - rev"]),
    ("modality: a threat, not an act", "Moscow threatened to strike Kyiv.", "Ukraine", ["role=patient - modal"]),
    ("modality: a possibility", "Brussels could impose sanctions on Russia.", "Russia", ["role=patient - modal"]),
    ("named by a naming verb", "Trump called European leaders 'weak' on Tuesday.", "European allies",
     ["role=named word -"]),
    # (session 7: "insulted" became a cue of target_actions.csv, so the sentence names another VADER word)
    ("lexicon word beyond the cues", "Trump disrespected Zelensky in the Oval Office.", "Ukraine",
     ["role=patient word -"]),
    ("speaker", "\"We will defend every town with courage,\" Zelensky said.", "Ukraine", ["speaker +"]),
]


@pytest.mark.parametrize("construction,text,side,expected", ROLES, ids=[r[0] for r in ROLES])
def test_role_features_name_who_does_what_to_whom(construction, text, side, expected):
    from corpus_tools.target_model import _sentence_view, _word_valences, role_features
    from corpus_tools.target_tone import build_rules

    rules = build_rules()
    view = _sentence_view(text, rules, "2025-03-27")
    voice_side = side if construction == "speaker" else ""
    f = role_features(text, side, view, valences=_word_valences(str(data_dir())), passives=rules.passives,
                      negators=rules.negators, reversers=rules.reversers, voice_side=voice_side)
    assert {k: f.get(k) for k in expected} == {k: 1.0 for k in expected}, sorted(f)


def test_roles_not_linked_across_clauses_and_double_negation_cancels():
    from corpus_tools.target_model import _sentence_view, _word_valences, role_features
    from corpus_tools.target_tone import build_rules

    rules = build_rules()
    kw = dict(valences=_word_valences(str(data_dir())), passives=rules.passives, negators=rules.negators,
              reversers=rules.reversers)
    text = "Ukraine held the line, while Russian drones struck Odesa."
    f = role_features(text, "Ukraine", _sentence_view(text, rules, None), **kw)
    assert not [k for k in f if k.startswith("role=agent done -")]  # the strike is in another clause
    text = "Moscow refused to rule out strikes on Kyiv."
    f = role_features(text, "Ukraine", _sentence_view(text, rules, None), **kw)
    assert f.get("role=patient done -") == 1.0 and "role=patient - neg" not in f  # two negations cancel


def test_a_role_word_without_justification_is_named(tmp_path):
    from corpus_tools.target_model import load_role_words

    (tmp_path / "lexicons").mkdir()
    (tmp_path / "lexicons" / "target_roles.csv").write_text("word,kind,role,justification\non,preposition,patient,\n")
    with pytest.raises(CorpusError, match=r"target_roles.csv line 2: 'on' has no justification"):
        load_role_words(str(tmp_path))


# ------------------------------------------------------------------ domain weight and learners (session 12)


def _toy_matrix(n_invented_reports: int = 10, n_articles: int = 3):
    """An invented feature table: in the invented reports the word feature ``w=a`` goes with
    negative and ``w=b`` with positive; in the tune halves (three "articles") the other way round,
    so only a model that weighs the tune pairs up can learn the tune halves' usage from the other
    tune folds."""
    feats, rows = [], []
    for r in range(n_invented_reports):
        for word, label in (("a", "negative"), ("b", "positive"), ("c", "neutral")):
            for k in range(2):
                feats.append({f"w={word}": 1.0, "rule_pol=neutral": 1.0, "mentions": 1.0 + k})
                rows.append({"source": "train_a", "group": f"a{r:03d}", "doc_id": f"a{r:03d}", "polarity": label})
    for d in range(n_articles):
        for word, label in (("a", "positive"), ("b", "negative"), ("c", "neutral")):
            feats.append({f"w={word}": 1.0, "rule_pol=neutral": 1.0, "mentions": 1.0})
            rows.append({"source": "articles_tune", "group": f"doc{d}", "doc_id": f"doc{d}", "polarity": label})
    return feats, pd.DataFrame(rows)


def test_training_weights_weigh_only_the_tune_halves():
    from corpus_tools.target_model import training_weights

    assert training_weights(["train_a", "train_w", "articles_tune", "written_tune"], 8).tolist() == [1, 1, 8, 8]
    assert training_weights(["train_a", "articles_tune"]).tolist() == [1, 1]
    with pytest.raises(CorpusError, match="tune_weight"):
        training_weights(["train_a"], 0)


def test_tune_folds_are_the_articles_and_the_written_styles():
    from corpus_tools.target_model import tune_folds

    train = load_target_training()
    folds = pd.Series(tune_folds(train))
    source = train["source"]
    assert (folds[source.str.startswith("train_")] == "").all()
    articles = load_target_gold("articles").query("split == 'tune'")
    assert set(folds[source == "articles_tune"]) == {f"articles:{d}" for d in articles["doc_id"]}
    written = load_target_gold("written").query("split == 'tune'")
    assert set(folds[source == "written_tune"]) == {f"written:{s}" for s in written["style"]}
    # a pair's fold is its item's style
    item = train[source == "written_tune"].iloc[0]
    style = written.loc[written["item_no"] == int(item["doc_id"][1:]), "style"].iloc[0]
    assert folds[item.name] == f"written:{style}"


def test_tune_half_cross_validation_learns_the_tune_usage_only_when_weighted_up():
    from corpus_tools.target_model import tune_half_cross_validation

    matrix = _toy_matrix()
    cv = tune_half_cross_validation(tune_weights=(1, 16), _matrix=matrix)
    print("\n" + cv.round(3).to_string())
    assert cv.columns.tolist() == ["tune_weight", "learner", "n", "macro_f1", "accuracy", "macro_f1_articles",
                                   "macro_f1_written", "fold_sd", "rules_macro_f1"]
    low, high = cv.itertuples(index=False)
    assert low.n == high.n == 9  # the tune pairs only: every held-out fold is a tune fold
    assert low.macro_f1 < 0.5  # 60 invented pairs outvote 6 tune pairs at weight 1
    assert high.macro_f1 == pytest.approx(1.0)  # 6 x 16 outvote 60
    assert cv.equals(tune_half_cross_validation(tune_weights=(1, 16), _matrix=matrix))  # deterministic


def test_cross_validation_reports_its_weight_and_learner_and_weighs_the_tune_pairs():
    matrix = _toy_matrix(n_invented_reports=10, n_articles=10)
    plain = cross_validate_target_model(candidates=[DEFAULT_MODEL], _matrix=matrix)
    weighted = cross_validate_target_model(candidates=[DEFAULT_MODEL], tune_weight=30, _matrix=matrix)
    assert plain[["tune_weight", "learner"]].values.tolist() == [[1.0, "linear"]]
    assert weighted[["tune_weight", "learner"]].values.tolist() == [[30.0, "linear"]]
    # weighted up, the tune usage wins on the tune pairs and loses on the invented ones: the score changes
    assert weighted["macro_f1"].iloc[0] != plain["macro_f1"].iloc[0]


@pytest.mark.parametrize("learner", ["boosted", "stacked"])
def test_the_boosted_learners_run_deterministically_on_small_data(learner):
    matrix = _toy_matrix()
    first = cross_validate_target_model(candidates=[DEFAULT_MODEL], learner=learner, _matrix=matrix)
    second = cross_validate_target_model(candidates=[DEFAULT_MODEL], learner=learner, _matrix=matrix)
    assert first.equals(second) and first["learner"].iloc[0] == learner
    assert 0 <= first["macro_f1"].iloc[0] <= 1
    with pytest.raises(CorpusError, match="unknown learner"):
        cross_validate_target_model(candidates=[DEFAULT_MODEL], learner="forest", _matrix=matrix)


def test_the_dense_view_holds_facts_never_words():
    from corpus_tools.target_model import _dense, _dense_names

    feats = [{"l=russia": 1.0, "rule_pol=negative": 1.0, "relcue=patient sanction*": 1.0, "rel=patient -": 1.0,
              "ev=sanctions": 1.0, "cw=sanction": 1.0, "vader_clause": -0.4, "negation near": 1.0},
             {"b=on <T>": 1.0, "subject": 1.0}]
    names = _dense_names(feats)
    assert names == ["negation near", "rel=patient -", "rule_pol=negative", "subject", "vader_clause"]
    assert _dense(feats, names).tolist() == [[1, 1, 1, 0, -0.4], [0, 0, 0, 1, 0]]


def test_a_weighted_fit_is_its_own_model_kept_under_its_own_key(tmp_path):
    import numpy as np

    from corpus_tools.target_model import model_cache_key, training_checksums

    weighted = fit_target_model(tune_weight=4.0, cache=tmp_path)
    key = model_cache_key(data_dir(), training_checksums(), *DEFAULT_MODEL, DEFAULT_GROUPS, tune_weight=4.0)
    assert key != model_cache_key(data_dir(), training_checksums(), *DEFAULT_MODEL, DEFAULT_GROUPS)
    assert (tmp_path / "target_model" / f"{key}.pkl").is_file()
    plain = fit_target_model()
    assert weighted.tune_weight == 4.0 and plain.tune_weight == 1.0 and weighted.n_train == plain.n_train
    assert not np.allclose(weighted.classifier.coef_, plain.classifier.coef_)
    with pytest.raises(CorpusError, match="tune_weight"):
        fit_target_model(tune_weight=-1)


def test_weight_one_fits_the_unweighted_model():
    """The default weight leaves the model as it was before the weight existed (bitwise)."""
    import numpy as np

    from corpus_tools.target_model import _fit

    feats, pairs = _toy_matrix()
    _, plain = _fit(feats, pairs["polarity"], *DEFAULT_MODEL)
    _, ones = _fit(feats, pairs["polarity"], *DEFAULT_MODEL, sample_weight=np.ones(len(feats)))
    _, twos = _fit(feats, pairs["polarity"], *DEFAULT_MODEL, sample_weight=np.full(len(feats), 2.0))
    assert np.array_equal(plain.coef_, ones.coef_)
    assert not np.array_equal(plain.coef_, twos.coef_)  # a weight is a weight (here: C doubled)
