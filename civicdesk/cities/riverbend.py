"""The City of Riverbend, a fictional Illinois city inside Harlan County: CivicDesk's demo city pack."""

from __future__ import annotations

import datetime as dt
import json
import math
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .default import DefaultCity

# Models are imported inside the functions that use them, as in default.py, so that settings can name
# this pack without loading the app registry.

DATA_DIR = Path(__file__).resolve().parent / "data" / "riverbend"
#: Files in DATA_DIR the staff console offers to try its import pages with (DefaultCity.demo_file).
DEMO_FILES = {"staff.csv", "seeclickfix-catalogue.csv"}
#: Every demo staff login shares this password. It is public on purpose: a demo is never a production site.
DEMO_PASSWORD = "riverbend-demo-2026"
#: Staff must pass two-factor sign-in, so every demo staff login also has a confirmed authenticator device
#: with this key (base32; time-based, 6 digits, 30 seconds): add it to an authenticator app to get codes.
#: Public on purpose, like the password.
DEMO_TOTP_SECRET = "OJUXMZLSMJSW4ZBNMRSW23ZNORXXI4BB"
DEMO_REQUESTS = 5000
#: The demo draws everything from one seeded generator, so two loads hold the same city.
RANDOM_SEED = 311

CITY, COUNTY = "riverbend", "harlan-county"
JURISDICTIONS = [
    {"slug": CITY, "name": "City of Riverbend", "name_es": "Ciudad de Riverbend", "open311_id": "riverbend.example.gov",
     "boundary": "city.geojson", "phone": "(217) 555-0311", "email": "311@riverbend.example.gov",
     "website": "https://riverbend.example.gov",
     "address": "Riverbend City Hall, 311 Service Center\n200 N Main St\nRiverbend, IL 61899",
     "address_es": "Ayuntamiento de Riverbend (City Hall), Centro de Servicio 311\n200 N Main St\nRiverbend, IL 61899"},
    {"slug": COUNTY, "name": "Harlan County", "name_es": "Condado de Harlan", "open311_id": "harlancounty.example.gov",
     "boundary": "county.geojson", "phone": "(217) 555-0180", "email": "roads@harlancounty.example.gov",
     "website": "https://harlancounty.example.gov",
     "address": "Harlan County Courthouse\n100 Courthouse Sq\nHarlan, IL 61880",
     "address_es": "Palacio de Justicia del Condado de Harlan (Courthouse)\n100 Courthouse Sq\nHarlan, IL 61880"},
]
# What Spanish-speaking residents read for the departments and districts (names are translatable content).
DEPARTMENT_NAMES_ES = {
    "public-works": "Obras Públicas", "sanitation": "Saneamiento", "transportation": "Transporte",
    "parks-forestry": "Parques y Silvicultura", "code-enforcement": "Cumplimiento de Códigos",
    "highway": "Departamento de Carreteras",
}
DISTRICT_NAMES_ES = {"north": "Norte", "central": "Centro", "south": "Sur"}
# (jurisdiction, slug, name, email, phone, teams)
DEPARTMENTS = [
    (CITY, "public-works", "Public Works", "publicworks@riverbend.example.gov", "(217) 555-0140",
     ["Streets crew", "Water and sewer crew"]),
    (CITY, "sanitation", "Sanitation", "sanitation@riverbend.example.gov", "(217) 555-0150",
     ["North crew", "Central crew", "South crew"]),
    (CITY, "transportation", "Transportation", "transportation@riverbend.example.gov", "(217) 555-0160",
     ["Signals and lighting"]),
    (CITY, "parks-forestry", "Parks & Forestry", "parks@riverbend.example.gov", "(217) 555-0170", ["Forestry crew"]),
    (CITY, "code-enforcement", "Code Enforcement", "codes@riverbend.example.gov", "(217) 555-0175", []),
    (COUNTY, "highway", "Highway Department", "highway@harlancounty.example.gov", "(217) 555-0185",
     ["Road maintenance crew"]),
]


@dataclass(frozen=True)
class DemoStaff:
    email: str
    first_name: str
    last_name: str
    what: str
    #: (jurisdiction slug, department slug or None, team name or None, StaffMembership.Role value)
    seats: tuple[tuple[str, str | None, str | None, str], ...]
    superuser: bool = False
    leads: str = ""


#: The demo resident who has applied for permits (civicdesk/applications): signs in with DEMO_PASSWORD.
DEMO_APPLICANT = "resident@riverbend.example.org"

DEMO_STAFF = [
    DemoStaff("admin@riverbend.example.gov", "Rosa", "Delgado", _("administrator of the city and the county"),
              ((CITY, None, None, "admin"), (COUNTY, None, None, "admin")), superuser=True),
    DemoStaff("agent@riverbend.example.gov", "Marcus", "Webb", _("311 call center agent (city and county)"),
              ((CITY, None, None, "agent"), (COUNTY, None, None, "agent"))),
    DemoStaff("publicworks@riverbend.example.gov", "Priya", "Natarajan", _("Public Works staff, Streets crew"),
              ((CITY, "public-works", "Streets crew", "staff"),)),
    DemoStaff("sanitation@riverbend.example.gov", "Tom", "Kowalski", _("Sanitation supervisor"),
              ((CITY, "sanitation", None, "supervisor"),), leads="North crew"),
    DemoStaff("contractor@prairietree.example.com", "Jen", "Alvarez", _("tree contractor for Parks & Forestry"),
              ((CITY, "parks-forestry", "Forestry crew", "contractor"),)),
    DemoStaff("editor@riverbend.example.gov", "Lena", "Okafor", _("editor of the help pages (articles, FAQ, glossary)"),
              ((CITY, None, None, "editor"),)),
    DemoStaff("cashier@riverbend.example.gov", "Nadia", "Brooks", _("cashier at the city hall counter (bills and payments)"),
              ((CITY, None, None, "cashier"),)),
    DemoStaff("finance@riverbend.example.gov", "Grace", "Lindqvist",
              _("finance supervisor (refund approvals, reconciliation, ledger export)"),
              ((CITY, None, None, "finance"),)),
    DemoStaff("highway@harlancounty.example.gov", "Dale", "Hughes", _("Harlan County Highway Department staff"),
              ((COUNTY, "highway", "Road maintenance crew", "staff"),), leads="Road maintenance crew"),
]

# Published on load: an active disruption downtown (the report form says "we already know" for water
# reports inside it) and a city-wide news item.
DEMO_NOTICES = [
    {"kind": "disruption", "severity": "major", "types": ["water-main-break", "water-leak", "street-flooding"],
     "area": {"type": "Polygon", "coordinates": [[[-88.9560, 40.0990], [-88.9480, 40.0990], [-88.9480, 40.1030],
                                                  [-88.9560, 40.1030], [-88.9560, 40.0990]]]},
     "title": {"en": "Water main repair downtown", "es": "Reparación de la tubería principal en el centro"},
     "body": {"en": "A water main broke under Main Street. Crews are repairing it; water may be off or low "
                    "in the area shown until the work is done, and some lanes are closed.",
              "es": "Se rompió una tubería principal bajo Main Street. Las cuadrillas la están reparando; puede "
                    "haber poca agua o ninguna en la zona indicada hasta que terminen, y hay carriles cerrados."}},
    {"kind": "news", "severity": "info",
     "title": {"en": "New recycling carts arrive this month", "es": "Este mes llegan los nuevos contenedores de "
                                                                     "reciclaje"},
     "body": {"en": "Every household gets a new 95-gallon recycling cart. Keep using your old bin until the new "
                    "cart arrives, then leave the old one at the curb on your next collection day.",
              "es": "Cada hogar recibe un nuevo contenedor de reciclaje de 95 galones. Siga usando el anterior "
                    "hasta que llegue el nuevo y luego déjelo en la acera el siguiente día de recogida."}},
]

