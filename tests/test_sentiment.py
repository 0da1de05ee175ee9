"""corpus_tools.sentiment: lexicon loading without network, the two methods, the domain
adjustment, aggregation, targeted tone, quotes vs narration, and validation against the gold."""
from __future__ import annotations

import math
import socket

import nltk
import pandas as pd
import pytest
from sklearn.metrics import cohen_kappa_score, f1_score

from corpus_tools.errors import CorpusError
from corpus_tools.paths import notebooks_dir
from corpus_tools.reports import notebook_parameters
from corpus_tools.sentiment import (
    LABELS, agreement, aggregate_tone, cohen_kappa, confusion_table, evaluate, failure_cases, label_of,
    load_domain_overrides, load_sentiment_gold, macro_f1, method_agreement, normalize_score, paired_comparison,
    quote_segments,
    quote_vs_narration, score_texts, sentence_targets, sentence_tone, targeted_tone, validation_table,
    vader_lexicon_path, vader_lexicon_source, vader_scorer,
)

CANONICAL = "Putin is not showing he is ready for peace. This only hardens our resolve."


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a socket or to call nltk.download fails the test."""
    def refuse(*args, **kwargs):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(nltk, "download", refuse)


@pytest.fixture(scope="module")
def gold() -> pd.DataFrame:
    return load_sentiment_gold()


# ------------------------------------------------------------------ the lexicon, offline


def test_vader_lexicon_loads_through_nltk_without_network(tmp_path, no_network):
    path = vader_lexicon_path(tmp_path)
    assert path == tmp_path / "nltk_data" / "sentiment" / "vader_lexicon" / "vader_lexicon.txt"
    assert path.read_bytes() == vader_lexicon_source().read_bytes()
    assert nltk.data.path[0] == str(tmp_path / "nltk_data")
    scorer = vader_scorer(cache=tmp_path)
    assert len(scorer.analyzer.lexicon) == 7506  # 7,519 lines; a repeated token keeps its last valence
    assert scorer.analyzer.lexicon["war"] == -2.9
    assert scorer.scores("The attack killed civilians.")["compound"] == -0.8225


def test_a_stale_lexicon_copy_is_replaced(tmp_path, no_network):
    path = vader_lexicon_path(tmp_path)
    path.write_text("war\t4.0\t0\t[]\n", encoding="utf-8")
    vader_lexicon_path(tmp_path)
    assert path.read_bytes() == vader_lexicon_source().read_bytes()
    assert vader_scorer(cache=tmp_path).analyzer.lexicon["war"] == -2.9


def test_the_lexicon_path_is_added_once(tmp_path):
    vader_lexicon_path(tmp_path)
    vader_lexicon_path(tmp_path)
    assert nltk.data.path.count(str(tmp_path / "nltk_data")) == 1


def test_afinn_works_offline_and_is_normalised_like_vader(no_network):
    # AFINN-165: attack -1, killed -3; sum -4, normalised -4 / sqrt(16 + 15)
    scores = score_texts(["The attack killed civilians.", "Leaders met in Paris."], "afinn")
    assert scores["neg"].tolist() == [4.0, 0.0]
    assert scores["compound"].iloc[0] == pytest.approx(-4 / math.sqrt(31))
    assert scores["label"].tolist() == ["negative", "neutral"]


# ------------------------------------------------------------------ the canonical failure


def test_the_canonical_failure_raw_vader_calls_defiance_positive():
    """The issue's example: negative to a reader of political news, positive to VADER and AFINN."""
    raw = score_texts([CANONICAL], "vader").iloc[0]
    assert (raw["compound"], raw["label"]) == (0.8225, "positive")
    assert score_texts([CANONICAL], "afinn")["label"].item() == "positive"


