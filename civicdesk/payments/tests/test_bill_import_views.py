"""The staff bill import pages: upload → run in the worker → counts, rejected rows, rejects CSV; who may use them."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from civicdesk.audit.models import AuditEntry
from civicdesk.jurisdictions.models import StaffMembership
from civicdesk.payments.bill_tasks import import_uploaded_bills
from civicdesk.payments.models import Bill, BillImportRun
from civicdesk.testing.auth import login_verified

MESSY = Path(__file__).parent / "data" / "bills_messy.csv"
UPLOAD = reverse("bills:imports")


@pytest.fixture
def admin(world):
    StaffMembership.objects.create(user=world.bob, jurisdiction=world.elm, role=StaffMembership.Role.ADMIN)
    return world.bob


def test_it_imports_an_uploaded_file_in_the_worker_and_lists_its_rejects(client, world, admin,
                                                                          django_capture_on_commit_callbacks):
    login_verified(client, admin)
    page = client.get(UPLOAD).content.decode()
    assert "account_kind" in page and "No bills have been imported yet." in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(UPLOAD, {"jurisdiction": world.elm.pk, "file": SimpleUploadedFile(
            "november <em>zebrafinch.csv", MESSY.read_bytes(), content_type="text/csv")})
    run = BillImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("bills:import_detail", args=[run.pk])
    assert not Bill.objects.exists()  # the worker does the import
    import_uploaded_bills.call(run.pk)
    assert Bill.objects.count() == 4

    page = client.get(response["Location"]).content.decode()
    assert "november &lt;em&gt;zebrafinch.csv" in page and "<em>zebrafinch" not in page
    assert 'data-testid="loaded">4<' in page and 'data-testid="rejected">9<' in page
    assert "“boat slip” is not an account kind" in page
    download = client.get(reverse("bills:import_rejects", args=[run.pk]))
    text = b"".join(download.streaming_content).decode("utf-8-sig")
    assert text.splitlines()[0] == "row,reason,original_row" and len(text.strip().splitlines()) == 10
    assert AuditEntry.objects.filter(action="payments.bill_import_rejects_downloaded", actor=admin).exists()
    assert "november" in client.get(UPLOAD).content.decode()
    template = client.get(reverse("bills:import_template")).content.decode()
    assert template.startswith("account_kind,account_number,holder_name")


def test_it_refuses_a_file_without_the_columns_and_keeps_no_run(client, world, admin):
    login_verified(client, admin)
    response = client.post(UPLOAD, {"jurisdiction": world.elm.pk, "file": SimpleUploadedFile(
        "x.csv", b"name,amount\nA,1\n", content_type="text/csv")})
    assert response.status_code == 200 and "no column called account_kind" in response.content.decode()
    assert not BillImportRun.objects.exists()


def test_it_admits_only_administrators_of_the_jurisdiction(client, world, admin):
    login_verified(client, world.carol)  # staff of Elm, not an administrator
    assert client.get(UPLOAD).status_code == 403
    login_verified(client, admin)
    run = BillImportRun.objects.create(jurisdiction=world.county, path="/x.csv", filename="x.csv", size=1,
                                       fingerprint="x")
    assert client.get(reverse("bills:import_detail", args=[run.pk])).status_code == 404
