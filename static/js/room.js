// The viewer's room page: pinned card with one-tap sign-up, card history, chat, live counts.
import { connectRoom, countsGate, el, jobCard, readConfig, request, toast } from "/static/js/live.js";
import { phoneSignIn } from "/static/js/phone_sign_in.js";
import { createPlayer } from "/static/js/player.js";

const config = readConfig("room-config");
const player = createPlayer(document.getElementById("player"), config.profile);
// A card shows when the video reaches the moment it was pushed (the host is talking about it),
// but never later than this after it arrived.
const MAX_CARD_DELAY_MS = 8000;
const heldCards = [];
const t = config.strings;
const $ = (id) => document.getElementById(id);
const notice = toast($("notice"));

const state = { me: { identified: false, signed_up: [] }, counts: {}, cards: [], pinned: null };
const pending = new Set(); // job ids whose sign-up tap has not been acknowledged yet
let waitingForIdentity = null; // the job whose tap asked for the name and number

const socket = connectRoom(config.room_id, {
  onState: applyJoin,
  onStatus: (status) => {
    $("connection").textContent = status === "connected" ? "" : t.reconnecting;
    $("connection").hidden = status === "connected";
  },
});
const freshCounts = countsGate();

socket.on("card", ({ card }) => {
  heldCards.push({ card, arrived: Date.now() });
  releaseCards();
});

function showCard(card) {
  state.cards = [card, ...state.cards.filter((c) => c.card_id !== card.card_id)];
  state.pinned = card;
  renderCards();
}

function releaseCards() {
  const shown = player.playing ? player.playingDate() : null;
  while (heldCards.length) {
    const { card, arrived } = heldCards[0];
    const due = shown === null || shown >= card.pushed_at || Date.now() - arrived >= MAX_CARD_DELAY_MS;
    if (!due) break;
    heldCards.shift();
    showCard(card);
  }
}
setInterval(releaseCards, 200);
socket.on("card_unpinned", ({ card_id }) => {
  if (state.pinned && state.pinned.card_id === card_id) state.pinned = null;
  state.cards = state.cards.map((c) => (c.card_id === card_id ? { ...c, pinned: false } : c));
  renderCards();
});
socket.on("counts", (payload) => {
  if (!freshCounts(payload)) return;
  state.counts = payload.signups;
  $("viewers").textContent = payload.viewers;
  renderCounts();
});
socket.on("chat", ({ message }) => addChat(message));
socket.on("chat_deleted", ({ message_id }) => document.querySelector(`[data-message-id="${CSS.escape(message_id)}"]`)?.remove());
socket.on("stream", (payload) => {
  setStreamStatus(payload.status, payload.hls_url);
  if (payload.replay_url) showReplayLink();
});

function applyJoin(reply) {
  const s = reply.state;
  state.me = reply.me;
  state.counts = s.counts;
  state.cards = s.cards;
  state.pinned = s.pinned;
  $("viewers").textContent = s.viewers;
  setStreamStatus(s.status, s.hls_url);
  heldCards.length = 0;
  renderCards();
  $("chat-list").replaceChildren();
  reply.chat.forEach(addChat);
  // Taps made while the connection was down are sent again now (sign-ups are idempotent).
  for (const jobId of pending) signUp(jobId);
}

function setStreamStatus(status, hlsUrl) {
  const overlay = $("stream-state");
  overlay.dataset.state = status;
  overlay.textContent = t.stream[status] || "";
  overlay.hidden = status === "live";
  if (status === "live" || status === "reconnecting") {
    if (hlsUrl) player.load(hlsUrl);
  } else {
    player.load(null);
  }
}

function showReplayLink() {
  $("replay-link").hidden = false;
}

function signupButton(job) {
  const done = state.me.signed_up.includes(job.id);
  return el(
    "button",
    { class: `primary signup${done ? " done" : ""}`, type: "button", dataset: { jobId: job.id }, onclick: () => tap(job.id) },
    done ? t.signed_up : pending.has(job.id) ? t.sending : t.sign_up,
  );
}

function renderCards() {
  const pinned = $("pinned");
  if (state.pinned) {
    const job = state.pinned.job;
    pinned.replaceChildren(el("p", { class: "pinned-label" }, t.now_presenting), jobCard(job, t, { count: state.counts[job.id] || 0, action: signupButton(job) }));
    pinned.hidden = false;
  } else {
    pinned.replaceChildren();
    pinned.hidden = true;
  }
  const history = $("history");
  history.replaceChildren(
    ...state.cards.map((card) => jobCard(card.job, t, { count: state.counts[card.job.id] || 0, action: signupButton(card.job) })),
  );
  $("history-empty").hidden = state.cards.length > 0;
}

function renderCounts() {
  for (const node of document.querySelectorAll("[data-count-for]")) {
    node.textContent = state.counts[node.dataset.countFor] || 0;
  }
}

async function tap(jobId) {
  if (state.me.signed_up.includes(jobId)) return;
  if (!state.me.identified) {
    waitingForIdentity = jobId;
    $("identity").hidden = false;
    $("identity").querySelector('[data-field="mobile"]').focus();
    return;
  }
  signUp(jobId);
}

async function signUp(jobId) {
  pending.add(jobId);
  renderCards();
  const reply = await request(socket, "sign_up", { room_id: config.room_id, job_id: jobId });
  if (reply.ok) {
    pending.delete(jobId);
    if (!state.me.signed_up.includes(jobId)) state.me.signed_up.push(jobId);
    state.counts[jobId] = Math.max(state.counts[jobId] || 0, reply.count);
    notice(t.thanks);
  } else if (reply.error.code !== "timeout") {
    pending.delete(jobId);
    if (reply.error.fields && reply.error.fields.identity) {
      state.me.identified = false;
      waitingForIdentity = jobId;
      $("identity").hidden = false;
    } else notice(reply.error.message);
  }
  // On a timeout the tap stays pending and is sent again after the next join.
  renderCards();
}

phoneSignIn($("identity").querySelector("form"), {
  csrfToken: config.csrf_token,
  // The connection becomes the seeker too (its handshake was anonymous).
  onSignedIn: async ({ token }) => {
    const reply = await request(socket, "identify", { token });
    if (!reply.ok) {
      notice(reply.error.message);
      return;
    }
    state.me.identified = true;
    $("identity").hidden = true;
    if (waitingForIdentity) {
      const jobId = waitingForIdentity;
      waitingForIdentity = null;
      signUp(jobId);
    }
  },
  onCancel: () => {
    waitingForIdentity = null;
    $("identity").hidden = true;
  },
});

function addChat(message) {
  const line = el(
    "li",
    { dataset: { messageId: message.id }, class: message.staff ? "staff" : "" },
    el("strong", {}, message.name),
    " ",
    el("span", {}, message.text),
  );
  $("chat-list").append(line);
  $("chat-list").scrollTop = $("chat-list").scrollHeight;
}

$("chat-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const input = $("chat-text");
  if (!state.me.identified && !state.me.role) {
    waitingForIdentity = null;
    $("identity").hidden = false;
    return;
  }
  const reply = await request(socket, "chat", { room_id: config.room_id, text: input.value });
  if (reply.ok) input.value = "";
  else notice(reply.error.message);
});

