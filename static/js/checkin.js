// The check-in desk and the booth page: read a ticket's QR code from the camera (jsQR on video
// frames drawn into a canvas) or take a typed code or mobile number, ask the server, and show
// who it is in large type. The server decides everything; several devices may work at once.
import { el, readConfig } from "/static/js/live.js";

const config = readConfig("checkin-config");
const t = config.strings;
const $ = (id) => document.getElementById(id);

const MOBILE = /^(?:\+?86|0086)?(1[3-9]\d{9})$/;
const SCAN_INTERVAL_MS = 120; // about 8 frames a second: quick enough, easy on a phone
const SAME_CODE_PAUSE_MS = 5000; // a ticket held in front of the camera is read once
const MAX_FRAME_SIDE = 640; // smaller frames decode faster; a ticket still fills enough pixels
const COUNTS_EVERY_MS = 10000;

let busy = false;
let stream = null;
let lastScan = { text: "", at: 0 };

// What was typed or scanned: an 11-digit mainland mobile number, or else a ticket code (the
// server accepts the code in any case, with a dash, or the whole link the QR code carries).
export function classify(text) {
  const compact = text.replace(/[\s\-()]/g, "");
  const mobile = compact.match(MOBILE);
  return mobile ? { mobile: mobile[1] } : { ticket_code: text.trim() };
}

function masked(mobile) {
  return mobile && mobile.length === 11 ? `${mobile.slice(0, 3)}****${mobile.slice(7)}` : mobile || "";
}

function personLine(person) {
  return person ? `${person.name} · ${masked(person.mobile)}` : "";
}

// The time part of an ISO time given in the fair's zone (so the device's zone does not matter).
function clock(iso) {
  return typeof iso === "string" && iso.length >= 16 ? iso.slice(11, 16) : "";
}

async function post(url, body) {
  try {
    const response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": config.csrf_token },
      body: JSON.stringify(body),
    });
    const data = await response.json().catch(() => ({}));
    return { status: response.status, data };
  } catch (error) {
    return { status: 0, data: {} };
  }
}

function show(tone, headline, ...details) {
  const box = $("result");
  box.className = `result ${tone}`;
  box.dataset.tone = tone;
  box.replaceChildren(el("h2", {}, headline), ...details.filter(Boolean).map((line) => el("p", {}, line)));
  box.hidden = false;
  if (navigator.vibrate) navigator.vibrate(tone === "ok" ? 80 : [60, 60, 60]);
  remember(tone, headline, details[0] || "");
}

function remember(tone, headline, who) {
  const now = new Date();
  const time = `${String(now.getHours()).padStart(2, "0")}:${String(now.getMinutes()).padStart(2, "0")}`;
  $("recent").prepend(el("li", { class: tone }, `${time} · ${headline}${who ? ` · ${who}` : ""}`));
}

function showError(status, data) {
  if (status === 0) return show("bad", t.offline);
  const error = data.error || {};
  const fields = error.fields || {};
  const headline = t[error.code] || (status === 403 ? t.forbidden : t.error);
  const details = [fields.person];
  if (error.code === "already_checked_in") details.push(`${t.at} ${clock(fields.checked_in_at)}`);
  if (error.code === "wrong_fair") details.push(fields.fair);
  if (!t[error.code] && error.message) details.push(error.message);
  show(error.code === "already_checked_in" ? "warn" : "bad", headline, ...details);
}

async function checkIn(ref) {
  const { status, data } = await post(config.urls.checkins, ref);
  if (status === 201) {
    show("ok", `✓ ${t.checked_in}`, personLine(data.person));
    refreshCounts();
    return;
  }
  showError(status, data);
}

async function signUp(ref) {
  const select = $("job");
  const title = select.options[select.selectedIndex]?.textContent || "";
  const { status, data } = await post(config.urls.signups, { ...ref, job_id: select.value });
  if (status === 200) {
    show("ok", `✓ ${data.created ? t.signed_up : t.already_signed_up}`, personLine(data.person), `${title} · ${data.count} ${t.count}`);
    return;
  }
  showError(status, data);
}

async function submit(text) {
  if (busy || !text.trim()) return false;
  busy = true;
  try {
    const ref = classify(text);
    if (config.mode === "checkin") await checkIn(ref);
    else await signUp(ref);
    return true;
  } finally {
    busy = false;
  }
}

