// A replay: the recording plays and each job card appears at the second it was pushed live.
// Sign-ups here are recorded with the source "replay".
import { followCounts } from "/static/js/counts.js";
import { el, jobCard, readConfig, toast } from "/static/js/live.js";
import { createPlayer } from "/static/js/player.js";
import { pageSignUps } from "/static/js/signup.js";

const config = readConfig("replay-config");
const t = config.strings;
const $ = (id) => document.getElementById(id);
const notice = toast($("notice"));
const video = $("player");
const player = createPlayer(video, { hlsjs: {} });
const cards = config.cards; // oldest first, each with stream_offset_ms
let shown = null;
const signups = pageSignUps({
  fairId: config.fair_id, csrfToken: config.csrf_token, source: "replay", roomId: config.room_id,
  notice, onChange: () => render(), strings: t,
});

// Counts come with the page and are read again now and then (a tap's reply updates its own).
Object.assign(signups.counts, config.counts);
followCounts(config.fair_id, (counts) => {
  Object.assign(signups.counts, counts);
  render();
});

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
  const done = signups.signedUp.has(job.id);
  const button = el("button", { type: "button", class: `primary signup${done ? " done" : ""}`, onclick: () => signups.tap(job.id) }, done ? t.signed_up : t.sign_up);
  if (!done) return button;
  const withdraw = el("button", { type: "button", class: "link withdraw", onclick: () => signups.withdraw(job.id) }, t.withdraw);
  return el("span", { class: "signup-actions" }, button, " ", withdraw);
}

function render() {
  const pinned = $("pinned");
  if (shown) {
    pinned.replaceChildren(jobCard(shown.job, t, { count: signups.counts[shown.job.id] || 0, action: signupButton(shown.job) }));
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


