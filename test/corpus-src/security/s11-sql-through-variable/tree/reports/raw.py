from django.db import connection


def order_by_number(number):
    query = "SELECT id FROM shop_order WHERE number = '%s'"
    with connection.cursor() as cursor:
        cursor.execute(query % number)  #!E:security -- % formatting of a SQL variable
        return cursor.fetchone()


def orders_by_ids(ids):
    placeholders = ", ".join(["%s"] * len(ids))
    query = "SELECT id FROM shop_order WHERE id IN (%s)" % placeholders
    with connection.cursor() as cursor:
        cursor.execute(query, ids)  #!N -- only placeholders are formatted in
        return cursor.fetchall()
