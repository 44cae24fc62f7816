// A TypeScript app written against the package's public contract (spec/api.md). `make test` type-checks
// it with `tsc --noEmit`; it is never run. Each `@ts-expect-error` proves a type is precise: were it
// `any`, the line would compile and the check would fail.
import init, {
  Descope,
  Session,
  MagicLink,
  EnchantedLink,
  OAuth,
  Sso,
  Totp,
  Password,
  Notp,
  WebAuthn,
  isDescopeError,
  decodeJwt,
  isJwtExpired,
  getJwtRoles,
  getJwtPermissions,
  getTenants,
  getCurrentTenant,
} from "descope-wasm";
import type {
  DescopeConfig,
  DescopeError,
  DeliveryMethod,
  Persistence,
  LoginOptions,
  MaskedAddress,
  SessionEvent,
  SignUpUser,
  User,
  Diagnostics,
  LinkMethod,
  PendingLink,
  PendingNotp,
  WaitOptions,
  RedirectStart,
  TotpResponse,
  PasswordResetResponse,
  PasswordPolicy,
  Tenant,
  LoginHistoryEntry,
  AutofillOptions,
} from "descope-wasm";

async function main(): Promise<void> {
  await init();

  const persistence: Persistence = "sessionStorage";
  const config: DescopeConfig = {
    projectId: "P2emu0000000000000000000000",
    baseUrl: "http://127.0.0.1:4317",
    persistence,
    storagePrefix: "app.",
    autoRefresh: true,
    timeoutMs: 5000,
    logger: (level, event, fields) => {
      const l: "debug" | "info" | "warn" | "error" = level;
      const e: string = event;
      const f: Record<string, unknown> = fields;
      void l, e, f;
    },
  };
  // @ts-expect-error projectId is required
  const noProject: DescopeConfig = { baseUrl: "http://127.0.0.1:4317" };
  // @ts-expect-error persistence is a closed union
  const badPersistence: DescopeConfig = { projectId: "P2x", persistence: "cookies" };
  void noProject, badPersistence;

  const descope = new Descope(config);
  const projectId: string = descope.projectId;
  const baseUrl: string = descope.baseUrl;
  const current: Session | undefined = descope.session;
  void projectId, baseUrl, current;
  // Cookie mode: the API's own domain keeps the tokens in HttpOnly cookies.
  const inCookies = new Descope({ projectId: "P2x", persistence: "cookie", refreshCookieName: "AppRT" });
  const last: { loginId: string; name?: string } | undefined = inCookies.lastUser;
  if (last) {
    const loginId: string = last.loginId;
    const name: string | undefined = last.name;
    void loginId, name;
    // @ts-expect-error lastUser is read-only
    inCookies.lastUser = undefined;
  }

  const method: DeliveryMethod = "email";
  const user: SignUpUser = { name: "Ada", email: "ada@example.com", phone: "+15551234567" };
  const options: LoginOptions = { stepup: false, mfa: false, customClaims: { plan: "pro" }, templateOptions: { k: "v" } };
  const signedUp: MaskedAddress = await descope.otp.signUp(method, "ada@example.com", user, options);
  const maskedEmail: string | undefined = signedUp.maskedEmail;
  const maskedPhone: string | undefined = (await descope.otp.signIn("sms", "+15551234567")).maskedPhone;
  await descope.otp.signUpOrIn("voice", "+15551234567", { stepup: true });
  void maskedEmail, maskedPhone;
  // @ts-expect-error "fax" is not a delivery method
  await descope.otp.signIn("fax", "ada@example.com");
  // @ts-expect-error the login id is a string
  await descope.otp.signIn("email", 42);

  const session: Session = await descope.otp.verify("email", "ada@example.com", "123456");
  const sessionJwt: string = session.sessionJwt;
  const refreshJwt: string | undefined = session.refreshJwt;
  const sessionUser: User | undefined = session.user;
  const userId: string = session.userId;
  const claims: Record<string, unknown> = session.claims;
  const expiresAt: number = session.expiresAt;
  const refreshExpiresAt: number | undefined = session.refreshExpiresAt;
  const amr: string[] = session.amr;
  const stepUp: boolean = session.stepUp;
  const tenants: string[] = session.tenants;
  const currentTenant: string | undefined = session.currentTenant;
  const expired: boolean = session.isExpired();
  const roles: string[] = session.roles();
  const tenantRoles: string[] = session.roles("T1");
  const permissions: string[] = session.permissions("T1");
  void sessionJwt, refreshJwt, userId, claims, expiresAt, refreshExpiresAt, amr, stepUp, tenants;
  void currentTenant, expired, roles, tenantRoles, permissions;
  // @ts-expect-error Session is an immutable snapshot
  session.stepUp = true;

  if (sessionUser) {
    const loginIds: string[] = sessionUser.loginIds;
    const email: string | undefined = sessionUser.email;
    void loginIds, email;
  }

  const masked: MaskedAddress = await descope.otp.updateEmail("ada@example.com", "ada2@example.com");
  await descope.otp.updatePhone("whatsapp", "ada@example.com", "+15551234567");
  // @ts-expect-error a phone update cannot go by email
  await descope.otp.updatePhone("email", "ada@example.com", "+15551234567");
  void masked;

  const token: string | undefined = await descope.getSessionToken();
  const refreshed: Session = await descope.refresh();
  const me: User = await descope.me();
  const meId: string = me.userId;
  void token, refreshed, meId;

  const unsubscribe: () => void = descope.onSessionChange((event: SessionEvent) => {
    const type: "restored" | "signedIn" | "refreshed" | "signedOut" = event.type;
    const s: Session | undefined = event.session;
    const reason: SessionEvent["reason"] = event.reason;
    void type, s, reason;
  });
  unsubscribe();

  const verified: Record<string, unknown> = await descope.verifySession();
  const verifiedGiven: Record<string, unknown> = await descope.verifySession(sessionJwt);
  void verified, verifiedGiven;
  // @ts-expect-error the token is a string
  await descope.verifySession(42);

  const diagnostics: Diagnostics = descope.diagnostics();
  void diagnostics;

  try {
    await descope.logout();
    await descope.logoutAll();
  } catch (e: unknown) {
    if (isDescopeError(e)) {
      const err: DescopeError = e;
      const code: string = err.code;
      const kind: "api" | "network" | "timeout" | "rateLimited" | "unauthenticated" | "validation" | "config" | "storage" | "protocol" | "aborted" = err.kind;
      if (err.kind === "aborted") void "the user dismissed the passkey prompt, or a signal fired";
      const description: string = err.description;
      const status: number | undefined = err.status;
      const retryAfterMs: number | undefined = err.retryAfterMs;
      const retryable: boolean = err.retryable;
      const name: "DescopeError" = err.name;
      const asError: Error = err;
      void code, kind, description, status, retryAfterMs, retryable, name, asError;
    }
  }
  descope.dispose();

  const jwt = "a.b.c";
  const payload: Record<string, unknown> = decodeJwt(jwt);
  const isExpired: boolean = isJwtExpired(jwt);
  const jwtRoles: string[] = getJwtRoles(jwt, "T1");
  const jwtPermissions: string[] = getJwtPermissions(jwt);
  const jwtTenants: string[] = getTenants(jwt);
  const jwtTenant: string | undefined = getCurrentTenant(jwt);
  void payload, isExpired, jwtRoles, jwtPermissions, jwtTenants, jwtTenant;
}

