"""Figures: each function takes tidy tables and returns a matplotlib Figure.

Analysis modules never plot; notebooks call these and save with :func:`save_figure`, which
writes PNGs without the software/date metadata so that reruns give the same bytes where
matplotlib allows.

Every figure is drawn for the corpus it is given. While there are few documents (up to
``max_docs``, 12 by default) the figures show each report; beyond that they show outlets,
meetings and time: distributions (box and strip plots) instead of one bar per report, the
``top_groups`` outlets by volume with the rest pooled as "other outlets", small multiples
capped at ``max_panels``, heatmaps of at most ``max_cells`` rows and columns. The thresholds are
keyword parameters, so a notebook passes its parameters and the function decides. Whatever
the input, :func:`figure_size` keeps every figure within :data:`MAX_WIDTH_PX` ×
:data:`MAX_HEIGHT_PX` pixels at :data:`DPI`, and :func:`save_figure` checks the saved PNG.
"""
from __future__ import annotations

import math
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]

DPI = 110  #: resolution of the saved PNGs (dots per inch)
MAX_WIDTH_PX = 2000  #: no saved figure is wider than this
MAX_HEIGHT_PX = 3000  #: no saved figure is taller than this
MAX_DOCS = 12  #: per-report figures up to this many reports; beyond, figures by outlet, meeting and time
TOP_GROUPS = 15  #: outlets (or other groups) drawn on their own; the rest are pooled
MAX_CELLS = 40  #: rows or columns of a heatmap at most
MAX_PANELS = 12  #: small multiples at most
MAX_POINTS = 300  #: dots per group in a strip plot (an even, deterministic sample beyond)
_PLURAL = {"outlet": "outlets", "meeting_id": "meetings", "doc_id": "reports", "speaker": "speakers", "actor": "actors"}
_MARGIN_IN = 0.45  # room for the padding and overhang that bbox_inches="tight" adds


def figure_size(width: float, height: float, *, dpi: int = DPI) -> tuple[float, float]:
    """A figure size in inches, clamped so the saved PNG stays within
    :data:`MAX_WIDTH_PX` × :data:`MAX_HEIGHT_PX` at ``dpi`` (every plot function sizes its
    figure through this).

    Examples
    --------
    >>> figure_size(8, 4)
    (8, 4)
    >>> [round(v, 2) for v in figure_size(60, 400)]
    [17.73, 26.82]
    """
    max_w = MAX_WIDTH_PX / dpi - _MARGIN_IN
    max_h = MAX_HEIGHT_PX / dpi - _MARGIN_IN
    return (width if width <= max_w else max_w, height if height <= max_h else max_h)


def _subplots(nrows: int = 1, ncols: int = 1, *, figsize: tuple[float, float], **kwargs):
    return plt.subplots(nrows, ncols, figsize=figure_size(*figsize), **kwargs)


def pool_groups(weights: pd.Series, top_n: int = TOP_GROUPS, *, other: str = "other outlets") -> dict:
    """Map each group to itself when it is among the ``top_n`` by weight (ties by name), else
    to ``other``; nothing is pooled when there are at most ``top_n + 1`` groups.

    Examples
    --------
    >>> pool_groups(pd.Series({"A": 5, "B": 1, "C": 3, "D": 1}), 2)
    {'A': 'A', 'C': 'C', 'B': 'other outlets', 'D': 'other outlets'}
    >>> pool_groups(pd.Series({"A": 5, "B": 1, "C": 3}), 2)
    {'A': 'A', 'C': 'C', 'B': 'B'}
    """
    frame = pd.DataFrame({"key": weights.index.astype(str), "w": weights.to_numpy(), "orig": weights.index})
    frame = frame.sort_values(["w", "key"], ascending=[False, True], kind="stable")
    keep = len(frame) if len(frame) <= top_n + 1 else top_n
    return {k: (k if i < keep else other) for i, k in enumerate(frame["orig"])}


def _pooled_order(mapping: dict, weights: pd.Series, other: str) -> list:
    """The groups after pooling, heaviest first, the pooled group last."""
    pooled = weights.groupby(pd.Series(mapping)).sum() if len(weights) else weights
    named = [g for g in pooled.sort_values(ascending=False, kind="stable").index if g != other]
    named = sorted(named, key=lambda g: (-pooled[g], str(g)))
    return named + ([other] if other in pooled.index else [])


def _other(by: str) -> str:
    return f"other {_PLURAL.get(by, by + 's')}"


def _unit(by: str) -> str:
    return {"doc_id": "report", "meeting_id": "meeting"}.get(by, by)


def _title(title: str, unit: str, note: str = "") -> str:
    text = title.format(unit=unit) if "{unit}" in title else title
    return f"{text}\n({note})" if note else text


def _pool_note(n_groups: int, n_kept: int, by: str, what: str) -> str:
    plural = _PLURAL.get(by, by + "s")
    if n_groups <= n_kept:
        return ""
    return f"the {n_kept} {plural} with most {what}; the other {n_groups - n_kept} pooled"


def _even_sample(df: pd.DataFrame, n: int) -> pd.DataFrame:
    """At most ``n`` rows, evenly spaced through ``df`` in its order (deterministic)."""
    if len(df) <= n:
        return df
    return df.iloc[np.linspace(0, len(df) - 1, n).round().astype(int)]


_BOX = {"orientation": "horizontal", "widths": 0.55, "showfliers": False, "manage_ticks": False, "medianprops": {"color": "#222", "lw": 1.6},
        "boxprops": {"color": "#555"}, "whiskerprops": {"color": "#555"}, "capprops": {"color": "#555"}}


def _strip_box(ax, values: list[pd.Series], *, colors: list | None = None, max_points: int = MAX_POINTS) -> None:
    """Horizontal box plots (quartiles, whiskers to 1.5 IQR, no fliers) with the values as a
    jittered strip; row ``y`` is ``values[y]``."""
    for y, vals in enumerate(values):
        vals = vals.dropna()
        if vals.empty:
            continue
        ax.boxplot([vals.to_numpy(dtype=float)], positions=[y], **_BOX)
        sample = _even_sample(vals, max_points)
        jitter = ((np.arange(len(sample)) * 7919) % 11 - 5) * 0.045
        color = colors[y] if colors else PALETTE[0]
        ax.scatter(sample.to_numpy(dtype=float), y + jitter, s=9, alpha=0.45, color=color, lw=0, zorder=3)


def save_figure(fig: Figure, output_dir: str | Path, name: str, *, dpi: int = DPI) -> Path:
    """Save ``fig`` as ``<output_dir>/figures/<name>.png`` without metadata; return the path.

    The PNG is never wider than :data:`MAX_WIDTH_PX` or taller than :data:`MAX_HEIGHT_PX`:
    should a figure's tight bounding box be larger at ``dpi`` (a figure not sized through
    :func:`figure_size`, or text hanging far outside it), it is saved at the lower resolution
    that fits.

    Examples
    --------
    >>> import tempfile
    >>> from PIL import Image
    >>> fig, ax = plt.subplots()
    >>> save_figure(fig, tempfile.mkdtemp(), "00_demo").name
    '00_demo.png'
    >>> fig, ax = plt.subplots(figsize=(40, 40))
    >>> Image.open(save_figure(fig, tempfile.mkdtemp(), "00_huge")).size[1] <= MAX_HEIGHT_PX
    True
    """
    from PIL import Image

    path = Path(output_dir) / "figures" / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=dpi, bbox_inches="tight", metadata={"Software": None})
    for attempt in range(3):
        with Image.open(path) as image:
            width, height = image.size
            scale = min(MAX_WIDTH_PX / width, MAX_HEIGHT_PX / height)
            if scale >= 1:
                break
            if attempt == 2:  # text that does not shrink with the resolution: scale the pixels
                image.resize((min(int(width * scale), MAX_WIDTH_PX), min(int(height * scale), MAX_HEIGHT_PX)),
                             Image.LANCZOS).save(path)
                break
        dpi = math.floor(dpi * scale * 0.98 * 100) / 100
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


