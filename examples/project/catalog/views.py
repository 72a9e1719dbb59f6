from django.http import JsonResponse

from catalog.models import Item


async def item_detail(request, pk):
    item = Item.objects.get(pk=pk)
    return JsonResponse({"name": item.name})


async def item_detail_fixed(request, pk):
    item = await Item.objects.aget(pk=pk)
    return JsonResponse({"name": item.name})


async def item_names(request):
    names = []
    for item in Item.objects.filter(active=True):
        names.append(item.name)
    async for item in Item.objects.filter(active=False):
        names.append(item.name)
    return JsonResponse({"names": names})


def item_count(request):
    return JsonResponse({"count": Item.objects.count()})
