"""Django settings. Every value comes from the environment (see docs/operations.md)."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url

from evidentia.core.config import env, env_bool, env_int, home

BASE_DIR = Path(__file__).resolve().parent
EVIDENTIA_HOME = home()
EVIDENTIA_HOME.mkdir(parents=True, exist_ok=True)
KEYS_DIR = EVIDENTIA_HOME / "keys"


def _secret_key() -> str:
    configured = env("EVIDENTIA_SECRET_KEY")
    if configured:
        return configured
    path = KEYS_DIR / "django_secret"
    KEYS_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as out:
        out.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("EVIDENTIA_DEBUG", False)
ALLOWED_HOSTS = (env("EVIDENTIA_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver") or "").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in (env("EVIDENTIA_CSRF_ORIGINS", "") or "").split(",") if o]

AGENCY_NAME = env("EVIDENTIA_AGENCY_NAME", "Evidentia Demo Police Department")
# The origin line of signed checkpoints (C2SP checkpoint): a schema-less URL prefix.
LEDGER_ORIGIN = env("EVIDENTIA_LEDGER_ORIGIN", "evidentia.example/demo-pd/custody")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "evidentia.core",
    "evidentia.accounts",
    "evidentia.custody",
    "evidentia.evidence",
    "evidentia.cases",
    "evidentia.redaction",
    "evidentia.community",
    "evidentia.sharing",
    "evidentia.retention",
    "evidentia.standards",
    "evidentia.useofforce",
    "evidentia.intervention",
    "evidentia.cad",
    "evidentia.transparency",
    "evidentia.policies",
    "evidentia.analytics",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "evidentia.accounts.middleware.RequireVerifiedStaffMiddleware",
    "evidentia.evidence.uploads.StreamUploadsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "evidentia.urls"
WSGI_APPLICATION = "evidentia.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "evidence:list"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "evidentia.core.context.agency",
            ],
        },
    }
]

_sqlite_path = EVIDENTIA_HOME / "evidentia.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL") or f"sqlite:///{_sqlite_path}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE makes writers queue on the database lock instead of failing
        # on a read-to-write upgrade: the ledger needs serialised appends.
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file, not :memory:, so tests with several connections see real locking.
    DATABASES["default"]["TEST"] = {"NAME": str(EVIDENTIA_HOME / "test.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "first_name", "last_name", "email")},
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# CJIS 5.5.3: lock after 5 failures for 10 minutes. 5.5.5: 30-minute idle timeout.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=10)
AXES_LOCKOUT_PARAMETERS = ["username"]
# Per-account lockout is what CJIS asks for; locking by IP would lock out a whole
# station behind one NAT address after one officer's typos.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "evidentia.accounts.views.lockout_response"
AXES_VERBOSE = False
SESSION_COOKIE_AGE = env_int("EVIDENTIA_IDLE_TIMEOUT_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("EVIDENTIA_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
OTP_TOTP_ISSUER = AGENCY_NAME
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
AXES_SENSITIVE_PARAMETERS = ["code"]
EVIDENTIA_SUPPORT_CONTACT = env("EVIDENTIA_SUPPORT_CONTACT", "")

LANGUAGE_CODE = "en-us"
# The agency's zone: naive times in imported files (CAD exports) are read in it. Stored
# times are always UTC (rule 8).
TIME_ZONE = env("EVIDENTIA_TIME_ZONE", "UTC") or "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = EVIDENTIA_HOME / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = True

# The vault.
BLOB_BACKEND = env("EVIDENTIA_BLOB_BACKEND", "local")  # local | s3
BLOB_DIR = Path(env("EVIDENTIA_BLOB_DIR") or EVIDENTIA_HOME / "blobs")
S3_BUCKET = env("EVIDENTIA_S3_BUCKET")
S3_ENDPOINT_URL = env("EVIDENTIA_S3_ENDPOINT_URL")
S3_REGION = env("EVIDENTIA_S3_REGION", "us-east-1")
S3_ACCESS_KEY = env("EVIDENTIA_S3_ACCESS_KEY")
S3_SECRET_KEY = env("EVIDENTIA_S3_SECRET_KEY")
S3_PREFIX = env("EVIDENTIA_S3_PREFIX", "")
KEK_FILE = Path(env("EVIDENTIA_KEK_PATH") or KEYS_DIR / "kek.keys")
KEK_INLINE = env("EVIDENTIA_KEK")
SIGNING_KEY_FILE = Path(env("EVIDENTIA_SIGNING_KEY_PATH") or KEYS_DIR / "ledger-signing.pem")
# C2PA content credentials on exported media (docs/decisions/0016-c2pa.md). Both paths
# empty: a demo CA and signer are made under KEYS_DIR (readers flag them as untrusted).
C2PA_CERT_CHAIN_FILE = env("EVIDENTIA_C2PA_CERT_CHAIN_PATH", "") or ""
C2PA_PRIVATE_KEY_FILE = env("EVIDENTIA_C2PA_PRIVATE_KEY_PATH", "") or ""
C2PA_SIGNING_ALG = env("EVIDENTIA_C2PA_SIGNING_ALG", "es256") or "es256"
SEGMENT_SIZE = env_int("EVIDENTIA_SEGMENT_SIZE", 1 << 20)
MAX_UPLOAD_BYTES = env_int("EVIDENTIA_MAX_UPLOAD_BYTES", 64 * 1024**3)
# Resumable (tus) uploads: partial files, encrypted, until complete.
UPLOAD_DIR = Path(env("EVIDENTIA_UPLOAD_DIR") or EVIDENTIA_HOME / "uploads")
UPLOAD_EXPIRY_HOURS = env_int("EVIDENTIA_UPLOAD_EXPIRY_HOURS", 24)
UPLOAD_MAX_UNFINISHED = env_int("EVIDENTIA_UPLOAD_MAX_UNFINISHED", 20)
# Comma-separated MIME patterns such as "video/*,image/jpeg"; empty allows every type.
UPLOAD_ALLOWED_TYPES = [
    t for t in (env("EVIDENTIA_UPLOAD_ALLOWED_TYPES", "") or "").split(",") if t
]
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_TEMP_DIR = str(EVIDENTIA_HOME / "tmp")
(EVIDENTIA_HOME / "tmp").mkdir(exist_ok=True)

# The ledger signs a checkpoint after writes, at most this often; beat covers the rest.
CHECKPOINT_MIN_INTERVAL_SECONDS = env_int("EVIDENTIA_CHECKPOINT_MIN_INTERVAL", 1)

# Rendered public pages and computed forecasts are cached: in each process by default, or
# shared by every server when EVIDENTIA_CACHE_URL names a Redis (redis://host:6379/1).
_cache_url = env("EVIDENTIA_CACHE_URL", "") or ""
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": _cache_url,
    }
    if _cache_url
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# Celery: an embedded SQLite broker by default, Redis in production.
CELERY_BROKER_URL = (
    env("CELERY_BROKER_URL") or f"sqla+sqlite:///{EVIDENTIA_HOME / 'broker.sqlite3'}"
)
CELERY_RESULT_BACKEND = None
CELERY_IMPORTS = ["evidentia.evidence.upload_tasks", "evidentia.community.tasks"]
# Redaction runs on its own queue so GPU workers can take it: `celery worker -Q redaction`.
CELERY_TASK_ROUTES = {"evidentia.redaction.tasks.*": {"queue": "redaction"}}
CELERY_TASK_ALWAYS_EAGER = env_bool("EVIDENTIA_TASKS_EAGER", False)
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULE_FILENAME = str(EVIDENTIA_HOME / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "custody-checkpoint": {
        "task": "evidentia.custody.tasks.sign_checkpoint",
        "schedule": env_int("EVIDENTIA_CHECKPOINT_EVERY_SECONDS", 60),
    },
    "expire-uploads": {
        "task": "evidentia.evidence.upload_tasks.cleanup_expired_uploads",
        "schedule": 3600,
    },
    "purge-rate-counters": {
        "task": "evidentia.community.tasks.purge_rate_counters",
        "schedule": 3600,
    },
    "daily-fixity": {
        "task": "evidentia.evidence.tasks.run_fixity",
        "schedule": 24 * 3600,
    },
    # Flags items whose retention period ended (a ledger event each); never destroys.
    "retention-flag-due": {
        "task": "evidentia.retention.tasks.flag_due",
        "schedule": 24 * 3600,
    },
    "force-check-recordings": {
        "task": "evidentia.useofforce.tasks.check_recordings",
        "schedule": 3600,
    },
    "cad-tag-recent": {"task": "evidentia.cad.tasks.tag_recent", "schedule": 900},
    "intervention-evaluate": {
        "task": "evidentia.intervention.tasks.evaluate",
        "schedule": 24 * 3600,
    },
    "transparency-refresh": {
        "task": "evidentia.transparency.tasks.refresh",
        "schedule": 3600,
    },
}

# Retention: after a second custodian approves a disposition, queue the crypto-shred at
# once (True), or leave it for `evidentia retention shred` (False).
RETENTION_SHRED_ON_APPROVAL = env_bool("EVIDENTIA_RETENTION_SHRED_ON_APPROVAL", True)

# Map tiles: a URL template such as https://tiles.example/{z}/{x}/{y}.png. Empty (the
# default, for closed networks) draws tracks on a plain background with a scale bar.
MAP_TILE_URL = env("EVIDENTIA_MAP_TILE_URL", "") or ""
MAP_TILE_ATTRIBUTION = env("EVIDENTIA_MAP_TILE_ATTRIBUTION", "") or ""

# The community portal (/public/ and /open311/v2/).
PORTAL_EMERGENCY_NUMBER = env("EVIDENTIA_EMERGENCY_NUMBER", "911") or "911"
PORTAL_NON_EMERGENCY_NUMBER = env("EVIDENTIA_NON_EMERGENCY_NUMBER", "") or ""
# True only where the agency staffs the queue around the clock.
PORTAL_MONITORED = env_bool("EVIDENTIA_PORTAL_MONITORED", False)
PORTAL_BASE_URL = env("EVIDENTIA_PUBLIC_BASE_URL", "") or ""
# The service area: "min_lon,min_lat,max_lon,max_lat", or a GeoJSON Polygon file.
PORTAL_SERVICE_AREA = env("EVIDENTIA_SERVICE_AREA", "-122.84,45.43,-122.47,45.66") or ""
PORTAL_SERVICE_AREA_FILE = env("EVIDENTIA_SERVICE_AREA_FILE", "") or ""
PORTAL_MAP_CENTER = env("EVIDENTIA_MAP_CENTER", "45.5152,-122.6784") or ""
PORTAL_MAX_FILE_BYTES = env_int("EVIDENTIA_PUBLIC_MAX_FILE_BYTES", 512 * 1024**2)
PORTAL_MAX_FILES = env_int("EVIDENTIA_PUBLIC_MAX_FILES", 10)
PORTAL_ALLOWED_TYPES = tuple(
    t.strip()
    for t in (env("EVIDENTIA_PUBLIC_ALLOWED_TYPES", "image/*,video/*,audio/*") or "").split(",")
    if t.strip()
)
# Reports (or Open311 POSTs) one client may file per hour; tracking-code lookups per hour.
PORTAL_REPORTS_PER_HOUR = env_int("EVIDENTIA_PUBLIC_REPORTS_PER_HOUR", 10)
PORTAL_LOOKUPS_PER_HOUR = env_int("EVIDENTIA_PUBLIC_LOOKUPS_PER_HOUR", 60)
PORTAL_UPLOADS_PER_HOUR = env_int("EVIDENTIA_PUBLIC_UPLOADS_PER_HOUR", 60)
PORTAL_FUZZ_METRES = env_int("EVIDENTIA_PUBLIC_FUZZ_METRES", 100)
# Reverse proxies in front of the app that append to X-Forwarded-For (0: none, so the
# connecting address is the client's). Public rate limits count the address they saw.
TRUSTED_PROXIES = env_int("EVIDENTIA_TRUSTED_PROXIES", 0)
INVITE_DEFAULT_DAYS = env_int("EVIDENTIA_INVITE_DAYS", 7)
INVITE_DEFAULT_MAX_FILES = env_int("EVIDENTIA_INVITE_MAX_FILES", 10)
INVITE_DEFAULT_MAX_BYTES = env_int("EVIDENTIA_INVITE_MAX_FILE_BYTES", 2 * 1024**3)
# Open311 POST without an api_key (the agency's choice; off by default).
OPEN311_ANONYMOUS_POST = env_bool("EVIDENTIA_OPEN311_ANONYMOUS_POST", False)
# Reports one keyed Open311 client (an aggregator relaying residents) may post per hour.
OPEN311_KEY_REPORTS_PER_HOUR = env_int("EVIDENTIA_OPEN311_KEY_REPORTS_PER_HOUR", 1000)
OPEN311_JURISDICTION = env("EVIDENTIA_OPEN311_JURISDICTION", "") or ""
# Public records requests: business days to answer, days a release link works, and
# holidays ("YYYY-MM-DD,...") that do not count as business days.
RECORDS_DUE_BUSINESS_DAYS = env_int("EVIDENTIA_RECORDS_DUE_BUSINESS_DAYS", 10)
RECORDS_LINK_DAYS = env_int("EVIDENTIA_RECORDS_LINK_DAYS", 14)
RECORDS_HOLIDAYS = tuple(
    d.strip() for d in (env("EVIDENTIA_RECORDS_HOLIDAYS", "") or "").split(",") if d.strip()
)
RECORDS_REQUESTS_PER_HOUR = env_int("EVIDENTIA_RECORDS_REQUESTS_PER_HOUR", 5)
RECORDS_LINK_MAILS_PER_HOUR = env_int("EVIDENTIA_RECORDS_LINK_MAILS_PER_HOUR", 3)
WATERMARK_STALE_MINUTES = env_int("EVIDENTIA_WATERMARK_STALE_MINUTES", 15)

# Accountability (issue 7). Professional-standards investigations are due this many days
# after receipt unless the investigator sets another date.
STANDARDS_DUE_DAYS = env_int("EVIDENTIA_STANDARDS_DUE_DAYS", 90)
# A use of force with no body-camera recording within this many minutes of it is flagged;
# the filing form offers the officer's recordings within this many hours of it.
FORCE_RECORDING_WINDOW_MINUTES = env_int("EVIDENTIA_FORCE_RECORDING_WINDOW_MINUTES", 30)
FORCE_CANDIDATE_HOURS = env_int("EVIDENTIA_FORCE_CANDIDATE_HOURS", 2)
# Recordings link to CAD calls whose window, widened by this much, overlaps them; the
# periodic tagger looks at recordings ingested in the last CAD_TAG_RECENT_HOURS.
CAD_TAG_BUFFER_MINUTES = env_int("EVIDENTIA_CAD_TAG_BUFFER_MINUTES", 10)
CAD_TAG_RECENT_HOURS = env_int("EVIDENTIA_CAD_TAG_RECENT_HOURS", 24)
# CSV files uploaded on the web for import (CAD calls, analytics incidents): the largest
# accepted, and how long one that was never imported is kept (it can hold addresses)
# before the hourly upload cleanup removes it.
CAD_IMPORT_MAX_BYTES = env_int("EVIDENTIA_CAD_IMPORT_MAX_BYTES", 200 * 1024**2)
ANALYTICS_IMPORT_MAX_BYTES = env_int("EVIDENTIA_ANALYTICS_IMPORT_MAX_BYTES", 200 * 1024**2)
ANALYTICS_AREAS_MAX_BYTES = env_int("EVIDENTIA_ANALYTICS_AREAS_MAX_BYTES", 20 * 1024**2)
ANALYTICS_AREAS_MAX_VERTICES = env_int("EVIDENTIA_ANALYTICS_AREAS_MAX_VERTICES", 500_000)
STAGED_UPLOAD_MAX_AGE_HOURS = env_int("EVIDENTIA_STAGED_UPLOAD_MAX_AGE_HOURS", 24)
# Complaint investigators see recordings of the named officers within this many hours.
STANDARDS_EVIDENCE_WINDOW_HOURS = env_int("EVIDENTIA_STANDARDS_EVIDENCE_WINDOW_HOURS", 12)
# Where staff open links sent by e-mail (early-intervention alerts); defaults to the
# public origin when staff and public share one.
STAFF_BASE_URL = env("EVIDENTIA_STAFF_BASE_URL", "") or PORTAL_BASE_URL
# The projected CRS (EPSG code) CAD calls are gridded in when analysed; empty picks the
# UTM zone of the calls' median place.
ANALYTICS_CAD_EPSG = env_int("EVIDENTIA_ANALYTICS_CAD_EPSG", 0) or None
# The transparency portal shows counts below this as "<k" (small-count suppression).
TRANSPARENCY_MIN_COUNT = env_int("EVIDENTIA_TRANSPARENCY_MIN_COUNT", 5)
# Districts the portal publishes by name (comma-separated); anything else is grouped as
# "Other / not recorded". Empty: the districts that appear on CAD calls.
TRANSPARENCY_DISTRICTS = env("EVIDENTIA_TRANSPARENCY_DISTRICTS", "") or ""
TRANSPARENCY_REQUESTS_PER_HOUR = env_int("EVIDENTIA_TRANSPARENCY_REQUESTS_PER_HOUR", 600)
# Public comment on published policies (/public/policies/), per address and hour.
POLICY_COMMENTS_PER_HOUR = env_int("EVIDENTIA_POLICY_COMMENTS_PER_HOUR", 10)
POLICY_PAGES_PER_HOUR = env_int("EVIDENTIA_POLICY_PAGES_PER_HOUR", 600)

EMAIL_BACKEND = env("EVIDENTIA_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("EVIDENTIA_FROM_EMAIL", "evidentia@localhost") or "evidentia@localhost"

LOG_LEVEL = env("EVIDENTIA_LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"scrub": {"()": "evidentia.core.logscrub.ScrubSecrets"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["scrub"]}
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
