"""CSV drop/pick-up folder, for systems that only batch: files out to outbox/, update files in from inbox/.

The folder lives under CIVICDESK_VAR_DIR/connectors/ (`folder()`), never elsewhere on the server.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from .base import Backend, SyncError, Update, request_payload

#: The columns of an outgoing file, in order.
OUT_COLUMNS = ["event", "idempotency_key", "tracking_number", "external_id", "service_code", "service_name",
               "status", "description", "lat", "long", "address", "department", "requested_at", "url", "message"]
#: The columns an update file must have (external_id and updated_at may be empty).
IN_COLUMNS = ["update_id", "tracking_number", "status", "note"]
MAX_NOTE = 5000


def connectors_root() -> Path:
    return Path(settings.VAR_DIR) / "connectors"


def resolve_folder(name: str) -> Path:
    """The absolute folder for a connector's `folder` setting; ValueError when it would leave the root."""
    root = connectors_root().resolve()
    path = (root / name).resolve()
    if not name or (path != root and root not in path.parents):
        raise ValueError(_("Give a folder name inside the connectors folder, such as “works-batch”."))
    return path


class CsvFolderBackend(Backend):
    """Exactly once: each file's name is fixed by the record's (or change's) idempotency key, and written
    to a temporary name and renamed, so a retry replaces the same whole file rather than adding one; the
    batch system also gets the key in the `idempotency_key` column."""

    def folder(self) -> Path:
        try:
            return resolve_folder(self.connector.folder)
        except ValueError as exc:
            raise SyncError(str(exc), permanent=True) from None

    def _write(self, name: str, row: dict) -> None:
        outbox = self.folder() / "outbox"
        try:
            outbox.mkdir(parents=True, exist_ok=True)
            buffer = io.StringIO()
            writer = csv.DictWriter(buffer, fieldnames=OUT_COLUMNS, extrasaction="ignore")
            writer.writeheader()
            writer.writerow(row)
            temporary = outbox / f".{name}.tmp"
            with temporary.open("w", encoding="utf-8", newline="") as out:
                out.write(buffer.getvalue())
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, outbox / name)
        except OSError as exc:
            raise SyncError(f"Could not write {name}: {exc.strerror or exc}") from None

    def send_new(self, request, record) -> str:
        self._write(f"new-{request.public_id}-{record.idempotency_key}.csv",
                    {"event": "new", "idempotency_key": record.idempotency_key, **request_payload(request)})
        return request.public_id

    def send_change(self, request, record, change) -> None:
        self._write(f"change-{request.public_id}-{change.key}.csv", {
            "event": change.kind, "idempotency_key": change.key, "tracking_number": request.public_id,
            "external_id": record.external_id, "status": self.outgoing_status(change.status) if change.status else "",
            "message": change.message})

    def inbox_files(self) -> list[Path]:
        inbox = self.folder() / "inbox"
        if not inbox.is_dir():
            return []
        return sorted(path for path in inbox.iterdir() if path.is_file() and path.suffix.lower() == ".csv")

    def read_file(self, path: Path) -> tuple[list[Update], list[str]]:
        """Every row of an update file as an Update, and the problems found (row numbers counted from 2,
        the first row after the header). The caller rejects the whole file when there is any problem."""
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            return [], [_("The file cannot be read as UTF-8 text: %s") % exc]
        reader = csv.DictReader(io.StringIO(text))
        missing = [name for name in IN_COLUMNS if name not in (reader.fieldnames or [])]
        if missing:
            return [], [_("The header row lacks the columns: %s.") % ", ".join(missing)]
        updates, problems, seen = [], [], set()
        for number, row in enumerate(reader, start=2):
            update_id = (row.get("update_id") or "").strip()
            tracking = (row.get("tracking_number") or "").strip()
            status = (row.get("status") or "").strip()
            note = (row.get("note") or "").strip()
            if not update_id:
                problems.append(_("Row %d: update_id is empty.") % number)
            elif update_id in seen:
                problems.append(_("Row %d: update_id %s appears twice in the file.") % (number, update_id[:60]))
            if not tracking:
                problems.append(_("Row %d: tracking_number is empty.") % number)
            if not status and not note:
                problems.append(_("Row %d: give a status, a note or both.") % number)
            if len(note) > MAX_NOTE:
                problems.append(_("Row %(row)d: the note is longer than %(max)d characters.")
                                % {"row": number, "max": MAX_NOTE})
            if len(update_id) > 160 or len(status) > 80:
                problems.append(_("Row %d: update_id or status is too long.") % number)
            seen.add(update_id)
            updates.append(Update(update_id=update_id, tracking_number=tracking,
                                  external_id=(row.get("external_id") or "").strip()[:120], status=status, note=note))
        if not updates and not problems:
            problems.append(_("The file has a header but no rows."))
        return updates, problems

    def move_done(self, path: Path) -> None:
        done = path.parent.parent / "done"
        done.mkdir(exist_ok=True)
        os.replace(path, done / path.name)

    def move_rejected(self, path: Path, problems: list[str]) -> None:
        rejected = path.parent.parent / "rejected"
        rejected.mkdir(exist_ok=True)
        (rejected / f"{path.name}.errors.txt").write_text("\n".join(problems) + "\n", encoding="utf-8")
        os.replace(path, rejected / path.name)
