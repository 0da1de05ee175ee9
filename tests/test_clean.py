import re

import numpy as np
import pandas as pd
import pytest

from corpus_tools.clean import clean_text, collapse_whitespace, normalize_punctuation, normalize_unicode, remove_boilerplate
from corpus_tools.corpus import cleaning_audit

QUOTE_MARKS = "“”\"‘’'"


def test_nfc_and_invisible_characters():
    assert normalize_unicode("Elyse\u0301e") == "Elysée"
    assert normalize_unicode("a\u00a0b\u202fc\u200bd\ufeff") == "a b cd"


@pytest.mark.parametrize(
    "raw, clean",
    [
        ("Zelensky\u2019s plan", "Zelensky's plan"),
        ("we\u2019ve seen", "we've seen"),
        ("the meeting \u2013 attended by", "the meeting \u2014 attended by"),
        ("the meeting - attended by", "the meeting \u2014 attended by"),
        ("peace--now", "peace\u2014now"),
        ("30\u2011day", "30-day"),
        ("Franco-British", "Franco-British"),
        ("\u2018Progress\u2019 and \u201cpeace\u201d", "\u2018Progress\u2019 and \u201cpeace\u201d"),  # quote marks stay
        ('"robust" guarantees', '"robust" guarantees'),
    ],
)
def test_punctuation_is_consistent_but_quotes_stay(raw, clean):
    assert normalize_punctuation(raw) == clean


def test_whitespace_collapses_into_paragraphs():
    assert collapse_whitespace("\n a  b \n\n\n c\td \n") == "a b\n\nc d"
    assert collapse_whitespace("   \n\t") == ""


def test_audit_points_at_raw_lines_and_spans():
    raw = "Support The Moscow Times!\n\nLeaders met. AP / TASS\nRead more"
    kept, audit = remove_boilerplate(raw, doc_id="x")
    assert audit[["rule_id", "line_start", "col_start", "col_end", "text"]].values.tolist() == [
        ["support-banner", 1, 0, 25, "Support The Moscow Times!"],
        ["photo-credit", 3, 12, 22, " AP / TASS"],
        ["read-more", 4, 0, 9, "Read more"],
    ]
    assert raw.split("\n")[2][12:22] == " AP / TASS"
    assert kept.split("\n")[2] == "Leaders met."


def test_block_without_its_end_line_removes_nothing():
    raw = "A Message from The Moscow Times:\nDear readers, this is really the article."
    kept, audit = remove_boilerplate(raw)
    assert kept == raw and audit.empty


def test_line_rules_never_cut_into_a_sentence():
    raw = "He said: See more: nothing here. By supporting allies, we win.\nBy supporting The Moscow Times, you help."
    kept, audit = remove_boilerplate(raw)
    assert kept == raw and audit.empty


def test_custom_rules_table_is_used():
    rules = pd.DataFrame([{"rule_id": "ad", "kind": "line", "pattern": "ADVERTISEMENT", "end_pattern": "", "description": ""}])
    text, audit = clean_text("ADVERTISEMENT\nMacron spoke.", rules, doc_id="d")
    assert text == "Macron spoke." and audit["rule_id"].tolist() == ["ad"]


def _quotes(text: str) -> list[str]:
    return re.findall(r"“[^”]*”|\"[^\"]*\"", text)


def test_fourth_article_keeps_every_quotation_and_loses_only_the_link(corpus):
    doc = corpus.iloc[3]
    raw_quotes = _quotes(normalize_punctuation(doc["text_raw"]))
    assert len(raw_quotes) >= 8
    assert _quotes(doc["text"]) == raw_quotes
    assert "See more:" not in doc["text"]
    assert "The British leader noted" in doc["text"] and "Both Starmer and Macron" in doc["text"]
    assert sum(doc["text"].count(c) for c in "“”") == sum(doc["text_raw"].count(c) for c in "“”")


