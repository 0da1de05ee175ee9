"""Tests of corpus_tools.compare: hand-computed values, the corpus bars of issue 6, edge cases."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from corpus_tools import compare as cp
from corpus_tools import load_meetings, sentences, tokens
from corpus_tools.errors import CorpusError
from corpus_tools.quotes import quotes as find_quotes
from corpus_tools.speakers import mentions as find_mentions

MARCH = "paris-2025-03-27"
JANUARY = "paris-2026-01-06"


def _docs(texts: dict[str, str], meeting: dict[str, str] | None = None) -> pd.DataFrame:
    ids = list(texts)
    return pd.DataFrame({"doc_id": ids, "text": [texts[d] for d in ids], "outlet": [f"outlet {d}" for d in ids],
                         "meeting_id": [(meeting or {}).get(d, "m") for d in ids],
                         "published": pd.Timestamp("2025-03-27")})


def _toks(docs: pd.DataFrame) -> pd.DataFrame:
    return tokens(sentences(docs))


@pytest.fixture(scope="module")
def corpus_quotes(corpus):
    return find_quotes(corpus)


@pytest.fixture(scope="module")
def corpus_mentions(corpus):
    return find_mentions(corpus)


def _short(doc_id: str) -> str:
    return doc_id[:3]


# ------------------------------------------------------------------------------- similarity

def test_similarity_by_hand():
    # a = {troops, sanctions}, b = {sanctions, talks}: Jaccard 1/3.
    # idf (smoothed, 2 docs): sanctions ln(3/3) + 1 = 1, troops and talks ln(3/2) + 1 = 1.405465;
    # cosine = 1 / (1.405465^2 + 1) = 0.336097
    toks = _toks(_docs({"a": "Troops and sanctions.", "b": "Sanctions and talks."}))
    idf = math.log(1.5) + 1
    assert cp.similarity_matrix(toks, "jaccard").loc["a", "b"] == pytest.approx(1 / 3)
    assert cp.similarity_matrix(toks).loc["a", "b"] == pytest.approx(1 / (idf ** 2 + 1))
    # sublinear tf: troops x3 weighs 1 + ln 3 instead of 3
    toks = _toks(_docs({"a": "Troops, troops, troops and sanctions.", "b": "Sanctions and talks."}))
    raw, sub = 3 * idf, (1 + math.log(3)) * idf
    assert cp.similarity_matrix(toks, sublinear_tf=False).loc["a", "b"] == pytest.approx(1 / math.sqrt((raw ** 2 + 1) * (idf ** 2 + 1)))
    assert cp.similarity_matrix(toks).loc["a", "b"] == pytest.approx(1 / math.sqrt((sub ** 2 + 1) * (idf ** 2 + 1)))


def test_similarity_unknown_measure_and_empty_document():
    toks = _toks(_docs({"a": "Troops and sanctions.", "b": "And the."}))
    with pytest.raises(CorpusError, match="cosine"):
        cp.similarity_matrix(toks, "euclid")
    m = cp.similarity_matrix(toks)
    assert m.loc["b"].tolist() == [0.0, 0.0] and m.loc["a", "a"] == 1.0


def test_the_three_march_reports_are_each_others_nearest(corpus, corpus_tokens):
    march = set(corpus.loc[corpus["meeting_id"] == MARCH, "doc_id"])
    assert {_short(d) for d in march} == {"000", "001", "002"}
    for measure in ("cosine", "jaccard"):
        nearest = cp.nearest_reports(cp.similarity_matrix(corpus_tokens, measure), corpus).set_index("doc_id")
        for doc in march:
            assert nearest.loc[doc, "nearest"] in march - {doc}, (measure, doc)
            assert nearest.loc[doc, "same_meeting"]
    # the most similar pair of the corpus is two March reports, on both measures
    pairs = cp.similarity_pairs(corpus_tokens, corpus)
    assert {_short(pairs.loc[0, "doc_a"]), _short(pairs.loc[0, "doc_b"])} == {"000", "001"}
    assert pairs.loc[0, "same_meeting"]
    top_jaccard = pairs.sort_values("jaccard", ascending=False).iloc[0]
    assert {_short(top_jaccard["doc_a"]), _short(top_jaccard["doc_b"])} == {"000", "001"}
    # mean similarity among the March reports beats their mean similarity to the other reports
    cos = cp.similarity_matrix(corpus_tokens)
    within = [cos.loc[a, b] for a in march for b in march if a < b]
    across = [cos.loc[a, b] for a in march for b in cos.index if b not in march]
    assert sum(within) / len(within) > sum(across) / len(across)


def test_similarity_pairs_are_symmetric_and_sorted(corpus_tokens):
    pairs = cp.similarity_pairs(corpus_tokens)
    assert len(pairs) == 10
    assert pairs["cosine"].is_monotonic_decreasing
    m = cp.similarity_matrix(corpus_tokens)
    assert (m.values == m.values.T).all()


# ------------------------------------------------------------------------------- quotations

def test_quote_tokens_and_overlap_by_hand():
    assert cp.quote_tokens("\u201cIt\u2019s a classic [from Putin]\u201d") == ["it's", "a", "classic"]
    # 4 of the 5 tokens of the shorter align in order (missing "very"); longest run 3 ("there", "are", "no")
    overlap, longest = cp.quote_overlap("there are no very clear rules".split()[:5], "there are no clear rules today".split())
    assert (overlap, longest) == (pytest.approx(4 / 5), 3)
    assert cp.quote_overlap([], ["a"]) == (0.0, 0)


def test_now_is_not_the_time_is_shared(corpus, corpus_quotes):
    groups = cp.quote_groups(corpus_quotes, corpus)
    hit = groups[groups["text"].str.lower().str.contains("now is not the time")]
    assert {_short(d) for d in hit["doc_id"]} == {"000", "001"}
    assert hit["group_id"].nunique() == 1 and (hit["n_docs"] == 2).all()
    # 000 leaves it unattributed (a scare quote); the group takes the speaker 001 names
    assert set(hit["group_speaker"]) == {"Keir Starmer"}
    assert hit["overlap"].tolist() == [1.0, 1.0]
    # quoted names are not quotations: "coalition of the willing" (in 000, 001) forms no group
    assert not groups["text"].str.lower().str.strip(" ,").eq("coalition of the willing").any()


def test_variants_match_and_unrelated_quotes_do_not():
    corpus = _docs({"a": "", "b": "", "c": ""})
    q = pd.DataFrame({
        "doc_id": ["a", "b", "c", "c"], "quote_id": ["q01", "q01", "q01", "q02"], "kind": ["speech", "speech", "speech", "scare"],
        "speaker": ["Keir Starmer", "", "Steve Witkoff", ""], "actor": ["Keir Starmer", "", "Steve Witkoff", ""],
        "text": ["\u201cIt is clear that the Russians are playing for time,\u201d",  # curly marks, trailing comma
                 '"it is obvious the Russians are playing for time"',  # straight marks, another translation: 8 of 9 (0.89)
                 "a lot of progress",  # unrelated
                 "the Russians are playing"]})  # trimmed: 4 of 4 tokens inside the others
    groups = cp.quote_groups(q, corpus, names=set()).set_index(["doc_id", "quote_id"])
    assert groups.loc[("a", "q01"), "n_docs"] == 3 and groups.loc[("b", "q01"), "n_docs"] == 3
    assert groups.loc[("c", "q02"), "n_docs"] == 3 and groups.loc[("c", "q01"), "n_docs"] == 1
    assert groups.loc[("a", "q01"), "group_id"] == "g001" and groups.loc[("c", "q01"), "group_id"] == "g002"
    # the unattributed variants take the speaker the one attributed member gives
    assert groups.loc[("b", "q01"), "group_speaker"] == "Keir Starmer"
    assert groups.loc[("b", "q01"), "overlap"] == pytest.approx(1.0)  # its best match is the trimmed quote
    # without the trimmed quote: "obvious" for "clear that" aligns 8 of b's 9 tokens: shared at 0.8, not at 0.95
    pair = q.iloc[:3]
    assert cp.quote_groups(pair, corpus, names=set()).set_index("doc_id").loc["b", "overlap"] == pytest.approx(8 / 9)
    assert cp.quote_groups(pair, corpus, names=set(), min_overlap=0.95)["n_docs"].tolist() == [1, 1, 1]


def test_short_quotes_never_match_and_headings_are_ignored():
    corpus = _docs({"a": "", "b": ""})
    q = pd.DataFrame({"doc_id": ["a", "b", "a", "b"], "quote_id": ["q01", "q01", "q02", "q02"],
                      "kind": ["speech", "speech", "heading", "heading"], "speaker": "", "actor": "",
                      "text": ["military hubs", "military hubs", "Hardens our resolve", "Hardens our resolve"]})
    groups = cp.quote_groups(q, corpus, names=set())
    assert groups["n_docs"].tolist() == [1, 1] and set(groups["kind"]) == {"speech"}


def test_sharing_and_left_out_on_the_corpus(corpus, corpus_quotes):
    groups = cp.quote_groups(corpus_quotes, corpus)
    sharing = cp.quote_sharing(groups, corpus).assign(doc=lambda d: d["doc_id"].str[:3]).set_index("doc")
    speech = corpus_quotes[corpus_quotes["kind"] == "speech"].groupby(corpus_quotes["doc_id"].str[:3]).size()
    assert sharing["n_speech"].to_dict() == speech.to_dict()
    assert sharing.loc["000", "n_shared"] == 1 and sharing.loc["001", "n_shared"] == 1
    # meetings with one report (003, 004) have nothing left out
    assert sharing.loc["003", "n_left_out"] == 0 and sharing.loc["004", "n_left_out"] == 0
    # 000 leaves out every speech quotation of 001 and 002 (10 + 29 groups) except the shared one
    assert sharing.loc["000", "n_left_out"] == 10 + 29 - 1
    left = cp.left_out_quotes(groups, corpus)
    assert set(left["meeting_id"]) == {MARCH}
    assert not ((left["doc_id"].str[:3] == "000") & left["text"].str.contains("now is not the time")).any()


def test_report_without_quotes():
    corpus = _docs({"a": "", "b": ""})
    q = pd.DataFrame({"doc_id": ["a"], "quote_id": ["q01"], "kind": ["speech"], "speaker": ["Keir Starmer"],
                      "actor": ["Keir Starmer"], "n_words": [5], "text": ["We will not stop now."]})
    groups = cp.quote_groups(q, corpus, names=set())
    sharing = cp.quote_sharing(groups, corpus).set_index("doc_id")
    assert sharing.loc["b"].tolist() == ["outlet b", "m", 0, 0, 0, 1]
    cov = cp.speaker_coverage(q, corpus).set_index("doc_id")
    assert cov.loc["b", "left_out"] and cov.loc["b", "n_quotes"] == 0 and cov.loc["a", "n_words"] == 5
    # no quotation at all
    empty = cp.quote_groups(q.iloc[:0], corpus, names=set())
    assert list(empty.columns) == cp.GROUP_COLUMNS and empty.empty
    assert cp.quote_sharing(empty, corpus)[["n_speech", "n_left_out"]].sum().tolist() == [0, 0]


def test_speaker_coverage_on_the_corpus(corpus, corpus_quotes):
    cov = cp.speaker_coverage(corpus_quotes, corpus)
    cov = cov.assign(doc=cov["doc_id"].str[:3]).set_index(["meeting_id", "speaker", "doc"])
    # Zakharova is quoted only by 002 among the March reports; Scholz only by 001
    assert cov.loc[(MARCH, "Maria Zakharova", "002"), "n_quotes"] == 2
    assert cov.loc[(MARCH, "Maria Zakharova", "000"), "left_out"]
    assert cov.loc[(MARCH, "Olaf Scholz", "001"), "n_quotes"] == 1
    assert cov.loc[(MARCH, "Olaf Scholz", "002"), "left_out"]


# ------------------------------------------------------------------------------- text reuse

def test_text_reuse_finds_maximal_runs_in_any_order():
    docs = _docs({"a": "Leaders agreed to bring Russia to the negotiating table. Later, sanctions on Moscow were tightened today.",
                  "b": "Sanctions on Moscow were tightened today, while Europe tried to bring Russia to the negotiating table."})
    reuse = cp.text_reuse(_toks(docs), docs, min_tokens=5)
    # two maximal runs, in opposite order in the two reports
    assert reuse["n_tokens"].tolist() == [7, 6]
    assert reuse["text_a"].tolist() == ["to bring Russia to the negotiating table", "sanctions on Moscow were tightened today"]
    assert reuse["text_b"].tolist() == ["to bring Russia to the negotiating table", "Sanctions on Moscow were tightened today"]
    assert reuse["start_a"].tolist() == [3, 13] and reuse["start_b"].tolist() == [11, 1]  # token_id counts punctuation
    # a run of exactly min_tokens counts, one token shorter does not
    docs2 = _docs({"a": "One two three four five six seven.", "b": "Zero two three four five six eight."})
    assert cp.text_reuse(_toks(docs2), docs2, min_tokens=5, min_content=0)["n_tokens"].tolist() == [5]


def test_text_reuse_on_the_corpus(corpus, corpus_tokens):
    reuse = cp.text_reuse(corpus_tokens, corpus, min_tokens=6)
    pairs = set(zip(reuse["doc_a"].str[:3], reuse["doc_b"].str[:3], reuse["text_b"]))
    assert ("000", "001", "that now is not the time to lift sanctions") in pairs
    assert ("000", "001", "to bring Russia to the negotiating table") in pairs
    row = reuse[reuse["text_b"] == "that now is not the time to lift sanctions"].iloc[0]
    assert row["text_a"] == "that \u201cnow is not the time\u201d to lift sanctions" and row["n_tokens"] == 9


# ------------------------------------------------------------------------------- facts

@pytest.mark.parametrize("text, expected", [
    ("The force could be composed of up to 30,000 soldiers.", [("up to 30,000 soldiers", 30000.0, "soldiers", "up to", "30,000 soldiers")]),
    ("He announced an additional $2 billion in military aid.", [("$2 billion", 2e9, "USD", "", "2,000,000,000 USD")]),
    ("It gathered representatives of 35 countries, including 27 heads of state or government.",
     [("35 countries", 35.0, "countries", "", "35 countries"), ("27 heads of state or government", 27.0, "heads of state", "", "27 heads of state")]),
    ("Ukraine accepted an unconditional 30-day ceasefire.", [("30-day ceasefire", 30.0, "day", "", "30 day ceasefire")]),
    ("Russia occupies around 20% of Ukraine.", [("around 20%", 20.0, "percent", "about", "20 percent")]),
    ("It was attended by more than two dozen heads of state.",
     [("more than two dozen heads of state", 24.0, "heads of state", "more than", "24 heads of state")]),
    ("Starmer met approximately 30 senior military strategists.",
     [("approximately 30 senior military strategists", 30.0, "strategists", "about", "30 strategists")]),
    ("The almost four-year war began in 2022.", [("almost four-year war", 4.0, "year", "almost", "4 year war")]),
])
def test_facts_from_corpus_sentences(text, expected):
    got = cp.facts(pd.DataFrame({"doc_id": ["a"], "sent_id": [1], "text": [text]}))
    assert [tuple(r) for r in got[["fact", "value", "unit", "qualifier", "key"]].itertuples(index=False)] == expected


@pytest.mark.parametrize("text", [
    "The experience of February 28 remains a painful memory.",
    "On Thursday, March 20, Macron spoke.",
    "Russia's 2022 full-scale invasion.",
    "Here there is only one aggressor and one resisting country.",
    "Top diplomats from the G7 nations spoke.",
    "Paris could deploy several thousand French troops.",
    "This was the third meeting.",
])
def test_non_facts_are_skipped(text):
    assert cp.facts(pd.DataFrame({"doc_id": ["a"], "sent_id": [1], "text": [text]})).empty


def test_fact_coverage_on_the_corpus(corpus, corpus_sentences):
    f = cp.facts(corpus_sentences)
    cov = cp.fact_coverage(f, corpus).set_index("key")
    # the 30-day ceasefire is the one figure two reports share (000 and 001)
    assert cov.index[0] == "30 day ceasefire" and cov["n_reports"].tolist().count(2) == 1
    docs = sorted(corpus["doc_id"])
    assert [d[:3] for d in docs if cov.loc["30 day ceasefire", d]] == ["000", "001"]
    assert [d[:3] for d in docs if cov.loc["30,000 soldiers", d]] == ["002"]
    assert [d[:3] for d in docs if cov.loc["27 heads of state", d]] == ["004"]
    assert cov.loc["35 countries", "n_reports"] == 1
    # the donation appeal's "$2" is boilerplate, removed by cleaning: not a fact of 004
    assert "2 USD" not in cov.index
    assert set(cov.columns) == set(docs) | {"n_reports"}


def test_fact_units_errors(tmp_data):
    path = tmp_data / "fact_units.csv"
    path.write_text(path.read_text() + "number,umpteen,many,,\n")
    with pytest.raises(CorpusError, match="umpteen.*numeric"):
        cp.load_fact_units(tmp_data)
    path.write_text("kind,word,value,canonical,note\nweight,kg,,kg,\n")
    with pytest.raises(CorpusError, match="line 2"):
        cp.load_fact_units(tmp_data)


# ------------------------------------------------------------------------------- contrasts

def test_scholz_and_merz_on_opposite_sides(corpus, corpus_tokens, corpus_quotes, corpus_mentions):
    terms = cp.meeting_changes(corpus_tokens, corpus, MARCH, JANUARY, min_freq=1).set_index("term")
    assert terms.loc["scholz", "change"] == "fell" and terms.loc["merz", "change"] == "rose"
    actors = cp.actor_changes(corpus_mentions, corpus_quotes, corpus, MARCH, JANUARY).set_index("actor")
    assert actors.loc["Olaf Scholz", "change"] == "left" and actors.loc["Friedrich Merz", "change"] == "appeared"
    assert actors.loc["Olaf Scholz", ["quotes_earlier", "quotes_later"]].tolist() == [1, 0]
    assert actors.loc["Friedrich Merz", ["quotes_earlier", "quotes_later"]].tolist() == [0, 2]
    # both March meetings together against January: the same sides
    side = cp.contrast_terms(corpus_tokens, corpus, by="meeting_id", target=JANUARY,
                             reference=["brussels-2025-03-20", MARCH]).set_index("term")["side"]
    assert side["merz"] == JANUARY and side["scholz"] == f"brussels-2025-03-20;{MARCH}"


def test_changes_between_consecutive_meetings(corpus, corpus_tokens, corpus_quotes, corpus_mentions):
    pairs = cp.meeting_pairs(corpus, load_meetings())
    assert list(zip(pairs["earlier"], pairs["later"], pairs["days"])) == [
        ("brussels-2025-03-20", MARCH, 7), (MARCH, JANUARY, 285)]
    terms, actors = cp.changes_between_meetings(corpus_tokens, corpus_mentions, corpus_quotes, corpus, load_meetings(), min_freq=1)
    assert set(zip(terms["earlier"], terms["later"])) == set(zip(pairs["earlier"], pairs["later"]))
    witkoff = actors[(actors["actor"] == "Steve Witkoff")].iloc[0]
    assert (witkoff["later"], witkoff["change"], witkoff["quotes_later"]) == (JANUARY, "appeared", 7)


def test_keyness_by_hand_through_contrast_terms():
    docs = _docs({"a": "Troops troops troops talks.", "b": "Talks talks sanctions sanctions."}, {"a": "m1", "b": "m2"})
    key = cp.contrast_terms(_toks(docs), docs, by="meeting_id", target="m1", reference="m2").set_index("term")
    # troops: 3 of 4 words in m1, 0 of 4 in m2: G2 = 2 * 3 ln(3 / 1.5)
    assert key.loc["troops", "g2"] == pytest.approx(6 * math.log(2))
    assert key.loc["troops", "side"] == "m1" and key.loc["sanctions", "side"] == "m2"


def test_outlet_contrasts_and_a_meeting_with_one_report(corpus, corpus_tokens):
    key = cp.outlet_contrasts(corpus_tokens, corpus, min_freq=2, top_n=5)
    assert set(key["meeting_id"]) == {MARCH}  # the other meetings have one report each
    assert set(key["doc_id"].str[:3]) == {"000", "001", "002"}
    assert (key["key"] == "target").all() and key.groupby("doc_id").size().max() <= 5
    one = _docs({"a": "Troops and talks."}, {"a": "solo"})
    assert cp.outlet_contrasts(_toks(one), one).empty
    assert cp.meeting_pairs(one, pd.DataFrame({"meeting_id": ["solo"], "date": ["2025-01-01"]})).empty
    terms, actors = cp.changes_between_meetings(_toks(one), pd.DataFrame({"doc_id": [], "actor": []}),
                                                pd.DataFrame(columns=["doc_id", "kind", "speaker", "actor", "n_words"]), one,
                                                pd.DataFrame({"meeting_id": ["solo"], "date": ["2025-01-01"]}))
    assert terms.empty and actors.empty and "change" in terms.columns


# ------------------------------------------------------------------------------- cards

def test_article_cards_on_the_corpus(corpus, corpus_tokens, corpus_sentences, corpus_quotes):
    from corpus_tools.sentiment import sentence_tone

    tone = sentence_tone(corpus_sentences)
    cards = cp.article_cards(corpus, corpus_tokens, corpus_quotes, tone, cp.facts(corpus_sentences), top_n=3)
    cards = cards.set_index(cards["doc_id"].str[:3])
    assert list(cards.columns) == cp.CARD_COLUMNS
    assert cards.loc["004", "speakers_quoted"].startswith("Steve Witkoff (7)")
    assert "Olaf Scholz (1)" in cards.loc["001", "speakers_quoted"]
    assert cards.loc["000", "facts"] == "24 heads of state; 30 day ceasefire"
    assert cards.loc["002", "n_words"] == corpus.set_index("doc_id")["n_words"].iloc[2]
    assert cards.loc["003", "mean_compound"] == pytest.approx(tone[tone["doc_id"].str[:3] == "003"]["compound"].mean())
    assert cards["top_terms"].str.count(", ").eq(2).all()
