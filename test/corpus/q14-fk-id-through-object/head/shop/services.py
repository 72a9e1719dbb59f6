from shop.models import Order


def customer_key(order):
    return f"customer:{order.customer.id}"


def customer_key_fixed(order):
    return f"customer:{order.customer_id}"


def order_key(order):
    return f"order:{order.id}"
