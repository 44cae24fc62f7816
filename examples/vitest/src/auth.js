// The app's own sign-in logic: the part its tests should cover, against a real (local) Descope API.
import { Descope } from "descope-wasm";

/** Email one-time-code sign-in for this app. `config` is passed to the Descope client. */
export function createAuth(config) {
  // One client per app. In Node (and Vitest) there is no web storage: the session lives in memory.
  const descope = new Descope(config);
  return {
    descope,
    /** Sends a code; resolves to the masked address to show. */
    async sendCode(email) {
      return (await descope.otp.signUpOrIn("email", email)).maskedEmail;
    },
    /** Verifies the code; resolves to what the app shows about the user. */
    async verifyCode(email, code) {
      const session = await descope.otp.verify("email", email, code);
      return { userId: session.userId, email: session.user?.email, expiresAt: session.expiresAt };
    },
    signOut: () => descope.logout(),
  };
}
