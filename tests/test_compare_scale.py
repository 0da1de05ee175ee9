"""The comparison at scale: the indexed, blocked and sparse computations give exactly what the
all-pairs loops gave (on the five articles and on synthetic articles), and a few hundred
synthetic articles run in seconds and bounded memory."""
from __future__ import annotations

import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.feature_extraction.text import TfidfTransformer

from corpus_tools import compare as cp
from corpus_tools import process
from corpus_tools.errors import CorpusError
from corpus_tools.keyness import group_keyness, keyness
from corpus_tools.pipeline import _clean_batch
from corpus_tools.quotes import quotes as find_quotes
from corpus_tools.vocabulary import term_frequencies

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from synthetic import synthetic_articles  # noqa: E402


def synthetic_corpus(n: int, outlets: int = 8, seed: int = 7) -> pd.DataFrame:
    articles = synthetic_articles(n, seed=seed)
    corpus = pd.DataFrame({"doc_id": [a["doc_id"] for a in articles], "text_raw": [a["text"] for a in articles],
                           "outlet": [f"Outlet {i % outlets}" for i in range(n)],
                           "meeting_id": [a["meeting_id"] for a in articles], "published": [a["published"] for a in articles]})
    records = corpus[["doc_id", "text_raw", "published", "meeting_id"]].assign(_doc_key="").to_dict("records")
    from corpus_tools import data_dir

    corpus["text"] = _clean_batch(records, str(data_dir()))["text"].to_numpy()
    return corpus


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """25 synthetic articles (most pairs share sentences) with their tokens and quotes."""
    corpus = synthetic_corpus(25)
    tables = process(corpus, ["tokens", "term_counts", "quotes"], cache=tmp_path_factory.mktemp("cache"), scheduler="serial")
    return corpus, tables.tokens, tables.table("term_counts"), tables.quotes


@pytest.fixture(scope="module", params=["seed", "synthetic"])
def case(request, corpus, corpus_tokens, small):
    if request.param == "seed":
        return corpus, corpus_tokens, find_quotes(corpus)
    corpus, toks, _, quotes = small
    return corpus, toks, quotes


# ------------------------------------------------------------------- the all-pairs references

def reference_text_reuse(toks, corpus, min_tokens=6, min_content=3):
    """The pairwise loop text_reuse used before the shingle index."""
    text_of = corpus.set_index("doc_id")["text"]
    words = toks[toks["lower"].astype(str).str.contains(r"\w", regex=True)].sort_values(["doc_id", "token_id"], kind="stable")
    seqs = {d: part for d, part in words.groupby("doc_id", sort=True)}
    docs, rows = sorted(seqs), []
    for i, da in enumerate(docs):
        a = seqs[da]
        la, sa = list(a["lower"]), list(a["is_stop"].astype(bool))
        for db in docs[i + 1:]:
            b = seqs[db]
            lb = list(b["lower"])
            index = {}
            for j in range(len(lb) - min_tokens + 1):
                index.setdefault(tuple(lb[j:j + min_tokens]), []).append(j)
            for p in range(len(la) - min_tokens + 1):
                for q in index.get(tuple(la[p:p + min_tokens]), []):
                    if p and q and la[p - 1] == lb[q - 1]:
                        continue
                    n = min_tokens
                    while p + n < len(la) and q + n < len(lb) and la[p + n] == lb[q + n]:
                        n += 1
                    if sum(not s for s in sa[p:p + n]) < min_content:
                        continue
                    rows.append((da, db, int(a["token_id"].iloc[p]), int(b["token_id"].iloc[q]), n,
                                 text_of[da][int(a["start"].iloc[p]):int(a["end"].iloc[p + n - 1])],
                                 text_of[db][int(b["start"].iloc[q]):int(b["end"].iloc[q + n - 1])]))
    out = pd.DataFrame(rows, columns=cp.REUSE_COLUMNS).astype({"start_a": "int64", "start_b": "int64", "n_tokens": "int64"})
    out = out.sort_values(["doc_a", "doc_b", "n_tokens", "start_a", "start_b"], ascending=[True, True, False, True, True], kind="stable")
    return out.reset_index(drop=True)