def test_the_canonical_failure_adjusted_is_only_neutral():
    """The override lexicon removes the false praise ("peace" is the topic, "resolve" is
    defiance) but the unnegated "ready" (+1.5; "not" is four words back) is still counted: the
    adjusted score is 0, neutral, not the negative a reader sees."""
    adjusted = score_texts([CANONICAL], "vader_adjusted").iloc[0]
    assert (adjusted["compound"], adjusted["label"]) == (0.0, "neutral")
    first, second = score_texts(CANONICAL.split(". ", 1), "vader_adjusted")["label"]
    assert (first, second) == ("positive", "negative")


# ------------------------------------------------------------------ labels and scores


@pytest.mark.parametrize("compound, label", [(0.05, "positive"), (0.0499, "neutral"), (0.0, "neutral"),
                                             (-0.0499, "neutral"), (-0.05, "negative"), (-1.0, "negative")])
def test_label_thresholds_follow_vader_docs(compound, label):
    assert label_of(compound) == label


def test_normalize_score_is_vaders_normalisation():
    assert normalize_score(3) == pytest.approx(3 / math.sqrt(24))
    assert normalize_score(-1) == -0.25


def test_unknown_method_is_refused():
    with pytest.raises(CorpusError, match="unknown sentiment method 'textblob'"):
        score_texts(["x"], "textblob")


def test_sentence_tone_on_the_corpus(corpus_sentences):
    tone = sentence_tone(corpus_sentences)
    assert len(tone) == len(corpus_sentences)
    assert tone.columns.tolist() == ["doc_id", "sent_id", "neg", "neu", "pos", "compound", "label", "n_words"]
    assert (tone["label"] == tone["compound"].map(label_of)).all()
    first = tone.iloc[0]  # 000 s1: "support" and "agreed" make it positive to VADER
    assert (first["doc_id"], first["sent_id"], first["label"]) == ("000_35e0b38e5505f0f8", 1, "positive")
    assert first["n_words"] == 29


def test_texts_are_normalised_like_the_corpus():
    # a curly apostrophe and a no-break space score exactly as the clean text does
    assert score_texts(["Zelensky\u2019s\u00a0grave mistake."])["compound"].item() == \
        score_texts(["Zelensky's grave mistake."])["compound"].item()


# ------------------------------------------------------------------ domain overrides


def test_overrides_change_only_their_own_scorer():
    overrides = load_domain_overrides()
    adjusted = vader_scorer(overrides)
    plain = vader_scorer()
    assert adjusted.analyzer.lexicon["peace"] == 0.0
    assert plain.analyzer.lexicon["peace"] == 2.5
    assert vader_scorer().analyzer.lexicon["peace"] == 2.5


@pytest.mark.parametrize("sentence", [
    # 000 s3: "the United States" is a name, not unity
    "Italy, under Giorgia Meloni's leadership, firmly said no and called for the United States, led by Donald Trump, "
    "to be invited to the next meeting.",
    "This was the third meeting — and the second in person — of the “coalition of the willing” for Ukraine.",
])
def test_names_carry_no_valence_after_adjustment(sentence):
    scorer = vader_scorer(load_domain_overrides(), space_quotes=True)
    prepared = scorer.prepare(sentence)
    assert "United" not in prepared and "willing" not in prepared
    assert score_texts([sentence], "vader_adjusted")["compound"].item() <= score_texts([sentence], "vader")["compound"].item()


def test_quote_marks_are_spaced_so_quoted_words_are_looked_up():
    # NLTK's VADER strips one ASCII mark only: “peace” (curly) is never found in the lexicon
    assert vader_scorer().scores("It was \u201cprogress\u201d.")["compound"] == 0.0
    assert vader_scorer(space_quotes=True).scores("It was \u201cprogress\u201d.")["compound"] == 0.4215


def test_every_override_is_justified_and_lower_case():
    overrides = load_domain_overrides()
    assert len(overrides) >= 10
    assert overrides["justification"].str.len().min() > 30
    assert (overrides["term"] == overrides["term"].str.lower()).all()


