"""Tests of corpus_tools.quotes: spans, attribution on invented paragraphs, the gold evaluation."""
from __future__ import annotations

import pandas as pd
import pytest

from corpus_tools.errors import CorpusError
from corpus_tools.quotes import (candidate_speakers, evaluate_by_sentence, evaluate_quotes, evaluate_style_suite, indirect_speech,
                                 load_gold_quotes,
                                 load_style_suite, match_quotes, quote_spans, quotes, same_speaker, share_of_voice,
                                 unresolved_references)


def _docs(**texts: str) -> pd.DataFrame:
    return pd.DataFrame({"doc_id": list(texts), "published": pd.Timestamp("2025-03-27"), "meeting_id": "",
                         "text": list(texts.values())})


def _one(text: str) -> list[tuple]:
    q = quotes(_docs(d=text))
    return list(q[["text", "speaker", "actor", "how_attributed", "kind"]].itertuples(index=False, name=None))


# --- invented paragraphs with unknown names, one per layout ---------------------------------

def test_split_quote_around_attribution():
    assert _one("“We are ready to talk,” said Marta Kowalczyk, the mayor of Gdansk. “But not at any price.”") == [
        ("We are ready to talk,", "Marta Kowalczyk", "Marta Kowalczyk", "verb-after", "speech"),
        ("But not at any price.", "Marta Kowalczyk", "Marta Kowalczyk", "continuation", "speech")]


def test_colon_introduced_quote():
    assert _one("Tomas Lindqvist, the defence chief, was blunt: “The Baltic is not a lake for anyone.”") == [
        ("The Baltic is not a lake for anyone.", "Tomas Lindqvist", "Tomas Lindqvist", "colon", "speech")]


def test_according_to():
    assert _one("The talks collapsed “within minutes,” according to Elena Petrova, a negotiator.") == [
        ("within minutes,", "Elena Petrova", "Elena Petrova", "according-to", "speech")]


def test_pronoun_after_a_named_sentence():
    rows = _one("Amara Okafor arrived late in Lagos.\n\n“We lost a day,” she said. “Nobody is to blame.”")
    assert rows == [("We lost a day,", "Amara Okafor", "Amara Okafor", "pronoun", "speech"),
                    ("Nobody is to blame.", "Amara Okafor", "Amara Okafor", "continuation", "speech")]


def test_pronoun_respects_gender_of_known_actors():
    rows = _one("Maria Zakharova answered Keir Starmer. “This is a provocation,” she said.")
    assert rows == [("This is a provocation,", "Maria Zakharova", "Maria Zakharova", "pronoun", "speech")]


def test_missing_opening_mark_at_paragraph_start():
    rows = _one("Farid Haddad spoke to reporters.\n\nwe will not sign this text,” he said.")
    assert rows == [("we will not sign this text,", "Farid Haddad", "Farid Haddad", "pronoun", "speech")]


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


# --- issue 12: the seven kinds of attribution, on invented text in several house styles -----

def _rows(text: str, when: str = "2025-03-27", columns=("text", "speaker", "actor", "speaker_type", "how_attributed")) -> list[tuple]:
    q = quotes(pd.DataFrame({"doc_id": ["d"], "published": [pd.Timestamp(when)], "meeting_id": [""], "text": [text]}))
    return list(q[list(columns)].itertuples(index=False, name=None))


def _speakers(text: str, when: str = "2025-03-27") -> list[str]:
    return [r[1] for r in _rows(text, when, ("text", "actor"))]


@pytest.mark.parametrize("text, expected", [
    # British broadsheet: given name after Sir, "the PM", "the prime minister"
    ("Sir Keir said: “We will not waver.” The PM told MPs the plan was “a real step forward”.\n\n"
     "“We are ready,” the prime minister added.", ["Keir Starmer"] * 3),
    # US newspaper: Mr. with a full stop
    ("“Europe has to carry more of the load,” Mr. Macron said.", ["Emmanuel Macron"]),
    # Indian English: PM before the surname, "said PM Starmer"
    ("“We will establish military hubs,” said PM Starmer while addressing a press conference.", ["Keir Starmer"]),
    # German translated copy: Herr
    ("Herr Merz betonte: “Without America there are no reliable guarantees.”", ["Friedrich Merz"]),
])
def test_honorifics_resolve_to_the_person(text, expected):
    assert _speakers(text, "2026-01-06") == expected