def reference_quote_links(toks, docs, min_overlap=0.8, min_tokens=3):
    """Every pair of quotations compared, as quote_groups did before blocking: the groups (a
    partition of the quotations) and each quotation's best overlap."""
    parent, best = list(range(len(toks))), np.full(len(toks), np.nan)

    def find(i):
        while parent[i] != i:
            i = parent[i]
        return i

    for i in range(len(toks)):
        for j in range(i + 1, len(toks)):
            if docs[i] == docs[j] or min(len(toks[i]), len(toks[j])) < min_tokens:
                continue
            overlap, longest = cp.quote_overlap(toks[i], toks[j])
            if overlap >= min_overlap and longest >= min_tokens:
                parent[find(i)] = find(j)
                best[i], best[j] = np.fmax(best[i], overlap), np.fmax(best[j], overlap)
    return partition([find(i) for i in range(len(toks))]), best


def partition(roots):
    groups = {}
    for i, r in enumerate(roots):
        groups.setdefault(r, set()).add(i)
    return sorted(sorted(g) for g in groups.values())


def fast_quote_links(toks, docs, min_overlap=0.8, min_tokens=3):
    roots, best = cp._quote_links(toks, docs, min_overlap=min_overlap, min_tokens=min_tokens)
    return partition(roots), best


def reference_cosine(toks):
    """The dense pivot-table computation similarity_matrix used before."""
    freqs = term_frequencies(toks)
    docs = sorted(toks["doc_id"].unique())
    counts = freqs.pivot_table(index="doc_id", columns="term", values="n", fill_value=0).reindex(index=docs, fill_value=0)
    values = TfidfTransformer(sublinear_tf=True).fit_transform(counts.to_numpy(dtype=float)).toarray()
    sim = values @ values.T
    np.fill_diagonal(sim, [1.0 if v.any() else 0.0 for v in values])
    return pd.DataFrame(np.clip(sim, 0, 1), index=pd.Index(docs, name="doc_id"), columns=pd.Index(docs, name="doc_id"))


# ------------------------------------------------------------------- same results as the loops

def test_text_reuse_equals_the_pairwise_loop(case):
    corpus, toks, _ = case
    fast = cp.text_reuse(toks, corpus)
    pd.testing.assert_frame_equal(fast, reference_text_reuse(toks, corpus))
    assert len(fast) > 0
    for min_tokens, min_content in ((3, 1),):
        pd.testing.assert_frame_equal(cp.text_reuse(toks, corpus, min_tokens=min_tokens, min_content=min_content),
                                      reference_text_reuse(toks, corpus, min_tokens, min_content))


def test_quote_groups_equal_every_pair_compared(case):
    _, _, quotes = case
    speech = quotes[quotes["kind"].isin(["speech", "scare"])]
    toks, docs = [cp.quote_tokens(t) for t in speech["text"]], list(speech["doc_id"])
    for min_overlap, min_tokens in ((0.8, 3), (0.5, 2)):
        groups, best = fast_quote_links(toks, docs, min_overlap, min_tokens)
        expected_groups, expected_best = reference_quote_links(toks, docs, min_overlap, min_tokens)
        assert groups == expected_groups
        np.testing.assert_array_equal(best, expected_best)
        assert max(len(g) for g in groups) > 2 and np.isfinite(best).sum() >= 6  # something matched


def test_similarity_matrix_equals_the_dense_computation_to_the_bit(case):
    corpus, toks, _ = case
    pd.testing.assert_frame_equal(cp.similarity_matrix(toks), reference_cosine(toks), check_exact=True)
    freqs = term_frequencies(toks)
    sets = {d: set(freqs.loc[freqs["doc_id"] == d, "term"]) for d in sorted(toks["doc_id"].unique())}
    jaccard = cp.similarity_matrix(toks, "jaccard")
    for a in list(sets)[:6]:
        for b in sets:
            union = sets[a] | sets[b]
            assert jaccard.loc[a, b] == (len(sets[a] & sets[b]) / len(union) if union else 0.0)


