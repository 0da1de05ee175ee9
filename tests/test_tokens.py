import re

import pandas as pd
import pytest
from nltk.tokenize import RegexpTokenizer

from corpus_tools.tokens import TOKEN_PATTERN, lower_form, sentence_spans, sentences, tokens, word_spans

NLTK_TOKENIZER = RegexpTokenizer(TOKEN_PATTERN)  # the reference: NLTK's tokenizer, as tokens.py used it before


def _sents(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text)]


def _words(text: str) -> list[str]:
    return [text[s:e] for s, e in word_spans(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        # from the corpus
        ("It was convened amid growing concerns that U.S. President Donald Trump may be ready. This was the third meeting.",
         ["It was convened amid growing concerns that U.S. President Donald Trump may be ready.", "This was the third meeting."]),
        ("“Since Ukraine announced this decision, there has been no response from Russia,” Macron added. “There have only been new conditions.”",
         ["“Since Ukraine announced this decision, there has been no response from Russia,” Macron added.", "“There have only been new conditions.”"]),
        ("Starmer said the U.K. and France will establish hubs. \"This only hardens our resolve,\" he added.",
         ["Starmer said the U.K. and France will establish hubs.", "\"This only hardens our resolve,\" he added."]),
        ("This was the third meeting — and the second in person — of the coalition. It met.",
         ["This was the third meeting — and the second in person — of the coalition.", "It met."]),
        # invented edge cases
        ("Mr. Smith met Gen. J. R. Allen in Paris. They spoke.", ["Mr. Smith met Gen. J. R. Allen in Paris.", "They spoke."]),
        ("Why? Because it matters! Yes.", ["Why?", "Because it matters!", "Yes."]),
        ("Headline without a period\n\nBody sentence.", ["Headline without a period", "Body sentence."]),
        ("", []),
    ],
)
def test_sentence_splitting(text, expected):
    assert _sents(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("30,000 soldiers", ["30,000", "soldiers"]),
        ("$2 billion", ["$2", "billion"]),
        ("the Franco-British plan", ["the", "Franco-British", "plan"]),
        ("Zelensky's playbook", ["Zelensky", "'s", "playbook"]),
        ("Zelensky’s playbook", ["Zelensky", "’s", "playbook"]),
        ("a 30-day ceasefire, 20% of Ukraine", ["a", "30-day", "ceasefire", ",", "20%", "of", "Ukraine"]),
        ("the U.S.-brokered deal", ["the", "U.S.", "-", "brokered", "deal"]),
        ("we haven't, O'Brien", ["we", "have", "n't", ",", "O'Brien"]),
        ("“now is not the time”", ["“", "now", "is", "not", "the", "time", "”"]),
        ("", []),
    ],
)
def test_word_tokens(text, expected):
    assert _words(text) == expected


def test_us_country_is_not_the_pronoun_us():
    assert lower_form("US") == "US" and lower_form("us") == "us" and lower_form("Us") == "us"
    docs = pd.DataFrame({"doc_id": ["d"], "text": ["The US told us the news. NATO agreed."]})
    toks = tokens(sentences(docs))
    row = toks.set_index("token")
    assert row.loc["US", "lower"] == "US" and not row.loc["US", "is_stop"]
    assert row.loc["us", "is_stop"] and row.loc["The", "is_stop"]
    assert row.loc["NATO", "lower"] == "NATO"


def test_tables_are_tidy_with_offsets_into_the_text(corpus, corpus_sentences, corpus_tokens):
    assert corpus_sentences.columns.tolist() == ["doc_id", "sent_id", "text", "start", "end"]
    assert corpus_tokens.columns.tolist()[:7] == ["doc_id", "sent_id", "token_id", "token", "lower", "is_stop", "is_alpha"]
    texts = corpus.set_index("doc_id")["text"]
    for row in corpus_sentences.sample(20, random_state=0).itertuples():
        assert texts[row.doc_id][row.start:row.end] == row.text
    for row in corpus_tokens.sample(200, random_state=0).itertuples():
        assert texts[row.doc_id][row.start:row.end] == row.token
    # ids count from 1 and are unique within a document
    assert corpus_sentences.groupby("doc_id")["sent_id"].min().eq(1).all()
    assert not corpus_tokens.duplicated(["doc_id", "token_id"]).any()
    assert corpus_tokens.groupby("doc_id")["token_id"].apply(lambda s: s.is_monotonic_increasing).all()


