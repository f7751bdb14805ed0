"""The resident's language: a keyword, Arabic script, or Spanish and English everyday words."""

from __future__ import annotations

import pytest

from civicdesk.conversations.language import chosen_language, detect_language


@pytest.mark.parametrize(("text", "language"), [
    ("ESPAÑOL", "es"), ("es", "es"), ("Espanol!", "es"), ("ENGLISH", "en"), ("EN", "en"), ("عربي", "ar"),
    ("AR", "ar"), ("Hola", ""), ("Pothole on Elm", ""),
])
def test_it_reads_a_language_keyword_only_as_the_whole_message(text, language):
    assert chosen_language(text) == language


@pytest.mark.parametrize(("text", "language"), [
    ("There is a pothole in the street", "en"),
    ("Nadie recogió la basura de mi casa esta semana", "es"),
    ("¿Pueden arreglar la luz?", "es"),
    ("الإنارة في الشارع لا تعمل", "ar"),
    ("440 W Market", "fr"),  # nothing to go by: the default
])
def test_it_detects_the_language_of_the_first_message(text, language):
    assert detect_language(text, default="fr") == language