def test_nearest_neighbours_are_the_top_of_the_matrix(case):
    corpus, toks, _ = case
    matrix = cp.similarity_matrix(toks)
    near = cp.nearest_neighbours(toks, corpus, k=3, block_cells=7)  # blocks of one row
    assert near.columns.tolist() == cp.NEIGHBOUR_COLUMNS
    meeting, outlet = corpus.set_index("doc_id")["meeting_id"], corpus.set_index("doc_id")["outlet"]
    for doc, rows in near.groupby("doc_id"):
        others = matrix.loc[doc].drop(doc)
        others = others[others > 0]
        expected = sorted(others.items(), key=lambda kv: (-round(kv[1], 12), kv[0]))[:3]
        assert rows["neighbour"].tolist() == [d for d, _ in expected]
        assert rows["cosine"].to_numpy() == pytest.approx([c for _, c in expected], abs=1e-12)
        assert rows["rank"].tolist() == list(range(1, len(expected) + 1))
        assert rows["same_meeting"].tolist() == [meeting[doc] == meeting[d] for d in rows["neighbour"]]
        assert rows["same_outlet"].tolist() == [outlet[doc] == outlet[d] for d in rows["neighbour"]]
    first = cp.nearest_reports(matrix).set_index("doc_id")
    assert near[near["rank"] == 1].set_index("doc_id")["neighbour"].to_dict() == first["nearest"].to_dict()



def reference_top_k(sims, k):
    """The per-row loop nearest_neighbours used before the block was ranked at once."""
    found = []
    for r, row in enumerate(sims):
        positive = np.flatnonzero(row > 0)
        if len(positive) > k:
            kth = np.partition(row[positive], len(positive) - k)[len(positive) - k]
            positive = positive[row[positive] >= kth]
        chosen = positive[np.lexsort((positive, -row[positive]))][:k]
        found += [(r, c, i + 1) for i, c in enumerate(chosen)]
    return found


@pytest.mark.parametrize("k", [1, 2, 3, 5, 9])
def test_top_k_of_a_block_is_the_per_row_loop_with_ties_to_the_lower_column(k):
    rng = np.random.default_rng(0)
    sims = rng.choice([0.0, 0.1, 0.25, 0.5, 0.5, 1.0], size=(40, 9))  # many ties, zeros, a row of zeros
    sims[3] = 0.0
    sims[20] = [0.5] * 9
    sims[np.arange(9), np.arange(9)] = -np.inf
    rows, cols, rank = cp._top_k(sims, k)
    assert list(zip(rows.tolist(), cols.tolist(), rank.tolist())) == reference_top_k(sims, k)
    assert 3 not in rows and cols[rows == 20].tolist() == list(range(min(k, 9)))
    assert [len(a) for a in cp._top_k(np.zeros((0, 4)), k)] == [0, 0, 0]


def test_jaccard_neighbours_are_the_top_of_the_jaccard_matrix(case):
    corpus, toks, _ = case
    matrix = cp.similarity_matrix(toks, "jaccard")
    near = cp.nearest_neighbours(toks, corpus, k=3, block_cells=7, measure="jaccard")
    assert near.columns.tolist() == ["doc_id", "neighbour", "rank", "jaccard", "same_meeting", "same_outlet"]
    for doc, rows in near.groupby("doc_id"):
        others = matrix.loc[doc].drop(doc)
        expected = sorted(others[others > 0].items(), key=lambda kv: (-round(kv[1], 12), kv[0]))[:3]
        assert rows["neighbour"].tolist() == [d for d, _ in expected]
        assert rows["jaccard"].to_numpy() == pytest.approx([j for _, j in expected], abs=1e-12)
    with pytest.raises(CorpusError, match="unknown similarity measure 'dice'"):
        cp.nearest_neighbours(toks, corpus, measure="dice")


