import { useEffect, useState } from "react";
import { descope } from "./descope.js";

/** The session as React state, following the client's events. */
function useSession() {
  const [session, setSession] = useState(descope.session);
  useEffect(() => descope.onSessionChange((e) => setSession(e.session)), []);
  return session;
}

export function App() {
  const session = useSession();
  const [email, setEmail] = useState("");
  const [code, setCode] = useState("");
  const [sentTo, setSentTo] = useState("");
  const [error, setError] = useState("");
  const run = (f) => async () => {
    setError("");
    try { await f(); } catch (e) { setError(`${e.code}: ${e.description ?? e.message}`); }
  };
  const status = session ? `Signed in as ${session.user?.email ?? session.userId}` : sentTo ? `Code sent to ${sentTo}` : "Signed out";
  return (
    <main>
      <h1>Sign in with a one-time code (Vite + React)</h1>
      <p id="status">{status}</p>
      <p>
        <input id="email" type="email" placeholder="you@example.com" value={email} onChange={(e) => setEmail(e.target.value)} />{" "}
        <button id="send" onClick={run(async () => setSentTo((await descope.otp.signUpOrIn("email", email)).maskedEmail))}>Send code</button>
      </p>
      <p>
        <input id="code" inputMode="numeric" placeholder="123456" value={code} onChange={(e) => setCode(e.target.value)} />{" "}
        <button id="verify" onClick={run(() => descope.otp.verify("email", email, code))}>Verify</button>{" "}
        <button id="logout" onClick={run(() => descope.logout())}>Sign out</button>
      </p>
      <p id="error" role="alert">{error}</p>
    </main>
  );
}
