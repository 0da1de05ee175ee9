"""Every numbered notebook runs headless with papermill, and the committed tables reproduce."""
import re
from pathlib import Path

import nbformat
import pytest

from corpus_tools import reports_dir
from corpus_tools.paths import notebooks_dir
from corpus_tools.pipeline import DEFAULT_PARAMS, PARAM_CHOICES
from corpus_tools.reports import discover_notebooks, notebook_parameters, run_reports

NOTEBOOKS = discover_notebooks()


@pytest.fixture(scope="session")
def fresh_reports(tmp_path_factory):
    """All notebooks run once, into a temporary reports folder."""
    out = tmp_path_factory.mktemp("reports")
    results = run_reports(output_dir=out, progress=lambda line: None)
    return out, {r.name: r for r in results}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_is_committed_clean_with_a_parameters_cell(path):
    nb = nbformat.read(str(path), as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code), "strip outputs before committing"
    tagged = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    assert "data_dir" in tagged[0].source and "output_dir" in tagged[0].source
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    assert not any("def " in c.source or "../data" in c.source for c in code), "notebooks stay thin"
    assert not any("nltk.download" in c.source for c in code)


def test_notebooks_name_the_pipeline_parameters_as_the_pipeline_does():
    # one knob for the whole report: `corpus-tools report -p tone_method afinn` reaches every
    # notebook that scores sentence tone and the pipeline run before them (reports._process_first
    # passes the run's parameters by the pipeline's names), so no notebook may call a pipeline
    # parameter anything else or default it to another value
    declared = {path.stem: notebook_parameters(path) for path in NOTEBOOKS}
    for stem, params in declared.items():
        for name in PARAM_CHOICES:
            if name in params:
                assert params[name] == DEFAULT_PARAMS[name], (stem, name)
        assert "method" not in params, f"{stem}: name the sentence-tone method tone_method, as the pipeline does"
    assert {"tone_method", "tone_toward_method"} <= set(declared["02_sentiment"]) & set(declared["04_comparison"])


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_and_publishes(fresh_reports, path):
    out, results = fresh_reports
    result = results[path.stem]
    assert result.ok, result.message
    assert (out / f"{path.stem}.html").stat().st_size > 10_000
    assert (out / f"{path.stem}.ipynb").is_file()
    prefix = path.stem[:3]
    assert list((out / "figures").glob(f"{prefix}*.png")), "each report has at least one figure"
    assert list((out / "tables").glob(f"{prefix}*.csv")), "each report has at least one table"
    html = (out / f"{path.stem}.html").read_text()
    assert "Traceback" not in html and "data:image/png;base64" in html


@pytest.mark.slow
def test_index_links_every_report(fresh_reports):
    out, _ = fresh_reports
    index = (out / "index.html").read_text()
    for path in NOTEBOOKS:
        assert f'href="{path.stem}.html"' in index


@pytest.mark.slow
def test_regenerated_tables_equal_the_committed_ones(fresh_reports):
    out, _ = fresh_reports
    committed = sorted(p.name for p in (reports_dir() / "tables").glob("*.csv"))
    fresh = sorted(p.name for p in (out / "tables").glob("*.csv"))
    assert fresh == committed, "run `make reports` and commit reports/"
    for name in committed:
        assert (out / "tables" / name).read_bytes() == (reports_dir() / "tables" / name).read_bytes(), (
            f"reports/tables/{name} differs from a fresh run: run `make reports` and commit reports/")


def test_every_committed_report_has_its_notebook():
    stems = {p.stem for p in NOTEBOOKS}
    for page in reports_dir().glob("[0-9][0-9]_*.html"):
        assert page.stem in stems, f"{page.name} has no notebook in {notebooks_dir()}"


@pytest.mark.slow
def test_no_output_of_a_report_holds_a_memory_address(fresh_reports):
    """A displayed object's default repr (``<... at 0x7f...>``) differs at every run, so the
    committed notebooks would change at each regeneration: displays give a text of their own."""
    out, _ = fresh_reports
    address = re.compile(r" at 0x[0-9a-f]+>")
    for page in [*sorted(out.glob("[0-9][0-9]_*.ipynb")), *sorted(reports_dir().glob("[0-9][0-9]_*.ipynb"))]:
        nb = nbformat.read(str(page), as_version=4)
        for number, cell in enumerate(nb.cells):
            for output in cell.get("outputs", []):
                text = output.get("data", {}).get("text/plain", "") + output.get("text", "")
                assert not address.search(text), f"{page}: cell {number} displays {address.search(text)[0]!r}"
