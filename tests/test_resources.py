import pytest

from corpus_tools.errors import CorpusError
from corpus_tools.resources import load_abbreviations, load_boilerplate_rules, load_stopwords, read_table, read_word_list


def test_stopwords_come_from_the_data_file_with_their_source():
    header = (pytest.importorskip("corpus_tools.paths").data_dir() / "stopwords_en.txt").read_text().splitlines()[:3]
    assert any("Source:" in line for line in header)
    sw = load_stopwords()
    assert len(sw) == 318
    assert {"the", "and", "us"} <= sw
    assert "US" not in sw and "sanctions" not in sw


def test_abbreviations_cover_titles_and_countries():
    assert {"u.s", "u.k", "mr", "gen", "dr"} <= load_abbreviations()


def test_word_list_missing_file_names_it(tmp_path):
    with pytest.raises(CorpusError, match="missing.txt"):
        read_word_list(tmp_path / "missing.txt")


def test_read_table_names_missing_columns(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(CorpusError, match=r"t\.csv: missing column\(s\) c"):
        read_table(path, ["a", "c"])
    assert read_table(path, ["a"]).loc[0, "b"] == "2"  # everything is read as text


@pytest.mark.parametrize(
    "row, message",
    [
        ("bad,line,(unclosed,,x", r"line 2 \(rule 'bad'\): pattern is not a valid regular expression"),
        ("odd,paragraph,x,,x", "kind 'paragraph' is not one of line, span, block"),
        ("blk,block,x,,x", "a block rule needs an end_pattern"),
        (",line,x,,x", "line 2: rule_id is empty"),
    ],
)
def test_bad_boilerplate_rule_names_file_and_line(tmp_data, row, message):
    (tmp_data / "boilerplate.csv").write_text("rule_id,kind,pattern,end_pattern,description\n" + row + "\n")
    with pytest.raises(CorpusError, match=message):
        load_boilerplate_rules(tmp_data)


def test_duplicate_rule_id_is_refused(tmp_data):
    (tmp_data / "boilerplate.csv").write_text("rule_id,kind,pattern,end_pattern,description\na,line,x,,\na,line,y,,\n")
    with pytest.raises(CorpusError, match="'a' is used twice"):
        load_boilerplate_rules(tmp_data)
