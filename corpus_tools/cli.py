"""The ``corpus-tools`` command: ``report``, ``check``, ``info``, ``add``, ``add-meeting``, ``new-notebook``,
``process``.

Run ``corpus-tools --help`` or ``corpus-tools COMMAND --help``.
"""
from __future__ import annotations

import argparse
import os
import sys
import warnings

from corpus_tools.errors import CorpusError, CorpusWarning


def _cmd_report(args: argparse.Namespace) -> int:
    from corpus_tools.reports import discover_notebooks, notebook_parameters, parse_parameter, run_reports

    parameters = {name: parse_parameter(value) for name, value in args.parameter}
    books = discover_notebooks(args.notebooks_dir, args.only)
    declared = set().union(*(notebook_parameters(p) for p in books)) if books else set()
    unknown = sorted(set(parameters) - declared)
    if unknown:
        raise CorpusError(f"no notebook to run declares the parameter(s) {', '.join(unknown)}; declared: {', '.join(sorted(declared))}")
    results = run_reports(args.only, args.output_dir, parameters, data_dir=args.data_dir, notebooks=args.notebooks_dir,
                          force=args.force, jobs=args.jobs)
    failed = [r for r in results if not r.ok]
    print(f"{len(results) - len(failed)} of {len(results)} notebooks ok; reports in {args.output_dir or 'reports/'}")
    for r in failed:
        print(f"FAILED {r.message}", file=sys.stderr)
    return 1 if failed else 0


def _cmd_check(args: argparse.Namespace) -> int:
    from corpus_tools.corpus import check_corpus

    problems = check_corpus(args.data_dir)
    for p in problems:
        print(p)
    errors = sum(p.level == "error" for p in problems)
    if not errors:
        from corpus_tools.corpus import load_corpus
        from corpus_tools.quotes import candidate_speakers, indirect_speech, quotes

        corpus = load_corpus(args.data_dir)
        candidates = candidate_speakers(quotes(corpus, data_dir=args.data_dir), indirect_speech(corpus, data_dir=args.data_dir))
        for row in candidates.itertuples(index=False):
            print(f"candidate: {row.speaker} ({row.doc_id}): add a row to data/actors.csv")
    print(f"{errors} error(s), {len(problems) - errors} warning(s)")
    return 1 if errors else 0


def _cmd_info(args: argparse.Namespace) -> int:
    from corpus_tools.corpus import corpus_summary, load_corpus, load_meetings

    corpus = load_corpus(args.data_dir)
    meetings = load_meetings(args.data_dir)
    print(f"{len(corpus)} documents, {corpus['n_words'].sum()} words, {corpus['n_sentences'].sum()} sentences, "
          f"{corpus['outlet'].nunique()} outlets, {len(meetings)} meetings")
    print(corpus_summary(corpus).to_string(index=False))
    return 0


def _cmd_add(args: argparse.Namespace) -> int:
    from pathlib import Path

    from corpus_tools.corpus import add_article

    if args.file == "-":
        data = sys.stdin.buffer.read()
    else:
        path = Path(args.file)
        if not path.is_file():
            raise CorpusError(f"{path}: no such file; give the article's text file, or - to read standard input")
        data = path.read_bytes()
    row = add_article(
        data, outlet=args.outlet, url=args.url, published=args.published, meeting_id=args.meeting, title=args.title,
        language=args.language, original_language=args.original_language, notes=args.notes,
        new_meeting=tuple(args.new_meeting) if args.new_meeting else None, data_dir=args.data_dir,
    )
    print(f"added {row['doc_id']}: data/raw/{row['file']} ({row['outlet']}, {row['published'] or 'date unknown'}, {row['meeting_id'] or 'no meeting'})")
    _print_unknown_speakers(row["doc_id"], args.data_dir)
    return 0


def _print_unknown_speakers(doc_id: str, data_dir: str | None) -> None:
    """After ``add``: the speakers of the new article that data/actors.csv does not know."""
    from corpus_tools.corpus import load_corpus
    from corpus_tools.quotes import candidate_speakers, indirect_speech, quotes

    corpus = load_corpus(data_dir)
    new = corpus[corpus["doc_id"] == doc_id]
    candidates = candidate_speakers(quotes(new, data_dir=data_dir), indirect_speech(new, data_dir=data_dir))
    for name in candidates["speaker"].drop_duplicates():
        surname = name.split()[-1]
        print(f"unknown speaker: {name}; to track them, add to data/actors.csv: {name},person,,,,other,{surname}")


def _cmd_add_meeting(args: argparse.Namespace) -> int:
    from corpus_tools.corpus import add_meeting

    row = add_meeting(args.meeting_id, args.date, args.place, args.description, data_dir=args.data_dir)
    print(f"added meeting {row['meeting_id']} ({row['date']}, {row['place']})")
    return 0


def _cmd_new_notebook(args: argparse.Namespace) -> int:
    from corpus_tools.reports import new_notebook

    path = new_notebook(args.name)
    print(f"created {path}; `make reports` will run it")
    return 0


