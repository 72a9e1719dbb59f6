import os

from corpus_lib import build
R = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "test", "corpus")

MODELS = '''from django.db import models


class Customer(models.Model):
    name = models.CharField(max_length=100)


class Order(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="orders")
    number = models.CharField(max_length=20, unique=True)
    created = models.DateTimeField(auto_now_add=True)
'''

build(R, "q12-admin-list-display-relations", [{
  "path": "shop/admin.py", "new": True, "head": '''from django.contrib import admin

from shop.models import Customer, Order


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["number", "customer__name", "created"]  #!E:queries -- customer__name is read per row: Django only joins plain ForeignKeys in list_display
    search_fields = ["number"]


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["name"]  #!N -- no relation shown
'''}], context={"shop/models.py": MODELS})

build(R, "q13-serializer-method-field-queries", [{
  "path": "shop/api/serializers.py", "new": True, "head": '''from rest_framework import serializers

from shop.models import Customer, Order


class CustomerSerializer(serializers.ModelSerializer):
    order_count = serializers.SerializerMethodField()
    last_order = serializers.SerializerMethodField()
    display = serializers.SerializerMethodField()

    class Meta:
        model = Customer
        fields = ["id", "name", "order_count", "last_order", "display"]

    def get_order_count(self, obj):
        return obj.orders.count()  #!E:queries -- one COUNT per customer

    def get_last_order(self, obj):
        return Order.objects.filter(customer=obj).order_by("-created").values_list("number", flat=True).first()  #!E:queries -- one query per customer

    def get_display(self, obj):
        return obj.name.title()  #!N -- no query
'''}], context={"shop/models.py": MODELS})

build(R, "q14-fk-id-through-object", [{
  "path": "shop/services.py", "new": True, "head": '''from shop.models import Order


def customer_key(order):
    return f"customer:{order.customer.id}"  #!E:queries -- loads the customer to read its id


def customer_key_fixed(order):
    return f"customer:{order.customer_id}"  #!N -- the column on the row


def order_key(order):
    return f"order:{order.id}"  #!N -- the row's own id
'''}], context={"shop/models.py": MODELS})

build(R, "s13-variable-in-script", [{
  "path": "shop/templates/shop/checkout.html", "new": True, "head": '''{% extends "base.html" %}
{% block content %}
<div id="checkout"></div>
{{ cart|json_script:"cart-data" }}
<script>
  const customer = "{{ request.user.get_full_name }}";{#!E:security -- HTML-escaped, not JS-escaped#}
  const cart = JSON.parse(document.getElementById("cart-data").textContent);{#!N -- json_script#}
  const note = "{{ note|escapejs }}";{#!N -- escapejs#}
</script>
<p>{{ request.user.get_full_name }}</p>{#!N -- HTML context, escaped#}
{% endblock %}
'''}])

build(R, "s14-insecure-cookie", [{
  "path": "accounts/views.py", "new": True, "head": '''from django.http import HttpResponse


def remember_me(request):
    response = HttpResponse("ok")
    response.set_cookie("remember", request.user.pk, max_age=86400 * 30)  #!E:security -- neither secure nor httponly
    return response


def remember_me_fixed(request):
    response = HttpResponse("ok")
    response.set_cookie("remember", request.user.pk, max_age=86400 * 30, secure=True, httponly=True, samesite="Lax")  #!N -- protected
    return response
'''}])
