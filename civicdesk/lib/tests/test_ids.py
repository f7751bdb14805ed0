"""Public tracking numbers: short, unguessable, and forgiving when read aloud."""

from __future__ import annotations

from civicdesk.lib.ids import PUBLIC_ID_RE, new_public_id, normalize_public_id


def test_it_makes_ids_in_the_readable_format():
    ids = {new_public_id() for _ in range(2000)}
    assert all(PUBLIC_ID_RE.match(i) for i in ids)
    assert len(ids) == 2000


def test_it_never_uses_letters_that_look_like_digits():
    joined = "".join(new_public_id() for _ in range(2000))
    assert not set("ILOU") & set(joined)


def test_it_normalises_what_a_caller_reads_out():
    assert normalize_public_id("7kq4 m2xd") == "7KQ4-M2XD"
    assert normalize_public_id("7KQ4M2XD") == "7KQ4-M2XD"
    assert normalize_public_id("7kq4-m2xd") == "7KQ4-M2XD"
    assert normalize_public_id("OIL1-2345") == "0111-2345"


def test_it_rejects_what_cannot_be_an_id():
    assert normalize_public_id("") == ""
    assert normalize_public_id("7KQ4-M2X") == ""
    assert normalize_public_id("7KQ4-M2X!") == ""
    assert normalize_public_id("'; DROP TABLE") == ""
