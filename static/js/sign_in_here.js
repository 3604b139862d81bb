// A page that shows more once the person is signed in (registering, tickets): every sign-in
// form on it reloads the page after the code was right.
import { phoneSignIn } from "/static/js/phone_sign_in.js";

for (const form of document.querySelectorAll("[data-phone-sign-in]")) {
  phoneSignIn(form, { csrfToken: form.dataset.csrf, onSignedIn: () => window.location.reload() });
}
