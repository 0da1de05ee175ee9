import hashlib
import warnings

import pandas as pd
import pytest

from corpus_tools import CorpusError, CorpusWarning, check_corpus, data_dir, load_corpus, load_meetings
from corpus_tools.corpus import MANIFEST_COLUMNS, corpus_summary, decode_article, parse_iso_date, sha256_of

from conftest import snapshot


def _manifest(tmp_data):
    return pd.read_csv(tmp_data / "corpus.csv", dtype=str, keep_default_na=False)


def _write_manifest(tmp_data, df):
    df.to_csv(tmp_data / "corpus.csv", index=False, lineterminator="\n")


def _errors(tmp_data):
    return [str(p) for p in check_corpus(tmp_data) if p.level == "error"]


def test_every_raw_file_matches_its_manifest_checksum():
    manifest = pd.read_csv(data_dir() / "corpus.csv", dtype=str, keep_default_na=False)
    assert len(manifest) == 5
    for row in manifest.itertuples():
        assert hashlib.sha256((data_dir() / "raw" / row.file).read_bytes()).hexdigest() == row.sha256, row.file


def test_manifest_keeps_unknowns_empty():
    manifest = pd.read_csv(data_dir() / "corpus.csv", dtype=str, keep_default_na=False).set_index("doc_id")
    assert manifest.loc["003_2b7f16d37a3bbf4f", "published"] == ""  # PROVENANCE.md: date unknown
    assert manifest.loc["002_fbf5865268e026ae", "original_language"] == ""  # translation not confirmed
    assert manifest.loc["001_02db67045c6df099", "published"] == "2025-03-27"
    assert manifest["meeting_id"].value_counts().to_dict() == {"paris-2025-03-27": 3, "brussels-2025-03-20": 1, "paris-2026-01-06": 1}


def test_load_corpus_returns_one_row_per_document(corpus):
    assert corpus.columns.tolist() == MANIFEST_COLUMNS + ["text_raw", "text", "n_chars", "n_sentences", "n_words"]
    assert corpus["doc_id"].is_unique and len(corpus) == 5
    assert corpus["published"].isna().tolist() == [False, False, False, True, False]
    assert corpus.loc[4, "n_words"] < len(corpus.loc[4, "text_raw"].split())  # the appeal is gone
    assert (corpus["n_chars"] == corpus["text"].str.len()).all()


def test_seed_corpus_checks_clean():
    assert check_corpus() == []


def test_meetings_sorted_by_date():
    meetings = load_meetings()
    assert meetings["date"].is_monotonic_increasing
    assert meetings.columns.tolist() == ["meeting_id", "date", "place", "description"]


def test_summary_lists_documents(corpus):
    assert corpus_summary(corpus)["n_words"].tolist() == corpus["n_words"].tolist()


# ---- bad input: each a clear error or warning, and nothing in data/ is changed -------------------

def test_missing_manifest(tmp_data):
    (tmp_data / "corpus.csv").unlink()
    with pytest.raises(CorpusError, match=r"corpus\.csv: manifest not found.*corpus-tools add"):
        load_corpus(tmp_data)


def test_row_naming_a_missing_file(tmp_data):
    (tmp_data / "raw" / "001_02db67045c6df099.txt").unlink()
    assert any("line 3 (doc_id '001_02db67045c6df099'): file '001_02db67045c6df099.txt' is not in" in e for e in _errors(tmp_data))


def test_raw_file_without_a_row_warns_and_is_ignored(tmp_data):
    (tmp_data / "raw" / "new_article.txt").write_text("Leaders met again.", encoding="utf-8")
    with pytest.warns(CorpusWarning, match=r"new_article\.txt: has no row in corpus\.csv.*corpus-tools add"):
        corpus = load_corpus(tmp_data)
    assert len(corpus) == 5


def test_checksum_mismatch_names_row_and_file(tmp_data):
    path = tmp_data / "raw" / "000_35e0b38e5505f0f8.txt"
    path.write_bytes(path.read_bytes() + b"\nAn edit.")
    with pytest.raises(CorpusError, match=r"line 2 \(doc_id '000_35e0b38e5505f0f8'\): sha256 does not match data/raw/000_35e0b38e5505f0f8\.txt"):
        load_corpus(tmp_data)


