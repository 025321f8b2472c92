"""One settings module for every environment.

Configuration comes from environment variables read through the helpers below, which
reject a bad value at start-up instead of letting it surface later as odd behaviour.

FANGXIAN_ENV            development (default) | production | test
FANGXIAN_SECRET_KEY     the secret key (production: this or FANGXIAN_SECRET_KEY_FILE)
FANGXIAN_SECRET_KEY_FILE a file holding the secret key
FANGXIAN_ALLOWED_HOSTS  comma-separated host names (production)
FANGXIAN_DATA_DIR       where the SQLite file, uploads and the dev key live (default ./var)
DATABASE_URL            postgres://user:password@host:port/name; SQLite when unset
FANGXIAN_NOTIFY_WEBHOOK_URL   where urgent events (fever alerts) are POSTed as JSON, for an SMS or
                        WeChat gateway; unset: they are only logged
FANGXIAN_NOTIFY_WEBHOOK_TOKEN sent as "Authorization: Bearer …" with each POST (optional)
FANGXIAN_NOTIFY_WEBHOOK_TIMEOUT seconds to wait for the gateway (default 5)
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"Set the environment variable {name}.")
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    truthy, falsy = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}
    if raw.lower() in truthy:
        return True
    if raw.lower() in falsy:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no).")


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = os.environ.get(name) or default
    if value not in choices:
        raise ImproperlyConfigured(f"{name}={value!r} must be one of {', '.join(choices)}.")
    return value


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def database_from_url(url: str) -> dict:
    parsed = urlparse(url)
    if parsed.scheme not in {"postgres", "postgresql"}:
        raise ImproperlyConfigured(f"DATABASE_URL must start with postgres://, not {parsed.scheme}://.")
    name = parsed.path.lstrip("/")
    if not name:
        raise ImproperlyConfigured("DATABASE_URL names no database (postgres://user@host:port/NAME).")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(name),
        "USER": unquote(parsed.username or ""),
        "PASSWORD": unquote(parsed.password or ""),
        "HOST": parsed.hostname or "",
        "PORT": str(parsed.port or ""),
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
        "TEST": {"NAME": f"test_{unquote(name)}"},
    }


ENV = env_choice("FANGXIAN_ENV", "development", ("development", "production", "test"))
PRODUCTION = ENV == "production"
DATA_DIR = Path(env_str("FANGXIAN_DATA_DIR", str(BASE_DIR / "var"))).resolve()


def _secret_key() -> str:
    if os.environ.get("FANGXIAN_SECRET_KEY"):
        return os.environ["FANGXIAN_SECRET_KEY"]
    if os.environ.get("FANGXIAN_SECRET_KEY_FILE"):
        path = Path(os.environ["FANGXIAN_SECRET_KEY_FILE"])
        try:
            key = path.read_text().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"FANGXIAN_SECRET_KEY_FILE {path} cannot be read: {exc}") from exc
        if not key:
            raise ImproperlyConfigured(f"FANGXIAN_SECRET_KEY_FILE {path} is empty.")
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("Production needs FANGXIAN_SECRET_KEY or FANGXIAN_SECRET_KEY_FILE.")
    # Development and tests: a random key kept beside the database, made on first start.
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    path = DATA_DIR / "dev-secret-key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("FANGXIAN_DEBUG", default=ENV == "development")
ALLOWED_HOSTS = env_list("FANGXIAN_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Production needs FANGXIAN_ALLOWED_HOSTS (comma-separated host names).")
CSRF_TRUSTED_ORIGINS = env_list("FANGXIAN_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",  # serves the API docs page's assets itself, not from a CDN
    "axes",
    "django_tasks",
    "django_tasks_db",
    "fangxian.core",
    "fangxian.accounts",
    "fangxian.registry",
    "fangxian.access",
    "fangxian.returnees",
    "fangxian.duty",
    "fangxian.reports",
    "fangxian.incidents",
    "fangxian.delivery",
    "fangxian.supplies",
    "fangxian.fieldwork",
    "fangxian.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "fangxian.urls"
WSGI_APPLICATION = "fangxian.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "fangxian" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "fangxian.portal.context_processors.navigation",
            ],
        },
    },
]

if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": database_from_url(os.environ["DATABASE_URL"])}
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "fangxian.sqlite3",
            "OPTIONS": {
                # WAL lets the gate's scans and the office's reports read and write at once;
                # FULL never loses a committed record on power loss; IMMEDIATE takes the write
                # lock at BEGIN so two writers queue on the busy timeout instead of failing.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
if ENV == "test":
    # Tests make many users; a slow hash per login is for real passwords only.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lock a username from one address after five failures in an hour.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# Never write the attempted password or other form fields into the attempt log.
AXES_SENSITIVE_PARAMETERS = ["password", "national_id", "phone"]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "fangxian" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns about a missing folder
STATICFILES_DIRS = [BASE_DIR / "fangxian" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
MEDIA_ROOT = DATA_DIR / "media"

# Roster uploads of 100,000 rows are several megabytes.
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 12 * 3600
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("FANGXIAN_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Personal data never reaches the logs: requests are not logged with their bodies, and the
# application logs only identifiers of records, never names, ID numbers or phones.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING" if ENV == "test" else "INFO"},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

FANGXIAN_PAGE_SIZE = 50
FANGXIAN_SITE_NAME = _("Fangxian")

# Urgent events (a fever at a checkpoint) reach the community's duty officer at once: the
# log backend always (identifiers only), a webhook to an SMS or WeChat gateway when set.
# Each entry: {"backend": "log"} or {"backend": "webhook", "url": ..., "timeout": s, "token": ...}.
FANGXIAN_NOTIFIERS = [{"backend": "log"}]
if os.environ.get("FANGXIAN_NOTIFY_WEBHOOK_URL"):
    _webhook = env_str("FANGXIAN_NOTIFY_WEBHOOK_URL")
    if urlparse(_webhook).scheme not in {"http", "https"} or not urlparse(_webhook).hostname:
        raise ImproperlyConfigured(f"FANGXIAN_NOTIFY_WEBHOOK_URL={_webhook!r} is not an http(s) URL.")
    try:
        _timeout = float(os.environ.get("FANGXIAN_NOTIFY_WEBHOOK_TIMEOUT") or 5)
    except ValueError:
        raise ImproperlyConfigured("FANGXIAN_NOTIFY_WEBHOOK_TIMEOUT must be a number of seconds.") from None
    if not 0 < _timeout <= 60:
        raise ImproperlyConfigured("FANGXIAN_NOTIFY_WEBHOOK_TIMEOUT must be between 0 and 60 seconds.")
    FANGXIAN_NOTIFIERS.append({"backend": "webhook", "url": _webhook, "timeout": _timeout,
                               "token": os.environ.get("FANGXIAN_NOTIFY_WEBHOOK_TOKEN", "")})
