import json

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from chat.models import Message


class ChatConsumer(AsyncWebsocketConsumer):
    async def receive(self, text_data=None, bytes_data=None):
        data = json.loads(text_data)
        Message.objects.create(room=self.room, body=data["body"])  #!E:async -- sync ORM in a consumer
        await self.send(text_data=json.dumps({"ok": True}))

    async def history(self):
        messages = await database_sync_to_async(self.load_history)()  #!N -- wrapped
        await self.send(text_data=json.dumps(messages))

    def load_history(self):
        return list(Message.objects.filter(room=self.room).values("body")[:50])  #!N -- sync helper run in a thread
