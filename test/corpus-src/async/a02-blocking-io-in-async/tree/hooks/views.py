import asyncio
import time

import httpx
import requests
from django.http import JsonResponse


async def forward(request):
    requests.post("https://example.com/hook", json={"ok": True})  #!E:async -- blocks the event loop
    time.sleep(1)  #!E:async -- blocks the event loop
    return JsonResponse({})


async def forward_fixed(request):
    async with httpx.AsyncClient() as client:
        await client.post("https://example.com/hook", json={"ok": True})  #!N -- async client
    await asyncio.sleep(1)  #!N -- async sleep
    return JsonResponse({})


def forward_sync(request):
    requests.post("https://example.com/hook", json={})  #!N -- sync view may block
    return JsonResponse({})
