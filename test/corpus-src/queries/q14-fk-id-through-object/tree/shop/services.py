from shop.models import Order


def customer_key(order):
    return f"customer:{order.customer.id}"  #!E:queries -- loads the customer to read its id


def customer_key_fixed(order):
    return f"customer:{order.customer_id}"  #!N -- the column on the row


def order_key(order):
    return f"order:{order.id}"  #!N -- the row's own id
