from django.db import models


class Order(models.Model):
    number = models.CharField(max_length=20, unique=True)
    reference = models.CharField(max_length=32)  #!+
    note = models.CharField(max_length=500, blank=True)  #!+
