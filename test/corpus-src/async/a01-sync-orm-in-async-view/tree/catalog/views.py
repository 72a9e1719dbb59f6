from django.http import JsonResponse

from catalog.models import Item


async def item_detail(request, pk):
    item = Item.objects.get(pk=pk)  #!E:async -- sync ORM in async def
    return JsonResponse({"name": item.name})


async def item_detail_fixed(request, pk):
    item = await Item.objects.aget(pk=pk)  #!N -- async ORM
    return JsonResponse({"name": item.name})


async def item_names(request):
    names = []
    for item in Item.objects.filter(active=True):  #!E:async -- sync iteration of a queryset
        names.append(item.name)
    async for item in Item.objects.filter(active=False):  #!N -- async for
        names.append(item.name)
    return JsonResponse({"names": names})


def item_count(request):
    return JsonResponse({"count": Item.objects.count()})  #!N -- a sync view
