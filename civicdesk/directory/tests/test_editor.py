"""The directory's content in the editorial staff console: drafts, review by another editor, publishing,
validation in words an editor understands; residents see only what is published."""

from __future__ import annotations

from django.urls import reverse

from civicdesk.content.tests.helpers import editors, publish
from civicdesk.directory.models import DepartmentProfile, PermitGuide, ServiceGuide
from civicdesk.editorial.models import Revision, Status
from civicdesk.testing.auth import login_verified


def management(prefix: str, total: int, initial: int = 0) -> dict:
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": str(initial),
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}


def week(**days) -> dict:
    """The hours grid: Monday to Friday 08:00–17:00 and the weekend closed, unless `days` say otherwise
    ({"mon": ("07:00", "12:00", "13:00", "16:00")} or {"sat": "closed"})."""
    data = {}
    for key in ("mon", "tue", "wed", "thu", "fri", "sat", "sun"):
        value = days.get(key, "closed" if key in ("sat", "sun") else ("08:00", "17:00"))
        if value == "closed":
            data[f"hours-{key}_closed"] = "on"
            continue
        for number, (opens, closes) in enumerate(zip(value[::2], value[1::2]), start=1):
            data[f"hours-{key}_opens{number}"], data[f"hours-{key}_closes{number}"] = opens, closes
    return data


def _profile_data(world, **overrides):
    data = {"jurisdiction": world.elm.pk, "department": world.public_works.pk, "lat": "3.0", "long": "2.5",
            **week(), **management("special", 3), "summary__en": "We fix **streets**.",
            "summary__es": "Arreglamos **calles**.", "address__en": "1 Oak Street", "address__es": "1 Oak Street"}
    if any(key.startswith("hours-") for key in overrides):
        data = {key: value for key, value in data.items() if not key.startswith("hours-")}
    data.update(overrides)
    return data


def test_it_publishes_a_department_profile_only_after_another_editor_approves(world, client):
    erin, eve = editors(world)
    login_verified(client, erin)
    response = client.post(reverse("editorial:new", args=["department"]), _profile_data(world))
    profile = DepartmentProfile.objects.get()
    assert response.status_code == 302 and profile.status == Status.DRAFT
    assert profile.summary == {"en": "We fix **streets**.", "es": "Arreglamos **calles**."}
    assert "We fix" not in client.get("/departments/elm/public-works/").content.decode()

    action = reverse("editorial:action", args=["department", profile.pk])
    client.post(action, {"action": "submit"})
    client.post(action, {"action": "approve"})
    profile.refresh_from_db()
    assert profile.status == Status.IN_REVIEW
    login_verified(client, eve)
    client.post(action, {"action": "approve", "approve-publish_at": "", "approve-unpublish_at": ""})
    profile.refresh_from_db()
    assert profile.status == Status.PUBLISHED
    assert "We fix <strong>streets</strong>." in client.get("/departments/elm/public-works/").content.decode()
    assert Revision.objects.filter(object_id=profile.pk).count() == 3


def test_it_refuses_hours_and_days_a_person_got_wrong_without_saving(world, client):
    erin, _eve = editors(world)
    login_verified(client, erin)
    data = _profile_data(world, **week(mon=("17:00", "08:00"), tue=("08:00", "13:00", "12:00", "17:00"),
                                       wed=("08:00", "")))
    data.pop("hours-thu_opens1"), data.pop("hours-thu_closes1")
    data.update({"hours-sat_opens1": "09:00", "hours-sat_closes1": "12:00",
                 "special-0-date": "2026-12-24", "special-0-opens": "08:00", "special-0-closes": "12:00",
                 "special-1-date": "2026-12-24", "special-1-name__en": "Again", "special-1-closed": "on",
                 "special-2-date": "Christmas", "special-2-name__en": "Christmas", "special-2-closed": "on"})
    response = client.post(reverse("editorial:new", args=["department"]), data)
    page = response.content.decode()
    assert response.status_code == 200 and not DepartmentProfile.objects.exists()
    assert "Some opening hours or days with other hours need correcting" in page
    assert "On Monday, the closing time" in page and "is not after the opening time" in page
    assert "On Tuesday, the opening hours" in page and "overlap" in page
    assert "On Wednesday, give both an opening and a closing time." in page
    assert "Give Thursday&#x27;s opening hours, or tick “Closed”." in page
    assert "Saturday is marked “Closed” but has opening hours" in page
    assert "Say what the day is (for example “Christmas Eve”) in English." in page
    assert "Enter a valid date." in page


