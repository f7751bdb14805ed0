"""Shared set-up for the search tests: the demo city's whole catalogue, and the index written from it."""

from __future__ import annotations

from civicdesk.catalog.models import Priority, ServiceGroup
from civicdesk.cities.riverbend import _create_service_type, read_catalogue
from civicdesk.search.services import sync_all


def load_demo_catalogue() -> dict[str, int]:
    """Every group and service type of the demo city (civicdesk/cities/data/riverbend/catalogue.json); {code: pk}."""
    data = read_catalogue()
    groups = {spec["key"]: ServiceGroup.objects.create(name_en=spec["name"]["en"], name_es=spec["name"]["es"],
                                                       order=order)
              for order, spec in enumerate(data["groups"], start=1)}
    codes = {}
    for order, spec in enumerate(data["service_types"], start=1):
        service_type = _create_service_type(spec, group=groups[spec["group"]], order=order,
                                            priority=Priority[spec["priority"].upper()])
        codes[spec["code"]] = service_type.pk
    return codes


def indexed_catalogue() -> dict[str, int]:
    codes = load_demo_catalogue()
    sync_all()
    return codes


def result_codes(results) -> list[str]:
    """The service codes of the "Report a problem" results, in order (their URLs are /report/<code>/)."""
    return [result.url.strip("/").split("/")[-1] for result in results.results if result.kind == "service"]


#: Throwaway answer pages (test data, not the demo city's content): (title, text) per language.
ANSWER_PAGES = {
    "bulk": {"en": ("When is bulk trash pickup?", "Bulk items such as mattresses, sofas and old appliances are "
                     "picked up on the first Monday of each month. Put them at the curb by 7 a.m."),
              "es": ("¿Cuándo recogen los objetos voluminosos?", "Los colchones, sofás y electrodomésticos viejos "
                     "se recogen el primer lunes de cada mes. Déjelos en la acera antes de las 7.")},
    "missed": {"en": ("My garbage was not collected", "If your bin was not emptied on your collection day, leave "
                       "it out: crews come back within one working day after a holiday."),
                "es": ("No recogieron mi basura", "Si su contenedor no se vació el día de recogida, déjelo "
                       "afuera: el equipo vuelve en un día hábil.")},
    "fence": {"en": ("Do I need a permit for a fence?", "Fences under 6 feet need no building permit. Taller "
                      "fences and pool fences need one from Permits and Inspections."),
               "es": ("¿Necesito un permiso para una cerca?", "Las cercas de menos de 6 pies no necesitan "
                      "permiso de construcción.")},
    "pool": {"en": ("Riverside pool hours", "The Riverside pool opens at 10 a.m. from June to August."),
              "es": ("Horario de la piscina Riverside", "La piscina Riverside abre a las 10 de junio a agosto.")},
    "sweeping": {"en": ("Street sweeping schedule", "Sweepers clean each district every second week; move your "
                         "car on sweeping days."),
                  "es": ("Calendario de barrido de calles", "Las barredoras limpian cada distrito cada dos "
                         "semanas.")},
}


def register_answer_source(pages: dict | None = None, *, name: str = "testanswers.page", kind: str = "testanswer",
                           jurisdiction_id: int | None = None):
    """Register a throwaway answer source holding `pages` (ANSWER_PAGES by default), index it, and return a
    function that unregisters it and removes its entries (call it when the test ends)."""
    from civicdesk.search import registry
    from civicdesk.search.models import SearchEntry

    pages = ANSWER_PAGES if pages is None else pages

    def documents(ids=None):
        for key, texts in pages.items():
            if ids is not None and key not in ids:
                continue
            for language, (title, body) in texts.items():
                yield registry.Document(object_id=key, language=language, title=title, body=body,
                                        url=f"/help/answers/{key}/", jurisdiction_id=jurisdiction_id)

    source = registry.Source(name=name, kind=kind, label="Answers", model="jurisdictions.Jurisdiction",
                             documents=documents, order=5, answers=True)
    registry.register(source)
    from civicdesk.search.services import sync_source

    sync_source(source)

    def unregister():
        from civicdesk.search.services import rebuild_vocabulary

        registry.unregister(name)
        SearchEntry.objects.filter(source=name).delete()
        rebuild_vocabulary()

    return unregister
