import os

import environ

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)  #!N -- from the environment
SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]  #!N -- from the environment
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["example.com"])  #!N -- listed hosts
CORS_ALLOWED_ORIGINS = ["https://app.example.com"]  #!N -- listed origins
SESSION_COOKIE_SECURE = True  #!N -- secure