def test_document_introduces_a_person_with_a_title_and_a_particle_name():
    text = ("“This is a turning point,” said Belgian Prime Minister Jan De Smet.\n\n"
            "Later the Belgian leader added: “We will contribute.”\n\n“Nothing is decided,” De Smet said. "
            "“Not today,” Mr De Smet said.")
    rows = _rows(text)
    assert {(r[1], r[2], r[3]) for r in rows} == {("Jan De Smet", "Jan De Smet", "person")}
    assert [r[4] for r in rows] == ["verb-after", "title", "verb-after", "verb-after"]


def test_country_possessive_and_of_phrase_introductions():
    text = ("Poland's prime minister, Marek Nowicki, arrived first. Prime Minister Kristi Tamm of Estonia came later.\n\n"
            "“We need more,” the Polish prime minister emphasised. “We are ready,” the Estonian prime minister said. "
            "Nowicki added: “Now.”")
    assert _speakers(text) == ["Marek Nowicki", "Kristi Tamm", "Marek Nowicki"]


@pytest.mark.parametrize("text, speaker", [
    ("“We stand with Ukraine,” the U.K. leader said.", "Keir Starmer"),
    ("The French head of state said: “Peace must be just.”", "Emmanuel Macron"),
    ("The Kremlin chief said: “No foreign troops.”", "Vladimir Putin"),
    ("“We are ready,” the Ukrainian leader told reporters.", "Volodymyr Zelensky"),
])
def test_country_adjective_titles_use_the_gazetteer_by_date(text, speaker):
    assert _speakers(text) == [speaker]


@pytest.mark.parametrize("text, speaker, how", [
    ("Starmer spoke to both leaders, describing the talks as “a real step forward for peace”.", "Keir Starmer", "verb-before"),
    ("Zelenskiy called the document “a concrete signal of support” but cautioned against haste.", "Volodymyr Zelensky", "verb-before"),
    ("Quote from Macron: “We will never accept a capitulation of Ukraine.”", "Emmanuel Macron", "label"),
    ("“Talks will continue next week in Paris as planned,” the statement read.\nSource: the Élysée", "presidency of France", "label"),
    ("Zelensky met the envoys. According to him, “the meeting was very productive and honest.”", "Volodymyr Zelensky", "pronoun"),
    ("In the words of Ana Gil, “the talks were a waste of everyone's time.”", "Ana Gil", "label"),
    ("„Germany will take responsibility, politically and militarily“, so Merz.", "Friedrich Merz", "label"),
])
def test_speaker_in_a_participle_or_label(text, speaker, how):
    rows = _rows(text, "2026-01-06")
    assert [(r[2], r[4]) for r in rows] == [(speaker, how)]


def test_speaker_named_in_the_sentence_before():
    text = ("“We will keep going,” Macron said.\n\nStarmer echoed the call for a ceasefire.\n\n"
            "“We must seize this moment and not let it slip away.”")
    assert [(r[2], r[4]) for r in _rows(text)] == [("Emmanuel Macron", "verb-after"), ("Keir Starmer", "sentence-before")]


def test_quotation_over_several_paragraphs_takes_the_speaker_named_at_its_end():
    text = ("“We came to Paris to work, not to talk about working.\n\n“We will not leave before the work is done.\n\n"
            "“And we will stay until it is,” Ana Gil said.")
    rows = _rows(text)
    assert [r[1] for r in rows] == ["Ana Gil"] * 3
    assert [r[4] for r in rows] == ["multi-paragraph", "multi-paragraph", "verb-after"]


