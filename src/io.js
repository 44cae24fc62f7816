// The browser plumbing the Rust glue drives, which is smaller here than as wasm-bindgen imports and
// closures; the rules stay in Rust.

// The browser half of src/transport.rs: one `fetch` with the SDK's headers (descope-api.md §1.3),
// `redirect: "manual"` (F19) and a deadline over the headers and the body (F22, F23), the body read
// chunk by chunk up to `max` bytes (F13). `json` (the request body) and `refreshCookieName` are
// undefined when absent; `cookies` sends the browser's cookies to the API's origin.
// Resolves to `{ status, body, retryAfter }`: `body` is the text, or null when it passed `max` (the
// download is then stopped); text that is not UTF-8 becomes one replacement character, which is not
// JSON either (F10). Rejects with `true` when the deadline fired, `false` on any other failure.
export async function send(
  url, method, json, authorization, version, sessionId, projectId, refreshCookieName, cookies, ms, max,
) {
  const headers = {
    Authorization: authorization,
    "x-descope-sdk-name": "descope-wasm",
    "x-descope-sdk-version": version,
    "x-descope-sdk-session-id": sessionId,
    "x-descope-project-id": projectId,
  };
  if (json !== undefined) headers["Content-Type"] = "application/json";
  if (refreshCookieName !== undefined) headers["x-descope-refresh-cookie-name"] = refreshCookieName;
  const controller = new AbortController();
  let late = false;
  const deadline = setTimeout(() => {
    late = true;
    controller.abort();
  }, ms);
  const init = { method, headers, body: json, redirect: "manual", signal: controller.signal };
  if (cookies) init.credentials = "include";
  const chunks = [];
  let res, length = 0;
  try {
    res = await fetch(url, init);
    // A body-less status has no stream.
    const reader = res.body && res.body.getReader();
    for (let chunk; reader && !(chunk = await reader.read()).done; ) {
      length += chunk.value.length;
      if (length > max) {
        controller.abort();
        length = -1;
        break;
      }
      chunks.push(chunk.value);
    }
    if (late) throw 0;
  } catch {
    throw late;
  } finally {
    clearTimeout(deadline);
  }
  let body = null;
  if (length >= 0) {
    const bytes = new Uint8Array(length);
    let at = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, at);
      at += chunk.length;
    }
    try {
      // `ignoreBOM`: a leading BOM stays in the text, as in Rust's `String::from_utf8`.
      body = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
    } catch {
      body = "\ufffd";
    }
  }
  return { status: res.status, body, retryAfter: res.headers.get("retry-after") };
}

// The browser half of src/lock.rs: a promise of the Web Lock `name` that resolves to the function
// releasing it once the browser grants it, or to something else (the AbortError) when `waitMs`
// passed first. Without `navigator.locks` it resolves to `undefined` after `pauseMs`.
export function lock(name, waitMs, pauseMs) {
  return new Promise((resolve) => {
    const locks = globalThis.navigator?.locks;
    if (typeof locks?.request != "function") {
      setTimeout(resolve, pauseMs);
      return;
    }
    const controller = new AbortController();
    // Aborting a granted request does nothing, so the timer is left to fire.
    setTimeout(() => controller.abort(), waitMs);
    // The lock is held until the promise the callback returns settles: its `resolve` is the
    // release function handed back. An aborted wait rejects: ours resolves with the error.
    try {
      locks
        .request(name, { signal: controller.signal }, () => new Promise((release) => resolve(release)))
        .catch(resolve);
    } catch (e) {
      resolve(e);
    }
  });
}