def test_sentence_counts_of_the_seed_corpus(corpus_sentences):
    # counted by reading the cleaned articles: headlines and sub-headings count as sentences
    assert corpus_sentences.groupby("doc_id").size().tolist() == [22, 23, 45, 17, 36]


def test_is_alpha_marks_words_not_numbers_or_clitics():
    docs = pd.DataFrame({"doc_id": ["d"], "text": ["Zelensky's 30,000 U.S. troops, n't."]})
    toks = tokens(sentences(docs)).set_index("token")["is_alpha"].to_dict()
    assert toks == {"Zelensky": True, "'s": False, "30,000": False, "U.S.": True, "troops": True, ",": False, "n't": False, ".": False}


def test_empty_and_one_word_documents():
    docs = pd.DataFrame({"doc_id": ["empty", "one"], "text": ["", "Ceasefire"]})
    sents = sentences(docs)
    assert sents["doc_id"].tolist() == ["one"]
    toks = tokens(sents)
    assert toks[["token_id", "token", "lower"]].values.tolist() == [[1, "Ceasefire", "ceasefire"]]
    assert tokens(sentences(docs.iloc[:1])).empty


# ------------------------------------------------------------------ the memoised tokenizer gives the same tables

def _old_tokens(sents: pd.DataFrame) -> pd.DataFrame:
    """tokens() as it was: the tokenizer on every sentence, every token classified afresh."""
    from corpus_tools.resources import load_stopwords
    from corpus_tools.tokens import _ALPHA_WORD, _CLITIC_WORD, TOKEN_COLUMNS

    stopwords = load_stopwords()
    rows, counters = [], {}
    for doc_id, sent_id, text, offset in zip(sents["doc_id"], sents["sent_id"], sents["text"], sents["start"]):
        n = counters.get(doc_id, 0)
        for start, end in NLTK_TOKENIZER.span_tokenize(text):
            n += 1
            token = text[start:end]
            lower = lower_form(token)
            is_alpha = bool(_ALPHA_WORD.fullmatch(token)) and not _CLITIC_WORD.fullmatch(token)
            rows.append((doc_id, sent_id, n, token, lower, lower in stopwords, is_alpha, offset + start, offset + end))
        counters[doc_id] = n
    table = pd.DataFrame(rows, columns=TOKEN_COLUMNS)
    return table.astype({"sent_id": "int64", "token_id": "int64", "is_stop": bool, "is_alpha": bool, "start": "int64", "end": "int64"})


def _odd_sentences(n: int, seed: int = 5) -> pd.DataFrame:
    import numpy as np

    pieces = ["Zelensky", "'s", "’s", "can't", "don’t", "U.S.", "$2", "30,000", "20%", "30-day", "Franco-British", "O'Brien",
              "ab\u0307cd", "\u0307x", "q\u0307", "x_y", "\x1c", "\u00a0", "\t", " ", " ", " ", "  ", "\n", "“", "”", ",", ".",
              "US", "NATO", "the", "The", "—", "n't", "'", "e.g.", "2.5", "-", "ʼ", "١٢", "İstanbul"]
    rng = np.random.default_rng(seed)
    texts = ["".join(pieces[i] for i in rng.integers(len(pieces), size=int(rng.integers(1, 30)))) for _ in range(n)]
    return pd.DataFrame({"doc_id": [f"d{i // 7}" for i in range(n)], "sent_id": [i % 7 + 1 for i in range(n)],
                         "text": texts, "start": [3 * i for i in range(n)]})


def test_tokens_equal_the_previous_implementation(corpus_sentences):
    from corpus_tools.tokens import tokens as new_tokens

    for sents in (corpus_sentences, _odd_sentences(20_000)):
        pd.testing.assert_frame_equal(new_tokens(sents), _old_tokens(sents), check_exact=True)


def test_count_words_counts_the_tokenizer_words(corpus_sentences):
    from corpus_tools.tokens import count_words

    for text in corpus_sentences["text"].tolist() + _odd_sentences(20_000)["text"].tolist():
        want = sum(1 for a, b in NLTK_TOKENIZER.span_tokenize(text) if re.search(r"[^\W_]", text[a:b]))
        assert count_words(text) == want, repr(text)


