"""catalog.search.rank: stems, synonyms, joined words, typos, ranking and the relative cut-off."""

from __future__ import annotations

from civicdesk.catalog.models import ServiceType
from civicdesk.catalog.search import query_stems, rank


def kinds():
    return [
        ServiceType(code="pothole", name_en="Pothole", name_es="Bache", description_en="A hole in the street.",
                    keywords_en="hole, road, street", keywords_es="hoyo, calle"),
        ServiceType(code="streetlight", name_en="Streetlight out", name_es="Luz de la calle apagada",
                    keywords_en="lamp, dark", keywords_es="farola"),
        ServiceType(code="trash", name_en="Missed trash pickup", name_es="Basura no recogida",
                    keywords_en="garbage, rubbish, not picked up", keywords_es="basura"),
        ServiceType(code="sweeping", name_en="Street sweeping", keywords_en="leaves, glass, street"),
    ]


def codes(query):
    return [t.code for t in rank(query, kinds())]


def test_it_finds_plurals_and_verb_forms():
    assert codes("potholes")[0] == "pothole"
    assert codes("baches")[0] == "pothole"


def test_it_drops_filler_words_and_matches_any_word_of_a_sentence():
    assert query_stems("garbage wasn't picked up on my street please") == ["garbag", "pick", "up", "stret"]
    assert codes("garbage wasn't picked up")[0] == "trash"
    assert codes("there is a pothole on my street")[0] == "pothole"


def test_it_uses_the_citys_synonyms_in_every_language():
    assert codes("rubbish") == ["trash"]
    assert codes("farola") == ["streetlight"]


def test_it_matches_words_written_together_or_apart():
    assert codes("street light")[0] == "streetlight"
    kinds_apart = [ServiceType(code="light", name_en="Street light out"), ServiceType(code="other", name_en="Noise")]
    assert [t.code for t in rank("streetlight", kinds_apart)] == ["light"]


def test_it_forgives_typos():
    assert codes("pothol")[0] == "pothole"
    assert codes("potholle") == ["pothole"]
    assert codes("garbige")[0] == "trash"


def test_it_ranks_a_rare_word_above_a_common_one():
    assert codes("pothole street") == ["pothole", "sweeping"]  # "pothole" is rarer than "street"
    assert codes("street") == ["sweeping", "pothole"]  # a word of the name counts more than a keyword


def test_it_drops_types_far_below_the_best():
    many = kinds() + [ServiceType(code=f"other-{n}", name_en=f"Other {n}", description_en="in the street")
                      for n in range(6)]
    assert [t.code for t in rank("pothole on my street", many)] == ["pothole"]


def test_it_finds_nothing_for_nothing():
    assert codes("") == [] and codes("the of my") == [] and codes("zzzqx") == []
