from shop.models import Order


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
