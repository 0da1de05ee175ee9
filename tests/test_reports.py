"""The report runner: staging, publishing, failure handling, parameters, index."""
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from corpus_tools import CorpusError
from corpus_tools.cli import main
from corpus_tools.reports import (
    build_index, check_parameters, discover_notebooks, notebook_parameters, notebook_summary,
    notebook_to_html, parse_parameter, run_reports, save_table,
)


def make_notebook(path: Path, body: str, params: str = 'data_dir = ""\noutput_dir = ""\nn_rows = 2') -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    cell = nbformat.v4.new_code_cell(params)
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell(f"# {path.stem} title\n\nWhat does {path.stem} show?"), cell,
                nbformat.v4.new_code_cell(body)]
    nbformat.write(nb, str(path))
    return path


GOOD = """import pandas as pd
from corpus_tools.reports import save_table
save_table(pd.DataFrame({"i": range(n_rows)}), output_dir, "{prefix}_rows")"""


@pytest.fixture
def books(tmp_path):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    make_notebook(folder / "00_fails.ipynb", "x = 1\nraise ValueError('boom in the data')")
    make_notebook(folder / "01_good.ipynb", GOOD.replace("{prefix}", "01"))
    make_notebook(folder / "TEMPLATE.ipynb", "raise SystemExit")  # not numbered: never run
    return folder


def test_discover_only_numbered_notebooks(books):
    assert [p.name for p in discover_notebooks(books)] == ["00_fails.ipynb", "01_good.ipynb"]
    assert [p.name for p in discover_notebooks(books, ["01"])] == ["01_good.ipynb"]
    with pytest.raises(CorpusError, match="no notebook 07"):
        discover_notebooks(books, ["07"])


@pytest.mark.slow
def test_failing_notebook_keeps_previous_report_and_others_still_run(books, tmp_path):
    out = tmp_path / "reports"
    (out / "tables").mkdir(parents=True)
    (out / "00_fails.html").write_text("last good page")
    (out / "tables" / "00_old.csv").write_text("a\n1\n")
    lines = []
    results = run_reports(output_dir=out, notebooks=books, progress=lines.append)
    failed, good = results
    assert not failed.ok and good.ok
    assert "00_fails failed in cell 3 (`x = 1`): ValueError: boom in the data" in failed.message
    assert "previous report is kept" in failed.message
    assert (out / "00_fails.html").read_text() == "last good page"
    assert (out / "tables" / "00_old.csv").read_text() == "a\n1\n"
    assert (out / ".failed" / "00_fails.ipynb").is_file()
    assert pd.read_csv(out / "tables" / "01_rows.csv")["i"].tolist() == [0, 1]
    assert (out / "01_good.html").is_file() and (out / "01_good.ipynb").is_file()
    assert not (out / ".staging").exists()
    assert any("FAILED" in line for line in lines) and any("01_good ok" in line for line in lines)
    index = (out / "index.html").read_text()
    assert 'href="01_good.html"' in index and 'href="00_fails.html"' in index


@pytest.mark.slow
def test_parameters_reach_the_notebook_and_wrong_types_are_refused(books, tmp_path):
    out = tmp_path / "reports"
    [result] = run_reports(["01"], out, {"n_rows": 5}, notebooks=books)
    assert result.ok and len(pd.read_csv(out / "tables" / "01_rows.csv")) == 5
    [result] = run_reports(["01"], out, {"n_rows": "five"}, notebooks=books)
    assert not result.ok and result.message == "01_good: parameter n_rows expects int (default 2), got str 'five'"
    assert len(pd.read_csv(out / "tables" / "01_rows.csv")) == 5  # untouched


@pytest.mark.slow
def test_notebook_writing_foreign_files_is_refused(tmp_path):
    folder = tmp_path / "nb"
    folder.mkdir()
    make_notebook(folder / "02_stray.ipynb", GOOD.replace("{prefix}", "03"))
    [result] = run_reports(output_dir=tmp_path / "out", notebooks=folder)
    assert not result.ok and "writes only files named 02_" in result.message


@pytest.mark.slow
def test_cli_exits_non_zero_and_names_the_notebook(books, tmp_path, capsys):
    code = main(["report", "--notebooks-dir", str(books), "--output-dir", str(tmp_path / "out")])
    assert code == 1
    captured = capsys.readouterr()
    assert "1 of 2 notebooks ok" in captured.out and "00_fails failed in cell 3" in captured.err


