"""Configuration from the environment, with safe defaults for the embedded SQLite set-up."""

from __future__ import annotations

import datetime as dt
import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
INSTANCE = Path(os.environ.get("TNA_INSTANCE", ROOT / "instance"))
MAX_REQUEST_BYTES = 512 * 1024
# A session carries only the CSRF secret. It ends after this much idle time; the private link
# is what gives access to an assessment, so nothing is lost when it ends.
SESSION_IDLE = dt.timedelta(hours=8)


def _secret_key() -> str:
    """SECRET_KEY from the environment; otherwise one kept in the instance folder, so that
    every worker and every restart share it."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    INSTANCE.mkdir(parents=True, exist_ok=True)
    path = INSTANCE / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        # Heroku-style URLs name the driver "postgres"; SQLAlchemy wants psycopg 3 explicitly.
        for prefix in ("postgres://", "postgresql://"):
            if url.startswith(prefix):
                return "postgresql+psycopg://" + url[len(prefix):]
        return url
    INSTANCE.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{INSTANCE / 'tna.sqlite3'}"


def _mail() -> dict:
    """Mail over SMTP when MAIL_SERVER is set; without it, each message is written to MAIL_LOG
    (and a line to the application log), and the page says that nothing was sent."""
    env = os.environ.get
    use_ssl = env("MAIL_USE_SSL") == "1"
    use_tls = env("MAIL_USE_TLS", "0" if use_ssl else "1") == "1" and not use_ssl
    return {
        "MAIL_SERVER": env("MAIL_SERVER", ""),
        "MAIL_PORT": int(env("MAIL_PORT") or (465 if use_ssl else 587 if use_tls else 25)),
        "MAIL_USE_TLS": use_tls,  # STARTTLS
        "MAIL_USE_SSL": use_ssl,
        "MAIL_USERNAME": env("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": env("MAIL_PASSWORD") or None,
        "MAIL_DEFAULT_SENDER": env("MAIL_FROM", "Training needs assessment <no-reply@localhost>"),
        "MAIL_TIMEOUT": int(env("MAIL_TIMEOUT") or 10),
        "MAIL_LOG": env("MAIL_LOG") or str(Path(env("TNA_INSTANCE") or INSTANCE) / "mail.log"),
        # How many messages may go to one address, and about one assessment or invitation.
        "TNA_MAIL_PER_ADDRESS": env("MAIL_LIMIT_ADDRESS", "5 per hour;20 per day"),
        "TNA_MAIL_PER_LINK": env("MAIL_LIMIT_LINK", "10 per hour;40 per day"),
        # The site's address as people reach it, for the links in messages sent from cron.
        "TNA_BASE_URL": env("TNA_BASE_URL", ""),
    }


def from_environment() -> dict:
    database_url = _database_url()
    return _mail() | {
        "SECRET_KEY": _secret_key(),
        "SQLALCHEMY_DATABASE_URI": database_url,
        # A server connection can drop (a restart, a failover): test it before use. A SQLite
        # file cannot, and the test would cost a query on every request.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": not database_url.startswith("sqlite")},
        "MAX_CONTENT_LENGTH": MAX_REQUEST_BYTES,
        "PERMANENT_SESSION_LIFETIME": SESSION_IDLE,
        "SESSION_REFRESH_EACH_REQUEST": True,
        "WTF_CSRF_TIME_LIMIT": int(SESSION_IDLE.total_seconds()),
        # Every message a form shows comes from our own catalogue; WTForms' own catalogue
        # would otherwise be read from disk for every form built.
        "WTF_I18N_ENABLED": False,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # Behind HTTPS, set TNA_HTTPS=1: cookies get the Secure flag and HSTS is sent.
        "SESSION_COOKIE_SECURE": os.environ.get("TNA_HTTPS") == "1",
        "TNA_BEHIND_PROXY": os.environ.get("TNA_BEHIND_PROXY") == "1",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": os.environ.get("TNA_HTTPS") == "1",
        # Sign-in attempt counts: in the app's database by default, shared by all workers and
        # servers (webapp/ratelimit.py); redis://… works too.
        "TNA_RATELIMIT_STORAGE": os.environ.get("RATELIMIT_STORAGE_URI", "database://"),
        "TNA_ENV": os.environ.get("TNA_ENV", "development"),
        # The host names this site answers to; a request naming another host gets 400, so a
        # forged Host header never reaches a resume link, an invitation link or a redirect.
        "TRUSTED_HOSTS": [h.strip() for h in os.environ.get("TNA_HOSTS", "localhost,127.0.0.1,::1").split(",") if h.strip()],
        "TNA_QUESTIONNAIRE": os.environ.get("TNA_QUESTIONNAIRE"),
        "TNA_CATALOGUE": os.environ.get("TNA_CATALOGUE"),
    }
