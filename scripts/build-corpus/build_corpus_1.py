import os

from corpus_lib import build
R = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "test", "corpus")

SHOP_MODELS = '''from django.db import models


class Customer(models.Model):
    name = models.CharField(max_length=100)
    email = models.EmailField(unique=True)


class Order(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="orders")
    number = models.CharField(max_length=20, unique=True)
    sku = models.CharField(max_length=40)
    slug = models.SlugField(db_index=True)
    paid = models.BooleanField(default=False)
    total = models.DecimalField(max_digits=10, decimal_places=2)


class Payment(models.Model):
    order = models.ForeignKey(Order, on_delete=models.PROTECT)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
'''

build(R, "q01-fk-access-in-loop", [{
  "path": "shop/views.py", "new": True, "head": '''from django.shortcuts import render

from shop.models import Order


def open_orders(request):
    orders = Order.objects.filter(paid=False)
    rows = []
    for order in orders:
        rows.append((order.number, order.customer.name))  #!E:queries -- customer is a ForeignKey: one query per order
    return render(request, "shop/open.html", {"rows": rows})


def paid_orders(request):
    orders = Order.objects.filter(paid=True).select_related("customer")
    rows = []
    for order in orders:
        rows.append((order.number, order.customer.name))  #!N -- select_related loads the customer
    return render(request, "shop/paid.html", {"rows": rows})
'''}], context={"shop/models.py": SHOP_MODELS})

build(R, "q02-reverse-manager-in-loop", [{
  "path": "library/reports.py", "new": True, "head": '''from library.models import Author


def author_stats():
    stats = {}
    for author in Author.objects.all():
        stats[author.name] = author.book_set.count()  #!E:queries -- reverse manager queried per author
    return stats


def author_titles():
    authors = Author.objects.prefetch_related("book_set")
    return {a.name: [b.title for b in a.book_set.all()] for a in authors}  #!N -- prefetched
'''}], context={"library/models.py": '''from django.db import models


class Author(models.Model):
    name = models.CharField(max_length=100)


class Book(models.Model):
    author = models.ForeignKey(Author, on_delete=models.CASCADE)
    title = models.CharField(max_length=200)
'''})

build(R, "q03-query-in-loop", [{
  "path": "billing/services.py", "new": True, "head": '''from shop.models import Order, Payment


def unpaid_totals(orders):
    totals = {}
    for order in orders:
        totals[order.pk] = Payment.objects.filter(order=order).count()  #!E:queries -- one COUNT per order
    return totals


def payments_by_order(orders):
    payments = Payment.objects.filter(order__in=orders)  #!N -- one query before the loop
    by_order = {}
    for payment in payments:
        by_order.setdefault(payment.order_id, []).append(payment)
    return by_order
'''}], context={"shop/models.py": SHOP_MODELS})

build(R, "q04-drf-viewset-nested-serializer", [
  {"path": "shop/api/views.py", "new": True, "head": '''from rest_framework import viewsets

from shop.api.serializers import CustomerSerializer, OrderSerializer
from shop.models import Customer, Order


class OrderViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Order.objects.all()  #!E:queries -- OrderSerializer nests customer: one query per row
    serializer_class = OrderSerializer


class CustomerViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Customer.objects.all()  #!N -- CustomerSerializer reads no relation
    serializer_class = CustomerSerializer


class PaidOrderViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = OrderSerializer

    def get_queryset(self):
        return Order.objects.filter(paid=True).select_related("customer")  #!N -- loads customer
'''}], context={
  "shop/models.py": SHOP_MODELS,
  "shop/api/serializers.py": '''from rest_framework import serializers

from shop.models import Customer, Order


class CustomerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Customer
        fields = ["id", "name", "email"]


class OrderSerializer(serializers.ModelSerializer):
    customer = CustomerSerializer()

    class Meta:
        model = Order
        fields = ["id", "number", "customer"]
'''})

build(R, "q05-len-and-count-existence", [{
  "path": "shop/checks.py", "new": True, "head": '''from shop.models import Order


def has_open_orders(customer):
    return len(Order.objects.filter(customer=customer, paid=False)) > 0  #!E:queries -- len() loads every row


def has_duplicate(number):
    if Order.objects.filter(number=number).count() > 0:  #!E:queries -- COUNT instead of EXISTS
        return True
    return False


def open_order_numbers(customer):
    orders = Order.objects.filter(customer=customer)
    if len(orders) == 0:  #!N -- rows are iterated right after, len() reuses them
        return []
    return [o.number for o in orders]


def any_paid(customer):
    return Order.objects.filter(customer=customer, paid=True).exists()  #!N -- already exists()
'''}], context={"shop/models.py": SHOP_MODELS})

build(R, "q06-queryset-truthiness", [{
  "path": "accounts/views.py", "new": True, "head": '''from django.http import JsonResponse


def unpaid_warning(request):
    if request.user.orders.filter(paid=False):  #!E:queries -- evaluates the queryset to test truth
        return JsonResponse({"warning": True})
    return JsonResponse({"warning": False})


def flags(request):
    items = request.session.get("cart", [])
    if items:  #!N -- a list, not a queryset
        return JsonResponse({"cart": len(items)})
    return JsonResponse({"cart": 0})
'''}])

build(R, "q07-template-relation-in-loop", [{
  "path": "blog/templates/blog/post_list.html", "new": True, "head": '''{% extends "base.html" %}
{% block content %}
{% for post in posts %}
  <article>
    <h2>{{ post.title }}</h2>
    <p>{{ post.comment_set.count }} comments</p>{#!E:queries -- a COUNT query per post#}
    <p>{{ post.comment_count }} comments (annotated)</p>{#!N -- annotated in the view#}
    <ul>{% for tag in post.tags.all %}<li>{{ tag.name }}</li>{% endfor %}</ul>{#!E:queries -- a query per post for its tags#}
  </article>
{% endfor %}
{% endblock %}
'''}])

build(R, "q08-unpaginated-list-endpoint", [{
  "path": "shop/api/orders.py", "new": True, "head": '''from rest_framework.response import Response
from rest_framework.views import APIView

from shop.api.serializers import OrderSerializer
from shop.models import Order


class OrderList(APIView):
    def get(self, request):
        orders = Order.objects.filter(customer__email=request.user.email)
        return Response(OrderSerializer(orders, many=True).data)  #!E:queries -- every order, no pagination


class RecentOrders(APIView):
    def get(self, request):
        orders = Order.objects.order_by("-id")[:20]
        return Response(OrderSerializer(orders, many=True).data)  #!N -- sliced to 20
'''}], context={"shop/models.py": SHOP_MODELS})

build(R, "q09-save-in-loop", [{
  "path": "shop/management/commands/reprice.py", "new": True, "head": '''from decimal import Decimal

from django.core.management.base import BaseCommand

from shop.models import Order


class Command(BaseCommand):
    def handle(self, *args, **options):
        for order in Order.objects.filter(paid=False):
            order.total = order.total * Decimal("1.1")
            order.save()  #!E:queries -- one UPDATE per row
        first = Order.objects.first()
        first.save()  #!N -- a single save
'''}], context={"shop/models.py": SHOP_MODELS})