def test_similarity_tables_small_are_the_matrices_and_big_agree_with_them(case):
    corpus, toks, _ = case
    small = cp.similarity_tables(toks, corpus)  # up to max_docs: the matrices and every pair, as before
    pd.testing.assert_frame_equal(small.cosine, cp.similarity_matrix(toks), check_exact=True)
    pd.testing.assert_frame_equal(small.jaccard, cp.similarity_matrix(toks, "jaccard"), check_exact=True)
    pd.testing.assert_frame_equal(small.pairs, cp.similarity_pairs(toks, corpus), check_exact=True)
    big = cp.similarity_tables(toks, corpus, max_docs=2, k=2)  # beyond: no N x N, the same numbers
    n = toks["doc_id"].nunique()
    assert len(big.cosine) <= 2 * n and len(big.pairs) <= 2 * n
    assert big.pairs.columns.tolist() == small.pairs.columns.tolist()
    every = small.pairs.set_index(["doc_a", "doc_b"])
    got = big.pairs.set_index(["doc_a", "doc_b"])
    assert got.index.isin(every.index).all() and got.index.is_unique
    assert got["cosine"].to_numpy() == pytest.approx(every.loc[got.index, "cosine"].to_numpy(), abs=1e-12)
    assert got["jaccard"].to_numpy() == pytest.approx(every.loc[got.index, "jaccard"].to_numpy(), abs=1e-12)
    assert got["same_meeting"].tolist() == every.loc[got.index, "same_meeting"].tolist()
    # every report's nearest (cosine and Jaccard) is the matrices' nearest, where it shares a content word
    expected = small.nearest[small.nearest["similarity"] > 0].reset_index(drop=True)
    pd.testing.assert_frame_equal(big.nearest[big.nearest["doc_id"].isin(expected["doc_id"])].reset_index(drop=True),
                                  expected, check_exact=False, atol=1e-12, check_dtype=False)


def test_reused_passages_hold_every_shared_run_once_per_report(case):
    corpus, toks, _ = case
    pairs = cp.text_reuse(toks, corpus)
    passages = cp.reused_passages(toks, corpus)
    assert passages.columns.tolist() == cp.PASSAGE_COLUMNS and (passages["n_docs"] >= 2).all()
    assert not passages.duplicated(["doc_id", "start"]).any()
    assert len(passages) <= 2 * len(pairs)  # a report's passage stands for all the pairs that share it
    text_of = passages.groupby("doc_id")["text"].apply(list).to_dict()
    for doc, run in [*zip(pairs["doc_a"], pairs["text_a"]), *zip(pairs["doc_b"], pairs["text_b"])]:
        assert any(run in passage for passage in text_of[doc]), (doc, run)
    # each passage's first listed other report does carry its first words
    kept = toks[toks["lower"].astype(str).str.contains(r"\w")].sort_values(["doc_id", "token_id"])
    words = kept.groupby("doc_id")["lower"].apply(lambda w: " " + " ".join(w) + " ").to_dict()
    position = kept.groupby("doc_id")["token_id"].apply(list).to_dict()
    for row in passages.itertuples():
        at = position[row.doc_id].index(row.start)
        first = " " + " ".join(words[row.doc_id].split()[at:at + 6]) + " "
        assert first in words[row.other_docs.split("|")[0]], row


def test_reuse_table_lists_pairs_while_small_and_passages_beyond(small):
    corpus, toks, _, _ = small
    pd.testing.assert_frame_equal(cp.reuse_table(toks, corpus), cp.text_reuse(toks, corpus), check_exact=True)
    pd.testing.assert_frame_equal(cp.reuse_table(toks, corpus, max_docs=10), cp.reused_passages(toks, corpus), check_exact=True)

def test_keyness_of_every_group_equals_one_group_at_a_time(case):
    corpus, toks, _ = case
    merged = toks.merge(corpus[["doc_id", "outlet", "meeting_id"]], on="doc_id")
    for by in ("outlet", "meeting_id"):
        groups = sorted(merged[by].unique())
        each = pd.concat([keyness(merged, g, by=by, min_freq=3).assign(**{by: g}) for g in groups], ignore_index=True)
        each = each[[by, *each.columns[:-1]]]
        pd.testing.assert_frame_equal(group_keyness(merged, by, min_freq=3, key=None), each, check_exact=True)
        target = each[each["key"] == "target"].groupby(by, sort=True).head(10).reset_index(drop=True)
        pd.testing.assert_frame_equal(group_keyness(merged, by, min_freq=3, top_n=10), target, check_exact=True)


def test_outlet_contrasts_equal_the_per_report_keyness(case):
    corpus, toks, _ = case
    merged = toks.merge(corpus[["doc_id", "meeting_id"]], on="doc_id")
    frames = []
    for meeting, docs in corpus.groupby("meeting_id", sort=True)["doc_id"]:
        present = sorted(set(docs) & set(merged["doc_id"]))
        if len(present) < 2:
            continue
        part = merged[merged["meeting_id"] == meeting]
        for doc in present:
            key = keyness(part, doc, by="doc_id", min_freq=2)
            frames.append(key[key["key"] == "target"].head(10).assign(meeting_id=meeting, doc_id=doc))
    expected = pd.concat(frames, ignore_index=True).merge(corpus[["doc_id", "outlet"]], on="doc_id", how="left")
    expected = expected[["meeting_id", "doc_id", "outlet", *expected.columns[:9]]]
    pd.testing.assert_frame_equal(cp.outlet_contrasts(toks, corpus, min_freq=2, top_n=10), expected, check_exact=True)


