from shop.models import Order


def by_sku(sku):
    return Order.objects.filter(sku=sku)  #!E:models -- the new sku field has no index


def by_slug(slug):
    return Order.objects.get(slug=slug)  #!N -- slug is indexed


def by_number(number):
    return Order.objects.get(number=number)  #!N -- unique implies an index


def unpaid():
    return Order.objects.filter(paid=False)  #!N -- an existing field; and a boolean
