// The page's sign-in logic, shared by both pages: send a one-time code by email, verify it, show
// who is signed in. Errors are DescopeErrors with a stable `code`.
const $ = (id) => document.getElementById(id);

export function mount(descope) {
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
}
