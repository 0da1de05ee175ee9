"""corpus_tools.target_tone: tone toward each side, its constructions on invented sentences in
several outlets' styles, its resources, its pipeline stage, and the bar against the hand labels."""
from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from corpus_tools import process
from corpus_tools.errors import CorpusError
from corpus_tools.paths import data_dir
from corpus_tools.sentiment import macro_f1
from corpus_tools.target_tone import (
    GOLD_SETS, bootstrap_gain, bootstrap_scores, evaluate_tone_toward, load_target_actions, load_target_gold,
    load_target_markers, load_target_terms, summarise_tone_toward, tone_toward, tone_toward_confusion,
    tone_toward_evidence, tone_toward_validation,
)


def toward(text: str, published: str = "2025-03-27") -> dict[str, tuple[str, str]]:
    """side -> (polarity, rule) for one invented sentence."""
    rows = tone_toward(pd.DataFrame({"doc_id": ["x"], "sent_id": [1], "text": [text], "published": [published]}))
    return {t: (p, r) for t, p, r in zip(rows["target"], rows["polarity"], rows["rule"])}


def voices(text: str) -> dict[str, str]:
    rows = tone_toward(pd.DataFrame({"doc_id": ["x"], "sent_id": [1], "text": [text], "published": ["2025-03-27"]}))
    return dict(zip(rows["target"], rows["voice"]))


# ------------------------------------------------------------------ the constructions, invented sentences

CASES = [
    # object: actions for / against a side (wire copy)
    ("Allies pledged air defence for Ukraine on Thursday.", {"Ukraine": "positive"}),
    ("The EU extended sanctions on Russia for another six months.", {"Russia": "negative", "European allies": "neutral"}),
    ("Leaders agreed to tighten sanctions on Russia until it accepts a ceasefire.", {"Russia": "negative"}),
    # passive
    ("Russia was accused of stalling the talks.", {"Russia": "negative"}),
    ("Kyiv was attacked by Russia overnight.", {"Russia": "negative", "Ukraine": "neutral"}),
    # agent and victim (Ukrainian state media style)
    ("Russian drones struck Kyiv overnight, killing four civilians.", {"Russia": "negative", "Ukraine": "neutral"}),
    ("Kyiv agreed to a 30-day ceasefire.", {"Ukraine": "positive"}),
    # negation and reversal
    ("Now is not the time to lift sanctions on Russia.", {"Russia": "negative"}),
    ("Washington moved to lift sanctions on Russia.", {"Russia": "positive", "United States": "neutral"}),
    ("The allies did not condemn Kyiv.", {"Ukraine": "neutral"}),
    ("Putin is not showing he is ready for peace.", {"Russia": "negative"}),
    ("Washington halted aid to Kyiv last week.", {"Ukraine": "negative"}),
    # clause structure
    ("While Moscow praised the talks, Russian drones struck Odesa.", {"Russia": "negative"}),
    ("Moscow agreed to talk, but Russian forces kept shelling Kharkiv.", {"Russia": "negative"}),
    # British broadsheet idiom, quoted speech
    ("\u201cIt is clear that the Russians are playing for time,\u201d Starmer said.", {"Russia": "negative",
                                                                                     "European allies": "neutral"}),
    # Indian English wire style
    ("New Delhi on Tuesday condemned the attack by Russian forces on a children's hospital.", {"Russia": "negative"}),
    ("India refused to back sanctions against Moscow.", {"Russia": "neutral"}),  # the refused act does not happen
    # Russian state media in English
    ("The Kremlin accused the Europeans of prolonging the conflict.", {"European allies": "negative", "Russia": "neutral"}),
    # coordination, givers, agreeing, hypotheticals (Gulf and Asian English wire styles)
    ("Ukraine and Russia agreed to a prisoner exchange brokered by the UAE.", {"Ukraine": "positive", "Russia": "positive"}),
    ("Putin accused Kyiv and its European sponsors of sabotaging the talks.", {"Ukraine": "negative",
                                                                              "European allies": "negative"}),
    ("Warsaw shot down the drones with the support of the allies.", {"European allies": "neutral"}),
    ("The allies agreed to keep sanctions on Russia.", {"Russia": "negative", "European allies": "neutral"}),
    ("The allies agreed to set up a coordination cell in Paris.", {"European allies": "neutral"}),
    ("Sanctions on Russia will stay until it accepts a ceasefire, Tokyo said.", {"Russia": "negative"}),
    ("Aid will flow until Moscow accepts a ceasefire.", {"Russia": "neutral"}),
    ("If Moscow violated the truce, the allies would respond.", {"Russia": "neutral"}),
    ("Rome refused to send troops to Ukraine.", {"Ukraine": "neutral"}),
    ("Washington pressed Kyiv to accept the plan.", {"Ukraine": "negative"}),
    ("The West condemned Moscow.", {"Russia": "negative", "United States": "neutral", "European allies": "neutral"}),
    ("UKRAINE STRIKES BACK AT PUTIN'S WAR MACHINE", {"Russia": "negative"}),
    ("Peskov did not rule out further strikes on Ukraine.", {"Russia": "negative"}),
    # venues, particles, compounds
    ("Leaders met in Paris and condemned Russia.", {"Russia": "negative"}),
    ("Britain accused Tehran of supplying Moscow with attack drones.", {"Russia": "neutral", "other": "negative"}),
    # plain reporting: no action, no tone
    ("Macron met Zelensky in Paris on Thursday.", {"European allies": "neutral", "Ukraine": "neutral"}),
]


