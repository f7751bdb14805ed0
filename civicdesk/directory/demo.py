"""Riverbend's demo directory: department profiles (what they do, offices on the map, hours), what the most
common service types cover, and five permit and licence guides with their fees, in English, Spanish and Arabic
(the Arabic is in demo_arabic.py, keyed by the English)."""

from __future__ import annotations

import datetime as dt

from .demo_arabic import with_arabic as _ar

WEEKDAYS_8_TO_5 = {day: [["08:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}

# slug → profile. Offices sit on real streets of the demo address list (inside the city or county boundary).
PROFILES = {
    "public-works": {
        "summary": {"en": "Public Works keeps Riverbend's streets, sidewalks, water mains, sewers and storm drains in "
                          "good repair. Crews fill potholes, fix water leaks and main breaks, clean drains and "
                          "plow snow.",
                    "es": "Obras Públicas mantiene en buen estado las calles, aceras, tuberías de agua, "
                          "alcantarillas y desagües pluviales de Riverbend. Sus cuadrillas tapan baches, reparan "
                          "fugas y roturas de tuberías, limpian desagües y quitan la nieve."},
        "address": {"en": "Public Works Yard\n640 E Railroad Ave\nRiverbend, IL 61899",
                    "es": "Patio de Obras Públicas (Public Works Yard)\n640 E Railroad Ave\nRiverbend, IL 61899"},
        "point": (40.089160, -88.934400),
        "hours": {**WEEKDAYS_8_TO_5, "mon": [["07:00", "15:30"]], "tue": [["07:00", "15:30"]],
                  "wed": [["07:00", "15:30"]], "thu": [["07:00", "15:30"]], "fri": [["07:00", "15:30"]]},
    },
    "sanitation": {
        "summary": {"en": "Sanitation collects trash, recycling and bulk items from every household once a week, "
                          "delivers and repairs carts, and cleans up dumped trash and dead animals on public land.",
                    "es": "Saneamiento recoge la basura, el reciclaje y los objetos voluminosos de cada hogar una "
                          "vez por semana, entrega y repara contenedores, y limpia la basura tirada y los animales "
                          "muertos en lugares públicos."},
        "address": {"en": "Sanitation Division\n611 E Railroad Ave\nRiverbend, IL 61899",
                    "es": "División de Saneamiento\n611 E Railroad Ave\nRiverbend, IL 61899"},
        "point": (40.088840, -88.935467),
        "hours": {**WEEKDAYS_8_TO_5, "sat": [["08:00", "12:00"]]},
    },
    "transportation": {
        "summary": {"en": "Transportation runs the traffic signals, streetlights, street signs and road markings, "
                          "and looks after parking: abandoned vehicles and blocked driveways. It also issues "
                          "block party permits.",
                    "es": "Transporte se ocupa de los semáforos, el alumbrado público, las señales y las marcas "
                          "viales, y del estacionamiento: vehículos abandonados y entradas bloqueadas. También "
                          "otorga los permisos para fiestas de cuadra."},
        "address": {"en": "Riverbend City Hall, Room 210\n221 N Main St\nRiverbend, IL 61899",
                    "es": "Ayuntamiento de Riverbend (City Hall), sala 210\n221 N Main St\nRiverbend, IL 61899"},
        "point": (40.104750, -88.952208),
        "hours": WEEKDAYS_8_TO_5,
    },
    "parks-forestry": {
        "summary": {"en": "Parks & Forestry looks after Riverbend's parks, playgrounds and the trees along city "
                          "streets: trimming, removing dead trees and clearing fallen ones after storms.",
                    "es": "Parques y Silvicultura cuida los parques, los juegos infantiles y los árboles de las "
                          "calles de Riverbend: poda, retira árboles muertos y despeja los caídos tras las "
                          "tormentas."},
        "address": {"en": "Riverside Park Office\n370 W Mill St\nRiverbend, IL 61899",
                    "es": "Oficina del parque Riverside\n370 W Mill St\nRiverbend, IL 61899"},
        "point": (40.113160, -88.961067),
        "hours": {**WEEKDAYS_8_TO_5, "sat": [["09:00", "13:00"]]},
    },
    "code-enforcement": {
        "summary": {"en": "Code Enforcement inspects properties for tall grass, junk, rodents, unsafe vacant "
                          "buildings, noise and uncleared sidewalks, and issues fence permits, dog licenses and "
                          "home business licenses.",
                    "es": "Cumplimiento de Códigos inspecciona propiedades por hierba alta, basura acumulada, "
                          "roedores, edificios vacíos inseguros, ruido y aceras sin limpiar, y otorga permisos de "
                          "cerca, licencias para perros y licencias de negocio en casa."},
        "address": {"en": "Riverbend City Hall, Room 120\n221 N Main St\nRiverbend, IL 61899",
                    "es": "Ayuntamiento de Riverbend (City Hall), sala 120\n221 N Main St\nRiverbend, IL 61899"},
        "point": (40.104750, -88.952208),
        "hours": {**WEEKDAYS_8_TO_5, "wed": [["08:00", "12:00"], ["13:00", "18:30"]]},
    },
    "highway": {
        "summary": {"en": "The Harlan County Highway Department maintains county roads outside the city: "
                          "potholes, gravel roads, ditches and culverts, roadside mowing, signs and snow plowing.",
                    "es": "El Departamento de Carreteras del Condado de Harlan mantiene los caminos del condado "
                          "fuera de la ciudad: baches, caminos de grava, zanjas y alcantarillas, corte de hierba "
                          "en las orillas, señales y quitanieves."},
        "address": {"en": "Harlan County Highway Garage\n100 Center St\nMillbrook, IL 61898",
                    "es": "Garaje de Carreteras del Condado de Harlan\n100 Center St\nMillbrook, IL 61898"},
        "point": (40.212960, -89.062500),
        "hours": {day: [["06:30", "15:00"]] for day in ("mon", "tue", "wed", "thu", "fri")},
    },
}

# code → (what it covers, what it does not), the twelve types residents report most.
GUIDES = {
    "pothole": (
        {"en": "Holes and broken pavement in a street or alley that the city or county maintains. Crews fill "
               "most potholes within a few working days; deep ones in a traffic lane first.",
         "es": "Hoyos y pavimento roto en calles o callejones que mantiene la ciudad o el condado. Las cuadrillas "
               "tapan la mayoría de los baches en pocos días hábiles; primero los profundos en carriles de "
               "circulación."},
        {"en": "Private driveways and parking lots, and state highways (report those to the Illinois "
               "Department of Transportation). A collapsed or sunken street is a *street cave-in*: report that "
               "instead.",
         "es": "Entradas y estacionamientos privados, y carreteras estatales (repórtelas al Departamento de "
               "Transporte de Illinois). Una calle hundida es un *hundimiento de calle*: repórtelo así."}),
    "missed-trash": (
        {"en": "Your trash cart was at the curb by 6 a.m. on your collection day and was not emptied.",
         "es": "Su contenedor de basura estaba en la acera a las 6 a. m. del día de recogida y no se vació."},
        {"en": "Bags or items outside the cart, carts put out late, or collection on a holiday week (it moves one "
               "day later).",
         "es": "Bolsas u objetos fuera del contenedor, contenedores sacados tarde, o la recogida en semana de "
               "feriado (se corre un día)."}),
    "streetlight-out": (
        {"en": "A city streetlight that is out, flickers, stays on during the day, or has a damaged pole. Give "
               "the pole number if you can see it.",
         "es": "Una farola de la ciudad apagada, que parpadea, que queda encendida de día o con el poste dañado. "
               "Indique el número del poste si lo ve."},
        {"en": "Porch and parking lot lights on private property, and wires down: stay away and call 911.",
         "es": "Luces de porches y estacionamientos privados, y cables caídos: aléjese y llame al 911."}),
    "missed-recycling": (
        {"en": "Your recycling cart was out on time on your recycling week and was not emptied.",
         "es": "Su contenedor de reciclaje estaba afuera a tiempo en su semana de reciclaje y no se vació."},
        {"en": "Carts with plastic bags or trash inside (they are tagged and left), or glass, which goes to the "
               "drop-off site.",
         "es": "Contenedores con bolsas plásticas o basura adentro (se marcan y se dejan), o vidrio, que va al "
               "punto de entrega."}),
    "missed-bulk": (
        {"en": "Furniture, mattresses or appliances you scheduled for bulk pickup that were left behind.",
         "es": "Muebles, colchones o electrodomésticos que programó para recogida de voluminosos y no se "
               "llevaron."},
        {"en": "Items that were not scheduled, construction debris, tires and paint.",
         "es": "Objetos no programados, escombros de obra, llantas y pintura."}),
    "illegal-dumping": (
        {"en": "Trash, tires or debris dumped on public land, in an alley or by a road.",
         "es": "Basura, llantas o escombros tirados en terrenos públicos, callejones o junto a un camino."},
        {"en": "Dumping on private property: report it as *property maintenance* so the owner is told.",
         "es": "Basura tirada en una propiedad privada: repórtela como *mantenimiento de propiedad* para avisar "
               "al dueño."}),
    "abandoned-vehicle": (
        {"en": "A vehicle parked on a public street for more than 7 days in a row, or without license plates.",
         "es": "Un vehículo estacionado en la vía pública más de 7 días seguidos, o sin placas."},
        {"en": "Vehicles on private property or in private lots, and vehicles blocking your driveway: report that "
               "as *blocked driveway* for a faster visit.",
         "es": "Vehículos en propiedades o estacionamientos privados, y vehículos que bloquean su entrada: "
               "repórtelo como *entrada bloqueada* para una visita más rápida."}),
    "graffiti": (
        {"en": "Paint or markings on public walls, bridges, signs and utility boxes; the city also removes it "
               "from private walls facing the street when the owner agrees.",
         "es": "Pintura o marcas en muros públicos, puentes, señales y cajas de servicios; la ciudad también la "
               "quita de muros privados que dan a la calle si el dueño lo acepta."},
        {"en": "Hateful or threatening words: call the police non-emergency line as well.",
         "es": "Palabras de odio o amenazas: llame también a la línea de policía que no es de emergencia."}),
    "noise": (
        {"en": "Ongoing noise from music, construction outside 7 a.m.–8 p.m., animals or equipment.",
         "es": "Ruido continuo de música, obras fuera del horario de 7 a. m. a 8 p. m., animales o equipos."},
        {"en": "A party or fight happening right now at night: call the police non-emergency line.",
         "es": "Una fiesta o pelea en este momento por la noche: llame a la línea de policía que no es de "
               "emergencia."}),
    "snow-plowing": (
        {"en": "Snow or ice left on a street or alley after the plows have finished their routes.",
         "es": "Nieve o hielo en una calle o callejón después de que los quitanieves terminaron sus rutas."},
        {"en": "Sidewalks, which property owners must clear within 24 hours (report *snow on a sidewalk*), and "
               "snow pushed into your driveway by a plow.",
         "es": "Las aceras, que los dueños deben limpiar en 24 horas (reporte *nieve en la acera*), y la nieve "
               "que el quitanieves deja en su entrada."}),
    "tree-down": (
        {"en": "A fallen tree or large branch on a street, sidewalk or public land.",
         "es": "Un árbol o rama grande caída en una calle, acera o terreno público."},
        {"en": "Trees on private property, and trees on wires: stay away and call 911 if wires are down.",
         "es": "Árboles en propiedades privadas, y árboles sobre cables: aléjese y llame al 911 si hay cables "
               "caídos."}),
    "overgrown-lot": (
        {"en": "Grass or weeds over 8 inches on a private lot or vacant property.",
         "es": "Hierba o maleza de más de 8 pulgadas en un lote privado o propiedad vacía."},
        {"en": "City parks and parkways (report *park maintenance*), and natural areas left to grow on purpose.",
         "es": "Parques y franjas verdes de la ciudad (reporte *mantenimiento de parques*), y áreas naturales "
               "que se dejan crecer a propósito."}),
}

PERMITS = [
    {"slug": "fence-permit", "kind": "permit", "department": "code-enforcement", "processing_days": 5,
     "title": {"en": "Fence permit", "es": "Permiso para cercas"},
     "summary": {"en": "You need a permit to build or replace a fence over 3 feet tall anywhere on your lot. "
                       "Fences in front yards may be at most 4 feet tall; back yards 6 feet.",
                 "es": "Necesita un permiso para construir o reemplazar una cerca de más de 3 pies de alto en "
                       "cualquier parte de su lote. En el patio delantero la altura máxima es 4 pies; en el "
                       "trasero, 6 pies."},
     "requirements": {"en": ["A site plan showing the fence line and your property lines",
                             "The fence height and material", "The owner's signature (if you rent)"],
                      "es": ["Un plano del sitio con la línea de la cerca y los límites de su propiedad",
                             "La altura y el material de la cerca", "La firma del dueño (si alquila)"]},
     "steps": {"en": ["Call JULIE (811) to mark buried utilities", "Apply online or at City Hall, Room 120",
                      "Pay the fee", "Build the fence within 6 months and ask for the final inspection"],
               "es": ["Llame a JULIE (811) para marcar las redes enterradas",
                      "Solicite en línea o en el Ayuntamiento, sala 120", "Pague la tarifa",
                      "Construya la cerca en 6 meses y pida la inspección final"]},
     "fees": [(5000, {"en": "Permit and plan review", "es": "Permiso y revisión del plano"}),
              (2500, {"en": "Final inspection", "es": "Inspección final"})],
     "keywords": {"en": "fence, fencing, wall, privacy fence", "es": "cerca, valla, reja, muro"}},
    {"slug": "block-party-permit", "kind": "permit", "department": "transportation", "processing_days": 10,
     "title": {"en": "Block party permit", "es": "Permiso para fiesta de cuadra"},
     "summary": {"en": "Close a residential street for a neighborhood party between 10 a.m. and 10 p.m. "
                       "Apply at least 3 weeks before.",
                 "es": "Cierre una calle residencial para una fiesta de vecinos entre las 10 a. m. y las "
                       "10 p. m. Solicítelo con al menos 3 semanas de anticipación."},
     "requirements": {"en": ["Signatures of at least two thirds of the households on the block",
                             "The date, times and the block to close",
                             "A contact person who will be there all day"],
                      "es": ["Firmas de al menos dos tercios de los hogares de la cuadra",
                             "La fecha, el horario y la cuadra que se cierra",
                             "Una persona de contacto presente todo el día"]},
     "steps": {"en": ["Collect your neighbors' signatures", "Send the application to Transportation",
                      "Pick up the barricades the day before"],
               "es": ["Reúna las firmas de sus vecinos", "Envíe la solicitud a Transporte",
                      "Recoja las barreras el día anterior"]},
     "fees": [(2500, {"en": "Permit", "es": "Permiso"}),
              (1500, {"en": "Barricade loan (refunded when returned)",
                      "es": "Préstamo de barreras (se devuelve al entregarlas)"})],
     "keywords": {"en": "street party, close street, barricades", "es": "fiesta, cerrar calle, barreras"}},
    {"slug": "dumpster-street-permit", "kind": "permit", "department": "public-works", "processing_days": 2,
     "title": {"en": "Dumpster or storage container on the street", "es": "Contenedor o depósito en la calle"},
     "summary": {"en": "A dumpster, roll-off or moving container that sits on a street, alley or sidewalk needs a "
                       "right-of-way permit. On your own driveway it does not.",
                 "es": "Un contenedor de escombros o de mudanza que ocupa una calle, callejón o acera necesita un "
                       "permiso de uso de la vía pública. En su propia entrada no lo necesita."},
     "requirements": {"en": ["The company delivering the container and its certificate of insurance",
                             "Where it will stand and for how many days",
                             "Reflective markings or lights on the container"],
                      "es": ["La empresa que entrega el contenedor y su certificado de seguro",
                             "Dónde se colocará y por cuántos días",
                             "Marcas reflectantes o luces en el contenedor"]},
     "steps": {"en": ["Apply online or call Public Works", "Pay the fee", "Keep the permit on the container"],
               "es": ["Solicite en línea o llame a Obras Públicas", "Pague la tarifa",
                      "Deje el permiso en el contenedor"]},
     "fees": [(3000, {"en": "Permit, first 7 days", "es": "Permiso, primeros 7 días"}),
              (500, {"en": "Each extra day", "es": "Cada día adicional"})],
     "keywords": {"en": "dumpster, roll-off, pod, moving container, right of way",
                  "es": "contenedor, volquete, mudanza, vía pública"}},
    {"slug": "dog-license", "kind": "licence", "department": "code-enforcement", "processing_days": 1,
     "title": {"en": "Dog license", "es": "Licencia para perros"},
     "summary": {"en": "Every dog over 4 months old living in Riverbend needs a license, renewed each year. The "
                       "tag helps us bring a lost dog home.",
                 "es": "Todo perro de más de 4 meses que viva en Riverbend necesita una licencia, que se renueva "
                       "cada año. La placa nos ayuda a devolver a casa un perro perdido."},
     "requirements": {"en": ["A current rabies vaccination certificate",
                             "Proof of spaying or neutering, for the lower fee"],
                      "es": ["Un certificado de vacuna antirrábica vigente",
                             "Constancia de esterilización, para la tarifa reducida"]},
     "steps": {"en": ["Apply online or at City Hall, Room 120", "Pay the fee", "Put the tag on your dog's collar"],
               "es": ["Solicite en línea o en el Ayuntamiento, sala 120", "Pague la tarifa",
                      "Ponga la placa en el collar de su perro"]},
     "fees": [(1000, {"en": "Spayed or neutered dog, one year", "es": "Perro esterilizado, un año"}),
              (3000, {"en": "Other dogs, one year", "es": "Otros perros, un año"}),
              (500, {"en": "Replacement tag", "es": "Placa de reemplazo"})],
     "keywords": {"en": "dog tag, pet license, rabies", "es": "placa, mascota, perro, rabia"}},
    {"slug": "home-business-license", "kind": "licence", "department": "code-enforcement", "processing_days": 10,
     "title": {"en": "Home business license", "es": "Licencia de negocio en casa"},
     "summary": {"en": "Running a business from your home needs a license when clients visit, you have an "
                       "employee who does not live there, or you store goods for sale. Most online and office "
                       "work done alone does not.",
                 "es": "Tener un negocio en su casa requiere licencia si recibe clientes, tiene un empleado que "
                       "no vive allí o guarda mercancía para vender. La mayoría del trabajo en línea o de oficina "
                       "que hace solo no la requiere."},
     "requirements": {"en": ["A description of the business and its hours",
                             "The number of client visits per day", "Your Illinois business registration number"],
                      "es": ["Una descripción del negocio y su horario", "El número de visitas de clientes al día",
                             "Su número de registro de negocio de Illinois"]},
     "steps": {"en": ["Apply online", "A zoning officer reviews the application",
                      "Pay the fee when approved", "Renew every year by January 31"],
               "es": ["Solicite en línea", "Un inspector de zonificación revisa la solicitud",
                      "Pague la tarifa cuando se apruebe", "Renuévela cada año antes del 31 de enero"]},
     "fees": [(7500, {"en": "License, first year", "es": "Licencia, primer año"}),
              (5000, {"en": "Yearly renewal", "es": "Renovación anual"})],
     "keywords": {"en": "home occupation, business from home, zoning", "es": "negocio, casa, zonificación"}},
]


def _lines(lists: dict) -> dict:
    return {language: "\n".join(lines) for language, lines in lists.items()}


def _publish(obj, *, user, now: dt.datetime):
    """Save demo content as published and approved, with its first revision and audit entry (as the editorial
    workflow leaves an approved item)."""
    from django.contrib.contenttypes.models import ContentType

    from civicdesk.editorial.models import Revision, Status

    obj.status = Status.PUBLISHED
    obj.publish_at = obj.reviewed_at = now
    obj.created_by = obj.updated_by = obj.reviewed_by = user
    obj.save()
    Revision.objects.create(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk, number=1,
                            data=obj.snapshot(), status=obj.status, author=user, note="Demo content")
    obj.log_action("editorial.demo_loaded", user=user, data={"status": obj.status})
    return obj


def seed(*, departments: dict, types: dict, now: dt.datetime, user=None) -> str:
    """Create the published profiles, guides and permits for the demo's departments (slug → Department) and
    service types (code → ServiceType); guides belong to the city. Idempotent: what is there is left alone."""
    from .models import DepartmentProfile, PermitGuide, ServiceGuide

    profiles = 0
    for slug, spec in PROFILES.items():
        department = departments.get(slug)
        if department is None or DepartmentProfile.objects.filter(department=department).exists():
            continue
        special_days = []
        if slug == "sanitation":
            # A short day next week for staff training, so the page shows a day with other hours.
            day = now.date() + dt.timedelta(days=7 - now.weekday() + 2)
            special_days.append({"date": day.isoformat(), "hours": [["08:00", "12:00"]],
                                 "note": _ar({"en": "Staff training in the afternoon",
                                              "es": "Capacitación del personal por la tarde"})})
        _publish(DepartmentProfile(
            jurisdiction=department.jurisdiction, department=department, summary=_ar(spec["summary"]),
            address=_ar(spec["address"]), lat=spec["point"][0], long=spec["point"][1], hours=spec["hours"],
            special_days=special_days), user=user, now=now)
        profiles += 1
    city = next((d.jurisdiction for d in departments.values()), None)
    guides = 0
    for code, (covers, not_covers) in GUIDES.items():
        if code in types and city is not None and not ServiceGuide.objects.filter(service_type=types[code]).exists():
            _publish(ServiceGuide(jurisdiction=city, service_type=types[code], covers=_ar(covers),
                                  not_covers=_ar(not_covers)),
                     user=user, now=now)
            guides += 1
    permits = 0
    for spec in PERMITS:
        department = departments.get(spec["department"])
        if department is None or PermitGuide.objects.filter(slug=spec["slug"]).exists():
            continue
        _publish(PermitGuide(
            jurisdiction=department.jurisdiction, department=department, slug=spec["slug"], kind=spec["kind"],
            title=_ar(spec["title"]), summary=_ar(spec["summary"]), requirements=_lines(_ar(spec["requirements"])),
            apply_steps=_lines(_ar(spec["steps"])), processing_days=spec["processing_days"],
            keywords=_ar(spec["keywords"]),
            apply_url=f"https://{department.jurisdiction.open311_id}/permits/{spec['slug']}",
            fees=[{"amount_cents": cents, "currency": "USD", "covers": _ar(covers)} for cents, covers in spec["fees"]]),
            user=user, now=now)
        permits += 1
    return f"{profiles} department profiles, {guides} service guides, {permits} permit and license guides"