void main;

// Every other sign-in family, tenants and history.
async function families(descope: Descope): Promise<void> {
  const ml: MagicLink = descope.magicLink;
  const link: LinkMethod = "whatsapp";
  const sent: MaskedAddress = await ml.signUp("email", "ada@example.com", "https://app.example.com/verify", { name: "Ada" }, { customClaims: { plan: "pro" } });
  await ml.signIn(link, "+15551234567");
  await ml.signUpOrIn("sms", "+15551234567", undefined, { stepup: true });
  const viaLink: Session = await ml.verify("token-from-the-link");
  await ml.updateEmail("ada@example.com", "ada2@example.com", "https://app.example.com/verify", { addToLoginIDs: true });
  await ml.updatePhone("sms", "ada@example.com", "+15551234567");
  // @ts-expect-error magic links are not sent by voice
  await ml.signIn("voice", "+15551234567");
  // @ts-expect-error a magic-link phone update goes by SMS or WhatsApp only
  await ml.updatePhone("email", "ada@example.com", "+15551234567");
  void sent, viaLink;

  const el: EnchantedLink = descope.enchantedLink;
  const pending: PendingLink = await el.signUpOrIn("ada@example.com", "https://app.example.com/el");
  const pendingRef: string = pending.pendingRef;
  const linkId: string = pending.linkId;
  const maskedEmail: string = pending.maskedEmail;
  await el.signUp("ada@example.com", undefined, { givenName: "Ada" });
  await el.signIn("ada@example.com", undefined, { mfa: true });
  const verified: void = await el.verify("token-from-the-link");
  const controller = new AbortController();
  const opts: WaitOptions = { pollIntervalMs: 2000, timeoutMs: 60_000, signal: controller.signal };
  const waited: Session = await el.waitForSession(pendingRef, opts);
  await el.waitForSession(pendingRef);
  // @ts-expect-error the signal is an AbortSignal
  await el.waitForSession(pendingRef, { signal: true });
  // @ts-expect-error the redirect URL is a string
  await el.signIn("ada@example.com", 42);
  const updating: PendingLink = await el.updateEmail("ada@example.com", "ada2@example.com", "https://app.example.com/el", { addToLoginIDs: true });
  const reSignedIn: Session = await el.waitForSession(updating.pendingRef);
  // @ts-expect-error the new email is required
  await el.updateEmail("ada@example.com");
  void linkId, maskedEmail, verified, waited, reSignedIn;

  const oauth: OAuth = descope.oauth;
  const start: RedirectStart = await oauth.start("google", "https://app.example.com/oauth", { stepup: false });
  const url: string = start.url;
  const fromOAuth: Session = await oauth.exchange("code-from-the-redirect");
  const sso: Sso = descope.sso;
  const ssoStart: { url: string } = await sso.start("acme.example.com");
  const fromSso: Session = await sso.exchange("code-from-the-redirect");
  // @ts-expect-error exchange takes the code string
  await sso.exchange({ code: "x" });
  void url, fromOAuth, ssoStart, fromSso;

  const totp: Totp = descope.totp;
  const seed: TotpResponse = await totp.signUp("ada@example.com", { name: "Ada" });
  const provisioningUrl: string = seed.provisioningUrl;
  const image: string = seed.image;
  const key: string = seed.key;
  // @ts-expect-error the wire's provisioningURL is renamed provisioningUrl
  void seed.provisioningURL;
  const fromTotp: Session = await totp.verify("ada@example.com", "123456", { mfa: true });
  const newSeed: { provisioningUrl: string; image: string; key: string } = await totp.update("ada@example.com");
  void provisioningUrl, image, key, fromTotp, newSeed;

  const password: Password = descope.password;
  const signedUp: Session = await password.signUp("ada@example.com", "S3cret!pass", { name: "Ada" }, { customClaims: { a: 1 } });
  const signedIn: Session = await password.signIn("ada@example.com", "S3cret!pass", { stepup: true });
  const replaced: Session = await password.replace("ada@example.com", "S3cret!pass", "N3w!pass");
  const reset: PasswordResetResponse = await password.sendReset("ada@example.com", "https://app.example.com/reset");
  const resetMethod: string = reset.resetMethod;
  const resetMasked: string | undefined = reset.maskedEmail;
  const updated: void = await password.update("ada@example.com", "N3wer!pass");
  const policy: PasswordPolicy = await password.policy();
  const minLength: number = policy.minLength;
  const flags: boolean[] = [policy.lowercase, policy.uppercase, policy.number, policy.nonAlphanumeric];
  // @ts-expect-error minLength is a number
  const minLengthText: string = policy.minLength;
  void signedUp, signedIn, replaced, resetMethod, resetMasked, updated, minLength, flags, minLengthText;

  const notp: Notp = descope.notp;
  const started: PendingNotp = await notp.signUpOrIn();
  const notpRef: string = started.pendingRef;
  const approveUrl: string = started.redirectUrl;
  const qr: string = started.image;
  await notp.signUp(undefined, { phone: "+15551234567" });
  await notp.signIn("+15551234567", { mfa: true });
  const fromNotp: Session = await notp.waitForSession(notpRef, { timeoutMs: 120_000 });
  void approveUrl, qr, fromNotp;

  const selected: Session = await descope.selectTenant("T1");
  const dct: string | undefined = selected.currentTenant;
  const current: { tenants: Tenant[] } = await descope.myTenants(true);
  const some: Tenant[] = (await descope.myTenants(["T1", "T2"])).tenants;
  const tenantId: string = some[0].id;
  const tenantName: string = some[0].name;
  // @ts-expect-error the selector is `true` or a list of ids
  await descope.myTenants(false);
  // @ts-expect-error tenant ids are strings
  await descope.myTenants([1, 2]);
  const history: LoginHistoryEntry[] = await descope.history();
  const loginTime: number = history[0].loginTime;
  const ip: string = history[0].ip;
  void dct, current, tenantId, tenantName, loginTime, ip;
}