def test_counts_table_gives_what_the_tokens_give(small):
    corpus, toks, counts, _ = small
    pd.testing.assert_frame_equal(cp.similarity_matrix(counts), cp.similarity_matrix(toks), check_exact=True)
    pd.testing.assert_frame_equal(cp.outlet_contrasts(counts, corpus), cp.outlet_contrasts(toks, corpus), check_exact=True)
    pd.testing.assert_frame_equal(cp.nearest_neighbours(counts, corpus), cp.nearest_neighbours(toks, corpus), check_exact=True)


# ------------------------------------------------------------------- bounds and orders

def test_matrix_and_pairs_refuse_a_corpus_above_the_bound(small):
    corpus, toks, _, _ = small
    with pytest.raises(CorpusError, match="more than max_docs=20 documents.*nearest_neighbours"):
        cp.similarity_matrix(toks, max_docs=20)
    with pytest.raises(CorpusError, match="nearest_neighbours"):
        cp.similarity_pairs(toks, corpus, max_docs=20)
    assert cp.similarity_matrix(toks, max_docs=None).shape == (25, 25)
    merged = toks.merge(corpus[["doc_id", "outlet"]], on="doc_id")
    by_outlet = cp.similarity_matrix(merged, by="outlet", max_docs=20)
    assert by_outlet.shape == (8, 8) and by_outlet.index.name == "outlet"
    assert np.allclose(np.diag(by_outlet), 1.0) and np.allclose(by_outlet, by_outlet.T)


def test_similarity_order_puts_clusters_together():
    from corpus_tools.tokens import sentences, tokens

    topics = {"war": "Troops tanks artillery drones frontline shelling", "money": "Budget bonds euros loans banks interest",
              "talks": "Envoys summit ceasefire negotiations diplomats treaty"}
    texts = {f"{t}{i}": " ".join(np.random.default_rng(i).permutation(words.split())[:5]) + "."
             for i in range(12) for t, words in topics.items()}
    docs = pd.DataFrame({"doc_id": list(texts), "text": list(texts.values())})
    toks = tokens(sentences(docs))
    for max_exact in (1000, 10):  # hierarchical clustering; k-means beyond max_exact
        order = cp.similarity_order(toks, n_clusters=3, max_exact=max_exact)
        assert sorted(order["doc_id"]) == sorted(texts) and order["order"].tolist() == list(range(36))
        topic_seq = order["doc_id"].str.rstrip("0123456789").tolist()
        changes = sum(a != b for a, b in zip(topic_seq, topic_seq[1:]))
        assert changes == 2, topic_seq  # each topic's reports in one run
        assert order.groupby("cluster")["doc_id"].apply(lambda d: d.str.rstrip("0123456789").nunique()).eq(1).all()
        assert order["cluster"].tolist() == sorted(order["cluster"])


# ------------------------------------------------------------------- a few hundred articles

