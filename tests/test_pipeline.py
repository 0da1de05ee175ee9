"""The cached, parallel and distributed pipeline gives the tables of the direct calls, and does
no work twice."""
from __future__ import annotations

import dataclasses
import json

import pandas as pd
import pytest

from corpus_tools import CorpusError, load_corpus, sentences, tokens
from corpus_tools.pipeline import (
    STAGES, articles_from_corpus, iter_articles, process, read_articles, stage_versions, term_counts,
)
from corpus_tools.sentiment import sentence_tone
from corpus_tools.speakers import mentions

AVAILABLE = [s for s in STAGES if s not in ("quotes", "indirect")] + (["quotes", "indirect"] if __import__("importlib").util.find_spec("corpus_tools.quotes") else [])


def direct(corpus: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Every stage computed by calling the public functions on the whole corpus."""
    sents = sentences(corpus)
    toks = tokens(sents)
    tables = {"sentences": sents, "tokens": toks, "term_counts": term_counts(toks),
              "tone": sentence_tone(sents, "vader_adjusted"), "mentions": mentions(corpus)}
    if "quotes" in AVAILABLE:
        from corpus_tools.quotes import indirect_speech, quotes

        tables["quotes"] = quotes(corpus)
        tables["indirect"] = indirect_speech(corpus)
    if "tone_toward" in AVAILABLE:
        from corpus_tools.target_model import predict_tone_toward

        # the stage's default: the learned layer over the rules' rows, titles resolved on each
        # document's date (what predict_tone_toward does given the corpus itself)
        tables["tone_toward"] = predict_tone_toward(corpus)
    return tables


@pytest.fixture(scope="module")
def expected(corpus):
    return direct(corpus)


def assert_same(processed, expected):
    for stage in AVAILABLE:
        pd.testing.assert_frame_equal(processed.table(stage), expected[stage], obj=stage)


def test_serial_cache_equals_direct_calls_and_rerun_does_nothing(corpus, expected, tmp_path, monkeypatch):
    first = process(corpus, AVAILABLE, cache=tmp_path, scheduler="serial")
    assert first.computed == {s: 5 for s in AVAILABLE}
    assert_same(first, expected)
    # a rerun with nothing changed does no text processing at all
    for name, stage in STAGES.items():
        monkeypatch.setitem(STAGES, name, dataclasses.replace(stage, run=lambda *a: pytest.fail("processed again")))
    again = process(corpus, AVAILABLE, cache=tmp_path, scheduler="serial")
    assert again.computed == {s: 0 for s in AVAILABLE}
    assert_same(again, expected)


@pytest.mark.slow
def test_process_pool_equals_direct_calls(corpus, expected, tmp_path, monkeypatch):
    # every worker is replaced after one batch (three batches, two workers), so the tables
    # also come from workers that started mid-run
    monkeypatch.setattr("corpus_tools.pipeline.WORKER_TASKS", 1)
    result = process(corpus, AVAILABLE, cache=tmp_path, scheduler="processes", workers=2, batch_size=2)
    assert result.computed == {s: 5 for s in AVAILABLE}
    assert_same(result, expected)


@pytest.mark.slow
def test_dask_local_cluster_of_two_workers_equals_direct_calls(corpus, expected, tmp_path):
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None) as cluster:
        assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
        result = process(corpus, AVAILABLE, cache=tmp_path, scheduler="dask", address=cluster.scheduler_address, batch_size=2)
    assert result.computed == {s: 5 for s in AVAILABLE}
    assert_same(result, expected)


def test_adding_one_article_processes_one_article(corpus, tmp_path):
    process(corpus.iloc[:4], ["tokens", "tone"], cache=tmp_path, scheduler="serial")
    result = process(corpus, ["tokens", "tone"], cache=tmp_path, scheduler="serial")
    assert result.computed == {"tokens": 1, "tone": 1}
    pd.testing.assert_frame_equal(result.table("tokens"), tokens(sentences(corpus)))


def test_changing_a_resource_invalidates_exactly_what_depends_on_it(tmp_data, tmp_path):
    corpus = load_corpus(tmp_data)
    stages = ["sentences", "tokens", "term_counts", "tone", "mentions"]
    process(corpus, stages, cache=tmp_path, scheduler="serial", data_dir=tmp_data)
    with (tmp_data / "stopwords_en.txt").open("a") as handle:
        handle.write("ceasefire\n")
    result = process(corpus, stages, cache=tmp_path, scheduler="serial", data_dir=tmp_data)
    assert result.computed == {"sentences": 0, "tokens": 5, "term_counts": 5, "tone": 0, "mentions": 0}
    assert result.table("tokens").query("lower == 'ceasefire'")["is_stop"].all()
    with (tmp_data / "lexicons" / "domain_overrides.csv").open("a") as handle:
        handle.write("stalling,-1.0,test entry\n")
    result = process(corpus, stages, cache=tmp_path, scheduler="serial", data_dir=tmp_data)
    assert result.computed == {"sentences": 0, "tokens": 0, "term_counts": 0, "tone": 5, "mentions": 0}
    with (tmp_data / "boilerplate.csv").open("a") as handle:
        handle.write("ad,line,ADVERTISEMENT,,an advert line\n")
    result = process(corpus, stages, cache=tmp_path, scheduler="serial", data_dir=tmp_data)
    assert result.computed == {s: 5 for s in stages}


def test_versions_follow_parameters_and_dependencies():
    base = stage_versions(["tone", "tokens"])
    other = stage_versions(["tone", "tokens"], params={"tone_method": "afinn"})
    assert base["tokens"] == other["tokens"] and base["tone"] != other["tone"]
    assert base["sentences"] == other["sentences"]
    with pytest.raises(CorpusError, match="unknown stage 'lemmas'"):
        stage_versions(["lemmas"])


@pytest.mark.parametrize("params, message", [
    ({"tone_towards_method": "rules"}, "unknown pipeline parameter 'tone_towards_method'; the parameters are tone_method, "
                                       "tone_toward_method"),
    ({"tone_toward_method": "rule"}, "tone_toward_method 'rule' is not one of 'learned', 'rules'"),
    ({"tone_method": "VADER"}, "tone_method 'VADER' is not one of 'vader', 'vader_adjusted', 'afinn'"),
])
def test_a_wrong_parameter_is_named_before_any_document_is_processed(tmp_path, params, message):
    with pytest.raises(CorpusError, match=message):
        process(load_corpus(), ["tokens"], cache=tmp_path, scheduler="serial", params=params)
    assert not any(tmp_path.iterdir())  # nothing written
    with pytest.raises(CorpusError, match=message):
        stage_versions(["tone"], params=params)


def test_every_rule_file_of_the_learned_layer_keys_the_tone_toward_stage(tmp_data):
    from corpus_tools.target_model import RULE_FILES

    base = stage_versions(["tone_toward"], data_dir=tmp_data)
    for name in RULE_FILES:
        path = tmp_data / "lexicons" / name
        original = path.read_bytes()
        path.write_bytes(original + b"\n")
        changed = stage_versions(["tone_toward"], data_dir=tmp_data)
        path.write_bytes(original)
        assert changed["tone_toward"] != base["tone_toward"], name
        assert changed["sentences"] == base["sentences"], name


def test_a_changed_raw_text_recomputes_that_document_only(tmp_path):
    # corpus.py is not among the stages' modules: what it decodes reaches them as text_raw, which keys
    # each document, so an edited article (or a change in decoding) is recomputed and the rest is not
    corpus = pd.DataFrame({"doc_id": ["a", "b"], "text_raw": ["Macron said peace was near.", "Nor here."],
                           "published": ["", ""], "meeting_id": ["", ""]})
    assert process(corpus, ["sentences"], cache=tmp_path, scheduler="serial").computed == {"sentences": 2}
    edited = corpus.assign(text_raw=["Macron said peace was close.", "Nor here."])
    result = process(edited, ["sentences"], cache=tmp_path, scheduler="serial")
    assert result.computed == {"sentences": 1}
    assert result.table("sentences")["text"].tolist() == ["Macron said peace was close.", "Nor here."]


def test_documents_without_rows_count_as_processed(tmp_path):
    corpus = pd.DataFrame({"doc_id": ["a", "b"], "text_raw": ["No quotes here.", "Nor here."],
                           "published": ["", ""], "meeting_id": ["", ""]})
    first = process(corpus, ["mentions"], cache=tmp_path, scheduler="serial")
    assert first.table("mentions").empty and first.computed == {"mentions": 2}
    assert process(corpus, ["mentions"], cache=tmp_path, scheduler="serial").computed == {"mentions": 0}


def test_term_counts_add_up_to_word_counts(corpus, expected):
    counts = expected["term_counts"]
    assert counts.groupby("doc_id")["n"].sum().tolist() == corpus["n_words"].tolist()
    assert counts.columns.tolist() == ["doc_id", "term", "n", "is_stop"]
    assert not counts.duplicated(["doc_id", "term"]).any()
    first_doc = counts[counts["doc_id"] == corpus.loc[0, "doc_id"]]
    assert first_doc.iloc[0].tolist()[1:3] == ["the", 39]


def test_read_articles_from_jsonl_and_parquet(tmp_path, corpus):
    path = tmp_path / "a.jsonl"
    lines = [{"doc_id": d, "text": t, "outlet": o, "published": "2025-03-27"} for d, t, o in
             zip(corpus["doc_id"], corpus["text_raw"], corpus["outlet"])]
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n\n")
    articles = read_articles(path)
    assert articles["doc_id"].tolist() == corpus["doc_id"].tolist()
    articles.rename(columns={"text_raw": "text"}).to_parquet(tmp_path / "a.parquet")
    pd.testing.assert_frame_equal(read_articles(tmp_path / "a.parquet"), articles)
    result = process(articles, ["tokens"], cache=tmp_path / "c", scheduler="serial")
    assert len(result.table("tokens")) == len(tokens(sentences(corpus)))


@pytest.mark.parametrize(
    "content, message",
    [
        ('{"doc_id": "a", "text": "x"}\n{"doc_id": "a", "text": "y"}\n', "line 2: doc_id 'a' repeats line 1"),
        ('{"doc_id": "a", "text": "x"}\n{"doc_id": "b"\n', "line 2: not valid JSON"),
        ('{"doc_id": "a", "text": "  "}\n', r"line 1 \(doc_id 'a'\): text is missing or empty"),
        ('{"text": "x"}\n', "line 1: doc_id is missing"),
        ('{"doc_id": "a", "text": "x", "published": "27.3.2025"}\n', "published '27.3.2025' is not YYYY-MM-DD"),
        ('["a", "x"]\n', "must be a JSON object"),
    ],
)
def test_bad_article_files_name_the_line(tmp_path, content, message):
    path = tmp_path / "bad.jsonl"
    path.write_text(content)
    with pytest.raises(CorpusError, match=message):
        read_articles(path)


def test_errors(tmp_path, corpus):
    with pytest.raises(CorpusError, match="unknown scheduler"):
        process(corpus, ["tokens"], cache=tmp_path, scheduler="threads")
    result = process(corpus, ["tokens"], cache=tmp_path, scheduler="serial")
    with pytest.raises(CorpusError, match="stage 'tone' was not processed"):
        result.table("tone")
    with pytest.raises(CorpusError, match="unknown format"):
        (tmp_path / "a.csv").write_text("x")
        read_articles(tmp_path / "a.csv")
    doubled = pd.concat([corpus.iloc[:1], corpus.iloc[:1]])
    with pytest.raises(CorpusError, match="appears twice"):
        process(doubled, ["tokens"], cache=tmp_path)
    assert articles_from_corpus(corpus)["published"].tolist()[3] == ""


def test_corpus_statistics_from_counts_equal_those_from_tokens(corpus, expected):
    """Frequencies, keyness and TF-IDF computed from the small per-document counts table (what
    a large corpus keeps) equal those computed from every token."""
    from corpus_tools.keyness import keyness
    from corpus_tools.vocabulary import term_frequencies, tfidf_terms

    meta = corpus[["doc_id", "meeting_id"]]
    toks, counts = expected["tokens"].merge(meta, on="doc_id"), expected["term_counts"].merge(meta, on="doc_id")
    for by in ("doc_id", "meeting_id", None):
        pd.testing.assert_frame_equal(term_frequencies(counts, by=by), term_frequencies(toks, by=by))
    pd.testing.assert_frame_equal(keyness(counts, "paris-2026-01-06", by="meeting_id"),
                                  keyness(toks, "paris-2026-01-06", by="meeting_id"))
    pd.testing.assert_frame_equal(tfidf_terms(counts, top_n=None), tfidf_terms(toks, top_n=None))


# ------------------------------------------------------------------ streamed input


def write_articles(corpus: pd.DataFrame, directory, kind: str):
    """The corpus as an article file: JSON Lines, or Parquet with row groups of two articles."""
    docs = articles_from_corpus(corpus)
    frame = pd.DataFrame({"doc_id": docs["doc_id"], "text": docs["text_raw"], "published": docs["published"],
                          "meeting_id": docs["meeting_id"], "outlet": corpus["outlet"].to_numpy()})
    if kind == "jsonl":
        path = directory / "articles.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in frame.to_dict("records")))
    else:
        path = directory / "articles.parquet"
        frame.to_parquet(path, row_group_size=2)
    return path


@pytest.mark.parametrize("kind", ["jsonl", "parquet"])
def test_iter_articles_reads_in_chunks_what_read_articles_reads(corpus, tmp_path, kind):
    path = write_articles(corpus, tmp_path, kind)
    chunks = list(iter_articles(path, chunk_size=2))
    assert [len(c) for c in chunks] == [2, 2, 1]
    pd.testing.assert_frame_equal(pd.concat(chunks, ignore_index=True), read_articles(path))
    assert read_articles(path)["doc_id"].tolist() == corpus["doc_id"].tolist()


def test_a_repeated_id_in_a_later_chunk_names_both_lines(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text("".join(json.dumps({"doc_id": f"d{i % 3}", "text": "x"}) + "\n" for i in range(4)))
    with pytest.raises(CorpusError, match="line 4: doc_id 'd0' repeats line 1"):
        list(iter_articles(path, chunk_size=2))


@pytest.mark.parametrize("kind", ["jsonl", "parquet"])
@pytest.mark.parametrize("scheduler", ["serial", pytest.param("processes", marks=pytest.mark.slow)])
def test_a_streamed_file_equals_direct_calls(corpus, expected, tmp_path, monkeypatch, kind, scheduler):
    import corpus_tools.pipeline as pipeline

    monkeypatch.setattr(pipeline, "CHUNK_SIZE", 2)  # three chunks of the five articles
    path = write_articles(corpus, tmp_path, kind)
    result = process(path, AVAILABLE, cache=tmp_path / "cache", scheduler=scheduler, workers=2, batch_size=2)
    assert result.computed == {s: 5 for s in AVAILABLE}
    assert "text_raw" not in result.docs.columns  # the driver keeps no text
    assert_same(result, expected)
    again = process(path, AVAILABLE, cache=tmp_path / "cache", scheduler=scheduler)
    assert again.computed == {s: 0 for s in AVAILABLE}


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["jsonl", "parquet"])
def test_dask_workers_read_their_own_partitions(corpus, expected, tmp_path, kind):
    from distributed import LocalCluster

    path = write_articles(corpus, tmp_path, kind)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None) as cluster:
        process(corpus.iloc[:2], ["tokens"], cache=tmp_path / "cache", scheduler="serial")  # two already cached
        result = process(path, AVAILABLE, cache=tmp_path / "cache", scheduler="dask", address=cluster.scheduler_address,
                         batch_size=2)
        assert result.computed == {s: (3 if s in ("tokens",) else 5) for s in AVAILABLE}
        assert "text_raw" not in result.docs.columns
        assert_same(result, expected)
        bad = tmp_path / "bad.jsonl"
        bad.write_text(path.read_text() + json.dumps({"doc_id": corpus.loc[1, "doc_id"], "text": "again"}) + "\n"
                       if kind == "jsonl" else '{"doc_id": "a", "text": "x"}\n{"doc_id": "a", "text": "y"}\n')
        with pytest.raises(CorpusError, match="repeats line"):
            process(bad, ["tokens"], cache=tmp_path / "cache2", scheduler="dask", address=cluster.scheduler_address)


def test_a_document_is_redone_exactly_when_some_stage_lacks_it(tmp_path):
    """After one stage of two is stored for some documents, only the documents some stage lacks
    are processed, and only for the stages that lack them (the rerun's membership test)."""
    from corpus_tools.pipeline import _KEY, _tasks

    docs = articles_from_corpus(load_corpus())
    keys = docs[_KEY].tolist()
    covered = {"sentences": set(keys), "tokens": set(keys[:3])}
    spec = {"versions": {}, "cache": str(tmp_path), "data_dir": str(tmp_path), "params": {}, "batch_size": 1}
    batches = list(_tasks(docs, ("sentences", "tokens"), covered, spec))
    assert [b.docs[0][_KEY] for b in batches] == keys[3:]
    assert {b.stages for b in batches} == {("tokens",)}
    assert list(_tasks(docs, ("sentences",), covered, spec)) == []
    assert list(_tasks(docs, (), covered, spec)) == []
