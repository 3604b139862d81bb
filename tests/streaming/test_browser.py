"""A real MediaRecorder in headless Chromium streams its chunks into the supervisor."""

from __future__ import annotations

import base64

import pytest

from streaming import AUDIO, ENDED, LIVE, MAIN, BrowserSource, read_media_playlist, video_mode
from tests.fixtures.media import check_master, check_media_playlist

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# `browser` is the shared Chromium of tests/conftest.py: one Playwright per test run.
RECORD_MS = 6000
H264 = "video/webm;codecs=h264,opus"
VP8 = "video/webm;codecs=vp8,opus"

# What the host cockpit does: camera + microphone, MediaRecorder with a keyframe each second
# (one per low-latency segment), a chunk every 250 ms handed to the server.
PAGE = b"""<!doctype html><meta charset="utf-8"><title>recorder</title><script>
window.supported = (t) => MediaRecorder.isTypeSupported(t);
window.record = async (mime, ms) => {
  const stream = await navigator.mediaDevices.getUserMedia(
    {video: {width: 1280, height: 720, frameRate: 30}, audio: true});
  const rec = new MediaRecorder(stream, {mimeType: mime, videoBitsPerSecond: 2500000,
                                         videoKeyFrameIntervalDuration: 1000});
  rec.ondataavailable = async (e) => {
    const bytes = new Uint8Array(await e.data.arrayBuffer());
    let s = ''; for (const b of bytes) s += String.fromCharCode(b);
    await window.sendChunk(btoa(s));
  };
  rec.start(250);
  await new Promise((r) => setTimeout(r, ms));
  await new Promise((r) => { rec.onstop = r; rec.stop(); });
  stream.getTracks().forEach((t) => t.stop());
  return rec.mimeType;
};
</script>"""


# The page is answered by the browser itself (no server thread to start or stop); an address on
# 127.0.0.1 is a secure context, so the camera may be used.
PAGE_URL = "http://127.0.0.1:9/recorder"


@pytest.mark.parametrize(("mime", "mode"), [(H264, "copy"), (VP8, "transcode")])
def test_mediarecorder_chunks_become_playable_hls(
    browser, make_supervisor, status_log, media_dir, ffmpeg_bin, mime, mode
):
    page = browser.new_page()
    page.route(
        PAGE_URL, lambda route: route.fulfill(status=200, content_type="text/html", body=PAGE)
    )
    page.goto(PAGE_URL)
    if not page.evaluate("(t) => supported(t)", mime):
        pytest.skip(f"this Chromium does not record {mime}")
    sup = make_supervisor()
    room = f"browser-{mode}"
    state = sup.start(room, BrowserSource(mime))
    assert state.video == mode
    chunks = []

    def send_chunk(data: str) -> None:
        chunk = base64.b64decode(data)
        chunks.append(len(chunk))
        sup.feed(room, chunk)

    page.expose_function("sendChunk", send_chunk)
    recorded = page.evaluate("([m, ms]) => record(m, ms)", [mime, RECORD_MS])
    page.close()
    # Chromium reports H.264 WebM as video/x-matroska;codecs=avc1,opus: same decision.
    assert video_mode(BrowserSource(recorded)) == mode
    assert len(chunks) > 10
    status_log.wait_for(room, LIVE, 5)
    final = sup.stop(room)
    assert final.status == ENDED
    check_master(ffmpeg_bin, media_dir / final.paths["hls"], (MAIN, AUDIO))
    main = read_media_playlist(media_dir / final.paths["hls_main"])
    # The recorder's 1 s keyframes (copy) or the forced ones (transcode) cut 1 s segments.
    assert max(s.duration for s in main.segments) < 1.6
    assert check_media_playlist(ffmpeg_bin, media_dir / final.paths["replay"]) > 3