# The demo's published dataset (civicdesk.opendata): what the city is building, and what each column means.
CAPITAL_PROJECTS = {
    "title": "Capital projects",
    "description": "Roads, pipes, parks, buildings and equipment the City of Riverbend is planning, designing or "
                   "building, with their budgets and what has been spent so far. Updated every quarter by the "
                   "Finance Department.",
    "keywords": "capital projects, budget, construction, infrastructure",
    "frequency": "R/P3M",
    "columns": {
        "project": "What is being built or bought.",
        "department": "The department in charge of the project.",
        "district": "The district the work is in (Central for citywide purchases).",
        "category": "The kind of project.",
        "status": "Planned, Design, Under construction or Complete.",
        "budget_usd": "Money set aside for the project, in US dollars.",
        "spent_to_date_usd": "Money spent so far, in US dollars.",
        "start_date": "When work started or is due to start.",
        "expected_completion": "When the work is due to finish.",
    },
}

# Where reports bunch up: (lat, long, radius in metres, service codes, share of those codes' reports placed here).
HOTSPOTS = [
    (40.1010, -88.9520, 350, {"graffiti", "noise", "street-sweeping", "blocked-driveway"}, 0.35),  # downtown
    (40.1100, -88.9650, 450, {"park-maintenance", "illegal-dumping", "graffiti"}, 0.3),  # Riverside Park
    (40.0885, -88.9232, 300, {"pothole", "street-flooding", "storm-drain"}, 0.25),  # Wabash Ave underpass
    (40.0760, -88.9440, 350, {"rodents", "illegal-dumping", "overgrown-lot", "vacant-building",
                              "property-maintenance"}, 0.3),  # the old south side
]
# Recent flare-ups on top of the usual pattern, so the staff hotspot page (civicdesk/insights) has a real one to
# show: (lat, long, radius in metres, service code, reports per 5,000 demo requests, within the last N days).
SURGES = [
    (40.0762, -88.9436, 100, "rodents", 14, 10),  # rats in the alleys of the old south side, this fortnight
]
# Seasonal factor per month (January first) for a type's "season" in catalogue.json.
SEASONS = {
    "thaw": [1.3, 2.0, 2.2, 1.8, 1.1, 0.8, 0.7, 0.7, 0.7, 0.8, 0.9, 1.1],
    "winter": [3.0, 2.6, 1.2, 0.1, 0, 0, 0, 0, 0, 0, 0.3, 2.2],
    "winter-peak": [2.0, 1.8, 1.2, 0.8, 0.7, 0.7, 0.8, 0.8, 0.7, 0.8, 1.0, 1.6],
    "growing": [0, 0, 0.1, 0.6, 1.8, 2.2, 2.2, 2.0, 1.4, 0.5, 0.1, 0],
    "summer": [0.5, 0.5, 0.7, 0.9, 1.2, 1.5, 1.7, 1.6, 1.2, 0.9, 0.7, 0.5],
    "spring": [0.6, 0.8, 1.6, 2.0, 1.8, 1.3, 1.0, 0.8, 0.7, 0.8, 0.8, 0.6],
    "fall": [0.6, 0.5, 0.6, 0.7, 0.7, 0.7, 0.7, 0.8, 1.2, 2.2, 2.4, 1.2],
}
WEEKDAY_WEIGHTS = [1.25, 1.15, 1.1, 1.05, 1.0, 0.6, 0.55]
DAY_HOURS = [1, 0.5, 0.3, 0.3, 0.4, 1, 3, 6, 9, 10, 10, 9, 8, 8, 8, 7, 7, 7, 6, 5, 4, 3, 2, 1.5]
NIGHT_HOURS = [6, 5, 3, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 3, 4, 6, 8, 9, 8]
CHANNELS = {"web": 39, "phone": 28, "api": 16, "email": 5, "sms": 6, "counter": 5, "social": 1}
OUTCOMES = {"fixed": 83, "no_further_action": 7, "not_responsible": 4, "referred": 2, "cancelled": 4}
# The open statuses a request passes through before each kind of closure, with their odds.
PATHS = {
    "fixed": [(["acknowledged", "in_progress"], 50), (["acknowledged", "investigating", "action_scheduled"], 25),
              (["acknowledged", "action_scheduled", "in_progress"], 15), ([], 10)],
    "no_further_action": [(["acknowledged", "investigating"], 70), (["investigating"], 30)],
    "not_responsible": [(["acknowledged"], 60), ([], 40)],
    "referred": [(["acknowledged"], 60), ([], 40)],
    "cancelled": [([], 70), (["acknowledged"], 30)],
    "duplicate": [([], 100)],
}
# What staff write on the public timeline (demo content, so plain English like a person typing it).
MESSAGES = {
    "acknowledged": "Thank you for your report. It has been passed to {department}.",
    "investigating": "An inspector will visit the location.",
    "in_progress": "A crew has been assigned and the work is under way.",
    "action_scheduled": "The work has been scheduled.",
    "fixed": "The problem has been fixed. Thank you for reporting it.",
    "no_further_action": "We looked into this and no further action is needed.",
    "not_responsible": "This is not something {jurisdiction} looks after; we have let the owner know.",
    "referred": "We have referred this to the agency responsible for it.",
    "duplicate": "This problem was already reported as {original}. Please follow that request for updates.",
    "cancelled": "Cancelled at the reporter's request.",
}
FIRST_NAMES = ["Maria", "James", "Linda", "Robert", "Aisha", "Daniel", "Sofia", "Michael", "Grace", "Luis", "Emily",
               "David", "Keisha", "Carlos", "Hannah", "Wei", "Olivia", "Andre", "Fatima", "Noah", "Elena", "Ethan",
               "Mei", "Jorge"]
LAST_NAMES = ["Johnson", "Garcia", "Miller", "Nguyen", "Brown", "Hernandez", "Wilson", "Okafor", "Lopez", "Anderson",
              "Kim", "Martinez", "Thompson", "Patel", "Schmidt", "Rivera", "Jackson", "Novak", "Ramirez", "Clark"]


def us_federal_holidays(first_year: int, last_year: int) -> list[tuple[dt.date, str]]:
    """The days federal offices close from first_year to last_year (inclusive), sorted.

    A holiday falling on a Saturday is observed the Friday before, one on a
    Sunday the Monday after (5 U.S.C. 6103); so New Year's Day of the next
    year can be observed on 31 December.
    """

    def nth(year: int, month: int, weekday: int, n: int) -> dt.date:
        first = dt.date(year, month, 1)
        return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))

    def last(year: int, month: int, weekday: int) -> dt.date:
        end = dt.date(year, month + 1, 1) - dt.timedelta(days=1)
        return end - dt.timedelta(days=(end.weekday() - weekday) % 7)

    days = []
    for year in range(first_year, last_year + 2):
        fixed = [(dt.date(year, 1, 1), "New Year's Day"), (dt.date(year, 6, 19), "Juneteenth"),
                 (dt.date(year, 7, 4), "Independence Day"), (dt.date(year, 11, 11), "Veterans Day"),
                 (dt.date(year, 12, 25), "Christmas Day")]
        for date, name in fixed:
            shift = {5: -1, 6: 1}.get(date.weekday(), 0)
            days.append((date + dt.timedelta(days=shift), f"{name} (observed)" if shift else name))
        days += [(nth(year, 1, 0, 3), "Birthday of Martin Luther King, Jr."),
                 (nth(year, 2, 0, 3), "Washington's Birthday"), (last(year, 5, 0), "Memorial Day"),
                 (nth(year, 9, 0, 1), "Labor Day"), (nth(year, 10, 0, 2), "Columbus Day"),
                 (nth(year, 11, 3, 4), "Thanksgiving Day")]
    return sorted((date, name) for date, name in days if first_year <= date.year <= last_year)


#: The federal holidays' names in Spanish and Arabic (residents read them on the directory's opening hours).
HOLIDAY_NAMES = {
    "New Year's Day": ("Año Nuevo", "رأس السنة الميلادية"),
    "Juneteenth": ("Juneteenth (Día de la Emancipación)", "جونتينث (يوم التحرر)"),
    "Independence Day": ("Día de la Independencia", "يوم الاستقلال"),
    "Veterans Day": ("Día de los Veteranos", "يوم المحاربين القدامى"),
    "Christmas Day": ("Navidad", "عيد الميلاد"),
    "Birthday of Martin Luther King, Jr.": ("Natalicio de Martin Luther King, Jr.", "ذكرى ميلاد مارتن لوثر كينغ الابن"),
    "Washington's Birthday": ("Natalicio de Washington", "ذكرى ميلاد واشنطن"),
    "Memorial Day": ("Día de los Caídos", "يوم الذكرى"),
    "Labor Day": ("Día del Trabajo", "عيد العمال"),
    "Columbus Day": ("Día de Colón", "يوم كولومبوس"),
    "Thanksgiving Day": ("Día de Acción de Gracias", "عيد الشكر"),
}


