// The "Sign in" control: paste an API key, checked with GET /auth/me before it is kept; shown
// again by itself when a request is refused (401) with a message that says why; "Sign out"
// forgets the key and reloads the page (nothing read with it stays on screen).

import { clearCaches } from "./api.js";
import { clearKey, getKey, looksLikeKey, onUnauthorized, setKey } from "./auth.js";
import { $ } from "./dom.js";
import { onLangChange, t } from "./i18n.js";

let signedIn = null;  // {key_id, role} once the key is known to be good
let afterSignIn = () => {};

function setText(node, key, vars = {}) {
  node.setAttribute("data-i18n", key);  // re-translated when the interface language changes
  node.setAttribute("data-i18n-vars", JSON.stringify(vars));
  node.textContent = t(key, vars);
}

function render() {
  const hasKey = Boolean(getKey());
  setText($("signin-toggle"), hasKey ? "signOut" : "signIn");
  const status = $("signin-status");
  status.hidden = !(hasKey && signedIn);
  if (hasKey && signedIn) {
    status.textContent = t("signedInAs", { role: t(`role_${signedIn.role}`), id: signedIn.key_id });
  }
  document.body.dataset.signedIn = String(hasKey);
}

function say(key, kind = "info") {
  const message = $("signin-message");
  setText(message, key);
  message.className = `signin-message ${kind}`;
  message.hidden = false;
}

export function openSignIn(reason = "signinIntro") {
  const dialog = $("signin-dialog");
  say(reason, reason === "signinIntro" ? "info" : "error");
  if (!dialog.open) {
    $("signin-key").value = "";
    dialog.showModal();
  }
  $("signin-key").focus();
}

/** GET /auth/me with `key`: {ok, me} or {ok: false, reason} (never stores the key). */
async function check(key) {
  let response;
  try {
    response = await fetch("/auth/me", {
      headers: { accept: "application/json", authorization: `Bearer ${key}` },
    });
  } catch {
    return { ok: false, reason: "errorNetwork" };
  }
  if (response.status === 401) return { ok: false, reason: "signinRejected" };
  if (!response.ok) return { ok: false, reason: "signinFailed" };
  const me = await response.json();
  return me && me.role ? { ok: true, me } : { ok: false, reason: "signinRejected" };
}

async function submit(event) {
  event.preventDefault();
  const key = $("signin-key").value.trim();
  if (!key) return say("signinEmpty", "error");
  if (!looksLikeKey(key)) return say("signinRejected", "error");
  const button = $("signin-submit");
  button.disabled = true;
  say("signinChecking");
  try {
    const result = await check(key);
    if (!result.ok) {
      say(result.reason, "error");
      $("signin-key").select();
      return;
    }
    setKey(key);
    signedIn = result.me;
    clearCaches();
    $("signin-key").value = "";
    $("signin-dialog").close();
    render();
    afterSignIn();
  } finally {
    button.disabled = false;
  }
}

function signOut() {
  clearKey();
  signedIn = null;
  clearCaches();
  location.reload();
}

/** Who the stored key belongs to (after a reload the key is kept, its role is not). */
async function refreshIdentity() {
  const key = getKey();
  if (!key) return;
  const result = await check(key);
  if (result.ok) {
    signedIn = result.me;
  } else if (result.reason === "signinRejected") {
    clearKey();
    openSignIn("signinExpired");
  }
  render();
}

export function initSignIn({ onSignedIn = () => {} } = {}) {
  afterSignIn = onSignedIn;
  $("signin-toggle").addEventListener("click", () => (getKey() ? signOut() : openSignIn()));
  $("signin-form").addEventListener("submit", submit);
  $("signin-cancel").addEventListener("click", () => $("signin-dialog").close());
  onUnauthorized(({ sentKey }) => {
    if (sentKey !== getKey()) return;  // sent before a sign-in / sign-out: stale news
    if (sentKey) {  // the key was good once: revoked since
      clearKey();
      signedIn = null;
      render();
    }
    openSignIn(sentKey ? "signinExpired" : "signinNeeded");
  });
  onLangChange(render);
  render();
  return refreshIdentity();
}