def _replace_file(tmp_data, content: bytes, doc="002_fbf5865268e026ae"):
    path = tmp_data / "raw" / f"{doc}.txt"
    path.write_bytes(content)
    manifest = _manifest(tmp_data)
    manifest.loc[manifest["doc_id"] == doc, "sha256"] = hashlib.sha256(content).hexdigest()
    _write_manifest(tmp_data, manifest)


@pytest.mark.parametrize("content", [b"", b"  \n\t\n"])
def test_empty_or_whitespace_article(tmp_data, content):
    _replace_file(tmp_data, content)
    assert any("002_fbf5865268e026ae.txt: empty or whitespace only (manifest line 4" in e for e in _errors(tmp_data))


def test_non_utf8_names_file_and_byte_offset(tmp_data):
    _replace_file(tmp_data, "Macron said ".encode() + b"\xe9t\xe9.")
    errors = _errors(tmp_data)
    assert any("002_fbf5865268e026ae.txt: not valid UTF-8 at byte offset 12 (byte 0xe9)" in e for e in errors), errors
    with pytest.raises(CorpusError, match="byte offset 12"):
        load_corpus(tmp_data)


def test_decode_article_offset():
    with pytest.raises(CorpusError, match=r"x\.txt: not valid UTF-8 at byte offset 2"):
        decode_article(b"ab\xff", "x.txt")


def test_duplicate_doc_id(tmp_data):
    manifest = _manifest(tmp_data)
    manifest.loc[1, "doc_id"] = manifest.loc[0, "doc_id"]
    _write_manifest(tmp_data, manifest)
    assert any("line 3 (doc_id '000_35e0b38e5505f0f8'): doc_id repeats line 2" in e for e in _errors(tmp_data))


def test_duplicate_text_under_two_ids_warns(tmp_data):
    manifest = _manifest(tmp_data)
    extra = manifest.iloc[[0]].assign(doc_id="copy_of_000")
    _write_manifest(tmp_data, pd.concat([manifest, extra]))
    with pytest.warns(CorpusWarning, match=r"line 7 \(doc_id 'copy_of_000'\): same text as line 2"):
        corpus = load_corpus(tmp_data)
    assert len(corpus) == 6


@pytest.mark.parametrize("value", ["27/03/2025", "2025-13-01", "March 27", "2025-3-7"])
def test_unparseable_date(tmp_data, value):
    manifest = _manifest(tmp_data)
    manifest.loc[0, "published"] = value
    _write_manifest(tmp_data, manifest)
    assert any(f"line 2 (doc_id '000_35e0b38e5505f0f8'): published '{value}' is not a date; write YYYY-MM-DD" in e for e in _errors(tmp_data))


def test_unknown_meeting_id_says_how_to_add_it(tmp_data):
    manifest = _manifest(tmp_data)
    manifest.loc[4, "meeting_id"] = "london-2026-03-01"
    _write_manifest(tmp_data, manifest)
    with pytest.raises(CorpusError, match=r"line 6 .*'london-2026-03-01' is not in meetings\.csv; add a row there"):
        load_corpus(tmp_data)


def test_bad_meetings_table(tmp_data):
    (tmp_data / "meetings.csv").write_text("meeting_id,date,place,description\nm1,2025-02-30,Paris,x\nm1,2025-03-01,Paris,y\n")
    errors = _errors(tmp_data)
    assert any("meetings.csv: line 2: date '2025-02-30' is not a date" in e for e in errors)
    assert any("meetings.csv: line 3: meeting_id 'm1' repeats line 2" in e for e in errors)


def test_all_problems_are_reported_at_once(tmp_data):
    manifest = _manifest(tmp_data)
    manifest.loc[0, "published"] = "soon"
    manifest.loc[1, "meeting_id"] = "nowhere"
    _write_manifest(tmp_data, manifest)
    (tmp_data / "raw" / "003_2b7f16d37a3bbf4f.txt").unlink()
    with pytest.raises(CorpusError, match="the corpus has 3 problem") as info:
        load_corpus(tmp_data)
    message = str(info.value)
    assert "published 'soon'" in message and "'nowhere'" in message and "003_2b7f16d37a3bbf4f.txt" in message


def test_checks_never_write_to_data(tmp_data):
    before = snapshot(tmp_data)
    (tmp_data / "raw" / "000_35e0b38e5505f0f8.txt").write_bytes(b"\xff")
    before = snapshot(tmp_data)
    check_corpus(tmp_data)
    with pytest.raises(CorpusError):
        load_corpus(tmp_data)
    assert snapshot(tmp_data) == before