def _cmd_process(args: argparse.Namespace) -> int:
    import time

    from corpus_tools.corpus import load_corpus
    from corpus_tools.pipeline import STAGES, process

    # a file is streamed in chunks (or read by the Dask workers themselves), never held whole
    articles = args.input if args.input else load_corpus(args.data_dir)
    started = time.perf_counter()
    params = {"tone_method": args.tone_method, "tone_toward_method": args.tone_toward_method}
    result = process(articles, args.stages or list(STAGES), cache=args.cache, scheduler=args.scheduler,
                     workers=args.workers, address=args.address, data_dir=args.data_dir, params=params, progress=True)
    seconds = time.perf_counter() - started
    done = ", ".join(f"{stage} {n}" for stage, n in result.computed.items())
    print(f"{len(result.docs)} documents in {seconds:.1f} s; processed now: {done}; cache {result.cache}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``corpus-tools``.

    Examples
    --------
    >>> build_parser().parse_args(["report", "--only", "00"]).only
    ['00']
    >>> build_parser().parse_args(["process", "--tone-toward-method", "rules"]).tone_toward_method
    'rules'
    """
    from corpus_tools.pipeline import DEFAULT_PARAMS, PARAM_CHOICES

    parser = argparse.ArgumentParser(prog="corpus-tools", description="Analyse news reports of diplomatic meetings.")
    parser.add_argument("--data-dir", default=None, help="data directory (default: the project's data/)")
    sub = parser.add_subparsers(dest="command", required=True)

    report = sub.add_parser("report", help="run the numbered notebooks and write reports/")
    report.add_argument("--only", nargs="+", metavar="NN", help="run only these notebooks (number or name)")
    report.add_argument("--output-dir", default=None, help="where to write the reports (default: reports/)")
    report.add_argument("--notebooks-dir", default=None, help="where the numbered notebooks are (default: notebooks/)")
    report.add_argument("--force", action="store_true", help="rerun notebooks even when nothing they depend on changed")
    report.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1), help="notebooks run at once (default: 2 on 2+ cores)")
    report.add_argument("-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"),
                        help="pass a parameter to the notebooks that declare it (a Python literal or a string)")
    report.set_defaults(func=_cmd_report)

    check = sub.add_parser("check", help="validate the corpus: manifest, files, checksums, dates, meetings")
    check.set_defaults(func=_cmd_check)

    info = sub.add_parser("info", help="summarise the corpus")
    info.set_defaults(func=_cmd_info)

    add = sub.add_parser("add", help="add an article: copy it into data/raw/ and append its manifest row")
    add.add_argument("file", help="the article's UTF-8 text file, or - to read standard input")
    add.add_argument("--outlet", required=True, help="the outlet, as the site names itself")
    add.add_argument("--url", default="", help="the article's address")
    add.add_argument("--published", default="", help="publication date YYYY-MM-DD (leave out if unknown)")
    add.add_argument("--meeting", default="", help="the meeting_id it covers (see data/meetings.csv)")
    add.add_argument("--title", default="", help="the headline")
    add.add_argument("--language", default="en", help="language of the text as stored (default en)")
    add.add_argument("--original-language", default="", help="language of the original, if this is a translation and it is known")
    add.add_argument("--notes", default="", help="provenance notes")
    add.add_argument("--new-meeting", nargs=2, metavar=("DATE", "PLACE"), help="also add --meeting to meetings.csv with this date and place")
    add.set_defaults(func=_cmd_add)

    meeting = sub.add_parser("add-meeting", help="add a meeting to data/meetings.csv")
    meeting.add_argument("meeting_id", help="lower-case words joined by hyphens, e.g. london-2026-03-02")
    meeting.add_argument("--date", required=True, help="YYYY-MM-DD")
    meeting.add_argument("--place", required=True)
    meeting.add_argument("--description", default="")
    meeting.set_defaults(func=_cmd_add_meeting)

    proc = sub.add_parser("process", help="process every document into the cache (sentences, tokens, tone, mentions, quotes)")
    proc.add_argument("--input", default=None, help="a .jsonl or .parquet file of articles instead of data/ (doc_id, text, ...); "
                      "read in chunks, or by the Dask workers with --scheduler dask")
    proc.add_argument("--stages", nargs="+", default=None, help="only these stages (default: all)")
    proc.add_argument("--scheduler", default="auto", choices=["auto", "serial", "processes", "dask"],
                      help="auto: a process pool for large corpora; dask: a distributed cluster (--address) or a LocalCluster")
    proc.add_argument("--address", default=None, help="Dask scheduler address, e.g. tcp://10.0.0.5:8786")
    proc.add_argument("--workers", type=int, default=None, help="worker processes (default: one per core)")
    proc.add_argument("--cache", default=None, help="cache directory (default: .cache/ or $CORPUS_TOOLS_CACHE)")
    proc.add_argument("--tone-method", default=DEFAULT_PARAMS["tone_method"], choices=PARAM_CHOICES["tone_method"],
                      help="sentence tone (default: %(default)s; the notebooks' tone_method parameter)")
    proc.add_argument("--tone-toward-method", default=DEFAULT_PARAMS["tone_toward_method"],
                      choices=PARAM_CHOICES["tone_toward_method"],
                      help="tone toward each side: the learned layer over the rules (default), or the rules alone, "
                           "which take about half its time")
    proc.set_defaults(func=_cmd_process)

    new = sub.add_parser("new-notebook", help="start a new analysis notebook from notebooks/TEMPLATE.ipynb")
    new.add_argument("name", help="NN_name or just name (the next free number is used)")
    new.set_defaults(func=_cmd_new_notebook)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``corpus-tools``; returns the exit code."""
    args = build_parser().parse_args(argv)
    with warnings.catch_warnings():  # restores the warning machinery afterwards
        warnings.simplefilter("always", CorpusWarning)
        warnings.showwarning = lambda message, *rest: print(message, file=sys.stderr)
        try:
            return args.func(args)
        except CorpusError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2


if __name__ == "__main__":
    sys.exit(main())
