// /login: a job seeker signs in with their mobile number and a code, then goes where they were.
import { phoneSignIn } from "/static/js/phone_sign_in.js";

const config = JSON.parse(document.getElementById("login-config").textContent);
phoneSignIn(document.querySelector("#seeker-sign-in form"), {
  csrfToken: config.csrf_token,
  onSignedIn: () => {
    window.location.assign(config.next);
  },
});