@pytest.mark.parametrize("text, expected", CASES, ids=[c[0][:40] for c in CASES])
def test_each_construction_gives_the_tone_toward_each_side(text, expected):
    got = toward(text)
    assert {side: got[side][0] for side in expected} == expected


# Cues of general classes of hostility and support, one invented sentence each, in several outlets'
# styles; labels by target_tone_guideline.md. (The 221 cues of session 7's classes were measured
# again in session 8 on the fixed rules, +0.0095 grouped CV, below the 0.01 a change must add, and
# removed; the cases below hold with the older cues and the aiming rows.)
CLASS_CASES = [
    ("The Kremlin hit out at the European Union over the new package.", {"European allies": "negative"}),
    ("Modi lauded Kyiv for its resilience.", {"Ukraine": "positive"}),
    ("The EU loan is a lifeline for Ukraine, officials said.", {"Ukraine": "positive"}),
    # session 8: an attributive adjective describes the noun phrase it precedes; "at" after a verb of
    # aiming marks the target (both were strict xfails in session 7)
    ("Kyiv thanked its staunch allies.", {"European allies": "positive", "Ukraine": "neutral"}),
    ("The Kremlin hit out at Brussels.", {"European allies": "negative"}),
]


@pytest.mark.parametrize("text, expected", CLASS_CASES,
                         ids=[(c.values[0] if hasattr(c, "values") else c[0])[:40] for c in CLASS_CASES])
def test_the_general_classes_of_hostility_and_support(text, expected):
    got = toward(text)
    assert {side: got.get(side, ("no row",))[0] for side in expected} == expected


# Session 8: four general constructions the session-7 cues exposed (target_tone.py's docstring),
# invented sentences in several outlets' styles; labels by target_tone_guideline.md.
S8_CASES = [
    # (a) an attributive adjective describes the noun phrase it precedes, it does not stop the object search
    ("Kyiv thanked its brave allies.", {"European allies": "positive", "Ukraine": "neutral"}),
    ("Zelensky thanked the resolute Europeans for the new package.", {"European allies": "positive", "Ukraine": "neutral"}),
    ("Zelensky praised the brave Ukrainians defending Kharkiv.", {"Ukraine": "positive"}),
    ("Officials in Kyiv condemned the brutal Russian assault.", {"Russia": "negative"}),
    ("Leaders must not reward Russian aggression.", {"Russia": "negative"}),
    # (b) "at" after a verb of aiming or criticism marks the target, not a venue
    ("The Kremlin hit out at Brussels.", {"European allies": "negative"}),
    ("Zakharova took a swipe at Berlin over the tank deliveries.", {"European allies": "negative"}),
    ("Trump lashed out at Kyiv on social media.", {"Ukraine": "negative"}),
    ("Leaders met at Paris.", {}),  # a venue still gets no row
    # whole words where a prefix would catch a place or its guests ("rail", not "railway")
    ("The railway at Kharkiv was hit by Russian missiles.", {"Russia": "negative", "Ukraine": "neutral"}),
    ("Dignitaries at Kharkiv welcomed the deal.", {"Ukraine": "neutral"}),
    ("Orban railed against Brussels again.", {"European allies": "negative"}),
    # (c) the place or people attacked are victims, never the target of hostility
    ("Russian forces shelled Kharkiv overnight, killing three civilians.", {"Russia": "negative", "Ukraine": "neutral"}),
    ("Ukrainian drones struck a refinery near Ryazan, injuring two workers.", {"Ukraine": "negative"}),
    # (d) a negated or declining governing verb cancels the cue it governs
    ("Moscow would not accept a Ukrainian surrender.", {"Ukraine": "neutral"}),
    ("Berlin declined to back Kyiv.", {"Ukraine": "neutral"}),
    ("Washington stopped short of condemning Moscow.", {"Russia": "neutral"}),
    ("Rome balked at sending troops to Ukraine.", {"Ukraine": "neutral"}),
]


