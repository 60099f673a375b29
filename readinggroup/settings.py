"""Settings for the reading-group site, driven by environment variables.

Development defaults are safe: debug is off unless ``DJANGO_DEBUG`` says otherwise, and without debug
the site refuses to start until ``DJANGO_SECRET_KEY`` is set.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

TRUTHY = {"1", "true", "yes", "on"}


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in TRUTHY


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random string, or set DJANGO_DEBUG=1 for local development."
        )
    SECRET_KEY = "insecure-development-key-only-used-when-DJANGO_DEBUG-is-on"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "rules",
    "django_tasks_db",
    "core",
    "members",
    "papers",
    "reviews",
    "notifications",
    "desk",
    "api",
    "search",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Logs the cache checks once as a worker starts (gunicorn runs no system checks), then steps aside.
    "core.middleware.StartupChecksMiddleware",
    # Outside everything below, so it has the last word on every answer to a signed-in member.
    "core.middleware.PrivateCacheControlMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's, with the signed-in user read from a cached snapshot (core/cached_auth.py).
    "core.cached_auth.CachedAuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "readinggroup.urls"
WSGI_APPLICATION = "readinggroup.wsgi.application"

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
                "django.template.context_processors.csp",
                "readinggroup.context_processors.site",
                "notifications.context_processors.unread_notifications",
            ],
        },
    },
]


def database_settings() -> dict:
    """SQLite in the project folder unless ``DATABASE_URL`` names another database."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        url = f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
    config = dj_database_url.parse(url)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers work while a writer commits; IMMEDIATE takes the write lock at BEGIN so
        # two concurrent writers queue instead of failing with "database is locked" mid-transaction.
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    else:
        config["CONN_MAX_AGE"] = int(os.environ.get("DJANGO_CONN_MAX_AGE", "60"))
        config["CONN_HEALTH_CHECKS"] = True
    return config