def test_a_few_hundred_articles_run_in_seconds_and_bounded_memory(tmp_path):
    corpus = synthetic_corpus(300, outlets=40, seed=3)
    tables = process(corpus, ["tokens", "term_counts", "quotes"], cache=tmp_path, scheduler="serial")
    toks, counts, quotes = tables.tokens, tables.table("term_counts"), tables.quotes
    merged = counts.merge(corpus[["doc_id", "outlet"]], on="doc_id")
    tracemalloc.start()
    started = time.perf_counter()
    near = cp.nearest_neighbours(counts, corpus, k=5, block_cells=300 * 20)
    order = cp.similarity_order(counts)
    by_outlet = cp.similarity_matrix(merged, by="outlet")
    contrasts = cp.outlet_contrasts(counts, corpus)
    outlet_key = group_keyness(merged, "outlet", top_n=10)
    groups = cp.quote_groups(quotes, corpus)
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert seconds < 60, seconds  # about 4 s on a quiet 2-core machine
    assert peak < 400 * 2**20, peak / 2**20
    assert len(near) == 300 * 5 and near["rank"].max() == 5
    assert len(order) == 300 and by_outlet.shape == (40, 40) and outlet_key["outlet"].nunique() == 40
    assert contrasts.groupby("doc_id").size().max() == 10 and contrasts["meeting_id"].nunique() == 3
    # the quotation most often repeated word for word is one group, carried by every report quoting it
    considered = groups.assign(words=groups["text"].map(lambda t: tuple(cp.quote_tokens(t))))
    considered = considered[considered["words"].map(len) >= 3]
    reports = considered.groupby("words")["doc_id"].nunique()
    most = considered[considered["words"] == reports.idxmax()]
    assert most["group_id"].nunique() == 1 and (most["n_docs"] >= reports.max()).all() and reports.max() > 20
    assert (groups.groupby("group_id")["doc_id"].nunique() == groups.groupby("group_id")["n_docs"].first()).all()
    # the quote blocking is exact here too, on a sample of 60 quotations
    sample = quotes[quotes["kind"].isin(["speech", "scare"])].head(60)
    toks_q, docs_q = [cp.quote_tokens(t) for t in sample["text"]], list(sample["doc_id"])
    groups_q, best_q = fast_quote_links(toks_q, docs_q)
    expected_q, expected_best_q = reference_quote_links(toks_q, docs_q)
    assert groups_q == expected_q
    np.testing.assert_array_equal(best_q, expected_best_q)


def test_left_out_and_speaker_coverage_equal_the_loops_over_the_corpus(case):
    corpus, _, quotes = case
    groups = cp.quote_groups(quotes, corpus)
    # left out: for each meeting and group, every report of the meeting not carrying it
    g = groups.drop(columns=["outlet", "meeting_id"]).merge(corpus[["doc_id", "meeting_id"]], on="doc_id", how="left")
    g = g[g["group_id"].isin(set(g.loc[g["kind"] == "speech", "group_id"])) & g["meeting_id"].fillna("").ne("")]
    rows = []
    for (meeting, gid), part in g.groupby(["meeting_id", "group_id"], sort=True):
        carriers = sorted(set(part["doc_id"]))
        first = part.sort_values("doc_id", kind="stable").iloc[0]
        others = corpus[(corpus["meeting_id"] == meeting) & ~corpus["doc_id"].isin(carriers)].sort_values("doc_id")
        rows += [(meeting, d, o, gid, first["group_speaker"], ";".join(carriers), first["text"])
                 for d, o in zip(others["doc_id"], others["outlet"])]
    expected = pd.DataFrame(rows, columns=["meeting_id", "doc_id", "outlet", "group_id", "group_speaker", "quoted_in", "text"])
    expected = expected.sort_values(["meeting_id", "doc_id", "group_id"], kind="stable").reset_index(drop=True)
    pd.testing.assert_frame_equal(cp.left_out_quotes(groups, corpus), expected)
    # speaker coverage: each report of the meeting, with its quotes of each speaker (0 = left out)
    coverage = cp.speaker_coverage(quotes, corpus).set_index(["meeting_id", "speaker", "doc_id"])
    speech = quotes[quotes["kind"] == "speech"].merge(corpus[["doc_id", "meeting_id"]], on="doc_id")
    who = speech["actor"].where(speech["actor"] != "", speech["speaker"]).replace("", "(unattributed)")
    counted = speech.assign(who=who).groupby(["meeting_id", "who", "doc_id"])["n_words"].agg(["size", "sum"])
    n_rows = 0
    for (meeting, speaker), _ in counted.groupby(level=[0, 1]):
        for doc in sorted(corpus.loc[corpus["meeting_id"] == meeting, "doc_id"]):
            n, w = counted.loc[(meeting, speaker, doc)] if (meeting, speaker, doc) in counted.index else (0, 0)
            assert tuple(coverage.loc[(meeting, speaker, doc), ["n_quotes", "n_words", "left_out"]]) == (n, w, n == 0)
            n_rows += 1
    assert n_rows == len(coverage) > 0


