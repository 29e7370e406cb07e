"""Accounts: password rules, hashing, sign-in sessions, invitations, roles."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import time
from collections.abc import Callable
from functools import lru_cache, wraps

from flask import abort, current_app, request, session
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user, login_user, logout_user
from limits import parse_many
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter
from sqlalchemy import delete, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from webapp.core.db import db
from webapp.core.models import AuditEvent, Invitation, User, aware, new_session_token, utcnow
from webapp.core.roles import ROLES

MIN_PASSWORD = 12
MAX_PASSWORD = 256
INVITATION_DAYS = 7

login_manager = LoginManager()
login_manager.login_view = "auth.sign_in"
login_manager.login_message = _l("Sign in to see this page.")
login_manager.session_protection = "strong"


def init_throttle(app) -> None:
    """Rate limits for the views that check a password, with `limits` (the library under
    Flask-Limiter). Only those views pay for a check: no hook runs before or after other pages.
    Fixed windows, which every storage supports: a count starts with the first attempt and
    ends with its window. Counts live in RATELIMIT_STORAGE_URI: by default in the app's
    database (database://, see ratelimit.py), shared by every worker and server."""
    from webapp.accounts import ratelimit  # noqa: F401 - registers the database:// scheme

    storage = storage_from_string(app.config["RATELIMIT_STORAGE_URI"])
    app.extensions["tna.throttle"] = FixedWindowRateLimiter(storage)


def throttled(name: str, limits: str, methods: tuple[str, ...] = ("POST",)) -> Callable:
    """Refuse a view with 429 once a client address has used up any of `limits`, for
    example "10 per minute;50 per hour". Every limit is counted on every attempt."""
    parsed = parse_many(limits)

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            if request.method in methods:
                limiter = current_app.extensions["tna.throttle"]
                client = request.remote_addr or "unknown"
                if not all([limiter.hit(limit, name, client) for limit in parsed]):
                    abort(429, retry_after=_seconds_until_allowed(limiter, parsed, name, client))
            return view(*args, **kwargs)

        return wrapper

    return decorate


def _seconds_until_allowed(limiter, limits, name: str, client: str) -> int:
    """When the longest of the used-up limits starts a new window."""
    waits = [
        stats.reset_time - time.time()
        for stats in (limiter.get_window_stats(limit, name, client) for limit in limits)
        if stats.remaining <= 0
    ]
    return max(1, int(max(waits, default=60)) + 1)


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    """30,000 most common passwords, from the zxcvbn package."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problem(password: str, email: str = "") -> str | None:
    """Current guidance (NIST SP 800-63B): a minimum length and a check against common
    passwords; no rules about character classes."""
    if len(password) < MIN_PASSWORD:
        return str(_l("Use at least %(min)s characters. A few words together work well.", min=MIN_PASSWORD))
    if len(password) > MAX_PASSWORD:
        return str(_l("Use at most %(max)s characters.", max=MAX_PASSWORD))
    lowered = password.lower()
    if lowered in _common_passwords() or (email and lowered == email.lower()) or len(set(password)) < 4:
        return str(_l("This password is too common or too easy to guess. Choose another one."))
    return None


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


@login_manager.user_loader
def load_user(cookie_id: str) -> User | None:
    user_id, _, token = cookie_id.partition(".")
    user = db.session.get(User, user_id)
    if user is None or not user.active or not token or not secrets.compare_digest(token, user.session_token):
        return None
    return user


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email.strip().lower()))


def authenticate(email: str, password: str) -> User | None:
    user = find_user(email)
    # Hash even when the account does not exist, so timing does not tell which emails exist.
    stored = user.password_hash if user and user.password_hash else _dummy_hash()
    ok = check_password_hash(stored, password)
    return user if ok and user is not None and user.active and user.password_hash else None


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return hash_password(secrets.token_hex(16))


def start_session(user: User) -> None:
    """A fresh session at sign-in: nothing from before it is kept."""
    from webapp.core.i18n import current_language

    session.clear()
    user.session_token = new_session_token()
    # E-mails reach the person in the language they last used here.
    user.language = current_language()
    db.session.commit()
    login_user(user)


def end_session() -> None:
    """Sign out here and everywhere: the token in every existing cookie stops working."""
    if current_user.is_authenticated:
        current_user.session_token = new_session_token()
        db.session.commit()
    logout_user()
    session.clear()


def needs_agency(role: str) -> bool:
    """Whether a person of this role belongs to an agency: those who answer its assessments (the
    national officials). Nobody else is asked for one, or keeps one."""
    return role in ROLES and "assess" in ROLES[role].permissions


def create_user(email: str, name: str, role: str, password: str | None = None, agency_id: str | None = None,
                language: str = "en") -> User:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    user = User(email=email.strip().lower(), name=name.strip(), role=role, agency_id=agency_id if needs_agency(role) else None,
                password_hash=hash_password(password) if password else None, language=language)
    db.session.add(user)
    db.session.commit()
    return user


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite(user: User, invited_by: User | None) -> str:
    """A single-use link to set a password, valid for a week. Returns the token."""
    token = secrets.token_urlsafe(32)
    db.session.add(Invitation(
        token_hash=_token_hash(token), user_id=user.id, invited_by=invited_by.id if invited_by else None,
        expires_at=utcnow() + dt.timedelta(days=INVITATION_DAYS),
    ))
    db.session.commit()
    return token


def open_invitation(token: str) -> Invitation | None:
    """The invitation behind a token, if it is unused and not expired."""
    if not token or len(token) > 100:
        return None
    invitation = db.session.scalar(select(Invitation).where(Invitation.token_hash == _token_hash(token)))
    if invitation is None or invitation.accepted_at is not None:
        return None
    if aware(invitation.expires_at) < utcnow():
        return None
    return invitation


def accept_invitation(invitation: Invitation, password: str) -> User | None:
    """Use the invitation, once: of two acceptances at the same moment, one claims it and the
    other gets None and changes nothing."""
    password_hash = hash_password(password)
    claimed = db.session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.accepted_at.is_(None))
        .values(accepted_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        db.session.rollback()
        return None
    user = invitation.user
    user.password_hash = password_hash
    db.session.commit()
    return user


# --- the administrator's changes to an account ----------------------------------------------

# What the administrator's list says of an account.
ACTIVE, INVITED, NOT_INVITED, DEACTIVATED = "active", "invited", "not-invited", "deactivated"
STATE_LABELS = {
    ACTIVE: _l("Active"),
    INVITED: _l("Invited"),
    NOT_INVITED: _l("No valid invitation"),
    DEACTIVATED: _l("Deactivated"),
}


def pending_invitations(user_ids: list[str] | None = None) -> dict[str, Invitation]:
    """The newest unused, unexpired invitation of each person (of these people), by user id."""
    query = select(Invitation).where(Invitation.accepted_at.is_(None), Invitation.expires_at > utcnow())
    if user_ids is not None:
        query = query.where(Invitation.user_id.in_(user_ids))
    newest: dict[str, Invitation] = {}
    for invitation in db.session.scalars(query.order_by(Invitation.expires_at)):
        newest[invitation.user_id] = invitation
    return newest


def state_of(user: User, pending: Invitation | None) -> str:
    if not user.active:
        return DEACTIVATED
    if user.password_hash:
        return ACTIVE
    return INVITED if pending is not None else NOT_INVITED


def _audit(actor: User, action: str, user: User, before: dict | None, after: dict | None) -> None:
    db.session.add(AuditEvent(actor_id=actor.id, action=action, before={"account": user.id, **(before or {})},
                              after={"account": user.id, **(after or {})}))


def _revoke(user: User) -> int:
    return int(db.session.execute(
        delete(Invitation).where(Invitation.user_id == user.id, Invitation.accepted_at.is_(None))
        .execution_options(synchronize_session=False)).rowcount or 0)


def revoke_invitations(user: User, actor: User) -> int:
    """Every unused link of this person stops working. Returns how many there were."""
    count = _revoke(user)
    if count:
        _audit(actor, "invitation revoked", user, {"invitations": count}, {"invitations": 0})
    db.session.commit()
    return count


def reinvite(user: User, actor: User) -> str:
    """A new link, valid for INVITATION_DAYS; the earlier links stop working. Returns the token."""
    _revoke(user)
    _audit(actor, "invitation sent again", user, None, None)
    return invite(user, actor)


def change_role(user: User, role: str, agency_id: str | None, actor: User) -> bool:
    """Give the person another role (and, for an official, an agency). The change applies from
    the person's next page. Returns False if nothing changed."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    agency_id = agency_id if needs_agency(role) else None
    before = {"role": user.role, "agency": user.agency_id}
    if before == {"role": role, "agency": agency_id}:
        return False
    user.role, user.agency_id = role, agency_id
    _audit(actor, "role changed", user, before, {"role": role, "agency": agency_id})
    db.session.commit()
    return True


def deactivate(user: User, actor: User) -> None:
    """The person can no longer sign in; every session they have ends at once (their cookies
    carry the old token, and an inactive account is refused anyway); their unused links stop
    working."""
    user.active = False
    user.session_token = new_session_token()
    _revoke(user)
    _audit(actor, "account deactivated", user, {"active": True}, {"active": False})
    db.session.commit()


def reactivate(user: User, actor: User) -> None:
    user.active = True
    _audit(actor, "account reactivated", user, {"active": False}, {"active": True})
    db.session.commit()
