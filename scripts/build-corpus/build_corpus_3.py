import os

from corpus_lib import build
R = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "test", "corpus")

build(R, "s01-raw-sql-formatting", [{
  "path": "reports/queries.py", "new": True, "head": '''from django.db import connection

from shop.models import Order


def orders_for(email):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM shop_order WHERE email = '{email}'")  #!E:security -- f-string SQL
        return cursor.fetchall()


def orders_named(name):
    return Order.objects.raw("SELECT * FROM shop_order WHERE name = '%s'" % name)  #!E:security -- % formatting


def orders_safe(email):
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM shop_order WHERE email = %s", [email])  #!N -- parameterised
        return cursor.fetchall()


def search(term):
    sql = "SELECT id FROM shop_order WHERE number LIKE '%" + term + "%'"
    with connection.cursor() as cursor:
        cursor.execute(sql)  #!E:security -- concatenated through a variable
        return cursor.fetchall()
'''}])

build(R, "s02-mark-safe", [{
  "path": "blog/templatetags/blog_tags.py", "new": True, "head": '''from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def author_link(author):
    return mark_safe(f'<a href="/u/{author.username}">{author.display_name}</a>')  #!E:security -- user data unescaped


@register.simple_tag
def author_link_safe(author):
    return format_html('<a href="/u/{}">{}</a>', author.username, author.display_name)  #!N -- format_html escapes


@register.simple_tag
def separator():
    return mark_safe("<hr>")  #!N -- a literal
'''}])

build(R, "s03-template-safe-filter", [{
  "path": "blog/templates/blog/comment.html", "new": True, "head": '''<div class="comment">
  <p>{{ comment.body|safe }}</p>{#!E:security -- user text rendered as HTML#}
  <p>{{ comment.body|linebreaks }}</p>{#!N -- escaped#}
  {% autoescape off %}{#!E:security -- escaping off for the block#}
    {{ comment.signature }}
  {% endautoescape %}
</div>
'''}])

build(R, "s04-settings-security", [{
  "path": "config/settings/production.py", "new": True, "head": '''import os

from .base import *  # noqa

DEBUG = True  #!E:security -- debug in production
SECRET_KEY = "django-insecure-7x!k2q9z8p@w#r4t6y8u0i2o4p6a8s0d"  #!E:security -- hard-coded secret
ALLOWED_HOSTS = ["*"]  #!E:security -- any host
CORS_ALLOW_ALL_ORIGINS = True  #!E:security -- any origin
SESSION_COOKIE_SECURE = False  #!E:security -- cookie over http
CSRF_COOKIE_SECURE = True  #!N -- secure
SECURE_HSTS_SECONDS = 31536000  #!N -- HSTS on
DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": os.environ["DB_NAME"]}}
'''}])

build(R, "s05-settings-done-right", [{
  "path": "config/settings.py", "new": True, "head": '''import os

import environ

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)  #!N -- from the environment
SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]  #!N -- from the environment
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["example.com"])  #!N -- listed hosts
CORS_ALLOWED_ORIGINS = ["https://app.example.com"]  #!N -- listed origins
SESSION_COOKIE_SECURE = True  #!N -- secure
'''}])

build(R, "s06-csrf", [
  {"path": "payments/views.py", "new": True, "head": '''from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST


@require_POST
@csrf_exempt  #!E:security -- CSRF protection removed from a browser-facing view
def update_card(request):
    request.user.profile.card = request.POST["card"]
    request.user.profile.save()
    return HttpResponse("ok")


@require_POST
def update_address(request):  #!N -- protected
    request.user.profile.address = request.POST["address"]
    request.user.profile.save()
    return HttpResponse("ok")
'''},
  {"path": "payments/templates/payments/card.html", "new": True, "head": '''<form method="post" action="{% url 'payments:card' %}">{#!E:security -- no csrf_token#}
  <input name="card">
  <button>Save</button>
</form>
<form method="post" action="{% url 'payments:address' %}">{#!N -- has the token#}
  {% csrf_token %}
  <input name="address">
</form>
<form method="get" action="/search">{#!N -- GET form#}
  <input name="q">
</form>
'''}])

build(R, "s07-htmx-without-csrf", [{
  "path": "todo/templates/todo/list.html", "new": True, "head": '''{% extends "base.html" %}
{% block content %}
<ul>
  {% for item in items %}
  <li>{{ item.title }}
    <button hx-delete="{% url 'todo:delete' item.pk %}" hx-target="closest li">Delete</button>{#!E:security -- no CSRF token sent#}
    <a hx-get="{% url 'todo:detail' item.pk %}">Details</a>{#!N -- GET is safe#}
  </li>
  {% endfor %}
</ul>
{% endblock %}
'''}], context={"todo/templates/base.html": '''<!doctype html>
<html><body>{% block content %}{% endblock %}<script src="/static/htmx.min.js"></script></body></html>
'''})

build(R, "s08-htmx-with-global-header", [{
  "path": "todo/templates/todo/list.html", "new": True, "head": '''{% extends "base.html" %}
{% block content %}
{% for item in items %}
  <button hx-post="{% url 'todo:done' item.pk %}">Done</button>{#!N -- base template sends X-CSRFToken#}
{% endfor %}
{% endblock %}
'''}], context={"todo/templates/base.html": '''<!doctype html>
<html>
<body hx-headers='{"X-CSRFToken": "{{ csrf_token }}"}'>
{% block content %}{% endblock %}
</body>
</html>
'''})