def test_article_cards_from_counts_equal_those_from_tokens(small):
    from corpus_tools.sentiment import sentence_tone
    from corpus_tools.tokens import sentences

    corpus, toks, counts, quotes = small
    sents = sentences(corpus)
    corpus = corpus.assign(n_words=corpus["doc_id"].map(counts.groupby("doc_id")["n"].sum()), published=pd.Timestamp("2025-03-27"))
    tone, found = sentence_tone(sents), cp.facts(sents)
    cards = cp.article_cards(corpus, counts, quotes, tone, found)
    pd.testing.assert_frame_equal(cards, cp.article_cards(corpus, toks, quotes, tone, found))
    speech = quotes[quotes["kind"] == "speech"]
    assert cards["n_quotes"].tolist() == [int((speech["doc_id"] == d).sum()) for d in cards["doc_id"]]


def test_text_reuse_without_the_passages(small):
    corpus, toks, _, _ = small
    full = cp.text_reuse(toks, corpus)
    pd.testing.assert_frame_equal(cp.text_reuse(toks, corpus, text=False), full[cp.REUSE_COLUMNS[:5]])
    assert len(full) > 100


# ------------------------------------------------------------------- bounded left-out table

def _many_reports(n_reports=12, n_exclusive=3):
    """One meeting of ``n_reports`` reports: a quotation carried by reports 0-5, one by 0-2, and
    ``n_exclusive`` exclusive quotations per report (each left out by every other report)."""
    docs = [f"d{i:02d}" for i in range(n_reports)]
    corpus = pd.DataFrame({"doc_id": docs, "outlet": [f"O{i % 3}" for i in range(n_reports)], "meeting_id": "m"})
    rows = [("g001", d) for d in docs[:6]] + [("g002", d) for d in docs[:3]]
    k = 3
    for d in docs:
        for _ in range(n_exclusive):
            rows.append((f"g{k:03d}", d))
            k += 1
    groups = pd.DataFrame(rows, columns=["group_id", "doc_id"]).assign(
        kind="speech", group_speaker="S", text=lambda g: "text of " + g["group_id"])
    return corpus, groups.assign(n_docs=groups.groupby("group_id")["doc_id"].transform("nunique"))


def test_left_out_top_k_keeps_the_most_carried_and_counts_stay_complete():
    corpus, groups = _many_reports()
    full = cp.left_out_quotes(groups, corpus)
    # every report leaves out every group of the meeting it does not carry: 2 + 36 groups in all
    per_doc = full.groupby("doc_id").size()
    assert per_doc["d00"] == 38 - 2 - 3 and per_doc["d11"] == 38 - 3
    assert len(full) == sum(38 - (2 if i < 3 else 1 if i < 6 else 0) - 3 for i in range(12))
    pd.testing.assert_series_equal(cp.left_out_counts(groups, corpus), per_doc.rename("n_left_out").astype("int64"),
                                   check_index_type=False)
    bounded = cp.left_out_quotes(groups, corpus, top_k=2, max_quoted_in=2)
    assert bounded.groupby("doc_id").size().eq(2).all() and len(bounded) == 24
    # d11 carries nothing shared: it left out g001 (6 reports) and g002 (3 reports) first
    assert bounded.loc[bounded["doc_id"] == "d11", "group_id"].tolist() == ["g001", "g002"]
    assert bounded.loc[bounded["doc_id"] == "d11", "quoted_in"].tolist() == ["d00;d01;+4 more", "d00;d01;+1 more"]
    # d04 carries g001: g002 (3 reports), then the first exclusive group by group_id (d00's first)
    assert bounded.loc[bounded["doc_id"] == "d04", "group_id"].tolist() == ["g002", "g003"]
    # the bounded rows are rows of the full table (quoted_in apart), in its order
    key = ["meeting_id", "doc_id", "group_id"]
    assert bounded[key].merge(full[key]).shape[0] == len(bounded)
    assert cp.quote_sharing(groups, corpus).set_index("doc_id")["n_left_out"].tolist() == per_doc.tolist()
    with pytest.raises(CorpusError, match="top_k"):
        cp.left_out_quotes(groups, corpus, top_k=0)


def test_left_out_top_k_on_the_corpus_is_the_full_table_when_the_bound_is_not_reached(case):
    corpus, _, quotes = case
    groups = cp.quote_groups(quotes, corpus)
    full = cp.left_out_quotes(groups, corpus)
    most = int(full.groupby("doc_id").size().max())
    pd.testing.assert_frame_equal(cp.left_out_quotes(groups, corpus, top_k=most, max_quoted_in=len(corpus)), full)
    assert len(cp.left_out_quotes(groups, corpus, top_k=1)) == full["doc_id"].nunique()


