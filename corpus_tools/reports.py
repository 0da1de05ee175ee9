"""Run the numbered notebooks with papermill and publish them under ``reports/``.

For each ``notebooks/NN_name.ipynb`` the runner executes the notebook in a staging folder,
with the parameters ``data_dir`` and ``output_dir`` (and any others given), then converts it
to HTML with nbconvert. Only when both succeed are the executed notebook, the HTML page and
the notebook's ``figures/NN_*.png`` and ``tables/NN_*.csv`` moved into ``reports/``,
replacing the previous ones. A notebook that fails leaves its last good report in place;
the others still run. Finally ``reports/index.html`` links every page.

Notebooks write their outputs with :func:`save_table` and :func:`corpus_tools.plots.save_figure`,
which keep tables byte-reproducible (fixed float format, ``\\n`` line endings, no index).
"""
from __future__ import annotations

import ast
import contextlib
import html
import json
import os
import re
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import pandas as pd

from corpus_tools.errors import CorpusError
from corpus_tools.paths import ROOT_ENV, notebooks_dir, project_root, reports_dir
from corpus_tools.paths import data_dir as _data_dir

NOTEBOOK_NAME = re.compile(r"^(\d\d)_[A-Za-z0-9_-]+\.ipynb$")
FLOAT_FORMAT = "%.6g"


def save_table(df: pd.DataFrame, output_dir: str | Path, name: str) -> Path:
    """Write ``df`` to ``<output_dir>/tables/<name>.csv`` reproducibly and return the path.

    No index, floats with 6 significant digits, ``\\n`` line endings, UTF-8.

    Examples
    --------
    >>> import tempfile
    >>> path = save_table(pd.DataFrame({"term": ["peace"], "share": [1 / 3]}), tempfile.mkdtemp(), "01_demo")
    >>> path.read_text()
    'term,share\\npeace,0.333333\\n'
    """
    path = Path(output_dir) / "tables" / f"{name}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(path, index=False, float_format=FLOAT_FORMAT, lineterminator="\n", encoding="utf-8")
    return path


def discover_notebooks(directory: Path | str | None = None, only: list[str] | None = None) -> list[Path]:
    """Return the numbered notebooks ``NN_*.ipynb`` in order; ``only`` keeps those whose
    number or name is listed.

    Examples
    --------
    >>> [p.name for p in discover_notebooks(only=["00"])]
    ['00_corpus_overview.ipynb']
    """
    directory = Path(directory) if directory else notebooks_dir()
    found = sorted(p for p in directory.glob("*.ipynb") if NOTEBOOK_NAME.match(p.name))
    if only:
        wanted = set(only)
        found = [p for p in found if p.name[:2] in wanted or p.stem in wanted or p.name in wanted]
        missing = wanted - {p.name[:2] for p in found} - {p.stem for p in found} - {p.name for p in found}
        if missing:
            raise CorpusError(f"no notebook {', '.join(sorted(missing))} in {directory}; the numbered notebooks are {', '.join(p.stem for p in sorted(directory.glob('[0-9][0-9]_*.ipynb')))}")
    return found


