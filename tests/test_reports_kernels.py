"""Notebook kernels import the package and see the project root of the command that started
them, or the run stops saying so; the command prints its progress and result only."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest

import corpus_tools
from corpus_tools import project_root
from corpus_tools.reports import kernel_environment, run_notebook, run_reports

from test_reports import make_notebook

WHO = """import pandas as pd
import corpus_tools
from corpus_tools.paths import project_root
from corpus_tools.reports import save_table
save_table(pd.DataFrame({"package": [corpus_tools.__file__], "root": [str(project_root())]}), output_dir, "01_who")"""


@pytest.fixture
def fake_checkout(tmp_path):
    """Another checkout's corpus_tools: a package of the same name that says where it is."""
    fake = tmp_path / "other-checkout"
    (fake / "corpus_tools").mkdir(parents=True)
    (fake / "corpus_tools" / "__init__.py").write_text("FAKE = True\n")
    (fake / "corpus_tools" / "paths.py").write_text(f"def project_root():\n    return {str(fake)!r}\n")
    return fake


@pytest.fixture
def who_notebook(tmp_path):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    return make_notebook(folder / "01_who.ipynb", WHO)


def test_kernel_environment_puts_this_package_first(monkeypatch, fake_checkout):
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(fake_checkout), "/somewhere/else"]))
    env = kernel_environment()
    here = str(Path(corpus_tools.__file__).resolve().parent.parent)
    assert env["PYTHONPATH"].split(os.pathsep) == [here, str(fake_checkout), "/somewhere/else"]
    assert env["CORPUS_TOOLS_ROOT"] == str(project_root())


@pytest.mark.slow
def test_kernel_imports_this_package_even_with_another_checkout_on_the_path(monkeypatch, fake_checkout, who_notebook, tmp_path):
    monkeypatch.setenv("PYTHONPATH", str(fake_checkout))
    result = run_notebook(who_notebook, tmp_path / "reports")
    assert result.ok, result.message
    who = pd.read_csv(tmp_path / "reports" / "tables" / "01_who.csv")
    assert who.values.tolist() == [[str(Path(corpus_tools.__file__).resolve()), str(project_root())]]


@pytest.mark.slow
def test_kernel_that_still_imports_another_package_stops_the_run(monkeypatch, fake_checkout, who_notebook, tmp_path):
    # an IPython start-up file puts the other checkout first, after the environment is set
    startup = tmp_path / "ipython" / "profile_default" / "startup"
    startup.mkdir(parents=True)
    (startup / "00-other.py").write_text(f"import sys\nsys.path.insert(0, {str(fake_checkout)!r})\n")
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))
    make_notebook(who_notebook.parent / "02_next.ipynb", "raise SystemExit('never run')")
    lines = []
    first, second = run_reports(output_dir=tmp_path / "reports", notebooks=who_notebook.parent, progress=lines.append)
    here = Path(corpus_tools.__file__).resolve()
    assert not first.ok and first.fatal
    assert first.message == (
        f"01_who not run: the notebook kernel imports corpus_tools from {fake_checkout / 'corpus_tools' / '__init__.py'} "
        f"(project root {fake_checkout}), but this command runs corpus_tools from {here} (project root {project_root()}); "
        f"the reports would not be those of this project. Run `make setup` in {project_root()} and start the command from "
        f"there ({project_root() / '.venv' / 'bin' / 'corpus-tools'}); look for another corpus_tools on PYTHONPATH or in "
        "IPython start-up files")
    assert not second.ok and second.fatal and second.message.startswith("02_next not run: the notebook kernel imports")
    assert lines[-1].startswith("[1/2] 01_who STOPPED") and not any("02_next ..." in line for line in lines)
    assert not (tmp_path / "reports" / "01_who.html").exists()


@pytest.mark.slow
def test_command_prints_progress_and_result_only(who_notebook, tmp_path):
    """A real `corpus-tools report` run: no kernel start-up noise on stdout or stderr."""
    out = tmp_path / "reports"
    run = subprocess.run([sys.executable, "-m", "corpus_tools.cli", "report", "--notebooks-dir", str(who_notebook.parent),
                          "--output-dir", str(out), "--force"], capture_output=True, text=True, timeout=300,
                         cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.stdout == f"1 of 1 notebooks ok; reports in {out}\n"
    lines = run.stderr.splitlines()
    assert len(lines) == 2 and lines[0] == "[1/1] 01_who ..." and lines[1].startswith("[1/1] 01_who ok ("), run.stderr
    assert "IPKernelApp" not in run.stderr + run.stdout


@pytest.mark.slow
def test_executed_notebook_keeps_its_cells_and_counts(who_notebook, tmp_path):
    """The check runs silently: no cell is added and execution counts start at 1."""
    result = run_notebook(who_notebook, tmp_path / "reports")
    assert result.ok, result.message
    nb = nbformat.read(str(tmp_path / "reports" / "01_who.ipynb"), as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert [c.execution_count for c in code] == [1, 2, 3]  # parameters, injected parameters, body
    assert len(nb.cells) == 4
