"""The demo types (fence permit, block-party permit, dog licence): every public page and staff page renders
for each of them, and the fee of each is what its page says."""

from __future__ import annotations

from django.urls import reverse

from civicdesk.applications import demo, renewals
from civicdesk.applications.models import ApplicationType, Permit, RegisterEntry, RegisterSettings
from civicdesk.testing.auth import login_verified


def test_every_demo_type_has_its_pages(client, fence, world, seats):
    demo.build_block_party(world.elm, review_department=world.sanitation)
    demo.build_dog_licence(world.elm, review_department=world.public_works)
    listing = client.get(reverse("applications:types")).content.decode()
    login_verified(client, seats.admin)
    for kind_type in ApplicationType.objects.all():
        assert str(kind_type) in listing
        page = client.get(kind_type.get_absolute_url()).content.decode()
        assert kind_type.description["en"] in page and "Sign in to apply" not in page
        assert client.get(reverse("applications_config:edit", args=[kind_type.pk])).status_code == 200
        for step in kind_type.ordered_steps():
            assert client.get(reverse("applications_config:step", args=[kind_type.pk, step.pk])).status_code == 200
        assert kind_type.form.questions_in_order() and kind_type.requirements.exists() and kind_type.fee_rules.exists()
    dog = ApplicationType.objects.get(slug="dog-licence")
    spayed = dog.form.questions_in_order()[1]
    yes, no = spayed.choices.order_by("position")
    assert dog.fee_cents({spayed.field_name: yes.pk}) == 1000 and dog.fee_cents({spayed.field_name: no.pk}) == 2500
    assert not dog.pauses_clock and dog.valid_days == 365


def test_the_seed_makes_applications_in_several_states(world, seats, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    departments = {"code-enforcement": world.public_works, "public-works": world.sanitation,
                   "transportation": world.sanitation}
    assert demo.seed(world.elm, departments, user=seats.admin, applicant=world.alice) == \
        "3 permit and licence types, 7 applications"
    states = sorted(world.alice.applications.values_list("status", flat=True))
    assert states == ["approved", "approved", "draft", "info_requested", "submitted", "submitted", "submitted"]
    # Every demo type has its register on; the issued fence is on the map; the dog licence's reminder is due.
    assert RegisterSettings.objects.filter(enabled=True).count() == 3
    fence_entry = RegisterEntry.objects.get(application_type__slug="fence-permit")
    assert fence_entry.lat is not None and fence_entry.place == "40 Elm Avenue"
    dog = Permit.objects.get(application__application_type__slug="dog-licence")
    assert renewals.may_renew(dog) and renewals.send_reminders() == 1


def test_every_demo_type_has_its_register_page(client, world, seats, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    departments = {"code-enforcement": world.public_works, "public-works": world.sanitation,
                   "transportation": world.sanitation}
    demo.seed(world.elm, departments, user=seats.admin, applicant=world.alice)
    login_verified(client, seats.admin)
    for kind_type in ApplicationType.objects.all():
        page = client.get(reverse("applications:register") + f"?type={kind_type.slug}").content.decode()
        assert f'<option value="{kind_type.slug}" selected>' in page
        numbers = [p.number for p in Permit.objects.filter(application__application_type=kind_type)]
        assert all(number in page for number in numbers)
        assert world.alice.email not in page and world.alice.first_name not in page
        staff_page = client.get(reverse("applications_config:register", args=[kind_type.pk]))
        assert staff_page.status_code == 200
    assert client.get(reverse("applications:register_map") + "?type=fence-permit").status_code == 200


def test_the_pages_speak_spanish_and_arabic(client, fence, world):
    spanish = client.get(reverse("applications:types"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Permisos y licencias" in spanish and "Permiso de cerca" in spanish
    arabic = client.get(fence.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert 'dir="rtl"' in arabic and "تصريح سياج" in arabic and "مخطط الموقع" in arabic