async function walkIn(name, mobile) {
  if (busy) return;
  busy = true;
  try {
    const registered = await post(config.urls.registrations, { name, mobile });
    if (registered.status !== 201) return showError(registered.status, registered.data);
    if (registered.data.status !== "confirmed") {
      show("warn", t.registered_waitlisted, personLine(registered.data.person));
      offerAdmission(registered.data);
      return;
    }
    await checkIn({ ticket_code: registered.data.ticket_code });
    $("walkin-form").reset();
  } finally {
    busy = false;
  }
}

// The fair is full: the organiser at the desk may let the walk-in in all the same.
function offerAdmission(registration) {
  const button = el("button", { type: "button", class: "primary", id: "admit" }, t.admit_over_capacity);
  button.addEventListener("click", async () => {
    if (busy) return;
    busy = true;
    try {
      const admitted = await post(config.urls.admit.replace("REGISTRATION_ID", registration.id), {});
      if (admitted.status !== 200) return showError(admitted.status, admitted.data);
      await checkIn({ ticket_code: admitted.data.ticket_code });
      $("walkin-form").reset();
      refreshCounts();
    } finally {
      busy = false;
    }
  });
  $("result").append(el("p", { class: "hint" }, t.admit_hint), button);
}

async function refreshCounts() {
  if (config.mode !== "checkin") return;
  try {
    const response = await fetch(config.urls.attendance, { credentials: "same-origin" });
    if (!response.ok) return;
    const counts = await response.json();
    if (counts.checked_in !== null) $("count-in").textContent = counts.checked_in;
    $("count-confirmed").textContent = counts.confirmed;
    $("count-waiting").textContent = counts.waitlisted;
    if ($("count-over")) $("count-over").textContent = counts.over_capacity;
  } catch (error) {
    // The next poll tries again.
  }
}

// Camera ------------------------------------------------------------------------------------

function cameraError() {
  $("camera-error").textContent = t.camera_unavailable;
  $("camera-error").hidden = false;
}

async function startCamera() {
  if (!navigator.mediaDevices?.getUserMedia || typeof window.jsQR !== "function") return cameraError();
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
  } catch (error) {
    return cameraError();
  }
  const video = $("camera");
  video.srcObject = stream;
  await video.play().catch(() => {});
  $("camera-box").hidden = false;
  $("scan-start").hidden = true;
  $("scan-stop").hidden = false;
  $("camera-error").hidden = true;
  setTimeout(scanFrame, SCAN_INTERVAL_MS);
}

function stopCamera() {
  if (stream) stream.getTracks().forEach((track) => track.stop());
  stream = null;
  $("camera").srcObject = null;
  $("camera-box").hidden = true;
  $("scan-start").hidden = false;
  $("scan-stop").hidden = true;
}

function scanFrame() {
  if (!stream) return;
  const video = $("camera");
  if (video.readyState >= video.HAVE_ENOUGH_DATA && video.videoWidth) {
    const scale = Math.min(1, MAX_FRAME_SIDE / Math.max(video.videoWidth, video.videoHeight));
    const canvas = $("frame");
    canvas.width = Math.round(video.videoWidth * scale);
    canvas.height = Math.round(video.videoHeight * scale);
    const context = canvas.getContext("2d", { willReadFrequently: true });
    context.drawImage(video, 0, 0, canvas.width, canvas.height);
    const image = context.getImageData(0, 0, canvas.width, canvas.height);
    const found = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
    const now = Date.now();
    if (found && found.data && !busy && (found.data !== lastScan.text || now - lastScan.at > SAME_CODE_PAUSE_MS)) {
      lastScan = { text: found.data, at: now };
      submit(found.data);
    }
  }
  setTimeout(scanFrame, SCAN_INTERVAL_MS);
}

// Wiring ------------------------------------------------------------------------------------

$("scan-start").addEventListener("click", startCamera);
$("scan-stop").addEventListener("click", stopCamera);
$("lookup").addEventListener("submit", async (event) => {
  event.preventDefault();
  const input = $("lookup-input");
  if (await submit(input.value)) {
    input.value = "";
    input.focus();
  }
});
$("walkin-form")?.addEventListener("submit", (event) => {
  event.preventDefault();
  walkIn($("walkin-name").value.trim(), $("walkin-mobile").value.trim());
});
// On a laptop the desk types; on a phone the keyboard would cover the camera.
if ($("lookup-input").value) $("lookup-submit").focus();
else if (!matchMedia("(pointer: coarse)").matches) $("lookup-input").focus();
if (config.mode === "checkin") setInterval(refreshCounts, COUNTS_EVERY_MS);
document.body.dataset.ready = "1";