def holiday_names(name: str) -> dict[str, str]:
    """{language: name} of a holiday of us_federal_holidays() ("… (observed)" included)."""
    base, observed = (name.removesuffix(" (observed)"), name.endswith(" (observed)"))
    spanish, arabic = HOLIDAY_NAMES[base]
    if observed:
        spanish, arabic = f"{spanish} (día feriado)", f"{arabic} (يوم العطلة)"
    return {"en": name, "es": spanish, "ar": arabic}


def read_geojson(name: str) -> dict:
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


def read_arabic() -> dict:
    """arabic.json: what Arabic-speaking residents read (catalogue, places, notices), keyed like catalogue.json."""
    return json.loads((DATA_DIR / "arabic.json").read_text(encoding="utf-8"))


def read_catalogue() -> dict:
    """catalogue.json: service groups and types (English and Spanish), routing, demo hints.

    The emergency phrases are CivicDesk's starting set (civicdesk/triage/data/emergency_phrases.json).
    """
    return json.loads((DATA_DIR / "catalogue.json").read_text(encoding="utf-8"))


class Riverbend(DefaultCity):
    """Riverbend, Illinois (fictional): three districts, six departments, Harlan County around it."""

    slug = "riverbend"
    name = "City of Riverbend"
    short_name = "311"
    tagline = _("Report a problem, get a tracking number, and follow it until it is fixed.")
    map_center = (40.1010, -88.9520, 13)
    state = "IL"
    email_domain = "riverbend.example.gov"
    has_demo = True

    def format_address(self, number: str, street: str, unit: str = "", city: str = "", postcode: str = "") -> str:
        """US style: "120 N Main St Apt 2, Riverbend, IL 61899"; the state only follows a town or ZIP code."""
        line = " ".join(part for part in [number, street, unit] if part)
        if not (city or postcode):
            return line
        region = " ".join(part for part in [self.state, postcode] if part)
        return f"{line}, " + ", ".join(part for part in [city, region] if part)

    def demo_file(self, name: str):
        """The demo's sample import files: "staff.csv" (new staff with Spanish and Arabic names, a role change and
        an unchanged seat of the demo logins) and "seeclickfix-catalogue.csv" (a catalogue export in the shape a
        SeeClickFix city hands over, for the catalogue mapping pages)."""
        return DATA_DIR / name if name in DEMO_FILES else None

    def demo_logins(self) -> list[tuple[str, str, str]]:
        return [(person.email, DEMO_PASSWORD, str(person.what)) for person in DEMO_STAFF]

    def demo_totp_secret(self) -> str:
        """The authenticator key (base32) shared by every demo staff login."""
        return DEMO_TOTP_SECRET

    def seed_demo(self, *, stdout=None, requests: int = DEMO_REQUESTS) -> None:
        """Load the demo into an empty database, all or nothing.

        Builds the two jurisdictions with their districts, departments, teams,
        holidays, catalogue, routing rules and emergency phrases (the starting set); loads the
        address list through the import_addresses code path; creates the demo
        staff; and makes `requests` historical requests spread over the last
        twelve months, ending now. The same seed gives the same city every time.
        """
        say: Callable[[str], Any] = (lambda text: stdout.write(text + "\n")) if stdout else (lambda text: None)
        rng = random.Random(RANDOM_SEED)
        now = timezone.now()
        with transaction.atomic():
            world = _DemoWorld()
            self._seed_places(world, now)
            say(f"Jurisdictions: {len(world.jurisdictions)}, districts: {len(world.districts)}, "
                f"departments: {len(world.departments)}, teams: {len(world.teams)}")
            self._seed_catalogue(world)
            say(f"Service types: {len(world.types)}, routing rules: {world.rule_count}")
            loaded = self._seed_addresses()
            say(f"Address points: {loaded}")
            self._seed_staff(world)
            say(f"Demo staff: {len(DEMO_STAFF)}")
            made = _History(world, rng, now).build(requests)
            say(f"Requests: {made} over the last twelve months")
            say(f"\"Was it fixed?\" answers: {self._seed_feedback(world, rng, now)}")
            moved = self._seed_transfers(world, rng)
            say(f"Transferred between departments: {moved}")
            posted = self._seed_notices(world, now)
            say(f"Service notices: {posted}")
            say(f"Notice templates: {self._seed_notice_templates(world)}")
            say(f"Arabic names and texts: {self._seed_arabic(world)}")
            say(f"Category suggestions: {self._seed_classifier()}")
            say(f"Open data: {self._seed_open_data(world)}")
            say(f"Meetings: {self._seed_meetings(world, now)}")
            say(f"Newsletter issues: {self._seed_newsletter(world, now)}")
            say(f"Surveys: {self._seed_surveys(world)}")
            say(f"Permits and licences: {self._seed_applications(world)}")
            say(f"Inspections: {self._seed_inspections(world)}")
            say(f"Public records requests: {self._seed_records(world)}")
            say(f"Forums and comments: {self._seed_forums(world)}")
            say(f"Help content: {self._seed_help_content(world)}")
            say(f"Directory: {self._seed_directory(world, now)}")
            say(f"Library documents: {self._seed_documents(world, now)}")
            say(f"Embeddable portal: {self._seed_embed(world)}")
            say(f"Search log: {self._seed_search(rng, now)}")
            say(f"Single sign-on group mappings: {self._seed_sso(world)}")
            say(f"Work-order connector: {self._seed_connectors(world)}")
            say(f"Reports by message: {self._seed_messages(world, now)}")
            say(f"Bills: {self._seed_bills(world, now)}")
            say(f"Bills from the billing system: {self._seed_bill_import(world, now)}")
            say(f"Counter, refunds, reconciliation: {self._seed_money_ops(world)}")
            say(f"Open data files: {self._seed_open_data_files()}")

    def _seed_bills(self, world: _DemoWorld, now: dt.datetime) -> str:
        """Billing accounts of every kind with bills and line items (civicdesk/payments/demo.py)."""
        from civicdesk.payments import demo

        from civicdesk.accounts.models import User

        summary = demo.seed(jurisdiction=world.jurisdictions[CITY], today=timezone.localdate(now))
        # The demo resident (who also applies for permits) pays a water bill by autopay (docs/payments-autopay.md).
        resident = User.objects.filter(email=DEMO_APPLICANT).first() or User.objects.create_user(
            email=DEMO_APPLICANT, password=DEMO_PASSWORD, first_name="Maria", last_name="Lopez")
        autopay = demo.seed_autopay(jurisdiction=world.jurisdictions[CITY], user=resident,
                                    today=timezone.localdate(now))
        return f"{summary}; {autopay}"

    def _seed_money_ops(self, world: _DemoWorld) -> str:
        """Counter payments by the demo cashier, a refund waiting for approval, a payout difference
        (civicdesk/payments/ops_demo.py)."""
        from civicdesk.accounts.models import User
        from civicdesk.payments import ops_demo

        return ops_demo.seed(jurisdiction=world.jurisdictions[CITY],
                             cashier=User.objects.get(email="cashier@riverbend.example.gov"))

    def _seed_sso(self, world: _DemoWorld) -> int:
        """The single sign-on table: directory groups → seats (civicdesk/sso/demo.py); sign-on itself stays off."""
        from civicdesk.sso import demo

        return demo.seed(jurisdictions=world.jurisdictions, departments=world.departments)

    def _seed_bill_import(self, world: _DemoWorld, now) -> str:
        """Bill reminder policies and a bill file imported through the real importer (payments/bill_demo.py)."""
        from civicdesk.accounts.models import User
        from civicdesk.payments.bill_demo import seed_riverbend

        admin = User.objects.filter(email=DEMO_STAFF[0].email).first()
        return seed_riverbend(jurisdiction=world.jurisdictions[CITY], admin=admin, today=timezone.localdate(now))

    def _seed_connectors(self, world: _DemoWorld) -> str:
        """Parks & Forestry forwards its requests to a CSV folder under CIVICDESK_VAR_DIR (civicdesk/connectors)."""
        from civicdesk.accounts.models import User
        from civicdesk.connectors.demo import seed_riverbend

        admin = User.objects.filter(email=DEMO_STAFF[0].email).first()
        return seed_riverbend(jurisdiction=world.jurisdictions[CITY], department=world.departments["parks-forestry"],
                              admin=admin)

    def _seed_classifier(self) -> str:
        """Train the category suggester on the history just made (after the Arabic names and keywords, which it
        also learns from), so "Is this about …?" works in the demo straight away (civicdesk/triage/suggest.py).

        Only the every-language model of each jurisdiction, to keep the load quick; the nightly retraining (or
        `manage.py train_classifier`) adds the per-language ones."""
        from civicdesk.jurisdictions.models import Jurisdiction
        from civicdesk.triage.suggest import NotEnoughHistory, train

        from civicdesk.servicerequests.models import ServiceRequest

        made = []
        for jurisdiction in Jurisdiction.objects.filter(is_active=True).order_by("pk"):
            try:
                made.append(train(jurisdiction))
            except NotEnoughHistory:
                continue
        # After training (the model must not learn from it): a resident who chose "street sign" (or, in a small
        # demo without an open one, "traffic signal" or "pothole") for a street light, so the staff page offers
        # to change the kind.
        misfiled = None
        for code in ("street-sign", "traffic-signal", "pothole"):
            misfiled = misfiled or (ServiceRequest.objects.filter(service_type__code=code, is_open=True,
                                                                  jurisdiction__slug=CITY)
                                    .order_by("-requested_at", "-pk").first())
        if misfiled is not None:
            ServiceRequest.objects.filter(pk=misfiled.pk).update(
                description="Streetlight out in front of my house, the whole block is dark.")
        return ", ".join(f"{m.jurisdiction.slug} v{m.version} ({m.rows} rows, {m.train_seconds:.1f} s)" for m in made)

    def _seed_help_content(self, world: _DemoWorld) -> str:
        """Help hub topics, articles, FAQ and glossary (civicdesk/content/demo.py), written by the demo editor
        and approved by the administrator."""
        from civicdesk.accounts.models import User
        from civicdesk.content import demo

        return demo.seed(jurisdiction=world.jurisdictions[CITY],
                         writer=User.objects.get(email="editor@riverbend.example.gov"),
                         reviewer=User.objects.get(email=DEMO_STAFF[0].email))

    def _seed_messages(self, world: _DemoWorld, now: dt.datetime) -> str:
        """Email reports waiting for triage and text conversations for the staff queue (civicdesk/conversations)."""
        from civicdesk.conversations import demo

        return demo.seed(jurisdiction=world.jurisdictions[CITY], types=world.types, now=now)

    def _seed_search(self, rng: random.Random, now: dt.datetime) -> str:
        """What residents searched for without results, and the answers they followed before a report (the
        site search's staff pages; civicdesk/search/demo.py). Runs after the help content is written."""
        from civicdesk.search import demo

        return demo.seed(rng=rng, now=now)

    def _seed_transfers(self, world: _DemoWorld, rng: random.Random, count: int = 6) -> int:
        """Hand a few open requests to another department through transfer(), so the receiving
        staff have something in "Transferred in" (and the history shows how a transfer reads)."""
        from civicdesk.servicerequests.models import ServiceRequest
        from civicdesk.servicerequests.services import transfer

        moves = [("public-works", "sanitation", "Debris is household trash: Sanitation collects it."),
                 ("sanitation", "public-works", "Damage to the street surface: Public Works crews handle it.")]
        moved = 0
        for source, target, reason in moves:
            if source not in world.departments or target not in world.departments:
                continue
            candidates = list(ServiceRequest.objects.filter(department=world.departments[source], is_open=True)
                              .order_by("requested_at", "id")[:40])
            actor = world.staff_by_department.get(world.departments[source].pk)
            for request in rng.sample(candidates, min(count // 2, len(candidates))):
                transfer(request, department=world.departments[target], user=actor, reason=reason)
                moved += 1
        return moved

    def _seed_feedback(self, world: _DemoWorld, rng: random.Random, now: dt.datetime) -> int:
        """Residents' "was it fixed?" answers on some closed requests, a few replied to (civicdesk/feedback)."""
        from civicdesk.feedback.demo import seed_demo_answers

        return seed_demo_answers(rng=rng, now=now, staff_by_department=world.staff_by_department)

    def _seed_notices(self, world: _DemoWorld, now: dt.datetime) -> int:
        """One active disruption downtown and one news item, published through the notices services.

        Idempotent: a notice already there (same jurisdiction and English title) is left alone.
        """
        from civicdesk.accounts.models import User
        from civicdesk.notices import services as notices
        from civicdesk.notices.models import ServiceNotice

        author = User.objects.filter(email=DEMO_STAFF[0].email).first()
        city_hall = world.jurisdictions[CITY]
        posted = 0
        for spec in DEMO_NOTICES:
            if ServiceNotice.objects.filter(jurisdiction=city_hall, title_en=spec["title"]["en"]).exists():
                continue
            notice = ServiceNotice(
                jurisdiction=city_hall, kind=spec["kind"], severity=spec["severity"], area=spec.get("area"),
                title_en=spec["title"]["en"], title_es=spec["title"]["es"], body_en=spec["body"]["en"],
                body_es=spec["body"]["es"], starts_at=now - dt.timedelta(days=1), ends_at=None)
            notices.save_notice(notice, user=author, districts=[],
                                service_types=[world.types[code] for code in spec.get("types", [])])
            notices.publish(notice, user=author, now=now)
            posted += 1
        return posted

    def _seed_notice_templates(self, world: _DemoWorld) -> int:
        """The city's notice templates (road closure, boil-water advisory, missed collection delay, park closure)
        in English, Spanish and Arabic, from notice_templates.json. Idempotent (by short name)."""
        from civicdesk.notices.models import NoticeTemplate

        city_hall = world.jurisdictions[CITY]
        made = 0
        for spec in json.loads((DATA_DIR / "notice_templates.json").read_text(encoding="utf-8")):
            if NoticeTemplate.objects.filter(jurisdiction=city_hall, slug=spec["slug"]).exists():
                continue
            template = NoticeTemplate(jurisdiction=city_hall, slug=spec["slug"], name=spec["name"], kind=spec["kind"],
                                      severity=spec["severity"])
            for code, text in spec["title"].items():
                setattr(template, f"title_{code}", text)
            for code, text in spec["body"].items():
                setattr(template, f"body_{code}", text)
            template.save()
            made += 1
        return made

    def _seed_arabic(self, world: _DemoWorld) -> int:
        """Fill the `_ar` columns of the demo's jurisdictions, departments, districts, catalogue and notices
        from arabic.json (the right-to-left language of docs/languages.md). Returns how many rows it wrote."""
        from civicdesk.catalog.models import AttributeValue, ServiceAttribute, ServiceGroup
        from civicdesk.notices.models import ServiceNotice

        arabic, catalogue, written = read_arabic(), read_catalogue(), 0

        def update(queryset, **fields) -> None:
            nonlocal written
            written += queryset.update(**fields)

        for slug, spec in arabic["jurisdictions"].items():
            update(type(world.jurisdictions[slug]).objects.filter(slug=slug), name_ar=spec["name"],
                   address_ar=spec["address"])
        for slug, name in arabic["departments"].items():
            update(type(world.departments[slug]).objects.filter(pk=world.departments[slug].pk), name_ar=name)
        for slug, name in arabic["districts"].items():
            update(type(world.districts[slug]).objects.filter(pk=world.districts[slug].pk), name_ar=name)
        english_groups = {spec["key"]: spec["name"]["en"] for spec in catalogue["groups"]}
        for key, name in arabic["groups"].items():
            update(ServiceGroup.objects.filter(name_en=english_groups[key]), name_ar=name)
        for code, spec in arabic["service_types"].items():
            service_type = world.types[code]
            update(type(service_type).objects.filter(pk=service_type.pk), name_ar=spec["name"],
                   description_ar=spec["description"], keywords_ar=spec["keywords"])
            for question_code, question in spec.get("questions", {}).items():
                attribute = ServiceAttribute.objects.get(service_type=service_type, code=question_code)
                update(ServiceAttribute.objects.filter(pk=attribute.pk), description_ar=question["question"],
                       datatype_description_ar=question.get("hint", ""))
                for key, name in question.get("choices", {}).items():
                    update(AttributeValue.objects.filter(attribute=attribute, key=key), name_ar=name)
        for english_title, spec in arabic["notices"].items():
            update(ServiceNotice.objects.filter(jurisdiction=world.jurisdictions[CITY], title_en=english_title),
                   title_ar=spec["title"], body_ar=spec["body"])
        return written

    def _seed_meetings(self, world: _DemoWorld, now: dt.datetime) -> int:
        """Upcoming and past meetings with agendas, minutes, a recording link and RSVPs (civicdesk/meetings/demo.py)."""
        from civicdesk.accounts.models import User
        from civicdesk.meetings import demo

        author = User.objects.filter(email=DEMO_STAFF[0].email).first()
        return demo.seed(jurisdiction=world.jurisdictions[CITY], author=author, now=now,
                         centre=(self.map_center[0], self.map_center[1]))

    def _seed_newsletter(self, world: _DemoWorld, now: dt.datetime) -> int:
        """A few subscribers and one sent newsletter issue (civicdesk/newsletter/demo.py)."""
        from civicdesk.accounts.models import User
        from civicdesk.newsletter import demo

        author = User.objects.filter(email=DEMO_STAFF[0].email).first()
        return demo.seed(jurisdiction=world.jurisdictions[CITY], author=author, now=now)

    def _seed_directory(self, world: _DemoWorld, now: dt.datetime) -> str:
        """Department profiles, what the common services cover, permit and license guides (civicdesk/directory)."""
        from civicdesk.accounts.models import User
        from civicdesk.directory import demo

        author = User.objects.filter(email=DEMO_STAFF[0].email).first()
        return demo.seed(departments=world.departments, types=world.types, now=now, user=author)

    def _seed_embed(self, world: _DemoWorld) -> str:
        """A theme for the city's embedded pages and the local sites that may frame them (civicdesk/embed/demo.py)."""
        from civicdesk.embed import demo

        return demo.seed(jurisdiction=world.jurisdictions[CITY])

    def _seed_documents(self, world: _DemoWorld, now: dt.datetime) -> int:
        """Bylaws, agendas, minutes, a zoning map, a form, a water-quality spreadsheet and plans, made as real
        files at load time (civicdesk/documents/demo.py), uploaded by the demo editor and approved by the
        administrator."""
        from civicdesk.accounts.models import User
        from civicdesk.documents import demo

        return demo.seed(jurisdiction=world.jurisdictions[CITY], departments=world.departments,
                         writer=User.objects.get(email="editor@riverbend.example.gov"),
                         reviewer=User.objects.get(email=DEMO_STAFF[0].email), today=timezone.localdate(now))

    def _seed_forums(self, world: _DemoWorld) -> str:
        """Boards (topics and one per city district), threads, an official answer, comments on requests."""
        from civicdesk.accounts.models import User
        from civicdesk.forums import demo

        city_hall = world.jurisdictions[CITY]
        return demo.seed(jurisdiction=city_hall,
                         districts=[d for d in world.districts.values() if d.jurisdiction_id == city_hall.pk],
                         staff=User.objects.get(email=DEMO_STAFF[0].email),
                         service_types=[world.types[code] for code in ("pothole", "streetlight-out", "graffiti")
                                        if code in world.types],
                         password=DEMO_PASSWORD)

    def _seed_open_data(self, world: _DemoWorld) -> str:
        """Publish the capital projects list through the open-data services (as a supervisor would).
        Idempotent: a dataset already there (same title) is left alone. The files are made last
        (`_seed_open_data_files`)."""
        from civicdesk.accounts.models import User
        from civicdesk.opendata import services as opendata
        from civicdesk.opendata.models import PublishedDataset

        author = User.objects.filter(email=DEMO_STAFF[0].email).first()
        if not PublishedDataset.objects.filter(title=CAPITAL_PROJECTS["title"]).exists():
            dataset = opendata.create_dataset(
                jurisdiction=world.jurisdictions[CITY], data=(DATA_DIR / "capital_projects.csv").read_bytes(),
                file_name="capital_projects.csv", user=author,
                **{key: CAPITAL_PROJECTS[key] for key in ("title", "description", "keywords", "frequency")})
            for column in dataset.columns.all():
                column.description = CAPITAL_PROJECTS["columns"].get(column.key, "")
                column.save(update_fields=["description"])
            opendata.publish(dataset, user=author)
        return "1 published dataset"

    def _seed_open_data_files(self) -> str:
        """Produce the built-in datasets' files, so /open-data/ has downloads before the first nightly export.
        Last of the demo's steps: the files hold the requests as the demo leaves them (the work-order connector
        and the reports by message change some after the history is built)."""
        from civicdesk.opendata import exports

        return f"{len(exports.export_all())} files"

    def _seed_surveys(self, world: _DemoWorld) -> str:
        """The park survey (conditional questions, English and Spanish), open, with answers to read in the
        staff console (civicdesk/surveys/demo.py). Idempotent: left alone when already there."""
        from civicdesk.accounts.models import User
        from civicdesk.surveys.demo import add_responses, build_park_survey
        from civicdesk.surveys.models import Survey

        if Survey.objects.filter(slug="riverside-park").exists():
            return "already there"
        author = User.objects.filter(email=DEMO_STAFF[0].email).first()
        survey = build_park_survey(world.jurisdictions[CITY], user=author)
        return f"1 open survey, {add_responses(survey, 60)} responses"

    def _seed_applications(self, world: _DemoWorld) -> str:
        """A fence permit, a block-party permit and a dog licence, and a demo resident's fence applications in
        several states (civicdesk/applications/demo.py). Idempotent: left alone when already there."""
        from civicdesk.accounts.models import User
        from civicdesk.applications.demo import seed
        from civicdesk.applications.models import ApplicationType

        if ApplicationType.objects.filter(slug="fence-permit").exists():
            return "already there"
        author = User.objects.filter(email=DEMO_STAFF[0].email).first()
        applicant = User.objects.filter(email=DEMO_APPLICANT).first() or User.objects.create_user(
            email=DEMO_APPLICANT, password=DEMO_PASSWORD, first_name="Maria", last_name="Lopez")
        return seed(world.jurisdictions[CITY], world.departments, user=author, applicant=applicant)

    def _seed_inspections(self, world: _DemoWorld) -> str:
        """The fence permit's inspection by Public Works (Priya inspects), her times next week, one booking
        (civicdesk/inspections/demo.py). Idempotent."""
        from civicdesk.accounts.models import User
        from civicdesk.applications.models import ApplicationType
        from civicdesk.inspections.demo import seed

        fence = ApplicationType.objects.filter(slug="fence-permit").first()
        inspector = User.objects.filter(email="publicworks@riverbend.example.gov").first()
        if fence is None or inspector is None:
            return "no fence permit or inspector"
        return seed(fence, department=world.departments["public-works"], inspector=inspector,
                    applicant=User.objects.filter(email=DEMO_APPLICANT).first())

    def _seed_records(self, world: _DemoWorld) -> str:
        """The "Public records request" type (handled by the city's administrators, who act as the clerk's
        office), its exemption reasons, and five requests in the public log (civicdesk/records/demo.py).
        Idempotent: left alone when already there."""
        from civicdesk.accounts.models import User
        from civicdesk.applications.models import ApplicationType
        from civicdesk.records.demo import seed

        if ApplicationType.objects.filter(slug="public-records").exists():
            return "already there"
        author = User.objects.filter(email=DEMO_STAFF[0].email).first()
        requester = User.objects.filter(email=DEMO_APPLICANT).first() or User.objects.create_user(
            email=DEMO_APPLICANT, password=DEMO_PASSWORD, first_name="Maria", last_name="Lopez")
        return seed(world.jurisdictions[CITY], department=None, user=author, requester=requester)

    # --- places and people --------------------------------------------------------------------------------

    def _seed_places(self, world: _DemoWorld, now: dt.datetime) -> None:
        from civicdesk.jurisdictions.models import Department, District, Holiday, Jurisdiction, Team

        holidays = us_federal_holidays(now.year - 1, now.year + 1)
        for spec in JURISDICTIONS:
            boundary = read_geojson(spec["boundary"])["features"][0]["geometry"]
            jurisdiction = Jurisdiction.objects.create(
                name_en=spec["name"], name_es=spec["name_es"], address_en=spec["address"],
                address_es=spec["address_es"], slug=spec["slug"], open311_id=spec["open311_id"], boundary=boundary,
                time_zone="America/Chicago", languages=[code for code, _name in settings.LANGUAGES],
                phone=spec["phone"], email=spec["email"],
                website=spec["website"],
            )
            Holiday.objects.bulk_create(
                Holiday(jurisdiction=jurisdiction, date=date,
                        **{f"name_{lang}": text for lang, text in holiday_names(name).items()})
                for date, name in holidays)
            jurisdiction.log_action("jurisdiction.demo_loaded", data={"city_pack": self.slug})
            world.jurisdictions[spec["slug"]] = jurisdiction
        for feature in read_geojson("districts.geojson")["features"]:
            props = feature["properties"]
            world.districts[props["slug"]] = District.objects.create(
                jurisdiction=world.jurisdictions[CITY], name_en=props["name"],
                name_es=DISTRICT_NAMES_ES.get(props["slug"]), slug=props["slug"],
                boundary=feature["geometry"])
        for juris, slug, name, email, phone, teams in DEPARTMENTS:
            department = Department.objects.create(jurisdiction=world.jurisdictions[juris], slug=slug, name_en=name,
                                                   name_es=DEPARTMENT_NAMES_ES.get(slug), email=email, phone=phone)
            world.departments[slug] = department
            for team in teams:
                world.teams[team] = Team.objects.create(department=department, name=team)

    def _seed_catalogue(self, world: _DemoWorld) -> None:
        from civicdesk.catalog.models import Priority, RoutingRule, ServiceGroup
        from civicdesk.triage.services import load_emergency_phrases

        catalogue = read_catalogue()
        groups = {}
        for order, spec in enumerate(catalogue["groups"], start=1):
            groups[spec["key"]] = ServiceGroup.objects.create(
                name_en=spec["name"]["en"], name_es=spec["name"]["es"], order=order)
        for order, spec in enumerate(catalogue["service_types"], start=1):
            service_type = _create_service_type(spec, group=groups[spec["group"]], order=order,
                                                priority=Priority[spec["priority"].upper()])
            service_type.jurisdictions.set([world.jurisdictions[slug] for slug in spec["offered_in"]])
            world.types[spec["code"]] = service_type
            world.demo[spec["code"]] = spec.get("demo", {})
        for spec in catalogue["routing_rules"]:
            rule = RoutingRule.objects.create(
                jurisdiction=world.jurisdictions[spec["jurisdiction"]], name=spec["name"], order=spec["order"],
                department=world.departments[spec["department"]],
                team=world.teams[spec["team"]] if spec.get("team") else None,
                district=world.districts[spec["district"]] if spec.get("district") else None,
            )
            rule.service_types.set([world.types[code] for code in spec["types"]])
            world.rule_count += 1
        load_emergency_phrases()

    def _seed_addresses(self) -> int:
        from civicdesk.jurisdictions.management.commands.import_addresses import import_addresses

        result = import_addresses(DATA_DIR / "addresses.csv")
        if result.rejected or result.unplaced:
            # The shipped file is checked by the tests; a bad row here means it was edited by hand.
            first = result.rejected[0] if result.rejected else None
            raise ValueError(f"addresses.csv has {len(result.rejected)} bad rows and {len(result.unplaced)} rows "
                             f"outside the boundaries" + (f"; line {first.line}: {first.reason}" if first else ""))
        return result.loaded

    def _seed_staff(self, world: _DemoWorld) -> None:
        import base64

        from django.contrib.auth.hashers import make_password
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from civicdesk.accounts.models import User
        from civicdesk.jurisdictions.models import StaffMembership

        # One hash for all: they share the documented password, and hashing once keeps the seed fast.
        password = make_password(DEMO_PASSWORD)
        for person in DEMO_STAFF:
            user, _created = User.objects.update_or_create(email=person.email, defaults={
                "first_name": person.first_name, "last_name": person.last_name, "password": password,
                "is_staff": True, "is_superuser": person.superuser, "is_active": True,
            })
            TOTPDevice.objects.update_or_create(user=user, name="authenticator", defaults={
                "key": base64.b32decode(DEMO_TOTP_SECRET).hex(), "confirmed": True})
            for juris, department, team, role in person.seats:
                StaffMembership.objects.create(
                    user=user, jurisdiction=world.jurisdictions[juris], role=role,
                    department=world.departments[department] if department else None,
                    team=world.teams[team] if team else None)
                if department:
                    world.staff_by_department[world.departments[department].pk] = user
            if person.leads:
                world.teams[person.leads].lead = user
                world.teams[person.leads].save(update_fields=["lead"])
            if any(role == "agent" for *_, role in person.seats):
                world.agent = user


def _create_service_type(spec: dict, *, group, order: int, priority: int):
    from civicdesk.catalog.models import AttributeValue, ServiceAttribute, ServiceType

    service_type = ServiceType.objects.create(
        code=spec["code"], group=group, order=order, default_priority=priority, sla_hours=spec.get("sla_hours"),
        name_en=spec["name"]["en"], name_es=spec["name"]["es"],
        description_en=spec["description"]["en"], description_es=spec["description"]["es"],
        keywords_en=spec["keywords"]["en"], keywords_es=spec["keywords"]["es"],
        is_private=spec.get("private", False), is_sensitive=spec.get("sensitive", False),
        allow_anonymous=spec.get("allow_anonymous", True),
        requires_name=spec.get("requires_name", False), requires_email=spec.get("requires_email", False),
        requires_phone=spec.get("requires_phone", False), duplicate_radius_m=spec.get("duplicate_radius_m", 50),
    )
    for position, question in enumerate(spec.get("questions", []), start=1):
        hint = question.get("hint", {})
        attribute = ServiceAttribute.objects.create(
            service_type=service_type, code=question["code"], datatype=question["datatype"],
            description_en=question["question"]["en"], description_es=question["question"]["es"],
            datatype_description_en=hint.get("en", ""), datatype_description_es=hint.get("es", ""),
            required=question.get("required", False), order=position,
        )
        AttributeValue.objects.bulk_create(
            AttributeValue(attribute=attribute, key=choice["key"], name_en=choice["name"]["en"],
                           name_es=choice["name"]["es"], order=index)
            for index, choice in enumerate(question.get("choices", []), start=1))
    return service_type


@dataclass
class _DemoWorld:
    """What the seed has made so far, by slug, code or name."""

    jurisdictions: dict[str, Any] = field(default_factory=dict)
    districts: dict[str, Any] = field(default_factory=dict)
    departments: dict[str, Any] = field(default_factory=dict)
    teams: dict[str, Any] = field(default_factory=dict)
    types: dict[str, Any] = field(default_factory=dict)
    demo: dict[str, dict] = field(default_factory=dict)
    staff_by_department: dict[int, Any] = field(default_factory=dict)
    agent: Any = None
    rule_count: int = 0


@dataclass
class _Address:
    address_id: str
    full_address: str
    lat: float
    long: float
    jurisdiction_id: int


class _History:
    """Makes a year of believable requests: weekly and daily rhythm, seasons, storms, hot spots,
    duplicates, closure times per category, and the public timeline staff would have written."""

    def __init__(self, world: _DemoWorld, rng: random.Random, now: dt.datetime):
        from civicdesk.catalog.models import ServiceType, Status
        from civicdesk.jurisdictions.models import AddressPoint
        from civicdesk.lib import geo

        self.world, self.rng, self.now = world, rng, now
        types = list(ServiceType.objects.prefetch_related("jurisdictions", "attributes__values"))
        self.offered_in = {t.pk: [j.pk for j in t.jurisdictions.all()] for t in types}
        self.questions = {t.pk: list(t.attributes.all()) for t in types}
        self.statuses = {status.code: status for status in Status.objects.all()}
        self.calendars = {j.pk: j.calendar() for j in world.jurisdictions.values()}
        self.tz = world.jurisdictions[CITY].tz
        self.addresses: dict[int, list[_Address]] = defaultdict(list)
        # Ordered by id, not by street: collations differ between databases, and the draws must not.
        rows = AddressPoint.objects.order_by("address_id").values_list(
            "address_id", "full_address", "lat", "long", "jurisdiction_id")
        for row in rows:
            self.addresses[row[4]].append(_Address(*row))
        self.hotspots = [
            (codes, share, [a for a in self.addresses[world.jurisdictions[CITY].pk]
                            if geo.distance_m(lat, long, a.lat, a.long) <= radius])
            for lat, long, radius, codes, share in HOTSPOTS
        ]
        self.district_index = geo.AreaIndex((d.pk, d.boundary) for d in world.districts.values())
        self.jurisdiction_index = geo.AreaIndex((j.pk, j.boundary) for j in world.jurisdictions.values())
        self.districts_by_pk = {d.pk: d for d in world.districts.values()}
        self.departments_by_pk = {d.pk: d for d in world.departments.values()}
        self.jurisdictions_by_pk = {j.pk: j for j in world.jurisdictions.values()}
        self.routes: dict[tuple, Any] = {}
        self.used_ids: set[str] = set()

    # --- when and what ----------------------------------------------------------------------------------

    def _moments(self, count: int) -> list[tuple[dt.datetime, Any]]:
        """(requested_at, service type) pairs, oldest first."""
        rng, world = self.rng, self.world
        today = self.now.astimezone(self.tz).date()
        days = [today - dt.timedelta(days=n) for n in range(365)]
        storms = {days[n] for n in rng.sample(range(2, 360), 3)}
        day_weights = [WEEKDAY_WEIGHTS[d.weekday()] * (2.0 if d in storms else 1.0) for d in days]
        codes = list(world.types)
        mix_cache: dict[tuple, list[float]] = {}
        moments = []
        for day in rng.choices(days, day_weights, k=count):
            key = (day.month, day.weekday() >= 5, day in storms)
            if key not in mix_cache:
                mix_cache[key] = [self._type_weight(code, *key) for code in codes]
            code = rng.choices(codes, mix_cache[key])[0]
            demo = world.demo[code]
            hours = NIGHT_HOURS if demo.get("hours") == "night" else DAY_HOURS
            local = dt.datetime.combine(day, dt.time(rng.choices(range(24), hours)[0], rng.randrange(60),
                                                     rng.randrange(60)), self.tz)
            moment = local.astimezone(dt.timezone.utc)
            if moment >= self.now:
                moment = self.now - dt.timedelta(minutes=rng.randint(3, 300))
            moments.append((moment, world.types[code]))
        moments.sort(key=lambda pair: pair[0])
        return moments

    def _type_weight(self, code: str, month: int, weekend: bool, storm: bool) -> float:
        demo = self.world.demo[code]
        weight = demo.get("weight", 1) * SEASONS.get(demo.get("season", ""), [1] * 12)[month - 1]
        if weekend:
            weight *= demo.get("weekend", 1)
        if storm and demo.get("storms"):
            weight *= 25
        return weight

    # --- building requests ------------------------------------------------------------------------------

    def build(self, count: int) -> int:
        from civicdesk.servicerequests.models import ServiceRequest, TimelineEntry

        requests, entries, duplicates = [], [], []
        recent: dict[str, list] = defaultdict(list)
        surges = self._surges(count)  # part of `count`: the demo still holds exactly that many requests
        for moment, service_type in self._moments(count - len(surges)):
            demo = self.world.demo[service_type.code]
            original = self._original_for(recent[service_type.code], moment, demo)
            request, request_entries = self._request(moment, service_type, demo, original)
            requests.append(request)
            entries += request_entries
            if original is not None:
                duplicates.append((request, original))
            recent[service_type.code].append(request)
        for request, request_entries in surges:
            requests.append(request)
            entries += request_entries
        ServiceRequest.objects.bulk_create(requests, batch_size=500)
        for request, original in duplicates:
            request.duplicate_of_id = original.pk
        ServiceRequest.objects.bulk_update([request for request, _ in duplicates], ["duplicate_of"], batch_size=500)
        # Entries were built with their request objects, which now have primary keys.
        TimelineEntry.objects.bulk_create(entries, batch_size=1000)
        return len(requests)

    def _surges(self, count: int) -> list[tuple]:
        """The SURGES' requests (scaled to `count`; none below 5 reports), drawn from their own random stream so
        the rest of the demo stays as it was."""
        from civicdesk.lib import geo

        made = []
        saved, self.rng = self.rng, random.Random(f"{RANDOM_SEED}:surges")
        try:
            for lat, long, radius, code, per_demo, days in SURGES:
                reports = round(per_demo * count / DEMO_REQUESTS)
                service_type = self.world.types.get(code)
                spots = [a for a in self.addresses[self.world.jurisdictions[CITY].pk]
                         if geo.distance_m(lat, long, a.lat, a.long) <= radius]
                if reports < 5 or service_type is None or not spots:
                    continue
                demo = self.world.demo[code]
                for _ in range(reports):
                    moment = self.now - dt.timedelta(minutes=self.rng.randint(30, days * 24 * 60))
                    made.append(self._request(moment, service_type, demo, None, place=self.rng.choice(spots)))
        finally:
            self.rng = saved
        return made

    def _original_for(self, recent: list, moment: dt.datetime, demo: dict):
        """An open request of the same type from the last few days that this one repeats, or None."""
        if not recent or self.rng.random() >= demo.get("duplicates", 0.06):
            return None
        since = moment - dt.timedelta(days=4)
        candidates = [r for r in recent[-30:] if r.requested_at >= since and not r.is_private
                      and (r.closed_at is None or r.closed_at > moment)]
        return self.rng.choice(candidates) if candidates else None

    def _request(self, moment: dt.datetime, service_type, demo: dict, original, place=None):
        from civicdesk.servicerequests.models import Channel, ServiceRequest, TimelineEntry

        rng = self.rng
        if original is not None:
            place = _Address(original.address_id, original.address, original.lat, original.long,
                             original.jurisdiction_id)
        elif place is None:
            place = self._place(service_type)
        lat, long = self._pin(place)
        jurisdiction_id = place.jurisdiction_id
        district_id = self._district(lat, long, jurisdiction_id)
        decision = self._route(service_type, jurisdiction_id, district_id, lat, long)
        channel = self._channel(demo, moment, jurisdiction_id)
        language = "es" if rng.random() < 0.12 else "en"
        reports = demo.get("reports", {}).get(language) or demo.get("reports", {}).get("en") or [""]
        calendar = self.calendars[jurisdiction_id]
        expected = calendar.add_business_hours(moment, service_type.sla_hours) if service_type.sla_hours else None
        request = ServiceRequest(
            jurisdiction_id=jurisdiction_id, service_type_id=service_type.pk, priority=service_type.default_priority,
            description=rng.choice(reports) if rng.random() < 0.9 else "",
            attributes=self._answers(service_type, demo, moment), lat=lat, long=long, address=place.full_address,
            address_id=place.address_id, district_id=district_id, channel=channel, language=language,
            department_id=decision.department_id, team_id=decision.team_id,
            routing_rule_id=decision.rule.pk if decision.rule else None,
            routing_note=decision.note[:255], requested_at=moment, expected_at=expected,
            is_private=service_type.is_private,
            client_name="Riverbend 311 app" if channel == Channel.API else "",
            device_id=f"{rng.getrandbits(64):016x}" if channel == Channel.API else "",
            **self._contact(service_type, channel),
        )
        while request.public_id in self.used_ids:  # 40 random bits: a clash is rare, but must not abort the seed
            from civicdesk.lib.ids import new_public_id

            request.public_id = new_public_id()
        self.used_ids.add(request.public_id)
        # Status changes are signed by the department's demo staff member; triage is the call centre's.
        staff = (self.world.staff_by_department.get(decision.department_id) if decision.department_id
                 else self.world.agent)
        agent = self.world.agent if channel in (Channel.PHONE, Channel.COUNTER) else None
        entries = [
            TimelineEntry(request=request, kind=TimelineEntry.Kind.SUBMITTED, is_public=True, created_at=moment,
                          status_to_id=self.statuses["submitted"].pk, author_id=agent.pk if agent else None,
                          message=f"Request received via {Channel(channel).label}.", message_code="received_via",
                          message_params={"channel": str(channel)}),
            TimelineEntry(request=request, kind=TimelineEntry.Kind.ROUTED, is_public=False, created_at=moment,
                          message=decision.note, data={
                              "rule": decision.rule.pk if decision.rule else None,
                              "possible_duplicates": [original.public_id] if original else []}),
        ]
        entries += self._lifecycle(request, service_type, demo, calendar, original, staff)
        return request, entries

    def _place(self, service_type) -> _Address:
        rng = self.rng
        for codes, share, spots in self.hotspots:
            if service_type.code in codes and spots and rng.random() < share:
                return rng.choice(spots)
        offered = self.offered_in[service_type.pk]
        pool_sizes = [len(self.addresses[pk]) for pk in offered]
        jurisdiction_id = rng.choices(offered, pool_sizes)[0]
        return rng.choice(self.addresses[jurisdiction_id])

    def _pin(self, place: _Address) -> tuple[float, float]:
        """A pin a few metres from the address, as dropped on a phone map, on the address's side of any border."""
        metres = self.rng.uniform(2, 20)
        angle = self.rng.uniform(0, 2 * math.pi)
        lat = round(place.lat + metres * math.cos(angle) / 111_000, 6)
        long = round(place.long + metres * math.sin(angle) / (111_000 * math.cos(math.radians(place.lat))), 6)
        hits = self.jurisdiction_index.containing(lat, long)
        return (lat, long) if hits and hits[0] == place.jurisdiction_id else (place.lat, place.long)

    def _district(self, lat: float, long: float, jurisdiction_id: int) -> int | None:
        for pk in self.district_index.containing(lat, long):
            if self.districts_by_pk[pk].jurisdiction_id == jurisdiction_id:
                return pk
        return None

    def _route(self, service_type, jurisdiction_id: int, district_id: int | None, lat: float, long: float):
        from civicdesk.catalog.services import route

        # The demo's rules match on type and district only (no drawn areas), so one decision per
        # (jurisdiction, type, district) is the decision for every point sharing them.
        key = (jurisdiction_id, service_type.pk, district_id)
        if key not in self.routes:
            self.routes[key] = route(jurisdiction=self.jurisdictions_by_pk[jurisdiction_id],
                                     service_type=service_type, lat=lat, long=long, district_id=district_id)
        return self.routes[key]

    def _channel(self, demo: dict, moment: dt.datetime, jurisdiction_id: int) -> str:
        weights = demo.get("channels", CHANNELS)
        channel = self.rng.choices(list(weights), list(weights.values()))[0]
        local = moment.astimezone(self.tz)
        staffed = self.calendars[jurisdiction_id].is_open_day(local.date()) and 8 <= local.hour < 17
        if channel in ("phone", "counter") and not staffed:
            return "web"  # the call centre and the counter keep office hours
        return channel

    def _contact(self, service_type, channel: str) -> dict[str, str]:
        rng = self.rng
        must = service_type.contact_required()
        if not must and rng.random() >= 0.45:
            return {}
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        wants_email = service_type.requires_email or channel == "email" or (
            channel not in ("phone", "sms") and rng.random() < 0.75)
        wants_phone = service_type.requires_phone or channel in ("phone", "sms") or not wants_email
        name = f"{first} {last}" if service_type.requires_name or rng.random() < 0.8 else ""
        email = f"{first}.{last}{rng.randrange(1, 100)}@example.{rng.choice(['com', 'org', 'net'])}".lower()
        return {"contact_name": name, "contact_email": email if wants_email else "",
                "contact_phone": f"(217) 555-01{rng.randrange(100):02d}" if wants_phone else ""}

    def _answers(self, service_type, demo: dict, moment: dt.datetime) -> dict[str, Any]:
        rng = self.rng
        answers: dict[str, Any] = {}
        for attribute in self.questions[service_type.pk]:
            if not attribute.required and rng.random() < 0.35:
                continue
            keys = [value.key for value in attribute.values.all()]
            kind = attribute.datatype
            if kind == "singlevaluelist" and keys:
                answers[attribute.code] = rng.choice(keys)
            elif kind == "multivaluelist" and keys:
                plain = [key for key in keys if key not in ("nothing", "other")]
                pick = rng.sample(plain, 2) if len(plain) > 1 and rng.random() < 0.25 else [rng.choice(keys)]
                answers[attribute.code] = pick
            elif kind == "number":
                low, high = demo.get("numbers", {}).get(attribute.code, [1, 10])
                answers[attribute.code] = rng.randint(low, high)
            elif kind == "datetime":
                started = moment.astimezone(self.tz) - dt.timedelta(minutes=rng.randint(10, 180))
                answers[attribute.code] = started.replace(second=0, microsecond=0).isoformat()
            elif demo.get("samples", {}).get(attribute.code):
                answers[attribute.code] = rng.choice(demo["samples"][attribute.code])
        return answers

    # --- what happened next -----------------------------------------------------------------------------

    def _lifecycle(self, request, service_type, demo: dict, calendar, original, staff) -> list:
        """Move the request through its statuses up to now; returns the status (and assignment) entries."""
        from civicdesk.servicerequests.models import TimelineEntry

        rng = self.rng
        outcome = "duplicate" if original is not None else self._pick(demo.get("outcomes", OUTCOMES))
        # Some work waits on a budget, a part or the season and is still open months later: the backlog.
        stuck = original is None and rng.random() < demo.get("backlog", 0.04)
        paths = [(path, weight) for path, weight in PATHS["fixed" if stuck else outcome] if path or not stuck]
        path = rng.choices([p for p, _ in paths], [w for _, w in paths])[0]
        start = request.requested_at
        closes = self._closing_time(request, service_type, demo, calendar, outcome)
        span = closes - start
        fractions = sorted(rng.uniform(0.02, 0.9) for _ in path)
        steps = [(code, start + span * fraction) for code, fraction in zip(path, fractions)]
        if not stuck:
            steps.append((outcome, closes))
        current = self.statuses["submitted"]
        entries, last_change = [], start
        for code, when in steps:
            if when > self.now:
                break
            status = self.statuses[code]
            if code in ("in_progress", "action_scheduled") and staff is not None and request.assignee_id is None \
                    and rng.random() < 0.5:
                request.assignee_id = staff.pk
                entries.append(TimelineEntry(request=request, kind=TimelineEntry.Kind.ASSIGNED, is_public=False,
                                             created_at=when, author_id=staff.pk, message=f"Assigned to {staff}",
                                             data={"assignee": staff.pk, "team": request.team_id}))
            entries.append(TimelineEntry(
                request=request, kind=TimelineEntry.Kind.STATUS, is_public=True, created_at=when,
                status_from_id=current.pk, status_to_id=status.pk, author_id=staff.pk if staff else None,
                message=self._message(code, request, demo, original)))
            current, last_change = status, when
        request.status_id = current.pk
        request.is_open = current.is_open
        request.closed_at = None if current.is_open else last_change
        request.updated_at = last_change
        return entries

    def _closing_time(self, request, service_type, demo: dict, calendar, outcome: str) -> dt.datetime:
        """When the request is (or will be) closed: a spread around the category's usual share of its SLA."""
        rng = self.rng
        sla = service_type.sla_hours or 40
        if outcome == "duplicate":
            hours = rng.uniform(0.3, 12)
        else:
            factor = min(8.0, rng.lognormvariate(math.log(demo.get("close", 0.6)), 0.85))
            hours = max(0.25, sla * factor * (0.3 if outcome == "cancelled" else 1))
        if demo.get("around_the_clock"):
            return request.requested_at + dt.timedelta(hours=hours)
        return calendar.add_business_hours(request.requested_at, hours)

    def _message(self, code: str, request, demo: dict, original) -> str:
        text = demo.get("messages", {}).get(code) or MESSAGES[code]
        department = self.departments_by_pk.get(request.department_id)
        return text.format(department=department.name if department else "the 311 team",
                           jurisdiction=self.jurisdictions_by_pk[request.jurisdiction_id].name,
                           original=original.public_id if original else "")

    def _pick(self, weights: dict[str, int]) -> str:
        return self.rng.choices(list(weights), list(weights.values()))[0]