DATABASES = {"default": database_settings()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
# Development prints email to the console, decoded (core.mail_console); production sends it over SMTP
# unless told otherwise.
EMAIL_BACKEND_PATH = os.environ.get(
    "DJANGO_EMAIL_BACKEND", "core.mail_console.ReadableConsoleBackend" if DEBUG else SMTP_BACKEND
)
MAILERS = {
    "default": {
        "BACKEND": EMAIL_BACKEND_PATH,
        "OPTIONS": (
            {
                "host": os.environ.get("DJANGO_EMAIL_HOST", "localhost"),
                "port": int(os.environ.get("DJANGO_EMAIL_PORT", "587")),
                "username": os.environ.get("DJANGO_EMAIL_HOST_USER", ""),
                "password": os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("DJANGO_EMAIL_USE_TLS", True),
                "timeout": 10,
            }
            if EMAIL_BACKEND_PATH == SMTP_BACKEND
            else {}
        ),
    }
}
# Background work (mail above all) runs on Django's task framework. The default keeps tasks in the
# database and needs nothing more than `manage.py db_worker` beside the web server; a larger site can
# set DJANGO_TASKS_BACKEND=rq to queue them in Redis and run
# `manage.py rqworker --job-class django_tasks_rq.Job default` instead.
TASKS_BACKEND = os.environ.get("DJANGO_TASKS_BACKEND", "database").strip().lower()
if TASKS_BACKEND == "rq":
    INSTALLED_APPS += ["django_rq"]
    RQ_QUEUES = {"default": {"URL": os.environ.get("DJANGO_TASKS_REDIS_URL", "redis://127.0.0.1:6379/1")}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
elif TASKS_BACKEND == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
else:
    raise ImproperlyConfigured('DJANGO_TASKS_BACKEND is "database" (the default) or "rq".')

# Scheduled notifications (`manage.py send_due_notifications`): hours before reviews are due that the
# reminder goes out, unless a week sets its own, and hours before the meeting for the digest.
REMINDER_HOURS_BEFORE_DUE = int(os.environ.get("REMINDER_HOURS_BEFORE_DUE", "24"))
DIGEST_HOURS_BEFORE_MEETING = int(os.environ.get("DIGEST_HOURS_BEFORE_MEETING", "3"))
# The site's own address, for links in email (a worker has no request to read it from).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "reading-group@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

SITE_NAME = os.environ.get("SITE_NAME", "Deep-Learning-Journey")
# Named in the User-Agent of the admin's arXiv / Crossref look-ups, as both services ask (papers/metadata.py).
METADATA_CONTACT_EMAIL = os.environ.get("METADATA_CONTACT_EMAIL", "").strip() or DEFAULT_FROM_EMAIL
# The apps whose models the Organisers group may manage in the admin.
ORGANISER_APPS = ["papers", "reviews", "members"]

# Security headers. Everything the site serves is its own: no inline script or style anywhere.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    # Pictures come only from the site itself: a third-party image would tell its owner who read what, when.
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Sessions are read from the page cache and written through to the database, so a signed-in page costs
# no database round trip for its session; an evicted session is read back from the table, and a cache
# that is down or full only costs that query (core/sessions.py).
SESSION_ENGINE = "core.sessions"
SESSION_CACHE_ALIAS = "pages"

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", True)


def trusted_proxy_settings(environ) -> tuple[int, str | None]:
    """How allauth finds a client's address behind the TLS proxy (its rate limits count per address).

    ``DJANGO_TRUSTED_PROXY_COUNT``: how many proxies of ours append to ``X-Forwarded-For`` (the client's
    address is the one the outermost of them appended); ``DJANGO_TRUSTED_CLIENT_IP_HEADER``: a header our
    proxy sets to the client's address (``X-Real-IP``), used instead. With neither, ``REMOTE_ADDR`` is
    the client and ``X-Forwarded-For`` is ignored, as it must be when nothing in front strips or appends it.
    """
    raw_count = environ.get("DJANGO_TRUSTED_PROXY_COUNT", "").strip() or "0"
    header = environ.get("DJANGO_TRUSTED_CLIENT_IP_HEADER", "").strip() or None
    if not raw_count.isdigit():
        raise ImproperlyConfigured("DJANGO_TRUSTED_PROXY_COUNT must be a whole number (0 without a proxy).")
    if header and int(raw_count):
        raise ImproperlyConfigured("Set DJANGO_TRUSTED_PROXY_COUNT or DJANGO_TRUSTED_CLIENT_IP_HEADER, not both.")
    return int(raw_count), header


ALLAUTH_TRUSTED_PROXY_COUNT, ALLAUTH_TRUSTED_CLIENT_IP_HEADER = trusted_proxy_settings(os.environ)

# One console handler, on the root logger. Django's own "django" logger would print to a console of its
# own as well (in DEBUG), so every line came out twice: it keeps only the error mails to ADMINS and
# passes its records up to the root.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "mail_admins": {
            "level": "ERROR",
            "filters": ["require_debug_false"],
            "class": "django.utils.log.AdminEmailHandler",
        },
    },
    "loggers": {"django": {"handlers": ["mail_admins"], "level": "INFO"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}

# Accounts (django-allauth): sign in with username or email, email verified before anything else.
# Django's and allauth's, reading the profile along with the user row (the header shows the display name).
AUTHENTICATION_BACKENDS = [
    "members.auth_backends.MemberModelBackend",
    "members.auth_backends.MemberAccountBackend",
]
# Sessions signed in under the backends' earlier names stay signed in (core/cached_auth.py).
AUTHENTICATION_BACKEND_RENAMES = {
    "django.contrib.auth.backends.ModelBackend": "members.auth_backends.MemberModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend": "members.auth_backends.MemberAccountBackend",
}
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_ADAPTER = "members.adapter.AccountAdapter"
ACCOUNT_FORMS = {
    "login": "members.forms.LoginForm",
    "signup": "members.adapter.SignupForm",
    "change_password": "members.forms.ChangePasswordForm",
    "set_password": "members.forms.SetPasswordForm",
    "reset_password_from_key": "members.forms.ResetPasswordKeyForm",
}
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
# New usernames: ASCII letters, digits and . _ - only, and not a look-alike of an existing member's name.
ACCOUNT_USERNAME_VALIDATORS = "members.names.USERNAME_VALIDATORS"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
# A reset signs the member in: five wrong passwords from anyone lock an account's sign-in for a while,
# and the emailed link must get its owner in even while someone keeps it locked.
ACCOUNT_LOGIN_ON_PASSWORD_RESET = True
ACCOUNT_PREVENT_ENUMERATION = True
# One address per account: a new address replaces the old one once verified, so an unverified extra
# address cannot sit on someone else's email. Adding, changing or removing an address asks for the
# password again (allauth's reauthentication, valid for ACCOUNT_REAUTHENTICATION_TIMEOUT seconds);
# changing the password asks for the current one anyway.
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_REAUTHENTICATION_REQUIRED = True
# Per-member limits on writing (reviews/throttles.py), counted by allauth's limiter beside its own.
# Previews render up to three full-length texts and save nothing; posting and editing comments share one
# limit so that edits cannot get around it.
ACCOUNT_RATE_LIMITS = {
    "markdown_preview": "30/m/user,300/h/user",
    "review_save": "20/m/user,200/h/user",
    "comment_write": "10/m/user,100/h/user",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
# Only people an organiser invited may sign up.
INVITE_ONLY = env_bool("DJANGO_INVITE_ONLY")
# An invitation link works for this many days unless the organiser sets another expiry.
INVITATION_EXPIRY_DAYS = int(os.environ.get("DJANGO_INVITATION_EXPIRY_DAYS", "14"))


# allauth's login and sign-up rate limits count in the cache, so it must be shared by every worker:
# Redis when REDIS_URL is set, otherwise a table in the database (created by `make run` and tests).
# Cached pages go to REDIS_PAGES_URL when set (another Redis instance, so that filling it can never evict
# a counter), else beside the counters; `manage.py check` warns unless that shared Redis has
# maxmemory-policy noeviction (core/pagecache.py, check core.W001).
def cache_settings(redis_url: str, pages_redis_url: str = "") -> dict:
    """``default`` holds rate-limit counters; ``pages`` holds visitors' cached pages, apart, so that a
    flood of pages can never evict a counter."""
    redis = "django.core.cache.backends.redis.RedisCache"
    database = "django.core.cache.backends.db.DatabaseCache"
    if redis_url:
        counters = {"BACKEND": redis, "LOCATION": redis_url, "KEY_PREFIX": "rg"}
    else:
        counters = {"BACKEND": database, "LOCATION": "readinggroup_cache"}
    if pages_redis_url or redis_url:
        pages = {"BACKEND": redis, "LOCATION": pages_redis_url or redis_url, "KEY_PREFIX": "rg-pages"}
    else:
        pages = {"BACKEND": database, "LOCATION": "readinggroup_page_cache", "OPTIONS": {"MAX_ENTRIES": 2000}}
    return {"default": counters, "pages": pages}


CACHES = cache_settings(os.environ.get("REDIS_URL", "").strip(), os.environ.get("REDIS_PAGES_URL", "").strip())
