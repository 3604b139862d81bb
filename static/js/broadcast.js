// The host's side of the video: camera + MediaRecorder chunks over /live, OBS over SRT,
// premiere uploads with a progress bar, and ending the broadcast.
import { request } from "/static/js/live.js";

// H.264 first: the server then copies the video instead of re-encoding it.
const RECORDING_TYPES = [
  "video/webm;codecs=h264,opus",
  "video/mp4;codecs=avc1.42E01E,mp4a.40.2",
  "video/webm;codecs=vp8,opus",
  "video/webm",
];
const CHUNK_MS = 250;

export function setUpBroadcast({ config, socket, preview, notice, onRoom }) {
  const t = config.strings;
  const $ = (id) => document.getElementById(id);
  let recorder = null;
  let camera = null;

  async function api(path, body) {
    const response = await fetch(`/api/v1/rooms/${config.room_id}${path}`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": config.csrf_token },
      body: JSON.stringify(body || {}),
    });
    const data = await response.json();
    if (!response.ok) throw new Error(data.error.message);
    onRoom(data);
    return data;
  }

  async function goCamera() {
    const mimeType = RECORDING_TYPES.find((type) => window.MediaRecorder && MediaRecorder.isTypeSupported(type));
    if (!mimeType) return notice(t.no_recorder);
    try {
      camera = await navigator.mediaDevices.getUserMedia({
        video: { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } },
        audio: true,
      });
    } catch (error) {
      return notice(`${t.camera_denied} (${error.name})`);
    }
    preview.srcObject = camera;
    preview.play().catch(() => {});
    try {
      await api("/live", { source: "browser" });
    } catch (error) {
      stopCamera();
      return notice(error.message);
    }
    recorder = new MediaRecorder(camera, {
      mimeType,
      videoBitsPerSecond: 2_500_000,
      // One keyframe per segment, so the server can cut segments without re-encoding.
      videoKeyFrameIntervalDuration: config.profile.name === "standard" ? 4000 : 1000,
    });
    const meta = { room_id: config.room_id, mime_type: recorder.mimeType || mimeType };
    // Chunks must reach ffmpeg in recording order: each waits for the one before it.
    let sending = Promise.resolve();
    recorder.ondataavailable = (event) => {
      if (!event.data.size) return;
      sending = sending.then(async () => {
        const chunk = await event.data.arrayBuffer();
        socket.emit("media", meta, chunk, (reply) => {
          if (reply && !reply.ok) notice(reply.error.message);
        });
      });
    };
    recorder.start(CHUNK_MS);
  }

  function stopCamera() {
    if (recorder && recorder.state !== "inactive") recorder.stop();
    recorder = null;
    if (camera) camera.getTracks().forEach((track) => track.stop());
    camera = null;
    preview.srcObject = null;
  }

  async function goSrt() {
    try {
      const room = await api("/live", { source: "srt" });
      showSrt(room);
    } catch (error) {
      notice(error.message);
    }
  }

  function showSrt(room) {
    const url = room.ingest && room.ingest.srt_url;
    $("srt-box").hidden = !url;
    $("srt-url").value = url || "";
  }

  async function end() {
    stopCamera();
    try {
      await api("/end");
    } catch (error) {
      notice(error.message);
    }
  }

  function upload(event) {
    event.preventDefault();
    const file = $("upload-file").files[0];
    if (!file) return;
    const form = new FormData();
    form.append("video", file);
    const at = $("upload-at").value;
    if (at) form.append("premiere_at", new Date(at).toISOString());
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `/api/v1/rooms/${config.room_id}/uploads`);
    xhr.setRequestHeader("X-CSRFToken", config.csrf_token);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) $("upload-progress").value = Math.round((100 * e.loaded) / e.total);
    };
    xhr.onload = async () => {
      $("upload-progress").hidden = true;
      const data = JSON.parse(xhr.responseText || "{}");
      if (xhr.status !== 201) {
        $("upload-status").textContent = data.error ? data.error.message : `HTTP ${xhr.status}`;
        return;
      }
      $("upload-status").textContent = t.uploaded;
      try {
        await api("/live", { source: "file", upload_id: data.id });
      } catch (error) {
        $("upload-status").textContent = error.message;
      }
    };
    xhr.onerror = () => ($("upload-status").textContent = "Network error");
    $("upload-progress").hidden = false;
    $("upload-progress").value = 0;
    $("upload-status").textContent = t.uploading;
    xhr.send(form);
  }

  $("go-camera").addEventListener("click", goCamera);
  $("go-srt").addEventListener("click", goSrt);
  $("end-broadcast").addEventListener("click", end);
  $("upload-form").addEventListener("submit", upload);
  return { showSrt, stopCamera, isRecording: () => recorder !== null };
}

export { request };
