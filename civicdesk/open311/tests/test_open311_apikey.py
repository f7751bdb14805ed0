"""`manage.py open311_apikey create | revoke | list`."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from civicdesk.open311.models import ApiKey
from civicdesk.open311.services import authenticate, count_call


def run(*args) -> str:
    out = io.StringIO()
    call_command("open311_apikey", *args, stdout=out)
    return out.getvalue()


def test_it_prints_only_the_new_key(world):
    output = run("create", "FixMyStreet", "--jurisdiction", "elm", "--rate-limit", "120")
    raw = output.strip()
    assert output == raw + "\n" and raw.startswith("cd311_") and len(raw) > 40
    key = authenticate(raw)
    assert (key.name, key.jurisdiction, key.rate_limit_per_minute) == ("FixMyStreet", world.elm, 120)
    assert raw not in str(ApiKey.objects.values_list()) and key.audit_entries().filter(
        action="open311.apikey_issued").exists()


def test_it_refuses_an_unknown_jurisdiction_or_a_negative_limit(world):
    with pytest.raises(CommandError, match="No jurisdiction has the short name 'atlantis'"):
        run("create", "App", "--jurisdiction", "atlantis")
    with pytest.raises(CommandError, match="--rate-limit must be 0"):
        run("create", "App", "--rate-limit", "-1")
    assert not ApiKey.objects.exists()


def test_it_lists_every_key_with_its_calls(world):
    raw = run("create", "FixMyStreet").strip()
    run("create", "County CRM", "--jurisdiction", "maple", "--rate-limit", "0")
    count_call(authenticate(raw))
    lines = run("list").splitlines()
    assert lines[0].split() == ["PREFIX", "CLIENT", "JURISDICTION", "STATE", "PER", "MINUTE", "CALLS", "LAST", "USED"]
    county, fms = lines[1], lines[2]  # by client name
    assert "County CRM" in county and "FixMyStreet" in fms
    assert "maple" in county and "no limit" in county and county.rstrip().endswith("never")
    assert raw[:12] in fms and "(all)" in fms and " 1 " in fms and "active" in fms
    assert raw not in "\n".join(lines)


def test_it_revokes_by_prefix_or_by_the_whole_key(world):
    first = run("create", "First").strip()
    second = run("create", "Second").strip()
    assert run("revoke", first[:12]).startswith(f"Revoked {first[:12]} (First)")
    run("revoke", second)
    assert not ApiKey.objects.filter(is_active=True).exists()
    assert all(k.revoked_at for k in ApiKey.objects.all())
    with pytest.raises(CommandError, match="already revoked"):
        run("revoke", second)
    with pytest.raises(CommandError, match="No key matches"):
        run("revoke", "cd311_nothing")
