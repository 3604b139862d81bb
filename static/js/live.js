// The /live connection shared by the room page and the cockpit: connect, join, resync.
import { io } from "/vendor/socket.io.esm.min.js";

const ACK_TIMEOUT_MS = 8000;

export function readConfig(id) {
  return JSON.parse(document.getElementById(id).textContent);
}

// Opens /live and (re)joins the room on every connect, so a client that lost its connection
// (network drop, server restart) always redraws from the server's state.
// A `state` sent by the server (after the link between servers came back) redraws the room
// the same way, keeping what only the join told (who the viewer is, the host's jobs).
export function connectRoom(roomId, { onState, onStatus }) {
  const socket = io("/live", { transports: ["websocket", "polling"], reconnectionDelayMax: 4000 });
  let joined = null;
  socket.on("connect", async () => {
    onStatus("connected");
    const reply = await request(socket, "join", { room_id: roomId });
    if (reply.ok) onState((joined = reply));
    else onStatus("error", reply.error);
  });
  socket.on("state", (state) => {
    if (joined && state.room_id === roomId) onState((joined = { ...joined, state, chat: state.chat }));
  });
  socket.on("disconnect", () => onStatus("disconnected"));
  socket.on("connect_error", () => onStatus("disconnected"));
  return socket;
}

// Emits with an acknowledgement; a lost connection or timeout comes back as {ok: false}.
export async function request(socket, event, data) {
  try {
    return await socket.timeout(ACK_TIMEOUT_MS).emitWithAck(event, data);
  } catch (error) {
    return { ok: false, error: { code: "timeout", message: String(error), fields: {} } };
  }
}

// What to tell the user about an acknowledgement: its error, or a warning that came with
// success (e.g. viewers on other servers may not see it yet); null when all went well.
export function replyNotice(reply) {
  if (!reply.ok) return reply.error.message;
  return reply.warning ? reply.warning.message : null;
}

// Keeps only counts newer than the last ones applied (several processes may send them).
export function countsGate() {
  let latest = 0;
  return (payload) => {
    if (payload.as_of && payload.as_of < latest) return false;
    latest = payload.as_of || latest;
    return true;
  };
}

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function payText(job, t) {
  const amount = (x) => Number(x).toString();
  const span = job.pay_min === job.pay_max ? amount(job.pay_min) : `${amount(job.pay_min)}–${amount(job.pay_max)}`;
  return `¥${span} / ${t.units[job.pay_unit] || job.pay_unit}`;
}

// A job card; every user-written field goes in as text, never as HTML.
export function jobCard(job, t, { count = 0, action = null } = {}) {
  const benefits = (job.benefits || []).map((b) => el("span", { class: "tag" }, t.benefits[b] || b));
  return el(
    "article",
    { class: "job-card live-card", dataset: { jobId: job.id } },
    el("p", { class: "employer-name" }, job.employer_name),
    el("h3", {}, job.title),
    el("p", { class: "pay" }, payText(job, t)),
    el(
      "dl",
      {},
      el("dt", {}, t.hours), el("dd", {}, job.shift || "—"),
      el("dt", {}, t.place), el("dd", {}, job.district),
      el("dt", {}, t.openings), el("dd", {}, job.headcount),
    ),
    benefits.length ? el("p", { class: "benefits" }, ...benefits) : null,
    job.requirements ? el("p", { class: "requirements" }, job.requirements) : null,
    el("p", { class: "signup-count" }, el("span", { class: "count", dataset: { countFor: job.id } }, count), " ", t.signed_up_count),
    action,
  );
}

// Shows a short message in the page's toast for a few seconds.
export function toast(box, duration = 4000) {
  let timer = null;
  return (text) => {
    box.textContent = text;
    box.hidden = false;
    clearTimeout(timer);
    timer = setTimeout(() => (box.hidden = true), duration);
  };
}
