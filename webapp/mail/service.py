"""What is sent, to whom, in which language, and what happens when it cannot go.

Every message is rate-limited per address and per link, and written to the audit trail; a
message never holds an answer, only what happened and a link. Callers commit their own change
first: a message that cannot go (no server, server down, refused, over the limit) loses nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import smtplib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask import current_app, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_mailman import EmailMessage
from limits import parse_many
from sqlalchemy import delete, func, select, update

from reports.i18n import LANGUAGES
from webapp.core.db import db
from webapp.core.models import Answer, Assessment, AuditEvent, Comment, Contact, User, aware, utcnow
from webapp.core.status import DRAFT

SENT, LOGGED, LIMITED, FAILED = "sent", "logged", "limited", "failed"
# The worst outcome of a batch is the one the page reports.
_SEVERITY = (SENT, LOGGED, LIMITED, FAILED)
REMIND_AFTER = dt.timedelta(days=14)
MAX_LINKS = 20

SUBJECTS = {
    "link": _l("Your private link to the training needs assessment"),
    "links": _l("Your private links to the training needs assessment"),
    "reminder": _l("Your assessment is waiting for you"),
    "clarification": _l("A reviewer has a question about your assessment"),
    "reply": _l("The agency answered your question"),
    "resubmitted": _l("An assessment was sent back to you"),
    "published": _l("Your assessment's report is published"),
    "invitation": _l("You are invited to the training needs assessment"),
}


@dataclass(frozen=True)
class Recipient:
    address: str
    language: str


@dataclass
class Outcome:
    """What became of each message of one action."""

    results: list[str] = field(default_factory=list)

    @property
    def nobody(self) -> bool:
        return not self.results

    @property
    def state(self) -> str | None:
        return max(self.results, key=_SEVERITY.index) if self.results else None


def configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def valid_address(text: str | None) -> str | None:
    """The address, normalised, if it is one; None for anything else, a line break included
    (a header injected through the field never reaches a message)."""
    if not text or len(text) > 254 or any(c in text for c in "\r\n\0"):
        return None
    try:
        checked = validate_email(text.strip(), check_deliverability=False,
                                 test_environment=current_app.config.get("TNA_ENV") != "production")
    except EmailNotValidError:
        return None
    return checked.normalized.lower()


def address_field(form: Any, field: Any) -> None:
    """A WTForms validator: the field holds one address, normalised, with no line break."""
    from wtforms.validators import ValidationError

    address = valid_address(field.data)
    if address is None:
        raise ValidationError(_l("Enter an email address like name@example.org"))
    field.data = address


def masked(address: str) -> str:
    """How the audit trail and the pages name an address: "o…@example.org"."""
    local, _sep, domain = address.partition("@")
    return f"{local[:1]}…@{domain}"


def _language(code: str | None) -> str:
    return code if code in LANGUAGES else "en"


def external(endpoint: str, **values: Any) -> str:
    """A link for a message: on TNA_BASE_URL when it is set (always, for the reminders sent
    from cron), else on the host of the request, which TRUSTED_HOSTS has checked."""
    base = current_app.config.get("TNA_BASE_URL") or request.host_url
    return base.rstrip("/") + url_for(endpoint, **values)


# --- sending ------------------------------------------------------------------------------


def send(kind: str, recipients: Iterable[Recipient], context: dict[str, Any], *, link_key: str,
         assessment: Assessment | None = None, actor: User | None = None) -> Outcome:
    """Send one message of `kind` to each recipient, in the recipient's language."""
    outcome = Outcome()
    seen: set[str] = set()
    unreachable: str | None = None
    for recipient in recipients:
        if recipient.address in seen:
            continue
        seen.add(recipient.address)
        if not _within_limits(recipient.address, link_key):
            result, reason = LIMITED, "too many messages to this address or for this link"
        elif unreachable:
            # The server did not answer the first time: the others are not tried, so that one
            # action waits for one timeout at most.
            result, reason = FAILED, unreachable
        else:
            result, reason, down = _deliver(kind, recipient, context)
            if down:
                unreachable = reason
        outcome.results.append(result)
        after = {"kind": kind, "to": masked(recipient.address), "language": recipient.language}
        if reason:
            after["reason"] = reason
        db.session.add(AuditEvent(assessment_id=assessment.id if assessment else None, actor_id=actor.id if actor else None,
                                  action="mail sent" if result == SENT else "mail not sent", after=after))
    db.session.commit()
    return outcome


