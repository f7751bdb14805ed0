"""Reading a raw email reply: its text without the quoted original, its attachments, and whether a robot sent it."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses
from html.parser import HTMLParser

#: Longest reply text kept; anything after it is cut with a mark (the description has the same limit).
MAX_TEXT = 5000

# Headers that name the envelope recipient when a provider or MTA rewrote To (forwarding, BCC).
_RECIPIENT_HEADERS = ("Delivered-To", "X-Original-To", "Envelope-To", "To", "Cc")
_BOUNCE_LOCAL_PARTS = frozenset({"mailer-daemon", "postmaster", "no-reply", "noreply", "do-not-reply",
                                 "donotreply", "bounce", "bounces"})

# Subjects of out-of-office and other automatic answers (Outlook, Gmail, Exchange; English and Spanish).
_AUTO_REPLY_SUBJECTS = ("out of office", "out of the office", "automatic reply", "auto reply", "autoreply",
                        "auto-reply", "auto:", "respuesta automática", "respuesta automatica",
                        "fuera de la oficina", "undeliverable", "delivery status notification",
                        "mail delivery failed", "returned mail")


@dataclass(frozen=True)
class MailAttachment:
    """One file carried by the message, as sent (nothing is trusted: media.process_upload sniffs it)."""

    filename: str
    content_type: str
    content: bytes


@dataclass
class ParsedMail:
    """What the service needs from a raw message. `text` is the new part of the reply, quotes trimmed."""

    sender: str                      # From address, lower-cased, or ""
    recipients: list[str]            # addresses from Delivered-To/X-Original-To/To/Cc, lower-cased, in order
    message_id: str                  # Message-ID without angle brackets, or a hash of the message
    subject: str
    text: str
    truncated: bool
    attachments: list[MailAttachment] = field(default_factory=list)
    auto_reply: str = ""             # why this looks like a robot's message ("Auto-Submitted: auto-replied"), or ""


class UnreadableMail(ValueError):
    """The bytes are not an email message we can read."""


def parse_mail(raw: bytes) -> ParsedMail:
    """Parse a raw RFC 5322 message into a ParsedMail. Raises UnreadableMail when it has no headers at all."""
    message = BytesParser(policy=policy.default).parsebytes(raw)
    if not isinstance(message, EmailMessage) or not message.keys():
        raise UnreadableMail("no headers")
    sender = _first_address(message, "From") or _first_address(message, "Sender")
    body_part = _body_part(message)
    if body_part is None:
        text = ""
    elif body_part.get_content_subtype() == "html":
        text = html_to_text(_decoded_text(body_part))
    else:
        text = _decoded_text(body_part)
    text, truncated = _limit(trim_reply(text))
    raw_id = str(message.get("Message-ID", "") or "").strip().strip("<>").strip()
    return ParsedMail(
        sender=sender,
        recipients=_recipients(message),
        message_id=raw_id[:300] or "sha256:" + hashlib.sha256(raw).hexdigest(),
        subject=_header_text(message, "Subject")[:255],
        text=text,
        truncated=truncated,
        attachments=_attachments(message, body_part),
        auto_reply=_auto_reply_reason(message, sender),
    )


# --- headers ---------------------------------------------------------------


def _header_text(message: EmailMessage, name: str) -> str:
    try:
        return str(message.get(name, "") or "")
    except (ValueError, TypeError, IndexError):  # a header too broken for the policy's parser
        return ""


def _addresses(message: EmailMessage, name: str) -> list[str]:
    found = []
    try:
        values = message.get_all(name) or []
    except (ValueError, TypeError, IndexError):
        return []
    for value in values:
        addresses = getattr(value, "addresses", None)
        if addresses is not None:
            found += [_address_text(a) for a in addresses]
        else:  # Delivered-To and friends are unstructured headers holding one bare address
            found += [addr for _, addr in getaddresses([str(value)])]
    return [a.strip().lower() for a in found if a and "@" in a]


def _address_text(address: Address) -> str:
    return address.addr_spec if address.domain else ""


def _first_address(message: EmailMessage, name: str) -> str:
    addresses = _addresses(message, name)
    return addresses[0] if addresses else ""


def _recipients(message: EmailMessage) -> list[str]:
    seen: list[str] = []
    for name in _RECIPIENT_HEADERS:
        for address in _addresses(message, name):
            if address not in seen:
                seen.append(address)
    return seen


def _auto_reply_reason(message: EmailMessage, sender: str) -> str:
    """Why the message is from a robot (so answering it could loop), or "" for a person's reply.

    Follows RFC 3834: Auto-Submitted other than "no"; plus the de-facto markers (Precedence bulk/junk/list/
    auto_reply, X-Autoreply, X-Autorespond, a mailing list's List-Id, an empty Return-Path), delivery
    reports, bounce senders (MAILER-DAEMON, postmaster) and the usual out-of-office subjects.
    """
    auto_submitted = _header_text(message, "Auto-Submitted").strip().lower()
    if auto_submitted and auto_submitted.split(";")[0].strip() != "no":
        return f"Auto-Submitted: {auto_submitted[:40]}"
    precedence = _header_text(message, "Precedence").strip().lower()
    if precedence in {"bulk", "junk", "list", "auto_reply"}:
        return f"Precedence: {precedence}"
    for name in ("X-Autoreply", "X-Autorespond", "X-Auto-Response", "List-Id"):
        if message.get(name) is not None:
            return name
    if str(message.get("Return-Path", "x") or "").strip() in {"<>", ""}:
        return "Return-Path: <> (a bounce)"
    subject = _header_text(message, "Subject").strip().lower()
    if subject.startswith(_AUTO_REPLY_SUBJECTS):
        return f"automatic reply subject: {subject[:40]}"
    if message.get_content_type() == "multipart/report":
        return "delivery report"
    local_part = sender.split("@", 1)[0]
    if not sender or local_part in _BOUNCE_LOCAL_PARTS:
        return f"bounce sender {sender or '(none)'}"
    return ""


# --- body ------------------------------------------------------------------


def _body_part(message: EmailMessage) -> EmailMessage | None:
    """The part holding what the person wrote: text/plain preferred over text/html."""
    try:
        return message.get_body(preferencelist=("plain", "html"))
    except (KeyError, LookupError, ValueError):
        return None


def _decoded_text(part: EmailMessage) -> str:
    """The part's text; an unknown or lying charset falls back to UTF-8, then Latin-1, never an error."""
    try:
        return part.get_content()
    except (LookupError, UnicodeDecodeError, ValueError, AssertionError):
        payload = part.get_payload(decode=True) or b""
        try:
            return payload.decode("utf-8")
        except UnicodeDecodeError:
            return payload.decode("latin-1")


class _TextExtractor(HTMLParser):
    """Readable text from HTML: block elements become line breaks, quoted blocks get "> ", scripts vanish."""

    _SKIP = frozenset({"script", "style", "head", "title", "template", "noscript", "svg", "object", "iframe"})
    _BLOCK = frozenset({"p", "div", "section", "article", "header", "footer", "table", "tr", "ul", "ol",
                        "h1", "h2", "h3", "h4", "h5", "h6", "pre", "hr", "address", "center", "form"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = [""]
        self.skipping = 0
        self.quote_depth = 0

    def _newline(self) -> None:
        if self.lines[-1].strip():
            self.lines.append("")

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in self._SKIP:
            self.skipping += 1
        elif tag == "br":
            self.lines.append("")
        elif tag == "li":
            self._newline()
            self.lines[-1] = "> " * self.quote_depth + "- "
        elif tag == "blockquote":
            self._newline()
            self.quote_depth += 1
        elif tag in {"td", "th"}:
            self._write(" ")
        elif tag in self._BLOCK:
            self._newline()

    def handle_startendtag(self, tag: str, attrs) -> None:
        if tag == "br":
            self.lines.append("")
        elif tag == "hr":
            self._newline()

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag == "blockquote":
            self._newline()
            self.quote_depth = max(0, self.quote_depth - 1)
        elif tag in self._BLOCK or tag == "li":
            self._newline()

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        self._write(re.sub(r"\s+", " ", data))

    def _write(self, text: str) -> None:
        current = self.lines[-1]
        if not current.strip(" >"):  # at the start of a line: no leading blanks, quote marks first
            text = text.lstrip()
            if not text:
                return
            current = "> " * self.quote_depth
        elif current.endswith(" ") and text.startswith(" "):
            text = text.lstrip()
        self.lines[-1] = current + text


def html_to_text(html: str) -> str:
    """Plain text from an HTML email body; entities decoded, scripts and styles dropped, no markup left.

    Quoted blocks (<blockquote>, as mail programs use for the original) come out with "> " prefixes so
    trim_reply() removes them like a plain-text quote.
    """
    extractor = _TextExtractor()
    extractor.feed(html)
    extractor.close()
    lines = [line.rstrip() for line in extractor.lines]
    return "\n".join(lines).replace("\xa0", " ")


# "On Mon, 27 Nov 2026 at 10:00, Riverbend 311 <reply+…> wrote:" (mail programs wrap it over two lines).
_QUOTE_HEADERS = [
    re.compile(r"^\s*On\b.{0,400}\bwrote:\s*$", re.IGNORECASE | re.DOTALL),
    re.compile(r"^\s*El\b.{0,400}\bescribi[oó]:\s*$", re.IGNORECASE | re.DOTALL),
    re.compile(r"^\s*Le\b.{0,400}\ba [ée]crit\s*:\s*$", re.IGNORECASE | re.DOTALL),
    re.compile(r"^\s*Am\b.{0,400}\bschrieb\b.{0,200}:\s*$", re.IGNORECASE | re.DOTALL),
]
_SEPARATORS = re.compile(
    r"^\s*(-{2,}\s*(Original Message|Mensaje original|Forwarded message|Mensaje reenviado)\s*-{2,}"
    r"|_{20,}|Begin forwarded message:)\s*$",
    re.IGNORECASE,
)
# An Outlook-style header block: "From:" (or "De:") followed within a few lines by "Sent:"/"Date:"/"To:"/"Subject:".
_HEADER_START = re.compile(r"^\s*\*?(From|De)\s*:\*?\s+\S", re.IGNORECASE)
_HEADER_FOLLOW = re.compile(r"^\s*\*?(Sent|Date|To|Subject|Enviado|Fecha|Para|Asunto|Cc)\s*:", re.IGNORECASE)
_SIGNATURE = re.compile(r"^-- ?$")
_MOBILE_FOOTERS = re.compile(
    r"^\s*(Sent from my \w+|Enviado desde mi \w+|Get Outlook for \w+|Obtener Outlook para \w+)", re.IGNORECASE)


def trim_reply(text: str) -> str:
    """The new part of a reply: everything before the quoted original, without quoted lines or signature.

    Cuts at the first "On … wrote:" / "El … escribió:" line (also when wrapped over two lines), at
    "-----Original Message-----" and similar separators, at an Outlook "From:/Sent:/To:" header block and
    at a "-- " signature line; drops lines starting with ">" (answers written between quoted lines stay)
    and "Sent from my iPhone"-style footers.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept: list[str] = []
    for index, line in enumerate(lines):
        stripped = line.strip()
        pair = f"{line} {lines[index + 1]}" if index + 1 < len(lines) else line
        if any(p.match(line) for p in _QUOTE_HEADERS):
            break
        if stripped.lower().startswith(("on ", "el ", "le ", "am ")) and any(p.match(pair) for p in _QUOTE_HEADERS):
            break
        if _SEPARATORS.match(line) or _SIGNATURE.match(line.rstrip("\n")):
            break
        if _HEADER_START.match(line) and any(_HEADER_FOLLOW.match(follow) for follow in lines[index + 1:index + 4]):
            break
        if stripped.startswith(">") or _MOBILE_FOOTERS.match(line):
            continue
        kept.append(line.rstrip())
    cleaned = "\n".join(kept).strip()
    return re.sub(r"\n{3,}", "\n\n", cleaned)


def _limit(text: str) -> tuple[str, bool]:
    if len(text) <= MAX_TEXT:
        return text, False
    return text[:MAX_TEXT].rstrip() + " […]", True


# --- attachments -----------------------------------------------------------


def _attachments(message: EmailMessage, body_part: EmailMessage | None) -> list[MailAttachment]:
    """Every leaf part that is a file rather than the body: attachments, and inline images (phones send
    photos inline). The alternative text/HTML versions of the body are not files."""
    found = []
    for part in message.walk():
        if part.is_multipart() or part is body_part:
            continue
        disposition = part.get_content_disposition()
        maintype = part.get_content_maintype()
        filename = part.get_filename() or ""
        if disposition != "attachment" and maintype == "text" and not filename:
            continue  # another rendering of the body (text/html beside text/plain, a calendar stub)
        if maintype == "multipart" or part.get_content_type() in {"message/delivery-status", "message/rfc822"}:
            continue
        content = part.get_payload(decode=True)
        if not isinstance(content, bytes):
            continue
        name = re.sub(r"[\x00-\x1f/\\]", "_", filename)[:120] or f"attachment-{len(found) + 1}"
        found.append(MailAttachment(filename=name, content_type=part.get_content_type(), content=content))
    return found
