"""parse_mail(): the new text of a real MIME reply, its attachments, and robots told apart from people."""

from __future__ import annotations

from email.message import EmailMessage

from civicdesk.inbound.mail import html_to_text, parse_mail, trim_reply

from .conftest import photo


def message(**headers) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = headers.pop("From", "Alice <alice@example.org>")
    mail["To"] = headers.pop("To", "reply+7kq4m2xd-0123456789abcdef@replies.example.gov")
    mail["Subject"] = "Re: your request"
    for name, value in headers.items():
        mail[name.replace("_", "-")] = value
    return mail


def test_it_prefers_the_plain_text_of_a_multipart_alternative():
    mail = message(Message_ID="<abc@mail.example.org>")
    mail.set_content("Plain words.")
    mail.add_alternative("<p>HTML <b>words</b>.</p>", subtype="html")
    parsed = parse_mail(mail.as_bytes())
    assert parsed.text == "Plain words."
    assert parsed.attachments == []
    assert parsed.sender == "alice@example.org"
    assert parsed.message_id == "abc@mail.example.org"
    assert parsed.recipients == ["reply+7kq4m2xd-0123456789abcdef@replies.example.gov"]
    assert parsed.auto_reply == ""


def test_it_turns_an_html_only_reply_into_readable_text_without_scripts():
    mail = message()
    mail.set_content(
        "<html><head><style>p { color: red }</style><script>alert('x')</script></head><body>"
        "<p>The hole is <b>bigger</b> &amp; deeper &mdash; about 10&nbsp;cm.</p>"
        "<ul><li>near the bus stop</li><li>in the left lane</li></ul><div>Line one<br>line two</div>"
        "<img src=\"https://tracker.example/x.gif\" onerror=\"alert(1)\"></body></html>", subtype="html")
    text = parse_mail(mail.as_bytes()).text
    assert text == ("The hole is bigger & deeper — about 10 cm.\n- near the bus stop\n- in the left lane\n"
                    "Line one\nline two")
    assert "alert" not in text and "<" not in text and "color" not in text


def test_it_trims_a_quoted_gmail_reply_in_english_wrapped_over_two_lines():
    mail = message()
    mail.set_content("It is still there this morning.\n\nOn Mon, Nov 27, 2026 at 10:00 AM Town of Elm <\n"
                     "reply+7kq4m2xd-0123456789abcdef@replies.example.gov> wrote:\n\n"
                     "> We received your request 7KQ4-M2XD.\n> Thank you.\n")
    assert parse_mail(mail.as_bytes()).text == "It is still there this morning."


def test_it_trims_a_quoted_reply_in_spanish():
    mail = message()
    mail.set_content("Sigue ahí, y ahora es más grande.\n\nEl lun, 27 nov 2026 a las 10:00, Ciudad de Elm "
                     "(<reply@replies.example.gov>) escribió:\n> Recibimos su solicitud.\n")
    assert parse_mail(mail.as_bytes()).text == "Sigue ahí, y ahora es más grande."


def test_it_trims_an_html_reply_whose_original_is_a_blockquote():
    mail = message()
    mail.set_content("<div dir=\"ltr\">Thanks, see you then.</div><div class=\"gmail_quote\">"
                     "<blockquote>Your request was <i>scheduled</i>.<p>Elm 311</p></blockquote></div>",
                     subtype="html")
    assert parse_mail(mail.as_bytes()).text == "Thanks, see you then."


def test_it_trims_outlook_original_messages_header_blocks_and_signatures():
    assert trim_reply("Yes, Tuesday works.\n\n-----Original Message-----\nFrom: Elm\nSent: Monday\n") == (
        "Yes, Tuesday works.")
    assert trim_reply("Yes.\n\n________________________________\nFrom: Town of Elm <reply@x>\nSent: Monday\n"
                      "To: Alice\nSubject: Your request\n\nold text") == "Yes."
    assert trim_reply("Yes.\nDe: Ciudad <reply@x>\nEnviado: lunes\nPara: Alicia\n") == "Yes."
    assert trim_reply("Yes.\n-- \nAlice Example\n555-0100") == "Yes."


def test_it_keeps_answers_written_between_quoted_lines_and_drops_phone_footers():
    assert trim_reply("> Is it deep?\nAbout 10 cm.\n> Is it in the lane?\nYes, the left one.\n\n"
                      "Sent from my iPhone") == "About 10 cm.\nYes, the left one."


def test_it_decodes_the_declared_charset_and_survives_a_wrong_one():
    latin = message()
    latin.set_content("Está roto desde el miércoles.", charset="iso-8859-1", cte="quoted-printable")
    assert parse_mail(latin.as_bytes()).text == "Está roto desde el miércoles."
    raw = (b"From: alice@example.org\r\nTo: reply@x\r\nSubject: x\r\nMIME-Version: 1.0\r\n"
           b"Content-Type: text/plain; charset=x-unheard-of\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
           + "Todavía está.".encode() + b"\r\n")
    assert parse_mail(raw).text == "Todavía está."


def test_it_keeps_files_as_attachments_but_not_the_other_rendering_of_the_body():
    mail = message()
    mail.set_content("Photo attached.")
    mail.add_alternative("<p>Photo attached.</p>", subtype="html")
    mail.add_attachment(photo(), maintype="image", subtype="jpeg", filename="hole.jpg")
    mail.add_attachment(b"%PDF-1.4 fake", maintype="application", subtype="pdf", filename="letter.pdf")
    parsed = parse_mail(mail.as_bytes())
    assert parsed.text == "Photo attached."
    assert [(a.filename, a.content_type) for a in parsed.attachments] == [
        ("hole.jpg", "image/jpeg"), ("letter.pdf", "application/pdf")]
    assert parsed.attachments[0].content == photo()


def test_it_recognises_automatic_replies_and_bounces():
    def robot(**headers) -> str:
        mail = message(**headers)
        mail.set_content("I am out of the office.")
        return parse_mail(mail.as_bytes()).auto_reply

    assert robot(Auto_Submitted="auto-replied") == "Auto-Submitted: auto-replied"
    assert robot(Auto_Submitted="no") == ""
    assert robot(Precedence="bulk") == "Precedence: bulk"
    assert robot(X_Autoreply="yes") == "X-Autoreply"
    assert robot(From="Mail Delivery System <MAILER-DAEMON@mx.example.org>").startswith("bounce sender")


def test_it_cuts_very_long_text_and_says_so():
    mail = message()
    mail.set_content("word " * 3000)
    parsed = parse_mail(mail.as_bytes())
    assert parsed.truncated and len(parsed.text) <= 5010 and parsed.text.endswith("[…]")


def test_it_leaves_no_markup_from_a_hostile_html_body():
    text = html_to_text("<script>alert(1)</script><p onclick='x()'>&lt;b&gt;hi&lt;/b&gt;</p><style>p{}</style>")
    assert "alert(1)" not in text and "onclick" not in text and "p{}" not in text
    # Escaped markup stays the text it was; pages escape it again when they show it.
    assert text.strip() == "<b>hi</b>"