@pytest.mark.parametrize("text, speakers", [
    ("Starmer told Zelensky: “We are with you for as long as it takes.”", ["Keir Starmer"]),
    ("Zelensky spoke in Kyiv. “We will not be intimidated,” he said, describing Putin as “a man who only understands force”.",
     ["Volodymyr Zelensky", "Volodymyr Zelensky"]),
    ("Zelensky said he had discussed the prisoners with Fidan. The Turkish diplomat, he said, had been “a reliable partner”.",
     ["Volodymyr Zelensky"]),
    ("Witkoff said Trump felt that “this carnage has to stop”.", ["Steve Witkoff"]),
])
def test_two_people_in_one_sentence(text, speakers):
    assert _speakers(text) == speakers


@pytest.mark.parametrize("text, speaker", [
    ("“No decision has been taken,” the Élysée said in a statement.", "presidency of France"),
    ("Downing Street said the talks were “constructive and frank”.", "government of United Kingdom"),
    ("“We will respond,” No 10 said.", "government of United Kingdom"),
    ("The Kremlin said: “This is unacceptable.”", "presidency of Russia"),
    ("The office of the Italian prime minister said: “Italy will not send troops.”", "government of Italy"),
    ("The Ukrainian Foreign Ministry said: “We welcome this step.”", "foreign ministry of Ukraine"),
    ("Ukraine's foreign ministry said it was “a good day for diplomacy”.", "foreign ministry of Ukraine"),
    ("Russia has repeatedly said it would treat foreign troops as “legitimate targets for our forces”.", "government of Russia"),
    ("The Russian side said the proposals were “unacceptable for Moscow”.", "government of Russia"),
    ("A statement from Downing Street said the call was “warm and constructive”.", "government of United Kingdom"),
    ("The allies agreed on “a robust package of guarantees”, according to a statement from the Élysée.", "presidency of France"),
])
def test_institutions_speak_as_groups(text, speaker):
    rows = _rows(text)
    assert [(r[2], r[3]) for r in rows] == [(speaker, "group")]


def test_a_spokesman_of_an_institution_is_an_unnamed_source():
    rows = _rows("A No 10 spokesman hit back: “Nobody is being sent anywhere without a vote.”")
    assert [(r[1], r[3]) for r in rows] == [("a No 10 spokesman", "unnamed")]


@pytest.mark.parametrize("term", ["coalition of willing", "Coalition of the Willing", "reassurance forces",
                                  "boots-on-the-ground", "the multinational force", "security guarantee"])
def test_domain_terms_in_marks_are_scare_quotes_with_variants(term):
    q = quotes(_docs(d=f"Macron said the “{term}” question remained open after the summit."))
    assert q["kind"].tolist() == ["scare"]


def test_stance_comes_from_the_reporting_verb():
    text = ("“We will not retreat,” Macron insisted. “The force is ready,” Zakharova claimed. "
            "“We made mistakes,” Starmer admitted. “Talks resume on Monday,” Merz said.")
    q = quotes(_docs(d=text))
    assert q["stance"].tolist() == ["assertive", "doubting", "conceding", "neutral"]


def test_load_stances_rejects_an_unknown_stance(tmp_path):
    from corpus_tools.quotes import load_stances
    (tmp_path / "speech_cues.csv").write_text("cue,kind,stance,note\nsaid,reporting_verb,neutral,\nsnapped,reporting_verb,grumpy,\n",
                                              encoding="utf-8")
    with pytest.raises(CorpusError, match="line 3: stance 'grumpy'"):
        load_stances(tmp_path)


