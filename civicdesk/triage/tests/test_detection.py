"""The forgiving matcher: variants, stems, joined words, word order, exceptions, fuzzy (loose) spelling."""

from __future__ import annotations

from civicdesk.triage.detection import Matcher


def matcher(*phrases, variants=None):
    return Matcher([p if isinstance(p, dict) else {"phrase": p} for p in phrases], variants or {})


def test_it_matches_every_form_of_a_word():
    m = matcher("smell gas", "spark wire")
    for text in ["it smells like gas", "smelling gas", "we smelled gas", "I smell gas"]:
        assert m.check(text).stop == ["smell gas"], text
    assert m.check("the wires are sparking").stop == ["spark wire"]


def test_it_matches_listed_variants_and_spellings():
    m = matcher("gas odor", variants={"odor": ["odour", "smell", "olor", "huele"]})
    for text in ["gas odour", "smell of gas", "olor a gas", "huele a gas", "smels like gass"]:
        assert m.check(text).stop == ["gas odor"], text


def test_it_matches_words_run_together_or_hyphenated():
    m = matcher("gas leak", "power line down")
    assert m.check("gasleak").stop == ["gas leak"]
    assert m.check("gas-leak").stop == ["gas leak"]
    assert m.check("powerline down").stop == ["power line down"]


def test_it_matches_words_in_any_order_within_the_window_only():
    m = matcher({"phrase": "power line down", "window": 2})
    assert m.check("a long line of cars waiting, the power went out and a branch came down").stop == []
    assert m.check("down power line").stop == ["power line down"]
    assert m.check("the power line is down").stop == ["power line down"]
    assert m.check("power outage on the line of houses on my street, a tree is down").stop == []


def test_it_never_matches_across_two_texts():
    m = matcher({"phrase": "gas leak", "window": 3})
    assert m.check("gas", "leak").stop == []


def test_it_ignores_a_match_next_to_an_exception_word():
    m = matcher({"phrase": "fire", "window": 0, "except_near": "hydrant, station, graffiti says"})
    assert m.check("fire hydrant leaking").stop == []
    assert m.check("pothole near the fire station").stop == []
    assert m.check("graffiti says FIRE").stop == []
    assert m.check("fire in the bin").stop == ["fire"]
    assert m.check("says fire").stop == ["fire"]  # every word of a multi-word exception must be there


def test_it_only_flags_a_fuzzy_spelling_or_a_flag_phrase():
    m = matcher("unconscious", {"phrase": "smoke", "action": "flag"})
    loose = m.check("an unconcious man on the bench")
    assert loose.stop == [] and loose.flag == ["unconscious"]
    assert m.check("smoke over the yard").flag == ["smoke"]
    assert not m.check("the bench is dirty")


def test_it_merges_phrases_that_read_the_same():
    m = matcher({"phrase": "fire", "except_near": "hydrant"}, "on fire",
                {"phrase": "fuego", "except_near": "artificiales"},
                variants={"fire": ["fuego"]})
    assert m.check("fuegos artificiales").stop == []
    assert m.check("fire hydrant").stop == []
    assert m.check("the shed is on fire").stop == ["fire"]