def _notebook_json(path: Path | str) -> dict:
    """A notebook file's JSON with each cell's ``source`` as one string, read without nbformat.

    Importing nbformat loads its schema validator (about 3 s with the jsonschema of 2026), which
    an unchanged ``report`` (parameters, titles, key figures and fingerprints only) does not need;
    executing and converting notebooks imports it where they run.

    Examples
    --------
    >>> nb = _notebook_json(notebooks_dir() / "00_corpus_overview.ipynb")
    >>> nb["cells"][0]["cell_type"], isinstance(nb["cells"][0]["source"], str)
    ('markdown', True)
    """
    try:
        nb = json.loads(Path(path).read_text(encoding="utf-8"))
        cells = nb["cells"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise CorpusError(f"{path}: not a readable notebook ({type(exc).__name__}: {exc}); "
                          "save it again from JupyterLab or restore it from git") from exc
    for cell in cells:
        if isinstance(cell.get("source"), list):
            cell["source"] = "".join(cell["source"])
    return nb


def notebook_parameters(path: Path | str) -> dict[str, Any]:
    """Return the literal defaults of the notebook's ``parameters`` cell, by name.

    Examples
    --------
    >>> notebook_parameters(notebooks_dir() / "00_corpus_overview.ipynb")["data_dir"]
    ''
    """
    cells = [c for c in _notebook_json(path)["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    if not cells:
        raise CorpusError(f"{path}: no cell tagged 'parameters'; tag the cell that holds the notebook's literal inputs")
    defaults: dict[str, Any] = {}
    tree = ast.parse(cells[0]["source"])
    for node in tree.body:
        target = node.targets[0] if isinstance(node, ast.Assign) else getattr(node, "target", None)
        value = getattr(node, "value", None)
        if isinstance(target, ast.Name) and value is not None:
            try:
                defaults[target.id] = ast.literal_eval(value)
            except ValueError as exc:
                raise CorpusError(f"{path}: parameter {target.id} is not a literal; the parameters cell holds literals only (derive values in the next cell)") from exc
    return defaults


def _type_ok(default: Any, value: Any) -> bool:
    if isinstance(default, bool):
        return isinstance(value, bool)
    if isinstance(default, int):
        return isinstance(value, int) and not isinstance(value, bool)
    if isinstance(default, float):
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if isinstance(default, (list, tuple)):
        return isinstance(value, (list, tuple))
    if default is None:
        return True
    return isinstance(value, type(default))


def check_parameters(path: Path | str, parameters: dict[str, Any]) -> None:
    """Raise :class:`CorpusError` if a parameter is unknown to the notebook or of the wrong type.

    Examples
    --------
    >>> check_parameters(notebooks_dir() / "00_corpus_overview.ipynb", {"data_dir": 3})
    Traceback (most recent call last):
    ...
    corpus_tools.errors.CorpusError: 00_corpus_overview: parameter data_dir expects str (default ''), got int 3
    """
    name = Path(path).stem
    defaults = notebook_parameters(path)
    for key, value in parameters.items():
        if key not in defaults:
            raise CorpusError(f"{name}: unknown parameter {key!r}; its parameters are {', '.join(defaults)}")
        if not _type_ok(defaults[key], value):
            raise CorpusError(
                f"{name}: parameter {key} expects {type(defaults[key]).__name__} (default {defaults[key]!r}), "
                f"got {type(value).__name__} {value!r}"
            )


def parse_parameter(text: str) -> Any:
    """Turn a command-line value into a Python literal where it is one, else keep the string.

    Examples
    --------
    >>> parse_parameter("20"), parse_parameter("['peace', 'troops']"), parse_parameter("ceasefire")
    (20, ['peace', 'troops'], 'ceasefire')
    """
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def provenance(data_dir: Path | str | None = None, parameters: dict[str, Any] | None = None) -> dict[str, Any]:
    """What produced a report: corpus size and manifest checksum, parameters, package versions,
    checksums of every resource in ``data/`` (word lists, rules, gazetteers, lexicons, gold),
    and the date of the run. It goes into HTML pages and executed notebooks, never into tables.

    Examples
    --------
    >>> stamp = provenance(parameters={"top_n": 20})
    >>> stamp["corpus"]["documents"], sorted(stamp["versions"])[:3]
    (5, ['corpus_tools', 'nltk', 'pandas'])
    >>> "stopwords_en.txt" in stamp["resources"], "raw/000_35e0b38e5505f0f8.txt" in stamp["resources"]
    (True, False)
    """
    from datetime import datetime, timezone
    from hashlib import sha256
    from importlib.metadata import version

    directory = _data_dir(data_dir)
    manifest = directory / "corpus.csv"
    documents = len(pd.read_csv(manifest, dtype=str)) if manifest.is_file() else 0
    resources = {
        str(path.relative_to(directory)): sha256(path.read_bytes()).hexdigest()[:12]
        for path in sorted(directory.rglob("*"))
        if path.is_file() and path.relative_to(directory).parts[0] != "raw" and path.name != "corpus.csv"
    }
    return {
        "corpus": {"documents": documents, "manifest_sha256": sha256(manifest.read_bytes()).hexdigest()[:12] if manifest.is_file() else ""},
        "parameters": dict(parameters or {}),
        "versions": {name: version(name) for name in ("corpus_tools", "nltk", "pandas", "papermill", "vaderSentiment")},
        "python": sys.version.split()[0],
        "resources": resources,
        "run_at": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }


def provenance_html(stamp: dict[str, Any]) -> str:
    """The stamp as a small HTML footer.

    Examples
    --------
    >>> "manifest" in provenance_html(provenance())
    True
    """
    esc = html.escape
    params = ", ".join(f"{esc(k)}={esc(repr(v))}" for k, v in stamp["parameters"].items()) or "defaults"
    versions = ", ".join(f"{esc(k)} {esc(v)}" for k, v in stamp["versions"].items())
    resources = ", ".join(f"{esc(k)} <code>{esc(v)}</code>" for k, v in stamp["resources"].items())
    return (
        '<footer class="ct-provenance" style="font: 12px/1.5 system-ui, sans-serif; color: #555; '
        'border-top: 1px solid #ddd; margin: 2rem 1rem 1rem; padding-top: 0.5rem;">'
        f"<strong>Provenance.</strong> Run {esc(stamp['run_at'])}. Corpus: {stamp['corpus']['documents']} documents, "
        f"manifest <code>{esc(stamp['corpus']['manifest_sha256'])}</code>. Parameters: {params}. "
        f"Versions: {versions}, Python {esc(stamp['python'])}. Resources (sha256): {resources}.</footer>"
    )


@dataclass
class NotebookResult:
    """The outcome of running one notebook."""

    name: str
    ok: bool
    seconds: float
    message: str = ""
    outputs: list[str] = field(default_factory=list)
    fatal: bool = False  # the run cannot go on (the kernels import another corpus_tools): the rest are not run


# ----------------------------------------------------------------------------- kernels

KERNEL_NAME = "corpus-tools"
_ENGINE = "corpus_tools"
_KERNEL_NOISE = re.compile(
    r"Kernel is running over TCP without encryption"  # ipykernel 7 on the default tcp transport
    r"|^\s*$"
)


class KernelMismatch(CorpusError):
    """The notebook kernel imports another ``corpus_tools``, or sees another project root,
    than the command that started it."""


def kernel_environment() -> dict[str, str]:
    """The environment variables the runner gives each notebook kernel, on top of its own:
    ``PYTHONPATH`` led by the folder this ``corpus_tools`` is imported from, and
    ``CORPUS_TOOLS_ROOT`` set to this project's root, so that the kernel imports the same
    package (code, data, cache) as the command, whatever else is installed or on the path.

    Examples
    --------
    >>> env = kernel_environment()
    >>> env["PYTHONPATH"].split(os.pathsep)[0] == str(Path(__file__).resolve().parent.parent)
    True
    >>> Path(env["CORPUS_TOOLS_ROOT"]) == project_root()
    True
    """
    first = str(Path(__file__).resolve().parent.parent)
    rest = [entry for entry in os.environ.get("PYTHONPATH", "").split(os.pathsep) if entry and entry != first]
    return {"PYTHONPATH": os.pathsep.join([first, *rest]), ROOT_ENV: str(project_root())}


def _write_kernel_spec(directory: Path) -> Path:
    """A kernel spec that starts this very Python (``sys.executable``), in ``directory``."""
    spec = directory / KERNEL_NAME
    spec.mkdir(parents=True, exist_ok=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (corpus_tools)", "language": "python",
    }), encoding="utf-8")
    return directory


_KERNEL_PROBE = {
    "package": "__import__('corpus_tools').__file__",
    "root": "str(__import__('corpus_tools.paths').paths.project_root())",
}


def _check_kernel(found: dict[str, Any]) -> None:
    """Raise :class:`KernelMismatch` unless the kernel's answers to ``_KERNEL_PROBE`` (the
    ``user_expressions`` of an execute reply) name this package file and project root."""
    expected = {"package": str(Path(__file__).resolve().parent / "__init__.py"), "root": str(project_root())}
    seen = {}
    for name, reply in found.items():
        if reply.get("status") == "ok":
            seen[name] = str(Path(ast.literal_eval(reply["data"]["text/plain"])).resolve())
        else:
            seen[name] = f"<{reply.get('ename', 'error')}: {reply.get('evalue', '')}>"
    if seen != expected:
        here = project_root()
        raise KernelMismatch(
            f"the notebook kernel imports corpus_tools from {seen['package']} (project root {seen['root']}), "
            f"but this command runs corpus_tools from {expected['package']} (project root {expected['root']}); "
            f"the reports would not be those of this project. Run `make setup` in {here} and start the command "
            f"from there ({here / '.venv' / 'bin' / 'corpus-tools'}); look for another corpus_tools on PYTHONPATH "
            "or in IPython start-up files")


def _engine_name() -> str:
    """Register (once) the papermill engine whose kernels run this project's package."""
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_core.utils import run_sync
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.utils import merge_kwargs, remove_args

    if _ENGINE in papermill_engines._engines:
        return _ENGINE

    class ProjectKernelClient(PapermillNotebookClient):
        """Starts the kernel from this Python with :func:`kernel_environment`, its start-up
        output to a log file, and checks it imports this package before the first cell."""

        def __init__(self, nb_man, *, kernel_dir: str, kernel_log, **kw):
            super().__init__(nb_man, **kw)
            self.ct_kernel_dir, self.ct_kernel_log = kernel_dir, kernel_log

        def create_kernel_manager(self):
            specs = KernelSpecManager(kernel_dirs=[str(_write_kernel_spec(Path(self.ct_kernel_dir)))])
            self.kernel_name = KERNEL_NAME
            self.km = self.kernel_manager_class(kernel_name=KERNEL_NAME, kernel_spec_manager=specs, config=self.config)
            return self.km

        async def async_start_new_kernel(self, **kwargs):
            kwargs.update(env={**os.environ, **kernel_environment()}, stdout=self.ct_kernel_log, stderr=self.ct_kernel_log)
            await super().async_start_new_kernel(**kwargs)

        start_new_kernel = run_sync(async_start_new_kernel)

        def papermill_execute_cells(self):
            msg_id = self.kc.execute("", silent=True, store_history=False, user_expressions=_KERNEL_PROBE)
            reply = self.wait_for_reply(msg_id)
            _check_kernel(reply["content"].get("user_expressions", {}))
            super().papermill_execute_cells()

    class ProjectEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None, stderr_file=None,
                                     start_timeout=60, execution_timeout=None, **kwargs):
            kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
            final = merge_kwargs(kwargs, timeout=execution_timeout, startup_timeout=start_timeout, kernel_name=kernel_name,
                                 log_output=log_output, stdout_file=stdout_file, stderr_file=stderr_file)
            return ProjectKernelClient(nb_man, **final).execute()

    papermill_engines.register(_ENGINE, ProjectEngine)
    return _ENGINE