def test_fifth_article_loses_its_appeal_and_keeps_its_story(corpus):
    doc = corpus.iloc[4]
    for gone in ["Support The Moscow Times!", "Sign up for our free weekly newsletter", "Dear readers",
                 "undesirable", "Remind me later", "Read more", "AP / TASS", "paiment methods"]:
        assert gone not in doc["text"], gone
    for kept in ["This only hardens our resolve", "I cannot imagine a scenario", "Coalition of the Willing",
                 "is greeted by French President Emmanuel Macron"]:
        assert kept in doc["text"], kept
    assert doc["text"].endswith("violate Danish sovereignty.\"")


def test_audit_of_the_corpus_lists_exactly_the_boilerplate(corpus):
    audit = cleaning_audit(corpus)
    assert audit[["doc_id", "rule_id"]].values.tolist() == [
        ["003_2b7f16d37a3bbf4f", "see-more-link"],
        ["004_a8e185546eefeca8", "support-banner"],
        ["004_a8e185546eefeca8", "photo-credit"],
        ["004_a8e185546eefeca8", "newsletter-signup"],
        ["004_a8e185546eefeca8", "donation-appeal"],
        ["004_a8e185546eefeca8", "read-more"],
    ]
    appeal = audit[audit["rule_id"] == "donation-appeal"].iloc[0]
    assert appeal["text"].startswith("A Message from The Moscow Times:") and appeal["text"].endswith("Remind me later.")
    assert (appeal["line_start"], appeal["line_end"]) == (71, 91)


def test_quotation_marks_survive_cleaning_everywhere(corpus):
    for raw, text in zip(corpus["text_raw"], corpus["text"]):
        kept_raw = raw.replace("Support The Moscow Times!", "")
        cut = kept_raw.find("Sign up for our free weekly newsletter")
        kept_raw = kept_raw if cut < 0 else kept_raw[:cut]
        for mark in "“”\"":
            assert text.count(mark) == kept_raw.count(mark), mark


# ------------------------------------------------------------------ the faster passes give the same text


_OLD_APOSTROPHE = re.compile(r"(?<=[^\W\d_])[\u2019\u02bc\u2032\u00b4`](?=[^\W\d_])")
_OLD_SPACED_DASH = re.compile(r"(?<=\S) +(?:--|-|\u2013|\u2014|\u2015) +(?=\S)")
_OLD_DOUBLE_HYPHEN = re.compile(r"(?<=\w)--(?=\w)")
_OLD_HYPHENS = re.compile(r"[\u2010\u2011\u2212]")


def _old_normalize_punctuation(text: str) -> str:
    """normalize_punctuation as it was written before its patterns were reordered for speed."""
    text = _OLD_APOSTROPHE.sub("'", text)
    text = _OLD_SPACED_DASH.sub(" \u2014 ", text)
    text = _OLD_DOUBLE_HYPHEN.sub("\u2014", text)
    return _OLD_HYPHENS.sub("-", text)


def _tricky_texts(n: int, seed: int = 3) -> list[str]:
    """Seeded strings over the characters the punctuation rules look at."""
    alphabet = ["a", "B", "é", "1", "_", " ", "  ", "-", "--", "---", "\u2013", "\u2014", "\u2015", "\u2019", "\u02bc",
                "\u2032", "\u00b4", "`", "\u2010", "\u2011", "\u2212", "\n", "\t", ".", "ж"]
    rng = np.random.default_rng(seed)
    return ["".join(alphabet[i] for i in rng.integers(len(alphabet), size=int(rng.integers(1, 40)))) for _ in range(n)]


def test_normalize_punctuation_equals_the_previous_patterns(corpus):
    texts = _tricky_texts(30_000) + corpus["text_raw"].tolist()
    for text in texts:
        assert normalize_punctuation(text) == _old_normalize_punctuation(text), repr(text)


def test_clean_texts_equals_clean_text(corpus):
    from corpus_tools.clean import clean_texts
    from corpus_tools.resources import load_boilerplate_rules

    rules = load_boilerplate_rules()
    texts = corpus["text_raw"].tolist() + _tricky_texts(2000) + ["Support The Moscow Times!\nRead more\nLeaders met."]
    assert clean_texts(texts, rules) == [clean_text(t, rules)[0] for t in texts]
