from shop.models import Order, Payment


def unpaid_totals(orders):
    totals = {}
    for order in orders:
        totals[order.pk] = Payment.objects.filter(order=order).count()
    return totals


def payments_by_order(orders):
    payments = Payment.objects.filter(order__in=orders)
    by_order = {}
    for payment in payments:
        by_order.setdefault(payment.order_id, []).append(payment)
    return by_order
