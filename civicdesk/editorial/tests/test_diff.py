"""The word-level diff of the revision history."""

from civicdesk.editorial.diff import Segment, has_changes, word_diff


def test_it_marks_a_changed_word_alone():
    assert word_diff("Trash goes out on Monday.", "Trash goes out on Tuesday.") == [
        Segment("equal", "Trash goes out on "), Segment("delete", "Monday"), Segment("insert", "Tuesday"),
        Segment("equal", ".")]


def test_it_marks_added_and_removed_words():
    segments = word_diff("Call the office", "Please call the city office")
    assert "".join(s.text for s in segments if s.op != "delete") == "Please call the city office"
    assert "".join(s.text for s in segments if s.op != "insert") == "Call the office"


def test_it_says_when_nothing_changed():
    assert not has_changes(word_diff("same words", "same words"))
    assert has_changes(word_diff("", "new"))
