"""Tables in the report pages: the whole table in ``tables/``, its head on the page.

A report page that prints a table of 5,000 rows is not read; a table cut short without saying
so misleads. :func:`show_table` writes the complete table with
:func:`corpus_tools.reports.save_table` (the same bytes as before) and returns a
:class:`TableView`, which a notebook displays: the first rows, how many rows the table has,
and a link to the CSV beside the page (``tables/<name>.csv``, relative to ``reports/``).
"""
from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from corpus_tools.reports import save_table

if TYPE_CHECKING:  # pandas imports jinja2 with its Styler: not at the package's import
    from pandas.io.formats.style import Styler


@dataclass(frozen=True)
class TableView:
    """The head of a saved table, displayed with its row count and a link to the full CSV.

    ``frame`` is what is shown (at most ``head`` rows), ``n_rows`` the rows of the saved
    table, ``href`` the CSV's address relative to the report page, ``path`` where it was written.
    """

    frame: pd.DataFrame
    n_rows: int
    href: str
    path: Path
    truncated: bool

    def note(self) -> str:
        """One line saying what is shown and where the rest is.

        Examples
        --------
        >>> view = TableView(pd.DataFrame({"a": [1]}), 3, "tables/01_x.csv", Path("01_x.csv"), True)
        >>> view.note()
        'tables/01_x.csv: 3 rows; the first 1 shown'
        """
        shown = f"; the first {len(self.frame)} shown" if self.truncated else ""
        return f"{self.href}: {self.n_rows:,} rows{shown}"

    def _repr_html_(self) -> str:
        shown = f", the first {len(self.frame):,} shown below" if self.truncated else ""
        link = f'<a href="{html.escape(self.href)}">{html.escape(self.href.rsplit("/", 1)[-1])}</a>'
        table = self.frame._repr_html_() if hasattr(self.frame, "_repr_html_") else html.escape(str(self.frame))
        return (f'<div class="ct-table"><p class="ct-table-note"><b>{self.n_rows:,} rows</b>{shown}; '
                f"the full table: {link}</p>{table}</div>")

    def __repr__(self) -> str:
        return f"{self.note()}\n{self.frame.to_string()}"


@dataclass(frozen=True)
class StyledView:
    """A styled table (a pandas :class:`~pandas.io.formats.style.Styler`) for a report page,
    with a plain-text form that is the same at every run.

    Jupyter stores each display's ``text/plain`` beside its HTML; a ``Styler``'s is its default
    repr, which holds a memory address (``<pandas.io.formats.style.Styler at 0x7f...>``), so a
    committed notebook changed at every regeneration. The text here is the styled table's data
    (without its index when the styler hides it), the HTML the styler's own.

    Examples
    --------
    >>> view = StyledView(pd.DataFrame({"left": ["talks on"], "match": ["troops"]}).style.hide(axis="index"))
    >>> print(repr(view))
        left  match
    talks on troops
    >>> "<table" in view._repr_html_()
    True
    """

    styler: Styler

    def _repr_html_(self) -> str:
        return self.styler.to_html()

    def __repr__(self) -> str:
        return self.styler.data.to_string(index=not all(self.styler.hide_index_))  # one flag per index level


def show_table(df: pd.DataFrame, output_dir: str | Path, name: str, *, head: int = 20,
               view: pd.DataFrame | None = None) -> TableView:
    """Save ``df`` complete as ``<output_dir>/tables/<name>.csv`` and return its head for display.

    The CSV is written by :func:`corpus_tools.reports.save_table`, byte for byte as that
    function writes it. The display shows the first ``head`` rows of ``view`` (a rounded,
    indexed or pivoted form of ``df``; by default ``df`` itself), the number of rows of the
    saved table, and a link to the CSV.

    Parameters
    ----------
    df : DataFrame
        The table to save, complete.
    output_dir : str or Path
        The reports folder (or a notebook's staging folder); the CSV goes in its ``tables/``.
    name : str
        File name without ``.csv`` (``NN_what``, prefixed by the notebook's number).
    head : int
        Rows shown at most.
    view : DataFrame, optional
        What to show instead of ``df`` (the saved table is always ``df``).

    Returns
    -------
    TableView
        Displayed by Jupyter as HTML: row count, link, head.

    Examples
    --------
    >>> import tempfile
    >>> out = tempfile.mkdtemp()
    >>> df = pd.DataFrame({"term": ["peace", "troops", "talks"], "share": [0.5, 1 / 3, 1 / 6]})
    >>> view = show_table(df, out, "01_demo", head=2, view=df.round(2))
    >>> view.note(), len(view.frame)
    ('tables/01_demo.csv: 3 rows; the first 2 shown', 2)
    >>> (Path(out) / "tables" / "01_demo.csv").read_text()
    'term,share\\npeace,0.5\\ntroops,0.333333\\ntalks,0.166667\\n'
    >>> 'href="tables/01_demo.csv"' in view._repr_html_()
    True
    """
    path = save_table(df, output_dir, name)
    shown = df if view is None else view
    return TableView(shown.head(head), len(df), f"tables/{name}.csv", path, len(shown) > head)