def _digest(address: str) -> str:
    """How the counts name an address: they must not keep the address itself."""
    return hashlib.sha256(address.encode()).hexdigest()[:32]


def _within_limits(address: str, link_key: str) -> bool:
    limiter = current_app.extensions["tna.throttle"]
    address_key = _digest(address)
    checks = [(limit, "mail-address", address_key) for limit in parse_many(current_app.config["TNA_MAIL_PER_ADDRESS"])]
    checks += [(limit, "mail-link", link_key) for limit in parse_many(current_app.config["TNA_MAIL_PER_LINK"])]
    return all([limiter.hit(limit, name, key) for limit, name, key in checks])


def _message(kind: str, recipient: Recipient, context: dict[str, Any]) -> EmailMessage:
    with force_locale(recipient.language):
        subject = str(SUBJECTS[kind])
        body = render_template(f"mail/{kind}.txt", **context)
    return EmailMessage(
        subject=subject, body=body, from_email=current_app.config["MAIL_DEFAULT_SENDER"], to=[recipient.address],
        headers={"Content-Language": recipient.language, "Auto-Submitted": "auto-generated"},
    )


def _server_down(error: Exception) -> bool:
    """The server could not be reached or dropped the connection, as opposed to one message
    refused (every SMTP error is an OSError too)."""
    if isinstance(error, smtplib.SMTPException):
        return isinstance(error, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError)
    return isinstance(error, OSError)


def _deliver(kind: str, recipient: Recipient, context: dict[str, Any]) -> tuple[str, str | None, bool]:
    """(result, why it did not go, whether the server is down)."""
    from webapp.mail import mail

    try:
        message = _message(kind, recipient, context)
        if not configured():
            _write_to_log(message)
            return LOGGED, "no mail server is set up: written to the mail log", False
        config = current_app.config
        connection = mail.get_connection(
            backend="smtp", host=config["MAIL_SERVER"], port=config["MAIL_PORT"], username=config.get("MAIL_USERNAME"),
            password=config.get("MAIL_PASSWORD"), use_tls=config.get("MAIL_USE_TLS", False),
            use_ssl=config.get("MAIL_USE_SSL", False), timeout=config.get("MAIL_TIMEOUT", 10),
        )
        message.connection = connection
        message.send()
    except (OSError, ValueError) as error:  # smtplib's errors are OSErrors; a bad header is a ValueError
        current_app.logger.warning("Mail (%s) to %s not sent: %s", kind, masked(recipient.address), error)
        return FAILED, f"{type(error).__name__}: {str(error)[:200]}", _server_down(error)
    return SENT, None, False


def _write_to_log(message: EmailMessage) -> None:
    """No mail server: the whole message goes to the log file named by MAIL_LOG, and a line
    about it to the application log."""
    path = current_app.config["MAIL_LOG"]
    with open(path, "a", encoding="utf-8") as log:
        log.write(message.message().as_string())
        log.write("\n" + "-" * 79 + "\n")
    current_app.logger.info("No mail server is set up: the message %r to %s was written to %s",
                            message.subject, masked(message.to[0]), path)


def notice(outcome: Outcome, sent: str) -> tuple[str, str]:
    """(message, flash category) that tells the person what became of the mail."""
    if outcome.state == FAILED:
        return _("The e-mail could not be sent: the mail server did not answer or refused it. "
                  "Nothing is lost. Try again later."), "error"
    if outcome.state == LIMITED:
        return _("The e-mail was not sent: too many e-mails went to this address or about this assessment. "
                  "Try again in an hour."), "error"
    if outcome.state == LOGGED:
        return _("No e-mail was sent: this server has no mail server set up. "
                  "The message was written to the server's mail log."), "warning"
    return sent, "success"


# --- who is told ----------------------------------------------------------------------------


