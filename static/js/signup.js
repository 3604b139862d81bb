// Sign-ups made over HTTP (the fair page, a replay), with the inline sign-in by mobile number
// and code the first time; the tap that asked for it is sent as soon as the person is signed in.
import { phoneSignIn } from "/static/js/phone_sign_in.js";

export function pageSignUps({ fairId, csrfToken, source, roomId = null, notice, onChange }) {
  const $ = (id) => document.getElementById(id);
  const signedUp = new Set();
  const counts = {};
  let waiting = null;

  async function post(path, body) {
    const response = await fetch(path, {
      method: "POST",
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
    } else if (reply.body.error.fields.identity) {
      waiting = jobId;
      $("identity").hidden = false;
      $("identity").querySelector('[data-field="mobile"]').focus();
    } else {
      notice(reply.body.error.message);
    }
  }

  phoneSignIn($("identity").querySelector("form"), {
    csrfToken,
    onSignedIn: () => {
      $("identity").hidden = true;
      const jobId = waiting;
      waiting = null;
      if (jobId) tap(jobId);
    },
    onCancel: () => {
      waiting = null;
      $("identity").hidden = true;
    },
  });

  fetch(`/api/v1/fairs/${fairId}/signups/mine`)
    .then((response) => response.json())
    .then((mine) => {
      mine.job_ids.forEach((id) => signedUp.add(id));
      onChange();
    });

  return { tap, signedUp, counts };
}
