from shop.models import Order, Payment


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
