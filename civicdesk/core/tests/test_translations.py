"""The Spanish and Arabic catalogues: complete, compiled, placeholder-safe, and actually used by pages and emails.

The catalogue checks run for every language in CHECKED (English is the source language). The page and email
checks below them are in Spanish; the Arabic pages are checked in test_arabic.py and test_browser_rtl.py.
"""

from __future__ import annotations

import contextlib
import gettext
import html as html_lib
import os
import re
import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.template.loader import render_to_string
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from civicdesk.notifications.models import Delivery
from civicdesk.servicerequests import services
from civicdesk.servicerequests.models import ServiceRequest
from civicdesk.servicerequests.tasks import acknowledge
from civicdesk.testing.world import IN_WEST_ELM

#: How the emergency number shows on every page: a link that dials it.
TEL_911 = '<a class="usa-link cd-tel" href="tel:911">911</a>'

LOCALE = Path(settings.BASE_DIR) / "civicdesk" / "locale"
CATALOGUE = LOCALE / "es" / "LC_MESSAGES" / "django.po"
#: Every language whose catalogue must be complete, with its Plural-Forms header (Arabic has six forms:
#: zero, one, two, few 3–10, many 11–99, other).
CHECKED = {
    "es": "nplurals=2; plural=(n != 1);",
    "ar": "nplurals=6; plural=n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5;",
}
languages = pytest.mark.parametrize("language", sorted(CHECKED))
#: Plural forms whose word already says the number (Arabic zero, one, two), so the number itself may be left out.
WORDED_FORMS = {"ar": {0, 1, 2}}


