import json

import pytest

from corpus_tools.cli import build_parser, main
from corpus_tools.corpus import load_corpus


def test_check_passes_on_the_seed_corpus(capsys):
    assert main(["check"]) == 0
    assert "0 error(s), 0 warning(s)" in capsys.readouterr().out


def test_check_lists_every_problem_and_fails(tmp_data, capsys):
    (tmp_data / "raw" / "001_02db67045c6df099.txt").unlink()
    (tmp_data / "raw" / "stray.txt").write_text("x")
    assert main(["--data-dir", str(tmp_data), "check"]) == 1
    out = capsys.readouterr().out
    assert "001_02db67045c6df099.txt' is not in" in out and "stray.txt: has no row" in out
    assert "1 error(s), 1 warning(s)" in out


def test_info_summarises(capsys):
    assert main(["info"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("5 documents,") and "The Moscow Times" in out


def test_errors_go_to_stderr_with_exit_code_2(tmp_data, capsys):
    (tmp_data / "corpus.csv").unlink()
    assert main(["--data-dir", str(tmp_data), "info"]) == 2
    assert "error:" in capsys.readouterr().err


def test_unknown_parameter_is_refused_before_running(capsys):
    assert main(["report", "--only", "00", "-p", "no_such_knob", "3"]) == 2
    assert "no_such_knob" in capsys.readouterr().err


def test_parser_takes_repeated_parameters():
    args = build_parser().parse_args(["report", "-p", "top_n", "5", "-p", "terms", "['a']"])
    assert args.parameter == [["top_n", "5"], ["terms", "['a']"]]
    with pytest.raises(SystemExit):
        build_parser().parse_args([])


def test_add_from_a_file_and_from_standard_input(tmp_data, tmp_path, capsys, monkeypatch):
    import io

    article = tmp_path / "new.txt"
    article.write_text("Leaders met in London. “We stand with Ukraine,” Starmer said.", encoding="utf-8")
    code = main(["--data-dir", str(tmp_data), "add", str(article), "--outlet", "Example Post",
                 "--published", "2026-01-07", "--meeting", "paris-2026-01-06"])
    assert code == 0 and "added 005_" in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO("Another report, pasted.".encode())))
    assert main(["--data-dir", str(tmp_data), "add", "-", "--outlet", "Pasted Daily"]) == 0
    assert "added 006_" in capsys.readouterr().out
    assert main(["--data-dir", str(tmp_data), "check"]) == 0


def test_add_missing_file_is_a_clear_error(tmp_data, tmp_path, capsys):
    from conftest import snapshot

    before = snapshot(tmp_data)
    assert main(["--data-dir", str(tmp_data), "add", str(tmp_path / "nope.txt"), "--outlet", "X"]) == 2
    assert "nope.txt: no such file" in capsys.readouterr().err
    assert snapshot(tmp_data) == before


def test_add_meeting_command(tmp_data, capsys):
    assert main(["--data-dir", str(tmp_data), "add-meeting", "london-2026-03-02", "--date", "2026-03-02", "--place", "London"]) == 0
    assert "added meeting london-2026-03-02" in capsys.readouterr().out


def test_add_prints_unknown_speakers_with_the_line_to_add(tmp_data, tmp_path, capsys):
    article = tmp_path / "new.txt"
    article.write_text("“We will rebuild the ports,” said Ana Kowalczyk, the Polish deputy minister.", encoding="utf-8")
    assert main(["--data-dir", str(tmp_data), "add", str(article), "--outlet", "Example Post"]) == 0
    out = capsys.readouterr().out
    assert "unknown speaker: Ana Kowalczyk; to track them, add to data/actors.csv: Ana Kowalczyk,person,,,,other,Kowalczyk" in out


def test_process_fills_the_cache_then_has_nothing_to_do(tmp_path, capsys):
    cache = str(tmp_path / "cache")
    assert main(["process", "--stages", "tokens", "tone", "--scheduler", "serial", "--cache", cache]) == 0
    assert "processed now: tokens 5, tone 5" in capsys.readouterr().out
    assert main(["process", "--stages", "tokens", "tone", "--cache", cache]) == 0
    assert "processed now: tokens 0, tone 0" in capsys.readouterr().out


def test_process_takes_the_stages_parameters(tmp_path, capsys):
    from corpus_tools.pipeline import process
    from corpus_tools.target_tone import tone_toward

    cache = str(tmp_path / "cache")
    assert main(["process", "--stages", "tone_toward", "--tone-toward-method", "rules", "--scheduler", "serial",
                 "--cache", cache]) == 0
    assert "processed now: tone_toward 5" in capsys.readouterr().out
    # the rules' rows, cached under the parameter: the same call from Python computes nothing
    again = process(load_corpus(), ["tone_toward"], cache=cache, params={"tone_toward_method": "rules"})
    assert again.computed == {"tone_toward": 0} and again.tone_toward.equals(tone_toward(load_corpus()))
    with pytest.raises(SystemExit):
        build_parser().parse_args(["process", "--tone-toward-method", "rule"])
    assert "invalid choice: 'rule'" in capsys.readouterr().err


def test_process_streams_an_article_file(tmp_path, capsys, corpus):
    from corpus_tools.pipeline import articles_from_corpus

    docs = articles_from_corpus(corpus)
    path = tmp_path / "articles.jsonl"
    path.write_text("".join(json.dumps({"doc_id": d, "text": t}) + "\n" for d, t in zip(docs["doc_id"], docs["text_raw"])))
    cache = str(tmp_path / "cache")
    assert main(["process", "--input", str(path), "--stages", "tokens", "--scheduler", "serial", "--cache", cache]) == 0
    assert "5 documents in" in capsys.readouterr().out
    assert main(["process", "--input", str(path), "--stages", "tokens", "--scheduler", "serial", "--cache", cache]) == 0
    assert "processed now: tokens 0" in capsys.readouterr().out
