// Plays a room's HLS: hls.js where the browser needs it, native HLS elsewhere (Safari, iOS).
import Hls from "/vendor/hls.min.mjs";

const RETRY_MS = 2000;

export function createPlayer(video, profile) {
  let hls = null;
  let source = null;
  let retry = null;

  function destroy() {
    clearTimeout(retry);
    if (hls) hls.destroy();
    hls = null;
  }

  function play() {
    video.play().catch(() => {
      // Autoplay with sound is refused until the viewer taps; muted playback is allowed.
      video.muted = true;
      video.play().catch(() => {});
    });
  }

  function load(url) {
    if (url === source) return;
    source = url;
    destroy();
    if (!url) {
      video.removeAttribute("src");
      video.load();
      return;
    }
    if (Hls.isSupported()) {
      hls = new Hls({ ...profile.hlsjs, enableWorker: true });
      hls.on(Hls.Events.MANIFEST_PARSED, play);
      hls.on(Hls.Events.ERROR, (_event, data) => {
        if (!data.fatal) return;
        if (data.type === Hls.ErrorTypes.MEDIA_ERROR) {
          hls.recoverMediaError();
          return;
        }
        // The playlist may not exist yet (first segment pending) or the network dropped.
        const again = source;
        destroy();
        source = null;
        retry = setTimeout(() => load(again), RETRY_MS);
      });
      hls.loadSource(url);
      hls.attachMedia(video);
    } else if (video.canPlayType("application/vnd.apple.mpegurl")) {
      video.src = url;
      play();
    }
  }

  // The wall-clock time (from EXT-X-PROGRAM-DATE-TIME) of the frame on screen, if known.
  function playingDate() {
    if (hls && hls.playingDate) return hls.playingDate.getTime();
    if (!hls && video.getStartDate && !Number.isNaN(video.getStartDate().getTime())) {
      return video.getStartDate().getTime() + video.currentTime * 1000;
    }
    return null;
  }

  return { load, playingDate, get playing() { return !!source && !video.paused; } };
}