def catalogue(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / "django.po"


def plural_count(language: str) -> int:
    return int(re.search(r"nplurals=(\d+)", CHECKED[language]).group(1))
EMAIL_TEMPLATES = sorted((Path(settings.BASE_DIR) / "civicdesk" / "servicerequests" / "templates" / "servicerequests"
                          / "email").glob("*.txt"))
# %(name)s, %s, %d, %5.2f ...; "%%" is a literal percent sign, not a placeholder.
PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?[sdiufFeEgGxXorc%]")
_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


@dataclass
class Entry:
    """One message of a .po file; `msgstr` maps the plural index (None when not plural) to text."""

    msgid: str
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int | None, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    references: list[str] = field(default_factory=list)
    line: int = 0

    def translations(self) -> list[str]:
        return [self.msgstr[key] for key in sorted(self.msgstr, key=lambda k: -1 if k is None else k)]



def _unquote(text: str) -> str:
    text = text.strip()
    assert text.startswith('"') and text.endswith('"'), f"not a quoted .po string: {text!r}"
    return re.sub(r"\\(.)", lambda m: _ESCAPES[m.group(1)], text[1:-1])


def read_po(path: Path) -> list[Entry]:
    """Every live entry of a .po file (the header excluded, obsolete "#~" entries skipped)."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int | None] | None = None
    pending_flags: set[str] = set()
    pending_refs: list[str] = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            current, target = None, None
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#,"):
            pending_flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#:"):
            pending_refs += line[2:].split()
        elif line.startswith("#"):
            continue
        elif line.startswith("msgctxt ") or (line.startswith("msgid ") and current is None):
            current = Entry(msgid="", flags=pending_flags, references=pending_refs, line=number)
            pending_flags, pending_refs = set(), []
            entries.append(current)
            if line.startswith("msgctxt "):
                current.msgctxt, target = _unquote(line[8:]), ("msgctxt", None)
            else:
                current.msgid, target = _unquote(line[6:]), ("msgid", None)
        elif line.startswith("msgid "):
            current.msgid, target = _unquote(line[6:]), ("msgid", None)
        elif line.startswith("msgid_plural "):
            current.msgid_plural, target = _unquote(line[13:]), ("msgid_plural", None)
        elif line.startswith("msgstr"):
            match = re.match(r"msgstr(?:\[(\d+)\])? (.*)", line)
            index = int(match.group(1)) if match.group(1) is not None else None
            current.msgstr[index], target = _unquote(match.group(2)), ("msgstr", index)
        elif line.startswith('"'):
            kind, index = target
            if kind == "msgstr":
                current.msgstr[index] += _unquote(line)
            else:
                setattr(current, kind, getattr(current, kind) + _unquote(line))
        else:
            raise AssertionError(f"{path}:{number}: cannot read {raw!r}")
    return [entry for entry in entries if entry.msgid or entry.msgctxt]


def read_header(path: Path) -> str:
    return _unquote_block(path.read_text(encoding="utf-8").split("\n\n")[0])


def _unquote_block(block: str) -> str:
    lines = [line for line in block.splitlines() if line.startswith('"')]
    return "".join(_unquote(line) for line in lines)


def placeholders(text: str) -> tuple[Counter, list[str]]:
    """Named placeholders (counted) and positional ones (in order) in a %-format string."""
    named, positional = Counter(), []
    for match in PLACEHOLDER.finditer(text):
        if match.group(0) == "%%":
            continue
        if match.group(1):
            named[match.group(1)] += 1
        else:
            positional.append(match.group(0)[-1])
    return named, positional


def english_leftovers(page: str, *templates: str) -> list[str]:
    """The catalogue's English sentences from `templates` still in `page` (its text or its attributes).

    Only multi-word messages without placeholders are looked for, so a word that
    is the same in both languages (or a data value) cannot trip the check.
    """
    text = html_lib.unescape(re.sub(r"<[^>]+>", " ", page))
    text = re.sub(r"\s+", " ", text) + " " + html_lib.unescape(page)
    found = []
    for entry in read_po(CATALOGUE):
        used_here = any(ref.split(":")[0].endswith(templates) for ref in entry.references)
        if (used_here and entry.msgid_plural is None and " " in entry.msgid and "%" not in entry.msgid
                and entry.msgstr[None] != entry.msgid and entry.msgid in text):
            found.append(entry.msgid)
    return found


def in_spanish(client, url: str, status: int = 200, **params) -> str:
    client.cookies["django_language"] = "es"
    response = client.get(url, params)
    assert response.status_code == status
    assert response["Content-Language"] == "es"
    return response.content.decode()


def report_in_spanish(world) -> ServiceRequest:
    """A pothole reported through the Spanish pages (so its first timeline entry is written in Spanish)."""
    with translation.override("es"):
        return services.submit_request(service_type=world.pothole, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1],
                                       address_id="A1", attributes={"depth": "deep"},
                                       description="Hoyo profundo junto a la parada", contact_name="Ana",
                                       contact_email="ana@example.org", language="es")


# --- The catalogue itself ---------------------------------------------------------------------------------------


def test_it_checks_every_language_the_site_offers():
    assert sorted(CHECKED) == sorted(code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE)


@languages
def test_it_translates_every_message_and_leaves_none_fuzzy(language):
    entries = read_po(catalogue(language))
    english = read_po(CATALOGUE)
    assert len(entries) > 300
    assert {e.msgid for e in english} <= {e.msgid for e in entries}, "messages missing from the catalogue"
    untranslated = [f"line {e.line}: {e.msgid!r}" for e in entries if not all(t.strip() for t in e.translations())]
    fuzzy = [f"line {e.line}: {e.msgid!r}" for e in entries if "fuzzy" in e.flags]
    assert untranslated == [], (f"{len(untranslated)} untranslated {language} messages:\n" + "\n".join(untranslated))
    assert fuzzy == [], f"fuzzy {language} messages (Django ignores them):\n" + "\n".join(fuzzy)


#: What `make messages` reads (makemessages' own extensions for the "django" domain) and the folders it skips
#: (the Makefile's --ignore list, plus what is not source: hidden folders, collected static files, runtime data).
EXTRACTED = {".py", ".html", ".txt"}
NOT_SOURCE = {".venv", "node_modules", "bench", "staticfiles", "var", "__pycache__"}


def extract_from_source(into: Path) -> Path:
    """Copy the source and the catalogues into `into`, run makemessages there, and return its locale folder.

    makemessages writes a `.py` twin beside every template it reads and a `.pot` beside the catalogues, so it
    runs on a copy: the working tree is never touched.
    """
    base = Path(settings.BASE_DIR)
    for folder, subfolders, files in os.walk(base):
        subfolders[:] = [name for name in subfolders if name not in NOT_SOURCE and not name.startswith(".")]
        relative = Path(folder).relative_to(base)
        wanted = [name for name in files if Path(name).suffix in EXTRACTED
                  or (relative.parts[:2] == ("civicdesk", "locale") and name.endswith(".po"))]
        if wanted:
            (into / relative).mkdir(parents=True, exist_ok=True)
        for name in wanted:
            shutil.copyfile(Path(folder) / name, into / relative / name)
    locale = into / "civicdesk" / "locale"
    with override_settings(LOCALE_PATHS=[locale]):
        call_command("makemessages", locale=sorted(CHECKED), ignore_patterns=sorted(NOT_SOURCE), verbosity=0)
    return locale


@pytest.fixture(scope="module")
def extracted_locale(tmp_path_factory) -> Path:
    into = tmp_path_factory.mktemp("makemessages")
    with contextlib.chdir(into):  # makemessages reads the tree under the current folder
        return extract_from_source(into)


@languages
def test_it_translates_every_message_the_source_marks(language, extracted_locale):
    """The committed catalogue may be complete yet stale: this reads the messages from the code itself."""
    entries = read_po(extracted_locale / language / "LC_MESSAGES" / "django.po")
    assert len(entries) > 300
    missing = [f"{' '.join(e.references[:2])}: {e.msgid!r}" for e in entries
               if "fuzzy" in e.flags or not all(t.strip() for t in e.translations())]
    assert missing == [], (f"{len(missing)} messages of the source lack a {language} translation (untranslated or "
                           "fuzzy); run `make messages` and translate them:\n" + "\n".join(missing))


@languages
def test_it_declares_every_plural_form(language):
    header = read_header(catalogue(language))
    assert f"Language: {language}\n" in header
    assert "Content-Type: text/plain; charset=UTF-8\n" in header
    assert f"Plural-Forms: {CHECKED[language]}\n" in header
    forms = list(range(plural_count(language)))
    for entry in read_po(catalogue(language)):
        if entry.msgid_plural is not None:
            assert sorted(entry.msgstr) == forms, f"line {entry.line}: {entry.msgid!r} needs {len(forms)} plural forms"


@languages
def test_it_keeps_every_placeholder_of_every_message(language):
    broken = []
    for entry in read_po(catalogue(language)):
        sources = [entry.msgid] if entry.msgid_plural is None else [entry.msgid, entry.msgid_plural]
        want_named, want_positional = placeholders(sources[-1])
        for form, translated in enumerate(entry.translations()):
            named, positional = placeholders(translated)
            # Named placeholders may be reordered; %s/%d are filled by position, so their order must hold.
            if translated and (set(named) != set(want_named) or positional != want_positional):
                # Arabic says zero, one and two in words ("رد واحد", "ردّان"): those plural forms may leave out
                # the one named placeholder that holds the count (never a positional one: % would then fail).
                says_count_in_words = (entry.msgid_plural is not None and form in WORDED_FORMS.get(language, ())
                                       and positional == want_positional and set(named) < set(want_named)
                                       and len(set(want_named) - set(named)) == 1)
                if not says_count_in_words:
                    broken.append(f"line {entry.line}: {entry.msgid!r} -> {translated!r}")
        if entry.msgid_plural is not None:
            assert set(placeholders(entry.msgid)[0]) <= set(want_named), entry.msgid
    assert broken == [], "placeholders lost or changed:\n" + "\n".join(broken)


@languages
def test_it_keeps_the_python_format_flag_where_the_message_has_placeholders(language):
    for entry in read_po(catalogue(language)):
        named, positional = placeholders(entry.msgid)
        if named or positional:
            assert "python-format" in entry.flags, f"line {entry.line}: {entry.msgid!r}"


@languages
def test_it_ships_the_compiled_catalogue_of_exactly_this_po_file(language):
    with catalogue(language).with_suffix(".mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog
    stale = []
    for entry in read_po(catalogue(language)):
        if not all(entry.translations()):
            continue  # msgfmt leaves untranslated messages out; the completeness test names them
        key = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural is None:
            if compiled.get(key) != entry.msgstr[None]:
                stale.append(entry.msgid)
        elif [compiled.get((key, n)) for n in sorted(entry.msgstr)] != entry.translations():
            stale.append(entry.msgid)
    assert stale == [], "django.mo is out of date; run compilemessages:\n" + "\n".join(stale)


# --- Pages a Spanish-speaking resident sees -----------------------------------------------------------------------


def test_it_shows_the_home_page_in_spanish(client, world):
    page = in_spanish(client, reverse("core:home"))
    assert '<html lang="es">' in page
    for spanish in ["Reportar un problema", "Consultar una solicitud", "Número de seguimiento", "Buscar mi solicitud",
                    f"En caso de emergencia, llame al {TEL_911}.", "Saltar al contenido principal",
                    f"Emergencias: llame al {TEL_911}. Este sitio es para solicitudes que no son de emergencia.",
                    "¿Cuál es el problema?",
                    "Todavía no hay solicitudes.", "Bache"]:
        assert spanish in page, spanish
    for english in ["Report a problem", "Track a request", "Tracking number", "Find my request", "In an emergency",
                    "Skip to main content", "Recently reported", "Pothole"]:
        assert english not in page, english
    assert english_leftovers(page, "templates/base.html", "core/home.html") == []


def test_it_shows_the_category_page_in_spanish(client, world):
    page = in_spanish(client, reverse("intake:start"))
    for spanish in ["¿Qué desea reportar?", f"Llame al {TEL_911} ahora. No use este formulario.", "Buscar en la lista",
                    "Calles", "Basura y reciclaje", "Recogida no realizada"]:
        assert spanish in page, spanish
    for english in ["What would you like to report?", "Call 911 now", "Search the list", "Streets",
                    "Trash and recycling", "Missed collection"]:
        assert english not in page, english
    assert english_leftovers(page, "templates/base.html", "intake/start.html") == []


def test_it_counts_search_matches_with_the_spanish_plural(client, world):
    assert "1 resultado para “bache”." in in_spanish(client, reverse("intake:start"), q="bache")
    page = in_spanish(client, reverse("intake:start"), q="zzz")
    assert "0 resultados para “zzz”." in page
    assert "Nada coincide con esa búsqueda." in page


def test_it_shows_the_tracking_lookup_in_spanish(client, world):
    page = in_spanish(client, reverse("servicerequests:lookup"))
    for spanish in ["Consultar una solicitud", "Número de seguimiento", "Buscar mi solicitud",
                    "Aparece en su correo electrónico de confirmación, por ejemplo, 7KQ4-M2XD."]:
        assert spanish in page, spanish
    for english in ["Track a request", "Tracking number", "It is in your confirmation email", "Find my request"]:
        assert english not in page, english
    assert english_leftovers(page, "templates/base.html", "servicerequests/lookup.html") == []


def test_it_says_in_spanish_when_no_request_has_that_number(client, world):
    page = in_spanish(client, reverse("servicerequests:lookup"), status=404, id="ZZZZ-ZZZZ")
    assert "No encontramos ninguna solicitud con el número de seguimiento “ZZZZ-ZZZZ”." in html_lib.unescape(page)
    assert "We could not find" not in page


def test_it_shows_the_tracking_page_in_spanish(client, world):
    request = report_in_spanish(world)
    page = in_spanish(client, request.get_absolute_url())
    for spanish in ["<h1>Bache</h1>", "Recibida", "Número de seguimiento", "Fecha del reporte", "A cargo de",
                    "Residentes afectados", "Historial", "Solicitud recibida (vía Web).", "Esto también me afecta"]:
        assert spanish in page, spanish
    for english in ["Pothole", "Submitted", "Handled by", "Residents affected", "History", "This affects me too",
                    "Request received via"]:
        assert english not in page, english
    assert english_leftovers(page, "templates/base.html", "servicerequests/track.html") == []


# --- Emails -----------------------------------------------------------------------------------------------------


def queued_email(request: ServiceRequest, event: str) -> Delivery:
    """The email queued for the reporter on `event`, rendered when it was queued, in the reporter's language."""
    return Delivery.objects.get(request=request, event=event, channel="email", address="ana@example.org")


def test_it_writes_the_acknowledgement_in_spanish(world):
    request = report_in_spanish(world)
    acknowledge.call(request_pk=request.pk)  # what the worker does with the task the report queued
    email = queued_email(request, "request.received")
    track_url = f"{settings.SITE_URL}{request.get_absolute_url()}"
    assert email.language == "es"
    assert email.subject == f"Recibimos su solicitud {request.public_id}"
    assert email.body_text.startswith("Hola, Ana:")
    for spanish in ["Gracias por reportar “Bache” a Town of Elm.",
                    f"Su número de seguimiento es: {request.public_id}", "Ubicación: 12 Oak Street",
                    "Próximos pasos: su solicitud se envió a Public Works.",
                    "Nuestro objetivo es atenderla a más tardar el", f"Vea cómo avanza en: {track_url}",
                    "Si es una emergencia, llame al 911."]:
        assert spanish in email.body_text, spanish
    for english in ["Hello", "Thank you", "tracking number", "What happens next", "We aim", "Follow its progress",
                    "If this is an emergency"]:
        assert english not in email.body_text and english not in email.body_html, english


def test_it_writes_the_status_change_in_spanish(world):
    request = report_in_spanish(world)
    services.transition(request, world.statuses["in_progress"], user=world.bob, message="La cuadrilla irá el martes.")
    email = queued_email(request, "request.status_changed")
    assert email.subject == f"Solicitud {request.public_id}, nuevo estado: En curso"
    assert email.body_text.startswith("Hola, Ana:")
    assert f"El estado de su solicitud {request.public_id} (Bache) ahora es: En curso." in email.body_text
    assert "La cuadrilla irá el martes." in email.body_text
    assert f"Vea el historial completo en: {settings.SITE_URL}{request.get_absolute_url()}" in email.body_text
    for english in ["Hello", "Your request", "is now", "See the full history", "In progress"]:
        assert english not in email.body_text and english not in email.subject, english


@pytest.mark.parametrize("template", EMAIL_TEMPLATES, ids=lambda path: path.name)
def test_it_leaves_no_english_sentence_in_any_request_email(world, template):
    request = report_in_spanish(world)
    entry = services.transition(request, world.statuses["in_progress"], user=world.bob)
    context = {"request": request, "entry": entry, "track_url": f"{settings.SITE_URL}{request.get_absolute_url()}"}
    with translation.override("es"):
        rendered = render_to_string(f"servicerequests/email/{template.name}", context)
    assert rendered.strip()
    assert english_leftovers(rendered, f"servicerequests/email/{template.name}") == []
