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
// While the room is in one of these, it is on air (or about to be): only "end" applies.
const OPEN_STATUSES = ["waiting", "live", "reconnecting"];

export function setUpBroadcast({ config, socket, preview, notice, onRoom }) {
  const t = config.strings;
  const $ = (id) => document.getElementById(id);
  let recorder = null;
  let camera = null;
  let starting = false;
  let roomStatus = config.status;
  let uploading = null; // the premiere upload in flight (its XMLHttpRequest)

  // The buttons say what can be done now: a second "go live" would replace the running camera.
  function refreshButtons() {
    const open = starting || OPEN_STATUSES.includes(roomStatus);
    $("go-camera").disabled = open;
    $("go-srt").disabled = open;
    $("upload-submit").disabled = open || uploading !== null;
    $("end-broadcast").disabled = !OPEN_STATUSES.includes(roomStatus) && recorder === null;
  }

  function setStatus(status) {
    roomStatus = status;
    refreshButtons();
  }

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
    // A click while starting or on air changes nothing: the running broadcast goes on.
    if (starting || recorder !== null || OPEN_STATUSES.includes(roomStatus)) return;
    const mimeType = RECORDING_TYPES.find((type) => window.MediaRecorder && MediaRecorder.isTypeSupported(type));
    if (!mimeType) return notice(t.no_recorder);
    starting = true;
    refreshButtons();
    try {
      await startCamera(mimeType);
    } finally {
      starting = false;
      refreshButtons();
    }
  }

  async function startCamera(mimeType) {
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        video: { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } },
        audio: true,
      });
    } catch (error) {
      return notice(`${t.camera_denied} (${error.name})`);
    }
    try {
      await api("/live", { source: "browser" });
    } catch (error) {
      // Only this attempt's camera is released; nothing else was started.
      stream.getTracks().forEach((track) => track.stop());
      return notice(error.message);
    }
    camera = stream;
    preview.srcObject = camera;
    preview.play().catch(() => {});
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
    if (starting || OPEN_STATUSES.includes(roomStatus)) return;
    starting = true;
    refreshButtons();
    try {
      const room = await api("/live", { source: "srt" });
      showSrt(room);
    } catch (error) {
      notice(error.message);
    } finally {
      starting = false;
      refreshButtons();
    }
  }

  function showSrt(room) {
    const url = room.ingest && room.ingest.srt_url;
    $("srt-box").hidden = !url;
    $("srt-url").value = url || "";
  }

  async function end() {
    stopCamera();
    refreshButtons();
    try {
      await api("/end");
    } catch (error) {
      notice(error.message);
    }
  }

  function upload(event) {
    event.preventDefault();
    const file = $("upload-file").files[0];
    if (!file || uploading !== null) return;
    const form = new FormData();
    form.append("video", file);
    const at = $("upload-at").value;
    if (at) form.append("premiere_at", new Date(at).toISOString());
    const xhr = new XMLHttpRequest();
    uploading = xhr;
    const done = (message) => {
      uploading = null;
      $("upload-progress").hidden = true;
      $("upload-cancel").hidden = true;
      $("upload-status").textContent = message;
      refreshButtons();
    };
    xhr.open("POST", `/api/v1/rooms/${config.room_id}/uploads`);
    xhr.setRequestHeader("X-CSRFToken", config.csrf_token);
    xhr.upload.onprogress = (e) => {
      if (!e.lengthComputable) return;
      const percent = Math.floor((100 * e.loaded) / e.total);
      $("upload-progress").value = percent;
      $("upload-status").textContent = `${t.uploading} ${percent}%`;
    };
    xhr.onload = async () => {
      let data = {};
      try {
        data = JSON.parse(xhr.responseText || "{}");
      } catch {
        data = {};
      }
      if (xhr.status !== 201) return done(data.error ? data.error.message : `${t.upload_failed} (HTTP ${xhr.status})`);
      done(t.uploaded);
      try {
        await api("/live", { source: "file", upload_id: data.id });
      } catch (error) {
        $("upload-status").textContent = error.message;
      }
    };
    xhr.onerror = () => done(t.upload_failed);
    xhr.onabort = () => done(t.upload_cancelled);
    $("upload-progress").hidden = false;
    $("upload-progress").value = 0;
    $("upload-cancel").hidden = false;
    $("upload-status").textContent = t.uploading;
    refreshButtons();
    xhr.send(form);
  }

  function cancelUpload() {
    if (uploading !== null) uploading.abort();
  }

  $("go-camera").addEventListener("click", goCamera);
  $("go-srt").addEventListener("click", goSrt);
  $("end-broadcast").addEventListener("click", end);
  $("upload-form").addEventListener("submit", upload);
  $("upload-cancel").addEventListener("click", cancelUpload);
  refreshButtons();
  return { showSrt, stopCamera, setStatus, isRecording: () => recorder !== null };
}

export { request };