def test_helpers():
    assert parse_iso_date("") is None
    with pytest.raises(ValueError):
        parse_iso_date("2025-3-27")
    assert len(sha256_of(data_dir() / "corpus.csv")) == 64


# ---- adding articles and meetings ------------------------------------------------------------

from corpus_tools.corpus import add_article, add_meeting  # noqa: E402

NEW_TEXT = "Leaders of the coalition met in London on Monday.\n“We stand with Ukraine,” the host said.\n"


def test_add_article_copies_text_and_appends_a_checked_row(tmp_data):
    before = (tmp_data / "corpus.csv").read_bytes()
    row = add_article(NEW_TEXT, outlet="Example Post", url="https://example.org/a", published="2026-01-07",
                      meeting_id="paris-2026-01-06", data_dir=tmp_data)
    assert row["doc_id"].startswith("005_") and row["file"] == row["doc_id"] + ".txt"
    assert (tmp_data / "raw" / row["file"]).read_bytes() == NEW_TEXT.encode()
    after = (tmp_data / "corpus.csv").read_bytes()
    assert after.startswith(before) and after.count(b"\n") == before.count(b"\n") + 1
    assert check_corpus(tmp_data) == []
    corpus = load_corpus(tmp_data)
    assert corpus.iloc[-1]["outlet"] == "Example Post" and corpus.iloc[-1]["n_sentences"] == 2


def test_add_article_with_a_new_meeting(tmp_data):
    row = add_article(NEW_TEXT, outlet="Example Post", meeting_id="london-2026-03-02",
                      new_meeting=("2026-03-02", "London"), data_dir=tmp_data)
    assert "london-2026-03-02" in set(load_meetings(tmp_data)["meeting_id"])
    assert row["published"] == ""


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"text": ""}, "the article text is empty"),
        ({"text": b"caf\xe9"}, "not valid UTF-8 at byte offset 3"),
        ({"published": "07/01/2026"}, "published '07/01/2026' is not a date"),
        ({"meeting_id": "rome-2026-02-01"}, "meeting 'rome-2026-02-01' is not in .*add-meeting"),
        ({"outlet": " "}, "needs its outlet"),
        ({"meeting_id": "", "new_meeting": ("2026-03-02", "London")}, "--new-meeting needs"),
        ({"meeting_id": "london", "new_meeting": ("2026-13-02", "London")}, "meeting date '2026-13-02' is not a date"),
    ],
)
def test_bad_add_leaves_the_corpus_byte_identical(tmp_data, kwargs, message):
    before = snapshot(tmp_data)
    args = {"text": NEW_TEXT, "outlet": "Example Post", "meeting_id": "paris-2026-01-06", **kwargs}
    with pytest.raises(CorpusError, match=message):
        add_article(args.pop("text"), data_dir=tmp_data, **args)
    assert snapshot(tmp_data) == before


def test_duplicate_text_is_refused(tmp_data):
    before = snapshot(tmp_data)
    existing = (tmp_data / "raw" / "001_02db67045c6df099.txt").read_text()
    with pytest.raises(CorpusError, match="already in the corpus as 001_02db67045c6df099"):
        add_article("  " + existing.replace("\n", "\n\n"), outlet="Copycat", data_dir=tmp_data)
    assert snapshot(tmp_data) == before


def test_add_refuses_while_the_corpus_is_broken(tmp_data):
    (tmp_data / "raw" / "000_35e0b38e5505f0f8.txt").write_text("edited")
    before = snapshot(tmp_data)
    with pytest.raises(CorpusError, match="fix the corpus first"):
        add_article(NEW_TEXT, outlet="Example Post", data_dir=tmp_data)
    assert snapshot(tmp_data) == before


def test_add_meeting_checks_id_date_and_duplicates(tmp_data):
    before = snapshot(tmp_data)
    for args, message in [
        (("Paris 2", "2026-01-06", "Paris"), "lower-case words"),
        (("paris-x", "6 Jan", "Paris"), "not a date"),
        (("paris-2025-03-27", "2025-03-27", "Paris"), "already in"),
        (("paris-x", "2026-01-06", " "), "needs a place"),
    ]:
        with pytest.raises(CorpusError, match=message):
            add_meeting(*args, data_dir=tmp_data)
    assert snapshot(tmp_data) == before
    add_meeting("london-2026-03-02", "2026-03-02", "London", "Leaders' call", data_dir=tmp_data)
    assert load_meetings(tmp_data).iloc[-1].tolist()[0] == "london-2026-03-02"


