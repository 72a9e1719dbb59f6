import csv


def export_orders(queryset, out):
    writer = csv.writer(out)
    for order in queryset:
        writer.writerow([order.number, order.customer.email])  #!E:queries -- N+1 on customer
    return out


def export_numbers(orders, out):
    writer = csv.writer(out)
    for order in orders:
        writer.writerow([order.number])  #!N -- no relation read
    return out
