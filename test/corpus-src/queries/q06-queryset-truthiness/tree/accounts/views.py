from django.http import JsonResponse


def unpaid_warning(request):
    if request.user.orders.filter(paid=False):  #!E:queries -- evaluates the queryset to test truth
        return JsonResponse({"warning": True})
    return JsonResponse({"warning": False})


def flags(request):
    items = request.session.get("cart", [])
    if items:  #!N -- a list, not a queryset
        return JsonResponse({"cart": len(items)})
    return JsonResponse({"cart": 0})
