// A replay: the recording plays and each job card appears at the second it was pushed live.
// Sign-ups here are recorded with the source "replay".
import { el, jobCard, readConfig, toast } from "/static/js/live.js";
import { createPlayer } from "/static/js/player.js";

const config = readConfig("replay-config");
const t = config.strings;
const $ = (id) => document.getElementById(id);
const notice = toast($("notice"));
const video = $("player");
const player = createPlayer(video, { hlsjs: {} });
const cards = config.cards; // oldest first, each with stream_offset_ms
const signedUp = new Set();
const counts = {};
let shown = null;
let waitingForIdentity = null;

player.load(config.replay_url);

function clock(ms) {
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

function currentCard() {
  const now = video.currentTime * 1000;
  let current = null;
  for (const card of cards) if (card.stream_offset_ms <= now) current = card;
  return current;
}

function signupButton(job) {
  const done = signedUp.has(job.id);
  return el("button", { type: "button", class: `primary signup${done ? " done" : ""}`, onclick: () => tap(job.id) }, done ? t.signed_up : t.sign_up);
}

function render() {
  const pinned = $("pinned");
  if (shown) {
    pinned.replaceChildren(jobCard(shown.job, t, { count: counts[shown.job.id] || 0, action: signupButton(shown.job) }));
    pinned.hidden = false;
  } else {
    pinned.hidden = true;
  }
}

video.addEventListener("timeupdate", () => {
  const card = currentCard();
  if ((card && card.card_id) !== (shown && shown.card_id)) {
    shown = card;
    render();
  }
});

$("timeline").replaceChildren(
  ...cards.map((card) =>
    el("li", {}, el("button", { type: "button", class: "link", onclick: () => { video.currentTime = card.stream_offset_ms / 1000; video.play(); } }, clock(card.stream_offset_ms)), " ", card.job.title),
  ),
);

async function post(path, body, method = "POST") {
  const response = await fetch(path, {
    method,
    headers: { "Content-Type": "application/json", "X-CSRFToken": config.csrf_token },
    body: JSON.stringify(body),
  });
  return { ok: response.ok, body: await response.json() };
}

async function tap(jobId) {
  const reply = await post(`/api/v1/fairs/${config.fair_id}/signups`, { job_id: jobId, source: "replay", room_id: config.room_id });
  if (reply.ok) {
    signedUp.add(jobId);
    counts[jobId] = reply.body.count;
    render();
  } else if (reply.body.error.fields.identity) {
    waitingForIdentity = jobId;
    $("identity").hidden = false;
  } else {
    notice(reply.body.error.message);
  }
}

$("identity-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const reply = await post("/api/v1/identity", { name: $("identity-name").value, mobile: $("identity-mobile").value });
  if (!reply.ok) {
    $("identity-error").textContent = Object.values(reply.body.error.fields).join(" ") || reply.body.error.message;
    return;
  }
  $("identity").hidden = true;
  if (waitingForIdentity) tap(waitingForIdentity);
  waitingForIdentity = null;
});
$("identity-cancel").addEventListener("click", () => ($("identity").hidden = true));

fetch(`/api/v1/fairs/${config.fair_id}/signups/mine`).then((r) => r.json()).then((mine) => {
  mine.job_ids.forEach((id) => signedUp.add(id));
  render();
});

