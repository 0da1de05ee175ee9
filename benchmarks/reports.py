"""Time, memory and figure sizes of a forced ``corpus-tools report`` as the corpus grows.

For each size N, in a scratch copy of the project (``pyproject.toml``, ``data/``,
``notebooks/`` and the package itself, so that editing the working tree during a run changes
nothing), the seed corpus gets N synthetic articles (``benchmarks/synthetic.py``: real
sentences, seeded, with outlets drawn from ``--outlets`` names and meetings from
``data/meetings.csv``), written as ``corpus-tools add`` would write them. Then:

1. ``corpus-tools process`` fills a fresh cache (timed apart: the pipeline is not the reports;
   ``--cold`` skips it, so the report's own time includes the pipeline's, as a user meets it);
2. ``corpus-tools report --force --jobs 1`` runs every notebook, one at a time (``--jobs 2``: two
   at a time, as the command's default does on two cores), while a thread
   samples the resident memory of each notebook kernel and its children (``psutil``);
3. it prints, per notebook: seconds, peak memory (MiB) of the kernel's process tree, the
   largest figure (width x height px) and the slowest cells (from papermill's per-cell
   durations in the executed notebook).

    .venv/bin/python benchmarks/reports.py --sizes 0 300        # 5 and 305 articles
    .venv/bin/python benchmarks/reports.py --sizes 1000 --keep /tmp/bench
    .venv/bin/python benchmarks/reports.py --sizes 1000 --jobs 2     # the wall time a user waits
    .venv/bin/python benchmarks/reports.py --sizes 0 --source /path/to/baseline .   # baseline, then this
    .venv/bin/python benchmarks/reports.py --sizes 300 --jobs 2 --cold   # no step 1: what a user waits after adding articles

Timings on a shared machine are noisy: compare sizes measured in the same run.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import synthetic_articles  # noqa: E402

PROGRESS = re.compile(r"^\[\d+/\d+\] (?P<name>\S+) (?P<state>ok|FAILED|STOPPED)(?: \((?P<seconds>[\d.]+) s\))?")


def scratch_project(target: Path, n: int, outlets: int, seed: int = 2025, source: Path = ROOT) -> Path:
    """A copy of the project at ``source`` with ``n`` synthetic articles added to the seed corpus."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    shutil.copy(source / "pyproject.toml", target)
    for folder in ("data", "notebooks", "corpus_tools"):
        shutil.copytree(source / folder, target / folder, ignore=shutil.ignore_patterns("__pycache__"))
    manifest = target / "data" / "corpus.csv"
    rows = pd.read_csv(manifest, dtype=str, keep_default_na=False)
    names = [f"Synthetic Outlet {i:02d}" for i in range(outlets)]
    new = []
    for i, article in enumerate(synthetic_articles(n, seed) if n else []):
        data = article["text"].encode("utf-8")
        sha = hashlib.sha256(data).hexdigest()
        doc_id = f"{len(rows) + i:03d}_{sha[:16]}"
        (target / "data" / "raw" / f"{doc_id}.txt").write_bytes(data)
        new.append({"doc_id": doc_id, "file": f"{doc_id}.txt", "outlet": names[i % outlets], "url": "",
                    "published": article["published"], "meeting_id": article["meeting_id"], "title": "",
                    "language": "en", "original_language": "", "sha256": sha, "notes": "synthetic (benchmarks/reports.py)"})
    if new:
        rows = pd.concat([rows, pd.DataFrame(new)], ignore_index=True)
        rows.to_csv(manifest, index=False, lineterminator="\n")
    return target


class TreeSampler(threading.Thread):
    """Peak RSS (MiB) of each notebook kernel's process tree, sampled every ``interval`` s."""

    def __init__(self, root_pid: int, interval: float = 0.2):
        super().__init__(daemon=True)
        self.root_pid, self.interval = root_pid, interval
        self.kernels: dict[int, float] = {}  # kernel pid -> peak MiB of it and its children, in start order
        self.total_peak = 0.0
        self.stop = threading.Event()

    def run(self) -> None:
        import psutil

        try:
            root = psutil.Process(self.root_pid)
        except psutil.NoSuchProcess:
            return
        while not self.stop.is_set():
            try:
                procs = root.children(recursive=True)
                total = root.memory_info().rss
            except psutil.NoSuchProcess:
                return
            for proc in procs:
                try:
                    if "ipykernel_launcher" not in " ".join(proc.cmdline()):
                        continue
                    tree = [proc, *proc.children(recursive=True)]
                    rss = sum(p.memory_info().rss for p in tree if p.is_running()) / 2**20
                except psutil.Error:
                    continue
                self.kernels[proc.pid] = max(self.kernels.get(proc.pid, 0.0), rss)
            for proc in procs:
                try:
                    total += proc.memory_info().rss
                except psutil.Error:
                    pass
            self.total_peak = max(self.total_peak, total / 2**20)
            self.stop.wait(self.interval)


def figure_sizes(figures: Path) -> dict[str, tuple[int, int, str]]:
    """Per notebook prefix: the largest figure (by pixels) as (width, height, name)."""
    from PIL import Image

    largest: dict[str, tuple[int, int, str]] = {}
    for path in sorted(figures.glob("*.png")):
        with Image.open(path) as image:
            w, h = image.size
        prefix = path.name[:2]
        if prefix not in largest or w * h > largest[prefix][0] * largest[prefix][1]:
            largest[prefix] = (w, h, path.stem)
    return largest


