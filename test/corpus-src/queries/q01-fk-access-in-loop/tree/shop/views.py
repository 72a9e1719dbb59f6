from django.shortcuts import render

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