@pytest.mark.parametrize("text, expected", S8_CASES, ids=[c[0][:40] for c in S8_CASES])
def test_the_session_8_constructions(text, expected):
    got = toward(text)
    if not expected:
        assert got == {}
    assert {side: got.get(side, ("no row",))[0] for side in expected} == expected


# Session 9: the weak constructions of the session-8 probes, written as general constructions of news
# English (target_tone.py's docstring); invented sentences in several outlets' styles, labels by
# target_tone_guideline.md.
S9_CASES = [
    # (a) a declined request cancels the act requested; refusing an act aimed at a side is a position
    ("Berlin rejected calls to send troops to Ukraine.", {"Ukraine": "neutral", "European allies": "neutral"}),
    ("Paris rebuffed demands to lift sanctions on Russia.", {"Russia": "negative", "European allies": "neutral"}),
    ("Washington turned down a request to send more weapons to Kyiv.", {"Ukraine": "neutral", "United States": "neutral"}),
    ("Moscow rejected calls for a ceasefire.", {"Russia": "negative"}),
    ("Moscow refused to rule out strikes on Ukraine.", {"Russia": "negative", "Ukraine": "neutral"}),
    # (b) "short" declines only before "of"
    ("Macron issued a short statement praising Ukraine.", {"Ukraine": "positive"}),
    ("Berlin fell short of backing Kyiv.", {"Ukraine": "neutral"}),
    # (c) quoted and reported speech: a side's own speaker stating a refusal; another side's speaker;
    # the agent past an of-phrase; scare quotes after "so-called"; a speaker praising their own side
    ("\u201cRussia will never accept Western ultimatums,\u201d Putin said.", {"Russia": "neutral"}),
    ("Zelensky said Ukraine would never agree to a ceasefire on Russian terms.", {"Ukraine": "neutral"}),
    ("Zelensky said Russia would never agree to a real ceasefire.", {"Russia": "negative"}),
    ("\u201cWe will never recognise the annexation of Crimea by Russia,\u201d Macron said.", {"Russia": "negative"}),
    ("Lavrov dismissed the so-called \u201cpeace plan\u201d of the Europeans.", {"European allies": "negative"}),
    ("\u201cRussia is ready for peace,\u201d Putin said.", {"Russia": "positive"}),
    # (d) noun phrases: an adjective opening one, the possessed head, a possessive agent in a
    # prepositional phrase; relative-clause subjects; recipients of giving
    ("Belligerent European leaders rushed to Washington.", {"European allies": "negative", "United States": "neutral"}),
    ("Zelensky thanked Ukraine's steadfast European partners.", {"European allies": "positive", "Ukraine": "neutral"}),
    ("The death toll from Russia's missile strike on Dnipro rose to 19.", {"Russia": "negative", "Ukraine": "neutral"}),
    ("Ukrainian officials said the Kremlin continues to strike Ukrainian cities.", {"Russia": "negative",
                                                                                     "Ukraine": "neutral"}),
    ("Kyiv said the Russian drones that hit Odesa carried foreign parts.", {"Russia": "negative", "Ukraine": "neutral"}),
    ("Macron warned Moscow that attacks on Kyiv would be met with sanctions.", {"Russia": "negative",
                                                                               "European allies": "neutral"}),
    ("Merz promised Kyiv additional military aid.", {"Ukraine": "positive", "European allies": "neutral"}),
    # the own side's refusal only in the speaker's own words; a reason after "for"; a partner after "with"
    ("The Kremlin rebuffed demands to accept a truce, with Peskov saying a pause would only help Kyiv.",
     {"Russia": "negative"}),
    ("London will not reward Moscow for stalling, the foreign secretary said.", {"Russia": "negative"}),
    ("Macron admits the coalition of the willing has no unity on troops.", {"European allies": "negative"}),
    ("Tokyo announced sanctions coordinated with Washington.", {"United States": "neutral"}),
]


@pytest.mark.parametrize("text, expected", S9_CASES, ids=[c[0][:40] for c in S9_CASES])
def test_the_session_9_constructions(text, expected):
    got = toward(text)
    assert {side: got.get(side, ("no row",))[0] for side in expected} == expected


def test_the_rule_that_decided_is_named():
    assert toward("Russia was accused of stalling the talks.")["Russia"][1].startswith("agent+passive") or \
        "passive" in toward("Russia was accused of stalling the talks.")["Russia"][1]
    assert toward("Kyiv was attacked by Russia overnight.")["Ukraine"][1] == "victim"
    assert toward("Macron met Zelensky in Paris on Thursday.")["Ukraine"][1] == "fallback"
    assert toward("Kyiv agreed to talk, but Moscow refused.")["Ukraine"][1].endswith("(subordinate clause)")


