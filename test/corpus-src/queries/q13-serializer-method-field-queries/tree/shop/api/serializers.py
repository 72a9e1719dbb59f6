from rest_framework import serializers

from shop.models import Customer, Order


class CustomerSerializer(serializers.ModelSerializer):
    order_count = serializers.SerializerMethodField()
    last_order = serializers.SerializerMethodField()
    display = serializers.SerializerMethodField()

    class Meta:
        model = Customer
        fields = ["id", "name", "order_count", "last_order", "display"]

    def get_order_count(self, obj):
        return obj.orders.count()  #!E:queries -- one COUNT per customer

    def get_last_order(self, obj):
        return Order.objects.filter(customer=obj).order_by("-created").values_list("number", flat=True).first()  #!E:queries -- one query per customer

    def get_display(self, obj):
        return obj.name.title()  #!N -- no query
