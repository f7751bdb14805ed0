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

    def demo_logins(self) -> list[tuple[str, str, str]]:
        """(email, password, who they are) for each staff login seed_demo() creates.

        `manage.py load_demo_city` prints these. Demo passwords are public on purpose.
        """
        return []
