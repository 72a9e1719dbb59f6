import httpx
from django.http import JsonResponse


async def rates(request):
    response = httpx.get("https://api.example.com/rates")  #!E:async -- sync client in async view
    return JsonResponse(response.json())


async def rates_fixed(request):
    async with httpx.AsyncClient() as client:
        response = await client.get("https://api.example.com/rates")  #!N -- async client
    return JsonResponse(response.json())
