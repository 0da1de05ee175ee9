"""Tests of corpus_tools.quotes: spans, attribution on invented paragraphs, the gold evaluation."""
from __future__ import annotations

import pandas as pd
import pytest

from corpus_tools.quotes import (candidate_speakers, evaluate_quotes, indirect_speech, load_gold_quotes, match_quotes,
                                 quote_spans, quotes, same_speaker, share_of_voice)


def _docs(**texts: str) -> pd.DataFrame:
    return pd.DataFrame({"doc_id": list(texts), "published": pd.Timestamp("2025-03-27"), "meeting_id": "",
                         "text": list(texts.values())})


def _one(text: str) -> list[tuple]:
    q = quotes(_docs(d=text))
    return list(q[["text", "speaker", "actor", "how_attributed", "kind"]].itertuples(index=False, name=None))


# --- invented paragraphs with unknown names, one per layout ---------------------------------

def test_split_quote_around_attribution():
    assert _one("“We are ready to talk,” said Marta Kowalczyk, the mayor of Gdansk. “But not at any price.”") == [
        ("We are ready to talk,", "Marta Kowalczyk", "", "verb-after", "speech"),
        ("But not at any price.", "Marta Kowalczyk", "", "continuation", "speech")]


def test_colon_introduced_quote():
    assert _one("Tomas Lindqvist, the defence chief, was blunt: “The Baltic is not a lake for anyone.”") == [
        ("The Baltic is not a lake for anyone.", "Tomas Lindqvist", "", "colon", "speech")]


def test_according_to():
    assert _one("The talks collapsed “within minutes,” according to Elena Petrova, a negotiator.") == [
        ("within minutes,", "Elena Petrova", "", "according-to", "speech")]


def test_pronoun_after_a_named_sentence():
    rows = _one("Amara Okafor arrived late in Lagos.\n\n“We lost a day,” she said. “Nobody is to blame.”")
    assert rows == [("We lost a day,", "Amara Okafor", "", "pronoun", "speech"),
                    ("Nobody is to blame.", "Amara Okafor", "", "continuation", "speech")]


def test_pronoun_respects_gender_of_known_actors():
    rows = _one("Maria Zakharova answered Keir Starmer. “This is a provocation,” she said.")
    assert rows == [("This is a provocation,", "Maria Zakharova", "Maria Zakharova", "pronoun", "speech")]


def test_missing_opening_mark_at_paragraph_start():
    rows = _one("Farid Haddad spoke to reporters.\n\nwe will not sign this text,” he said.")
    assert rows == [("we will not sign this text,", "Farid Haddad", "", "pronoun", "speech")]


def test_verb_before_with_relative_clause_and_straight_quotes():
    rows = _one('Juan Pérez, who chairs the panel, warned that the plan was "dead on arrival" and "a waste of time."')
    assert [r[1] for r in rows] == ["Juan Pérez", "Juan Pérez"]
    assert {r[3] for r in rows} == {"verb-before"}


def test_unnamed_sources_are_their_own_category():
    q = quotes(_docs(d="“This is a red line,” a senior European diplomat said. "
                       "However, sources from Kyiv said, “the rules keep changing.”"))
    assert q["speaker"].tolist() == ["a senior European diplomat", "sources from Kyiv"]
    assert q["speaker_type"].tolist() == ["unnamed", "unnamed"]
    assert q["actor"].tolist() == ["", ""]


def test_known_actor_gets_canonical_name_and_title_resolves():
    q = quotes(_docs(d="“We need a response,” declared the Ukrainian president. “Now,” Jovka warned."))
    assert q["actor"].tolist() == ["Volodymyr Zelensky", "Ihor Zhovkva"]
    assert q["how_attributed"].tolist() == ["title", "verb-after"]


@pytest.mark.parametrize("text", [
    "The minister said “we will never accept the",  # truncated: opening mark never closed
    "” “ \" ' ’ “” \"\" odd marks “ here",
    "“", "”", "\"", "", "No quotes at all.", "'tis the season, 'Progress",
])
def test_odd_marks_never_raise(text):
    q = quotes(_docs(d=text))
    assert set(q["kind"]) <= {"speech", "scare", "heading"}


def test_truncated_quote_runs_to_paragraph_end():
    assert _one("The minister said “we will never accept the") == [
        ("we will never accept the", "the minister", "", "verb-before", "speech")]


def test_scare_quotes_are_not_speech():
    q = quotes(_docs(d="Leaders discussed the so-called “peace dividend” and a “buffer zone” plan. "
                       "Rosa Lind said the “coalition of the willing” would meet."))
    assert q["kind"].tolist() == ["scare", "scare", "scare"]
    assert q["speaker"].tolist() == ["", "", ""]


def test_term_used_unquoted_elsewhere_is_scare():
    q = quotes(_docs(d="Ana Gil said a “buffer zone” was needed. The buffer zone would be wide."))
    assert q["kind"].tolist() == ["scare"]


