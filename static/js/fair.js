// The public fair page: "sign up / I'm interested" on every job, recorded with the source "page".
import { readConfig, toast } from "/static/js/live.js";
import { pageSignUps } from "/static/js/signup.js";

const config = readConfig("fair-config");
const t = config.strings;
const buttons = [...document.querySelectorAll("button.signup[data-job-id]")];
const signups = pageSignUps({
  fairId: config.fair_id,
  csrfToken: config.csrf_token,
  source: "page",
  notice: toast(document.getElementById("notice")),
  onChange: render,
  strings: t,
});
const withdrawals = [...document.querySelectorAll("button.withdraw[data-job-id]")];

function render() {
  for (const [jobId, count] of Object.entries(signups.counts)) {
    document.dispatchEvent(new CustomEvent("faircast:count", { detail: { job_id: jobId, count } }));
  }
  for (const button of buttons) {
    const done = signups.signedUp.has(button.dataset.jobId);
    button.classList.toggle("done", done);
    button.textContent = done ? t.signed_up : t.sign_up;
  }
  for (const button of withdrawals) button.hidden = !signups.signedUp.has(button.dataset.jobId);
}

for (const button of buttons) button.addEventListener("click", () => signups.tap(button.dataset.jobId));
for (const button of withdrawals) button.addEventListener("click", () => signups.withdraw(button.dataset.jobId));