def test_left_out_table_is_complete_up_to_max_docs_and_bounded_beyond():
    corpus, groups = _many_reports()
    pd.testing.assert_frame_equal(cp.left_out_table(groups, corpus, max_docs=12), cp.left_out_quotes(groups, corpus))
    bounded = cp.left_out_table(groups, corpus, max_docs=11, top_k=3, max_quoted_in=1)
    assert len(bounded) == 12 * 3 and bounded["quoted_in"].str.count(";").le(1).all()


def test_reuse_words_read_in_batches_give_the_reuse_of_the_tokens(tmp_path, corpus):
    tables = process(corpus, ["tokens"], cache=tmp_path, scheduler="serial")
    toks = tables.tokens
    words = cp.reuse_words(tables, batch_docs=2)
    assert words.columns.tolist() == cp.REUSE_WORD_COLUMNS and words["word_id"].dtype == np.int32
    assert len(words) == toks["lower"].astype(str).str.contains(r"\w").sum() and words["word_id"].max() + 1 < len(words)
    # the same case-folded word gets one id across batches
    lower = toks.loc[toks["lower"].astype(str).str.contains(r"\w"), "lower"].to_numpy()
    assert pd.Series(words["word_id"].to_numpy()).groupby(lower).nunique().eq(1).all()
    for kw in ({"min_tokens": 6, "min_content": 3}, {"min_tokens": 3, "min_content": 1}):
        pd.testing.assert_frame_equal(cp.text_reuse(words, corpus, **kw), cp.text_reuse(toks, corpus, **kw))
        pd.testing.assert_frame_equal(cp.reused_passages(words, corpus, **kw), cp.reused_passages(toks, corpus, **kw))
    assert len(cp.text_reuse(words, corpus, min_tokens=3, min_content=1)) > 3


def test_window_ids_number_equal_windows_equally():
    ids = np.array([1, 2, 3, 1, 2, 3, 1, 2, 4, 9], dtype=np.int64)
    at = np.arange(len(ids) - 2)
    got = cp._window_ids(ids, at, 3)
    windows = [tuple(ids[a:a + 3]) for a in at]
    for x in range(len(at)):
        for y in range(len(at)):
            assert (got[x] == got[y]) == (windows[x] == windows[y])


def test_fact_tables_long_beyond_max_docs_holds_every_report_stating_a_fact(corpus):
    found = cp.facts(corpus)
    wide = cp.fact_coverage(found, corpus)
    small = cp.fact_tables(found, corpus, max_docs=len(corpus))
    pd.testing.assert_frame_equal(small.table, wide)
    big = cp.fact_tables(found, corpus, max_docs=len(corpus) - 1, max_cells=3)
    assert big.table.columns.tolist() == ["key", "doc_id", "n", "n_reports"]
    # the long table has exactly the non-zero cells of the wide one, with the same counts
    cells = wide.melt(id_vars=["key", "n_reports"], var_name="doc_id", value_name="n").query("n > 0")
    assert len(big.table) == len(cells) == int((wide.drop(columns=["key", "n_reports"]) > 0).sum().sum())
    merged = big.table.merge(cells, on=["key", "doc_id"], suffixes=("", "_wide"))
    assert len(merged) == len(cells) and (merged["n"] == merged["n_wide"]).all()
    assert (merged["n_reports"] == merged["n_reports_wide"]).all()
    pd.testing.assert_frame_equal(big.grid, cp.fact_coverage(found[found["key"].isin(set(wide["key"].head(3)))], corpus))


def test_reuse_takes_words_in_any_order(small):
    corpus, toks, _, _ = small
    in_order = cp.reused_passages(toks, corpus)
    shuffled = toks.sample(frac=1.0, random_state=4)  # the sorting path; sorted input skips the copy
    pd.testing.assert_frame_equal(cp.reused_passages(shuffled, corpus), in_order, check_exact=True)
    pd.testing.assert_frame_equal(cp.text_reuse(shuffled, corpus), cp.text_reuse(toks, corpus), check_exact=True)
    assert len(in_order)
