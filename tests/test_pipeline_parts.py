"""A document stored in more than one part file comes back once, from one part."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from corpus_tools import sentences, tokens
from corpus_tools.pipeline import _KEY, _METADATA_KEY, _write_part, process, stage_versions
from corpus_tools.sentiment import sentence_tone

STAGES = ["tokens", "tone"]


def part_keys(part: Path) -> list[str]:
    """The document keys a part file lists as covered."""
    return json.loads(pq.read_schema(part).metadata[_METADATA_KEY])


def parts_by_key(cache: Path, stage: str) -> dict[str, list[Path]]:
    """Every part file covering each document key, in name order."""
    version = stage_versions([stage])[stage]
    found: dict[str, list[Path]] = {}
    for part in sorted((cache / stage / version).glob("part-*.parquet")):
        for key in part_keys(part):
            found.setdefault(key, []).append(part)
    return found


def test_a_document_in_two_parts_comes_back_once_from_the_first_part(corpus, tmp_path):
    # two corpora, each processed into its own cache, then sharing one: documents 1-3 are in both
    first, second = tmp_path / "first", tmp_path / "second"
    process(corpus.iloc[:4], STAGES, cache=first, scheduler="serial")
    process(corpus.iloc[1:], STAGES, cache=second, scheduler="serial")
    for path in second.rglob("part-*.parquet"):
        target = first / path.relative_to(second)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    covering = parts_by_key(first, "tone")
    keys = process(corpus, STAGES, cache=first, scheduler="serial").docs[_KEY].tolist()
    assert [len(covering[k]) for k in keys] == [1, 2, 2, 2, 1]
    # mark every row of the later part (by name) so a row read from it would show
    later = covering[keys[1]][1]
    marked = pq.read_table(later).to_pandas().assign(compound=9.0)
    assert Path(_write_part(marked, part_keys(later), later.parent)) == later  # same keys, same name

    result = process(corpus, STAGES, cache=first, scheduler="serial")
    assert result.computed == {"tokens": 0, "tone": 0}
    tone = result.table("tone")
    expected = sentence_tone(sentences(corpus), "vader_adjusted")
    first_is_later = [covering[k][0] == later for k in keys]
    assert not tone.duplicated(["doc_id", "sent_id"]).any()
    assert tone["doc_id"].value_counts().sort_index().tolist() == expected["doc_id"].value_counts().sort_index().tolist()
    for doc_id, from_later in zip(corpus["doc_id"], first_is_later):
        compound = tone.loc[tone["doc_id"] == doc_id, "compound"]
        if from_later:
            assert compound.eq(9.0).all(), doc_id
        else:
            pd.testing.assert_series_equal(compound.reset_index(drop=True),
                                           expected.loc[expected["doc_id"] == doc_id, "compound"].reset_index(drop=True))
    pd.testing.assert_frame_equal(result.table("tokens"), tokens(sentences(corpus)))


WORKER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from corpus_tools import load_corpus
    from corpus_tools.pipeline import process

    start, stop, cache, ready, go = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], Path(sys.argv[4]), Path(sys.argv[5])
    corpus = load_corpus().iloc[start:stop]
    ready.touch()
    while not go.exists():
        time.sleep(0.01)
    result = process(corpus, ["tokens", "tone"], cache=cache, scheduler="serial", batch_size=2)
    print(result.computed["tone"])
""")


def test_two_processes_filling_one_cache_at_once_give_each_row_once(corpus, tmp_path):
    cache, go = tmp_path / "cache", tmp_path / "go"
    script = tmp_path / "worker.py"
    script.write_text(WORKER)
    runs = []
    for name, (start, stop) in {"a": (0, 4), "b": (1, 5)}.items():
        ready = tmp_path / f"ready-{name}"
        runs.append((ready, subprocess.Popen([sys.executable, str(script), str(start), str(stop), str(cache), str(ready), str(go)],
                                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)))
    deadline = time.monotonic() + 120
    while not all(ready.exists() for ready, _ in runs):
        assert time.monotonic() < deadline and all(p.poll() is None for _, p in runs), [p.communicate() for _, p in runs]
        time.sleep(0.01)
    go.touch()
    outputs = [p.communicate(timeout=300) for _, p in runs]
    assert [p.returncode for _, p in runs] == [0, 0], outputs
    assert sum(int(out.split()[-1]) for out, _ in outputs) > 5  # both computed documents 1-3 (else nothing was shared)
    covering = parts_by_key(cache, "tone")
    assert max(len(parts) for parts in covering.values()) == 2

    result = process(corpus, STAGES, cache=cache, scheduler="serial")
    assert result.computed == {"tokens": 0, "tone": 0}
    tone, toks = result.table("tone"), result.table("tokens")
    assert not tone.duplicated(["doc_id", "sent_id"]).any()
    assert not toks.duplicated(["doc_id", "token_id"]).any()
    pd.testing.assert_frame_equal(tone, sentence_tone(sentences(corpus), "vader_adjusted"))
    pd.testing.assert_frame_equal(toks, tokens(sentences(corpus)))
    # the merge that failed in notebook 02 when rows came twice
    tone.merge(toks[["doc_id", "sent_id"]].drop_duplicates(), on=["doc_id", "sent_id"], validate="one_to_one")


