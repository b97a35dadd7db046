"""Building an e-mail from its templates: subject, text and HTML bodies, attachments.

A template pair lives at `templates/email/<name>.txt` (required) and `.html`
(optional). The first line of the text template may be `Subject: ...`; it becomes
the subject and is not part of the body.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any

from flask import current_app
from jinja2 import TemplateNotFound

SUBJECT_PREFIX = "Subject:"
DEFAULT_SUBJECT = "A message from SafeSlot"


@dataclass(frozen=True)
class Attachment:
    """A file attached to a message."""

    filename: str
    content: bytes
    maintype: str
    subtype: str
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Rendered:
    """A message's content, ready to address and send."""

    subject: str
    text: str
    html: str | None = None
    attachments: tuple[Attachment, ...] = ()


def template_exists(name: str) -> bool:
    """True when `templates/email/<name>.txt` exists."""
    try:
        current_app.jinja_env.get_template(f"email/{name}.txt")
    except TemplateNotFound:
        return False
    return True


def render(
    name: str, context: dict[str, Any], attachments: tuple[Attachment, ...] = ()
) -> Rendered:
    """Render the template pair `name` with `context` (app context needed)."""
    env = current_app.jinja_env
    text = env.get_template(f"email/{name}.txt").render(**context)
    subject, body = split_subject(text)
    try:
        html: str | None = env.get_template(f"email/{name}.html").render(subject=subject, **context)
    except TemplateNotFound:
        html = None
    return Rendered(subject=subject, text=body, html=html, attachments=attachments)


def split_subject(text: str) -> tuple[str, str]:
    """The subject named on a leading `Subject:` line (if any), and the rest as the body."""
    first, _newline, rest = text.lstrip("\n").partition("\n")
    if not first.startswith(SUBJECT_PREFIX):
        return DEFAULT_SUBJECT, text.strip() + "\n"
    # A subject is one line: a line break from a value must not start new headers.
    subject = " ".join(first[len(SUBJECT_PREFIX) :].split())
    return subject or DEFAULT_SUBJECT, rest.strip() + "\n"


def build(rendered: Rendered, *, to: str, sender: str, message_id: str) -> EmailMessage:
    """An `EmailMessage` with a text body, an HTML alternative and the attachments."""
    message = EmailMessage()
    message["Subject"] = rendered.subject
    message["From"] = sender
    message["To"] = to
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = message_id
    # Automated mail: auto-responders should not answer it (RFC 3834).
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(rendered.text)
    if rendered.html is not None:
        message.add_alternative(rendered.html, subtype="html")
    for attachment in rendered.attachments:
        message.add_attachment(
            attachment.content,
            maintype=attachment.maintype,
            subtype=attachment.subtype,
            filename=attachment.filename,
            params=attachment.params,
        )
    return message
