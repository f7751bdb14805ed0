"""manage.py train_classifier, and the nightly task that runs the same training."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from civicdesk.core import schedule
from civicdesk.triage import history
from civicdesk.triage.models import ClassifierModel
from civicdesk.triage.tasks import retrain_classifiers_task


@pytest.fixture
def kinds(world):
    kinds = history.install_kinds(["pothole", "streetlight-out", "noise", "graffiti"])
    history.make_history(world.elm, kinds, per_kind=12)
    return kinds


def run(*args) -> str:
    out = io.StringIO()
    call_command("train_classifier", *args, stdout=out)
    return out.getvalue()


def test_it_trains_and_activates_a_version_per_jurisdiction_with_history(world, kinds):
    output = run("--jurisdiction", "elm")
    model = ClassifierModel.objects.get(jurisdiction=world.elm, language="", is_active=True)
    assert f"elm [all languages] version 1: {model.rows} rows, 4 kinds" in output
    assert not ClassifierModel.objects.filter(jurisdiction=world.county).exists()


def test_it_trains_one_language_when_asked(world, kinds):
    output = run("--jurisdiction", "elm", "--language", "en", "--rows-per-kind", "5")
    model = ClassifierModel.objects.get(language="en")
    assert "elm [en] version 1" in output and max(model.class_counts.values()) <= 5


def test_it_says_so_when_nothing_could_be_trained(world):
    assert "No model trained" in run()


@pytest.mark.parametrize("args, message", [
    (["--jurisdiction", "nowhere"], "There is no jurisdiction"),
    (["--language", "xx"], "Unknown language"),
    (["--rows-per-kind", "0"], "must be 1 or more"),
])
def test_it_refuses_bad_options(world, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)


def test_the_nightly_task_retrains_every_jurisdiction_and_is_scheduled(world, kinds):
    assert retrain_classifiers_task.call() == 1
    assert retrain_classifiers_task.call() == 1  # safe to run twice: a second version, now the active one
    assert list(ClassifierModel.objects.filter(is_active=True).values_list("version", flat=True)) == [2]
    assert "triage.retrain_classifiers" in [job.name for job in schedule.jobs()]
