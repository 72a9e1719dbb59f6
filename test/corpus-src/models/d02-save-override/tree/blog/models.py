from django.db import models
from django.utils.text import slugify


class Post(models.Model):
    title = models.CharField(max_length=200)  #!O -- new model fields with no migration in the change (DJ508)
    slug = models.SlugField(unique=True)

    def save(self):  #!E:models -- drops update_fields/using
        self.slug = slugify(self.title)
        super().save()


class Page(models.Model):
    title = models.CharField(max_length=200)  #!O -- new model fields with no migration in the change (DJ508)
    slug = models.SlugField(unique=True)

    def save(self, *args, **kwargs):  #!N -- passes everything on
        self.slug = slugify(self.title)
        super().save(*args, **kwargs)
