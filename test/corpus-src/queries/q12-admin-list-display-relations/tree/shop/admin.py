from django.contrib import admin

from shop.models import Customer, Order


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["number", "customer__name", "created"]  #!E:queries -- customer__name is read per row: Django only joins plain ForeignKeys in list_display
    search_fields = ["number"]


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["name"]  #!N -- no relation shown
