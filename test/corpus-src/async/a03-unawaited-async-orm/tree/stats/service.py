from asgiref.sync import sync_to_async

from stats.models import Event


async def event_count():
    return Event.objects.acount()  #!E:async -- returns a coroutine, never awaited


async def record(kind):
    Event.objects.acreate(kind=kind)  #!E:async -- coroutine dropped
    await Event.objects.acreate(kind="audit")  #!N -- awaited


async def total():
    count = await Event.objects.acount()  #!N -- awaited
    legacy = await sync_to_async(compute_legacy)()  #!N -- awaited
    return count + legacy


def compute_legacy():
    return 0
