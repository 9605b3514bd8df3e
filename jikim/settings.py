"""The one settings module, driven by environment variables.

Development (`JIKIM_DEBUG=1`) keeps everything under ./var/ and creates its own keys.
Production (`JIKIM_DEBUG` unset or 0) refuses to start until its secrets are given.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import dj_email_url
from django.core.exceptions import ImproperlyConfigured

from jikim.envconfig import (
    cache,
    database,
    dev_secret_file,
    flag,
    integer,
    listed,
    rate,
    sibling_database_url,
)

PACKAGE_DIR = Path(__file__).resolve().parent
DEBUG = flag("JIKIM_DEBUG")
TESTING = flag("JIKIM_TESTING")
VAR_DIR = Path(os.environ.get("JIKIM_VAR_DIR") or Path.cwd() / "var").resolve()

_missing: list[str] = []

if DEBUG:
    SECRET_KEY = (
        os.environ.get("JIKIM_SECRET_KEY")
        or dev_secret_file(VAR_DIR / "keys" / "secret_key", 50).read_text().strip()
    )
    MASTER_KEY_FILE = Path(
        os.environ.get("JIKIM_MASTER_KEY_FILE")
        or dev_secret_file(VAR_DIR / "keys" / "master.key", 32)
    )
    AUDIT_SIGNING_KEY_FILE = Path(
        os.environ.get("JIKIM_AUDIT_SIGNING_KEY_FILE")
        or dev_secret_file(VAR_DIR / "keys" / "audit_signing.key", 32)
    )
    ALLOWED_HOSTS = listed("ALLOWED_HOSTS") or [
        "127.0.0.1",
        "localhost",
        "testserver",
    ]
else:
    SECRET_KEY = os.environ.get("JIKIM_SECRET_KEY", "")
    if len(SECRET_KEY) < 50:
        _missing.append("JIKIM_SECRET_KEY (at least 50 random characters)")
    MASTER_KEY_FILE = Path(os.environ.get("JIKIM_MASTER_KEY_FILE", "/nonexistent"))
    if not MASTER_KEY_FILE.is_file():
        _missing.append("JIKIM_MASTER_KEY_FILE (path to an existing key file)")
    # Signs the access-record checkpoints (jikim.audit.signing); outside the database.
    AUDIT_SIGNING_KEY_FILE = Path(os.environ.get("JIKIM_AUDIT_SIGNING_KEY_FILE", "/nonexistent"))
    if not AUDIT_SIGNING_KEY_FILE.is_file():
        _missing.append("JIKIM_AUDIT_SIGNING_KEY_FILE (path to an existing Ed25519 key file)")
    ALLOWED_HOSTS = listed("ALLOWED_HOSTS")
    if not ALLOWED_HOSTS:
        _missing.append("ALLOWED_HOSTS (comma-separated host names)")
    if not os.environ.get("DATABASE_URL"):
        _missing.append("DATABASE_URL")
    if not os.environ.get("EMAIL_URL"):
        _missing.append("EMAIL_URL")
    if _missing:
        raise ImproperlyConfigured(
            "jikim refuses to start in production mode without: "
            + "; ".join(_missing)
            + ". Set JIKIM_DEBUG=1 only for local development."
        )

# Where people reach the service, for the links in e-mails (a mail has no request to take
# the host from). Behind a proxy or on another port, set JIKIM_SITE_URL.
SITE_URL = os.environ.get("JIKIM_SITE_URL", "").rstrip("/") or (
    f"http://{ALLOWED_HOSTS[0]}:8000" if DEBUG else f"https://{ALLOWED_HOSTS[0]}"
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Our apps first: their templates override allauth's.
    "jikim.web",
    "jikim.policy",
    "jikim.vault",
    "jikim.audit",
    "jikim.accounts",
    "jikim.shipping",
    "jikim.cases",
    "jikim.retention",
    "jikim.rights",
    "jikim.billing",
    "jikim.disclosures",
    "jikim.backups",
    "ninja",  # serves the API docs' Swagger UI from its own static files, not a CDN
    "django_htmx",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    # First: removes any cookie a response sets that policy.toml does not declare, or whose
    # optional category the visitor has not opted in to (C8-02).
    "jikim.policy.cookies.CookieGuardMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # The stylesheet and scripts, answered before any session, database or service log is
    # touched. In production under content-hashed names cached for a year (STORAGES below);
    # in development straight from the apps' static directories.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "jikim.audit.context.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "jikim.audit.servicelog.ServiceLogMiddleware",
    "jikim.policy.cookies.VisitMiddleware",  # visit analytics, opted-in browsers only (C8-01)
    "django.contrib.messages.middleware.MessageMiddleware",
    "jikim.accounts.middleware.IdleLogoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "jikim.accounts.middleware.OperatorMfaMiddleware",
]

ROOT_URLCONF = "jikim.urls"
WSGI_APPLICATION = "jikim.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "jikim.web.context.navigation",
            ],
        },
    }
]

DATABASES = {
    "default": database(os.environ.get("DATABASE_URL"), VAR_DIR / "jikim.sqlite3"),
    "keyring": database(
        sibling_database_url(os.environ.get("DATABASE_URL")), VAR_DIR / "keyring.sqlite3"
    ),
}
if DATABASES["keyring"]["ENGINE"].endswith("sqlite3"):
    # Destroyed keys must not survive in free pages of the key ring's file.
    DATABASES["keyring"]["OPTIONS"]["init_command"] += " PRAGMA secure_delete=ON;"
DATABASES["separated"] = database(
    sibling_database_url(
        os.environ.get("DATABASE_URL"), suffix="_separated", env="JIKIM_SEPARATED_DATABASE_URL"
    ),
    VAR_DIR / "separated.sqlite3",
)
DATABASE_ROUTERS = [
    "jikim.vault.routers.KeyringRouter",
    "jikim.retention.separated.SeparatedRouter",
]
RETENTION_REQUIRE_APPROVAL = flag("JIKIM_RETENTION_REQUIRE_APPROVAL")
# Rows destroyed per transaction: larger is faster (each batch is a few set-based statements
# and two commits), smaller holds locks for less time.
RETENTION_SWEEP_BATCH = integer("JIKIM_RETENTION_SWEEP_BATCH", 10000)
VAULT_ORPHAN_KEY_GRACE_HOURS = integer("JIKIM_VAULT_ORPHAN_KEY_GRACE_HOURS", 24)  # vault.orphans
# How long a compaction of the key ring waits for older transactions (keyring.compact).
VAULT_COMPACT_WAIT_SECONDS = integer("JIKIM_VAULT_COMPACT_WAIT_SECONDS", 30)
OLD_MASTER_KEY_FILES = listed("JIKIM_OLD_MASTER_KEY_FILES")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.Member"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "jikim.accounts.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "jikim.accounts.passwords.LettersAndDigitsValidator"},
    {"NAME": "jikim.accounts.passwords.SimilarToAccountValidator"},
    {"NAME": "jikim.accounts.passwords.CommonPasswordValidator"},
]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_ADAPTER = "jikim.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*", "password1*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = "login_id"
ACCOUNT_USER_MODEL_EMAIL_FIELD = "email"
ACCOUNT_USERNAME_MIN_LENGTH = 4
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_FORMS = {
    "signup": "jikim.accounts.forms.SignupForm",
    "login": "jikim.accounts.forms.LoginForm",
}
ACCOUNT_USERNAME_VALIDATORS = "jikim.accounts.validators.login_id_validators"
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# The member hears of a changed password, address or second factor at once (from where and
# when): a change they did not make is a taken-over account.
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[지킴] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
# Lockouts are ours (recorded in the database, see accounts.lockout); allauth's cache
# limits stay on for the other actions.
ACCOUNT_RATE_LIMITS = {"login_failed": False}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "jikim"
# Authenticator apps label the account with its login ID, never the stored e-mail stand-in.
MFA_ADAPTER = "jikim.accounts.adapter.MfaAdapter"
PASSWORD_RESET_TIMEOUT = integer("JIKIM_PASSWORD_RESET_SECONDS", 3600)

LOGIN_FAILURE_LIMIT = integer("JIKIM_LOGIN_FAILURE_LIMIT", 5)
LOGIN_FAILURE_WINDOW_SECONDS = integer("JIKIM_LOGIN_FAILURE_WINDOW", 15 * 60)
LOGIN_LOCKOUT_SECONDS = integer("JIKIM_LOGIN_LOCKOUT", 15 * 60)
IDLE_LOGOUT_SECONDS = integer("JIKIM_IDLE_LOGOUT", 30 * 60)

# Rate limits (jikim.web.ratelimit), "<count>/<seconds>" per key, counted in the cache: the
# public data-subject request page per IP and per order number, its confirmation code per
# IP and per request (wrong codes), and the push API per key (calls per clock minute).
RATE_LIMITS = {
    "rights_request_ip": rate("JIKIM_RATE_RIGHTS_REQUEST_IP", "10/600"),
    "rights_request_target": rate("JIKIM_RATE_RIGHTS_REQUEST_TARGET", "5/3600"),
    "rights_confirm_ip": rate("JIKIM_RATE_RIGHTS_CONFIRM_IP", "10/600"),
    "rights_code_failures": rate("JIKIM_RATE_RIGHTS_CODE_FAILURES", "5/604800"),
    "privacy_contact_ip": rate("JIKIM_RATE_PRIVACY_CONTACT_IP", "5/3600"),
}
JIKIM_API_RATE_PER_MINUTE = integer("JIKIM_API_RATE_PER_MINUTE", 120)

CACHES = {"default": cache(os.environ.get("JIKIM_CACHE_URL", "").strip(), debug=DEBUG)}
INVITATION_VALID_DAYS = 7

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = 12 * 3600
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy without 'unsafe-inline': every script and style is a static file
# of ours. The API docs page (Swagger UI, served from ninja's own static files) needs its
# inline bootstrap script, so it is the one path left out.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/api/docs"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "media-src": ["'self'"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = flag("JIKIM_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = integer("JIKIM_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LANGUAGE_CODE = "ko"
LANGUAGES = [("ko", "한국어"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Seoul"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("JIKIM_STATIC_ROOT") or VAR_DIR / "static")
if DEBUG:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise looks there before the apps
# Nothing of ours is meant for other sites' pages.
WHITENOISE_ALLOW_ALL_ORIGINS = False
MEDIA_ROOT = VAR_DIR / "uploads"

# Call recordings (C3-03): a storage of their own, apart from the database and from ordinary
# uploads (MEDIA_ROOT), checked at start-up (cases.E00x). Files there are AES-GCM ciphertext
# under each recording's own key, and no URL is ever made for them: they are streamed,
# decrypted, through a view that checks the role and writes an access record.
# In production, an S3-compatible bucket of its own through django-storages
# (pip install "django-storages[s3]"), its public access blocked, e.g.
#   JIKIM_RECORDINGS_STORAGE='{"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS":
#     {"bucket_name": "jikim-recordings", "endpoint_url": "https://s3.example.com",
#      "default_acl": "private", "file_overwrite": false, "querystring_auth": true}}'
# (credentials through the usual AWS_* environment variables, never in this file).
RECORDINGS_DIR = Path(os.environ.get("JIKIM_RECORDINGS_DIR") or VAR_DIR / "recordings")
RECORDING_MAX_BYTES = integer("JIKIM_RECORDING_MAX_BYTES", 50 * 1024 * 1024)
STORAGES: dict[str, Any] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Production reads the names from the manifest `jikim collectstatic` writes into
    # STATIC_ROOT (web.E001 and jikim/wsgi.py refuse to serve without it).
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
    "recordings": (
        json.loads(os.environ["JIKIM_RECORDINGS_STORAGE"])
        if os.environ.get("JIKIM_RECORDINGS_STORAGE")
        else {
            "BACKEND": "jikim.cases.storage.RecordingStorage",
            "OPTIONS": {"location": str(RECORDINGS_DIR)},
        }
    ),
}

if os.environ.get("EMAIL_URL"):
    _email = dj_email_url.parse(os.environ["EMAIL_URL"])
    EMAIL_BACKEND = _email["EMAIL_BACKEND"]
    EMAIL_HOST = _email["EMAIL_HOST"] or ""
    EMAIL_PORT = _email["EMAIL_PORT"] or 25
    EMAIL_HOST_USER = _email["EMAIL_HOST_USER"] or ""
    EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"] or ""
    EMAIL_USE_TLS = _email["EMAIL_USE_TLS"]
    EMAIL_USE_SSL = _email["EMAIL_USE_SSL"]
    if _email["EMAIL_FILE_PATH"]:
        EMAIL_FILE_PATH = "/" + _email["EMAIL_FILE_PATH"].lstrip("/")
elif TESTING:
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
else:
    # Development: every mail lands as a file in var/mail (the "outbox").
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = os.environ.get("JIKIM_FROM_EMAIL", "지킴 <no-reply@jikim.local>")

TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if TESTING
            else "django_tasks_db.DatabaseBackend"
        ),
        "QUEUES": ["default"],
    }
}

# Access records (jikim.audit, C9-02, C9-05). Checkpoints are signed every N records and
# at least hourly; the export file belongs on storage the database's administrators cannot
# rewrite (another host, an append-only mount). Run `jikim audit_checkpoint` hourly (cron).
AUDIT_VERIFY_KEY_FILES = listed("JIKIM_AUDIT_VERIFY_KEY_FILES")
AUDIT_CHECKPOINT_FILE = Path(
    os.environ.get("JIKIM_AUDIT_CHECKPOINT_FILE") or VAR_DIR / "audit" / "checkpoints.jsonl"
)
AUDIT_CHECKPOINT_EVERY = integer("JIKIM_AUDIT_CHECKPOINT_EVERY", 1000)
AUDIT_CHECKPOINT_SECONDS = integer("JIKIM_AUDIT_CHECKPOINT_SECONDS", 3600)
AUDIT_RETENTION_DAYS = integer("JIKIM_AUDIT_RETENTION_DAYS", 731)  # 2 years; at least 184
AUDIT_PERMISSION_RETENTION_DAYS = integer("JIKIM_AUDIT_PERMISSION_RETENTION_DAYS", 1096)  # 3 years
AUDIT_REVIEW_UNMASK_THRESHOLD = integer("JIKIM_AUDIT_REVIEW_UNMASK_THRESHOLD", 100)  # per month
AUDIT_REVIEW_SUBJECTS_PER_HOUR = integer("JIKIM_AUDIT_REVIEW_SUBJECTS_PER_HOUR", 100)
AUDIT_VERIFY_WORKERS = integer("JIKIM_AUDIT_VERIFY_WORKERS", 0)  # 0: one per CPU, at most 4
AUDIT_VERIFY_PARALLEL_MIN = integer("JIKIM_AUDIT_VERIFY_PARALLEL_MIN", 100_000)

# Billing (jikim.billing, C1-03, C5-02). Gateways offered, in order; bank transfer (staff
# confirm the deposit) is the default. Adding "inicis" requires the merchant id and sign key
# from Inicis, and policy.toml's processor table to list Inicis (billing.E002).
# JIKIM_INICIS_ENV=production uses Inicis' live endpoints and its INIStdPay.js; anything else
# its test (stg) endpoints. The Inicis adapter is not yet verified against the live service.
BILLING_GATEWAYS = [
    g.strip() for g in os.environ.get("JIKIM_BILLING_GATEWAYS", "bank_transfer").split(",") if g
]
BILLING_BANK_ACCOUNT = os.environ.get("JIKIM_BILLING_BANK_ACCOUNT", "")
BILLING_DUE_DAYS = integer("JIKIM_BILLING_DUE_DAYS", 14)
INICIS_MID = os.environ.get("JIKIM_INICIS_MID", "")
INICIS_SIGN_KEY = os.environ.get("JIKIM_INICIS_SIGN_KEY", "")
INICIS_ENV = os.environ.get("JIKIM_INICIS_ENV", "test")
INICIS_TIMEOUT_SECONDS = integer("JIKIM_INICIS_TIMEOUT", 20)

# Backups (jikim.backups, C9-03): `jikim backup` and the daily task write encrypted backups
# here and keep them this many days. Put the folder on other storage than the databases.
BACKUP_DIR = Path(os.environ.get("JIKIM_BACKUP_DIR") or VAR_DIR / "backups")
BACKUP_KEEP_DAYS = integer("JIKIM_BACKUP_KEEP_DAYS", 7)

LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
