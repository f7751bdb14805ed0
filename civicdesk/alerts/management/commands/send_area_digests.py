"""manage.py send_area_digests: queue each daily area subscriber's summary of yesterday.

Run once a day from cron (after midnight in TIME_ZONE), or with --daily-at HH:MM as a long-running
scheduler; `manage.py serve` (and so `make run`) starts it that way at AREA_DIGEST_AT. Running it twice
for the same day sends nothing twice (each digest has the key digest:<day>:<subscription>). A run that meets a
busy or briefly unreachable database is retried after 30 s, 60 s, ... (at most an hour) instead of ending
the scheduler (civicdesk/core/periodic.py).
"""

from __future__ import annotations

import datetime as dt
import signal
import threading
import zoneinfo

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from civicdesk.alerts import services
from civicdesk.core.periodic import run_periodically


def _time_of_day(value: str) -> dt.time:
    try:
        return dt.time.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--daily-at wants a local time like 07:00, not {value!r}") from None


def seconds_until(at: dt.time, now: dt.datetime) -> float:
    """Seconds from `now` (aware) to the next `at` in TIME_ZONE (today's when still ahead, else tomorrow's)."""
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    local = now.astimezone(tz)
    target = dt.datetime.combine(local.date(), at, tzinfo=tz)
    if target <= local:
        target = dt.datetime.combine(local.date() + dt.timedelta(days=1), at, tzinfo=tz)
    return (target - local).total_seconds()


class Command(BaseCommand):
    help = "Queue the daily area-alert digests for yesterday (or --date) in the site's time zone."

    def add_arguments(self, parser):
        parser.add_argument("--date", type=dt.date.fromisoformat, default=None, metavar="YYYY-MM-DD",
                            help="The day to summarise (default: yesterday in TIME_ZONE).")
        parser.add_argument("--daily-at", default="", metavar="HH:MM",
                            help="Keep running and send every day at this local time (also once at start).")

    def handle(self, *args, date, daily_at: str, **options):
        if not daily_at:
            self._send(date)
            return
        at = _time_of_day(daily_at)
        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
        # At start: catch up on yesterday in case the server was down at the usual hour (keys make it safe).
        run_periodically(lambda: self._send(None), name="area_digests", stop=stop,
                         wait=lambda: seconds_until(at, timezone.now()), retry_first=30, retry_longest=3600)

    def _send(self, day: dt.date | None) -> None:
        day = day or services.yesterday()
        queued = services.send_digests(day)
        self.stdout.write(f"area digests for {day.isoformat()}: {queued} queued")