def _kernel_said(log: Path) -> str:
    """What the kernel printed outside its cells, start-up noise left out (last lines only)."""
    try:
        lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    except FileNotFoundError:
        return ""
    kept = [line for line in lines if not _KERNEL_NOISE.search(line)]
    return " | ".join(kept[-8:])


_PAGE_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block html_head_css -%}
<style>
  body.ct-hide-code .jp-CodeCell .jp-Cell-inputWrapper { display: none; }
  #ct-toggle { position: fixed; top: 0.6rem; right: 0.6rem; z-index: 10; padding: 0.3rem 0.7rem;
               font: 13px system-ui, sans-serif; border: 1px solid #888; border-radius: 4px; background: #fff; cursor: pointer; }
  .ct-back { font: 13px system-ui, sans-serif; margin: 0.6rem 1rem; }
</style>
<script>
  function ctToggleCode() {
    document.body.classList.toggle('ct-hide-code');
    document.getElementById('ct-toggle').textContent =
      document.body.classList.contains('ct-hide-code') ? 'Show code' : 'Hide code';
  }
</script>
{%- endblock html_head_css -%}
{%- block body_header -%}
<body class="jp-Notebook ct-hide-code" data-jp-theme-light="true" data-jp-theme-name="JupyterLab Light">
<button id="ct-toggle" onclick="ctToggleCode()">Show code</button>
<p class="ct-back"><a href="index.html">&larr; All reports</a></p>
<main>
{%- endblock body_header -%}
{% block body_footer %}
</main>
{{ resources.get('ct_footer', '') }}
</body>
{% endblock body_footer %}
"""


def notebook_to_html(nb: nbformat.NotebookNode, footer: str = "") -> str:
    """Render an executed notebook as a self-contained HTML page whose code cells can be hidden.

    Code is hidden by default; a button shows it. Figures are embedded; nothing is loaded from
    the network (no require.js or MathJax from a CDN), so the page works offline. ``footer``
    (HTML) goes at the end of the page.

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Title")])
    >>> page = notebook_to_html(nb, footer="<footer>made here</footer>")
    >>> "Title" in page and "Show code" in page and "made here" in page, "cdnjs" in page
    (True, False)
    """
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab", extra_loaders=[DictLoader({"ct_page.html.j2": _PAGE_TEMPLATE})],
                            template_file="ct_page.html.j2")
    body, _ = exporter.from_notebook_node(nb, resources={"ct_footer": footer})
    return body


def _failure_message(name: str, exc: Exception, source: Path) -> str:
    """Say which cell failed, counting cells 1-based as they stand in the source notebook."""
    import nbformat
    from papermill.exceptions import PapermillExecutionError

    if not isinstance(exc, PapermillExecutionError):
        return f"{name} failed: {type(exc).__name__}: {exc}"
    cells = nbformat.read(str(source), as_version=4).cells
    number = next((i + 1 for i, c in enumerate(cells) if c.source == exc.source), exc.cell_index)
    first_line = exc.source.strip().splitlines()[0] if exc.source.strip() else ""
    return f"{name} failed in cell {number} (`{first_line[:60]}`): {exc.ename}: {exc.evalue}"


def _publish(staging: Path, output_dir: Path, stem: str) -> list[str]:
    prefix = stem[:3]
    written = []
    for sub in ("figures", "tables"):
        new_files = sorted((staging / sub).glob("*")) if (staging / sub).is_dir() else []
        strays = [p.name for p in new_files if not p.name.startswith(prefix)]
        if strays:
            raise CorpusError(f"{stem} wrote {sub}/{', '.join(strays)}; a notebook writes only files named {prefix}*")
        target = output_dir / sub
        target.mkdir(parents=True, exist_ok=True)
        for old in target.glob(f"{prefix}*"):
            old.unlink()
        for path in new_files:
            path.replace(target / path.name)
            written.append(f"{sub}/{path.name}")
    for suffix in (".ipynb", ".html"):
        (staging / f"{stem}{suffix}").replace(output_dir / f"{stem}{suffix}")
        written.append(f"{stem}{suffix}")
    return written


def run_notebook(path: Path | str, output_dir: Path | str | None = None, parameters: dict[str, Any] | None = None,
                 *, data_dir: Path | str | None = None) -> NotebookResult:
    """Execute one notebook with papermill and publish its report; never raise on a notebook error.

    Examples
    --------
    >>> r = run_notebook(notebooks_dir() / "00_corpus_overview.ipynb", parameters={"data_dir": 3})
    >>> r.ok, r.message
    (False, "00_corpus_overview: parameter data_dir expects str (default ''), got int 3")
    """
    import nbformat
    import papermill as pm

    path = Path(path)
    stem = path.stem
    output_dir = reports_dir(output_dir).resolve()
    started = time.perf_counter()
    try:
        check_parameters(path, {k: v for k, v in (parameters or {}).items()})
    except CorpusError as exc:
        return NotebookResult(stem, False, 0.0, str(exc))
    (output_dir / ".staging").mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f"{stem}-", dir=output_dir / ".staging"))  # private to this run
    params = {"data_dir": str(_data_dir(data_dir).resolve()), "output_dir": str(staging), **(parameters or {})}
    kernel_log = staging / ".kernel.log"
    try:
        with kernel_log.open("w", encoding="utf-8") as log:
            pm.execute_notebook(
                str(path), str(staging / f"{stem}.ipynb"), parameters=params, cwd=str(path.parent),
                kernel_name="python3", progress_bar=False, log_output=False, engine_name=_engine_name(),
                kernel_dir=str(staging / ".kernel"), kernel_log=log,
            )
        nb = nbformat.read(str(staging / f"{stem}.ipynb"), as_version=4)
        shown = {**params, "output_dir": str(output_dir)}
        stamp = provenance(data_dir, shown)
        nb.metadata["corpus_tools"] = {"provenance": stamp}
        nbformat.write(nb, str(staging / f"{stem}.ipynb"))
        page = notebook_to_html(nb, footer=provenance_html(stamp))
        (staging / f"{stem}.html").write_text(page, encoding="utf-8")
        outputs = _publish(staging, output_dir, stem)
    except KernelMismatch as exc:
        return NotebookResult(stem, False, time.perf_counter() - started, f"{stem} not run: {exc}", fatal=True)
    except Exception as exc:  # a notebook may raise anything; report it and keep the old report
        said = _kernel_said(kernel_log)
        failed = output_dir / ".failed"
        failed.mkdir(parents=True, exist_ok=True)
        if (staging / f"{stem}.ipynb").exists():
            shutil.copyfile(staging / f"{stem}.ipynb", failed / f"{stem}.ipynb")
        message = _failure_message(stem, exc, path) + f"; the executed notebook is in {failed / (stem + '.ipynb')}; the previous report is kept"
        message += f"; the kernel printed: {said}" if said else ""
        return NotebookResult(stem, False, time.perf_counter() - started, message)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return NotebookResult(stem, True, time.perf_counter() - started, "", outputs)


def notebook_summary(path: Path | str) -> dict[str, str]:
    """Return a notebook's ``title`` (its first heading) and ``question`` (the paragraph after it).

    Examples
    --------
    >>> notebook_summary(notebooks_dir() / "00_corpus_overview.ipynb")["title"]
    'The corpus at a glance'
    """
    for cell in _notebook_json(path)["cells"]:
        if cell.get("cell_type") == "markdown" and cell["source"].lstrip().startswith("#"):
            lines = [line.strip() for line in cell["source"].strip().splitlines()]
            title = lines[0].lstrip("#").strip()
            rest = [line for line in lines[1:] if line and not line.startswith("#")]
            question = rest[0] if rest else ""
            return {"title": title, "question": re.sub(r"\*\*|`", "", question)}
    return {"title": Path(path).stem, "question": ""}


def key_figure(path: Path | str) -> str:
    """The figure a notebook names as its key figure (``metadata.corpus_tools.key_figure``), or "".

    The index shows it as the report's thumbnail; without it, the first figure by name.

    Examples
    --------
    >>> key_figure(notebooks_dir() / "02_sentiment.ipynb")
    '02_tone_arc'
    """
    return str(_notebook_json(path).get("metadata", {}).get("corpus_tools", {}).get("key_figure", ""))


def build_index(output_dir: Path | str | None = None, notebooks: Path | str | None = None,
                *, data_dir: Path | str | None = None) -> Path:
    """Write ``reports/index.html``: one card per published report, with its question, a
    thumbnail of its first figure and a link.

    Examples
    --------
    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp())
    >>> build_index(out).name
    'index.html'
    """
    output_dir = reports_dir(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    cards = []
    source = Path(notebooks) if notebooks else notebooks_dir()
    for page in sorted(output_dir.glob("[0-9][0-9]_*.html")):
        nb_path = source / f"{page.stem}.ipynb"
        summary = notebook_summary(nb_path) if nb_path.exists() else {"title": page.stem, "question": ""}
        figures = sorted((output_dir / "figures").glob(f"{page.stem[:3]}*.png"))
        key = key_figure(nb_path) if nb_path.exists() else ""
        figures = [f for f in figures if f.stem == key] or figures
        thumb = f'<img src="figures/{html.escape(figures[0].name)}" alt="key figure of {html.escape(summary["title"])}">' if figures else ""
        cards.append(
            f'<a class="card" href="{html.escape(page.name)}"><h2>{html.escape(page.stem[:2])} · {html.escape(summary["title"])}</h2>'
            f'{thumb}<p>{html.escape(summary["question"])}</p></a>'
        )
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>corpus_tools reports</title>
<style>
 body {{ font: 15px/1.5 system-ui, sans-serif; max-width: 70rem; margin: 2rem auto; padding: 0 1rem; color: #222; }}
 .cards {{ display: grid; grid-template-columns: repeat(auto-fill, minmax(20rem, 1fr)); gap: 1rem; }}
 .card {{ display: block; border: 1px solid #ccc; border-radius: 6px; padding: 0.8rem 1rem; color: inherit; text-decoration: none; }}
 .card:hover {{ border-color: #1f77b4; }}
 .card h2 {{ font-size: 1.05rem; margin: 0 0 0.5rem; }}
 .card img {{ width: 100%; height: 11rem; object-fit: contain; background: #fafafa; }}
</style></head>
<body><h1>Coalition of the Willing: news reports of the Paris meetings</h1>
<p>Reports generated by <code>make reports</code> from the notebooks in <code>notebooks/</code>.
Tables behind every figure are in <a href="tables/">tables/</a>.</p>
<div class="cards">
{chr(10).join(cards)}
</div>{provenance_html(provenance(data_dir))}</body></html>
"""
    target = output_dir / "index.html"
    tmp = target.with_suffix(".html.tmp")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(target)
    return target


