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


TONE_COLORS = {"negative": "#d62728", "neutral": "#b0b0b0", "positive": "#1f77b4"}


def tone_arc(tone: pd.DataFrame, corpus: pd.DataFrame, *, window: int = 3) -> Figure:
    """The tone arc through each article: one panel per document, a bar per sentence (its
    compound, coloured by label) and the centred rolling mean over ``window`` sentences.

    ``tone`` is :func:`corpus_tools.sentiment.sentence_tone`; ``corpus`` gives each panel's
    outlet and meeting.

    Examples
    --------
    >>> tone = pd.DataFrame({"doc_id": ["a", "a", "a"], "sent_id": [1, 2, 3], "compound": [0.5, -0.2, 0.0],
    ...                      "label": ["positive", "negative", "neutral"]})
    >>> corpus = pd.DataFrame({"doc_id": ["a"], "outlet": ["Le Monde"], "meeting_id": ["paris"]})
    >>> fig = tone_arc(tone, corpus)
    >>> [round(float(p.get_height()), 1) for p in fig.axes[0].patches]
    [0.5, -0.2, 0.0]
    """
    from matplotlib.ticker import MaxNLocator

    docs = sorted(tone["doc_id"].unique())
    info = corpus.set_index("doc_id")
    fig, axes = plt.subplots(len(docs), 1, figsize=(9, 1.9 * len(docs) + 0.8), squeeze=False, sharey=True)
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