def test_the_voice_is_the_speaker_whose_words_carry_the_tone():
    assert voices("\u201cRussia is lying,\u201d Zelensky said.")["Russia"] == "Volodymyr Zelensky"
    assert voices("Zelensky said Russia was stalling the talks.")["Russia"] == "Volodymyr Zelensky"
    assert voices("Russian drones struck Kyiv overnight, Zelensky said.")["Russia"] == "Volodymyr Zelensky"
    assert voices("Russian drones struck Kyiv overnight.")["Russia"] == "narration"


def test_demonyms_metonyms_and_sources():
    got = toward("Downing Street condemned the Russian strikes, TASS reported.")
    assert got["Russia"][0] == "negative"
    assert set(got) == {"Russia", "European allies"}  # TASS is a source, not a side


def test_a_person_target_is_named_in_actor():
    rows = tone_toward(pd.DataFrame({"doc_id": ["x"], "sent_id": [1], "published": ["2025-03-27"],
                                     "text": ["Starmer said Putin was stalling."]}))
    assert rows.set_index("target").loc["Russia", "actor"] == "Vladimir Putin"


def test_titles_resolve_by_the_documents_date():
    text = "The German chancellor condemned Russia."
    early = tone_toward(pd.DataFrame({"doc_id": ["x"], "sent_id": [1], "text": [text], "published": ["2025-03-27"]}))
    assert set(early["target"]) == {"Russia", "European allies"}
    s = pd.DataFrame({"doc_id": ["x"], "sent_id": [1], "text": ["Merz said the German chancellor's plan stalled."]})
    assert tone_toward(s, dates={"x": "2026-01-06"})["target"].tolist() == ["European allies"]


def test_back_after_a_phrasal_verb_is_not_support():
    assert toward("Reliance will scale back imports of Russian crude.")["Russia"][1] == "fallback"
    assert toward("Allies back Ukraine.")["Ukraine"] == ("positive", "object")


def test_a_venue_is_not_a_side_but_a_source_of_action_is():
    assert "European allies" not in toward("Leaders met in Paris and condemned Russia.")
    assert "United States" in toward("Moscow received no explanation from Washington.")


def test_a_sentence_without_a_side_gives_no_row():
    s = pd.DataFrame({"doc_id": ["x"], "sent_id": [1], "text": ["The weather was fine."], "published": [""]})
    assert tone_toward(s).empty


def test_the_columns_and_their_values(corpus):
    rows = tone_toward(corpus)
    assert rows.columns.tolist() == ["doc_id", "sent_id", "target", "actor", "polarity", "score", "voice", "rule",
                                     "method", "evidence"]
    assert (rows["method"] == np.where(rows["rule"] == "fallback", "fallback", "rule")).all()
    assert set(rows["polarity"]) <= {"negative", "neutral", "positive"}
    assert rows["score"].between(-1, 1).all()
    assert not rows.duplicated(["doc_id", "sent_id", "target"]).any()
    fallback = rows[rows["rule"] == "fallback"]
    assert fallback["evidence"].str.startswith("no action applies; sentence lexicon tone").all()
    # every fallback row agrees with the adjusted VADER compound of its sentence
    from corpus_tools.sentiment import sentence_tone
    from corpus_tools.tokens import sentences

    tone = sentence_tone(sentences(corpus), "vader_adjusted").set_index(["doc_id", "sent_id"])["compound"]
    compound = np.array([tone[(d, s)] for d, s in zip(fallback["doc_id"], fallback["sent_id"])])
    assert np.allclose(fallback["score"], np.where(np.abs(compound) >= 0.5, compound, 0.0))
    assert (np.sign(rows["score"]) == rows["polarity"].map({"negative": -1, "neutral": 0, "positive": 1})).all()


def test_every_corpus_sentence_that_names_a_side_has_rows(corpus):
    from corpus_tools.speakers import mentions

    rows = tone_toward(corpus)
    named = mentions(corpus).merge(pd.read_csv(data_dir() / "actors.csv")[["actor", "side"]], on="actor")
    named = named[~named["actor"].isin(load_target_terms().query("side == 'none'")["term"])]
    assert set(zip(named["doc_id"], named["sent_id"], named["side"])) <= set(zip(rows["doc_id"], rows["sent_id"], rows["target"]))


def test_la_voce_russia_cell_is_not_positive(corpus):
    rows = tone_toward(corpus)
    cell = rows[rows["doc_id"].str.startswith("000") & (rows["target"] == "Russia")]
    assert cell["score"].mean() < 0
    assert (cell["polarity"] == "negative").sum() > (cell["polarity"] == "positive").sum()


