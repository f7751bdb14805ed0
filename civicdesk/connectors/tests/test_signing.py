"""connectors.signing: HMAC-SHA256 over timestamp and body, inside a replay window."""

from __future__ import annotations

import pytest

from civicdesk.connectors import signing

SECRET = "a-long-shared-secret-value"


def test_it_accepts_a_body_it_signed_itself():
    headers = signing.signed_headers(SECRET, b'{"a":1}', now=1_000_000)
    signing.verify(SECRET, timestamp=headers[signing.TIMESTAMP_HEADER],
                   sent_signature=headers[signing.SIGNATURE_HEADER], body=b'{"a":1}', now=1_000_100)


@pytest.mark.parametrize("change", ["body", "secret", "timestamp"])
def test_it_refuses_a_signature_that_does_not_match(change):
    headers = signing.signed_headers(SECRET, b'{"a":1}', now=1_000_000)
    body = b'{"a":2}' if change == "body" else b'{"a":1}'
    secret = "another-secret-entirely" if change == "secret" else SECRET
    timestamp = "1000001" if change == "timestamp" else headers[signing.TIMESTAMP_HEADER]
    with pytest.raises(signing.BadSignature, match="does not match"):
        signing.verify(secret, timestamp=timestamp, sent_signature=headers[signing.SIGNATURE_HEADER], body=body,
                       now=1_000_000)


def test_it_refuses_a_timestamp_outside_the_replay_window():
    headers = signing.signed_headers(SECRET, b"{}", now=1_000_000)
    with pytest.raises(signing.BadSignature, match="too old"):
        signing.verify(SECRET, timestamp=headers[signing.TIMESTAMP_HEADER],
                       sent_signature=headers[signing.SIGNATURE_HEADER], body=b"{}",
                       now=1_000_000 + signing.REPLAY_WINDOW + 1)


def test_it_refuses_missing_headers_and_a_connector_without_secret():
    with pytest.raises(signing.BadSignature, match="required"):
        signing.verify(SECRET, timestamp="", sent_signature="", body=b"{}")
    with pytest.raises(signing.BadSignature, match="no secret"):
        signing.verify("", timestamp="1", sent_signature="sha256=00", body=b"{}")
