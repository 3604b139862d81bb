// Sign-ups made over HTTP (the fair page, a replay), with the inline name-and-number form the
// first time; the tap that asked for it is sent as soon as the person has said who they are.

export function pageSignUps({ fairId, csrfToken, source, roomId = null, notice, onChange, strings = {} }) {
  const $ = (id) => document.getElementById(id);
  const signedUp = new Set();
  const counts = {};
  let waiting = null;

  async function post(path, body, method = "POST") {
    const response = await fetch(path, {
      method,
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken },
      body: JSON.stringify(body),
    });
    return { ok: response.ok, body: await response.json() };
  }

  async function tap(jobId) {
    if (signedUp.has(jobId)) return;
    const reply = await post(`/api/v1/fairs/${fairId}/signups`, { job_id: jobId, source, room_id: roomId });
    if (reply.ok) {
      signedUp.add(jobId);
      counts[jobId] = reply.body.count;
      onChange();
      // The same confirmation as a sign-up in the live room.
      if (strings.thanks) notice(strings.thanks);
    } else if (reply.body.error.fields.identity) {
      waiting = jobId;
      $("identity").hidden = false;
      $("identity-name").focus();
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
    $("identity-error").textContent = "";
    const jobId = waiting;
    waiting = null;
    if (jobId) tap(jobId);
  });
  $("identity-cancel").addEventListener("click", () => {
    waiting = null;
    $("identity").hidden = true;
  });

  fetch(`/api/v1/fairs/${fairId}/signups/mine`)
    .then((response) => response.json())
    .then((mine) => {
      mine.job_ids.forEach((id) => signedUp.add(id));
      onChange();
    });

  // The person who signed up takes it back (the employer no longer sees them for this job).
  async function withdraw(jobId) {
    if (!signedUp.has(jobId)) return;
    const reply = await post(`/api/v1/fairs/${fairId}/signups/${encodeURIComponent(jobId)}`, undefined, "DELETE");
    if (!reply.ok) return notice(reply.body.error.message);
    signedUp.delete(jobId);
    counts[jobId] = reply.body.count;
    onChange();
    if (strings.withdrawn) notice(strings.withdrawn);
  }

  return { tap, withdraw, signedUp, counts };
}
