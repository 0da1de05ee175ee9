"""The one exception family of corpus_tools, and the record of a data problem.

Every error a researcher can cause by editing ``data/`` is a :class:`CorpusError` whose
message names the file (and line or cell) and says how to fix it.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class CorpusError(Exception):
    """A problem with the corpus, its resources or a notebook run that corrupts results.

    Examples
    --------
    >>> raise CorpusError("data/corpus.csv line 3: published '2025-13-01' is not a date")
    Traceback (most recent call last):
    ...
    corpus_tools.errors.CorpusError: data/corpus.csv line 3: published '2025-13-01' is not a date
    """


class CorpusWarning(UserWarning):
    """Something a researcher may accept (a duplicate text, an unlisted raw file)."""


@dataclass(frozen=True)
class Problem:
    """One finding of a data check: where it is, what is wrong and how to fix it.

    ``level`` is ``"error"`` (results would be wrong) or ``"warning"`` (worth a look).

    Examples
    --------
    >>> str(Problem("error", "data/corpus.csv", "line 2: doc_id is empty", 2))
    'error: data/corpus.csv: line 2: doc_id is empty'
    """

    level: str
    file: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.level}: {self.file}: {self.message}"


def display_path(path: Path | str, root: Path | None = None) -> str:
    """Return ``path`` relative to ``root`` when it lies below it, for short messages.

    Examples
    --------
    >>> display_path("/a/b/data/corpus.csv", Path("/a/b"))
    'data/corpus.csv'
    >>> display_path("/elsewhere/x.csv", Path("/a/b"))
    '/elsewhere/x.csv'
    """
    path = Path(path)
    if root is not None:
        try:
            return str(path.resolve().relative_to(Path(root).resolve()))
        except ValueError:
            pass
    return str(path)
