from rest_framework import viewsets

from shop.api.serializers import CustomerSerializer, OrderSerializer
from shop.models import Customer, Order


class OrderViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Order.objects.all()  #!E:queries -- OrderSerializer nests customer: one query per row
    serializer_class = OrderSerializer


class CustomerViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Customer.objects.all()  #!N -- CustomerSerializer reads no relation
    serializer_class = CustomerSerializer


class PaidOrderViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = OrderSerializer

    def get_queryset(self):
        return Order.objects.filter(paid=True).select_related("customer")  #!N -- loads customer
