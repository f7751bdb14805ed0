"""DefaultCity: the overridable settings and hooks a deployment's city pack can change."""

from __future__ import annotations

from django.utils.translation import gettext


class DefaultCity:
    """Branding and policy for a deployment. Subclass it in civicdesk/cities/<city>.py.

    Staff-editable values (catalogue, statuses, routing) live in the database;
    this class holds what is code: names, wording hooks and the demo seed.
    """

    slug = "default"
    name = "CivicDesk"
    short_name = "311"
    tagline = ""
    #: Template folder searched before the shared templates, e.g. "cities/riverbend".
    template_dir = ""
    #: (lat, long, zoom) for maps before a location is known.
    map_center: tuple[float, float, int] = (39.0, -95.0, 4)
    open_data_licence = "ODC-By-1.0"
    #: Folders of extra address tables (street_suffixes.csv, directions.csv, unit_designators.csv,
    #: us_states.csv) read after civicdesk/jurisdictions/data/; see docs/address-matching.md.
    address_tables: tuple[str, ...] = ()
    #: Mail domain for the default sender (no-reply@<domain>) when SITE_URL names no real host, e.g. in a demo.
    email_domain = ""

    def home_jurisdiction(self):
        """The jurisdiction the public site speaks for: the active one whose slug is this pack's slug, else
        the first active one made; None before any is set up. Its (translated) name, phone, email, address
        and hours fill the header, the contact page and the notices. Cached with the other configuration."""
        from civicdesk.jurisdictions.models import Jurisdiction
        from civicdesk.lib import config_cache

        def load():
            from django.db.models import Case, IntegerField, Value, When

            mine = Case(When(slug=self.slug, then=Value(0)), default=Value(1), output_field=IntegerField())
            return Jurisdiction.objects.filter(is_active=True).order_by(mine, "id").first()

        return config_cache.cached(("home_jurisdiction", self.slug), load)

    def default_from_email(self, site_url: str) -> str:
        """The sender of the site's email when DEFAULT_FROM_EMAIL is not set: "City of X 311
        <no-reply@host>", the host being SITE_URL's when it is a real domain name, else `email_domain`,
        else "localhost" (a bare IP address or localhost cannot receive mail)."""
        import ipaddress
        from email.utils import formataddr
        from urllib.parse import urlsplit

        host = (urlsplit(site_url).hostname or "").lower()
        try:
            ipaddress.ip_address(host)
            host = ""
        except ValueError:
            pass
        if "." not in host or host.endswith((".localhost", ".local")):
            host = ""
        domain = host or self.email_domain or "localhost"
        return formataddr((f"{self.name} {self.short_name}".strip(), f"no-reply@{domain}"))

    def site_name(self, home=None) -> str:
        """The site's name in the active language: the home jurisdiction's name (pass it when you have it),
        else the pack's `name`."""
        home = home if home is not None else self.home_jurisdiction()
        return home.name if home is not None and home.name else str(self.name)

    def outside_area_message(self) -> str:
        """What a resident reads when their pin is outside every jurisdiction we serve."""
        from civicdesk.jurisdictions.models import Jurisdiction

        names = ", ".join(Jurisdiction.objects.filter(is_active=True).values_list("name", flat=True))
        return gettext(
            "This location is outside the area we serve (%(names)s). Please contact the local government "
            "responsible for that place, such as its city, county or state road agency."
        ) % {"names": names or gettext("no jurisdictions are set up yet")}

    def format_address(self, number: str, street: str, unit: str = "", city: str = "", postcode: str = "") -> str:
        """One-line address as residents write it here."""
        line = " ".join(part for part in [number, street] if part)
        if unit:
            line += f" {unit}"
        tail = " ".join(part for part in [city, postcode] if part)
        return f"{line}, {tail}" if tail else line

    #: True when seed_demo() loads a demo city.
    has_demo = False

    def seed_demo(self, *, stdout=None) -> None:
        """Load this city's demo data. The default city ships none, so this refuses."""
        raise ValueError(f"The city pack {self.slug!r} ships no demo data; set CITY_PACK to one that does.")

    def demo_file(self, name: str):
        """A sample file this pack ships for trying an import page of the staff console, as a pathlib.Path, or
        None when it ships none (the default ships none). Names: "staff.csv" (a staff list, civicdesk/onboarding)
        and "seeclickfix-catalogue.csv" (a catalogue export, civicdesk/cityconfig)."""

    def demo_logins(self) -> list[tuple[str, str, str]]:
        """(email, password, who they are) for each staff login seed_demo() creates.

        `manage.py load_demo_city` prints these. Demo passwords are public on purpose.
        """
        return []
