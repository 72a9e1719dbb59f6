from django.db import connection

from shop.models import Order


def orders_for(email):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM shop_order WHERE email = '{email}'")  #!E:security -- f-string SQL
        return cursor.fetchall()


def orders_named(name):
    return Order.objects.raw("SELECT * FROM shop_order WHERE name = '%s'" % name)  #!E:security -- % formatting


def orders_safe(email):
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM shop_order WHERE email = %s", [email])  #!N -- parameterised
        return cursor.fetchall()


def search(term):
    sql = "SELECT id FROM shop_order WHERE number LIKE '%" + term + "%'"
    with connection.cursor() as cursor:
        cursor.execute(sql)  #!E:security -- concatenated through a variable
        return cursor.fetchall()