def in_order(frame: pd.DataFrame, doc_ids: list[str]) -> pd.DataFrame:
    """Each document's rows as they are, documents in the order given."""
    return pd.concat([frame[frame["doc_id"] == d] for d in doc_ids], ignore_index=True)


def test_rows_come_in_the_order_asked_whatever_part_holds_them(corpus, tmp_path):
    # parts of 2 documents; then the documents asked for in another order, and subsets that
    # take some documents of a part and leave the others
    cache = tmp_path / "cache"
    process(corpus, STAGES, cache=cache, scheduler="serial", batch_size=2)
    assert len(list((cache / "tone").rglob("part-*.parquet"))) == 3
    tone, toks = sentence_tone(sentences(corpus), "vader_adjusted"), tokens(sentences(corpus))
    for order in ([4, 3, 2, 1, 0], [3, 0], [1, 4, 2]):
        chosen = corpus.iloc[order].reset_index(drop=True)
        doc_ids = chosen["doc_id"].tolist()
        result = process(chosen, STAGES, cache=cache, scheduler="serial")
        assert result.computed == {"tokens": 0, "tone": 0}
        assert pd.unique(result.table("tone")["doc_id"]).tolist() == doc_ids
        pd.testing.assert_frame_equal(result.table("tone"), in_order(tone, doc_ids))
        pd.testing.assert_frame_equal(result.table("tokens"), in_order(toks, doc_ids))
        pd.testing.assert_frame_equal(result.table("tokens", columns=["doc_id", "lower"]),
                                      in_order(toks, doc_ids)[["doc_id", "lower"]])


def test_part_files_keep_statistics_for_numbers_only_and_read_back_whole(corpus, tmp_path):
    # the cache reads parts whole: the minimum and maximum of text columns are not written
    # (costly for the tokens table), those of number columns are
    result = process(corpus, ["tokens"], cache=tmp_path / "cache", scheduler="serial")
    [part] = (tmp_path / "cache" / "tokens").rglob("part-*.parquet")
    row_group = pq.ParquetFile(part).metadata.row_group(0)
    columns = {row_group.column(i).path_in_schema: row_group.column(i) for i in range(row_group.num_columns)}
    assert {name for name, column in columns.items() if column.is_stats_set} == {"sent_id", "token_id", "is_stop", "is_alpha",
                                                                                 "start", "end"}
    assert columns["start"].statistics.min == 0
    pd.testing.assert_frame_equal(result.table("tokens"), tokens(sentences(corpus)))


def test_the_progress_bar_is_silent_in_a_kernel_without_ipywidgets():
    """In a Jupyter kernel without ipywidgets, ``tqdm.auto`` warns "IProgress not found", and the
    warning landed in the reports' first processing cell; ``_progress`` takes the text bar there.
    The kernel is simulated as tqdm detects one (IPython and ``ipykernel.zmqshell`` imported)."""
    script = textwrap.dedent("""
        import importlib.util, sys, types, warnings
        import IPython
        sys.modules["ipykernel.zmqshell"] = types.ModuleType("ipykernel.zmqshell")
        widgets = importlib.util.find_spec("ipywidgets") is not None
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            from corpus_tools.pipeline import _progress
            bar = _progress(3, False)
            bar.update(3)
            bar.close()
        ours = [str(w.message) for w in caught if "IProgress" in str(w.message)]
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            import tqdm.auto
        plain = [str(w.message) for w in caught if "IProgress" in str(w.message)]
        print(widgets, len(ours), len(plain))
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout.split()
    widgets, ours, plain = out[0] == "True", int(out[1]), int(out[2])
    assert ours == 0
    if not widgets:  # the simulation is faithful: tqdm.auto itself warns in it
        assert plain == 1


PROBE = "import sys\n\n\ndef loaded():\n    return sorted(m for m in sys.modules if m.startswith('corpus_tools'))\n"


def test_pool_workers_start_with_the_package_already_imported(tmp_path):
    # a fresh process (a fresh fork server) submits a function whose module imports nothing of
    # the package: the worker that runs it still holds the package's modules, so it was forked
    # from a server that had imported them, and imported none of them itself
    (tmp_path / "probe.py").write_text(PROBE)
    code = textwrap.dedent(f"""\
        import sys
        sys.path.insert(0, {str(tmp_path)!r})
        import probe
        from corpus_tools.pipeline import _worker_pool

        if __name__ == "__main__":
            with _worker_pool(1) as pool:
                print(" ".join(pool.submit(probe.loaded).result()))
        """)
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    loaded = run.stdout.split()
    assert {"corpus_tools.pipeline", "corpus_tools.target_tone", "corpus_tools.target_model", "corpus_tools.quotes"} <= set(loaded)