def test_the_pipeline_stage_equals_the_direct_call(corpus):
    """The stage gives the learned layer by default (the better method on both held-out
    halves) and the rules alone with ``tone_toward_method="rules"``."""
    from corpus_tools.target_model import predict_tone_toward

    cache = tempfile.mkdtemp()
    first = process(corpus, ["tone_toward"], cache=cache, scheduler="serial")
    assert first.computed == {"tone_toward": 5}
    rules = tone_toward(corpus)
    from corpus_tools.tokens import sentences

    pd.testing.assert_frame_equal(first.tone_toward, predict_tone_toward(rules, sentences=sentences(corpus)))
    assert set(first.tone_toward["method"]) == {"learned"}
    assert first.tone_toward["rule"].tolist() == rules["rule"].tolist()
    assert process(corpus, ["tone_toward"], cache=cache).computed == {"tone_toward": 0}
    by_rules = process(corpus, ["tone_toward"], cache=cache, params={"tone_toward_method": "rules"})
    assert by_rules.computed == {"tone_toward": 5}
    assert by_rules.tone_toward.equals(rules)


def test_a_sentences_table_needs_its_columns():
    with pytest.raises(CorpusError, match="sent_id, text"):
        tone_toward(pd.DataFrame({"doc_id": ["x"], "sent_id": [1]}))


# ------------------------------------------------------------------ resources


@pytest.mark.parametrize("name, header, bad, message", [
    ("target_actions.csv", "cue,role,valence,justification", "support*,patient,1,why", "role 'patient'"),
    ("target_actions.csv", "cue,role,valence,justification", "support*,object,2,why", "valence '2'"),
    ("target_actions.csv", "cue,role,valence,justification", "support*,object,1,", "no justification"),
    ("target_terms.csv", "term,side,actor,kind,justification", "Russian,Kremlinia,,demonym,why", "side 'Kremlinia'"),
    ("target_markers.csv", "marker,kind,justification", "not,negation,why", "kind 'negation'"),
])
def test_a_bad_resource_row_is_named(tmp_data, name, header, bad, message):
    path = tmp_data / "lexicons" / name
    path.write_text(f"{header}\n{bad}\n", encoding="utf-8")
    loader = {"target_actions.csv": load_target_actions, "target_terms.csv": load_target_terms,
              "target_markers.csv": load_target_markers}[name]
    with pytest.raises(CorpusError, match=f"{name} line 2.*{message}"):
        loader(tmp_data)


def test_editing_a_resource_changes_only_the_stage_that_reads_it(tmp_data):
    from corpus_tools.pipeline import stage_versions

    before = stage_versions(data_dir=tmp_data)
    path = tmp_data / "lexicons" / "target_actions.csv"
    path.write_text(path.read_text(encoding="utf-8") + 'snub*,object,-1,"Snubbing X."\n', encoding="utf-8")
    after = stage_versions(data_dir=tmp_data)
    assert {k for k in before if before[k] != after[k]} == {"tone_toward"}
    # the learned layer's training labels key the stage too
    path = tmp_data / "annotations" / "target_tone_train_a.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",positive,", ",neutral,", 1), encoding="utf-8")
    again = stage_versions(data_dir=tmp_data)
    assert {k for k in after if after[k] != again[k]} == {"tone_toward"}


# ------------------------------------------------------------------ validation helpers


def test_bootstrap_is_seeded_and_brackets_the_estimate():
    rng = np.random.default_rng(0)
    gold = rng.choice(["negative", "neutral", "positive"], 60)
    pred = np.where(rng.random(60) < 0.7, gold, "neutral")
    p = pd.DataFrame({"doc_id": "d", "sent_id": range(60), "gold": gold, "ours": pred})
    a, b = bootstrap_scores(p, "ours", n_boot=300), bootstrap_scores(p, "ours", n_boot=300)
    assert a == b
    assert a["macro_f1"] == pytest.approx(macro_f1(gold, pred))
    assert a["macro_f1_low"] < a["macro_f1"] < a["macro_f1_high"]
    gain = bootstrap_gain(p.assign(base="neutral"), "ours", "base", n_boot=300)
    assert gain["gain"] == pytest.approx(macro_f1(gold, pred) - macro_f1(gold, ["neutral"] * 60))


def test_two_sides_of_one_sentence_are_resampled_together():
    p = pd.DataFrame({"doc_id": "d", "sent_id": [1, 1, 2, 2], "gold": ["negative"] * 4,
                      "ours": ["negative", "negative", "neutral", "neutral"]})
    r = bootstrap_scores(p, "ours", n_boot=500)
    assert {r["accuracy_low"], r["accuracy_high"]} == {0.0, 1.0}  # only 0, 0.5 or 1 can occur


def test_summary_mean_and_interval_by_hand():
    rows = pd.DataFrame({"doc_id": "a", "target": "Russia", "score": [-1.0, -1.0, -1.0, 1.0],
                         "polarity": ["negative", "negative", "negative", "positive"]})
    s = summarise_tone_toward(rows, n_boot=500).iloc[0]
    assert (s["n"], s["mean_score"], s["share_negative"], s["share_positive"]) == (4, -0.5, 0.75, 0.25)
    assert -1.0 <= s["ci_low"] < -0.5 < s["ci_high"] <= 1.0