def slowest_cells(executed: Path, top: int = 2) -> str:
    """The ``top`` slowest cells of an executed notebook: ``cell N (first line) X s``."""
    if not executed.exists():
        return ""
    nb = json.loads(executed.read_text(encoding="utf-8"))
    timed = []
    for number, cell in enumerate(nb["cells"], start=1):
        seconds = (cell.get("metadata", {}).get("papermill", {}) or {}).get("duration")
        if cell["cell_type"] == "code" and seconds:
            first = "".join(cell["source"]).strip().splitlines()[0][:40]
            timed.append((seconds, number, first))
    return "; ".join(f"cell {n} `{first}` {s:.1f} s" for s, n, first in sorted(timed, reverse=True)[:top])


def run(n: int, outlets: int, keep: Path | None, source: Path = ROOT, jobs: int = 1, cold: bool = False) -> list[dict]:
    base = keep or Path(tempfile.mkdtemp(prefix="ct-bench-"))
    project = scratch_project(base / f"n{n}", n, outlets, source=source)
    env = {**os.environ, "PYTHONPATH": str(project), "CORPUS_TOOLS_ROOT": str(project),
           "CORPUS_TOOLS_CACHE": str(project / ".cache")}
    env.pop("CORPUS_TOOLS_DATA", None)
    cli = [sys.executable, "-m", "corpus_tools.cli"]
    documents = len(pd.read_csv(project / "data" / "corpus.csv"))
    print(f"\n== {documents:,} articles ({n:,} synthetic, {outlets} synthetic outlets) in {project}, code of {source}", flush=True)
    if cold:
        print("pipeline: not run first (--cold): the report starts on an empty cache", flush=True)
    else:
        started = time.perf_counter()
        subprocess.run([*cli, "process"], cwd=project, env=env, check=True, capture_output=True, text=True)
        print(f"pipeline (corpus-tools process, fresh cache): {time.perf_counter() - started:.1f} s", flush=True)

    started = time.perf_counter()
    report = subprocess.Popen([*cli, "report", "--force", "--jobs", str(jobs)], cwd=project, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sampler = TreeSampler(report.pid)
    sampler.start()
    out, err = report.communicate()
    sampler.stop.set()
    sampler.join()
    wall = time.perf_counter() - started
    reports = project / "reports"
    figures = figure_sizes(reports / "figures")
    # one notebook at a time: the kernels start in the order the notebooks finish; two at a
    # time, a kernel's peak cannot be told apart from its neighbour's, so only the tree's is shown
    peaks = list(sampler.kernels.values()) if jobs == 1 else []
    rows = []
    done = [m for m in (PROGRESS.match(line) for line in err.splitlines()) if m]
    for i, match in enumerate(done):
        name = match["name"]
        w, h, fig = figures.get(name[:2], (0, 0, ""))
        rows.append({"articles": documents, "notebook": name, "status": match["state"],
                     "seconds": float(match["seconds"] or 0), "peak_MiB": round(peaks[i]) if i < len(peaks) else None,
                     "largest_figure": f"{w} x {h} ({fig})" if fig else "",
                     "slowest_cells": slowest_cells(reports / f"{name}.ipynb") if match["state"] == "ok" else ""})
    table = pd.DataFrame(rows)
    with pd.option_context("display.width", 250, "display.max_colwidth", 120):
        print(table.drop(columns="slowest_cells").to_string(index=False))
        for row in rows:
            print(f"  {row['notebook']}: {row['slowest_cells']}")
    biggest = max(figures.values(), key=lambda f: f[0] * f[1], default=None)
    print(f"forced report (--jobs {jobs}): {wall:.1f} s wall, exit {report.returncode}; peak RSS of the whole tree "
          f"{sampler.total_peak:,.0f} MiB; largest figure overall "
          + (f"{biggest[0]} x {biggest[1]} px ({biggest[2]})" if biggest else "none"), flush=True)
    for line in out.splitlines() + [line for line in err.splitlines() if line.startswith(("FAILED", "    ", "pipeline"))]:
        print(f"  | {line}")
    if keep is None:
        shutil.rmtree(base, ignore_errors=True)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[0, 300], help="synthetic articles added to the seed corpus")
    parser.add_argument("--outlets", type=int, default=40, help="synthetic outlet names the articles are spread over")
    parser.add_argument("--keep", type=Path, default=None, help="keep the scratch projects under this folder")
    parser.add_argument("--source", type=Path, nargs="+", default=[ROOT],
                        help="project checkouts whose code, data and notebooks are measured (a baseline first)")
    parser.add_argument("--jobs", type=int, default=1,
                        help="notebooks run at once (1: per-notebook memory; 2: the command's default wall time)")
    parser.add_argument("--cold", action="store_true",
                        help="skip `corpus-tools process`: the report starts on an empty cache, as after adding articles")
    args = parser.parse_args(argv)
    for n in args.sizes:
        for number, source in enumerate(args.source):
            keep = args.keep / f"source{number}" if args.keep else None
            run(n, args.outlets, keep, source.resolve(), jobs=args.jobs, cold=args.cold)
    return 0


if __name__ == "__main__":
    sys.exit(main())
