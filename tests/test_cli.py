import pytest

from corpus_tools.cli import build_parser, main


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
