from django.db import transaction

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