def test_evidence_lists_the_sentences_behind_a_cell(corpus):
    from corpus_tools.tokens import sentences

    rows = tone_toward(corpus)
    ev = tone_toward_evidence(rows, sentences(corpus), corpus=corpus, by="outlet")
    assert len(ev) == len(rows)
    assert ev["text"].notna().all()


def test_summary_draws_big_cells_in_chunks_with_the_same_numbers(monkeypatch):
    import corpus_tools.target_tone as tt

    rng = np.random.default_rng(5)
    rows = pd.DataFrame({"doc_id": rng.choice(["a", "b", "c"], 700), "target": rng.choice(["Russia", "Ukraine"], 700),
                         "score": rng.uniform(-1, 1, 700).round(3),
                         "polarity": rng.choice(["negative", "neutral", "positive"], 700)})
    whole = summarise_tone_toward(rows, n_boot=301)
    monkeypatch.setattr(tt, "_BOOT_CELLS", 1000)  # a cell of about 120 rows: 8 resamples at a time, the last chunk short
    pd.testing.assert_frame_equal(summarise_tone_toward(rows, n_boot=301), whole, check_exact=True)
    monkeypatch.setattr(tt, "_BOOT_CELLS", 1)  # one resample at a time
    pd.testing.assert_frame_equal(summarise_tone_toward(rows, n_boot=301), whole, check_exact=True)


