// Signing in with a mobile number and the code texted to it. The form is
// templates/accounts/_phone_sign_in.html; onSignedIn gets {token, seeker} once the code is right
// (the page's session is signed in by then), so the tap that asked for it can go on.

export function phoneSignIn(form, { csrfToken, onSignedIn, onCancel = null }) {
  const field = (name) => form.querySelector(`[data-field="${name}"]`);
  const sendButton = form.querySelector('[data-action="send"]');
  const status = form.querySelector("[data-status]");
  const error = form.querySelector("[data-error]");
  let timer = null;

  async function post(path, body, method = "POST") {
    const response = await fetch(path, {
      method,
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken },
      body: JSON.stringify(body),
    });
    let data = {};
    try {
      data = await response.json();
    } catch {
      data = { error: { message: form.dataset.failed, fields: {} } };
    }
    return { ok: response.ok, status: response.status, body: data };
  }

  function showError(reply) {
    const problem = reply.body.error || {};
    error.textContent = problem.message || form.dataset.failed;
  }

  function countDown(seconds) {
    clearInterval(timer);
    let left = seconds;
    sendButton.disabled = true;
    const tick = () => {
      if (left <= 0) {
        clearInterval(timer);
        sendButton.disabled = false;
        sendButton.textContent = form.dataset.send;
        return;
      }
      sendButton.textContent = form.dataset.wait.replace("{seconds}", left);
      left -= 1;
    };
    tick();
    timer = setInterval(tick, 1000);
  }

  sendButton.addEventListener("click", async () => {
    error.textContent = "";
    const mobile = field("mobile").value.trim();
    const reply = await post("/api/v1/auth/sms", { mobile });
    if (!reply.ok) {
      showError(reply);
      const retry = reply.body.error && reply.body.error.fields && reply.body.error.fields.retry_after;
      if (retry) countDown(Number(retry));
      return;
    }
    status.textContent = form.dataset.sent.replace("{mobile}", mobile);
    countDown(reply.body.retry_after_s);
    field("code").focus();
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    const reply = await post("/api/v1/auth/verify", {
      mobile: field("mobile").value.trim(),
      code: field("code").value.trim(),
      consent: field("consent").checked,
    });
    if (!reply.ok) {
      showError(reply);
      return;
    }
    const name = field("name") ? field("name").value.trim() : "";
    if (name && !reply.body.seeker.name) {
      const renamed = await post("/api/v1/me", { name }, "PATCH");
      if (renamed.ok) reply.body.seeker.name = renamed.body.name;
    }
    form.reset();
    status.textContent = "";
    onSignedIn(reply.body);
  });

  const cancel = form.querySelector('[data-action="cancel"]');
  if (cancel && onCancel) cancel.addEventListener("click", onCancel);
}
