// The same app as the other examples, bundled by webpack 5 with no configuration for descope-wasm.
import { Descope } from "descope-wasm";

const q = new URLSearchParams(location.search);
const descope = new Descope({ projectId: q.get("projectId") ?? "P2emu0000000000000000000000", baseUrl: q.get("baseUrl") ?? location.origin });
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