def kept_address(assessment: Assessment) -> str | None:
    """The address kept for this assessment's reminders, masked, for its pages."""
    contact = db.session.get(Contact, assessment.id)
    return masked(contact.email) if contact else None


def agency_officials(assessment: Assessment) -> list[Recipient]:
    """The agency's officials with an account, and the address kept for the assessment."""
    recipients = []
    if assessment.agency_id:
        users = db.session.scalars(select(User).where(
            User.agency_id == assessment.agency_id, User.role == "official", User.active.is_(True)).order_by(User.created_at))
        recipients += [Recipient(u.email, _language(u.language)) for u in users]
    contact = db.session.get(Contact, assessment.id)
    if contact is not None:
        recipients.append(Recipient(contact.email, _language(contact.language)))
    return recipients


def askers(assessment: Assessment) -> list[Recipient]:
    """The reviewers who asked the official a question about this assessment."""
    users = db.session.scalars(
        select(User).join(Comment, Comment.author_id == User.id)
        .where(Comment.assessment_id == assessment.id, Comment.clarification.is_(True), User.active.is_(True))
        .distinct()
    )
    return [Recipient(u.email, _language(u.language)) for u in users]


# --- the messages -----------------------------------------------------------------------------


def _assessment_context(assessment: Assessment) -> dict[str, Any]:
    return {"reference": assessment.reference, "link": external("wizard.overview", token=assessment.token)}


def send_link(assessment: Assessment, address: str, language: str, remember: bool, actor: User | None) -> Outcome:
    """The private link, to an address the official typed. Kept only if they asked for
    reminders; otherwise used for this one message."""
    language = _language(language)
    contact = db.session.get(Contact, assessment.id)
    if remember:
        if contact is None:
            db.session.add(Contact(assessment_id=assessment.id, email=address, language=language))
        else:
            contact.email, contact.language = address, language
        db.session.add(AuditEvent(assessment_id=assessment.id, actor_id=actor.id if actor else None,
                                  action="address kept for reminders", after={"to": masked(address)}))
        db.session.commit()
    context = dict(_assessment_context(assessment), remembered=remember, submitted=assessment.submitted)
    return send("link", [Recipient(address, language)], context, link_key=assessment.id, assessment=assessment, actor=actor)


def forget(assessment: Assessment, actor: User | None) -> bool:
    removed = db.session.execute(delete(Contact).where(Contact.assessment_id == assessment.id)).rowcount
    if removed:
        db.session.add(AuditEvent(assessment_id=assessment.id, actor_id=actor.id if actor else None,
                                  action="address for reminders removed"))
    db.session.commit()
    return bool(removed)


def assessments_for(address: str, user: User | None) -> list[Assessment]:
    """The assessments whose links an address may get again: those it is kept for, and, for an
    official's account (`user`, the account of the address), those of the official's agency.
    Newest first."""
    ids = set(db.session.scalars(select(Contact.assessment_id).where(Contact.email == address)))
    query = select(Assessment)
    if user is not None and user.active and user.role == "official" and user.agency_id:
        query = query.where((Assessment.id.in_(ids)) | (Assessment.agency_id == user.agency_id))
    else:
        query = query.where(Assessment.id.in_(ids))
    return list(db.session.scalars(query.order_by(Assessment.created_at.desc()).limit(MAX_LINKS)))


def send_links(address: str, language: str) -> Outcome:
    """The links an address may get again, in one message; nothing if it has none. The page
    says the same either way."""
    from webapp.accounts.service import find_user

    user = find_user(address)
    found = assessments_for(address, user)
    if not found:
        return Outcome()
    language = _language(user.language if user else language)
    items = [dict(_assessment_context(a), status=a.status, created=a.created_at.date()) for a in found]
    return send("links", [Recipient(address, language)], {"items": items}, link_key="links:" + _digest(address),
                assessment=found[0] if len(found) == 1 else None)


def tell_clarification(assessment: Assessment, comment: Comment, actor: User, section_title: dict[str, str] | None) -> Outcome:
    context = dict(_assessment_context(assessment), section_title=section_title,
                   link=external("wizard.section", token=assessment.token, section_id=comment.section_id)
                   if comment.section_id else external("wizard.overview", token=assessment.token))
    return send("clarification", agency_officials(assessment), context, link_key=assessment.id,
                assessment=assessment, actor=actor)


