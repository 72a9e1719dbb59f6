from .base import *  # noqa

DEBUG = True  #!N -- development settings
ALLOWED_HOSTS = ["*"]  #!N -- development settings
SESSION_COOKIE_SECURE = False  #!N -- development over http