def test_word_spans_are_nltk_regexp_tokenizer_spans(corpus_sentences):
    for text in corpus_sentences["text"].tolist() + _odd_sentences(20_000)["text"].tolist():
        assert word_spans(text) == list(NLTK_TOKENIZER.span_tokenize(text)), repr(text)


@pytest.mark.parametrize("sents", [
    pd.DataFrame({"doc_id": ["a", "a", "b"], "sent_id": [1, 2, 1], "text": ["", "  x  y ", "\n"], "start": [0, 1, 9]}),
    pd.DataFrame({"doc_id": [7, 7, 8], "sent_id": [1, 2, 1], "text": ["A b.", "C\nd e\n", "f"], "start": [0, 5, 0]}),
    pd.DataFrame({"doc_id": ["b", "a", "b"], "sent_id": [1, 1, 2], "text": ["One two.", "Three.", "Four five."], "start": [0, 0, 9]}),
    pd.DataFrame({"doc_id": pd.Series([], dtype=str), "sent_id": pd.Series([], dtype="int64"),
                  "text": pd.Series([], dtype=str), "start": pd.Series([], dtype="int64")}),
], ids=["empty-and-blank", "int-ids-and-line-breaks", "interleaved-documents", "no-sentences"])
def test_tokens_edge_cases_equal_the_previous_implementation(sents):
    pd.testing.assert_frame_equal(tokens(sents), _old_tokens(sents), check_exact=True)


def test_remembered_punkt_answers_split_as_a_fresh_punkt(corpus):
    import string

    from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

    from corpus_tools.resources import load_abbreviations

    params = PunktParameters()
    params.abbrev_types = set(load_abbreviations()) | set(string.ascii_lowercase)
    fresh = PunktSentenceTokenizer(params)
    extra = ["He said. The U.S. had left. Gen. Smith agreed.", "“Now.” Then (it ended.) Next!", "a. b. c. D. E.",
             "Mr. Macron met Mrs. May at 3 p.m. Tuesday. They left."]
    texts = corpus["text"].tolist() + extra
    for _ in range(2):  # the second pass answers from memory
        for text in texts:
            want = [(p.start() + a, p.start() + b) for p in re.finditer(r"[^\n]+", text) for a, b in fresh.span_tokenize(p.group())]
            assert sentence_spans(text) == want


def test_contexts_decided_without_punkt_get_punkt_s_answer(corpus):
    """Every candidate end that ``_plain_sentbreak`` decides (the usual "said. The") gets the
    answer Punkt itself gives, on the corpus, the style suite and random strings of the pieces
    that change Punkt's tokens (dots, initials, numbers, quotes, hyphens, other spaces)."""
    import string

    import numpy as np
    from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

    from corpus_tools.quotes import load_style_suite
    from corpus_tools.resources import load_abbreviations
    from corpus_tools.tokens import _plain_sentbreak

    params = PunktParameters()
    params.abbrev_types = set(load_abbreviations()) | set(string.ascii_lowercase)
    fresh = PunktSentenceTokenizer(params)
    pieces = ["Paris", "said", "Mr", "Gen", "gen", "U.S", "p.m", "a.b", "J", "é", "Élysée", "İ", "ǅ", "ß", "G7", "2nd", "30",
              "x", "the", "They", "", " ", "  ", "\t", "\u00a0", ".", "..", "?", "!", ",", ";", ":", "-", "--", "/", "_", "(",
              ")", "'", '"', "“", "”", "‘", "’", "«", "»", "²", "e\u0301"]
    rng = np.random.default_rng(11)
    paragraphs = [line for text in [*corpus["text"], *corpus["text_raw"], *load_style_suite()[0]["text_raw"]]
                  for line in text.split("\n")]
    paragraphs += ["".join(pieces[i] for i in rng.integers(len(pieces), size=int(rng.integers(1, 10)))) for _ in range(30_000)]
    decided = 0
    for paragraph in paragraphs:
        for _match, context in fresh._match_potential_end_contexts(paragraph):
            found = _plain_sentbreak(context, params.abbrev_types)
            if found is not None:
                decided += 1
                assert found == fresh.text_contains_sentbreak(context), context
    assert decided > 1_000
    assert [_plain_sentbreak(c, params.abbrev_types) for c in ["Paris. They", "Gen. Smith", "U.S. forces", "said.”", "why? I"]] == [
        True, False, False, True, True]