def test_it_refuses_the_same_date_twice(world, client):
    erin, _eve = editors(world)
    login_verified(client, erin)
    data = _profile_data(world)
    for index in (0, 1):
        data.update({f"special-{index}-date": "2026-12-24", f"special-{index}-name__en": f"Eve {index}",
                     f"special-{index}-closed": "on"})
    page = client.post(reverse("editorial:new", args=["department"]), data).content.decode()
    assert "is listed twice: keep one line per day." in page and not DepartmentProfile.objects.exists()


def test_it_saves_the_week_and_the_special_days_and_shows_them_again(world, client):
    erin, _eve = editors(world)
    login_verified(client, erin)
    data = _profile_data(world, **week(wed=("08:00", "12:00", "13:00", "18:30"), sat=("09:00", "12:00")))
    data.update({"special-0-date": "2026-12-24", "special-0-name__en": "Christmas Eve",
                 "special-0-name__es": "Nochebuena", "special-0-name__ar": "ليلة عيد الميلاد",
                 "special-0-opens": "08:00", "special-0-closes": "12:00",
                 "special-1-date": "2026-12-25", "special-1-name__en": "<b>zqholiday</b>", "special-1-closed": "on"})
    response = client.post(reverse("editorial:new", args=["department"]), data)
    assert response.status_code == 302
    profile = DepartmentProfile.objects.get()
    assert profile.hours == {"mon": [["08:00", "17:00"]], "tue": [["08:00", "17:00"]],
                             "wed": [["08:00", "12:00"], ["13:00", "18:30"]], "thu": [["08:00", "17:00"]],
                             "fri": [["08:00", "17:00"]], "sat": [["09:00", "12:00"]]}
    assert profile.special_days == [
        {"date": "2026-12-24", "hours": [["08:00", "12:00"]],
         "note": {"en": "Christmas Eve", "es": "Nochebuena", "ar": "ليلة عيد الميلاد"}},
        {"date": "2026-12-25", "hours": [], "note": {"en": "<b>zqholiday</b>"}}]
    assert Revision.objects.get(object_id=profile.pk).data["special_days"][0]["note"]["es"] == "Nochebuena"
    assert profile.audit_entries().filter(action="editorial.created").exists()
    page = client.get(reverse("editorial:edit", args=["department", profile.pk])).content.decode()
    assert 'name="hours-wed_opens2" value="13:00"' in page and 'name="hours-sat_closes1" value="12:00"' in page
    assert 'name="hours-sun_closed" id="id_hours-sun_closed" checked' in page
    assert 'value="Nochebuena"' in page and "&lt;b&gt;zqholiday&lt;/b&gt;" in page
    assert 'name="special-TOTAL_FORMS" value="5"' in page and "<template" in page
    assert "directory/formset.js" in page

    edit = {**data, **management("special", 5, initial=2), "special-1-DELETE": "on"}
    client.post(reverse("editorial:edit", args=["department", profile.pk]), edit)
    profile.refresh_from_db()
    assert [item["date"] for item in profile.special_days] == ["2026-12-24"]


def test_it_follows_the_jurisdictions_hours_when_ticked(world, client):
    erin, _eve = editors(world)
    login_verified(client, erin)
    data = {key: value for key, value in _profile_data(world).items() if not key.startswith("hours-")}
    data["hours-use_default"] = "on"
    assert client.post(reverse("editorial:new", args=["department"]), data).status_code == 302
    assert DepartmentProfile.objects.get().hours == {}


def _permit_data(world, **overrides):
    data = {"jurisdiction": world.elm.pk, "slug": "fence-permit", "kind": "permit",
            "department": world.public_works.pk, "processing_days": "5", "apply_url": "",
            **management("fees", 3), "fees-0-covers__en": "Permit", "fees-0-covers__es": "Permiso",
            "fees-0-covers__ar": "تصريح", "fees-0-amount": "50", "fees-0-currency": "USD", "fees-0-unit": "",
            "fees-1-covers__en": "Inspection", "fees-1-amount": "12.50", "fees-1-currency": "usd",
            "fees-1-unit": "each", "fees-2-currency": "USD",
            "title__en": "Fence permit", "title__es": "Permiso para cercas", "requirements__en": "A site plan"}
    data.update(overrides)
    return data


