import asyncio
import time

import httpx
import requests
from django.http import JsonResponse


async def forward(request):
    requests.post("https://example.com/hook", json={"ok": True})
    time.sleep(1)
    return JsonResponse({})


async def forward_fixed(request):
    async with httpx.AsyncClient() as client:
        await client.post("https://example.com/hook", json={"ok": True})
    await asyncio.sleep(1)
    return JsonResponse({})


def forward_sync(request):
    requests.post("https://example.com/hook", json={})
    return JsonResponse({})
