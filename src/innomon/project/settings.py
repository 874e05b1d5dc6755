"""Django settings for innomon. Every value comes from the environment, with a safe default.

- ``INNOMON_HOME``: directory of the SQLite database, secret key and ``out/`` (``./innomon-data``).
- ``DATABASE_URL``: ``postgres://user@host:port/name`` to use PostgreSQL (psycopg 3); unset: SQLite.
- ``INNOMON_SECRET_KEY``: the secret key; unset: one is generated once into ``INNOMON_HOME``.
- ``INNOMON_DEBUG``: ``1`` for Django's debug mode (never in production).
- ``INNOMON_ALLOWED_HOSTS``: comma-separated host names (``127.0.0.1,localhost``).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url

from innomon import config

BASE_DIR = Path(__file__).resolve().parent.parent


def _database() -> dict:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(config.sqlite_path()),
            # WAL: readers never wait for the writer; IMMEDIATE: a transaction takes the write
            # lock when it starts, so concurrent writers queue instead of failing (questionnaire).
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    scheme = url.split(":", 1)[0].lower()
    if scheme not in {"postgres", "postgresql", "pgsql"}:
        raise config.ConfigError(
            f"DATABASE_URL uses '{scheme}': innomon supports postgres://… (or unset it for SQLite)"
        )
    db = dj_database_url.parse(url, conn_max_age=60)
    db["ENGINE"] = "django.db.backends.postgresql"
    return db


def _secret_key() -> str:
    key = os.environ.get("INNOMON_SECRET_KEY")
    if key:
        return key
    path = config.home() / "secret_key"
    if path.exists():
        return path.read_text().strip()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(50)
        # 0600 from the start, and complete before it appears under its name (os.link fails if
        # another process made it a moment ago: then that key is the one)
        tmp = path.with_name(f".secret_key.{os.getpid()}")
        with config.open_private(tmp, "w") as fh:
            fh.write(key)
        try:
            os.link(tmp, path)
        except FileExistsError:
            key = path.read_text().strip()
        finally:
            tmp.unlink()
    except OSError:
        # A read-only home: fall back to a per-process key (sessions do not survive a restart).
        key = secrets.token_urlsafe(50)
    return key


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("INNOMON_DEBUG", "") == "1"
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("INNOMON_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "innomon.registry",
    "innomon.survey",
    "innomon.intake",
    "innomon.builds",
    "innomon.publish",
    "innomon.passports",
    "innomon.questionnaire",
    "innomon.dashboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "innomon.project.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "innomon.dashboard.middleware.RequestSanityMiddleware",  # 400 for what cannot be read
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "innomon.project.security.PassportGuessingMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "innomon.project.urls"
WSGI_APPLICATION = "innomon.project.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", "Nederlands"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
WHITENOISE_USE_FINDERS = True  # serve app static files straight from the apps: no collectstatic
WHITENOISE_AUTOREFRESH = DEBUG

LOGIN_URL = "admin:login"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if os.environ.get("INNOMON_HTTPS") == "1":
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# E-mail (invitations and reminders of the questionnaire): INNOMON_EMAIL_BACKEND is smtp, console
# or file (default: files in INNOMON_HOME/mail/); SMTP server and account from the environment.
_EMAIL_BACKENDS = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "file": "innomon.project.mail.PrivateFileBackend",  # files 0600 in a 0700 folder
}
EMAIL_BACKEND = _EMAIL_BACKENDS.get(
    os.environ.get("INNOMON_EMAIL_BACKEND", "file"), _EMAIL_BACKENDS["file"]
)
EMAIL_FILE_PATH = str(config.home() / "mail")
EMAIL_HOST = os.environ.get("INNOMON_SMTP_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("INNOMON_SMTP_PORT") or 587)
EMAIL_HOST_USER = os.environ.get("INNOMON_SMTP_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("INNOMON_SMTP_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("INNOMON_SMTP_TLS", "1") == "1"
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = os.environ.get("INNOMON_EMAIL_FROM", "innovatiemonitor@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
