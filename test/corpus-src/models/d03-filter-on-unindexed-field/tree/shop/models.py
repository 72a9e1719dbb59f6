from django.db import models


class Order(models.Model):
    number = models.CharField(max_length=20, unique=True)
    sku = models.CharField(max_length=40)  #!+ O -- a new field with no migration in the change (DJ508)
    slug = models.SlugField(db_index=True)
    paid = models.BooleanField(default=False)
