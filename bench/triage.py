"""Category suggestion benchmark: top-1/top-3 accuracy per language, time to train and to suggest, both databases.

    python bench/triage.py [--size 1000000] [--rows-per-kind 2000] [--calls 300] [--db sqlite|postgres|both]

Each database is set up and measured in its own subprocess, as the other worker benchmarks (bench/common.py).
The worker stores `--size` generated requests of the 39 Riverbend kinds in one jurisdiction (civicdesk/triage/
history.py: the catalogue's demo reports varied with openings, endings, house numbers and typos; 20% Spanish;
kinds weighted as a city's mix is, potholes and missed trash far more common than gravel roads), then trains
with `train_all()` (the model of every language and one per language, each kind's newest `--rows-per-kind`
descriptions) and measures:
- accuracy on three held-out sets, per language: "generated" (new texts from the same generator, never stored:
  optimistic, since they reuse the training reports' sentences), "hand-written" (triage/data/
  kind_phrasings.jsonl: residents' phrasings written apart from the generator, with misspellings, Spanish and
  Arabic) and "imported" (triage/data/imported_history_sample.jsonl: a city's past requests as Open311 JSON
  Lines, loaded after training through `manage.py import_311` into a jurisdiction of the demo city's boundary,
  then read back from the database: description, kind and language as the importer stored them). The last two
  are the honest numbers. Top-1: the right kind is the first suggestion; top-3: among the first three.
  Each text is scored by the model the site would use for it (its language's, else the jurisdiction-wide one).
- time to train each model (reading the history included) and the model's stored size;
- time of one `suggest_kinds()` call as intake makes it (the database look-ups included, the model cached),
  p50/p99 over `--calls` calls on the held-out texts.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent)]

import common  # noqa: E402  (bench/ is not a package; its modules import each other by name)

WARMUP = 3
BATCH = 5_000
#: How common each kind is, relative to the rest (a mid-sized city's mix; unlisted kinds weigh 1).
WEIGHTS = {"pothole": 12, "missed-trash": 12, "streetlight-out": 8, "missed-recycling": 6, "graffiti": 6,
           "illegal-dumping": 6, "noise": 5, "abandoned-vehicle": 4, "tree-trimming": 4, "sidewalk-damage": 4,
           "traffic-signal": 3, "street-sign": 3, "water-leak": 3, "storm-drain": 3, "park-maintenance": 3,
           "rodents": 3, "cart-request": 3, "missed-bulk": 3, "tax-account": 3}
HEADER = ["database", "set", "language", "model", "texts", "top-1", "top-3"]
TRAIN_HEADER = ["database", "model", "rows", "kinds", "train s", "stored MB", "held-out top-1", "held-out top-3"]
TIME_HEADER = ["database", "measurement", "calls", "SQL queries", "p50 ms", "p99 ms", "max ms"]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = common.bench_parser(__doc__, size=1_000_000, calls=300, label=True)
    parser.add_argument("--rows-per-kind", type=int, default=2_000, help="newest descriptions per kind trained on")
    args = common.checked(parser, parser.parse_args(argv))
    if args.rows_per_kind < 1:
        parser.error("--rows-per-kind must be positive")
    return args


say = common.say


def render(results: list[dict[str, Any]], args: argparse.Namespace, machine: str) -> str:
    command = (f"python bench/triage.py --size {args.size} --rows-per-kind {args.rows_per_kind} --calls {args.calls} "
               f"--db {args.db}")
    lines = common.results_heading(command + (f" ({args.label})" if args.label else ""), machine, results)
    lines += ["", ("Category suggestions (docs/triage.md). Accuracy: share of held-out texts whose kind was the first "
                   "(top-1) or among the first three (top-3) suggestions. “generated” texts reuse the training "
                   "reports' sentences (optimistic); “hand-written” are triage/data/kind_phrasings.jsonl and “imported” "
                   "triage/data/imported_history_sample.jsonl loaded through import_311 after training (honest)."),
              ""]
    lines += [common.markdown_table(TRAIN_HEADER, [
        [r["db"], m["model"], m["rows"], m["kinds"], m["train_s"], m["mb"], m["top1"], m["top3"]]
        for r in results for m in r["models"]]), ""]
    lines += [common.markdown_table(HEADER, [
        [r["db"], a["set"], a["language"], a["model"], a["texts"], a["top1"], a["top3"]]
        for r in results for a in r["accuracy"]]), ""]
    lines += [common.markdown_table(TIME_HEADER, [
        [r["db"], t["name"], t["calls"], t["queries"], t["p50_ms"], t["p99_ms"], t["max_ms"]]
        for r in results for t in r["timings"]]), ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.worker:
        return worker(args)
    options = ["--size", str(args.size), "--calls", str(args.calls), "--seed", str(args.seed),
               "--rows-per-kind", str(args.rows_per_kind), "--out-dir", str(args.out_dir)]
    return common.run_benchmark(args, label="triage", script=Path(__file__).resolve(), render=render,
                                worker_options=options)


def _store_history(jurisdiction, kinds: dict, size: int, seed: int) -> float:
    """Store `size` generated described requests; returns the seconds it took."""
    import datetime as dt

    from django.utils import timezone

    from civicdesk.catalog.models import Status
    from civicdesk.servicerequests.models import ServiceRequest
    from civicdesk.triage import history

    rng = random.Random(seed)
    codes = list(kinds)
    weights = [WEIGHTS.get(code, 1) for code in codes]
    status = Status.objects.get(code="submitted")
    now = timezone.now()
    began = time.perf_counter()
    for start in range(0, size, BATCH):
        rows = []
        for code in rng.choices(codes, weights, k=min(BATCH, size - start)):
            language = "es" if rng.random() < 0.2 else "en"
            rows.append(ServiceRequest(
                jurisdiction=jurisdiction, service_type=kinds[code], status=status, lat=3.0, long=2.5,
                description=history.descriptions(code, language, 1, rng)[0], language=language,
                is_private=kinds[code].is_private, requested_at=now - dt.timedelta(seconds=rng.randint(60, 31_536_000))))
        ServiceRequest.objects.bulk_create(rows, batch_size=1000)
        if start and start % 100_000 == 0:
            say(f"  stored {start:,}")
    return time.perf_counter() - began


def _held_out(kinds: dict, seed: int) -> list[tuple[str, str, str, int]]:
    """(set, language, text, service type id): generated texts (never stored) and the hand-written phrasings."""
    from civicdesk.triage import history

    rng = random.Random(seed + 1)
    texts = [("generated", language, text, kinds[code].pk) for code in kinds for language in ("en", "es")
             for text in history.descriptions(code, language, 10, rng)]
    texts += [("hand-written", p["language"], p["text"], kinds[p["kind"]].pk) for p in history.phrasings()
              if p["kind"] in kinds]
    return texts


def _imported_held_out(out_dir: Path) -> tuple[list[tuple[str, str, str, int]], str]:
    """Load the imported history sample through `manage.py import_311` (Open311 JSON Lines) into a jurisdiction
    with the demo city's boundary (the file's points are Riverbend addresses) and read it back: (set, language,
    text, service type id) per loaded request, and what the importer said. Run after training, so never trained on."""
    from django.core.management import call_command

    from civicdesk.jurisdictions.models import Jurisdiction
    from civicdesk.servicerequests.models import ServiceRequest
    from civicdesk.triage import history

    city = json.loads((history.DATA / "city.geojson").read_text("utf-8"))["features"][0]["geometry"]
    Jurisdiction.objects.create(name="City of Riverbend", slug="riverbend", open311_id="riverbend.example.gov",
                                boundary=city, time_zone="America/Chicago")
    out = io.StringIO()
    call_command("import_311", str(history.IMPORTED_HISTORY_FILE), "--format", "open311", "--jurisdiction",
                 "riverbend", "--source", "triage-sample", "--rejects", str(out_dir / "triage-imported.rejects.csv"),
                 stdout=out)
    loaded = (ServiceRequest.objects.filter(imported_from__source="triage-sample")
              .order_by("pk").values_list("language", "description", "service_type_id"))
    return [("imported", language, text, kind) for language, text, kind in loaded], out.getvalue().splitlines()[0]


def worker(args: argparse.Namespace) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from civicdesk.testing.world import build_world
    from civicdesk.triage import classifier, history
    from civicdesk.triage.models import ClassifierModel
    from civicdesk.triage.suggest import _pipeline, active_model, suggest_kinds, train_all

    db = args.worker
    call_command("migrate", verbosity=0, interactive=False)
    world = build_world()
    kinds = history.install_kinds()
    say(f"[{db}] storing {args.size:,} generated requests of {len(kinds)} kinds ...")
    store_s = time.perf_counter()
    _store_history(world.elm, kinds, args.size, args.seed)
    common.settle()
    store_s = time.perf_counter() - store_s
    made = train_all(world.elm, rows_per_kind=args.rows_per_kind)
    models = []
    for model in made:
        size = len(bytes(ClassifierModel.objects.get(pk=model.pk).pipeline))
        models.append({"model": model.language or "every language", "rows": model.rows,
                       "kinds": len(model.class_counts), "train_s": model.train_seconds, "mb": size / 1e6,
                       "top1": model.top1_accuracy if model.top1_accuracy is not None else "—",
                       "top3": model.top3_accuracy if model.top3_accuracy is not None else "—"})
        say(f"[{db}] trained [{models[-1]['model']}]: {model.rows:,} rows in {model.train_seconds:.1f} s, "
            f"{size / 1e6:.1f} MB")
    held = _held_out(kinds, args.seed)
    imported, import_said = _imported_held_out(args.out_dir)
    held += imported
    say(f"[{db}] import_311 of the imported history sample: {import_said}")
    accuracy = []
    for which in ("language's", "every language"):
        scores: dict[tuple[str, str], list[int]] = {}
        for name, language, text, label in held:
            model = active_model(world.elm, language if which == "language's" else None)
            ranked = [pk for pk, _ in classifier.ranked(_pipeline(model.pk, model.sha256), text)[:3]]
            tally = scores.setdefault((name, language), [0, 0, 0])
            tally[0] += 1
            tally[1] += bool(ranked) and ranked[0] == label
            tally[2] += label in ranked
        for (name, language), (count, top1, top3) in sorted(scores.items()):
            accuracy.append({"set": name, "language": language, "model": which, "texts": count,
                             "top1": top1 / count, "top3": top3 / count})
            say(f"[{db}] {name} {language} ({which} model): top-1 {top1 / count:.0%}, top-3 {top3 / count:.0%} "
                f"of {count}")
    timings = []
    for name, language in (("suggest_kinds(), English text", "en"), ("suggest_kinds(), Spanish text", "es")):
        texts = [text for _, lang, text, _ in held if lang == language]
        for text in texts[:WARMUP]:
            suggest_kinds(text, jurisdiction=world.elm, language=language)
        with CaptureQueriesContext(connection) as captured:
            suggest_kinds(texts[0], jurisdiction=world.elm, language=language)
        latencies = []
        for i in range(args.calls):
            started = time.perf_counter()
            suggest_kinds(texts[i % len(texts)], jurisdiction=world.elm, language=language)
            latencies.append(time.perf_counter() - started)
        ordered = sorted(latencies)
        timings.append({"name": name, "calls": len(ordered), "queries": len(captured.captured_queries),
                        "p50_ms": common.percentile(ordered, 50) * 1000,
                        "p99_ms": common.percentile(ordered, 99) * 1000, "max_ms": ordered[-1] * 1000})
        say(f"[{db}] {name}: p50 {timings[-1]['p50_ms']:.2f} ms, p99 {timings[-1]['p99_ms']:.2f} ms")
    result = {"db": db, "server": common.describe_server(connection) + f"; {args.size:,} requests stored in "
              f"{store_s:.0f} s; imported history sample (import_311): {import_said}", "models": models, "accuracy": accuracy, "timings": timings}
    args.result_file.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