FINGERPRINTS = ".fingerprints.json"
_FINGERPRINT_PACKAGES = ("corpus_tools", "pandas", "numpy", "scipy", "scikit-learn", "matplotlib", "nltk",
                         "vaderSentiment", "afinn", "papermill", "nbconvert", "pyarrow")


def notebook_fingerprint(path: Path | str, parameters: dict[str, Any] | None = None,
                         data_dir: Path | str | None = None) -> str:
    """A hash of everything a notebook's report depends on: the notebook, its parameters, the
    files of ``data/`` (the manifest stands for the raw files, whose checksums it holds), the
    package's source and the versions of the packages it runs on.

    Examples
    --------
    >>> a = notebook_fingerprint(notebooks_dir() / "00_corpus_overview.ipynb")
    >>> a == notebook_fingerprint(notebooks_dir() / "00_corpus_overview.ipynb", {"top_n": 3})
    False
    """
    from hashlib import sha256
    from importlib.metadata import version

    h = sha256()

    def feed(label: str, content: bytes) -> None:
        h.update(label.encode() + b"\0" + sha256(content).digest())

    feed("notebook", Path(path).read_bytes())
    feed("parameters", json.dumps(parameters or {}, sort_keys=True, default=str).encode())
    directory = _data_dir(data_dir)
    for file in sorted(directory.rglob("*")):
        relative = file.relative_to(directory)
        if file.is_file() and relative.parts[0] != "raw":
            feed(f"data/{relative.as_posix()}", file.read_bytes())
    for file in sorted(Path(__file__).parent.glob("*.py")):
        feed(f"code/{file.name}", file.read_bytes())
    feed("versions", " ".join(f"{name}=={version(name)}" for name in _FINGERPRINT_PACKAGES).encode())
    return h.hexdigest()