void families;

// Passkeys.
async function passkeys(descope: Descope): Promise<void> {
  const webauthn: WebAuthn = descope.webauthn;
  const supported: boolean = webauthn.isSupported();
  const signedUp: Session = await webauthn.signUp("ada@example.com");
  await webauthn.signUp("ada@example.com", "Ada Lovelace", { customClaims: { plan: "pro" } });
  const signedIn: Session = await webauthn.signIn("ada@example.com");
  const discoverable: Session = await webauthn.signIn();
  const steppedUp: Session = await webauthn.signIn("ada@example.com", { stepup: true });
  const either: Session = await webauthn.signUpOrIn("ada@example.com", { mfa: true });
  const added: void = await webauthn.update("ada@example.com");
  const controller = new AbortController();
  const opts: AutofillOptions = { signal: controller.signal };
  const fromAutofill: Session = await webauthn.autofill(opts);
  await webauthn.autofill();
  // @ts-expect-error the login id is a string
  await webauthn.signUp(42);
  // @ts-expect-error update needs the login id
  await webauthn.update();
  // @ts-expect-error the signal is an AbortSignal
  await webauthn.autofill({ signal: "stop" });
  // @ts-expect-error isSupported is synchronous
  const notAPromise: Promise<boolean> = webauthn.isSupported();
  void supported, signedUp, signedIn, discoverable, steppedUp, either, added, fromAutofill, notAPromise;
}

void passkeys;