def test_check_parameters(books):
    path = books / "01_good.ipynb"
    assert notebook_parameters(path) == {"data_dir": "", "output_dir": "", "n_rows": 2}
    check_parameters(path, {"n_rows": 3, "data_dir": "/x"})
    with pytest.raises(CorpusError, match="unknown parameter 'top'"):
        check_parameters(path, {"top": 3})
    with pytest.raises(CorpusError, match="expects int"):
        check_parameters(path, {"n_rows": True})


def test_parameters_cell_must_hold_literals(tmp_path):
    path = make_notebook(tmp_path / "05_x.ipynb", "", params="data_dir = ''\nn = len('abc')")
    with pytest.raises(CorpusError, match="parameter n is not a literal"):
        notebook_parameters(path)


def test_missing_parameters_cell_is_named(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    nbformat.write(nb, str(tmp_path / "06_y.ipynb"))
    with pytest.raises(CorpusError, match="no cell tagged 'parameters'"):
        notebook_parameters(tmp_path / "06_y.ipynb")


def test_parse_parameter():
    assert parse_parameter("3") == 3 and parse_parameter("2.5") == 2.5 and parse_parameter("True") is True
    assert parse_parameter("security guarantees") == "security guarantees"
    assert parse_parameter("['a', 'b']") == ["a", "b"]


def test_save_table_is_byte_reproducible(tmp_path):
    df = pd.DataFrame({"term": ["b", "a"], "x": [0.1 + 0.2, 1e-9]})
    first = save_table(df, tmp_path, "01_t").read_bytes()
    assert first == b"term,x\nb,0.3\na,1e-09\n"
    assert save_table(df, tmp_path, "01_t").read_bytes() == first


def test_html_hides_code_behind_a_button():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# T"), nbformat.v4.new_code_cell("1 + 1")])
    page = notebook_to_html(nb)
    assert 'ct-hide-code"' in page and "ctToggleCode" in page and 'href="index.html"' in page and "cdnjs" not in page


def test_summary_and_index(books, tmp_path):
    assert notebook_summary(books / "01_good.ipynb") == {"title": "01_good title", "question": "What does 01_good show?"}
    out = tmp_path / "r"
    (out / "figures").mkdir(parents=True)
    (out / "01_good.html").write_text("<html></html>")
    (out / "figures" / "01_a.png").write_bytes(b"")
    index = build_index(out, books).read_text()
    assert "01 · 01_good title" in index and 'src="figures/01_a.png"' in index and "What does 01_good show?" in index


def test_new_notebook_takes_the_next_number_and_runs(tmp_path):
    from corpus_tools.paths import notebooks_dir
    from corpus_tools.reports import new_notebook

    folder = tmp_path / "nb"
    folder.mkdir()
    (folder / "TEMPLATE.ipynb").write_bytes((notebooks_dir() / "TEMPLATE.ipynb").read_bytes())
    make_notebook(folder / "04_x.ipynb", "")
    path = new_notebook("media_frames", folder)
    assert path.name == "05_media_frames.ipynb"
    nb = nbformat.read(str(path), as_version=4)
    assert nb.cells[0].source.startswith("# Media frames")
    assert "\"05_top_words\"" in "".join(c.source for c in nb.cells)
    assert nb.metadata["corpus_tools"]["key_figure"] == "05_lengths"
    assert new_notebook("09_other", folder).name == "09_other.ipynb"
    with pytest.raises(CorpusError, match="number 05 is taken"):
        new_notebook("05_again", folder)


@pytest.mark.slow
def test_template_notebook_runs_as_a_new_analysis(tmp_path):
    from corpus_tools.paths import notebooks_dir
    from corpus_tools.reports import new_notebook

    folder = tmp_path / "nb"
    folder.mkdir()
    (folder / "TEMPLATE.ipynb").write_bytes((notebooks_dir() / "TEMPLATE.ipynb").read_bytes())
    new_notebook("first_try", folder)
    [result] = run_reports(output_dir=tmp_path / "out", notebooks=folder, progress=lambda line: None)
    assert result.ok, result.message
    assert (tmp_path / "out" / "tables" / "00_top_words.csv").is_file()
    assert (tmp_path / "out" / "figures" / "00_lengths.png").is_file()
    html = (tmp_path / "out" / "00_first_try.html").read_text()
    assert "ct-provenance" in html and "manifest" in html


@pytest.mark.slow
def test_unchanged_notebooks_are_not_run_again_until_something_changes(tmp_path):
    folder = tmp_path / "nb"
    folder.mkdir()
    make_notebook(folder / "01_good.ipynb", GOOD.replace("{prefix}", "01"))
    make_notebook(folder / "02_other.ipynb", GOOD.replace("{prefix}", "02"))
    out = tmp_path / "out"
    first = run_reports(output_dir=out, notebooks=folder, jobs=2, progress=lambda line: None)
    assert [r.message for r in first] == ["", ""] and all(r.ok for r in first)
    written = (out / "index.html").stat().st_mtime_ns
    again = run_reports(output_dir=out, notebooks=folder, progress=lambda line: None)
    assert [r.message for r in again] == ["up to date", "up to date"]
    assert (out / "index.html").stat().st_mtime_ns == written  # nothing ran: the index (its run time in it) not rewritten
    # a parameter, a notebook edit or --force each cause a rerun of what they touch
    assert [r.message for r in run_reports(output_dir=out, parameters={"n_rows": 4}, notebooks=folder, progress=lambda l: None)] == ["", ""]
    make_notebook(folder / "02_other.ipynb", GOOD.replace("{prefix}", "02") + "\n# edited")
    assert [r.message for r in run_reports(output_dir=out, parameters={"n_rows": 4}, notebooks=folder, progress=lambda l: None)] == ["up to date", ""]
    assert [r.message for r in run_reports(output_dir=out, parameters={"n_rows": 4}, notebooks=folder, force=True, progress=lambda l: None)] == ["", ""]
    assert json_keys(out / ".fingerprints.json") == ["01_good", "02_other"]


def json_keys(path):
    import json

    return sorted(json.loads(path.read_text()))


def test_fingerprint_follows_data(tmp_data):
    from corpus_tools.paths import notebooks_dir
    from corpus_tools.reports import notebook_fingerprint

    path = notebooks_dir() / "00_corpus_overview.ipynb"
    before = notebook_fingerprint(path, data_dir=tmp_data)
    assert notebook_fingerprint(path, data_dir=tmp_data) == before
    with (tmp_data / "stopwords_en.txt").open("a") as handle:
        handle.write("ceasefire\n")
    assert notebook_fingerprint(path, data_dir=tmp_data) != before


def test_index_thumbnail_is_the_notebooks_key_figure(books, tmp_path):
    path = books / "01_good.ipynb"
    nb = nbformat.read(str(path), as_version=4)
    nb.metadata["corpus_tools"] = {"key_figure": "01_b"}
    nbformat.write(nb, str(path))
    out = tmp_path / "r"
    (out / "figures").mkdir(parents=True)
    (out / "01_good.html").write_text("<html></html>")
    for name in ("01_a.png", "01_b.png"):
        (out / "figures" / name).write_bytes(b"")
    assert 'src="figures/01_b.png"' in build_index(out, books).read_text()


# ---------------------------------------------------------------------------- memory (issue 13)

def test_memory_jobs_keeps_the_kernels_within_the_budget():
    from corpus_tools.reports import KERNEL_BASE_MIB, KERNEL_MIB_PER_1000_DOCS, MEMORY_BUDGET_MIB, memory_jobs

    assert memory_jobs(5, 2) == 2 and memory_jobs(1005, 2) == 2 and memory_jobs(5, 1) == 1
    for n in (5, 1_005, 5_000, 10_005, 20_000, 100_000):
        jobs = memory_jobs(n, 4)
        expected = KERNEL_BASE_MIB + KERNEL_MIB_PER_1000_DOCS * n / 1000
        assert jobs == 1 or jobs * expected <= MEMORY_BUDGET_MIB  # never more kernels than the budget holds
        assert jobs == 4 or (jobs + 1) * expected > MEMORY_BUDGET_MIB  # and no fewer than it holds
    # by hand: 400 + 200 * 10 = 2,400 MiB a kernel; one fits in 3,584, two in 5,000
    assert memory_jobs(10_000, 2, base_mib=400, mib_per_1000_docs=200) == 1
    assert memory_jobs(10_000, 2, base_mib=400, mib_per_1000_docs=200, budget_mib=5000) == 2
    assert memory_jobs(10**7, 2) == 1  # always at least one


def test_run_reports_runs_fewer_notebooks_at_once_when_they_would_not_fit(tmp_path, monkeypatch):
    import corpus_tools.reports as rp

    (tmp_path / "nb").mkdir()
    said = []
    monkeypatch.setattr(rp, "corpus_size", lambda data_dir=None: 50_000)
    rp.run_reports(output_dir=tmp_path / "out", notebooks=tmp_path / "nb", jobs=2, progress=said.append)
    assert said == [f"running 1 notebook(s) at a time, not 2: 2 kernels on 50,000 reports would need more than "
                    f"{rp.MEMORY_BUDGET_MIB:,} MiB together (corpus_tools.reports.memory_jobs)"]
    said.clear()
    monkeypatch.setattr(rp, "corpus_size", lambda data_dir=None: 5)
    rp.run_reports(output_dir=tmp_path / "out", notebooks=tmp_path / "nb", jobs=2, progress=said.append)
    assert said == []


def test_notebooks_run_side_by_side_find_the_corpus_processed_once_before(tmp_path, monkeypatch):
    import corpus_tools.reports as rp

    folder = tmp_path / "nb"
    folder.mkdir()
    make_notebook(folder / "01_good.ipynb", GOOD.replace("{prefix}", "01"))
    make_notebook(folder / "02_other.ipynb", GOOD.replace("{prefix}", "02"))
    calls = []
    monkeypatch.setattr(rp, "_process_first", lambda data_dir, say, parameters: calls.append((data_dir, parameters)))
    out = tmp_path / "out"
    rp.run_reports(output_dir=out, notebooks=folder, jobs=2, progress=lambda line: None)
    assert calls == [(None, None)]  # two notebooks due, two at a time: the corpus processed once, first
    rp.run_reports(output_dir=out, notebooks=folder, jobs=2, progress=lambda line: None)
    rp.run_reports(output_dir=out, notebooks=folder, jobs=1, force=True, progress=lambda line: None)
    make_notebook(folder / "02_other.ipynb", GOOD.replace("{prefix}", "02") + "\n# edited")
    rp.run_reports(output_dir=out, notebooks=folder, jobs=2, progress=lambda line: None)
    assert calls == [(None, None)]  # nothing due, one at a time, or one notebook due: the notebooks process as they go
    make_notebook(folder / "01_good.ipynb", GOOD.replace("{prefix}", "01"), 'data_dir = ""\noutput_dir = ""\nn_rows = 2\n'
                  'tone_toward_method = "learned"')
    rp.run_reports(output_dir=out, notebooks=folder, jobs=2, parameters={"tone_toward_method": "rules", "n_rows": 3},
                   progress=lambda line: None)
    assert calls[1:] == [(None, {"tone_toward_method": "rules", "n_rows": 3})]


def test_processing_first_takes_the_runs_pipeline_parameters_only(monkeypatch):
    import corpus_tools.pipeline as pipeline
    from corpus_tools.reports import _process_first

    from types import SimpleNamespace

    given = []

    def process(corpus, data_dir=None, params=None):
        given.append(params)
        return SimpleNamespace(computed={})  # nothing computed: nothing said

    monkeypatch.setattr(pipeline, "process", process)
    _process_first(None, lambda line: None, {"tone_toward_method": "rules", "tone_method": "afinn", "n_rows": 3})
    assert given == [{"tone_toward_method": "rules", "tone_method": "afinn"}]  # a notebook's own knob is not the pipeline's


def test_processing_first_fills_the_cache_the_notebooks_read(tmp_path, monkeypatch):
    from corpus_tools.corpus import load_corpus
    from corpus_tools.pipeline import STAGES, process
    from corpus_tools.reports import _process_first

    monkeypatch.setenv("CORPUS_TOOLS_CACHE", str(tmp_path / "cache"))  # the notebooks' default cache
    said = []
    _process_first(None, said.append)
    assert said[0].startswith("pipeline: " + ", ".join(f"{stage} 5" for stage in STAGES) + " document(s) processed in ")
    # what a notebook's own call (ct.process(corpus, data_dir=...)) then computes: nothing
    assert set(process(load_corpus()).computed.values()) == {0}
    said.clear()
    _process_first(None, said.append)
    assert said == []  # nothing new: nothing said
    (tmp_path / "data").mkdir()
    _process_first(tmp_path / "data", said.append)
    assert said[0].startswith("pipeline not run before the notebooks: ") and "corpus.csv" in said[0]


def test_a_notebook_that_is_not_json_is_named_in_the_error(tmp_path):
    from corpus_tools.reports import notebook_parameters

    broken = tmp_path / "05_broken.ipynb"
    broken.write_text('{"cells": [', encoding="utf-8")
    with pytest.raises(CorpusError, match=r"05_broken\.ipynb: not a readable notebook .*save it again from JupyterLab"):
        notebook_parameters(broken)


def test_the_command_starts_without_the_notebook_machinery():
    # an unchanged `report` reads parameters and fingerprints only; nbformat's validator alone took
    # about 3 s to import (2.4 s for the whole unchanged run without it, 4.4 s with it)
    import subprocess
    import sys

    code = "import sys, corpus_tools.cli; print(sorted(m for m in ('nbformat', 'papermill', 'nbconvert') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
