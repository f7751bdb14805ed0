"""civicdesk.search.text: the same terms for what is indexed and what is asked; extracts escaped."""

from __future__ import annotations

from civicdesk.search import text


def test_it_stems_and_folds_in_each_language():
    assert text.terms("Potholes and STREETLIGHTS", "en") == ["pothol", "and", "streetlight"]
    assert text.terms("Recolección de baches", "es") == ["recoleccion", "de", "bach"]
    assert text.terms("eléctrico", "es") == text.terms("electrico", "es")
    # A language without a stemmer is folded only.
    assert text.terms("Ödeme", "tr-x") == ["odeme"]


def test_it_drops_meaningless_words_from_questions_but_keeps_a_query_of_only_those():
    assert text.query_terms("How do I get rid of a mattress?", "en") == ["rid", "mattress"]
    assert text.query_terms("¿Cuándo recogen la basura?", "es") == ["recog", "basur"]
    assert text.query_terms("the", "en") == ["the"]


def test_it_gives_operators_and_punctuation_no_meaning():
    assert text.query_terms('"pothole" AND -main* OR (x', "en") == ["pothol", "main", "x"]
    assert text.query_terms("'; DROP TABLE search_searchentry; --", "en") == ["drop", "tabl", "search",
                                                                              "searchentri"]
    assert text.query_terms(" ".join(f"w{i}" for i in range(40)), "en") == [f"w{i}" for i in range(12)]


def test_it_escapes_the_extract_and_marks_only_matching_words():
    extract = text.snippet("Bulk pickup of <b>mattresses</b> & sofas <script>alert(1)</script> on Mondays.",
                           ["pickup", "mattress"], "en")
    assert "<mark>pickup</mark>" in extract and "<mark>mattresses</mark>" in extract
    assert "<script>" not in extract and "&lt;script&gt;" in extract and "&lt;b&gt;" in extract
    assert "&amp;" in extract


def test_it_extracts_around_the_matches_of_a_long_text():
    body = " ".join(["filler"] * 100 + ["streetlight", "outage"] + ["filler"] * 100)
    extract = text.snippet(body, ["streetlight"], "en", size=20)
    assert extract.startswith("… ") and extract.endswith(" …") and "<mark>streetlight</mark>" in extract
    assert extract.count("filler") < 25


def test_it_stems_arabic_and_folds_its_short_vowels_and_alef_forms():
    # With or without short vowels (harakat), with or without the article, singular or plural: one stem.
    assert text.terms("مُكتبة", "ar") == text.terms("مكتبة", "ar") == text.terms("المكتبات", "ar")
    # Alef with hamza above or below, and bare alef, are one letter for search.
    assert text.terms("إنارة", "ar") == text.terms("انارة", "ar") == text.terms("الإنارة", "ar")
    assert text.terms("الحفرة", "ar") == text.terms("حفرة", "ar")


def test_it_keeps_a_word_with_short_vowels_whole_in_the_extract():
    extract = text.snippet("زوروا مُكتبة المدينة كل يوم", text.terms("مكتبة", "ar"), "ar")
    assert "<mark>مُكتبة</mark>" in extract


def test_it_reads_the_start_of_a_long_text_first_and_the_rest_when_the_start_has_no_match():
    filler = "Opening hours and the address of the office. " * 200  # about 9,000 characters
    early = text.snippet("Bulk pickup is on Mondays. " + filler, text.terms("bulk", "en"), "en")
    assert early.startswith("<mark>Bulk</mark> pickup is on Mondays.") and early.endswith(" …")
    late = text.snippet(filler + "Sandbags are at the fire station.", text.terms("sandbags", "en"), "en")
    assert "<mark>Sandbags</mark> are at the fire station." in late and late.startswith("… ")
