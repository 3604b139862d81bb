"""Every /live event name in one place: what clients send, and what the server sends them."""

NAMESPACE = "/live"

# Client -> server (each is acknowledged with {ok: true, ...} or {ok: false, error}).
JOIN = "join"
LEAVE = "leave"
PUSH_CARD = "push_card"
UNPIN_CARD = "unpin_card"
SIGN_UP = "sign_up"
WITHDRAW = "withdraw"
IDENTIFY = "identify"
CHAT = "chat"  # also server -> client: a chat line in the room
MODERATE = "moderate"
MEDIA = "media"  # a binary chunk of the host's browser recording

# Server -> client.
STATE = "state"
CARD = "card"
CARD_UNPINNED = "card_unpinned"
COUNTS = "counts"
CHAT_DELETED = "chat_deleted"
STREAM = "stream"
NOTIFICATION = "notification"  # a new message for the connected person (a toast)