def test_quote_spans_offsets():
    text = 'A said: “Yes,” and "no". It\'s \'fine\'.'
    assert [text[s["start"]:s["end"]] for s in quote_spans(text)] == ["Yes,", "no", "fine"]


def test_indirect_speech_and_candidates():
    docs = _docs(d="Kenji Watanabe said that the deal was dead. Watanabe added: “Totally dead.”")
    q, i = quotes(docs), indirect_speech(docs)
    assert i[["speaker", "verb", "text"]].values.tolist() == [["Kenji Watanabe", "said", "the deal was dead."]]
    assert q["speaker"].tolist() == ["Kenji Watanabe"]
    assert candidate_speakers(q, i).values.tolist() == [["Kenji Watanabe", "d", 1, 1]]


def test_share_of_voice_by_hand():
    q = pd.DataFrame({"doc_id": ["a", "a", "a", "b"], "speaker": ["X", "Y", "X", "Y"], "actor": ["X", "Y", "X", "Y"],
                      "kind": ["speech", "speech", "speech", "scare"], "n_words": [3, 5, 2, 9]})
    s = share_of_voice(q, by=["doc_id"])
    assert s[["doc_id", "speaker", "n_quotes", "n_words", "share"]].values.tolist() == [
        ["a", "X", 2, 5, 0.5], ["a", "Y", 1, 5, 0.5]]


def test_matching_rule():
    p = pd.DataFrame({"doc_id": ["d", "d"], "text": ["“We must act,", "something else entirely"]})
    g = pd.DataFrame({"doc_id": ["d", "d"], "text": ["We must act", "another quote"]})
    assert match_quotes(p, g)[["pred_index", "gold_index"]].values.tolist() == [[0, 0]]
    assert same_speaker("a French Foreign Ministry spokesperson", "a French Foreign Ministry spokesperson")
    assert not same_speaker("Jared Kushner", "Steve Witkoff")


def test_evaluation_by_hand():
    p = pd.DataFrame({"doc_id": ["d"] * 3, "text": ["one two three", "four five", "term"], "kind": ["speech"] * 3,
                      "speaker": ["A B", "C D", "E F"], "actor": ["", "", ""]})
    g = pd.DataFrame({"doc_id": ["d"] * 4, "text": ["one two three", "four five", "term", "missed"],
                      "kind": ["speech", "speech", "scare", "speech"], "speaker": ["A B", "X Y", "", "Z"]})
    ev = evaluate_quotes(p, g).set_index("measure")
    assert ev.loc["extraction", ["tp", "precision", "recall"]].tolist() == [2, round(2 / 3, 4), round(2 / 3, 4)]
    assert ev.loc["attribution", ["tp", "precision", "recall", "f1"]].tolist() == [1, round(1 / 3, 4), round(1 / 3, 4), round(1 / 3, 4)]
    assert ev.loc["scare_as_speech", "tp"] == 1


# --- the corpus against the hand-made gold ----------------------------------------------------

@pytest.fixture(scope="module")
def corpus_quotes(corpus):
    return quotes(corpus)


def test_corpus_attribution_meets_the_bar(corpus_quotes):
    ev = evaluate_quotes(corpus_quotes, load_gold_quotes(boilerplate=True)).set_index("measure")
    assert ev.loc["attribution", "f1"] >= 0.9
    assert ev.loc["extraction", "f1"] >= 0.95
    assert ev.loc["scare_as_speech", "tp"] == 0


def test_no_gold_scare_quote_counted_as_speech(corpus_quotes):
    gold = load_gold_quotes(boilerplate=True)
    m = match_quotes(corpus_quotes, gold)
    kinds = pd.DataFrame({"pred": corpus_quotes.loc[m["pred_index"], "kind"].values, "gold": gold.loc[m["gold_index"], "kind"].values})
    assert not ((kinds["pred"] == "speech") & (kinds["gold"] != "speech")).any()
    assert set(kinds.loc[kinds["gold"] == "heading", "pred"]) == {"heading"}


@pytest.mark.parametrize("doc, fragment, speaker, how", [
    ("003_2b7f16d37a3bbf4f", "We will finalize our efforts", "Emmanuel Macron", "pronoun"),  # missing opening mark
    ("002_fbf5865268e026ae", "We do not need missions", "Ihor Zhovkva", "verb-after"),  # "Igor Jovka"
    ("002_fbf5865268e026ae", "These parallel talks", "Emmanuel Macron", "title"),  # "The French head of state ...:"
    ("004_a8e185546eefeca8", "so that the people of Ukraine", "Steve Witkoff", "pronoun"),  # not Kushner
    ("004_a8e185546eefeca8", "We will certainly have to make compromises", "Friedrich Merz", "pronoun"),
    ("000_35e0b38e5505f0f8", "There have only been new conditions", "Emmanuel Macron", "continuation"),
])
def test_corpus_hard_cases(corpus_quotes, doc, fragment, speaker, how):
    row = corpus_quotes[(corpus_quotes["doc_id"] == doc) & corpus_quotes["text"].str.startswith(fragment)]
    assert row[["actor", "how_attributed"]].values.tolist() == [[speaker, how]]
