import os

from .base import *  # noqa

DEBUG = True  #!E:security -- debug in production
SECRET_KEY = "django-insecure-7x!k2q9z8p@w#r4t6y8u0i2o4p6a8s0d"  #!E:security -- hard-coded secret
ALLOWED_HOSTS = ["*"]  #!E:security -- any host
CORS_ALLOW_ALL_ORIGINS = True  #!E:security -- any origin
SESSION_COOKIE_SECURE = False  #!E:security -- cookie over http
CSRF_COOKIE_SECURE = True  #!N -- secure
SECURE_HSTS_SECONDS = 31536000  #!N -- HSTS on
DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": os.environ["DB_NAME"]}}
