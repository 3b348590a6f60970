"""An e-mail as SMTP carries it: headers, plain text and an iMIP calendar part."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formataddr, formatdate, parseaddr


@dataclass(frozen=True)
class Email:
    to: str
    to_name: str | None
    subject: str
    text: str
    calendar: bytes | None = None
    method: str | None = None
    # A reply reaches a person: the client's worker, never the no-reply sender.
    reply_to: str | None = None
    reply_to_name: str | None = None


def message_id_header(message_id: str) -> str:
    """The same on every try at one outbox message: a copy sent again after a worker died
    between the server's acceptance and recording it can be recognised as one."""
    return f"<{message_id}@polku>"


@dataclass(frozen=True)
class Envelope:
    """A message ready for SMTP: who sends, who receives, and the bytes (CRLF line ends)."""

    sender: str
    recipient: str
    data: bytes
    smtputf8: bool = False


def build_email(email: Email, *, sender: str, message_id: str) -> Envelope:
    """Plain text, and for invites an iMIP text/calendar alternative (RFC 6047) whose
    method= matches the METHOD inside it."""
    sender_name, sender_address = parseaddr(sender)
    if not all(address.isascii() for address in (email.to, sender_address, email.reply_to or "")):
        return _build_international(email, sender=sender, message_id=message_id)
    headers = [
        _header("From", _mailbox(sender_name, sender_address)),
        _header("To", _mailbox(email.to_name or "", email.to)),
        _header("Subject", _words(email.subject)),
        f"Date: {formatdate(usegmt=True)}",
        f"Message-ID: {message_id_header(message_id)}",
        "MIME-Version: 1.0",
    ]
    if email.reply_to:
        headers.insert(2, _header("Reply-To", _mailbox(email.reply_to_name or "", email.reply_to)))
    # Text travels with CRLF line ends (RFC 2046), inside base64 too.
    text = _part("text/plain; charset=utf-8", _crlf(email.text).encode())
    if email.calendar is None:
        body = text
    else:
        # No base64 text contains "-": the boundary cannot occur in the parts.
        boundary = f"polku-{message_id}"
        method = email.method or "PUBLISH"
        calendar = _part(f"text/calendar; charset=utf-8; method={method}", email.calendar)
        body = (
            f'Content-Type: multipart/alternative;\r\n boundary="{boundary}"\r\n\r\n'
            f"--{boundary}\r\n{text}\r\n--{boundary}\r\n{calendar}\r\n--{boundary}--\r\n"
        )
    data = "\r\n".join(headers) + "\r\n" + body
    return Envelope(sender=sender_address, recipient=email.to, data=data.encode("ascii"))


def _crlf(text: str) -> str:
    return "\r\n".join(text.splitlines()) + ("\r\n" if text.endswith("\n") else "")


def _part(content_type: str, payload: bytes) -> str:
    encoded = base64.encodebytes(payload).decode("ascii").replace("\n", "\r\n")
    return f"Content-Type: {content_type}\r\nContent-Transfer-Encoding: base64\r\n\r\n{encoded}"


# An encoded word may be 75 characters long (RFC 2047); 40 bytes of UTF-8 make one of 66,
# which leaves room for the header's name on its first line.
_WORD_BYTES = 40
_LINE = 78


def _words(text: str) -> list[str]:
    """A header value in pieces that may travel: ASCII words as written, anything else
    as base64 encoded words of whole characters. Line breaks never reach a header."""
    text = " ".join(text.split())
    if text.isascii():
        return text.split(" ") if text else []
    words, chunk = [], b""
    for character in text:
        encoded = character.encode()
        if len(chunk) + len(encoded) > _WORD_BYTES:
            words.append(chunk)
            chunk = b""
        chunk += encoded
    words.append(chunk)
    return [f"=?utf-8?b?{base64.b64encode(word).decode()}?=" for word in words]


def _mailbox(name: str, address: str) -> list[str]:
    """`Name <address>`, the name encoded when it is not ASCII."""
    name = " ".join(name.split())
    if not name:
        return [address]
    if name.isascii():
        return [formataddr((name, address))]
    return [*_words(name), f"<{address}>"]


def _header(name: str, pieces: list[str]) -> str:
    """`Name: pieces`, folded between pieces so that lines stay within 78 characters."""
    lines = [f"{name}:"]
    for piece in pieces:
        if len(lines[-1]) + 1 + len(piece) > _LINE and lines[-1] != f"{name}:":
            lines.append("")
        lines[-1] += f" {piece}"
    return "\r\n".join(lines)


def _build_international(email: Email, *, sender: str, message_id: str) -> Envelope:
    """An address outside ASCII (mäkinen@…) needs SMTPUTF8, which only EmailMessage does."""
    message = EmailMessage(policy=policy.SMTPUTF8)
    message["From"] = sender
    username, _, domain = email.to.rpartition("@")
    name, subject = (" ".join((text or "").split()) for text in (email.to_name, email.subject))
    message["To"] = Address(display_name=name, username=username, domain=domain)
    if email.reply_to:
        reply_name = " ".join((email.reply_to_name or "").split())
        reply_user, _, reply_domain = email.reply_to.rpartition("@")
        message["Reply-To"] = Address(
            display_name=reply_name, username=reply_user, domain=reply_domain
        )
    message["Subject"] = subject
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = message_id_header(message_id)
    message.set_content(email.text)
    if email.calendar is not None:
        message.add_alternative(
            email.calendar.decode(),
            subtype="calendar",
            params={"method": email.method or "PUBLISH"},
        )
    return Envelope(
        sender=parseaddr(sender)[1],
        recipient=email.to,
        data=message.as_bytes(policy=policy.SMTPUTF8),
        smtputf8=True,
    )
