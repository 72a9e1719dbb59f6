from asgiref.sync import sync_to_async

from stats.models import Event


async def event_count():
    return Event.objects.acount()


async def record(kind):
    Event.objects.acreate(kind=kind)
    await Event.objects.acreate(kind="audit")


async def total():
    count = await Event.objects.acount()
    legacy = await sync_to_async(compute_legacy)()
    return count + legacy


def compute_legacy():
    return 0
