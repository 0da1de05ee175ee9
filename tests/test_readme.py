"""The README's tour of the public API runs as written."""
import re
from pathlib import Path

import pytest

README = Path(__file__).parents[1] / "README.md"


def test_readme_shows_the_two_commands_first():
    text = README.read_text()
    first_block = re.search(r"```sh\n(.*?)```", text, re.S).group(1)
    assert first_block.splitlines()[0].startswith("make reports") and "make test" in first_block


@pytest.mark.slow
def test_tour_of_the_helpers_runs(capsys, tmp_path, monkeypatch):
    section = README.read_text().split("## Using the helpers in your own analysis", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    assert blocks, "the tour has a python block"
    monkeypatch.setenv("CORPUS_TOOLS_CACHE", str(tmp_path / "cache"))
    import pandas as pd

    options = ["display.width", "display.max_columns", "display.max_colwidth"]
    saved = [pd.get_option(o) for o in options]
    try:
        exec(compile("\n".join(blocks), str(README), "exec"), {})
    finally:  # the tour sets display options; other tests must not see them
        for option, value in zip(options, saved):
            pd.set_option(option, value)
    out = capsys.readouterr().out
    assert "security guarantees" in out and "Emmanuel Macron" in out
