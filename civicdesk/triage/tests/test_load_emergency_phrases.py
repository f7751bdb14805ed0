"""manage.py load_emergency_phrases: the starting set, a city's own file, --replace, a bad file."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from civicdesk.triage.models import EmergencyPhrase, EmergencyWordVariant
from civicdesk.triage.services import DEFAULT_PHRASES_FILE, emergency_phrases_in


def test_it_installs_the_starting_set_once(db, capsys):
    call_command("load_emergency_phrases")
    call_command("load_emergency_phrases")
    shipped = json.loads(DEFAULT_PHRASES_FILE.read_text(encoding="utf-8"))
    assert EmergencyPhrase.objects.count() == len(shipped["phrases"])
    assert EmergencyWordVariant.objects.count() == len(shipped["variants"])
    assert "Emergency phrases: " in capsys.readouterr().out
    assert emergency_phrases_in("huele a gas") == ["gas odor"]


def test_it_keeps_the_citys_own_phrases_unless_asked_to_replace(db, tmp_path):
    EmergencyPhrase.objects.create(phrase="bridge collapsed")
    mine = tmp_path / "phrases.json"
    mine.write_text(json.dumps({"phrases": [{"phrase": "gas leak", "window": 1}],
                                "variants": [{"word": "gas", "variants": ["gaz"]}]}), encoding="utf-8")
    call_command("load_emergency_phrases", str(mine))
    assert set(EmergencyPhrase.objects.values_list("phrase", flat=True)) == {"bridge collapsed", "gas leak"}
    call_command("load_emergency_phrases", str(mine), "--replace")
    assert list(EmergencyPhrase.objects.values_list("phrase", "window")) == [("gas leak", 1)]
    assert emergency_phrases_in("gaz leaking") == ["gas leak"]


def test_it_refuses_a_broken_file_and_changes_nothing(db, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('{"phrases": [{"phrase": "gas leak"}, {"no phrase": 1}]}', encoding="utf-8")
    with pytest.raises(CommandError, match="Could not load"):
        call_command("load_emergency_phrases", str(broken))
    assert EmergencyPhrase.objects.count() == 0