build(R, "s09-redirect-and-pickle", [{
  "path": "accounts/views.py", "new": True, "head": '''import pickle

from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme


def login_done(request):
    return redirect(request.GET.get("next", "/"))  #!E:security -- open redirect


def login_done_safe(request):
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return redirect(target)  #!N -- validated


def restore_cart(request):
    cart = pickle.loads(request.body)  #!E:security -- arbitrary code execution
    request.session["cart"] = cart
    return redirect("/cart/")  #!N -- a literal URL
'''}])

build(R, "s10-mass-assignment", [{
  "path": "accounts/forms.py", "new": True, "head": '''from django import forms

from accounts.models import Profile


class ProfileForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = "__all__"  #!E:security -- every field writable


class ProfileNameForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = ["display_name", "bio"]  #!N -- explicit
'''}])

build(R, "d01-field-definitions", [{
  "path": "shop/models.py", "new": True, "head": '''from django.db import models


class Supplier(models.Model):
    name = models.CharField(max_length=100)
    code = models.CharField(max_length=20, null=True, unique=True)  #!N -- null with unique is the documented exception
    website = models.URLField(null=True)  #!E:models -- two empty values


class Product(models.Model):
    supplier = models.ForeignKey(Supplier)  #!E:models -- no on_delete
    category = models.ForeignKey("Category", on_delete=models.SET_NULL)  #!E:models -- SET_NULL without null=True
    brand = models.ForeignKey("Brand", on_delete=models.SET_NULL, null=True)  #!N -- nullable
    price = models.FloatField()  #!E:models -- money in a float
    weight = models.FloatField()  #!N -- not money
    title = models.CharField(max_length=200)  #!N -- fine
'''}])

build(R, "d02-save-override", [{
  "path": "blog/models.py", "new": True, "head": '''from django.db import models
from django.utils.text import slugify


class Post(models.Model):
    title = models.CharField(max_length=200)  #!O -- new model fields with no migration in the change (DJ508)
    slug = models.SlugField(unique=True)

    def save(self):  #!E:models -- drops update_fields/using
        self.slug = slugify(self.title)
        super().save()


class Page(models.Model):
    title = models.CharField(max_length=200)  #!O -- new model fields with no migration in the change (DJ508)
    slug = models.SlugField(unique=True)

    def save(self, *args, **kwargs):  #!N -- passes everything on
        self.slug = slugify(self.title)
        super().save(*args, **kwargs)
'''}])

build(R, "d03-filter-on-unindexed-field", [
  {"path": "shop/models.py", "head": '''from django.db import models


class Order(models.Model):
    number = models.CharField(max_length=20, unique=True)
    sku = models.CharField(max_length=40)  #!+ O -- a new field with no migration in the change (DJ508)
    slug = models.SlugField(db_index=True)
    paid = models.BooleanField(default=False)
'''},
  {"path": "shop/lookups.py", "new": True, "head": '''from shop.models import Order


def by_sku(sku):
    return Order.objects.filter(sku=sku)  #!E:models -- the new sku field has no index


def by_slug(slug):
    return Order.objects.get(slug=slug)  #!N -- slug is indexed


def by_number(number):
    return Order.objects.get(number=number)  #!N -- unique implies an index


def unpaid():
    return Order.objects.filter(paid=False)  #!N -- an existing field; and a boolean
'''}])

build(R, "t01-task-given-instance", [{
  "path": "shop/checkout.py", "new": True, "head": '''from shop.models import Order
from shop.tasks import send_receipt, send_survey


def checkout(cart, customer):
    order = Order.objects.create(customer=customer, total=cart.total)
    send_receipt.delay(order)  #!E:tasks -- instance instead of id
    send_survey.delay(order.pk)  #!N -- the id
    return order


def resend(order_id):
    order = Order.objects.get(pk=order_id)
    send_receipt.apply_async(args=[order], countdown=60)  #!E:tasks -- instance instead of id
'''}])

build(R, "t02-enqueue-in-transaction", [{
  "path": "shop/services.py", "new": True, "head": '''from django.db import transaction

from shop.models import Order
from shop.tasks import notify_warehouse


def place_order(cart):
    with transaction.atomic():
        order = Order.objects.create(total=cart.total)
        notify_warehouse.delay(order.pk)  #!E:tasks -- may run before the commit
    return order


def place_order_safe(cart):
    with transaction.atomic():
        order = Order.objects.create(total=cart.total)
        transaction.on_commit(lambda: notify_warehouse.delay(order.pk))  #!N -- after commit
    return order


@transaction.atomic
def cancel(order):
    order.status = "cancelled"
    order.save()
    notify_warehouse.delay(order.pk)  #!E:tasks -- inside an atomic function
'''}])

build(R, "x01-only-changed-lines", [{
  "path": "shop/views.py", "head": '''from django.shortcuts import render

from shop.models import Order


def open_orders(request):
    orders = Order.objects.filter(paid=False)
    rows = []
    for order in orders:
        rows.append((order.number, order.customer.name))  #!N = -- old N+1, not part of this change
    return render(request, "shop/open.html", {"rows": rows})


def order_count(request):
    return render(request, "shop/count.html", {"n": len(Order.objects.all())})  #!E:queries -- added by the change
''', "removed": [(15, "    return render(request, \"shop/count.html\", {\"n\": Order.objects.count()})")]}], context={"shop/models.py": '''from django.db import models


class Customer(models.Model):
    name = models.CharField(max_length=100)


class Order(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE)
    number = models.CharField(max_length=20, unique=True)
    paid = models.BooleanField(default=False)
'''})
