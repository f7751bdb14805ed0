"""Demo documents for a city pack: eleven Riverbend papers (agenda, minutes, bylaws, a zoning map, a form, a
water-quality spreadsheet, plans...) made as real files at load time, English, Spanish and Arabic titles and summaries.
Made through the services as editors would (uploaded by one, approved by another), their text extracted at once
so search finds them; idempotent (a document with the same English title in the jurisdiction is left alone)."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from civicdesk.editorial import services as editorial

from . import samples, services
from .models import Document

_WATER = {
    "Lead and copper": [["Sampling site", "Date", "Lead (ppb)", "Copper (ppm)", "Action level met"],
                        ["Riverbend High School", "2025-06-03", 2.1, 0.18, "yes"],
                        ["Oak Street fire station", "2025-06-03", 1.4, 0.22, "yes"],
                        ["Millrace Apartments", "2025-06-04", 4.8, 0.31, "yes"],
                        ["Harbor Park pavilion", "2025-06-04", 0.9, 0.12, "yes"]],
    "Disinfection": [["Month", "Chlorine residual (mg/L)", "Total coliform positive samples"],
                     ["January", 1.2, 0], ["April", 1.1, 0], ["July", 0.9, 1], ["October", 1.0, 0]],
    "Nitrate": [["Well", "Nitrate (mg/L)", "Limit (mg/L)"], ["Well 3", 2.4, 10], ["Well 5", 3.1, 10]],
}


def _specs(today: dt.date) -> list[dict]:
    year = today.year
    return [
        {"kind": "agenda", "department": None, "from": today + dt.timedelta(days=6),
         "title": {"en": "City council agenda: regular session", "es": "Orden del día del concejo: sesión ordinaria",
                   "ar": "جدول أعمال مجلس المدينة: جلسة عادية"},
         "summary": {"en": "Items for the next regular session: the 2027 budget hearing, the sidewalk snow ordinance "
                           "and the Harbor Park playground contract.",
                     "es": "Puntos de la próxima sesión ordinaria: audiencia del presupuesto 2027, la ordenanza de "
                           "nieve en las aceras y el contrato del parque infantil de Harbor Park.",
                     "ar": "بنود الجلسة العادية القادمة: جلسة استماع ميزانية 2027، وقرار الثلج على الأرصفة، وعقد ملعب الأطفال في حديقة Harbor Park."},
         "topics": "council, agenda, budget", "format": "pdf",
         "paragraphs": ["1. Call to order and roll call.", "2. Public comment (three minutes per speaker).",
                        "3. Public hearing: proposed 2027 operating budget.",
                        "4. First reading: sidewalk snow and ice removal ordinance.",
                        "5. Contract award: Harbor Park playground replacement.", "6. Adjournment."]},
        {"kind": "minutes", "department": None, "from": today - dt.timedelta(days=24),
         "title": {"en": "City council minutes: regular session", "es": "Actas del concejo: sesión ordinaria",
                   "ar": "محضر مجلس المدينة: جلسة عادية"},
         "summary": {"en": "Approved minutes: council adopted the leaf collection schedule and heard residents on "
                           "speeding on Millrace Road.",
                     "es": "Actas aprobadas: el concejo adoptó el calendario de recogida de hojas y escuchó a los "
                           "vecinos sobre la velocidad en Millrace Road.",
                     "ar": "محضر معتمد: اعتمد المجلس جدول جمع أوراق الشجر واستمع إلى السكان بشأن السرعة الزائدة في Millrace Road."},
         "topics": "council, minutes", "format": "docx",
         "paragraphs": ["Present: Mayor Alvarez, council members Chen, Okafor, Lindqvist and Reyes.",
                        "Residents of Millrace Road asked for traffic calming near the elementary school; staff will "
                        "report on speed humps at the next session.",
                        "Motion to adopt the fall leaf collection schedule carried 5-0.",
                        "The meeting adjourned at 8:42 pm."]},
        {"kind": "bylaw", "department": "code-enforcement", "from": dt.date(year - 2, 3, 1),
         "title": {"en": "Noise bylaw", "es": "Reglamento de ruido",
                   "ar": "لائحة الضوضاء"},
         "summary": {"en": "Quiet hours, construction noise and amplified sound: what is allowed when, and how "
                           "complaints are handled.",
                     "es": "Horas de silencio, ruido de obras y sonido amplificado: qué se permite y cuándo, y cómo "
                           "se tramitan las quejas.",
                     "ar": "ساعات الهدوء، وضوضاء البناء، والصوت المكبَّر: ما المسموح به ومتى، وكيف تُعالج الشكاوى."},
         "topics": "noise, quiet hours, construction, music", "format": "pdf",
         "earlier": ["Section 1. Quiet hours run from 10 pm to 7 am every day.",
                     "Section 2. Construction noise is allowed from 7 am to 8 pm on weekdays."],
         "paragraphs": ["Section 1. Quiet hours run from 10 pm to 7 am on weeknights and from 11 pm to 8 am on "
                        "Friday and Saturday nights.",
                        "Section 2. Construction equipment may operate from 7 am to 7 pm on weekdays and from 9 am to "
                        "5 pm on Saturdays; never on Sundays or city holidays.",
                        "Section 3. Amplified music audible more than 50 feet from its source during quiet hours is "
                        "a violation. First offence: a written warning; then fines from $75.",
                        "Section 4. Residents report noise through 311; officers respond during evening shifts."],
         "note": "Amended: weekend quiet hours and Sunday construction"},
        {"kind": "zoning_map", "department": "code-enforcement", "from": dt.date(year - 1, 1, 15),
         "title": {"en": "Zoning map", "es": "Mapa de zonificación",
                   "ar": "خريطة تقسيم المناطق"},
         "summary": {"en": "Residential, commercial, industrial and riverfront zones of the city, as adopted with "
                           "the comprehensive plan.",
                     "es": "Zonas residenciales, comerciales, industriales y ribereñas de la ciudad, según el plan "
                           "general adoptado.",
                     "ar": "المناطق السكنية والتجارية والصناعية والمطلة على النهر في المدينة، كما اعتُمدت مع المخطط الشامل."},
         "topics": "zoning, land use, map", "format": "png",
         "zones": [("R-1 Residential", (214, 232, 200)), ("R-2 Residential", (190, 220, 170)),
                   ("C-1 Downtown", (250, 210, 160)), ("C-2 Corridor", (245, 190, 140)),
                   ("I-1 Industrial", (200, 200, 215)), ("RF Riverfront", (170, 210, 235))]},
        {"kind": "form", "department": "code-enforcement", "from": None,
         "title": {"en": "Fence permit application", "es": "Solicitud de permiso para cercas",
                   "ar": "طلب تصريح السياج"},
         "summary": {"en": "Fill in and bring or email this form to build or replace a fence over 4 feet, or any "
                           "fence on a corner lot. Fee: $35.",
                     "es": "Complete este formulario y tráigalo o envíelo por correo para construir o reemplazar una "
                           "cerca de más de 4 pies, o cualquier cerca en un lote de esquina. Tarifa: $35.",
                     "ar": "املأ هذا النموذج وأحضره أو أرسله بالبريد الإلكتروني لبناء سياج أو استبداله إذا زاد ارتفاعه على 4 أقدام، أو أي سياج في قطعة أرض على زاوية. الرسم: 35 دولارًا."},
         "topics": "fence, permit, building", "format": "odt",
         "paragraphs": ["Property address: ____________________", "Owner name and phone: ____________________",
                        "Fence height (feet) and material: ____________________",
                        "Attach a sketch of the lot showing the fence line and distance from the sidewalk.",
                        "Fences on corner lots must keep a 25-foot sight triangle clear at the intersection.",
                        "Call JULIE (811) before you dig post holes."]},
        {"kind": "report", "department": "public-works", "from": dt.date(year - 1, 7, 1),
         "title": {"en": "Water quality report: sampling results", "es": "Informe de calidad del agua: resultados",
                   "ar": "تقرير جودة المياه: نتائج العينات"},
         "summary": {"en": "Lead, copper, disinfection and nitrate results from the city's water system; every "
                           "sample met federal limits.",
                     "es": "Resultados de plomo, cobre, desinfección y nitrato del sistema de agua de la ciudad; "
                           "todas las muestras cumplieron los límites federales.",
                     "ar": "نتائج الرصاص والنحاس والتطهير والنترات في شبكة مياه المدينة؛ وكل العينات ضمن الحدود الاتحادية."},
         "topics": "water, lead, drinking water, quality", "format": "xlsx"},
        {"kind": "plan", "department": "public-works", "from": dt.date(year - 1, 11, 1),
         "title": {"en": "Snow and ice control plan", "es": "Plan de control de nieve y hielo",
                   "ar": "خطة مكافحة الثلج والجليد"},
         "summary": {"en": "Which streets are plowed first, when the snow emergency routes apply and where to park "
                           "during a snowstorm.",
                     "es": "Qué calles se limpian primero, cuándo rigen las rutas de emergencia por nieve y dónde "
                           "estacionar durante una tormenta.",
                     "ar": "الشوارع التي تُزال منها الثلوج أولًا، ومتى تُطبق طرق طوارئ الثلوج، وأين تقف بسيارتك أثناء العاصفة الثلجية."},
         "topics": "snow, plowing, winter, parking", "format": "pdf",
         "paragraphs": ["Priority 1: snow emergency routes (Main Street, River Road, Millrace Road) and hospital "
                        "access, plowed continuously from 2 inches of snow.",
                        "Priority 2: collector streets and school routes, within 12 hours of the end of snowfall.",
                        "Priority 3: residential streets and cul-de-sacs, within 24 hours.",
                        "When a snow emergency is declared, vehicles parked on emergency routes are towed.",
                        "Residents must clear sidewalks in front of their property within 24 hours."]},
        {"kind": "plan", "department": "public-works", "from": dt.date(year - 6, 11, 1),
         "until": dt.date(year - 1, 10, 31),
         "title": {"en": "Snow removal plan (superseded)", "es": "Plan de retiro de nieve (reemplazado)",
                   "ar": "خطة إزالة الثلوج (مستبدلة)"},
         "summary": {"en": "The earlier snow plan, replaced by the current snow and ice control plan.",
                     "es": "El plan anterior, reemplazado por el plan actual de control de nieve y hielo.",
                     "ar": "الخطة السابقة للثلوج، وقد حلت محلها خطة مكافحة الثلج والجليد الحالية."},
         "topics": "snow, plowing", "format": "odt",
         "paragraphs": ["Main roads are plowed first, then residential streets.",
                        "Salt is applied at intersections and on hills."]},
        {"kind": "policy", "department": "parks-forestry", "from": dt.date(year - 3, 4, 1),
         "title": {"en": "Street tree policy", "es": "Política de árboles en la vía pública",
                   "ar": "سياسة أشجار الشوارع"},
         "summary": {"en": "Who plants, prunes and removes trees between the sidewalk and the curb, and how to ask "
                           "for a new tree.",
                     "es": "Quién planta, poda y retira los árboles entre la acera y la calle, y cómo pedir un árbol "
                           "nuevo.",
                     "ar": "من يزرع الأشجار بين الرصيف وحافة الشارع ويقلمها ويزيلها، وكيف تطلب شجرة جديدة."},
         "topics": "trees, forestry, parkway, pruning", "format": "docx",
         "paragraphs": ["The city plants and maintains trees in the parkway strip between sidewalk and curb.",
                        "Residents may request a free parkway tree through 311; planting happens each spring and fall.",
                        "Pruning follows a seven-year cycle; hazardous limbs are removed within ten days of a report.",
                        "Residents must not remove or top parkway trees."]},
        {"kind": "other", "department": "sanitation", "from": dt.date(year, 1, 1),
         "title": {"en": "Recycling and bulk pickup calendar", "es": "Calendario de reciclaje y recogida de voluminosos",
                   "ar": "تقويم إعادة التدوير وجمع الأغراض الكبيرة"},
         "summary": {"en": "Collection days for each district: recycling every other week, bulk items once a month.",
                     "es": "Días de recogida por distrito: reciclaje cada dos semanas, objetos voluminosos una vez al "
                           "mes.",
                     "ar": "أيام الجمع في كل حي: إعادة التدوير كل أسبوعين، والأغراض الكبيرة مرة في الشهر."},
         "topics": "recycling, bulk pickup, trash, calendar", "format": "csv"},
        {"kind": "other", "department": "sanitation", "from": dt.date(year, 1, 1), "language": "es",
         "title": {"en": "Recycling guide (in Spanish)", "es": "Guía de reciclaje",
                   "ar": "دليل إعادة التدوير (بالإسبانية)"},
         "summary": {"en": "What goes in the blue cart, in Spanish.", "es": "Qué va en el contenedor azul.",
                     "ar": "ما يوضع في الحاوية الزرقاء، بالإسبانية."},
         "topics": "reciclaje, recycling", "format": "pdf",
         "paragraphs": ["Botellas y frascos de vidrio, latas de aluminio y de acero, cartón plano.",
                        "No se aceptan bolsas de plástico, vasos de espuma ni pañales.",
                        "Enjuague los envases antes de ponerlos en el contenedor azul."]},
    ]


def _calendar() -> list[list]:
    rows = [["District", "Recycling week", "Recycling day", "Bulk pickup"]]
    rows += [["North", "odd weeks", "Monday", "first Monday"], ["Central", "even weeks", "Wednesday", "second Wednesday"],
             ["South", "odd weeks", "Friday", "third Friday"]]
    return rows


def _file(spec: dict, paragraphs: list[str] | None = None) -> tuple[str, bytes]:
    title, text = spec["title"]["en"], paragraphs or spec.get("paragraphs", [])
    if spec["format"] == "pdf":
        return "document.pdf", samples.pdf(title, text)
    if spec["format"] == "docx":
        return "document.docx", samples.docx(title, text)
    if spec["format"] == "odt":
        return "document.odt", samples.odt(title, text)
    if spec["format"] == "xlsx":
        return "water-quality.xlsx", samples.xlsx(_WATER)
    if spec["format"] == "csv":
        return "calendar.csv", samples.csv_bytes(_calendar())
    return "zoning-map.png", samples.map_png(title, spec["zones"])


def seed(*, jurisdiction, departments: dict, writer, reviewer, today: dt.date) -> int:
    """Create the demo documents that are not there yet, uploaded by `writer` and approved by `reviewer` (the
    editorial workflow, with its revisions and audit entries); how many were created."""
    made = 0
    for spec in _specs(today):
        if Document.objects.filter(jurisdiction=jurisdiction, title__en=spec["title"]["en"]).exists():
            continue
        document = Document(jurisdiction=jurisdiction, department=departments.get(spec["department"]),
                            kind=spec["kind"], title=spec["title"], summary=spec["summary"],
                            language=spec.get("language", "en"), topics=spec["topics"],
                            effective_from=spec["from"], effective_until=spec.get("until"))
        first = spec.get("earlier")
        name, data = _file(spec, first)
        services.create_document(document, upload=SimpleUploadedFile(name, data), user=writer,
                                 change_note="First edition" if first else "")
        if first:
            name, data = _file(spec)
            services.add_version(document, upload=SimpleUploadedFile(name, data), user=writer,
                                 change_note=spec["note"])
        editorial.submit_for_review(document, user=writer)
        editorial.approve(document, user=reviewer)  # publishes the versions with the document
        for version in document.versions.filter(text_status="pending"):
            services.extract_version(version.pk)  # at once, so the demo's search finds the text from the start
        made += 1
    return made
