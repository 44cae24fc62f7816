// The app's sign-in tested against the Descope emulator, started by its Node launcher on a free port
// (the binary comes from $DESCOPE_EMULATOR_BIN, PATH or ~/.cargo/bin).
import { afterAll, beforeAll, beforeEach, expect, test } from "vitest";
import { startEmulator } from "descope-emulator";
import { isDescopeError } from "descope-wasm";
import { createAuth } from "../src/auth.js";

let emulator;
beforeAll(async () => { emulator = await startEmulator(); });
afterAll(() => emulator?.stop());
beforeEach(() => emulator.reset());

const newAuth = () => createAuth({ projectId: emulator.projectId, baseUrl: emulator.url });
const lastCode = async (email) => (await emulator.outbox(email)).at(-1).code;

test("signs in with the emailed code and out again", async () => {
  const auth = newAuth();
  expect(await auth.sendCode("ada@example.com")).not.toBe("ada@example.com");
  const user = await auth.verifyCode("ada@example.com", await lastCode("ada@example.com"));
  expect(user.email).toBe("ada@example.com");
  expect(user.expiresAt).toBeGreaterThan(Date.now());
  expect(auth.descope.session?.userId).toBe(user.userId);
  expect(auth.descope.diagnostics().persistence).toBe("memory");
  await auth.signOut();
  expect(auth.descope.session).toBeUndefined();
});

test("a wrong code is refused with a DescopeError and no session", async () => {
  const auth = newAuth();
  await auth.sendCode("bob@example.com");
  const code = await lastCode("bob@example.com");
  const wrong = code === "000000" ? "111111" : "000000";
  const error = await auth.verifyCode("bob@example.com", wrong).catch((e) => e);
  expect(isDescopeError(error)).toBe(true);
  expect(error.kind).toBe("api");
  expect(auth.descope.session).toBeUndefined();
});