def test_evidence_per_cell_keeps_the_most_negative_and_most_positive_rows(corpus):
    from corpus_tools.tokens import sentences

    rows, sents = tone_toward(corpus), sentences(corpus)
    full = tone_toward_evidence(rows, sents, corpus=corpus, by="outlet")
    sizes = full.groupby(["outlet", "target"]).size()
    assert sizes.max() > 4  # some cell exceeds 2 K below, so the bound is exercised
    bounded = tone_toward_evidence(rows, sents, corpus=corpus, by="outlet", per_cell=2)
    assert bounded.columns.tolist() == full.columns.tolist()
    for (outlet, target), cell in full.groupby(["outlet", "target"], sort=False):
        kept = bounded[(bounded["outlet"] == outlet) & (bounded["target"] == target)]
        expected = cell if len(cell) <= 4 else pd.concat([cell.head(2), cell.tail(2)])
        pd.testing.assert_frame_equal(kept.reset_index(drop=True), expected.reset_index(drop=True))
    assert len(bounded) == sizes.clip(upper=4).sum()
    # the cells' order is the full table's; a bound at least half the largest cell keeps every row
    whole = tone_toward_evidence(rows, sents, corpus=corpus, by="outlet", per_cell=int(sizes.max() + 1) // 2)
    pd.testing.assert_frame_equal(whole, full)
    by_doc = tone_toward_evidence(rows, sents, per_cell=1)
    assert (by_doc.groupby(["doc_id", "target"]).size() <= 2).all()
    with pytest.raises(CorpusError, match="per_cell must be at least 1"):
        tone_toward_evidence(rows, sents, per_cell=0)


def test_confusion_by_side_counts_every_row():
    p = pd.DataFrame({"target": ["Russia", "Ukraine", "Russia"], "gold": ["negative", "neutral", "negative"],
                      "tone_toward": ["negative", "positive", "neutral"]})
    c = tone_toward_confusion(p, methods=["tone_toward"])
    assert c["n"].sum() == 3
    assert c.query("target == 'Ukraine' and gold == 'neutral' and predicted == 'positive'")["n"].item() == 1


# ------------------------------------------------------------------ the bar, on the hand labels

GOLD_PRESENT = all((data_dir() / "annotations" / name).is_file() for name, _ in GOLD_SETS.values())


@pytest.fixture(scope="module")
def validation() -> pd.DataFrame:
    return tone_toward_validation(splits=("test", "all"), n_boot=500)


def _row(validation: pd.DataFrame, gold_set: str, split: str) -> tuple[float, float]:
    table = validation[(validation["gold_set"] == gold_set) & (validation["split"] == split)].set_index("method")
    return table.loc["tone_toward", "macro_f1"], table.loc["sentence", "macro_f1"]


@pytest.mark.skipif(not GOLD_PRESENT, reason="the tone-toward gold files are not in data/annotations yet")
@pytest.mark.xfail(strict=True, reason="bar of issue 11 not reached by the rules alone: test-half macro-F1 0.571 "
                                       "(articles) and 0.542 (written), 0.636 on the whole written set; gains over "
                                       "the sentence label +0.116, +0.188 and +0.234 (session 9 rules; session 8: "
                                       "0.558, 0.551, 0.640; the learned layer's figures: tests/test_target_model.py)")
@pytest.mark.parametrize("gold_set, split", [("articles", "test"), ("written", "all"), ("written", "test")])
def test_the_bar_against_the_hand_labels(validation, gold_set, split):
    ours, baseline = _row(validation, gold_set, split)
    assert ours >= 0.75
    assert ours - baseline >= 0.15


@pytest.mark.skipif(not GOLD_PRESENT, reason="the tone-toward gold files are not in data/annotations yet")
@pytest.mark.parametrize("gold_set, split", [
    # session 7: with the 221 cues of general classes the articles' test half fell to +0.098 (a strict
    # xfail); session 8 removed them (grouped CV +0.0095 on the fixed rules, below 0.01) and the rules
    # gave 0.558 against 0.454, +0.104 (paired 95% interval -0.021 to 0.220, n = 119): passing again;
    # session 9's rules give 0.571, +0.116 (-0.008 to 0.234)
    ("articles", "test"),
    ("written", "test"), ("written", "all")])
def test_tone_toward_beats_the_mentioning_sentence_label(validation, gold_set, split):
    """The floor that holds today: on every held-out half, at least 0.10 macro-F1 above the
    sentence label that notebook 02 used to show for each side, and above raw VADER."""
    ours, baseline = _row(validation, gold_set, split)
    table = validation[(validation["gold_set"] == gold_set) & (validation["split"] == split)].set_index("method")
    assert ours - baseline >= 0.10
    assert ours > table.loc["vader", "macro_f1"] + 0.10


@pytest.mark.skipif(not GOLD_PRESENT, reason="the tone-toward gold files are not in data/annotations yet")
def test_the_gold_files_load_and_cover_every_article_sentence():
    from corpus_tools.sentiment import load_sentiment_gold

    articles = load_target_gold("articles")
    assert set(zip(articles["doc_id"], articles["sent_no"])) <= set(zip(*load_sentiment_gold()[["doc_id", "sent_no"]].T.values))
    assert (articles["split"] == np.where(articles["sent_no"] % 2, "tune", "test")).all()
    written = load_target_gold("written")
    assert written["item_no"].nunique() >= 120
    assert (written["split"] == np.where(written["item_no"] % 2, "tune", "test")).all()
    preds = evaluate_tone_toward(articles, "articles")
    assert len(preds) == len(articles)


def test_coded_bootstrap_scores_equal_the_label_scores_exactly():
    """The bootstrap scores each resample from integer codes; the numbers must be those of
    ``_scores`` on the labels, to the last bit (the committed intervals depend on it)."""
    from corpus_tools.target_tone import _Coded, _scores

    rng = np.random.default_rng(5)
    labels = np.array(["negative", "neutral", "positive", "side not found"], dtype=object)
    for trial in range(3000):
        n = int(rng.integers(0, 40))
        gold = labels[rng.integers(0, 3, n)]
        pred = labels[rng.integers(0, 4 if trial % 2 else 2, n)]  # a label never predicted, or an extra one
        coded = _Coded(gold, pred)
        got, expected = coded.scores(*coded.codes), _scores(gold, pred)
        assert got == expected or (n == 0 and np.isnan(got).all() and np.isnan(expected).all())


# ------------------------------------------------------------------ session-8 probes (tune half only)

# Rows the rules get right on data/annotations/target_tone_probes_tune.csv, by the construction
# tag that opens each row's note ("(1) adj: ..."), measured 2026-12-04 on the session-8 rules
# (never tuned on the probes: they arrived after the rule fixes). A floor: a change that loses a
# construction's rows must say why. The test half is scored once and never here.
# session 9: the request, "short of", own-side, attributive, possessive-head, relative-subject and
# recipient constructions raised adj 11 -> 14, declining 3 -> 5, negation 7 -> 9, quote 3 -> 5, victim 15 -> 16
# (rules macro-F1 on this file 0.662 -> 0.784; the file was read while they were written)
PROBE_TUNE_CORRECT = {"adj": (14, 17), "aim": (9, 12), "although": (2, 3), "amid": (3, 3), "but": (2, 2),
                      "control": (7, 9), "declining": (5, 7), "negation": (9, 12), "quote": (5, 8),
                      "venue": (1, 1), "victim": (16, 18), "while": (3, 3)}


def test_the_rules_hold_the_tune_probes_constructions():
    path = data_dir() / "annotations" / "target_tone_probes_tune.csv"
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "annotations").mkdir()
        (Path(tmp) / "annotations" / "target_tone_written.csv").write_bytes(path.read_bytes())
        gold = load_target_gold("written", tmp)
    table = evaluate_tone_toward(gold, "written")
    assert len(table) == len(gold) == 95
    tag = gold["notes"].str.extract(r"^\(\d+\) ?(\w+)")[0].to_numpy()
    ok = (table["gold"] == table["tone_toward"]).to_numpy()
    got = {t: (int(ok[tag == t].sum()), int((tag == t).sum())) for t in sorted(set(tag))}
    assert {t: n for t, (_, n) in got.items()} == {t: n for t, (_, n) in PROBE_TUNE_CORRECT.items()}
    assert all(got[t][0] >= PROBE_TUNE_CORRECT[t][0] for t in got), got
    assert macro_f1(table["gold"], table["tone_toward"]) == pytest.approx(0.784, abs=0.005)


