// The SDK needs no eval, no inline script and no DOM script sink: under this page's policy it only
// needs 'wasm-unsafe-eval' to compile its .wasm. The emulator serves the page and the API (same origin).
import { Descope } from "./node_modules/descope-wasm/descope_wasm.js";

const q = new URLSearchParams(location.search);
const descope = new Descope({ projectId: q.get("projectId") ?? "P2emu0000000000000000000000", baseUrl: location.origin });
const $ = (id) => document.getElementById(id);
const show = (session) => {
  $("status").textContent = session ? `Signed in as ${session.user?.email ?? session.userId}` : "Signed out";
};
const run = (f) => async () => {
  $("error").textContent = "";
  try {
    await f();
  } catch (e) {
    $("error").textContent = `${e.code}: ${e.description ?? e.message}`;
  }
};
descope.onSessionChange(({ session }) => show(session));
show(descope.session);
$("send").onclick = run(async () => {
  const { maskedEmail } = await descope.otp.signUpOrIn("email", $("email").value);
  $("status").textContent = `Code sent to ${maskedEmail}`;
});
$("verify").onclick = run(() => descope.otp.verify("email", $("email").value, $("code").value));
$("logout").onclick = run(() => descope.logout());
