"""Figures: each function takes tidy tables and returns a matplotlib Figure.

Analysis modules never plot; notebooks call these and save with :func:`save_figure`, which
writes PNGs without the software/date metadata so that reruns give the same bytes where
matplotlib allows.
"""
from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]


def save_figure(fig: Figure, output_dir: str | Path, name: str, *, dpi: int = 110) -> Path:
    """Save ``fig`` as ``<output_dir>/figures/<name>.png`` without metadata; return the path.

    Examples
    --------
    >>> import tempfile
    >>> fig, ax = plt.subplots()
    >>> save_figure(fig, tempfile.mkdtemp(), "00_demo").name
    '00_demo.png'
    """
    path = Path(output_dir) / "figures" / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=dpi, bbox_inches="tight", metadata={"Software": None})
    return path


def short_label(doc_id: str, outlet: str, width: int = 28) -> str:
    """A compact label for a document: its number and outlet, shortened.

    Examples
    --------
    >>> short_label("004_a8e185546eefeca8", "The Moscow Times")
    '004 The Moscow Times'
    >>> short_label("000_x", "La Voce di New York (English edition)", width=20)
    '000 La Voce di N…'
    """
    outlet = outlet if len(outlet) <= width - 8 else outlet[: width - 8] + "…"
    return f"{doc_id[:3]} {outlet}"


def _meeting_colors(meeting_ids: list[str]) -> dict[str, str]:
    return {m: PALETTE[i % len(PALETTE)] for i, m in enumerate(sorted(set(meeting_ids)))}


def document_lengths(corpus: pd.DataFrame) -> Figure:
    """Horizontal bars of words per document, coloured by meeting.

    Examples
    --------
    >>> from corpus_tools.corpus import load_corpus
    >>> fig = document_lengths(load_corpus())
    >>> len(fig.axes[0].patches)
    5
    """
    df = corpus.sort_values("doc_id", ascending=False)
    colors = _meeting_colors(list(df["meeting_id"].fillna("")))
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(df) + 1.2))
    labels = [short_label(d, o) for d, o in zip(df["doc_id"], df["outlet"])]
    ax.barh(labels, df["n_words"], color=[colors[m] for m in df["meeting_id"].fillna("")])
    for y, n in enumerate(df["n_words"]):
        ax.text(n, y, f" {n}", va="center", fontsize=9)
    handles = [plt.Rectangle((0, 0), 1, 1, color=c) for c in colors.values()]
    ax.legend(handles, [m or "(no meeting)" for m in colors], title="meeting", fontsize=8,
              loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    ax.set_xlabel("words (after cleaning)")
    ax.set_title("Length of each report")
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


def meeting_timeline(meetings: pd.DataFrame, corpus: pd.DataFrame) -> Figure:
    """The meetings in date order, one column each, with the reports that cover them listed
    below (publication date, or "date unknown").

    The columns are evenly spaced, so meetings a week apart stay readable beside meetings a
    year apart; the gap in days is written between columns.

    Examples
    --------
    >>> from corpus_tools.corpus import load_corpus, load_meetings
    >>> fig = meeting_timeline(load_meetings(), load_corpus())
    >>> fig.axes[0].get_title()
    'Meetings and the reports that cover them'
    """
    meetings = meetings.sort_values(["date", "meeting_id"]).reset_index(drop=True)
    colors = _meeting_colors(list(meetings["meeting_id"]))
    per_meeting = corpus.groupby("meeting_id").size()
    depth = int(per_meeting.max()) if len(per_meeting) else 0
    fig, ax = plt.subplots(figsize=(3.4 * max(len(meetings), 1) + 0.5, 1.6 + 0.45 * depth))
    ax.plot([0, max(len(meetings) - 1, 0)], [0, 0], color="#999", lw=1, zorder=1)
    for x, row in enumerate(meetings.itertuples(index=False)):
        ax.scatter(x, 0, s=140, marker="D", color=colors[row.meeting_id], zorder=3)
        ax.annotate(f"{row.place}\n{row.date:%d %b %Y}", (x, 0), xytext=(0, 12), textcoords="offset points",
                    ha="center", va="bottom", fontsize=9, fontweight="bold")
        if x:
            gap = (row.date - meetings.loc[x - 1, "date"]).days
            ax.annotate(f"{gap} days", (x - 0.5, 0), xytext=(0, 4), textcoords="offset points", ha="center", fontsize=8, color="#666")
        docs = corpus[corpus["meeting_id"] == row.meeting_id].sort_values("doc_id")
        for level, doc in enumerate(docs.itertuples(index=False), start=1):
            when = f"{doc.published:%d %b %Y}" if pd.notna(doc.published) else "date unknown"
            ax.annotate(f"{short_label(doc.doc_id, doc.outlet)}, {when}", (x, -0.55 * level), ha="center", va="center",
                        fontsize=8, color=colors[row.meeting_id])
    ax.set_xlim(-0.7, max(len(meetings) - 1, 0) + 0.7)
    ax.set_ylim(-0.55 * (depth + 1), 0.9)
    ax.axis("off")
    ax.set_title("Meetings and the reports that cover them")
    fig.tight_layout()
    return fig
