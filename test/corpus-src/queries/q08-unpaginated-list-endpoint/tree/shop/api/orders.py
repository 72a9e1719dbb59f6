from rest_framework.response import Response
from rest_framework.views import APIView

from shop.api.serializers import OrderSerializer
from shop.models import Order


class OrderList(APIView):
    def get(self, request):
        orders = Order.objects.filter(customer__email=request.user.email)
        return Response(OrderSerializer(orders, many=True).data)  #!E:queries -- every order, no pagination


class RecentOrders(APIView):
    def get(self, request):
        orders = Order.objects.order_by("-id")[:20]
        return Response(OrderSerializer(orders, many=True).data)  #!N -- sliced to 20
