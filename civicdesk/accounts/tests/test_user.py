"""User: one account per email address, however it was typed."""

from __future__ import annotations

from django.contrib.auth import authenticate

from civicdesk.accounts.models import User


def test_it_stores_email_in_lower_case_whoever_creates_the_user(db):
    user = User(email="  Bea@Example.ORG ", first_name="Bea")
    user.set_password("a long enough password")
    user.save()
    assert User.objects.get(pk=user.pk).email == "bea@example.org"
    assert authenticate(username="bea@example.org", password="a long enough password") == user


def test_it_calls_a_person_by_name_or_email(db):
    assert str(User.objects.create_user(email="x@example.org", first_name="Xavier")) == "Xavier"
    assert str(User.objects.create_user(email="y@example.org")) == "y@example.org"
