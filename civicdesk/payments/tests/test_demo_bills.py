"""The demo city's bills: policies, a bill file through the real importer, three rows rejected on purpose, and
reminders that have something to say on the day the demo is loaded."""

from __future__ import annotations

import datetime as dt

from civicdesk.payments import reminders
from civicdesk.payments.bill_demo import seed_riverbend
from civicdesk.payments.models import Bill, BillImportRun, BillKindPolicy


def test_it_imports_the_demo_bills_and_reminds_their_holders(world):
    today = dt.date(2026, 12, 5)
    summary = seed_riverbend(jurisdiction=world.elm, admin=None, today=today)
    assert summary == "45 bills imported, 3 rows rejected"
    run = BillImportRun.objects.get()
    assert run.is_finished() and run.rows_rejected == 3 and run.accounts_created == 45
    assert set(BillKindPolicy.objects.values_list("kind", flat=True)) == {"water_sewer", "parking"}
    assert Bill.objects.filter(account__kind="parking").count() == 9
    assert all(bill.balance_cents() == bill.amount_cents > 0 for bill in Bill.objects.all())
    result = reminders.run_reminders(today=today)
    assert result.reminders > 10 and result.late_fees > 0 and result.messages == result.reminders + result.late_fees
    # Seeding twice (a second demo load into the same database) adds nothing.
    seed_riverbend(jurisdiction=world.elm, admin=None, today=today)
    assert Bill.objects.count() == 45
