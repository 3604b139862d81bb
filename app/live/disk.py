"""The media disk: a broadcast stops with a clear error before the disk fills up.

ffmpeg keeps running when it cannot write, so without this check a room would only say
"reconnecting" until its limits ran out.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from app.errors import N_

# Broadcasts stop when free space under the media folder falls below the smaller of these.
MIN_FREE_BYTES = 64 * 1024 * 1024
MIN_FREE_SHARE = 0.05
DISK_FULL_MESSAGE = N_(
    "The disk that holds the video is full; the broadcast was stopped. "
    "Free space, then go live again."
)


def disk_full(media_dir: Path) -> bool:
    """Less free space under the media folder than a broadcast needs to go on."""
    media_dir.mkdir(parents=True, exist_ok=True)
    usage = shutil.disk_usage(media_dir)
    return usage.free < min(MIN_FREE_BYTES, usage.total * MIN_FREE_SHARE)


def check_disk(streams) -> None:
    """Stop this process's broadcasts with a clear error when the media disk is full."""
    active = streams.active_rooms()
    if not active or not disk_full(streams.media_dir):
        return
    for room_id in active:
        streams.stop_with_error(room_id, DISK_FULL_MESSAGE)