@pytest.mark.parametrize("row, message", [
    ("war,-1,", "line 2: 'war' has no justification"),
    ("war,bad,because", "line 2: valence 'bad' of 'war' is not a number"),
    ("war,-9,because", "line 2: valence -9.0 of 'war' is outside"),
    ("War,-1,because", "line 2: term 'War' must be non-empty and lower case"),
    ("war,-1,because\nwar,-2,again", "term 'war' is listed twice"),
])
def test_bad_override_rows_are_named(tmp_data, row, message):
    (tmp_data / "lexicons" / "domain_overrides.csv").write_text(f"term,valence,justification\n{row}\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=message):
        load_domain_overrides(tmp_data)


# ------------------------------------------------------------------ agreement statistics


def test_kappa_against_a_hand_computed_value():
    a = ["neg", "neg", "neg", "neu", "pos", "pos", "neu", "neg", "pos", "neu"]
    b = ["neg", "neu", "neg", "neu", "pos", "neg", "neu", "neg", "pos", "pos"]
    # p_o = 7/10; both raters: neg 4, neu 3, pos 3 -> p_e = .16 + .09 + .09 = .34
    # kappa = (.70 - .34) / (1 - .34) = .36 / .66 = 6/11
    assert cohen_kappa(a, b) == pytest.approx(6 / 11)
    assert cohen_kappa(a, b) == pytest.approx(cohen_kappa_score(a, b))
    assert agreement(a, b) == {"n": 10, "percent_agreement": 70.0, "kappa": pytest.approx(6 / 11)}


def test_kappa_edge_cases():
    assert cohen_kappa(["pos", "pos"], ["pos", "pos"]) == 1.0
    assert cohen_kappa(["pos", "neg"], ["neg", "pos"]) == -1.0
    with pytest.raises(CorpusError, match="same length"):
        cohen_kappa(["pos"], ["pos", "neg"])


def test_macro_f1_against_a_hand_computed_value():
    gold = ["negative", "negative", "negative", "neutral", "positive", "positive"]
    pred = ["negative", "neutral", "positive", "neutral", "positive", "negative"]
    # F1 negative 2/5, neutral 2/3, positive 1/2 -> mean 47/90
    assert macro_f1(gold, pred) == pytest.approx(47 / 90)
    assert macro_f1(gold, pred) == pytest.approx(f1_score(gold, pred, labels=list(LABELS), average="macro"))


def test_method_agreement_on_the_corpus(corpus_sentences):
    table = method_agreement(corpus_sentences)
    assert table[["method_a", "method_b"]].values.tolist() == [
        ["vader", "vader_adjusted"], ["vader", "afinn"], ["vader_adjusted", "afinn"]]
    assert (table["n"] == len(corpus_sentences)).all()
    assert table["kappa"].between(0, 1).all()


# ------------------------------------------------------------------ aggregation


@pytest.fixture
def small_tone() -> pd.DataFrame:
    return pd.DataFrame({
        "doc_id": ["a", "a", "a", "b", "c"], "sent_id": [1, 2, 3, 1, 1],
        "compound": [0.6, -0.4, 0.0, -0.8, 0.2],
        "label": ["positive", "negative", "neutral", "negative", "positive"],
        "n_words": [10, 20, 10, 5, 15],
    })


@pytest.fixture
def small_corpus() -> pd.DataFrame:
    return pd.DataFrame({"doc_id": ["a", "b", "c"], "outlet": ["X", "X", "Y"], "meeting_id": ["m1", "m2", "m2"]})


def test_aggregate_per_document_by_hand(small_tone):
    table = aggregate_tone(small_tone).set_index("doc_id")
    # a: mean (0.6 - 0.4 + 0) / 3 = 0.0667; weighted (6 - 8 + 0) / 40 = -0.05
    assert table.loc["a", "mean_compound"] == pytest.approx(0.2 / 3)
    assert table.loc["a", "weighted_compound"] == pytest.approx(-0.05)
    assert table.loc["a", ["share_negative", "share_neutral", "share_positive"]].tolist() == pytest.approx([1 / 3] * 3)
    assert table.loc["b", "n_sentences"] == 1 and table.loc["b", "weighted_compound"] == -0.8


def test_aggregate_per_outlet_and_meeting_by_hand(small_tone, small_corpus):
    outlets = aggregate_tone(small_tone, "outlet", small_corpus).set_index("outlet")
    # X = a + b: mean (0.6 - 0.4 + 0 - 0.8) / 4 = -0.15; weighted (6 - 8 + 0 - 4) / 45 = -0.1333
    assert outlets.loc["X", "mean_compound"] == pytest.approx(-0.15)
    assert outlets.loc["X", "weighted_compound"] == pytest.approx(-6 / 45)
    assert outlets.loc["X", "share_negative"] == 0.5
    meetings = aggregate_tone(small_tone, "meeting_id", small_corpus).set_index("meeting_id")
    # m2 = b + c: weighted (-4 + 3) / 20 = -0.05
    assert meetings.loc["m2", "weighted_compound"] == pytest.approx(-0.05)
    assert meetings.loc["m2", "n_words"] == 20


def test_aggregate_by_outlet_needs_the_corpus(small_tone):
    with pytest.raises(CorpusError, match="needs the corpus table"):
        aggregate_tone(small_tone, "outlet")


# ------------------------------------------------------------------ targeted tone


@pytest.fixture
def small_mentions() -> pd.DataFrame:
    return pd.DataFrame({
        "doc_id": ["a", "a", "a", "a", "b", "c"], "sent_id": [1, 1, 2, 2, 1, 1],
        "actor": ["Vladimir Putin", "Kremlin", "Emmanuel Macron", "Vladimir Putin", "Vladimir Putin", "Donald Trump"],
    })


@pytest.fixture
def small_actors() -> pd.DataFrame:
    return pd.DataFrame({"actor": ["Vladimir Putin", "Kremlin", "Emmanuel Macron", "Donald Trump"],
                         "side": ["Russia", "Russia", "European allies", "United States"]})


def test_a_sentence_counts_once_per_side(small_mentions, small_actors):
    targets = sentence_targets(small_mentions, small_actors)
    assert targets.values.tolist() == [["a", 1, "Russia"], ["a", 2, "European allies"], ["a", 2, "Russia"],
                                       ["b", 1, "Russia"], ["c", 1, "United States"]]


def test_targeted_tone_by_hand(small_tone, small_mentions, small_actors, small_corpus):
    per_doc = targeted_tone(small_tone, small_mentions, small_actors).set_index(["doc_id", "target"])
    # Russia in a: s1 (0.6, 10 words) and s2 (-0.4, 20 words) -> mean 0.1, weighted (6 - 8) / 30
    assert per_doc.loc[("a", "Russia"), "mean_compound"] == pytest.approx(0.1)
    assert per_doc.loc[("a", "Russia"), "weighted_compound"] == pytest.approx(-2 / 30)
    per_outlet = targeted_tone(small_tone, small_mentions, small_actors, by="outlet", corpus=small_corpus)
    russia_x = per_outlet.set_index(["outlet", "target"]).loc[("X", "Russia")]
    # Russia in outlet X: a s1, a s2, b s1 -> (0.6 - 0.4 - 0.8) / 3 = -0.2
    assert russia_x["n_sentences"] == 3 and russia_x["mean_compound"] == pytest.approx(-0.2)
    per_actor = targeted_tone(small_tone, small_mentions, small_actors, level="actor")
    assert set(per_actor["target"]) == {"Vladimir Putin", "Kremlin", "Emmanuel Macron", "Donald Trump"}


def test_unknown_actor_in_mentions_is_named(small_tone, small_actors):
    mentions = pd.DataFrame({"doc_id": ["a"], "sent_id": [1], "actor": ["Nobody Known"]})
    with pytest.raises(CorpusError, match="Nobody Known"):
        targeted_tone(small_tone, mentions, small_actors)


# ------------------------------------------------------------------ quotes vs narration


def test_quote_segments_on_a_real_sentence(corpus_sentences):
    # 001: Zelensky's warning, a speech quote followed by narration
    row = corpus_sentences[corpus_sentences["text"].str.startswith("“He really wants to divide Europe")].iloc[0]
    inner = "He really wants to divide Europe and America, Putin really wants that,"
    start = row["start"] + row["text"].index(inner)
    quotes = pd.DataFrame({"doc_id": [row["doc_id"]], "start": [start], "end": [start + len(inner)], "kind": ["speech"]})
    segments = quote_segments(corpus_sentences[corpus_sentences["doc_id"] == row["doc_id"]], quotes)
    mine = segments[segments["sent_id"] == row["sent_id"]]
    assert mine["part"].tolist() == ["quote", "narration"]
    assert mine["text"].iloc[0] == inner
    assert mine["text"].iloc[1].startswith("Zelensky warned after the summit")
    others = segments[segments["sent_id"] != row["sent_id"]]
    assert (others["part"] == "narration").all()


def test_scare_quotes_stay_in_the_narration():
    sents = pd.DataFrame({"doc_id": ["a"], "sent_id": [1], "start": [0],
                          "text": ["The “coalition of the willing” met."]})
    quotes = pd.DataFrame({"doc_id": ["a"], "start": [5], "end": [29], "kind": ["scare"]})
    assert quote_segments(sents, quotes)[["part", "text"]].values.tolist() == [["narration", "The “coalition of the willing” met."]]


def test_quote_vs_narration_summary_by_hand():
    first, second = "“This is a terrible war,” Macron said.", "Leaders met in Paris."
    sents = pd.DataFrame({"doc_id": ["a", "a"], "sent_id": [1, 2], "start": [0, len(first) + 1],
                          "text": [first, second]})
    quotes = pd.DataFrame({"doc_id": ["a"], "start": [1], "end": [25], "kind": ["speech"]})
    segments, summary = quote_vs_narration(sents, quotes)
    assert segments["text"].tolist() == ["This is a terrible war,", "Macron said.", "Leaders met in Paris."]
    summary = summary.set_index("part")
    assert summary.loc["quote", "mean_compound"] == segments["compound"].iloc[0] < -0.5
    assert summary.loc["narration", "n_sentences"] == 2 and summary.loc["narration", "mean_compound"] == 0.0


# ------------------------------------------------------------------ validation


def test_the_gold_is_read_and_checked(gold):
    assert len(gold) == 143
    assert gold.groupby("split").size().to_dict() == {"test": 70, "tune": 73}
    assert set(gold["label"]) == set(LABELS)


def test_a_bad_gold_label_is_named(tmp_data):
    path = tmp_data / "annotations" / "sentiment_gold.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace(",negative,", ",angry,", 1).replace(",positive,", ",angry,", 1).replace(",neutral,", ",angry,", 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="line 4: label 'angry'"):
        load_sentiment_gold(tmp_data)


def test_confusion_matrix_rows_are_the_gold_counts(gold):
    result = evaluate(gold, "vader", split="test")
    assert result.n == 70
    assert result.confusion.sum(axis=1).to_dict() == {"negative": 33, "neutral": 24, "positive": 13}
    assert result.accuracy == pytest.approx(sum(result.confusion.loc[label, label] for label in LABELS) / 70)
    table = confusion_table(gold, ["vader"])
    assert table["n"].sum() == 70 and len(table) == 9


def test_measured_validation_numbers(gold):
    """The numbers reported in notebook 02 (tune was used to choose the overrides; test reports)."""
    table = validation_table(gold).set_index(["split", "method"])
    assert table["macro_f1"].round(4).to_dict() == {
        ("test", "vader"): 0.5073, ("test", "vader_adjusted"): 0.5833, ("test", "afinn"): 0.4406,
        ("tune", "vader"): 0.4966, ("tune", "vader_adjusted"): 0.5369, ("tune", "afinn"): 0.4734,
    }
    assert table.loc[("test", "vader_adjusted"), "accuracy"] == pytest.approx(42 / 70)


def test_the_notebook_method_beats_raw_vader_on_the_test_split(gold):
    method = notebook_parameters(notebooks_dir() / "02_sentiment.ipynb")["tone_method"]
    chosen = evaluate(gold, method, split="test").macro_f1
    raw = evaluate(gold, "vader", split="test").macro_f1
    assert chosen > raw


def test_failure_cases_are_the_misclassified_sentences(gold):
    cases = failure_cases(gold, "vader", split="test")
    result = evaluate(gold, "vader", split="test")
    assert len(cases) == round(70 * (1 - result.accuracy))
    assert (cases["gold"] != cases["predicted"]).all()
    # 004 s30 '"This only hardens our resolve," he added.': raw NLTK VADER strips one ASCII mark
    # per word, so 'resolve,"' is never looked up and the sentence scores 0; adjusted gets it right
    canonical = cases[cases["sentence"].str.contains("hardens our resolve")]
    assert canonical[["gold", "predicted", "compound"]].values.tolist() == [["negative", "neutral", 0.0]]
    adjusted = failure_cases(gold, "vader_adjusted", split="test")
    assert not adjusted["sentence"].str.contains("hardens our resolve").any()


def test_the_gain_over_raw_vader_sentence_by_sentence(gold):
    """9 test sentences are fixed by the adjustment and 3 broken: a gain, but on 12 discordant
    sentences an exact two-sided McNemar test gives p = 598/4096 = 0.146, not conclusive."""
    result = paired_comparison(gold, "vader", "vader_adjusted")
    assert (result["n"], result["only_a_right"], result["only_b_right"]) == (70, 3, 9)
    # P(X <= 3) for X ~ Binomial(12, 1/2) = (1 + 12 + 66 + 220) / 4096 = 299/4096; doubled
    assert result["p_value"] == pytest.approx(2 * 299 / 4096)


# ---------------------------------------------------------------------------- scale (issue 13)

AFINN_CASES = [
    "It is NOT good;  it does not   work, a cover-up.", "can't stand it", "Well-being, well being", "kind of kindness",
    "fed up!", "no fun-loving", "non-approved", "son-of-a-bitch!", "The ill-fated, well-established plan",
    "self-confidently", "cashing in on it", "does not workers", "not goodness", "green washing and green wash",
    "a  bad\tluck\nstory", "ÉLAN good", "good_bad", "x-good", "good-x", "don't like", "dont like", "", "!!!",
]


def test_afinn_scorer_finds_the_words_of_the_package(corpus_sentences):
    from afinn import Afinn

    from corpus_tools.sentiment import AfinnScorer

    package, scorer = Afinn(language="en"), AfinnScorer()
    texts = [*corpus_sentences["text"], *AFINN_CASES]
    assert [scorer.words(t) for t in texts] == [package.find_all(t) for t in texts]
    assert sum(len(scorer.words(t)) for t in corpus_sentences["text"]) > 100
    assert scorer.words(AFINN_CASES[0]) == ["not good", "does not work", "cover-up"]  # multiword entries win
    assert scorer.values(AFINN_CASES[0]) == [-2, -3, -3]


@pytest.mark.parametrize("method", ["vader", "vader_adjusted", "afinn"])
def test_repeated_texts_are_scored_once_with_the_same_numbers(corpus_sentences, method):
    from corpus_tools.sentiment import score_texts

    texts = corpus_sentences["text"].tolist()[:60]
    repeated = texts + texts[::-1] + texts[:7]
    once = score_texts(texts, method)
    got = score_texts(repeated, method)
    expected = pd.concat([once, once.iloc[::-1], once.head(7)], ignore_index=True)
    pd.testing.assert_frame_equal(got, expected)
    pd.testing.assert_frame_equal(score_texts(texts[:1], method), once.head(1))


def _segments_by_character(sents, quotes):
    """The reference: every character marked inside or outside a quote, runs found one by one."""
    rows = []
    spans = {d: list(zip(q["start"], q["end"])) for d, q in quotes.groupby("doc_id")}
    for doc_id, sent_id, text, s_start in zip(sents["doc_id"], sents["sent_id"], sents["text"], sents["start"]):
        inside = [any(lo <= s_start + k < hi for lo, hi in spans.get(doc_id, [])) for k in range(len(text))]
        i = 0
        while i < len(text):
            j = i
            while j < len(text) and inside[j] == inside[i]:
                j += 1
            piece = text[i:j]
            lead = len(piece) - len(piece.lstrip(" \u201c\u201d\"'\u2018\u2019"))
            trail = len(piece) - len(piece.rstrip(" \u201c\u201d\"'\u2018\u2019"))
            core = piece[lead: len(piece) - trail]
            if any(c.isalnum() for c in core):
                rows.append((doc_id, int(sent_id), "quote" if inside[i] else "narration", int(s_start + i + lead),
                             int(s_start + j - trail), core))
            i = j
    return pd.DataFrame(rows, columns=["doc_id", "sent_id", "part", "start", "end", "text"])


def test_quote_segments_equal_a_character_by_character_cut(corpus, corpus_sentences):
    from corpus_tools.quotes import quotes as find_quotes

    found = find_quotes(corpus)
    speech = found[found["kind"] == "speech"]
    assert len(speech) > 20
    got = quote_segments(corpus_sentences, found)
    pd.testing.assert_frame_equal(got, _segments_by_character(corpus_sentences, speech))
    assert (got["part"] == "quote").sum() >= len(speech)


def _summarise_by_groupby(rows, by="doc_id", corpus=None, *, n_boot=2000, seed=11):
    """The plain pandas version of ``target_tone.summarise_tone_toward`` (one group per cell,
    ``Generator.choice`` for the resamples), kept as the reference its fast body must equal."""
    import numpy as np

    from corpus_tools.target_tone import POLARITIES, SIDES

    if by not in rows.columns:
        rows = rows.merge(corpus[["doc_id", by]], on="doc_id", how="left", validate="many_to_one")
    rng = np.random.default_rng(seed)
    out = []
    for (key, target), part in rows.groupby([by, "target"], sort=True):
        scores = part["score"].to_numpy(dtype=float)
        means = rng.choice(scores, size=(n_boot, len(scores)), replace=True).mean(axis=1)
        low, high = np.percentile(means, [2.5, 97.5])
        out.append({by: key, "target": target, "n": len(part), "mean_score": float(scores.mean()),
                    "ci_low": float(low), "ci_high": float(high),
                    **{f"share_{p}": float((part["polarity"] == p).mean()) for p in POLARITIES}})
    columns = [by, "target", "n", "mean_score", "ci_low", "ci_high", "share_negative", "share_neutral", "share_positive"]
    table = pd.DataFrame(out, columns=columns)
    order = {s: i for i, s in enumerate(SIDES)}
    table = table.assign(_o=table["target"].map(order)).sort_values([by, "_o"], kind="stable")
    return table.drop(columns="_o").astype({"n": "int64"}).reset_index(drop=True)


def test_summarise_tone_toward_equals_the_groupby_version(corpus):
    import numpy as np

    from corpus_tools import process, target_tone
    from corpus_tools.target_tone import summarise_tone_toward

    rows = process(corpus).tone_toward
    for by in ("doc_id", "outlet", "meeting_id"):
        pd.testing.assert_frame_equal(summarise_tone_toward(rows, by, corpus, n_boot=300),
                                      _summarise_by_groupby(rows, by, corpus, n_boot=300), check_exact=True)
    rng = np.random.default_rng(1)  # many small cells, rows in no order
    big = pd.DataFrame({"doc_id": rng.choice([f"d{i:03d}" for i in range(300)], 2000),
                        "target": rng.choice(list(target_tone.SIDES), 2000), "score": rng.normal(size=2000).round(3),
                        "polarity": rng.choice(["negative", "neutral", "positive"], 2000)})
    pd.testing.assert_frame_equal(summarise_tone_toward(big, n_boot=200), _summarise_by_groupby(big, n_boot=200),
                                  check_exact=True)
    with pytest.raises(CorpusError, match="needs the corpus"):
        summarise_tone_toward(big, "outlet")
