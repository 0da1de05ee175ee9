"""Where things live: the project root, ``data/``, ``reports/``, ``notebooks/`` and the cache.

The root is found from the package location (an editable install lives inside the
repository) or from the working directory, and can be overridden with the environment
variable ``CORPUS_TOOLS_ROOT``; ``CORPUS_TOOLS_DATA`` overrides the data directory alone.
Notebooks never write literal ``"../data"``: they call these functions.
"""
from __future__ import annotations

import os
from pathlib import Path

from corpus_tools.errors import CorpusError

ROOT_ENV = "CORPUS_TOOLS_ROOT"
DATA_ENV = "CORPUS_TOOLS_DATA"
CACHE_ENV = "CORPUS_TOOLS_CACHE"


def _looks_like_root(path: Path) -> bool:
    return (path / "pyproject.toml").is_file() and (path / "data").is_dir()


def project_root() -> Path:
    """Return the project root directory.

    Examples
    --------
    >>> (project_root() / "pyproject.toml").is_file()
    True
    """
    env = os.environ.get(ROOT_ENV)
    if env:
        return Path(env).resolve()
    for start in (Path(__file__).resolve().parent, Path.cwd().resolve()):
        for candidate in (start, *start.parents):
            if _looks_like_root(candidate):
                return candidate
    raise CorpusError(
        "cannot find the corpus_tools project root (a folder with pyproject.toml and data/); "
        f"run from inside the project or set {ROOT_ENV}=/path/to/project"
    )


def data_dir(path: str | os.PathLike[str] | None = None) -> Path:
    """Return the data directory: ``path`` if given (and not empty), else ``$CORPUS_TOOLS_DATA``,
    else ``<root>/data``.

    Examples
    --------
    >>> data_dir("/tmp/my-data")
    PosixPath('/tmp/my-data')
    >>> data_dir().name
    'data'
    """
    if path:
        return Path(path)
    env = os.environ.get(DATA_ENV)
    if env:
        return Path(env)
    return project_root() / "data"


def reports_dir(path: str | os.PathLike[str] | None = None) -> Path:
    """Return the reports directory: ``path`` if given (and not empty), else ``<root>/reports``.

    Examples
    --------
    >>> reports_dir("/tmp/out")
    PosixPath('/tmp/out')
    """
    return Path(path) if path else project_root() / "reports"


def notebooks_dir() -> Path:
    """Return ``<root>/notebooks``.

    Examples
    --------
    >>> notebooks_dir().name
    'notebooks'
    """
    return project_root() / "notebooks"


def cache_dir(path: str | os.PathLike[str] | None = None) -> Path:
    """Return the cache directory: ``path``, else ``$CORPUS_TOOLS_CACHE``, else ``<root>/.cache``.

    Examples
    --------
    >>> cache_dir("/tmp/c")
    PosixPath('/tmp/c')
    """
    if path:
        return Path(path)
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env)
    return project_root() / ".cache"
