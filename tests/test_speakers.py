"""Tests of corpus_tools.speakers: gazetteer, dated titles, mentions."""
from __future__ import annotations

import pandas as pd
import pytest

from corpus_tools.errors import CorpusError
from corpus_tools.speakers import document_dates, load_actors, load_titles, mention_counts, mentions, resolve_title


def _doc(text: str, published: str | None = "2025-03-27") -> pd.DataFrame:
    return pd.DataFrame({"doc_id": ["d1"], "published": [pd.Timestamp(published) if published else pd.NaT],
                         "meeting_id": [""], "text": [text]})


@pytest.mark.parametrize("when, holder", [
    ("2025-03-27", "Olaf Scholz"), ("2025-05-05", "Olaf Scholz"), ("2025-05-06", "Friedrich Merz"), ("2026-01-06", "Friedrich Merz"),
])
def test_german_chancellor_by_date(when, holder):
    assert resolve_title("the German chancellor", when) == holder


def test_other_titles_resolve():
    assert resolve_title("NATO Secretary General", "2025-03-27") == "Mark Rutte"
    assert resolve_title("the Kremlin spokesperson", "2025-03-27") == "Dmitry Peskov"
    assert resolve_title("European Council president", "2024-11-30") == ""  # Costa from 1 December 2024
    assert resolve_title("UK prime minister", "2026-01-06") == "Keir Starmer"


def test_title_mention_uses_document_date():
    text = "The German chancellor arrived. The German chancellor spoke."
    early = mentions(_doc(text, "2025-03-27"))
    late = mentions(_doc(text, "2026-01-06"))
    assert early["actor"].tolist() == ["Olaf Scholz", "Olaf Scholz"]
    assert late["actor"].tolist() == ["Friedrich Merz", "Friedrich Merz"]
    assert early["how"].tolist() == ["title", "title"]


def test_unknown_date_falls_back_to_meeting(corpus):
    dates = document_dates(corpus)
    assert str(dates["003_2b7f16d37a3bbf4f"].date()) == "2025-03-20"
    m = mentions(corpus)
    leader = m[(m["doc_id"] == "003_2b7f16d37a3bbf4f") & (m["surface"] == "the French leader")]
    assert leader["actor"].tolist() == ["Emmanuel Macron"]


def test_title_and_name_are_one_mention():
    m = mentions(_doc("French President Emmanuel Macron met U.S. President Donald Trump and President Trump."))
    assert m["surface"].tolist() == ["French President Emmanuel Macron", "U.S. President Donald Trump", "President Trump"]
    assert m["how"].tolist() == ["full name", "full name", "surname"]


def test_possessives_and_aliases():
    m = mentions(_doc("Zelensky's aides met Zelenskyy and the Kremlin's envoy; Kiev and Kyiv agreed."))
    assert m["surface"].tolist() == ["Zelensky's", "Zelenskyy", "the Kremlin's", "Kiev", "Kyiv"]
    assert m["actor"].tolist() == ["Volodymyr Zelensky"] * 2 + ["Russia", "Ukraine", "Ukraine"]


def test_places_after_prepositions_are_not_actors():
    m = mentions(_doc("Leaders met in Paris. Paris and London sent troops."))
    assert m["surface"].tolist() == ["Paris", "London"]
    assert len(mentions(_doc("Leaders met in Paris."), places=True)) == 1


def test_corpus_mentions_hand_counted(corpus):
    m = mentions(corpus)
    doc = m[m["doc_id"] == "001_02db67045c6df099"]
    # read by hand: Zelensky is named 5 times in 001 (title+name once, surname four times)
    assert (doc["actor"] == "Volodymyr Zelensky").sum() == 5
    assert doc.loc[doc["actor"] == "Olaf Scholz", "surface"].tolist() == ["German Chancellor Olaf Scholz"]
    spelled = m[(m["doc_id"] == "002_fbf5865268e026ae") & (m["actor"] == "Ihor Zhovkva")]
    assert spelled["surface"].str.contains("Jovka").all() and len(spelled) == 2


def test_mention_counts():
    m = pd.DataFrame({"doc_id": ["a", "a", "a", "b"], "actor": ["Russia", "Russia", "Ukraine", "Russia"]})
    counts = mention_counts(m)
    assert counts[["doc_id", "actor", "n"]].values.tolist() == [["a", "Russia", 2], ["a", "Ukraine", 1], ["b", "Russia", 1]]
    assert counts["side"].tolist() == ["Russia", "Ukraine", "Russia"]


def test_actors_file_is_complete():
    actors = load_actors().set_index("actor")
    assert {"Ihor Zhovkva", "António Costa", "NATO", "European Commission", "Maria Zakharova"} <= set(actors.index)
    assert actors.loc["Giorgia Meloni", "gender"] == "female"
    assert set(actors.loc[actors["type"] != "person", "gender"]) == {""}
    assert all(load_titles()["actor"].isin(set(actors.index) | {""}))


def test_bad_actor_row_is_named(tmp_data):
    path = tmp_data / "actors.csv"
    path.write_text(path.read_text(encoding="utf-8") + "Jane Roe,person,Nowhere,mayor,female,Martians,Roe\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"actors.csv line \d+ \(actor 'Jane Roe'\): side 'Martians'"):
        load_actors(tmp_data)


def test_title_with_unknown_actor_is_named(tmp_data):
    path = tmp_data / "titles.csv"
    path.write_text(path.read_text(encoding="utf-8") + "mayor of Gdansk,Jane Roe,2020-01-01,\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="actor 'Jane Roe' is not in actors.csv"):
        load_titles(tmp_data)
