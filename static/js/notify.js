// A seeker's pages: new messages arrive as toasts (and at the top of the notification centre);
// a button turns on browser push for this browser.
import { io } from "/vendor/socket.io.esm.min.js";

const socket = io("/live", { transports: ["websocket", "polling"], reconnectionDelayMax: 4000 });
const box = document.createElement("div");
box.id = "toasts";
box.className = "toasts";
box.setAttribute("role", "status");
document.body.append(box);

socket.on("notification", (note) => {
  const toast = document.createElement("a");
  toast.className = "toast-note";
  toast.href = note.url;
  toast.textContent = note.title;
  box.prepend(toast);
  setTimeout(() => toast.remove(), 20000);
  const list = document.getElementById("notifications");
  if (!list) return;
  list.querySelector(".empty")?.remove();
  const item = document.createElement("li");
  item.className = "note unread";
  const link = document.createElement("a");
  link.href = note.url;
  const title = document.createElement("strong");
  title.textContent = note.title;
  const body = document.createElement("small");
  body.textContent = note.body;
  link.append(title);
  item.append(link, document.createElement("br"), body);
  list.prepend(item);
});

function base64ToBytes(text) {
  const padded = (text + "===".slice((text.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
}

async function enablePush() {
  const registration = await navigator.serviceWorker.register("/sw.js", { scope: "/" });
  const { public_key } = await (await fetch("/api/v1/push/key")).json();
  const subscription = await registration.pushManager.subscribe({
    userVisibleOnly: true,
    applicationServerKey: base64ToBytes(public_key),
  });
  const { endpoint, keys } = subscription.toJSON();
  const csrf = document.querySelector('meta[name="csrf-token"]')?.content || "";
  await fetch("/api/v1/me/push-subscriptions", {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
    body: JSON.stringify({ endpoint, keys: { p256dh: keys.p256dh, auth: keys.auth } }),
  });
}

const button = document.getElementById("enable-push");
if (button && "serviceWorker" in navigator && "PushManager" in window) {
  button.hidden = false;
  button.addEventListener("click", () => {
    enablePush().then(() => { button.hidden = true; }, () => { button.disabled = true; });
  });
}
