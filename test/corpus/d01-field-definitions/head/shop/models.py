from django.db import models


class Supplier(models.Model):
    name = models.CharField(max_length=100)
    code = models.CharField(max_length=20, null=True, unique=True)
    website = models.URLField(null=True)


class Product(models.Model):
    supplier = models.ForeignKey(Supplier)
    category = models.ForeignKey("Category", on_delete=models.SET_NULL)
    brand = models.ForeignKey("Brand", on_delete=models.SET_NULL, null=True)
    price = models.FloatField()
    weight = models.FloatField()
    title = models.CharField(max_length=200)
