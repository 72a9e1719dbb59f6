from shop.models import Order
from shop.tasks import send_receipt, send_survey


def checkout(cart, customer):
    order = Order.objects.create(customer=customer, total=cart.total)
    send_receipt.delay(order)  #!E:tasks -- instance instead of id
    send_survey.delay(order.pk)  #!N -- the id
    return order


def resend(order_id):
    order = Order.objects.get(pk=order_id)
    send_receipt.apply_async(args=[order], countdown=60)  #!E:tasks -- instance instead of id
