from decimal import Decimal

from django.core.management.base import BaseCommand

from shop.models import Order


class Command(BaseCommand):
    def handle(self, *args, **options):
        for order in Order.objects.filter(paid=False):
            order.total = order.total * Decimal("1.1")
            order.save()  #!E:queries -- one UPDATE per row
        first = Order.objects.first()
        first.save()  #!N -- a single save