def test_it_edits_a_permit_with_its_fees_and_keeps_the_fee_lines_in_revisions(world, client):
    erin, eve = editors(world)
    login_verified(client, erin)
    response = client.post(reverse("editorial:new", args=["permit"]), _permit_data(world))
    guide = PermitGuide.objects.get()
    assert response.status_code == 302
    assert guide.fees == [
        {"amount_cents": 5000, "currency": "USD", "covers": {"en": "Permit", "es": "Permiso", "ar": "تصريح"}},
        {"amount_cents": 1250, "currency": "USD", "covers": {"en": "Inspection"}, "unit": "each"}]
    assert [fee.display_amount() for fee in guide.fee_lines()] == ["$50.00", "$12.50"]
    publish(guide, erin, eve)
    assert Revision.objects.filter(object_id=guide.pk).first().data["fees"][1]["amount_cents"] == 1250
    public = client.get(guide.get_absolute_url()).content.decode()
    assert "$12.50 each" in public
    page = client.get(reverse("editorial:edit", args=["permit", guide.pk])).content.decode()
    assert 'name="fees-1-amount" value="12.50"' in page and 'name="fees-TOTAL_FORMS" value="5"' in page


def test_it_refuses_bad_amounts_and_fees_without_a_name(world, client):
    erin, _eve = editors(world)
    login_verified(client, erin)
    for amount, message in (("12.505", "is not an amount: write it like 12.50"),
                            ("twelve", "is not an amount: write it like 12.50"),
                            ("-5", "A fee cannot be less than zero.")):
        response = client.post(reverse("editorial:new", args=["permit"]),
                               _permit_data(world, **{"fees-1-amount": amount}))
        page = response.content.decode()
        assert response.status_code == 200 and message in page and "Some fee lines need correcting" in page
    page = client.post(reverse("editorial:new", args=["permit"]),
                       _permit_data(world, **{"fees-0-covers__en": "", "fees-0-currency": "US$"})).content.decode()
    assert "Say what this fee pays for in English." in page and "three-letter currency code" in page
    assert not PermitGuide.objects.exists()


def test_it_speaks_spanish_and_arabic_in_the_grid(world, client):
    erin, _eve = editors(world)
    login_verified(client, erin)
    data = _profile_data(world, **week(mon=("17:00", "08:00")))
    spanish = client.post(reverse("editorial:new", args=["department"]), data,
                          HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Lunes" in spanish or "lunes" in spanish
    assert "no es posterior a la hora de apertura" in spanish
    arabic = client.get(reverse("editorial:new", args=["permit"]), HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert "إضافة رسم" in arabic and "حذف هذا السطر" in arabic


def test_it_keeps_a_service_guide_off_the_page_while_in_draft(world, client):
    erin, eve = editors(world)
    guide = ServiceGuide(jurisdiction=world.elm, service_type=world.pothole, covers={"en": "Holes in streets."})
    from civicdesk.editorial import services

    services.save_draft(guide, user=erin)
    assert "Holes in streets." not in client.get("/services/pothole/").content.decode()
    publish(guide, erin, eve)
    assert "Holes in streets." in client.get("/services/pothole/").content.decode()


def test_it_lists_the_directory_sections_on_the_help_hub(world, client):
    page = client.get("/help/").content.decode()
    assert 'href="/services/"' in page and 'href="/departments/"' in page


def test_it_names_profiles_and_guides_by_department_and_service_in_the_editors_list(world, client):
    erin, _eve = editors(world)
    from civicdesk.directory.tests.helpers import make_guide, make_profile

    make_profile(world.public_works, updated_by=erin)
    make_guide(world.pothole, world.elm, updated_by=erin)
    login_verified(client, erin)
    page = client.get(reverse("editorial:list")).content.decode()
    assert "Public Works" in page and "Pothole" in page and "We fix the streets." not in page