def test_institution_table_rejects_a_noun_without_country(tmp_path):
    from corpus_tools.speakers import load_institutions
    (tmp_path / "institutions.csv").write_text(
        "variant,institution,kind,country,side,note\nforeign ministry,the ministry,noun,,,\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="line 2: a noun row needs"):
        load_institutions(tmp_path)


def test_sentence_units_count_a_split_quote_once():
    corpus = pd.DataFrame({"doc_id": ["d"], "text": ["“A b,” X said, “c d.” “E f,” Y said. “G h,” Z said."]})
    pred = pd.DataFrame({"doc_id": ["d"] * 4, "sent_id": [1, 1, 2, 3], "text": ["A b,", "c d.", "E f,", "G h,"],
                         "kind": ["speech"] * 4, "speaker": ["X", "X", "X", "Z"], "actor": [""] * 4})
    gold = pd.DataFrame({"doc_id": ["d"] * 4, "text": ["A b,", "c d.", "E f,", "G h,"], "kind": ["speech"] * 4,
                         "speaker": ["X", "X", "Y", "Z"]})
    ev = evaluate_by_sentence(pred, gold, corpus).set_index("measure")
    # gold units: (1, X), (2, Y), (3, Z); predicted: (1, X), (2, X), (3, Z); all three found, two right
    assert ev.loc["quote", ["n_gold", "n_predicted", "tp", "f1"]].tolist() == [3, 3, 3, 1.0]
    assert ev.loc["speaker_accuracy", ["tp", "recall"]].tolist() == [2, round(2 / 3, 4)]
    assert ev.loc["end_to_end", ["precision", "recall"]].tolist() == [round(2 / 3, 4), round(2 / 3, 4)]
    # Wilson interval of 2/3 by hand: centre (p + z²/2n)/(1 + z²/n), half-width z√(p(1-p)/n + z²/4n²)/(1 + z²/n)
    z, n, p = 1.96, 3, 2 / 3
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * (p * (1 - p) / n + z * z / (4 * n * n)) ** 0.5 / (1 + z * z / n)
    assert ev.loc["end_to_end", ["ci_low", "ci_high"]].tolist() == [round(centre - half, 4), round(centre + half, 4)]


def test_unresolved_references_and_candidates_count_people_not_strings():
    text = ("Polish Prime Minister Marek Nowicki arrived. “We need more,” Mr Nowicki said. "
            "“Now,” the Polish prime minister added. “Later,” Ms Varga said.")
    q = quotes(_docs(d=text))
    assert share_of_voice(q)["speaker"].tolist() == ["Marek Nowicki", "Ms Varga"]
    assert unresolved_references(q)["speaker"].tolist() == ["Ms Varga"]  # the report never names her in full
    assert candidate_speakers(q).values.tolist() == [["Marek Nowicki", "d", 2, 0], ["Ms Varga", "d", 1, 0]]


# --- the bars of issue 12 ---------------------------------------------------------------------

def test_five_articles_end_to_end_bar(corpus_quotes):
    ev = evaluate_quotes(corpus_quotes, load_gold_quotes(boilerplate=True)).set_index("measure")
    assert ev.loc["attribution", "f1"] >= 0.97
    assert ev.loc["scare_as_speech", "tp"] == 0


@pytest.fixture(scope="module")
def suite():
    corpus, gold = load_style_suite()
    return corpus, gold, quotes(corpus)


def test_style_suite_quote_bar(suite):
    corpus, gold, predicted = suite
    ev = evaluate_by_sentence(predicted, gold, corpus).set_index("measure")
    assert ev.loc["quote", "f1"] >= 0.95
    assert evaluate_quotes(predicted, gold).set_index("measure").loc["scare_as_speech", "tp"] == 0


def test_style_suite_tune_half_speaker_bar(suite):
    corpus, gold, predicted = suite
    ev = evaluate_style_suite(predicted, gold, corpus).set_index(["split", "measure"])
    assert ev.loc[("tune", "speaker_accuracy"), "recall"] >= 0.95
    assert ev.loc[("tune", "quote"), "f1"] >= 0.95


def test_style_suite_speaker_bar_on_the_whole_suite(suite):
    corpus, gold, predicted = suite
    ev = evaluate_by_sentence(predicted, gold, corpus).set_index("measure")
    assert ev.loc["speaker_accuracy", "recall"] >= 0.95


@pytest.fixture(scope="module")
def probes():
    corpus, gold = load_style_suite(folder="style_suite/probes")
    return corpus, gold, quotes(corpus)


def test_construction_probes_speaker_bar(probes):
    """The construction probes (written after the suite, to develop the rules for its weakest kinds)
    hold what the rules learned: participles and labels, institutions, titles."""
    corpus, gold, predicted = probes
    assert sorted(set(corpus["split"])) == ["probe"]
    ev = evaluate_by_sentence(predicted, gold, corpus).set_index("measure")
    assert ev.loc["speaker_accuracy", "recall"] >= 0.95
    assert ev.loc["quote", "f1"] >= 0.95


def test_style_suite_share_of_voice_has_no_unresolved_honorific_or_title(suite):
    _, _, predicted = suite
    assert unresolved_references(predicted).empty
    voice = share_of_voice(predicted)
    assert not voice["speaker"].isin(unresolved_references(predicted)["speaker"]).any()
    assert voice.loc[voice["actor"] != "", "actor"].is_unique  # one row per person: people, not strings


def test_press_release_bare_title_and_pronoun_over_paragraphs():
    text = ("PM call with President Zelenskyy: 17 March 2026\n\nThe Prime Minister spoke to President Zelenskyy this afternoon.\n\n"
            "The Prime Minister reiterated the UK's unwavering support for Ukraine. He said:\n\n"
            "“The UK will stand with Ukraine for as long as it takes.\n\n“We will not let Putin win.”")
    rows = _rows(text, "2026-03-17")
    assert [(r[2], r[4]) for r in rows] == [("Keir Starmer", "pronoun"), ("Keir Starmer", "continuation")]


def test_ukrainian_agency_style_head_of_state_and_presidents_office():
    text = ("President of Ukraine Volodymyr Zelenskyy took part in the meeting in Paris.\n\n"
            "“We have a clear signal: Europe is ready,” the Head of State stressed.\n\n"
            "The President's Office noted that “the work on the guarantees continues”.")
    assert _speakers(text) == ["Volodymyr Zelensky", "presidency of Ukraine"]


def test_broadsheet_honorifics_and_unnamed_no_10_source():
    text = ("Sir Keir Starmer said Europe was at “a crossroads in our history”.\n\n"
            "The prime minister told reporters: “We are not going to wait for Putin.”\n\n"
            "A No 10 source said: “Nobody expects a deal this week.” "
            "Ms Kallas, the EU's foreign policy chief, warned that Moscow was “playing for time with everyone”.")
    assert _speakers(text) == ["Keir Starmer", "Keir Starmer", "", "Kaja Kallas"]


@pytest.mark.parametrize("text, speakers", [
    ("The plan was described by Macron as “a guarantee of peace”.", ["Emmanuel Macron"]),
    ("Italy's proposal was welcomed by Starmer, who called it “a useful contribution”.", ["Keir Starmer"]),
    ("Macron's message was clear: “Europe must defend itself.”", ["Emmanuel Macron"]),
    ("Zelensky thanked the allies, arguing that the plan was “a real chance for peace”.", ["Volodymyr Zelensky"]),
    ("Macron spoke last. In his words, “Europe has woken up at last”.", ["Emmanuel Macron"]),
    ("As Starmer put it, “we are in it for the long haul”.", ["Keir Starmer"]),
    ("Sir Keir Starmer opened the call.\n\nThe PM's opening lines: “We meet at a decisive moment.”", ["Keir Starmer"]),
    ("Starmer met Zelensky. “We are with you,” the 62-year-old said.", ["Keir Starmer"]),
    ("Zelensky's office said the talks were “substantive”. Meloni spoke next. Her office said she was “satisfied with it”.",
     ["presidency of Ukraine", "government of Italy"]),
    ("Sources in the President's Office said the talks were “difficult”. They added: “Nothing has been agreed.”",
     ["", ""]),
    ("Prime Minister Jan Peeters (CD&V) said Belgium would “contribute with air policing”. "
     "“We are a small but reliable ally,” Peeters (CD&V) added.", ["Jan Peeters", "Jan Peeters"]),
    ("“We welcome the outcome,” said Japan's Chief Cabinet Secretary Yoshio Tanaka at a news conference.", ["Yoshio Tanaka"]),
    ("Paris, 27 March.\n\n“Europe must be able to defend itself” — Emmanuel Macron", ["Emmanuel Macron"]),
])
def test_more_house_styles(text, speakers):
    assert _speakers(text) == speakers


def test_they_refers_to_the_unnamed_source():
    rows = _rows("Sources in the President's Office said the talks were “difficult”. They added: “Nothing has been agreed.”")
    assert [(r[1], r[3], r[4]) for r in rows] == [("Sources in the President's Office", "unnamed", "verb-before"),
                                                  ("Sources in the President's Office", "unnamed", "pronoun")]


@pytest.mark.parametrize("text, expected", [
    # Gulf wire: a dateline is a place; a bare institution noun refers back to the institution
    ("ABU DHABI: The UAE Ministry of Foreign Affairs welcomed the talks, describing them as “a positive step”.\n\n"
     "In a statement, the ministry stressed “the value of dialogue and diplomacy”.",
     ["foreign ministry of United Arab Emirates", "foreign ministry of United Arab Emirates"]),
    # translated French and German copy: the impersonal voice of an institution
    ("Prime Minister Jean Morel spoke on Tuesday.\n\nAt Matignon, it is underlined that the budget « will follow the commitments ».",
     ["government of France"]),
    ("From the Chancellery it was said that the talks had been „intensive and constructive“.", ["government of Germany"]),
    # Asian wire: the role noun goes to the person introduced with it, not to the last speaker
    ("Foreign Ministry spokesperson Lin Wei said China “supports all efforts for peace”. Chief Secretary Ken Mori said "
     "Tokyo would “stand with Ukraine”.\n\nBeijing, the spokesperson added, “opposes any bloc confrontation”.",
     ["Lin Wei", "Ken Mori", "Lin Wei"]),
    ("Kremlin press secretary Ivan Orlov dismissed the meeting. Foreign ministry spokeswoman Ana Gil said it was “theatre”.\n\n"
     "“We see nothing constructive here,” the Kremlin official said.", ["Ana Gil", "Ivan Orlov"]),
    # an apposition names the role; a participle with its own subject
    ("A spokesman for the Ukrainian president, Ivan Horak, said the meeting had been “very substantive.”", ["Ivan Horak"]),
    ("The Russian Foreign Ministry denounced the text, with spokeswoman Ana Gil labelling it “a road to escalation”.", ["Ana Gil"]),
    ("Denmark's prime minister, Mette Frederiksen, calling the day “historic,” said Copenhagen would contribute.",
     ["Mette Frederiksen"]),
    # salience: a bare title prefers the subject to the person after "with"
    ("President of Ukraine Volodymyr Zelensky held a meeting with the President of the French Republic Emmanuel Macron.\n\n"
     "“We have discussed the parameters of the force,” the Head of State noted.", ["Volodymyr Zelensky"]),
    # liveblog labels: a document names its author; "in a statement:" does not
    ("14:55 Downing Street readout: the prime minister “underlined the need to keep the pressure on Russia”.\n\n"
     "15:10 Merz, in a short statement: “Germany is ready, with conditions.”\n\n"
     "15:20 Key line from the Italian PM: “No Italian soldiers will be sent to Ukraine.”",
     ["government of United Kingdom", "Friedrich Merz", "Giorgia Meloni"]),
    ("Per the Pentagon, any American role would be “limited to intelligence and logistics.”", ["defence ministry of United States"]),
])
def test_participles_labels_institutions_and_titles_in_other_house_styles(text, expected):
    assert _speakers(text, "2026-01-06") == expected


@pytest.mark.parametrize("text, expected", [
    ("“We will not leave Ukraine alone in the face of this aggression” was how Ana Gil put it on arriving.", ["Ana Gil"]),
    ("In Merz's words, the declaration is “a promise with a price tag”.", ["Friedrich Merz"]),
    ("To quote Mette Frederiksen, “we are far too late, but not too late”.", ["Mette Frederiksen"]),
    ("NATO welcomed the outcome. The alliance said the guarantees were “a national decision of each ally.”", ["NATO"]),
    ("The European Commission said it stood ready to help. Work would “speed up” on sanctions, it added.", ["European Commission"]),
    ("The office of Prime Minister Giorgia Meloni said Italy would help with “monitoring from outside Ukraine”.",
     ["government of Italy"]),
    ("The Foreign Ministry in Moscow called the Paris statement “a direct threat”.", ["foreign ministry of Russia"]),
    ("The Russian Embassy in London said the plan was “a recipe for a wider war.”", ["embassy of Russia"]),
    ("MOSCOW, Jan 7 (Harbour Wire) - Kremlin spokesman Ivan Orlov was quoted by the Interfax news agency as saying the plan "
     "was “absolutely unacceptable”.", ["Ivan Orlov"]),
    ("“Europe has chosen escalation,” read a statement from the Russian Foreign Ministry.", ["foreign ministry of Russia"]),
    ("The call lasted more than an hour.\n\n“The partners have confirmed that the decisions will be implemented.”\n\n"
     "Source: Office of the President of Ukraine", ["presidency of Ukraine"]),
])
def test_labels_anaphors_and_datelines_in_other_house_styles(text, expected):
    assert _speakers(text, "2026-01-06") == expected


@pytest.mark.parametrize("spaces", [" ", "  ", "\n"])
def test_institution_and_country_names_with_any_spaces(spaces):
    """Name patterns allow any spaces between words; the tables' keys have one ("the Foreign  Office")."""
    text = (f"The Foreign{spaces}Office said: \u201cWe stand with Ukraine.\u201d "
            f"The South{spaces}Korean foreign ministry said: \u201cWe agree.\u201d")
    q = quotes(_docs(d=text))
    assert q[["text", "speaker", "speaker_type"]].values.tolist() == [
        ["We stand with Ukraine.", "foreign ministry of United Kingdom", "group"],
        ["We agree.", "foreign ministry of South Korea", "group"]]


def test_a_document_noun_before_a_sentence_end_does_not_make_an_empty_source():
    """A 'statement from Downing Street' whose sentence ends before the source phrase's end: the
    unnamed-source candidate starts after the sentence end, so its 'document noun' end (before that
    start) made an empty, backwards candidate that crashed attribution (found on the synthetic
    benchmark corpus, where a dropped word left "..., to a statement from Downing Street. In Moscow, ...")."""
    text = ('The leaders agreed to speed up deliveries of air defence interceptors to Kyiv, to a statement from '
            'Downing Street. In Moscow, the reaction not long in coming: the spokeswoman of Russian diplomacy, Maria '
            'Zakharova, denounced an "axis war" and repeated that any foreign contingent would constitute a '
            '"legitimate target".\n')
    found = quotes(pd.DataFrame({"doc_id": ["x"], "text": [text], "published": ["2025-09-04"]}))
    assert found[["text", "speaker"]].values.tolist() == [["axis war", "Maria Zakharova"],
                                                         ["legitimate target", "Maria Zakharova"]]


@pytest.mark.parametrize("space", ["  ", "\n", "\t"])
def test_a_two_word_honorific_with_other_spacing_is_the_same_honorific(space):
    """"Prime  Minister Kowalski" (two spaces, a line break or a tab, as pasted or wrapped text
    has them) is read as "Prime Minister Kowalski" is (it raised a KeyError on the honorifics'
    table); the name keeps the spacing the text gives it."""
    one = _one("Prime Minister Kowalski arrived in Gdansk. “We will not give up,” he said.")
    assert one == [("We will not give up,", "Prime Minister Kowalski", "Prime Minister Kowalski", "pronoun", "speech")]
    other = _one(f"Prime{space}Minister Kowalski arrived in Gdansk. “We will not give up,” he said.")
    assert [tuple(" ".join(v.split()) for v in row) for row in other] == one
