// The API key this tab is signed in with, and who wants to hear about a refused one (401).
//
// The key is kept in sessionStorage, not localStorage: it lives only as long as this tab, is
// not shared with other tabs or windows, and is gone when the tab is closed, so a key is not
// left behind on a shared office computer, nor on disk after the browser quits. It is sent
// by this page's own code as `Authorization: Bearer …` (never as a cookie, which the browser
// would attach to requests other sites make: no CSRF). The page's Content-Security-Policy
// lets only its own scripts run, which is what keeps the stored key from other code.

const STORAGE_KEY = "policykb.apiKey";
let memoryKey = "";  // when storage is disabled: kept for this page load only
const listeners = new Set();

export function getKey() {
  try {
    return sessionStorage.getItem(STORAGE_KEY) || "";
  } catch {
    return memoryKey;
  }
}

export function setKey(key) {
  memoryKey = key;
  try { sessionStorage.setItem(STORAGE_KEY, key); } catch { /* kept in memory only */ }
}

export function clearKey() {
  memoryKey = "";
  try { sessionStorage.removeItem(STORAGE_KEY); } catch { /* nothing stored */ }
}

/** `headers` plus the Authorization header when signed in. */
export function authHeaders(headers = {}) {
  const key = getKey();
  return key ? { ...headers, authorization: `Bearer ${key}` } : headers;
}

/** A key is plain printable ASCII (a header value cannot carry anything else). */
export function looksLikeKey(text) {
  return /^[\x21-\x7e]{8,512}$/.test(text);
}

/** fn({ sentKey, detail }) after a request sent with `sentKey` ("" = none) got a 401. */
export function onUnauthorized(fn) {
  listeners.add(fn);
}

export function reportUnauthorized(info) {
  for (const fn of listeners) fn(info);
}
