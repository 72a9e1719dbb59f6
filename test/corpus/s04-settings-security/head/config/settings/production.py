import os

from .base import *  # noqa

DEBUG = True
SECRET_KEY = "django-insecure-7x!k2q9z8p@w#r4t6y8u0i2o4p6a8s0d"
ALLOWED_HOSTS = ["*"]
CORS_ALLOW_ALL_ORIGINS = True
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 31536000
DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": os.environ["DB_NAME"]}}
