// The host's cockpit: push the fair's jobs, watch sign-ups and viewers, moderate chat.
import { setUpBroadcast } from "/static/js/broadcast.js";
import { connectRoom, countsGate, el, jobCard, payText, readConfig, replyNotice, request, toast } from "/static/js/live.js";
import { createPlayer } from "/static/js/player.js";

const config = readConfig("cockpit-config");
const t = config.strings;
const $ = (id) => document.getElementById(id);
const notice = toast($("notice"));
const state = { jobs: [], cards: [], pinned: null, counts: {} };

const socket = connectRoom(config.room_id, {
  onState: (reply) => {
    const s = reply.state;
    state.jobs = reply.jobs || [];
    state.cards = s.cards;
    state.pinned = s.pinned;
    state.counts = s.counts;
    $("viewers").textContent = s.viewers;
    setStreamStatus(s.status, s.hls_url);
    render();
    $("chat-list").replaceChildren();
    reply.chat.forEach(addChat);
  },
  onStatus: (status) => {
    $("connection").textContent = status === "connected" ? "" : t.reconnecting;
    $("connection").hidden = status === "connected";
  },
});
const freshCounts = countsGate();
const preview = $("preview");
const player = createPlayer(preview, config.profile);
const broadcast = setUpBroadcast({
  config, socket, preview, notice,
  onRoom: (room) => setStreamStatus(room.status, room.hls_url),
});
fetch(`/api/v1/rooms/${config.room_id}`).then((r) => r.json()).then((room) => broadcast.showSrt(room));

socket.on("card", ({ card }) => {
  state.cards = [card, ...state.cards.filter((c) => c.card_id !== card.card_id)];
  state.pinned = card;
  render();
});
socket.on("card_unpinned", ({ card_id }) => {
  if (state.pinned && state.pinned.card_id === card_id) state.pinned = null;
  render();
});
socket.on("counts", (payload) => {
  if (!freshCounts(payload)) return;
  state.counts = payload.signups;
  $("viewers").textContent = payload.viewers;
  for (const node of document.querySelectorAll("[data-count-for]")) node.textContent = state.counts[node.dataset.countFor] || 0;
});
socket.on("chat", ({ message }) => addChat(message));
socket.on("chat_deleted", ({ message_id }) => document.querySelector(`[data-message-id="${CSS.escape(message_id)}"]`)?.remove());
socket.on("stream", (payload) => {
  setStreamStatus(payload.status, payload.hls_url);
  if (payload.error) notice(payload.error);
});

function setStreamStatus(status, hlsUrl) {
  $("stream-status").textContent = status === "live" ? t.live : t.stream[status] || status;
  $("stream-state").dataset.state = status;
  $("stream-state").textContent = t.stream[status] || "";
  $("stream-state").hidden = status === "live" || broadcast.isRecording();
  broadcast.setStatus(status);
  // The camera preview shows the host themself; otherwise show what viewers get.
  if (!broadcast.isRecording()) player.load(status === "live" || status === "reconnecting" ? hlsUrl : null);
  if (status === "ended") broadcast.stopCamera();
}

async function push(jobId) {
  const reply = await request(socket, "push_card", { room_id: config.room_id, job_id: jobId });
  if (replyNotice(reply)) notice(replyNotice(reply));
}

async function unpin(cardId) {
  const reply = await request(socket, "unpin_card", { room_id: config.room_id, card_id: cardId });
  if (replyNotice(reply)) notice(replyNotice(reply));
}

function count(jobId) {
  return el("span", { class: "count", dataset: { countFor: jobId } }, state.counts[jobId] || 0);
}

function render() {
  $("jobs").replaceChildren(
    ...state.jobs.map((job) =>
      el(
        "li",
        { dataset: { jobId: job.id } },
        el("div", {}, el("strong", {}, job.title), " · ", payText(job, t), " · ", job.district, " · ", count(job.id), " ", t.signed_up_count),
        el("button", { type: "button", class: "primary push", onclick: () => push(job.id) }, t.push),
      ),
    ),
  );
  const pinned = $("pinned");
  if (state.pinned) {
    const job = state.pinned.job;
    pinned.replaceChildren(
      jobCard(job, t, { count: state.counts[job.id] || 0, action: el("button", { type: "button", class: "unpin", onclick: () => unpin(state.pinned.card_id) }, t.unpin) }),
    );
  } else {
    pinned.replaceChildren(el("p", { class: "empty" }, "—"));
  }
  $("pushed").replaceChildren(
    ...state.cards.map((card) =>
      el("tr", {}, el("td", {}, card.job.title), el("td", {}, new Date(card.pushed_at).toLocaleTimeString()), el("td", {}, card.viewers_present), el("td", {}, count(card.job.id))),
    ),
  );
}

function addChat(message) {
  const moderate = (action) => async () => {
    const reply = await request(socket, "moderate", { room_id: config.room_id, action, target: message.id });
    if (replyNotice(reply)) notice(replyNotice(reply));
  };
  const tools = message.staff
    ? null
    : el(
        "span",
        { class: "tools" },
        el("button", { type: "button", class: "link", onclick: moderate("delete") }, t.delete),
        " ",
        el("button", { type: "button", class: "link", onclick: moderate("mute") }, t.mute),
      );
  $("chat-list").append(el("li", { dataset: { messageId: message.id }, class: message.staff ? "staff" : "" }, el("strong", {}, message.name), " ", el("span", {}, message.text), " ", tools));
  $("chat-list").scrollTop = $("chat-list").scrollHeight;
}

$("chat-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const reply = await request(socket, "chat", { room_id: config.room_id, text: $("chat-text").value });
  if (reply.ok) $("chat-text").value = "";
  if (replyNotice(reply)) notice(replyNotice(reply));
});

