from django.shortcuts import render

from shop.models import Order


def open_orders(request):
    orders = Order.objects.filter(paid=False)
    rows = []
    for order in orders:
        rows.append((order.number, order.customer.name))  #!N = -- old N+1, not part of this change
    return render(request, "shop/open.html", {"rows": rows})


def order_count(request):
    return render(request, "shop/count.html", {"n": len(Order.objects.all())})  #!E:queries -- added by the change
