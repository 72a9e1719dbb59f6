import os

import environ

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["example.com"])
CORS_ALLOWED_ORIGINS = ["https://app.example.com"]
SESSION_COOKIE_SECURE = True