def tone_distribution(tone: pd.DataFrame, corpus: pd.DataFrame, by: str = "outlet") -> Figure:
    """Sentence tone per outlet (or meeting): left, each sentence's compound as a dot with the
    median and quartiles; right, the share of negative, neutral and positive sentences, with
    the length-weighted mean compound written at the end of each bar.

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
    groups = sorted(df[by].fillna("").unique())[::-1]
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 0.55 * len(groups) + 1.6), sharey=True,
                                      gridspec_kw={"width_ratios": [1.2, 1]})
    for y, key in enumerate(groups):
        part = df[df[by].fillna("") == key]
        jitter = ((part["compound"].rank(method="first") % 5) - 2) * 0.06
        left.scatter(part["compound"], y + jitter, s=14, alpha=0.75, color=[TONE_COLORS[lab] for lab in part["label"]])
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
    fig.suptitle(f"Tone of the sentences per {by.replace('_id', '')}", x=0.02, ha="left")
    fig.tight_layout()
    return fig


def targeted_heatmap(targeted: pd.DataFrame, *, by: str = "outlet", value: str = "mean_compound",
                     min_sentences: int = 2, labels: dict | None = None) -> Figure:
    """Heatmap of the tone of the sentences that mention each side or actor (rows) in each
    outlet or document (columns), from :func:`corpus_tools.sentiment.targeted_tone`.

    Each cell shows the value and the number of sentences; cells with fewer than
    ``min_sentences`` sentences are left grey (too few to read). Blue is positive, red negative.

    Examples
    --------
    >>> targeted = pd.DataFrame({"outlet": ["X", "X", "Y"], "target": ["Russia", "Ukraine", "Russia"],
    ...                          "mean_compound": [-0.4, 0.3, -0.1], "n_sentences": [5, 4, 1]})
    >>> fig = targeted_heatmap(targeted)
    >>> [t.get_text() for t in fig.axes[0].texts]
    ['-0.40\\nn=5', '1 sent.', '+0.30\\nn=4', '']
    """
    grid = targeted.pivot(index="target", columns=by, values=value)
    counts = targeted.pivot(index="target", columns=by, values="n_sentences").reindex_like(grid).fillna(0)
    shown = grid.where(counts >= min_sentences)
    fig, ax = plt.subplots(figsize=(1.5 * grid.shape[1] + 3.2, 0.6 * grid.shape[0] + 1.9))
    ax.set_facecolor("#e8e8e8")
    image = ax.imshow(shown.to_numpy(dtype=float), cmap="RdBu", vmin=-1, vmax=1, aspect="auto")
    for i in range(grid.shape[0]):
        for j in range(grid.shape[1]):
            n = int(counts.iat[i, j])
            v = shown.iat[i, j]
            text = f"{v:+.2f}\nn={n}" if pd.notna(v) else (f"{n} sent." if n else "")
            ax.text(j, i, text, ha="center", va="center", fontsize=8, color="white" if pd.notna(v) and abs(v) > 0.55 else "#222")
    ax.set_xticks(range(grid.shape[1]))
    ax.set_xticklabels([(labels or {}).get(c, c) for c in grid.columns], rotation=30, ha="right", fontsize=8)
    ax.set_yticks(range(grid.shape[0]))
    ax.set_yticklabels(grid.index, fontsize=9)
    fig.colorbar(image, ax=ax, shrink=0.8, label=value.replace("_", " "))
    ax.set_title(f"Tone of the sentences that mention each {'side' if 'Russia' in set(grid.index) else 'actor'}"
                 f"\n(grey: fewer than {min_sentences} sentences)", fontsize=10)
    fig.tight_layout()
    return fig


def quote_narration_bars(summary: pd.DataFrame, *, by: str = "outlet", value: str = "weighted_compound",
                         labels: dict | None = None) -> Figure:
    """Paired bars per outlet (or document): the tone of the words inside speech quotes and of
    the reporters' narration, from the summary of :func:`corpus_tools.sentiment.quote_vs_narration`.

    Examples
    --------
    >>> summary = pd.DataFrame({"outlet": ["X", "X"], "part": ["quote", "narration"],
    ...                         "weighted_compound": [-0.3, 0.1], "n_words": [40, 200]})
    >>> fig = quote_narration_bars(summary)
    >>> sorted(round(float(p.get_width()), 1) for p in fig.axes[0].patches)
    [-0.3, 0.1]
    """
    keys = sorted(summary[by].unique())[::-1]
    colors = {"quote": PALETTE[1], "narration": PALETTE[7]}
    fig, ax = plt.subplots(figsize=(8.5, 0.7 * len(keys) + 1.6))
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
    ax.set_title("Quoted speech vs the reporters' narration")
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
    fig, axes = plt.subplots(1, len(methods), figsize=(3.3 * len(methods) + 0.4, 3.4), squeeze=False)
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


def speaker_heatmap(counts: pd.DataFrame, *, value: str = "n", title: str = "Mentions per actor and report",
                    labels: dict[str, str] | None = None) -> Figure:
    """Heatmap of a count per actor (rows) and document (columns), numbers written in the cells.

    ``counts`` has ``actor, doc_id`` and the ``value`` column; rows keep their first-seen order
    (sort the table first); ``labels`` maps doc_id to a column label.

    Examples
    --------
    >>> c = pd.DataFrame({"actor": ["Russia", "Russia", "Macron"], "doc_id": ["d1", "d2", "d1"], "n": [3, 1, 2]})
    >>> fig = speaker_heatmap(c)
    >>> fig.axes[0].get_title(), len(fig.axes[0].texts)
    ('Mentions per actor and report', 3)
    """
    actors = list(dict.fromkeys(counts["actor"]))
    table = counts.pivot_table(index="actor", columns="doc_id", values=value, aggfunc="sum", fill_value=0).reindex(actors)
    fig, ax = plt.subplots(figsize=(1.3 * table.shape[1] + 3.2, 0.32 * len(table) + 1.6))
    ax.imshow(table.values, cmap="Blues", aspect="auto")
    vmax = table.values.max() if table.size else 0
    for (i, j), n in pd.DataFrame(table.values).stack().items():
        if n:
            ax.text(j, i, f"{n:g}", ha="center", va="center", fontsize=8, color="white" if n > 0.6 * vmax else "black")
    ax.set_yticks(range(len(table)), table.index, fontsize=8)
    ax.set_xticks(range(table.shape[1]), [(labels or {}).get(d, d[:3]) for d in table.columns], fontsize=8,
                  rotation=30, ha="right")
    ax.set_title(title)
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
    fig, ax = plt.subplots(figsize=(8, 0.38 * len(df) + 1.3))
    ax.barh(df["speaker"], df["n_words"], color=PALETTE[0])
    for y, (n, s) in enumerate(zip(df["n_words"], df["share"])):
        ax.text(n, y, f" {n} ({s:.0%})", va="center", fontsize=8)
    ax.set_xlabel("quoted words (direct speech)")
    ax.set_title(title)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_xlim(0, df["n_words"].max() * 1.2 if len(df) else 1)
    fig.tight_layout()
    return fig


def share_of_voice_groups(share: pd.DataFrame, group: str, *, top_n: int = 6, title: str | None = None) -> Figure:
    """Stacked 100% bars: each ``group`` (outlet, meeting) split by speaker share of quoted words.

    Speakers outside the ``top_n`` overall are pooled as "others".

    Examples
    --------
    >>> s = pd.DataFrame({"outlet": ["X", "X", "Y"], "speaker": ["A", "B", "A"], "n_words": [8, 2, 5],
    ...                   "share": [0.8, 0.2, 1.0]})
    >>> len(share_of_voice_groups(s, "outlet").axes[0].patches)
    4
    """
    top = share.groupby("speaker")["n_words"].sum().sort_values(ascending=False, kind="stable").head(top_n).index
    df = share.assign(speaker=share["speaker"].where(share["speaker"].isin(top), "others"))
    table = df.pivot_table(index=group, columns="speaker", values="share", aggfunc="sum", fill_value=0)
    order = [s for s in top if s in table.columns] + (["others"] if "others" in table.columns else [])
    table = table[order]
    fig, ax = plt.subplots(figsize=(9, 0.55 * len(table) + 1.8))
    left = pd.Series(0.0, index=table.index)
    for k, speaker in enumerate(order):
        color = "#cccccc" if speaker == "others" else PALETTE[k % len(PALETTE)]
        ax.barh(table.index, table[speaker], left=left, color=color, label=speaker)
        left += table[speaker]
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of quoted words")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    ax.set_title(title or f"Share of voice per {group}")
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


def similarity_heatmap(matrix: pd.DataFrame, *, labels: dict[str, str] | None = None,
                       title: str = "Similarity between reports") -> Figure:
    """Heatmap of a document × document similarity matrix
    (:func:`corpus_tools.compare.similarity_matrix`), values written in the cells; the diagonal
    (always 1) is left blank so the colour scale shows the pairs.

    Examples
    --------
    >>> m = pd.DataFrame([[1.0, 0.3], [0.3, 1.0]], index=["a", "b"], columns=["a", "b"])
    >>> fig = similarity_heatmap(m)
    >>> [t.get_text() for t in fig.axes[0].texts]
    ['0.30', '0.30']
    """
    import numpy as np

    values = matrix.to_numpy(dtype=float).copy()
    np.fill_diagonal(values, np.nan)
    names = [(labels or {}).get(d, d) for d in matrix.index]
    fig, ax = plt.subplots(figsize=(0.9 * len(matrix) + 3.6, 0.7 * len(matrix) + 1.8))
    vmax = np.nanmax(values) if np.isfinite(values).any() else 1.0
    image = ax.imshow(np.ma.masked_invalid(values), cmap="Blues", vmin=0, vmax=vmax, aspect="auto")
    for i in range(len(matrix)):
        for j in range(len(matrix)):
            if i != j:
                v = values[i, j]
                ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=8, color="white" if v > 0.6 * vmax else "black")
    ax.set_xticks(range(len(matrix)), names, rotation=30, ha="right", fontsize=8)
    ax.set_yticks(range(len(matrix)), names, fontsize=8)
    fig.colorbar(image, ax=ax, shrink=0.8)
    ax.set_title(title)
    fig.tight_layout()
    return fig


def quote_sharing_bars(sharing: pd.DataFrame, *, labels: dict[str, str] | None = None,
                       title: str = "Quotations each report shares, keeps to itself, and leaves out") -> Figure:
    """Grouped horizontal bars per report from :func:`corpus_tools.compare.quote_sharing`:
    quotations shared with another report, speech quotations no other report carries, and
    quotations other reports of the same meeting carry but this one leaves out.

    Examples
    --------
    >>> s = pd.DataFrame({"doc_id": ["a", "b"], "n_shared": [1, 1], "n_exclusive": [0, 3], "n_left_out": [3, 0]})
    >>> sorted(int(p.get_width()) for p in quote_sharing_bars(s).axes[0].patches)
    [0, 0, 1, 1, 3, 3]
    """
    df = sharing.sort_values("doc_id", ascending=False, kind="stable").reset_index(drop=True)
    parts = [("n_shared", "shared with another report", PALETTE[2]), ("n_exclusive", "exclusive (speech)", PALETTE[0]),
             ("n_left_out", "left out (carried by another report of the meeting)", "#bbbbbb")]
    fig, ax = plt.subplots(figsize=(9, 0.75 * len(df) + 1.6))
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
                       title: str = "Which report states which figure") -> Figure:
    """A dot grid of :func:`corpus_tools.compare.fact_coverage`: one row per fact key, one
    column per report, a filled dot (with the count when above 1) where the report states it;
    facts stated by two or more reports are written in bold.

    Examples
    --------
    >>> cov = pd.DataFrame({"key": ["30 day ceasefire", "35 countries"], "a": [1, 0], "b": [1, 2], "n_reports": [2, 1]})
    >>> fig = fact_coverage_grid(cov)
    >>> len(fig.axes[0].collections[0].get_offsets()), [t.get_text() for t in fig.axes[0].texts]
    (3, ['2'])
    """
    docs = [c for c in coverage.columns if c not in ("key", "n_reports")]
    fig, ax = plt.subplots(figsize=(1.1 * len(docs) + 3.6, 0.34 * len(coverage) + 1.8))
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
    ax.set_yticks(range(len(coverage)), coverage["key"], fontsize=8)
    for tick, n in zip(ax.get_yticklabels(), coverage["n_reports"]):
        tick.set_fontweight("bold" if n > 1 else "normal")
    ax.set_xlim(-0.5, len(docs) - 0.5)
    ax.set_ylim(len(coverage) - 0.5, -0.5)
    ax.grid(color="#eee")
    ax.set_axisbelow(True)
    ax.set_title(title)
    fig.tight_layout()
    return fig


def meeting_change_bars(changes: pd.DataFrame, *, top_n: int = 10, value: str = "log_ratio") -> Figure:
    """What changed between meetings: one panel per (``earlier``, ``later``) pair of
    :func:`corpus_tools.compare.meeting_changes`, the ``top_n`` terms that rose (right, blue)
    and fell (left, orange) by G2, bar length ``value`` (log ratio by default).

    Examples
    --------
    >>> ch = pd.DataFrame({"earlier": ["m1", "m1"], "later": ["m2", "m2"], "term": ["merz", "scholz"],
    ...                    "change": ["rose", "fell"], "log_ratio": [2.0, -1.5], "g2": [5.0, 4.0]})
    >>> fig = meeting_change_bars(ch)
    >>> sorted(float(p.get_width()) for p in fig.axes[0].patches), fig.axes[0].get_title()
    ([-1.5, 2.0], 'm1 → m2')
    """
    pairs = list(dict.fromkeys(zip(changes["earlier"], changes["later"])))
    n_rows = max(min(top_n, len(g)) for _, g in changes.groupby("change")) * 2 if len(changes) else 1
    fig, axes = plt.subplots(1, max(len(pairs), 1), figsize=(6 * max(len(pairs), 1), 0.28 * n_rows + 1.8), squeeze=False)
    for ax, (earlier, later) in zip(axes[0], pairs):
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
    fig.suptitle("Terms that rose and fell from one meeting's reports to the next")
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
    names = {"tone_toward": "tone toward (actions)", "sentence": "sentence label (adjusted VADER)",
             "vader": "raw VADER sentence label"}
    part = validation[validation["split"] == split]
    sets = list(dict.fromkeys(part["gold_set"]))
    fig, axes = plt.subplots(1, len(sets), figsize=(5.2 * len(sets), 2.6), squeeze=False, sharex=True)
    for ax, gold_set in zip(axes[0], sets):
        rows = part[part["gold_set"] == gold_set].reset_index(drop=True)
        y = list(range(len(rows)))[::-1]
        ax.barh(y, rows["macro_f1"], color=[PALETTE[0] if m == "tone_toward" else PALETTE[7] for m in rows["method"]],
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
