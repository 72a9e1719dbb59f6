from shop.models import Order


def by_sku(sku):
    return Order.objects.filter(sku=sku)


def by_slug(slug):
    return Order.objects.get(slug=slug)


def by_number(number):
    return Order.objects.get(number=number)


def unpaid():
    return Order.objects.filter(paid=False)
