from django.db import models


class Supplier(models.Model):
    name = models.CharField(max_length=100)
    code = models.CharField(max_length=20, null=True, unique=True)  #!N -- null with unique is the documented exception
    website = models.URLField(null=True)  #!E:models -- two empty values


class Product(models.Model):
    supplier = models.ForeignKey(Supplier)  #!E:models -- no on_delete
    category = models.ForeignKey("Category", on_delete=models.SET_NULL)  #!E:models -- SET_NULL without null=True
    brand = models.ForeignKey("Brand", on_delete=models.SET_NULL, null=True)  #!N -- nullable
    price = models.FloatField()  #!E:models -- money in a float
    weight = models.FloatField()  #!N -- not money
    title = models.CharField(max_length=200)  #!N -- fine