def tell_reply(assessment: Assessment, question: Comment, actor: User | None, section_title: dict[str, str] | None) -> Outcome:
    recipients = []
    if question.author is not None and question.author.active:
        recipients.append(Recipient(question.author.email, _language(question.author.language)))
    context = {"reference": assessment.reference, "section_title": section_title,
               "link": external("review.show", assessment_id=assessment.id) + "#comments"}
    return send("reply", recipients, context, link_key=assessment.id, assessment=assessment, actor=actor)


def tell_resubmitted(assessment: Assessment, actor: User | None) -> Outcome:
    context = {"reference": assessment.reference, "link": external("review.show", assessment_id=assessment.id)}
    return send("resubmitted", askers(assessment), context, link_key=assessment.id, assessment=assessment, actor=actor)


def tell_published(assessment: Assessment, actor: User) -> Outcome:
    context = {"reference": assessment.reference, "link": external("report.show", token=assessment.token)}
    return send("published", agency_officials(assessment), context, link_key=assessment.id,
                assessment=assessment, actor=actor)


def send_invitation(user: User, token: str, actor: User | None, days: int) -> Outcome:
    from webapp.core.roles import ROLES

    context = {"name": user.name, "link": external("auth.invitation", token=token), "days": days,
               "role": ROLES[user.role].label}
    return send("invitation", [Recipient(user.email, _language(user.language))], context,
                link_key=f"invitation:{user.id}", actor=actor)


# --- reminders ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Due:
    """A reminder to send, as read: the kept address's last reminder is the value the claim
    expects to find unchanged."""

    assessment: Assessment
    email: str
    language: str
    saved: dt.datetime
    reminded_at: dt.datetime | None


def due_reminders(now: dt.datetime) -> list[Due]:
    """Drafts with a kept address, no save for REMIND_AFTER, and no reminder since their last
    save. A submitted assessment is never reminded of."""
    last_save = (select(Answer.assessment_id, func.max(Answer.updated_at).label("at"))
                 .group_by(Answer.assessment_id).subquery())
    rows = db.session.execute(
        select(Assessment, Contact, last_save.c.at)
        .join(Contact, Contact.assessment_id == Assessment.id)
        .outerjoin(last_save, last_save.c.assessment_id == Assessment.id)
        .where(Assessment.status == DRAFT)
    ).all()
    due = []
    for assessment, contact, saved_at in rows:
        saved = aware(saved_at or assessment.created_at)
        if saved > now - REMIND_AFTER:
            continue
        if contact.reminded_at is not None and aware(contact.reminded_at) >= saved:
            continue
        due.append(Due(assessment, contact.email, contact.language, saved, contact.reminded_at))
    return due


def send_reminders(now: dt.datetime | None = None) -> dict[str, int]:
    """One reminder per draft that waits. Safe to run twice, even at once: a reminder is
    claimed in the database (its last reminder still the one read) before it is sent, and
    released if it could not go."""
    now = now or utcnow()
    counts = {SENT: 0, LOGGED: 0, LIMITED: 0, FAILED: 0}
    for due in due_reminders(now):
        assessment = due.assessment
        unchanged = Contact.reminded_at.is_(None) if due.reminded_at is None else Contact.reminded_at == due.reminded_at
        claimed = db.session.execute(
            update(Contact).where(Contact.assessment_id == assessment.id, unchanged)
            .values(reminded_at=now).execution_options(synchronize_session=False)
        ).rowcount
        db.session.commit()
        if claimed != 1:
            continue  # another run took it
        context = dict(_assessment_context(assessment), saved=due.saved.date(), days=REMIND_AFTER.days)
        outcome = send("reminder", [Recipient(due.email, _language(due.language))], context,
                       link_key=assessment.id, assessment=assessment)
        result = outcome.state or FAILED
        counts[result] += 1
        if result in (FAILED, LIMITED):
            db.session.execute(update(Contact).where(Contact.assessment_id == assessment.id)
                               .values(reminded_at=due.reminded_at).execution_options(synchronize_session=False))
            db.session.commit()
    return counts