def test_word_and_sentence_counts_are_the_same_whatever_the_chunk():
    from corpus_tools.corpus import _counts_by_chunk
    from corpus_tools.tokens import sentences, tokens

    corpus = load_corpus()
    docs = corpus[["doc_id", "text"]]
    whole_sents = sentences(docs)
    whole_toks = tokens(whole_sents)
    expected_words = whole_toks[whole_toks["is_alpha"]].groupby("doc_id").size()
    for chunk in (1, 2, 500):
        n_sentences, n_words = _counts_by_chunk(docs, data_dir(), chunk=chunk)
        assert n_sentences.sort_index().tolist() == whole_sents.groupby("doc_id").size().sort_index().tolist()
        assert n_words.sort_index().tolist() == expected_words.sort_index().tolist()
    assert corpus["n_words"].tolist() == corpus["doc_id"].map(expected_words).tolist()
    assert corpus["n_words"].gt(100).all()


def test_counts_read_from_the_cache_equal_the_counts_made_here(tmp_path, monkeypatch):
    import corpus_tools.corpus as corpus_module
    from corpus_tools import process

    cold = load_corpus(cache=tmp_path / "no-cache")  # no cache: tokenised here
    process(cold, ["sentences", "term_counts"], cache=tmp_path / "cache", scheduler="serial")
    process(cold.iloc[:4], ["sentences", "term_counts"], cache=tmp_path / "partial", scheduler="serial")

    def not_here(*args, **kwargs):
        raise AssertionError("counted by tokenising although the cache holds every document")

    with monkeypatch.context() as patch:
        patch.setattr(corpus_module, "_counts_by_chunk", not_here)
        warm = load_corpus(cache=tmp_path / "cache")
    pd.testing.assert_frame_equal(warm, cold)
    assert warm["n_sentences"].gt(10).all() and warm["n_words"].gt(100).all()
    # one document missing from the cache: every count is made here, the same
    assert corpus_module._counts_from_cache(cold, data_dir(), tmp_path / "partial") is None
    pd.testing.assert_frame_equal(load_corpus(cache=tmp_path / "partial"), cold)


def test_counts_from_the_cache_are_rows_of_sentences_and_sums_of_term_counts(tmp_path):
    from corpus_tools import process
    from corpus_tools.corpus import _counts_from_cache

    corpus = load_corpus(cache=tmp_path / "no-cache")
    done = process(corpus, ["sentences", "term_counts"], cache=tmp_path / "cache", scheduler="serial")
    n_sentences, n_words = _counts_from_cache(corpus, data_dir(), tmp_path / "cache")
    assert n_sentences.to_dict() == done.sentences.groupby("doc_id").size().to_dict()
    assert n_words.to_dict() == done.table("term_counts").groupby("doc_id")["n"].sum().to_dict()
    assert corpus.set_index("doc_id")["n_words"].to_dict() == n_words.to_dict()


def test_cleaning_audit_is_clean_texts_audits_in_corpus_order():
    from corpus_tools.clean import clean_text
    from corpus_tools.corpus import cleaning_audit
    from corpus_tools.resources import load_boilerplate_rules

    corpus = load_corpus()
    invented = pd.DataFrame({
        "doc_id": ["b", "a", "c"],
        "text_raw": ["By Jane Doe\nLeaders met in Paris. AP / AFP\nRead more\nSupport The Daily Example!",
                     "Talks ended.\nSign up for our newsletter\nx\nSubscribers agree to the Privacy Policy.\nPhoto: AP",
                     "Nothing to remove here."],
    })
    rules = load_boilerplate_rules()
    for frame in (corpus, invented, pd.concat([invented, corpus], ignore_index=True)):
        audits = [clean_text(t, rules, doc_id=d)[1] for t, d in zip(frame["text_raw"], frame["doc_id"])]
        expected = pd.concat([a for a in audits if len(a)], ignore_index=True)
        pd.testing.assert_frame_equal(cleaning_audit(frame), expected)
    assert cleaning_audit(invented)["doc_id"].tolist() == ["b"] * 4 + ["a"] * 2
    assert cleaning_audit(invented.iloc[2:]).columns.tolist() == AUDIT_COLUMNS_EXPECTED


AUDIT_COLUMNS_EXPECTED = ["doc_id", "rule_id", "kind", "line_start", "line_end", "col_start", "col_end", "text"]
