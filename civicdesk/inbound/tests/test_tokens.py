"""reply_address() / parse_reply_address(): signed reply-to addresses bound to one recipient."""

from __future__ import annotations

from civicdesk.inbound.tokens import (
    ReplyTarget,
    is_reply_address,
    parse_reply_address,
    reply_address,
)

from .conftest import DOMAIN


def test_it_round_trips_a_reply_address_for_its_recipient_whatever_the_case():
    address = reply_address("7KQ4-M2XD", "Alice@Example.org")
    assert address.startswith("reply+7kq4m2xd-") and address.endswith("@" + DOMAIN)
    assert is_reply_address(address) and is_reply_address(address.upper())
    expected = ReplyTarget(public_id="7KQ4-M2XD", recipient="alice@example.org")
    assert parse_reply_address(address, "alice@example.org") == expected
    assert parse_reply_address(address.upper(), " ALICE@example.org ") == expected


def test_it_refuses_another_sender_a_changed_id_or_signature_and_another_domain():
    address = reply_address("7KQ4-M2XD", "alice@example.org")
    assert parse_reply_address(address, "mallory@example.net") is None
    assert parse_reply_address(address, "") is None
    assert parse_reply_address(address.replace("7kq4m2xd", "7kq4m2xe"), "alice@example.org") is None
    local, _, domain = address.partition("@")
    assert parse_reply_address(local[:-1] + ("0" if local[-1] != "0" else "1") + "@" + domain,
                               "alice@example.org") is None
    assert parse_reply_address(f"{local}@elsewhere.example", "alice@example.org") is None
    assert not is_reply_address(f"{local}@elsewhere.example") and not is_reply_address("postmaster@" + DOMAIN)


def test_it_issues_no_address_without_an_inbound_domain(settings):
    settings.INBOUND_EMAIL_DOMAIN = ""
    assert reply_address("7KQ4-M2XD", "alice@example.org") == ""
    assert not is_reply_address("reply+7kq4m2xd-0123456789abcdef@" + DOMAIN)
