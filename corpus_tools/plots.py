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


def _grid(n: int, ncols: int) -> tuple[int, int]:
    ncols = max(1, min(ncols, n))
    return -(-max(n, 1) // ncols), ncols


def top_terms(freqs: pd.DataFrame, *, by: str | None = "doc_id", top_n: int = 10, labels: dict | None = None,
              value: str = "n", ncols: int = 3, title: str = "Most frequent terms") -> Figure:
    """Horizontal bars of the ``top_n`` terms of each group (one panel per group), from a
    table such as :func:`corpus_tools.vocabulary.term_frequencies`; ``by=None`` for one panel.

    Examples
    --------
    >>> freqs = pd.DataFrame({"doc_id": ["a", "a", "b"], "term": ["peace", "troops", "peace"], "n": [3, 1, 2]})
    >>> fig = top_terms(freqs, labels={"a": "first", "b": "second"})
    >>> [ax.get_title() for ax in fig.axes if ax.get_visible()]
    ['first', 'second']
    """
    keys = sorted(freqs[by].unique()) if by else [None]
    nrows, ncols = _grid(len(keys), ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.2 * ncols, 0.28 * top_n * nrows + 1.1 * nrows + 0.4), squeeze=False)
    for ax, key in zip(axes.flat, keys):
        part = freqs if key is None else freqs[freqs[by] == key]
        part = part.sort_values([value, "term"], ascending=[False, True], kind="stable").head(top_n).iloc[::-1]
        ax.barh(part["term"], part[value], color=PALETTE[0])
        for y, v in enumerate(part[value]):
            ax.text(v, y, f" {v:g}", va="center", fontsize=8)
        ax.set_title((labels or {}).get(key, "" if key is None else str(key)), fontsize=10)
        ax.tick_params(axis="y", labelsize=9)
        ax.set_xlim(0, part[value].max() * 1.18 if len(part) else 1)
        ax.spines[["top", "right"]].set_visible(False)
    for ax in list(axes.flat)[len(keys):]:
        ax.set_visible(False)
    fig.suptitle(title)
    fig.supxlabel("count" if value == "n" else value, fontsize=9)
    fig.tight_layout()
    return fig


def keyness_bars(key: pd.DataFrame, *, top_n: int = 10, target_label: str = "target",
                 reference_label: str = "reference", value: str = "g2") -> Figure:
    """Two-sided bars of a keyness table (:func:`corpus_tools.keyness.keyness`): the ``top_n``
    terms key for the target to the right, the ``top_n`` key for the reference to the left
    (``value`` given a minus sign), with the p = 0.05 threshold of G2 (3.84) dashed.

    Examples
    --------
    >>> key = pd.DataFrame({"term": ["troops", "talks"], "g2": [5.0, 4.0], "key": ["target", "reference"]})
    >>> fig = keyness_bars(key)
    >>> sorted(round(float(p.get_width()), 1) for p in fig.axes[0].patches)
    [-4.0, 5.0]
    """
    target = key[key["key"] == "target"].head(top_n)
    reference = key[key["key"] == "reference"].head(top_n)
    rows = pd.concat([reference.iloc[::-1].assign(_v=lambda d: -d[value]), target.assign(_v=lambda d: d[value])]).iloc[::-1]
    fig, ax = plt.subplots(figsize=(8, 0.3 * len(rows) + 1.6))
    colors = [PALETTE[0] if v > 0 else PALETTE[1] for v in rows["_v"]]
    y = range(len(rows))[::-1]
    ax.barh(list(y), rows["_v"], color=colors)
    for yi, (term, v) in zip(y, zip(rows["term"], rows["_v"])):
        ax.text(0, yi, f" {term} ", ha="right" if v > 0 else "left", va="center", fontsize=9)
    if value == "g2":
        for x in (-3.84, 3.84):
            ax.axvline(x, color="#888", lw=0.8, ls="--")
    ax.axvline(0, color="#333", lw=0.8)
    ax.set_yticks([])
    lim = max(abs(rows["_v"]).max() if len(rows) else 1, 4) * 1.1
    ax.set_xlim(-lim, lim)
    ax.set_xlabel(f"{'log-likelihood G2' if value == 'g2' else value}  (← more in {reference_label} | more in {target_label} →)")
    ax.set_title(f"Key terms: {target_label} vs {reference_label}")
    ax.spines[["top", "right", "left"]].set_visible(False)
    fig.tight_layout()
    return fig


def lexical_dispersion(disp: pd.DataFrame, *, terms: list[str] | None = None, docs: list[str] | None = None,
                       labels: dict | None = None) -> Figure:
    """Lexical dispersion: one row per term and document, a tick at the relative position of
    each occurrence (0 = start of the document, 1 = end), from
    :func:`corpus_tools.concordance.dispersion`. Rows without occurrences stay, empty.

    Examples
    --------
    >>> disp = pd.DataFrame({"term": ["troops", "troops"], "doc_id": ["a", "b"], "position": [0.1, 0.9]})
    >>> fig = lexical_dispersion(disp, docs=["a", "b"])
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
    ['troops · a', 'troops · b']
    """
    terms = terms if terms is not None else list(dict.fromkeys(disp["term"]))
    docs = docs if docs is not None else sorted(disp["doc_id"].unique())
    rows = [(t, d) for t in terms for d in docs]
    fig, ax = plt.subplots(figsize=(9, 0.26 * len(rows) + 1.3))
    for i, (term, doc) in enumerate(rows):
        pos = disp.loc[(disp["term"] == term) & (disp["doc_id"] == doc), "position"]
        ax.scatter(pos, [i] * len(pos), marker="|", s=160, color=PALETTE[terms.index(term) % len(PALETTE)], linewidths=1.6)
    for k in range(1, len(terms)):
        ax.axhline(k * len(docs) - 0.5, color="#bbb", lw=0.8)
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels([f"{t} · {(labels or {}).get(d, d)}" for t, d in rows], fontsize=8)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_xlim(-0.02, 1.02)
    ax.set_xlabel("position in the document (0 = start, 1 = end)")
    ax.set_title("Where the terms occur in each report")
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig
