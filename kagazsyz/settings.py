"""Django settings, read from the environment through typed helpers.

``KAGAZSYZ_ENV=demo`` (the default) gives safe local defaults: SQLite, sandbox identity
provider, keys made at first start. ``KAGAZSYZ_ENV=production`` refuses to start with the
default secret key or with DEBUG on, and has no sandbox identity provider.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url

from kagazsyz.core.env import SettingError, env_bool, env_int, env_list, env_path, env_str

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent

KAGAZSYZ_ENV = env_str("KAGAZSYZ_ENV", "demo")
if KAGAZSYZ_ENV not in {"demo", "test", "production"}:
    raise SettingError(f"KAGAZSYZ_ENV={KAGAZSYZ_ENV!r} must be demo, test or production")
PRODUCTION = KAGAZSYZ_ENV == "production"

DEMO_SECRET_KEY = "demo-only-secret-key-never-use-in-production"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY", DEMO_SECRET_KEY)
DEBUG = env_bool("DEBUG", default=False)
if PRODUCTION and SECRET_KEY == DEMO_SECRET_KEY:
    raise SettingError(
        "production refuses the default SECRET_KEY: set SECRET_KEY or SECRET_KEY_FILE"
    )
if PRODUCTION and DEBUG:
    raise SettingError("production refuses DEBUG=true")

# The sandbox identity provider lets a tester log in as any synthetic resident. It must not exist
# where real people's data lives.
SANDBOX_LOGIN = not PRODUCTION and env_bool("SANDBOX_LOGIN", default=True)

VAR_DIR = env_path("KAGAZSYZ_VAR", PROJECT_DIR / "var")
KEYS_DIR = env_path("KAGAZSYZ_KEYS_DIR", VAR_DIR / "keys")
# An RFC 3161 time-stamp authority: when set, issued PDFs are PAdES B-T instead of B-B.
DOCUMENTS_TSA_URL = env_str("KAGAZSYZ_TSA_URL", "")
if not PRODUCTION:
    # The demo keeps its SQLite file and keys here; a fresh clone has no such folder yet.
    VAR_DIR.mkdir(parents=True, exist_ok=True)

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "kagazsyz.core",
    "kagazsyz.ledger",
    "kagazsyz.tasks",
    "kagazsyz.catalog",
    "kagazsyz.accounts",
    "kagazsyz.registries",
    "kagazsyz.documents",
    "kagazsyz.notifications",
    "kagazsyz.payments",
    "kagazsyz.applications",
    "kagazsyz.journeys",
    "kagazsyz.office",
    "kagazsyz.oversight",
    "kagazsyz.api",
    "kagazsyz.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kagazsyz.web.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "kagazsyz.urls"
WSGI_APPLICATION = "kagazsyz.wsgi.application"

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
                "kagazsyz.web.context.site",
                "kagazsyz.notifications.context.unread",
            ],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'kagazsyz.sqlite3'}")
# Persistent connections: opening one per request made views 1.5-2x slower on these machines.
_database = dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
if _database["ENGINE"] == "django.db.backends.postgresql":
    _database["CONN_HEALTH_CHECKS"] = True
    # Every client gets a timeout: a server that stops answering must not hang a worker.
    _database["OPTIONS"] = {
        "connect_timeout": env_int("DB_CONNECT_TIMEOUT", 5),
        "options": f"-c statement_timeout={env_int('DB_STATEMENT_TIMEOUT_MS', 30000)}",
    }
else:
    _database["OPTIONS"] = {
        "timeout": env_int("DB_CONNECT_TIMEOUT", 20),
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
LOGIN_URL = "web:login"

LANGUAGE_CODE = "ky"
LANGUAGES = [("ky", "Кыргызча"), ("ru", "Русский"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Bishkek"
USE_TZ = True

STATIC_URL = "/static/"
# Collected files exist only where collectstatic ran (production); elsewhere the finders serve them.
STATIC_ROOT = env_path("STATIC_ROOT", VAR_DIR / "static") if PRODUCTION else None
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Notifications (docs/notifications-and-fees.md): e-mail through Django's backends (files in the
# demo), SMS through a gateway (console, file or http).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = env_path("EMAIL_FILE_PATH", VAR_DIR / "mail")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Kagazsyz <no-reply@kagazsyz.kg>")
SMS_BACKEND = env_str("SMS_BACKEND", "file")
if SMS_BACKEND not in {"console", "file", "http"}:
    raise SettingError(f"SMS_BACKEND={SMS_BACKEND!r} must be console, file or http")
SMS_FILE_PATH = env_path("SMS_FILE_PATH", VAR_DIR / "sms.jsonl")
SMS_HTTP_URL = env_str("SMS_HTTP_URL", "")
SMS_HTTP_TOKEN = env_str("SMS_HTTP_TOKEN", "")
SMS_TIMEOUT_SECONDS = env_int("SMS_TIMEOUT_SECONDS", 5)
# Payments: the sandbox provider exists only outside production.
PAYMENTS_SANDBOX = not PRODUCTION and env_bool("PAYMENTS_SANDBOX", default=True)
PAYMENTS_SANDBOX_SECRET = env_str("PAYMENTS_SANDBOX_SECRET", "sandbox-payments-demo-secret")
PAYMENTS_CALLBACK_URL = env_str(
    "PAYMENTS_CALLBACK_URL", f"{SITE_URL}/api/v1/payments/callback/sandbox"
)
PAYMENTS_TIMEOUT_SECONDS = env_int("PAYMENTS_TIMEOUT_SECONDS", 10)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
