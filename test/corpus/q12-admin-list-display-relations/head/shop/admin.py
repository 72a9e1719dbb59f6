from django.contrib import admin

from shop.models import Customer, Order


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["number", "customer__name", "created"]
    search_fields = ["number"]


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["name"]