def document_lengths(corpus: pd.DataFrame, *, max_docs: int = MAX_DOCS, top_groups: int = TOP_GROUPS) -> Figure:
    """Words per document: one bar per report, coloured by meeting, while there are at most
    ``max_docs`` reports; beyond, a box and strip plot per outlet (the ``top_groups`` outlets
    with most reports, the rest pooled as "other outlets"), each dot a report coloured by meeting.

    Examples
    --------
    >>> from corpus_tools.corpus import load_corpus
    >>> fig = document_lengths(load_corpus())
    >>> len(fig.axes[0].patches)
    5
    >>> big = pd.DataFrame({"doc_id": [f"{i:03d}" for i in range(30)], "outlet": ["A", "B", "C"] * 10,
    ...                     "meeting_id": "m", "n_words": range(30)})
    >>> [t.get_text() for t in document_lengths(big).axes[0].get_yticklabels()]  # bottom up
    ['C (10)', 'B (10)', 'A (10)']
    """
    colors = _meeting_colors(list(corpus["meeting_id"].fillna("")))
    handles = [plt.Rectangle((0, 0), 1, 1, color=c) for c in colors.values()]
    if len(corpus) <= max_docs:
        df = corpus.sort_values("doc_id", ascending=False)
        fig, ax = _subplots(figsize=(8, 0.45 * len(df) + 1.2))
        labels = [short_label(d, o) for d, o in zip(df["doc_id"], df["outlet"])]
        ax.barh(labels, df["n_words"], color=[colors[m] for m in df["meeting_id"].fillna("")])
        for y, n in enumerate(df["n_words"]):
            ax.text(n, y, f" {n}", va="center", fontsize=9)
        title = "Length of each report"
    else:
        df = corpus.assign(outlet=corpus["outlet"].fillna("(no outlet)")).sort_values("doc_id", kind="stable")
        sizes = df.groupby("outlet").size()
        mapping = pool_groups(sizes, top_groups)
        df = df.assign(group=df["outlet"].map(mapping))
        order = _pooled_order(mapping, sizes, "other outlets")[::-1]
        fig, ax = _subplots(figsize=(9, 0.42 * len(order) + 1.9))
        for y, group in enumerate(order):
            rows = df[df["group"] == group]
            ax.boxplot([rows["n_words"].to_numpy(dtype=float)], positions=[y], **_BOX)
            part = _even_sample(rows, MAX_POINTS)
            jitter = ((np.arange(len(part)) * 7919) % 11 - 5) * 0.045
            ax.scatter(part["n_words"], y + jitter, s=10, alpha=0.6, lw=0, zorder=3,
                       color=[colors[m] for m in part["meeting_id"].fillna("")])
        ax.set_yticks(range(len(order)), [f"{g} ({int((df['group'] == g).sum())})" for g in order], fontsize=8)
        note = _pool_note(len(sizes), len(order) - ("other outlets" in order), "outlet", "reports")
        title = _title(f"Length of the reports by outlet ({len(df)} reports; number of reports in brackets)", "", note)
    ax.legend(handles, [m or "(no meeting)" for m in colors], title="meeting", fontsize=8,
              loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    ax.set_xlabel("words (after cleaning)")
    ax.set_title(title, fontsize=11)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


def meeting_timeline(meetings: pd.DataFrame, corpus: pd.DataFrame, *, max_docs: int = MAX_DOCS,
                     max_panels: int = MAX_PANELS) -> Figure:
    """The meetings in date order, one column each, with the reports that cover them listed
    below (publication date, or "date unknown"), while there are at most ``max_docs`` reports.

    The columns are evenly spaced, so meetings a week apart stay readable beside meetings a
    year apart; the gap in days is written between columns. Beyond ``max_docs`` reports, the
    coverage of each meeting over time: one panel per meeting (the ``max_panels`` with most
    reports, in date order), a bar per day counting the reports published that day, the
    meeting's date dashed, the reports without a date counted in the panel's title.

    Examples
    --------
    >>> from corpus_tools.corpus import load_corpus, load_meetings
    >>> fig = meeting_timeline(load_meetings(), load_corpus())
    >>> fig.axes[0].get_title()
    'Meetings and the reports that cover them'
    >>> m = pd.DataFrame({"meeting_id": ["m"], "date": pd.to_datetime(["2025-03-27"]), "place": ["Paris"]})
    >>> c = pd.DataFrame({"doc_id": [str(i) for i in range(20)], "meeting_id": "m", "outlet": "X",
    ...                   "published": pd.to_datetime(["2025-03-27"] * 15 + ["2025-03-28"] * 5)})
    >>> [int(p.get_height()) for p in meeting_timeline(m, c).axes[0].patches]
    [15, 5]
    """
    meetings = meetings.sort_values(["date", "meeting_id"]).reset_index(drop=True)
    colors = _meeting_colors(list(meetings["meeting_id"]))
    if len(corpus) > max_docs:
        return _coverage_timeline(meetings, corpus, colors, max_panels)
    per_meeting = corpus.groupby("meeting_id").size()
    depth = int(per_meeting.max()) if len(per_meeting) else 0
    fig, ax = _subplots(figsize=(3.4 * max(len(meetings), 1) + 0.5, 1.6 + 0.45 * depth))
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


def _coverage_timeline(meetings: pd.DataFrame, corpus: pd.DataFrame, colors: dict, max_panels: int) -> Figure:
    import matplotlib.dates as mdates

    counts = corpus.groupby("meeting_id").size()
    shown = meetings[meetings["meeting_id"].isin(counts.index)]
    if len(shown) > max_panels:
        keep = set(counts.reindex(shown["meeting_id"]).sort_values(ascending=False, kind="stable").head(max_panels).index)
        shown = shown[shown["meeting_id"].isin(keep)]
    nrows, ncols = _grid(len(shown), 3)
    fig, axes = _subplots(nrows, ncols, figsize=(5.2 * ncols, 2.5 * nrows + 0.9), squeeze=False)
    published = pd.to_datetime(corpus["published"])
    for ax, row in zip(axes.flat, shown.itertuples(index=False)):
        mine = corpus["meeting_id"] == row.meeting_id
        days = published[mine].dropna().dt.normalize().value_counts().sort_index()
        ax.bar(days.index, days.to_numpy(), width=0.8, color=colors[row.meeting_id])
        ax.axvline(row.date, color="#444", lw=1, ls="--")
        undated = int(mine.sum() - published[mine].notna().sum())
        extra = f", {undated} undated" if undated else ""
        ax.set_title(f"{row.place} {row.date:%d %b %Y}: {int(mine.sum())} reports{extra}", fontsize=9, loc="left")
        first = min([row.date, *days.index]) - pd.Timedelta(days=1)
        last = max([row.date, *days.index]) + pd.Timedelta(days=1)
        ax.set_xlim(first, last)
        ax.xaxis.set_major_locator(mdates.DayLocator(interval=max(1, math.ceil((last - first).days / 5))))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b\n%Y"))
        ax.tick_params(labelsize=8)
        ax.set_ylabel("reports per day", fontsize=8)
        ax.spines[["top", "right"]].set_visible(False)
    for ax in list(axes.flat)[len(shown):]:
        ax.set_visible(False)
    note = f"; the {len(shown)} meetings with most reports" if len(shown) < len(counts) else ""
    fig.suptitle(f"Coverage of each meeting over time ({len(corpus)} reports; dashed: the meeting{note})", fontsize=11)
    fig.tight_layout()
    return fig


def _grid(n: int, ncols: int) -> tuple[int, int]:
    ncols = max(1, min(ncols, n))
    return -(-max(n, 1) // ncols), ncols


def top_terms(freqs: pd.DataFrame, *, by: str | None = "doc_id", top_n: int = 10, labels: dict | None = None,
              value: str = "n", ncols: int = 3, title: str = "Most frequent terms", max_panels: int = MAX_PANELS,
              corpus: pd.DataFrame | None = None, group_by: str = "outlet") -> Figure:
    """Horizontal bars of the ``top_n`` terms of each group (one panel per group), from a
    table such as :func:`corpus_tools.vocabulary.term_frequencies`; ``by=None`` for one panel.

    With more than ``max_panels`` groups, the documents are pooled by ``group_by`` (given
    ``corpus`` with ``doc_id`` and that column; otherwise the groups themselves are kept): the
    ``max_panels - 1`` groups with most words get a panel each, the rest one panel, and the
    bars are summed counts (``n``). A ``{unit}`` in ``title`` becomes "report" or the group.

    Examples
    --------
    >>> freqs = pd.DataFrame({"doc_id": ["a", "a", "b"], "term": ["peace", "troops", "peace"], "n": [3, 1, 2]})
    >>> fig = top_terms(freqs, labels={"a": "first", "b": "second"})
    >>> [ax.get_title() for ax in fig.axes if ax.get_visible()]
    ['first', 'second']
    >>> corpus = pd.DataFrame({"doc_id": ["a", "b"], "outlet": ["X", "X"]})
    >>> [ax.get_title() for ax in top_terms(freqs, max_panels=1, corpus=corpus).axes]
    ['X (2 reports)']
    """
    keys = sorted(freqs[by].unique()) if by else [None]
    unit, note = (_unit(by) if by else ""), ""
    if by and len(keys) > max_panels:
        sizes = None
        if by == "doc_id" and corpus is not None and group_by in corpus.columns:
            owner = corpus.set_index("doc_id")[group_by].fillna("(none)")
            sizes = owner.value_counts()
            freqs = freqs.assign(_g=freqs["doc_id"].map(owner).fillna("(none)"))
            unit = _unit(group_by)
        else:
            freqs = freqs.assign(_g=freqs[by])
            group_by = by
        volume = freqs.groupby("_g")["n"].sum()
        other = _other(group_by)
        mapping = pool_groups(volume, max(max_panels - 1, 1), other=other)
        freqs = freqs.assign(_g=freqs["_g"].map(mapping)).groupby(["_g", "term"], as_index=False)["n"].sum()
        keys = _pooled_order(mapping, volume, other)
        counts = pd.Series(mapping).value_counts()
        members = (sizes.groupby(pd.Series(mapping)).sum() if sizes is not None else counts)
        word = "reports" if sizes is not None else _PLURAL.get(by, "groups")
        labels = {k: f"{k} ({int(members.get(k, 0))} {word})" for k in keys}
        by, value = "_g", "n"
        note = _pool_note(len(volume), len(keys) - (other in keys), group_by, "words")
    nrows, ncols = _grid(len(keys), ncols)
    fig, axes = _subplots(nrows, ncols, figsize=(4.2 * ncols, 0.28 * top_n * nrows + 1.1 * nrows + 0.4), squeeze=False)
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
    fig.suptitle(_title(title, unit, note))
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
    fig, ax = _subplots(figsize=(8, 0.3 * len(rows) + 1.6))
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
                       labels: dict | None = None, max_docs: int = MAX_DOCS, bins: int = 20,
                       max_terms: int = MAX_CELLS) -> Figure:
    """Lexical dispersion: one row per term and document, a tick at the relative position of
    each occurrence (0 = start of the document, 1 = end), from
    :func:`corpus_tools.concordance.dispersion`. Rows without occurrences stay, empty.

    With more than ``max_docs`` documents, one row per term (at most ``max_terms``): the share
    of all its occurrences in each of ``bins`` stretches of the documents, as a heat strip,
    with the number of occurrences and of reports using it.

    Examples
    --------
    >>> disp = pd.DataFrame({"term": ["troops", "troops"], "doc_id": ["a", "b"], "position": [0.1, 0.9]})
    >>> fig = lexical_dispersion(disp, docs=["a", "b"])
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
    ['troops · a', 'troops · b']
    >>> fig = lexical_dispersion(disp, docs=["a", "b"], max_docs=1, bins=2)
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()], fig.axes[0].images[0].get_array().tolist()
    (['troops\\n2 times, 2 of 2 reports'], [[0.5, 0.5]])
    """
    terms = terms if terms is not None else list(dict.fromkeys(disp["term"]))
    docs = docs if docs is not None else sorted(disp["doc_id"].unique())
    if len(docs) > max_docs:
        return _dispersion_strips(disp, terms[:max_terms], len(docs), bins)
    rows = [(t, d) for t in terms for d in docs]
    fig, ax = _subplots(figsize=(9, 0.26 * len(rows) + 1.3))
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


def _dispersion_strips(disp: pd.DataFrame, terms: list[str], n_docs: int, bins: int) -> Figure:
    edges = np.linspace(0, 1, bins + 1)
    grid = np.zeros((len(terms), bins))
    names = []
    for i, term in enumerate(terms):
        part = disp[disp["term"] == term]
        hist, _ = np.histogram(part["position"].to_numpy(dtype=float), bins=edges)
        grid[i] = hist / hist.sum() if hist.sum() else hist
        names.append(f"{term}\n{len(part)} times, {part['doc_id'].nunique()} of {n_docs} reports")
    fig, ax = _subplots(figsize=(9, 0.55 * len(terms) + 1.6))
    image = ax.imshow(grid, cmap="Blues", aspect="auto", vmin=0, extent=(0, 1, len(terms) - 0.5, -0.5))
    ax.set_yticks(range(len(terms)), names, fontsize=8)
    ax.set_xlabel("position in the document (0 = start, 1 = end)")
    fig.colorbar(image, ax=ax, shrink=0.8, label="share of the term's occurrences")
    ax.set_title(f"Where the terms occur in the reports ({n_docs} reports, all occurrences pooled)", fontsize=11)
    fig.tight_layout()
    return fig


TONE_COLORS = {"negative": "#d62728", "neutral": "#b0b0b0", "positive": "#1f77b4"}


def tone_arc(tone: pd.DataFrame, corpus: pd.DataFrame, *, window: int = 3, max_docs: int = MAX_DOCS,
             max_panels: int = MAX_PANELS, bins: int = 10) -> Figure:
    """The tone arc through each article: one panel per document, a bar per sentence (its
    compound, coloured by label) and the centred rolling mean over ``window`` sentences.

    ``tone`` is :func:`corpus_tools.sentiment.sentence_tone`; ``corpus`` gives each panel's
    outlet and meeting. With more than ``max_docs`` documents, the arc by meeting instead:
    one panel per meeting (the ``max_panels`` with most reports), each sentence placed at its
    relative position in its report (cut in ``bins`` stretches), the mean compound of each
    stretch as bars and the interquartile range of the sentences as a band.

    Examples
    --------
    >>> tone = pd.DataFrame({"doc_id": ["a", "a", "a"], "sent_id": [1, 2, 3], "compound": [0.5, -0.2, 0.0],
    ...                      "label": ["positive", "negative", "neutral"]})
    >>> corpus = pd.DataFrame({"doc_id": ["a"], "outlet": ["Le Monde"], "meeting_id": ["paris"]})
    >>> fig = tone_arc(tone, corpus)
    >>> [round(float(p.get_height()), 1) for p in fig.axes[0].patches]
    [0.5, -0.2, 0.0]
    >>> [round(float(p.get_height()), 2) for p in tone_arc(tone, corpus, max_docs=0, bins=2).axes[0].patches]
    [0.5, -0.1]
    """
    from matplotlib.ticker import MaxNLocator

    docs = sorted(tone["doc_id"].unique())
    if len(docs) > max_docs:
        return _tone_arc_by_meeting(tone, corpus, max_panels, bins)
    info = corpus.set_index("doc_id")
    fig, axes = _subplots(len(docs), 1, figsize=(9, 1.9 * len(docs) + 0.8), squeeze=False, sharey=True)
    for ax, doc in zip(axes[:, 0], docs):
        part = tone[tone["doc_id"] == doc].sort_values("sent_id")
        ax.bar(part["sent_id"], part["compound"], color=[TONE_COLORS[lab] for lab in part["label"]], width=0.8)
        smooth = part["compound"].rolling(window, center=True, min_periods=1).mean()
        ax.plot(part["sent_id"], smooth, color="#222", lw=1.4)
        ax.axhline(0, color="#666", lw=0.6)
        outlet = info.loc[doc, "outlet"] if doc in info.index else ""
        meeting = info.loc[doc, "meeting_id"] if doc in info.index else ""
        ax.set_title(f"{short_label(doc, outlet, width=40)}  ·  {meeting}", fontsize=9, loc="left")
        ax.set_ylim(-1.05, 1.05)
        ax.set_xlim(0.3, part["sent_id"].max() + 0.7)
        ax.set_ylabel("compound", fontsize=8)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.spines[["top", "right"]].set_visible(False)
    axes[-1, 0].set_xlabel("sentence number")
    handles = [plt.Rectangle((0, 0), 1, 1, color=c) for c in TONE_COLORS.values()]
    handles.append(plt.Line2D([], [], color="#222", lw=1.4))
    fig.legend(handles, [*TONE_COLORS, f"mean of {window} sentences"], loc="upper right", ncol=4, fontsize=8, frameon=False)
    fig.suptitle("Tone sentence by sentence through each report", x=0.02, ha="left")
    fig.tight_layout()
    return fig


def _tone_arc_by_meeting(tone: pd.DataFrame, corpus: pd.DataFrame, max_panels: int, bins: int) -> Figure:
    size = tone.groupby("doc_id")["sent_id"].transform("size")
    rank = tone.groupby("doc_id")["sent_id"].rank(method="first")
    df = tone.assign(stretch=np.minimum(((rank - 0.5) / size * bins).astype(int), bins - 1))
    df = df.merge(corpus[["doc_id", "meeting_id"]], on="doc_id", how="left")
    df["meeting_id"] = df["meeting_id"].fillna("(no meeting)")
    reports = df.groupby("meeting_id")["doc_id"].nunique()
    meetings = sorted(reports.index, key=lambda m: (-reports[m], m))[:max_panels]
    nrows, ncols = _grid(len(meetings), 2)
    fig, axes = _subplots(nrows, ncols, figsize=(6 * ncols, 2.6 * nrows + 1.0), squeeze=False, sharey=True)
    x = (np.arange(bins) + 0.5) / bins
    for ax, meeting in zip(axes.flat, meetings):
        stats = df[df["meeting_id"] == meeting].groupby("stretch")["compound"]
        mean = stats.mean().reindex(range(bins))
        q1, q3 = stats.quantile(0.25).reindex(range(bins)), stats.quantile(0.75).reindex(range(bins))
        ax.bar(x, mean.to_numpy(), width=0.8 / bins,
               color=[TONE_COLORS["positive"] if v >= 0 else TONE_COLORS["negative"] for v in mean.fillna(0)])
        ax.fill_between(x, q1.to_numpy(), q3.to_numpy(), color="#888", alpha=0.25, lw=0)
        ax.axhline(0, color="#666", lw=0.6)
        ax.set_ylim(-1.05, 1.05)
        ax.set_xlim(0, 1)
        ax.set_title(f"{meeting} · {int(reports[meeting])} reports", fontsize=9, loc="left")
        ax.set_xlabel("position in the report (0 = start, 1 = end)", fontsize=8)
        ax.set_ylabel("compound", fontsize=8)
        ax.spines[["top", "right"]].set_visible(False)
    for ax in list(axes.flat)[len(meetings):]:
        ax.set_visible(False)
    note = f"; the {len(meetings)} meetings with most reports" if len(meetings) < len(reports) else ""
    fig.suptitle(f"Tone through the reports, by meeting ({df['doc_id'].nunique()} reports{note})\n"
                 f"bars: mean sentence compound in each tenth of the reports; band: the middle half of the sentences"
                 if bins == 10 else f"Tone through the reports, by meeting ({df['doc_id'].nunique()} reports{note})",
                 x=0.02, ha="left", fontsize=10)
    fig.tight_layout()
    return fig


def tone_distribution(tone: pd.DataFrame, corpus: pd.DataFrame, by: str = "outlet", *, top_groups: int = TOP_GROUPS,
                      max_points: int = MAX_POINTS) -> Figure:
    """Sentence tone per outlet (or meeting): left, each sentence's compound as a dot with the
    median and quartiles; right, the share of negative, neutral and positive sentences, with
    the length-weighted mean compound written at the end of each bar.

    With more than ``top_groups + 1`` groups, the ``top_groups`` with most sentences are drawn
    (heaviest at the top) and the rest pooled as "other outlets"; at most ``max_points`` dots
    are drawn per group (an even sample; the quartiles and shares use every sentence).

    Examples
    --------
    >>> tone = pd.DataFrame({"doc_id": ["a", "a", "b"], "compound": [0.5, -0.2, -0.6], "n_words": [5, 5, 10],
    ...                      "label": ["positive", "negative", "negative"]})
    >>> corpus = pd.DataFrame({"doc_id": ["a", "b"], "outlet": ["X", "Y"]})
    >>> fig = tone_distribution(tone, corpus)
    >>> [round(float(p.get_width()), 2) for p in fig.axes[1].patches if p.get_facecolor()[0] > 0.8]  # red: Y, X
    [1.0, 0.5]
    """
    df = tone if by in tone.columns else tone.merge(corpus[["doc_id", by]], on="doc_id", how="left")
    df = df.assign(**{by: df[by].fillna("")})
    groups = sorted(df[by].unique())[::-1]
    note = ""
    if len(groups) > top_groups + 1:
        sizes = df.groupby(by).size()
        mapping = pool_groups(sizes, top_groups, other=_other(by))
        df = df.assign(**{by: df[by].map(mapping)})
        groups = _pooled_order(mapping, sizes, _other(by))[::-1]
        note = _pool_note(len(sizes), top_groups, by, "sentences")
    fig, (left, right) = _subplots(1, 2, figsize=(11, 0.55 * len(groups) + 1.6), sharey=True,
                                   gridspec_kw={"width_ratios": [1.2, 1]})
    for y, key in enumerate(groups):
        whole = df[df[by] == key]
        part = _even_sample(whole.sort_values(["doc_id", "sent_id"], kind="stable") if "sent_id" in whole else whole, max_points) \
            if len(whole) > max_points else whole
        jitter = ((part["compound"].rank(method="first") % 5) - 2) * 0.06
        left.scatter(part["compound"], y + jitter, s=14, alpha=0.75, color=[TONE_COLORS[lab] for lab in part["label"]])
        part = whole
        q1, med, q3 = part["compound"].quantile([0.25, 0.5, 0.75])
        left.plot([q1, q3], [y + 0.3, y + 0.3], color="#222", lw=2)
        left.plot([med], [y + 0.3], marker="|", color="#222", ms=10, mew=2)
        start = 0.0
        for label, color in TONE_COLORS.items():
            share = float((part["label"] == label).mean())
            right.barh(y, share, left=start, color=color, height=0.6)
            if share >= 0.08:
                right.text(start + share / 2, y, f"{share:.0%}", ha="center", va="center", fontsize=8,
                           color="white" if label != "neutral" else "#222")
            start += share
        weighted = (part["compound"] * part["n_words"]).sum() / max(part["n_words"].sum(), 1)
        right.text(1.02, y, f"{weighted:+.2f}  (n={len(part)})", va="center", fontsize=8)
    left.axvline(0, color="#666", lw=0.6)
    left.set_xlim(-1.05, 1.05)
    left.set_yticks(range(len(groups)))
    left.set_yticklabels([g or "(none)" for g in groups], fontsize=9)
    left.set_xlabel("sentence compound\n(black bar: quartiles, tick: median)", fontsize=9)
    right.set_xlim(0, 1)
    right.set_xlabel("share of sentences\n(at the right: length-weighted mean compound, sentences)", fontsize=9)
    for ax in (left, right):
        ax.spines[["top", "right"]].set_visible(False)
    fig.suptitle(_title(f"Tone of the sentences per {by.replace('_id', '')}", "", note), x=0.02, ha="left")
    fig.tight_layout()
    return fig


def targeted_heatmap(targeted: pd.DataFrame, *, by: str = "outlet", value: str = "mean_compound",
                     min_sentences: int = 2, labels: dict | None = None, max_cells: int = MAX_CELLS,
                     max_docs: int = MAX_DOCS) -> Figure:
    """Heatmap of the tone of the sentences that mention each side or actor (rows) in each
    outlet or document (columns), from :func:`corpus_tools.sentiment.targeted_tone`.

    Each cell shows the value and the number of sentences; cells with fewer than
    ``min_sentences`` sentences are left grey (too few to read). Blue is positive, red negative.
    Beyond ``max_docs`` columns the cells are narrower and show the value only; beyond
    ``max_cells`` columns (or rows) those with most sentences are kept and the rest pooled
    (a mean weighted by sentences) into one column "other outlets" (rows: "other").

    Examples
    --------
    >>> targeted = pd.DataFrame({"outlet": ["X", "X", "Y"], "target": ["Russia", "Ukraine", "Russia"],
    ...                          "mean_compound": [-0.4, 0.3, -0.1], "n_sentences": [5, 4, 1]})
    >>> fig = targeted_heatmap(targeted)
    >>> [t.get_text() for t in fig.axes[0].texts]
    ['-0.40\\nn=5', '1 sent.', '+0.30\\nn=4', '']
    """
    note = ""
    for axis, other in ((by, _other(by)), ("target", "other")):
        weights = targeted.groupby(axis)["n_sentences"].sum()
        if len(weights) > max_cells:
            mapping = pool_groups(weights, max_cells - 1, other=other)
            pooled = targeted.assign(**{axis: targeted[axis].map(mapping), "_w": targeted[value] * targeted["n_sentences"]})
            targeted = pooled.groupby([by, "target"], as_index=False)[["_w", "n_sentences"]].sum()
            targeted[value] = targeted["_w"] / targeted["n_sentences"].where(targeted["n_sentences"] > 0)
            if axis == by:
                note = _pool_note(len(weights), max_cells - 1, by, "sentences")
    grid = targeted.pivot(index="target", columns=by, values=value)
    if by in _PLURAL and _other(by) in grid.columns:
        grid = grid[[c for c in grid.columns if c != _other(by)] + [_other(by)]]
    counts = targeted.pivot(index="target", columns=by, values="n_sentences").reindex_like(grid).fillna(0)
    shown = grid.where(counts >= min_sentences)
    compact = grid.shape[1] > max_docs
    fig, ax = _subplots(figsize=((0.5 if compact else 1.5) * grid.shape[1] + 3.2, (0.4 if compact else 0.6) * grid.shape[0] + 1.9))
    ax.set_facecolor("#e8e8e8")
    image = ax.imshow(shown.to_numpy(dtype=float), cmap="RdBu", vmin=-1, vmax=1, aspect="auto")
    for i in range(grid.shape[0]):
        for j in range(grid.shape[1]):
            n = int(counts.iat[i, j])
            v = shown.iat[i, j]
            if compact:
                text = f"{v:+.1f}" if pd.notna(v) else ""
            else:
                text = f"{v:+.2f}\nn={n}" if pd.notna(v) else (f"{n} sent." if n else "")
            ax.text(j, i, text, ha="center", va="center", fontsize=6.5 if compact else 8,
                    color="white" if pd.notna(v) and abs(v) > 0.55 else "#222")
    ax.set_xticks(range(grid.shape[1]))
    ax.set_xticklabels([(labels or {}).get(c, c) for c in grid.columns], rotation=60 if compact else 30, ha="right", fontsize=8)
    ax.set_yticks(range(grid.shape[0]))
    ax.set_yticklabels(grid.index, fontsize=9)
    fig.colorbar(image, ax=ax, shrink=0.8, label=value.replace("_", " "))
    per = f" per {_unit(by)}" + (f", {grid.shape[1]} {_PLURAL.get(by, by)}" if compact else "")
    ax.set_title(f"Tone of the sentences that mention each {'side' if 'Russia' in set(grid.index) else 'actor'}{per}"
                 f"\n(grey: fewer than {min_sentences} sentences{'; ' + note if note else ''})", fontsize=10)
    fig.tight_layout()
    return fig


def quote_narration_bars(summary: pd.DataFrame, *, by: str = "outlet", value: str = "weighted_compound",
                         labels: dict | None = None, top_groups: int = TOP_GROUPS) -> Figure:
    """Paired bars per outlet (or document): the tone of the words inside speech quotes and of
    the reporters' narration, from the summary of :func:`corpus_tools.sentiment.quote_vs_narration`.

    With more than ``top_groups + 1`` groups, the ``top_groups`` with most words are drawn
    (heaviest at the top) and the rest pooled as "other outlets" (means weighted by words).

    Examples
    --------
    >>> summary = pd.DataFrame({"outlet": ["X", "X"], "part": ["quote", "narration"],
    ...                         "weighted_compound": [-0.3, 0.1], "n_words": [40, 200]})
    >>> fig = quote_narration_bars(summary)
    >>> sorted(round(float(p.get_width()), 1) for p in fig.axes[0].patches)
    [-0.3, 0.1]
    """
    keys = sorted(summary[by].unique())[::-1]
    note = ""
    if len(keys) > top_groups + 1:
        sizes = summary.groupby(by)["n_words"].sum()
        mapping = pool_groups(sizes, top_groups, other=_other(by))
        pooled = summary.assign(**{by: summary[by].map(mapping), "_w": summary[value] * summary["n_words"]})
        summary = pooled.groupby([by, "part"], as_index=False)[["_w", "n_words"]].sum()
        summary[value] = summary["_w"] / summary["n_words"].where(summary["n_words"] > 0)
        keys = _pooled_order(mapping, sizes, _other(by))[::-1]
        note = _pool_note(len(sizes), top_groups, by, "words")
    colors = {"quote": PALETTE[1], "narration": PALETTE[7]}
    fig, ax = _subplots(figsize=(8.5, 0.7 * len(keys) + 1.6))
    for y, key in enumerate(keys):
        for offset, part in ((0.18, "quote"), (-0.18, "narration")):
            row = summary[(summary[by] == key) & (summary["part"] == part)]
            if row.empty:
                continue
            v = float(row[value].iloc[0])
            ax.barh(y + offset, v, height=0.34, color=colors[part])
            ax.text(v, y + offset, f" {v:+.2f} ({int(row['n_words'].iloc[0])} words) ", va="center",
                    ha="left" if v >= 0 else "right", fontsize=8)
    ax.axvline(0, color="#444", lw=0.8)
    ax.set_yticks(range(len(keys)))
    ax.set_yticklabels([(labels or {}).get(k, k) for k in keys], fontsize=9)
    lim = max(0.3, float(summary[value].abs().max()) * 1.9)
    ax.set_xlim(-lim, lim)
    ax.set_xlabel(f"{value.replace('_', ' ')}  (← negative | positive →)")
    ax.legend([plt.Rectangle((0, 0), 1, 1, color=c) for c in colors.values()], ["inside speech quotes", "narration"],
              fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.set_title(_title(f"Quoted speech vs the reporters' narration, per {_unit(by)}", "", note), fontsize=11)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


def confusion_matrices(confusion: pd.DataFrame) -> Figure:
    """One confusion matrix per method (gold labels in rows, predicted in columns), from
    :func:`corpus_tools.sentiment.confusion_table`; the diagonal is correct.

    Examples
    --------
    >>> confusion = pd.DataFrame({"method": ["m"] * 4, "gold": ["negative", "negative", "positive", "positive"],
    ...                           "predicted": ["negative", "positive", "negative", "positive"], "n": [3, 1, 0, 2]})
    >>> fig = confusion_matrices(confusion)
    >>> [t.get_text() for t in fig.axes[0].texts]
    ['3', '1', '0', '2']
    """
    methods = list(dict.fromkeys(confusion["method"]))
    fig, axes = _subplots(1, len(methods), figsize=(3.3 * len(methods) + 0.4, 3.4), squeeze=False)
    for ax, method in zip(axes[0], methods):
        grid = confusion[confusion["method"] == method].pivot(index="gold", columns="predicted", values="n")
        order = [label for label in TONE_COLORS if label in grid.index or label in grid.columns]
        grid = grid.reindex(index=order, columns=order).fillna(0).astype(int)
        ax.imshow(grid.to_numpy(), cmap="Greys", vmin=0, vmax=max(int(grid.to_numpy().max()), 1) * 1.6)
        for i in range(len(order)):
            for j in range(len(order)):
                ax.text(j, i, str(grid.iat[i, j]), ha="center", va="center", fontsize=10,
                        fontweight="bold" if i == j else "normal")
        ax.set_xticks(range(len(order)))
        ax.set_xticklabels([o[:3] for o in order], fontsize=9)
        ax.set_yticks(range(len(order)))
        ax.set_yticklabels([o[:3] for o in order], fontsize=9)
        ax.set_xlabel("predicted")
        ax.set_title(method, fontsize=10)
    axes[0, 0].set_ylabel("gold (hand label)")
    fig.suptitle("Hand labels (rows) vs each method's labels (columns)", fontsize=11)
    fig.tight_layout()
    return fig


def speaker_heatmap(counts: pd.DataFrame, *, value: str = "n", title: str = "Mentions per actor and {unit}",
                    labels: dict[str, str] | None = None, corpus: pd.DataFrame | None = None, by: str = "outlet",
                    max_docs: int = MAX_DOCS, max_cells: int = MAX_CELLS) -> Figure:
    """Heatmap of a count per actor (rows) and document (columns), numbers written in the cells.

    ``counts`` has ``actor, doc_id`` and the ``value`` column; rows keep their first-seen order
    (sort the table first); ``labels`` maps doc_id to a column label. With more than
    ``max_docs`` documents the columns are outlets (``by`` of ``corpus``; without ``corpus``,
    the documents with the largest totals), the counts summed over their reports, at most
    ``max_cells`` columns (the rest pooled as "other outlets"); at most ``max_cells`` rows are
    drawn (the first ones). A ``{unit}`` in ``title`` becomes "report" or "outlet".

    Examples
    --------
    >>> c = pd.DataFrame({"actor": ["Russia", "Russia", "Macron"], "doc_id": ["d1", "d2", "d1"], "n": [3, 1, 2]})
    >>> fig = speaker_heatmap(c)
    >>> fig.axes[0].get_title(), len(fig.axes[0].texts)
    ('Mentions per actor and report', 3)
    >>> corpus = pd.DataFrame({"doc_id": ["d1", "d2"], "outlet": ["X", "X"]})
    >>> ax = speaker_heatmap(c, corpus=corpus, max_docs=1).axes[0]
    >>> [t.get_text() for t in ax.get_xticklabels()], [t.get_text() for t in ax.texts]
    (['X (2)'], ['4', '2'])
    """
    actors = list(dict.fromkeys(counts["actor"]))
    n_actors = len(actors)
    actors = actors[:max_cells]
    counts = counts[counts["actor"].isin(actors)]
    n_docs = counts["doc_id"].nunique()
    unit, notes = "report", []
    if n_docs > max_docs:
        if corpus is not None and by in corpus.columns:
            owner = corpus.set_index("doc_id")[by].fillna("(none)")
            sizes = owner.value_counts()
            column = counts["doc_id"].map(owner).fillna("(none)")
            unit = _unit(by)
        else:
            sizes = counts.groupby("doc_id").size()
            column = counts["doc_id"]
            by = "doc_id"
        totals = counts.groupby(column)[value].sum()
        mapping = pool_groups(totals, max_cells - 1, other=_other(by))
        counts = counts.assign(doc_id=column.map(mapping))
        order = _pooled_order(mapping, totals, _other(by))
        members = sizes.groupby(pd.Series(mapping)).sum() if by != "doc_id" else pd.Series(mapping).value_counts()
        labels = {g: f"{g} ({int(members.get(g, 0))})" for g in order}
        if len(totals) > len(order) - (_other(by) in order):
            notes.append(_pool_note(len(totals), len(order) - 1, by, "counts"))
        if unit != "report":
            notes.append(f"{n_docs} reports; counts summed over each {unit}'s reports, in brackets")
    else:
        order = sorted(counts["doc_id"].unique())
    if n_actors > len(actors):
        notes.append(f"the first {len(actors)} of {n_actors} actors")
    table = counts.pivot_table(index="actor", columns="doc_id", values=value, aggfunc="sum", fill_value=0)
    table = table.reindex(index=actors, columns=order, fill_value=0)
    compact = table.shape[1] > max_docs
    fig, ax = _subplots(figsize=((0.55 if compact else 1.3) * table.shape[1] + 3.2, 0.32 * len(table) + 1.6))
    ax.imshow(table.values, cmap="Blues", aspect="auto")
    vmax = table.values.max() if table.size else 0
    for (i, j), n in pd.DataFrame(table.values).stack().items():
        if n:
            ax.text(j, i, f"{n:g}", ha="center", va="center", fontsize=6.5 if compact else 8,
                    color="white" if n > 0.6 * vmax else "black")
    ax.set_yticks(range(len(table)), table.index, fontsize=8)
    ax.set_xticks(range(table.shape[1]), [(labels or {}).get(d, d[:3]) for d in table.columns], fontsize=8,
                  rotation=60 if compact else 30, ha="right")
    ax.set_title(_title(title, unit, "; ".join(n for n in notes if n)), fontsize=11)
    fig.tight_layout()
    return fig


def share_of_voice_bars(share: pd.DataFrame, *, top_n: int = 12, title: str = "Share of voice (quoted words)") -> Figure:
    """Horizontal bars of quoted words per speaker, with the share written at the bar end.

    ``share`` is :func:`corpus_tools.quotes.share_of_voice` without grouping.

    Examples
    --------
    >>> s = pd.DataFrame({"speaker": ["A", "B"], "n_words": [8, 2], "share": [0.8, 0.2]})
    >>> len(share_of_voice_bars(s).axes[0].patches)
    2
    """
    df = share.sort_values(["n_words", "speaker"], ascending=[False, True]).head(top_n).iloc[::-1]
    fig, ax = _subplots(figsize=(8, 0.38 * len(df) + 1.3))
    ax.barh(df["speaker"], df["n_words"], color=PALETTE[0])
    for y, (n, s) in enumerate(zip(df["n_words"], df["share"])):
        ax.text(n, y, f" {n} ({s:.0%})", va="center", fontsize=8)
    ax.set_xlabel("quoted words (direct speech)")
    ax.set_title(title)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_xlim(0, df["n_words"].max() * 1.2 if len(df) else 1)
    fig.tight_layout()
    return fig


def share_of_voice_groups(share: pd.DataFrame, group: str, *, top_n: int = 6, title: str | None = None,
                          top_groups: int = TOP_GROUPS) -> Figure:
    """Stacked 100% bars: each ``group`` (outlet, meeting) split by speaker share of quoted words.

    Speakers outside the ``top_n`` overall are pooled as "others". With more than
    ``top_groups + 1`` groups, the ``top_groups`` with most quoted words get a bar each
    (heaviest at the top) and the rest one bar, "other outlets", its shares recomputed from
    the pooled words.

    Examples
    --------
    >>> s = pd.DataFrame({"outlet": ["X", "X", "Y"], "speaker": ["A", "B", "A"], "n_words": [8, 2, 5],
    ...                   "share": [0.8, 0.2, 1.0]})
    >>> len(share_of_voice_groups(s, "outlet").axes[0].patches)
    4
    """
    top = share.groupby("speaker")["n_words"].sum().sort_values(ascending=False, kind="stable").head(top_n).index
    df = share.assign(speaker=share["speaker"].where(share["speaker"].isin(top), "others"))
    sizes = share.groupby(group)["n_words"].sum()
    note = ""
    if len(sizes) > top_groups + 1:
        mapping = pool_groups(sizes, top_groups, other=_other(group))
        df = df.assign(**{group: df[group].map(mapping)}).groupby([group, "speaker"], as_index=False)["n_words"].sum()
        df["share"] = df["n_words"] / df.groupby(group)["n_words"].transform("sum")
        note = _pool_note(len(sizes), top_groups, group, "quoted words")
    table = df.pivot_table(index=group, columns="speaker", values="share", aggfunc="sum", fill_value=0)
    if note:
        table = table.reindex(_pooled_order(mapping, sizes, _other(group))[::-1])
    order = [s for s in top if s in table.columns] + (["others"] if "others" in table.columns else [])
    table = table[order]
    fig, ax = _subplots(figsize=(9, 0.55 * len(table) + 1.8))
    left = pd.Series(0.0, index=table.index)
    for k, speaker in enumerate(order):
        color = "#cccccc" if speaker == "others" else PALETTE[k % len(PALETTE)]
        ax.barh(table.index, table[speaker], left=left, color=color, label=speaker)
        left += table[speaker]
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of quoted words")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    ax.set_title(_title(title or f"Share of voice per {_unit(group)}", _unit(group), note), fontsize=11)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


def similarity_heatmap(matrix: pd.DataFrame, *, labels: dict[str, str] | None = None,
                       title: str = "Similarity between reports", corpus: pd.DataFrame | None = None,
                       by: str = "outlet", value: str = "cosine", max_docs: int = MAX_DOCS,
                       max_cells: int = MAX_CELLS) -> Figure:
    """Heatmap of document similarity, drawn for the corpus it is given.

    ``matrix`` is either a document × document similarity matrix
    (:func:`corpus_tools.compare.similarity_matrix`) or a nearest-neighbour table (columns
    ``doc_id, neighbour`` and ``value``, e.g. ``cosine``), one row per document and neighbour.

    - Up to ``max_docs`` documents: one row and column per report, values written in the cells;
      the diagonal (always 1) is left blank so the colour scale shows the pairs (from a
      neighbour table, pairs that are not neighbours are blank too).
    - Up to ``max_cells`` documents (square matrix): the reports in a clustered order (average
      linkage on 1 − similarity), so that groups of alike reports form blocks; no numbers.
    - Beyond, by ``by`` of ``corpus`` (the ``max_cells - 1`` outlets with most reports, the rest
      pooled): the mean similarity of the pairs of reports of two outlets (from a neighbour
      table: of each report and its neighbours), in a clustered order. Without ``corpus``, the
      ``max_cells`` reports with the closest neighbour, clustered.

    Examples
    --------
    >>> m = pd.DataFrame([[1.0, 0.3], [0.3, 1.0]], index=["a", "b"], columns=["a", "b"])
    >>> fig = similarity_heatmap(m)
    >>> [t.get_text() for t in fig.axes[0].texts]
    ['0.30', '0.30']
    >>> m3 = pd.DataFrame([[1, .4, .2], [.4, 1, .1], [.2, .1, 1]], index=list("abc"), columns=list("abc"))
    >>> corpus = pd.DataFrame({"doc_id": ["a", "b", "c"], "outlet": ["X", "X", "Y"]})
    >>> ax = similarity_heatmap(m3, corpus=corpus, max_docs=1, max_cells=2).axes[0]
    >>> [t.get_text() for t in ax.get_yticklabels()], [t.get_text() for t in ax.texts]
    (['X (2)', 'Y (1)'], ['0.40', '0.15', '0.15'])
    """
    is_table = {"doc_id", "neighbour", value} <= set(matrix.columns)
    if is_table:
        pairs = matrix[["doc_id", "neighbour", value]]
        docs = sorted(set(pairs["doc_id"]) | set(pairs["neighbour"]))
        if len(docs) <= max_docs:
            both = pd.concat([pairs, pairs.rename(columns={"doc_id": "neighbour", "neighbour": "doc_id"})])
            square = both.pivot_table(index="doc_id", columns="neighbour", values=value, aggfunc="max")
            square = square.reindex(index=docs, columns=docs)
            return _similarity_cells(square.to_numpy(dtype=float), [(labels or {}).get(d, d) for d in docs], title,
                                     numbers=True)
        return _similarity_groups(pairs, docs, corpus, by, value, max_cells, title, from_table=True)
    n = len(matrix)
    if n <= max_docs:
        return _similarity_cells(matrix.to_numpy(dtype=float), [(labels or {}).get(d, d) for d in matrix.index], title,
                                 numbers=True)
    if n <= max_cells:
        order = _cluster_order(matrix.to_numpy(dtype=float))
        names = [(labels or {}).get(matrix.index[i], matrix.index[i]) for i in order]
        values = matrix.to_numpy(dtype=float)[np.ix_(order, order)]
        return _similarity_cells(values, names, _title(title, "", f"{n} reports in a clustered order"), numbers=False)
    if corpus is not None and by in corpus.columns:
        return _similarity_groups(matrix, list(matrix.index), corpus, by, value, max_cells, title, from_table=False)
    values = matrix.to_numpy(dtype=float).copy()
    np.fill_diagonal(values, -np.inf)
    keep = np.sort(np.argsort(-values.max(axis=1), kind="stable")[:max_cells])
    sub = matrix.iloc[keep, keep]
    order = _cluster_order(sub.to_numpy(dtype=float))
    names = [(labels or {}).get(sub.index[i], sub.index[i]) for i in order]
    note = f"the {len(keep)} of {n} reports with the closest neighbour, in a clustered order"
    return _similarity_cells(sub.to_numpy(dtype=float)[np.ix_(order, order)], names, _title(title, "", note), numbers=False)


def _cluster_order(values: np.ndarray) -> list[int]:
    """Leaf order of an average-linkage clustering on 1 − similarity (NaN counted as 0)."""
    from scipy.cluster.hierarchy import leaves_list, linkage
    from scipy.spatial.distance import squareform

    if len(values) < 3:
        return list(range(len(values)))
    sim = np.nan_to_num(values, nan=0.0)
    sim = (sim + sim.T) / 2
    dist = np.clip(1 - sim, 0, None)
    np.fill_diagonal(dist, 0)
    return [int(i) for i in leaves_list(linkage(squareform(dist, checks=False), "average"))]


def _similarity_cells(values: np.ndarray, names: list[str], title: str, *, numbers: bool,
                      colorbar: str = "", blank_diagonal: bool = True) -> Figure:
    values = values.copy()
    if blank_diagonal:
        np.fill_diagonal(values, np.nan)
    n = len(values)
    cell = (0.9, 0.7) if numbers else (0.38, 0.3)
    fig, ax = _subplots(figsize=(cell[0] * n + 3.6, cell[1] * n + 1.8))
    vmax = np.nanmax(values) if np.isfinite(values).any() else 1.0
    image = ax.imshow(np.ma.masked_invalid(values), cmap="Blues", vmin=0, vmax=vmax, aspect="auto")
    if numbers:
        for i in range(n):
            for j in range(n):
                v = values[i, j]
                if (i != j or not blank_diagonal) and np.isfinite(v):
                    ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=8, color="white" if v > 0.6 * vmax else "black")
    ax.set_xticks(range(n), names, rotation=30 if numbers else 70, ha="right", fontsize=8 if numbers else 7)
    ax.set_yticks(range(n), names, fontsize=8 if numbers else 7)
    fig.colorbar(image, ax=ax, shrink=0.8, label=colorbar)
    ax.set_title(title, fontsize=11)
    fig.tight_layout()
    return fig


def _similarity_groups(data: pd.DataFrame, docs: list, corpus: pd.DataFrame | None, by: str, value: str,
                       max_cells: int, title: str, *, from_table: bool) -> Figure:
    if corpus is None or by not in corpus.columns:
        owner = pd.Series("all reports", index=docs)
    else:
        owner = corpus.set_index("doc_id")[by].fillna("(none)").reindex(docs).fillna("(none)")
    sizes = owner.value_counts()
    mapping = pool_groups(sizes, max_cells - 1, other=_other(by))
    group = owner.map(mapping)
    groups = _pooled_order(mapping, sizes, _other(by))
    index = {g: i for i, g in enumerate(groups)}
    k = len(groups)
    if from_table:
        pairs = data.assign(a=data["doc_id"].map(group), b=data["neighbour"].map(group)).dropna(subset=["a", "b"])
        pairs = pd.concat([pairs, pairs.rename(columns={"a": "b", "b": "a"})])
        mean = pairs.groupby(["a", "b"])[value].mean()
        values = np.full((k, k), np.nan)
        for (a, b), v in mean.items():
            values[index[a], index[b]] = v
        what = f"mean {value} of each report and its nearest neighbours"
    else:
        member = np.zeros((len(docs), k))
        member[np.arange(len(docs)), [index[g] for g in group]] = 1.0
        m = data.to_numpy(dtype=float)
        sums = member.T @ m @ member - member.T @ (np.diag(m)[:, None] * member)
        n = member.sum(axis=0)
        pairs_n = np.outer(n, n) - np.diag(n)
        with np.errstate(invalid="ignore", divide="ignore"):
            values = np.where(pairs_n > 0, sums / np.where(pairs_n > 0, pairs_n, 1), np.nan)
        what = "mean similarity of their pairs of reports"
    order = _cluster_order(values)
    names = [f"{groups[i]} ({int(sizes.groupby(pd.Series(mapping)).sum().get(groups[i], 0))})" for i in order]
    values = values[np.ix_(order, order)]
    pooled = _pool_note(len(sizes), len(groups) - (_other(by) in groups), by, "reports")
    note = f"{len(docs)} reports by {_unit(by)} (reports in brackets): {what}; diagonal: within one {_unit(by)}"
    note += f"\n{pooled}" if pooled else ""
    return _similarity_cells(values, names, _title(title, "", note), numbers=k <= MAX_DOCS, blank_diagonal=False)


def quote_sharing_bars(sharing: pd.DataFrame, *, labels: dict[str, str] | None = None,
                       title: str = "Quotations each report shares, keeps to itself, and leaves out",
                       max_docs: int = MAX_DOCS, corpus: pd.DataFrame | None = None, by: str = "outlet",
                       top_groups: int = TOP_GROUPS) -> Figure:
    """Grouped horizontal bars per report from :func:`corpus_tools.compare.quote_sharing`:
    quotations shared with another report, speech quotations no other report carries, and
    quotations other reports of the same meeting carry but this one leaves out.

    With more than ``max_docs`` reports, three panels (shared, exclusive, left out), each a
    box and strip plot of the reports' counts per outlet (``by``, from ``sharing`` or
    ``corpus``): the ``top_groups`` outlets with most reports, the rest pooled.

    Examples
    --------
    >>> s = pd.DataFrame({"doc_id": ["a", "b"], "n_shared": [1, 1], "n_exclusive": [0, 3], "n_left_out": [3, 0]})
    >>> sorted(int(p.get_width()) for p in quote_sharing_bars(s).axes[0].patches)
    [0, 0, 1, 1, 3, 3]
    >>> [ax.get_title() for ax in quote_sharing_bars(s.assign(outlet="X"), max_docs=1).axes]
    ['shared with another report', 'exclusive (speech)', 'left out (carried by another report of the meeting)']
    """
    parts = [("n_shared", "shared with another report", PALETTE[2]), ("n_exclusive", "exclusive (speech)", PALETTE[0]),
             ("n_left_out", "left out (carried by another report of the meeting)", "#bbbbbb")]
    if len(sharing) > max_docs:
        df = sharing
        if by not in df.columns:
            owner = corpus.set_index("doc_id")[by] if corpus is not None and by in corpus.columns else None
            df = df.assign(**{by: df["doc_id"].map(owner) if owner is not None else "all reports"})
        df = df.assign(**{by: df[by].fillna("(none)")}).sort_values("doc_id", kind="stable")
        sizes = df.groupby(by).size()
        mapping = pool_groups(sizes, top_groups, other=_other(by))
        df = df.assign(**{by: df[by].map(mapping)})
        order = _pooled_order(mapping, sizes, _other(by))[::-1]
        fig, axes = _subplots(1, 3, figsize=(13, 0.42 * len(order) + 2.0), sharey=True, squeeze=False)
        for ax, (column, name, color) in zip(axes[0], parts):
            _strip_box(ax, [df.loc[df[by] == g, column] for g in order], colors=[color] * len(order))
            ax.set_title(name, fontsize=9)
            ax.set_xlabel("quotations per report", fontsize=8)
            ax.spines[["top", "right"]].set_visible(False)
        axes[0, 0].set_yticks(range(len(order)), [f"{g} ({int((df[by] == g).sum())})" for g in order], fontsize=8)
        note = _pool_note(len(sizes), len(order) - (_other(by) in order), by, "reports")
        fig.suptitle(_title(f"Quotations each report shares, keeps to itself, and leaves out, by {_unit(by)} "
                            f"({len(df)} reports; reports in brackets)", "", note), fontsize=11)
        fig.tight_layout()
        return fig
    df = sharing.sort_values("doc_id", ascending=False, kind="stable").reset_index(drop=True)
    fig, ax = _subplots(figsize=(9, 0.75 * len(df) + 1.6))
    height = 0.26
    for k, (column, name, color) in enumerate(parts):
        ys = [y + (1 - k) * height for y in range(len(df))]
        ax.barh(ys, df[column], height=height, color=color, label=name)
        for y, n in zip(ys, df[column]):
            ax.text(n, y, f" {n}", va="center", fontsize=7)
    ax.set_yticks(range(len(df)), [(labels or {}).get(d, d) for d in df["doc_id"]], fontsize=8)
    ax.set_xlabel("quotations")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    ax.set_title(title)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


def fact_coverage_grid(coverage: pd.DataFrame, *, labels: dict[str, str] | None = None,
                       title: str = "Which report states which figure", max_docs: int = MAX_DOCS,
                       max_cells: int = MAX_CELLS, corpus: pd.DataFrame | None = None, by: str = "outlet") -> Figure:
    """A dot grid of :func:`corpus_tools.compare.fact_coverage`: one row per fact key, one
    column per report, a filled dot (with the count when above 1) where the report states it;
    facts stated by two or more reports are written in bold.

    At most ``max_cells`` facts are drawn (those stated by most reports). With more than
    ``max_docs`` reports the columns are outlets (``by`` of ``corpus``; at most ``max_cells``,
    those with most reports, the rest pooled): the dot's area is the share of the outlet's
    reports stating the figure, and the number beside it how many reports do.

    Examples
    --------
    >>> cov = pd.DataFrame({"key": ["30 day ceasefire", "35 countries"], "a": [1, 0], "b": [1, 2], "n_reports": [2, 1]})
    >>> fig = fact_coverage_grid(cov)
    >>> len(fig.axes[0].collections[0].get_offsets()), [t.get_text() for t in fig.axes[0].texts]
    (3, ['2'])
    >>> corpus = pd.DataFrame({"doc_id": ["a", "b"], "outlet": ["X", "X"]})
    >>> ax = fact_coverage_grid(cov, max_docs=1, corpus=corpus).axes[0]
    >>> [t.get_text() for t in ax.get_xticklabels()], [t.get_text() for t in ax.texts]
    (['X (2)'], ['2', '1'])
    """
    docs = [c for c in coverage.columns if c not in ("key", "n_reports")]
    n_facts = len(coverage)
    if n_facts > max_cells:
        coverage = coverage.sort_values(["n_reports", "key"], ascending=[False, True], kind="stable").head(max_cells)
    notes = [f"the {max_cells} of {n_facts} figures stated by most reports"] if n_facts > max_cells else []
    if len(docs) > max_docs:
        owner = (corpus.set_index("doc_id")[by].reindex(docs).fillna("(none)") if corpus is not None and by in corpus.columns
                 else pd.Series("all reports", index=docs))
        sizes = owner.value_counts()
        mapping = pool_groups(sizes, max_cells - 1, other=_other(by))
        groups = _pooled_order(mapping, sizes, _other(by))
        stated = (coverage[docs] > 0).T.groupby(owner.map(mapping)).sum().T.reindex(columns=groups)
        members = sizes.groupby(pd.Series(mapping)).sum()
        fig, ax = _subplots(figsize=(0.55 * len(groups) + 3.6, 0.34 * len(coverage) + 2.2))
        xs, ys, area = [], [], []
        for i in range(len(coverage)):
            for j, g in enumerate(groups):
                n = int(stated.iat[i, j])
                if n:
                    xs.append(j)
                    ys.append(i)
                    area.append(10 + 110 * n / members[g])
                    ax.text(j + 0.22, i, str(n), va="center", fontsize=6.5)
        ax.scatter(xs, ys, s=area, color=PALETTE[0])
        ax.set_xticks(range(len(groups)), [f"{g} ({int(members[g])})" for g in groups], rotation=60, ha="right", fontsize=8)
        ax.set_xlim(-0.5, len(groups) - 0.5)
        notes.insert(0, f"{len(docs)} reports by {_unit(by)} (reports in brackets); dot area: share of the {_unit(by)}'s reports")
        pooled = _pool_note(len(sizes), len(groups) - (_other(by) in groups), by, "reports")
        notes += [pooled] if pooled else []
        if title == "Which report states which figure":
            title = f"Which figures the reports of each {_unit(by)} state"
    else:
        fig, ax = _subplots(figsize=(1.1 * len(docs) + 3.6, 0.34 * len(coverage) + 1.8))
        xs, ys = [], []
        for i, row in enumerate(coverage.itertuples(index=False)):
            for j, doc in enumerate(docs):
                n = int(getattr(row, doc) if doc.isidentifier() else row[coverage.columns.get_loc(doc)])
                if n:
                    xs.append(j)
                    ys.append(i)
                    if n > 1:
                        ax.text(j + 0.18, i, str(n), va="center", fontsize=7)
        ax.scatter(xs, ys, s=70, color=PALETTE[0])
        ax.set_xticks(range(len(docs)), [(labels or {}).get(d, d) for d in docs], rotation=30, ha="right", fontsize=8)
        ax.set_xlim(-0.5, len(docs) - 0.5)
    ax.set_yticks(range(len(coverage)), coverage["key"], fontsize=8)
    for tick, n in zip(ax.get_yticklabels(), coverage["n_reports"]):
        tick.set_fontweight("bold" if n > 1 else "normal")
    ax.set_ylim(len(coverage) - 0.5, -0.5)
    ax.grid(color="#eee")
    ax.set_axisbelow(True)
    ax.set_title(_title(title, "", "\n".join(notes)), fontsize=11)
    fig.tight_layout()
    return fig


def meeting_change_bars(changes: pd.DataFrame, *, top_n: int = 10, value: str = "log_ratio",
                        max_panels: int = 6, ncols: int = 3) -> Figure:
    """What changed between meetings: one panel per (``earlier``, ``later``) pair of
    :func:`corpus_tools.compare.meeting_changes`, the ``top_n`` terms that rose (right, blue)
    and fell (left, orange) by G2, bar length ``value`` (log ratio by default). At most
    ``max_panels`` pairs (the latest), ``ncols`` panels a row.

    Examples
    --------
    >>> ch = pd.DataFrame({"earlier": ["m1", "m1"], "later": ["m2", "m2"], "term": ["merz", "scholz"],
    ...                    "change": ["rose", "fell"], "log_ratio": [2.0, -1.5], "g2": [5.0, 4.0]})
    >>> fig = meeting_change_bars(ch)
    >>> sorted(float(p.get_width()) for p in fig.axes[0].patches), fig.axes[0].get_title()
    ([-1.5, 2.0], 'm1 → m2')
    """
    pairs = list(dict.fromkeys(zip(changes["earlier"], changes["later"])))
    n_pairs = len(pairs)
    pairs = pairs[-max_panels:] if max_panels else pairs
    n_rows = max(min(top_n, len(g)) for _, g in changes.groupby("change")) * 2 if len(changes) else 1
    grid_rows, grid_cols = _grid(len(pairs), ncols)
    fig, axes = _subplots(grid_rows, grid_cols, figsize=(6 * grid_cols, (0.28 * n_rows + 1.4) * grid_rows + 0.4),
                          squeeze=False)
    for ax in list(axes.flat)[len(pairs):]:
        ax.set_visible(False)
    for ax, (earlier, later) in zip(axes.flat, pairs):
        part = changes[(changes["earlier"] == earlier) & (changes["later"] == later)]
        rose = part[part["change"] == "rose"].sort_values("g2", ascending=False, kind="stable").head(top_n)
        fell = part[part["change"] == "fell"].sort_values("g2", ascending=False, kind="stable").head(top_n)
        rows = pd.concat([rose, fell.iloc[::-1]])
        y = list(range(len(rows)))[::-1]
        ax.barh(y, rows[value], color=[PALETTE[0] if c == "rose" else PALETTE[1] for c in rows["change"]])
        for yi, term, v in zip(y, rows["term"], rows[value]):
            ax.text(0, yi, f" {term} ", ha="right" if v > 0 else "left", va="center", fontsize=8)
        ax.axvline(0, color="#333", lw=0.8)
        lim = max(abs(rows[value]).max() if len(rows) else 1, 1) * 1.15
        ax.set_xlim(-lim, lim)
        ax.set_yticks([])
        ax.set_xlabel(f"{value.replace('_', ' ')}  (← fell | rose →)", fontsize=9)
        ax.set_title(f"{earlier} → {later}", fontsize=10)
        ax.spines[["top", "right", "left"]].set_visible(False)
    latest = f" (the latest {len(pairs)} of {n_pairs} pairs)" if len(pairs) < n_pairs else ""
    fig.suptitle(f"Terms that rose and fell from one meeting's reports to the next{latest}")
    fig.tight_layout()
    return fig


def tone_toward_heatmap(summary: pd.DataFrame, *, by: str = "outlet", min_n: int = 5, max_columns: int = 12,
                        labels: dict | None = None,
                        title: str = "Tone toward each side (actions aimed at it or done by it)") -> Figure:
    """Heatmap of the tone toward each side (rows) per outlet, document or meeting (columns),
    from :func:`corpus_tools.target_tone.summarise_tone_toward`.

    Each cell writes the mean score, the 95% bootstrap interval and n (the (sentence, side)
    rows behind it); a cell resting on fewer than ``min_n`` rows is greyed and its colour
    left out, its numbers still written. At most ``max_columns`` columns are drawn, those with
    the most rows; the title says how many were left out. Blue is positive, red negative.

    Examples
    --------
    >>> s = pd.DataFrame({"outlet": ["X", "X", "Y"], "target": ["Russia", "Ukraine", "Russia"],
    ...                   "n": [6, 2, 9], "mean_score": [-0.5, 0.5, -0.2], "ci_low": [-0.8, 0.0, -0.5],
    ...                   "ci_high": [-0.1, 1.0, 0.1]})
    >>> fig = tone_toward_heatmap(s)
    >>> [t.get_text() for t in fig.axes[0].texts]
    ['-0.50\\n[-0.80, -0.10]\\nn=6', '-0.20\\n[-0.50, +0.10]\\nn=9', '+0.50\\n[+0.00, +1.00]\\nn=2', '']
    """
    from corpus_tools.target_tone import SIDES

    totals = summary.groupby(by)["n"].sum().sort_values(ascending=False, kind="stable")
    keep = sorted(totals.index[:max_columns], key=str)
    left_out = len(totals) - len(keep)
    part = summary[summary[by].isin(keep)]
    order = [s for s in SIDES if s in set(part["target"])] + sorted(set(part["target"]) - set(SIDES))
    grid = part.pivot(index="target", columns=by, values="mean_score").reindex(index=order, columns=keep)
    counts = part.pivot(index="target", columns=by, values="n").reindex_like(grid).fillna(0)
    low = part.pivot(index="target", columns=by, values="ci_low").reindex_like(grid)
    high = part.pivot(index="target", columns=by, values="ci_high").reindex_like(grid)
    shown = grid.where(counts >= min_n)
    fig, ax = plt.subplots(figsize=(1.7 * grid.shape[1] + 3.4, 0.8 * grid.shape[0] + 2.0))
    ax.set_facecolor("#e8e8e8")
    image = ax.imshow(shown.to_numpy(dtype=float), cmap="RdBu", vmin=-1, vmax=1, aspect="auto")
    for i in range(grid.shape[0]):
        for j in range(grid.shape[1]):
            n, v = int(counts.iat[i, j]), grid.iat[i, j]
            text = f"{v:+.2f}\n[{low.iat[i, j]:+.2f}, {high.iat[i, j]:+.2f}]\nn={n}" if n else ""
            strong = pd.notna(shown.iat[i, j]) and abs(v) > 0.55
            ax.text(j, i, text, ha="center", va="center", fontsize=7.5,
                    color="white" if strong else ("#222" if n >= min_n else "#777"))
    ax.set_xticks(range(grid.shape[1]))
    ax.set_xticklabels([(labels or {}).get(c, c) for c in grid.columns], rotation=30, ha="right", fontsize=8)
    ax.set_yticks(range(grid.shape[0]))
    ax.set_yticklabels(grid.index, fontsize=9)
    fig.colorbar(image, ax=ax, shrink=0.8, label="mean score toward the side (−1 to 1)")
    more = f"; {left_out} more {by.replace('_id', '')}s not shown" if left_out else ""
    ax.set_title(f"{title}\nmean, 95% bootstrap interval, n rows (grey: n < {min_n}{more})", fontsize=10)
    fig.tight_layout()
    return fig


def tone_toward_validation_bars(validation: pd.DataFrame, *, split: str = "test") -> Figure:
    """Macro-F1 of tone toward a side on each gold set, our method beside the two baselines,
    with the 95% bootstrap interval as a line, from
    :func:`corpus_tools.target_tone.tone_toward_validation`.

    Examples
    --------
    >>> v = pd.DataFrame({"gold_set": ["articles"] * 2, "split": "test", "method": ["tone_toward", "sentence"],
    ...                   "n": [50, 50], "macro_f1": [0.8, 0.5], "macro_f1_low": [0.7, 0.4], "macro_f1_high": [0.9, 0.6]})
    >>> fig = tone_toward_validation_bars(v)
    >>> [round(float(p.get_width()), 2) for p in fig.axes[0].patches]
    [0.8, 0.5]
    """
    names = {"learned": "learned layer over the rules", "tone_toward": "tone toward (action rules)",
             "sentence": "sentence label (adjusted VADER)", "vader": "raw VADER sentence label"}
    part = validation[validation["split"] == split]
    sets = list(dict.fromkeys(part["gold_set"]))
    fig, axes = plt.subplots(1, len(sets), figsize=(5.2 * len(sets), 2.6), squeeze=False, sharex=True)
    for ax, gold_set in zip(axes[0], sets):
        rows = part[part["gold_set"] == gold_set].reset_index(drop=True)
        y = list(range(len(rows)))[::-1]
        ax.barh(y, rows["macro_f1"], color=[PALETTE[0] if m == "learned" else PALETTE[1] if m == "tone_toward" else PALETTE[7]
                                      for m in rows["method"]],
                height=0.6)
        for yi, r in zip(y, rows.itertuples(index=False)):
            ax.plot([r.macro_f1_low, r.macro_f1_high], [yi, yi], color="#222", lw=1.4)
            ax.text(r.macro_f1_high + 0.02, yi, f"{r.macro_f1:.2f}", va="center", fontsize=8)
        ax.set_yticks(y)
        ax.set_yticklabels([names.get(m, m) for m in rows["method"]], fontsize=8)
        ax.set_xlim(0, 1.1)
        ax.axvline(0.75, color="#999", lw=0.8, ls="--")
        n = int(rows["n"].max()) if len(rows) else 0
        ax.set_title(f"{gold_set} ({split}, n = {n} sentence × side pairs)", fontsize=9)
        ax.set_xlabel("macro-F1 (line: 95% bootstrap interval; dashed: the bar 0.75)", fontsize=8)
        ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig
