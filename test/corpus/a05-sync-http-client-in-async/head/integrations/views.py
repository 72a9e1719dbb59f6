import httpx
from django.http import JsonResponse


async def rates(request):
    response = httpx.get("https://api.example.com/rates")
    return JsonResponse(response.json())


async def rates_fixed(request):
    async with httpx.AsyncClient() as client:
        response = await client.get("https://api.example.com/rates")
    return JsonResponse(response.json())
