"""Site search benchmark: indexing rate and search p50/p99 over N content items and documents, both databases.

    python bench/search.py [--size 100000] [--calls 200] [--db sqlite|postgres|both]

Each database is set up and measured in its own subprocess, as the other worker benchmarks (bench/common.py).
The worker registers two throwaway search sources of generated pages: help content (articles and FAQ, a
title and one to three paragraphs, offered as answers) and documents (agendas, minutes, bylaws, forms: a title
and a long extracted text), `--size` items in all (a third of them documents), each in English and Spanish
(realistic generated titles and text for a river town's services). Indexing is the sync itself
(services.sync_source: terms, fingerprints, the full-text index): "entries/s" counts one entry per item and
language. Then each query is timed through services.search() (the results page's first page of 20, counts
per kind and extracts included) and a resident's sentence through services.answers_for(): one word, two
words, a sentence, a typo in a short word, a prefix, Spanish with and without accents, a kind filter; and the
suggestions as you type (services.suggestions()). The spelling vocabulary is kept by the indexing itself
(SearchWord), so its cost is in the indexing rate.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent)]

import common  # noqa: E402  (bench/ is not a package; its modules import each other by name)

WARMUP = 3
COUNT_CAP = 1000  # civicdesk.search.services.COUNT_CAP (read without importing Django in the parent)
HEADER = ["database", "entries", "measurement", "calls", "results", "SQL queries", "p50 ms", "p99 ms", "max ms"]

#: (what the query is, language, how it is asked, the words)
QUERIES = [
    ("one word", "en", "search", "recycling"),
    ("two words", "en", "search", "bulk pickup"),
    ("a sentence", "en", "search", "when is the bulk trash pickup on my street"),
    ("a typo in a short word", "en", "search", "prmit"),
    ("a prefix (a word being typed)", "en", "search", "recyc"),
    ("Spanish, with accents", "es", "search", "recolección de basura"),
    ("Spanish, without accents", "es", "search", "recoleccion de basura"),
    ("Spanish, one word", "es", "search", "permiso"),
    ("one word, documents only", "en", "documents", "waiver"),
    ("suggestions, a word being typed", "en", "suggest", "streetl"),
    ("answers_for, a description", "en", "answers", "the recycling bin was not emptied this week again"),
    ("answers_for, Spanish description", "es", "answers", "no recogieron el contenedor de reciclaje"),
]

# --- Generated pages -------------------------------------------------------------------------------------------

#: Subjects of a river town's services: (English, Spanish) nouns.
SUBJECTS = [
    ("bulk trash pickup", "recolección de objetos voluminosos"), ("recycling", "reciclaje"),
    ("garbage collection", "recolección de basura"), ("yard waste", "residuos de jardín"),
    ("building permit", "permiso de construcción"), ("fence permit", "permiso para cercas"),
    ("water bill", "factura del agua"), ("water main break", "rotura de tubería"),
    ("street sweeping", "barrido de calles"), ("snow removal", "retiro de nieve"), ("potholes", "baches"),
    ("streetlights", "alumbrado público"), ("park shelters", "refugios del parque"),
    ("swimming pool hours", "horario de la piscina"), ("library cards", "tarjetas de biblioteca"),
    ("property taxes", "impuestos a la propiedad"), ("zoning rules", "normas de zonificación"),
    ("dog licences", "licencias para perros"), ("noise complaints", "quejas por ruido"),
    ("flood sandbags", "sacos de arena para inundaciones"), ("tree trimming", "poda de árboles"),
    ("sidewalk repair", "reparación de aceras"), ("parking tickets", "multas de estacionamiento"),
    ("business licences", "licencias comerciales"), ("council meetings", "reuniones del concejo"),
]
DEPARTMENTS = [("Public Works", "Obras Públicas"), ("Sanitation", "Saneamiento"), ("Parks", "Parques"),
               ("the Water Department", "el Departamento de Agua"), ("City Hall", "el Ayuntamiento"),
               ("Permits and Inspections", "Permisos e Inspecciones")]
PLACES = ["Riverside", "Oak Street", "Mill Road", "the east bank", "Harbor Avenue", "the old town",
          "Elm Park", "Ferry Landing", "North Hill", "Canal Street"]
DAYS = [("Monday", "lunes"), ("Tuesday", "martes"), ("Wednesday", "miércoles"), ("Thursday", "jueves"),
        ("Friday", "viernes")]
TITLES = [("How to get {s}", "Cómo obtener {s}"), ("{S}: what you need to know", "{S}: lo que debe saber"),
          ("When is {s}?", "¿Cuándo es {s}?"), ("Changes to {s} in {p}", "Cambios en {s} en {p}"),
          ("{S} rules and fees", "{S}: normas y tarifas"), ("Questions about {s}", "Preguntas sobre {s}")]
DOC_TITLES = [("Agenda: council meeting on {s}", "Orden del día: reunión del concejo sobre {s}"),
              ("Minutes: {s} hearing", "Acta: audiencia sobre {s}"), ("Bylaw {n} on {s}", "Ordenanza {n} sobre {s}"),
              ("Application form for {s}", "Formulario de solicitud de {s}"), ("Zoning map notes: {p}", "Notas del mapa de zonificación: {p}")]
SENTENCES = [
    ("{D} handles {s} in {p}.", "{D} se ocupa de {s} en {p}."),
    ("Residents can ask about {s} by phone or online every {d}.", "Los residentes pueden preguntar por {s} por teléfono o en línea cada {d}."),
    ("Crews work on {s} from 7 a.m. and may close lanes near {p}.", "Los equipos trabajan en {s} desde las 7 y pueden cerrar carriles cerca de {p}."),
    ("A fee of {n} dollars applies to {s} unless a waiver is approved.", "Se cobra una tarifa de {n} dólares por {s} salvo que se apruebe una exención."),
    ("Put items at the curb the night before {s}; bins must close.", "Saque los objetos a la acera la noche antes de {s}; los contenedores deben cerrar."),
    ("The council reviewed {s} and asked {D} for a report by {d}.", "El concejo revisó {s} y pidió a {D} un informe para el {d}."),
    ("Applications for {s} take about {n} working days to review.", "Las solicitudes de {s} tardan unos {n} días hábiles en revisarse."),
    ("If {s} was missed on {d}, wait one working day before calling.", "Si {s} no se hizo el {d}, espere un día hábil antes de llamar."),
]


def _sentence(rng: random.Random, language: int, subject: tuple[str, str]) -> str:
    template = rng.choice(SENTENCES)[language]
    return template.format(s=subject[language], D=rng.choice(DEPARTMENTS)[language], p=rng.choice(PLACES),
                           d=rng.choice(DAYS)[language], n=rng.randrange(2, 400))


def generated_pages(size: int, seed: int) -> list[dict[str, Any]]:
    """`size` pages (a third documents), each {"id", "kind", "title": (en, es), "body": (en, es)}."""
    rng = random.Random(seed)
    pages = []
    for n in range(size):
        document = n % 3 == 2
        subject = rng.choice(SUBJECTS)
        titles = rng.choice(DOC_TITLES if document else TITLES)
        number = rng.randrange(100, 999)
        title = tuple(titles[i].format(s=subject[i], S=subject[i].capitalize(), p=rng.choice(PLACES), n=number)
                      for i in (0, 1))
        count = rng.randrange(40, 120) if document else rng.randrange(4, 16)
        state = rng.getstate()
        bodies = []
        for language in (0, 1):
            rng.setstate(state)  # the same sentences in both languages
            bodies.append(" ".join(_sentence(rng, language, rng.choice(SUBJECTS) if rng.random() < 0.3 else subject)
                                   for _ in range(count)))
        pages.append({"id": str(n), "kind": "document" if document else "content", "title": title,
                      "body": tuple(bodies)})
    return pages


def register_sources(pages: list[dict[str, Any]]):
    """Two throwaway sources over the generated pages: help content (answers) and documents."""
    from civicdesk.search.registry import Document, Source, register

    def documents_of(kind: str):
        def documents(ids=None):
            wanted = set(map(str, ids)) if ids is not None else None
            for page in pages:
                if page["kind"] != kind or (wanted is not None and page["id"] not in wanted):
                    continue
                for index, language in enumerate(("en", "es")):
                    yield Document(object_id=page["id"], language=language, title=page["title"][index],
                                   body=page["body"][index], url=f"/help/{kind}/{page['id']}/")
        return documents

    content = Source(name="bench.content", kind="benchcontent", label="Help", model="jurisdictions.Jurisdiction",
                     documents=documents_of("content"), order=1, answers=True)
    documents = Source(name="bench.document", kind="benchdocument", label="Documents",
                       model="jurisdictions.Jurisdiction", documents=documents_of("document"), order=2)
    register(content)
    register(documents)
    return [content, documents]


# --- Parent and worker -----------------------------------------------------------------------------------------

def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = common.bench_parser(__doc__, size=100_000, size_help="content items and documents (each in 2 languages)",
                                 calls=200, keep=True)
    return common.checked(parser, parser.parse_args(argv))


say = common.say


def render(results: list[dict[str, Any]], args: argparse.Namespace, machine: str) -> str:
    command = f"python bench/search.py --size {args.size} --calls {args.calls} --db {args.db}"
    lines = common.results_heading(command, machine)
    for r in results:
        lines.append(f"- {r['db']}: {r['server']}; indexed {r['entries']:,} entries ({r['items']:,} items × 2 "
                     f"languages) in {r['index_s']:.1f} s = {r['entries_per_s']:,.0f} entries/s (the stored "
                     f"vocabulary included: {r['words']:,} rows)")
    lines += ["", f"Each call is services.search() (first page of 20, counts per kind capped at "
              f"{COUNT_CAP:,}, extracts), services.answers_for() or services.suggestions(); {WARMUP} untimed "
              f"warm-up calls first.", ""]
    rows = [[r["db"], r["entries"], m["name"], m["calls"], m["results"], m["queries"], m["p50_ms"], m["p99_ms"],
             m["max_ms"]] for r in results for m in r["measurements"]]
    lines += [common.markdown_table(HEADER, rows), ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.worker:
        return worker(args)
    options = ["--size", str(args.size), "--calls", str(args.calls), "--seed", str(args.seed),
               "--out-dir", str(args.out_dir)]
    return common.run_benchmark(args, label="search", script=Path(__file__).resolve(), render=render,
                                worker_options=options, keep=args.keep)


def _call(kind: str, words: str, language: str):
    from civicdesk.search import services

    if kind == "answers":
        return lambda: len(services.answers_for(words, language))
    if kind == "suggest":
        return lambda: len(services.suggestions(words, language))
    if kind == "documents":
        return lambda: services.search(words, language=language, kinds=["benchdocument"]).total
    return lambda: services.search(words, language=language).total


def worker(args: argparse.Namespace) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from civicdesk.search import services
    from civicdesk.search.models import SearchEntry, SearchWord

    db = args.worker
    call_command("migrate", verbosity=0, interactive=False)
    say(f"[{db}] generating {args.size:,} pages ...")
    pages = generated_pages(args.size, args.seed)
    sources = register_sources(pages)
    began = time.perf_counter()
    for source in sources:
        services.sync_source(source)
    index_s = time.perf_counter() - began
    entries = SearchEntry.objects.count()
    say(f"[{db}] indexed {entries:,} entries in {index_s:.1f} s ({entries / index_s:,.0f} entries/s)")
    common.settle()
    results = []
    for name, language, kind, words in QUERIES:
        call = _call(kind, words, language)
        for _ in range(WARMUP):
            call()
        with CaptureQueriesContext(connection) as captured:
            found = call()
        latencies = []
        for _ in range(args.calls):
            started = time.perf_counter()
            call()
            latencies.append(time.perf_counter() - started)
        ordered = sorted(latencies)
        results.append({"name": f"{name}: “{words}”", "calls": len(ordered), "results": found,
                        "queries": len(captured.captured_queries),
                        "p50_ms": common.percentile(ordered, 50) * 1000,
                        "p99_ms": common.percentile(ordered, 99) * 1000, "max_ms": ordered[-1] * 1000})
        say(f"[{db}] {name}: {found} found, {results[-1]['queries']} queries, p50 {results[-1]['p50_ms']:.2f} ms, "
            f"p99 {results[-1]['p99_ms']:.2f} ms")
    result = {"db": db, "server": common.describe_server(connection), "items": len(pages), "entries": entries,
              "index_s": index_s, "entries_per_s": entries / index_s if index_s else 0.0,
              "words": SearchWord.objects.count(), "measurements": results}
    args.result_file.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