def _read_fingerprints(output_dir: Path) -> dict[str, str]:
    path = output_dir / FINGERPRINTS
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def _write_fingerprints(output_dir: Path, fingerprints: dict[str, str]) -> None:
    path = output_dir / FINGERPRINTS
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(dict(sorted(fingerprints.items())), indent=1) + "\n", encoding="utf-8")
    tmp.replace(path)


MEMORY_BUDGET_MIB = 3584  # what the notebooks running at once may hold together (4 GiB less the runner's share)
KERNEL_BASE_MIB = 400  # a notebook kernel's peak on a few reports (imports, figures, the gold sets)
KERNEL_MIB_PER_1000_DOCS = 270  # and what each 1,000 reports add (04 peaked at 3,042 MiB on 10,005 reports)


def corpus_size(data_dir: Path | str | None = None) -> int:
    """The number of reports in ``data/corpus.csv`` (0 when it cannot be read): what
    :func:`memory_jobs` estimates a kernel's memory from. Only the ``doc_id`` column is read.

    Examples
    --------
    >>> corpus_size() >= 5
    True
    """
    try:
        return len(pd.read_csv(_data_dir(data_dir) / "corpus.csv", usecols=["doc_id"], dtype=str))
    except (OSError, ValueError):
        return 0


def memory_jobs(n_docs: int, jobs: int, *, budget_mib: float = MEMORY_BUDGET_MIB, base_mib: float = KERNEL_BASE_MIB,
                mib_per_1000_docs: float = KERNEL_MIB_PER_1000_DOCS) -> int:
    """How many notebooks may run at once on ``n_docs`` reports: ``jobs``, or fewer when that
    many kernels would not fit in ``budget_mib`` together.

    Each kernel is expected to peak at ``base_mib + mib_per_1000_docs * n_docs / 1000`` (a
    kernel's memory grows with the tables it reads, linearly in the corpus); the answer is the
    largest number of such kernels within the budget, at least 1 and at most ``jobs``. The
    default estimate follows the largest per-notebook peak measured (notebook 04: about 350 MiB
    on 5 reports, 3,042 MiB on 10,005), so two notebooks run together up to about 5,000
    reports and one at a time beyond: slower, but within the budget.

    Examples
    --------
    >>> memory_jobs(5, 2), memory_jobs(5_000, 2), memory_jobs(10_005, 2), memory_jobs(10_005, 2, budget_mib=8192)
    (2, 2, 1, 2)
    """
    expected = base_mib + mib_per_1000_docs * max(n_docs, 0) / 1000
    return int(max(1, min(jobs, budget_mib // max(expected, 1))))


def _process_first(data_dir: Path | str | None, say: Callable[[str], None], parameters: dict | None = None) -> None:
    """Run the corpus through every pipeline stage before notebooks run side by side, with the
    run's ``parameters`` that are pipeline parameters (:data:`corpus_tools.pipeline.PARAM_CHOICES`,
    e.g. ``tone_toward_method``, which notebooks 02 and 04 declare under that name; the
    defaults for the others). Each numbered notebook calls
    :func:`corpus_tools.process`, which computes what the cache lacks; two kernels that start
    together on new articles would both find the cache without them and each process every
    new article, each on a pool as large as the machine. Done once here, their calls read the
    cache. A corpus that cannot be read is left to the notebooks, which report it each
    (previous pages intact)."""
    from corpus_tools.corpus import load_corpus
    from corpus_tools.pipeline import PARAM_CHOICES, process

    params = {k: v for k, v in (parameters or {}).items() if k in PARAM_CHOICES}
    started = time.perf_counter()
    try:
        result = process(load_corpus(data_dir), data_dir=data_dir, params=params)
    except CorpusError as error:
        say(f"pipeline not run before the notebooks: {error}")
        return
    computed = {stage: n for stage, n in result.computed.items() if n}
    if computed:
        say(f"pipeline: {', '.join(f'{stage} {n}' for stage, n in computed.items())} document(s) processed in "
            f"{time.perf_counter() - started:.1f} s, before the notebooks (they read the cache)")


def run_reports(only: list[str] | None = None, output_dir: Path | str | None = None,
                parameters: dict[str, Any] | None = None, *, data_dir: Path | str | None = None,
                notebooks: Path | str | None = None, force: bool = False, jobs: int = 1,
                progress: Callable[[str], None] | None = None) -> list[NotebookResult]:
    """Run every numbered notebook (or those in ``only``), publish each, and rebuild the index
    (not when every notebook was up to date and the index exists: a run that changed nothing
    leaves every file of ``reports/`` as it was).

    Parameters given apply to every notebook that declares them; ``data_dir`` and
    ``output_dir`` go to all. A notebook whose :func:`notebook_fingerprint` matches its last
    successful run (recorded in ``reports/.fingerprints.json``) and whose page exists is not
    run again, unless ``force``. ``jobs`` notebooks run at once (each in its own kernel), or
    fewer when :func:`memory_jobs` says that many kernels would not fit in
    :data:`MEMORY_BUDGET_MIB` together on this corpus (the progress says so); when two or
    more notebooks will run at once, the corpus goes through the pipeline first, in this process
    (:func:`_process_first`), so that side-by-side kernels read the cache instead of each
    computing the same stages.
    Kernels run this Python with :func:`kernel_environment`; when a kernel still imports
    another ``corpus_tools`` or sees another project root, that notebook and the ones not yet
    started are not run (``fatal``), and the message names both paths and the fix.
    Returns one :class:`NotebookResult` per notebook, in notebook order.
    """
    from concurrent.futures import ThreadPoolExecutor

    say = progress or (lambda line: print(line, file=sys.stderr, flush=True))
    books = discover_notebooks(notebooks, only)
    output_dir = reports_dir(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    fingerprints = _read_fingerprints(output_dir)
    planned = []
    for path in books:
        declared = notebook_parameters(path)
        own = {k: v for k, v in (parameters or {}).items() if k in declared}
        planned.append((path, own, notebook_fingerprint(path, own, data_dir)))

    stopped: list[str] = []  # why the run stopped (a kernel importing another corpus_tools)

    def up_to_date(path: Path, fingerprint: str) -> bool:
        return not force and fingerprints.get(path.stem) == fingerprint and (output_dir / f"{path.stem}.html").exists()

    def one(item: tuple[Path, dict, str]) -> NotebookResult:
        path, own, fingerprint = item
        label = f"[{books.index(path) + 1}/{len(books)}] {path.stem}"
        if up_to_date(path, fingerprint):
            say(f"{label} up to date (nothing it depends on changed; --force reruns it)")
            return NotebookResult(path.stem, True, 0.0, "up to date")
        if stopped:
            return NotebookResult(path.stem, False, 0.0, f"{path.stem} not run: {stopped[0]}", fatal=True)
        say(f"{label} ...")
        result = run_notebook(path, output_dir, own, data_dir=data_dir)
        if result.fatal:
            stopped.append(result.message.split(": ", 1)[1])
            say(f"{label} STOPPED\n    {result.message}")
            return result
        say(f"{label} {'ok' if result.ok else 'FAILED'} ({result.seconds:.1f} s)" + ("" if result.ok else f"\n    {result.message}"))
        return result

    if jobs > 1:
        n_docs = corpus_size(data_dir)
        allowed = memory_jobs(n_docs, jobs)
        if allowed < jobs:
            say(f"running {allowed} notebook(s) at a time, not {jobs}: {jobs} kernels on {n_docs:,} reports would need "
                f"more than {MEMORY_BUDGET_MIB:,} MiB together (corpus_tools.reports.memory_jobs)")
            jobs = allowed
    stale = sum(not up_to_date(path, fingerprint) for path, _, fingerprint in planned)  # before any fingerprint is renewed
    if jobs > 1 and stale > 1:
        _process_first(data_dir, say, parameters)
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        results = list(pool.map(one, planned))
    for (path, _, fingerprint), result in zip(planned, results):
        if result.ok:
            fingerprints[path.stem] = fingerprint
        else:
            fingerprints.pop(path.stem, None)
    _write_fingerprints(output_dir, fingerprints)
    if stale or not (output_dir / "index.html").exists():
        build_index(output_dir, notebooks, data_dir=data_dir)  # else left as it is: a committed file, its run time in it
    with contextlib.suppress(OSError):
        (Path(output_dir) / ".staging").rmdir()  # only when no other run is using it
    return results


def new_notebook(name: str, directory: Path | str | None = None) -> Path:
    """Copy ``notebooks/TEMPLATE.ipynb`` to ``NN_name.ipynb`` with the next free number.

    The title becomes the name, and output names ``"NN_..."`` in code cells get the number.
    ``name`` may carry its own number (``07_media_frames``); a number in use is refused.

    Examples
    --------
    >>> new_notebook("bad name!")
    Traceback (most recent call last):
    ...
    corpus_tools.errors.CorpusError: notebook name 'bad name!' may hold only letters, digits, _ and -, e.g. 05_frames
    """
    import nbformat

    directory = Path(directory) if directory else notebooks_dir()
    if not re.fullmatch(r"(\d\d_)?[A-Za-z0-9_-]+", name):
        raise CorpusError(f"notebook name {name!r} may hold only letters, digits, _ and -, e.g. 05_frames")
    taken = {p.name[:2] for p in directory.glob("*.ipynb") if NOTEBOOK_NAME.match(p.name)}
    if re.match(r"\d\d_", name):
        number, stem = name[:2], name[3:]
        if number in taken:
            raise CorpusError(f"notebook number {number} is taken in {directory}; choose another or give the name alone")
    else:
        number, stem = f"{max((int(n) for n in taken), default=-1) + 1:02d}", name
    template = directory / "TEMPLATE.ipynb"
    if not template.is_file():
        raise CorpusError(f"{template} is missing; restore it from git")
    nb = nbformat.read(str(template), as_version=4)
    title = stem.replace("_", " ").replace("-", " ").strip().capitalize()
    nb.cells[0].source = nb.cells[0].source.replace("TEMPLATE: title of the analysis", title, 1)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.source = cell.source.replace('"NN_', f'"{number}_')
    settings = nb.metadata.get("corpus_tools", {})
    if str(settings.get("key_figure", "")).startswith("NN_"):
        settings["key_figure"] = number + settings["key_figure"][2:]
    target = directory / f"{number}_{stem}.ipynb"
    with target.open("x", encoding="utf-8") as handle:
        nbformat.write(nb, handle)
    return target