# Session 9: fresh probes (target_tone_probes2_tune.csv, written by an annotator session that never saw
# the code; target_tone_written_README.md). Read while the session-9 constructions were written; on
# main 91de7ce the rules scored 0.530 here (decline 8 of 12 right, negation 4 of 10, quote 3 of 9).
PROBE2_TUNE_CORRECT = {"adj": (0, 7), "conditional": (4, 5), "contrast": (4, 6), "decline": (11, 12),
                       "negation": (5, 10), "passive": (4, 6), "quote": (4, 9)}


def test_the_rules_hold_the_fresh_tune_probes():
    path = data_dir() / "annotations" / "target_tone_probes2_tune.csv"
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "annotations").mkdir()
        (Path(tmp) / "annotations" / "target_tone_written.csv").write_bytes(path.read_bytes())
        gold = load_target_gold("written", tmp)
    table = evaluate_tone_toward(gold, "written")
    assert len(table) == len(gold) == 135
    tag = gold["notes"].str.extract(r"^\(\d+\) ?(\w+)")[0].to_numpy()
    ok = (table["gold"] == table["tone_toward"]).to_numpy()
    got = {t: (int(ok[tag == t].sum()), int((tag == t).sum())) for t in PROBE2_TUNE_CORRECT}
    assert {t: n for t, (_, n) in got.items()} == {t: n for t, (_, n) in PROBE2_TUNE_CORRECT.items()}
    assert all(got[t][0] >= PROBE2_TUNE_CORRECT[t][0] for t in got), got
    assert macro_f1(table["gold"], table["tone_toward"]) == pytest.approx(0.567, abs=0.005)


def test_the_word_sets_memoised_membership_equals_plain_membership():
    """``words.member(w)`` (a per-word memo for the sets with prefixes) answers as ``w in words``
    for every marker set of the rules, on the corpus's words, the markers themselves, near
    misses of the prefixes and placeholders; and the memo stops growing at its cap."""
    import dataclasses

    from corpus_tools import load_corpus, target_tone
    from corpus_tools.target_tone import _WordSet, build_rules

    rules = build_rules()
    sets = {f.name: getattr(rules, f.name) for f in dataclasses.fields(rules)
            if isinstance(getattr(rules, f.name), _WordSet)}
    assert any(s.prefixes for s in sets.values()) and any(not s.prefixes for s in sets.values())
    text = " ".join(load_corpus()["text"])
    words = set(text.lower().split()) | set(text.split())
    for s in sets.values():
        words |= set(s) | {p for p in s.prefixes} | {p[:-1] for p in s.prefixes if p} | {p + "ed" for p in s.prefixes}
    words |= {"", "<T>", "<O>", "\x00", "short", "Not", "NOT", "refused", "refusal", "lifting", "turned"}
    for name, s in sets.items():
        for w in sorted(words):
            assert s.member(w) == (w in s), (name, w)
            assert s.member(w) == (w in s), (name, w)  # a remembered answer too
    capped = _WordSet.of(["x*"])
    limit, target_tone.MEMBERSHIP_MEMO_LIMIT = target_tone.MEMBERSHIP_MEMO_LIMIT, 3
    try:
        assert [capped.member(w) for w in ("xa", "b", "xc", "d", "xe", "f")] == [True, False, True, False, True, False]
        assert len(capped.member.__self__) == 3
    finally:
        target_tone.MEMBERSHIP_MEMO_LIMIT = limit


def test_the_mean_of_a_sides_hits_equals_numpys_to_the_bit():
    """:func:`_mean` (the score of a side's chosen hits, without an array) gives ``np.mean`` to the
    bit, signed zeros included, on random lists of one to twelve values of mixed magnitudes."""
    import math
    import random

    from corpus_tools.target_tone import _mean

    rng = random.Random(14)
    pool = [0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -2.0, 0.1, -0.3, 1e16, -1e16, 1e-8]
    for _ in range(20000):
        values = [rng.choice(pool) if rng.random() < 0.5 else rng.uniform(-1e3, 1e3) * 10 ** rng.randint(-8, 8)
                  for _ in range(rng.randint(1, 12))]
        got, want = _mean(values), float(np.mean(values))
        assert got == want and math.copysign(1.0, got) == math.copysign(1.0, want), values
