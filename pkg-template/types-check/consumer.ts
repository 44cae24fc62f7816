// A TypeScript app written against the package's public contract (spec/api.md). `make test` type-checks
// it with `tsc --noEmit`; it is never run. Each `@ts-expect-error` proves a type is precise: were it
// `any`, the line would compile and the check would fail.
import init, {
  Descope,
  Session,
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

  const diagnostics: Diagnostics = descope.diagnostics();
  void diagnostics;

  try {
    await descope.logout();
    await descope.logoutAll();
  } catch (e: unknown) {
    if (isDescopeError(e)) {
      const err: DescopeError = e;
      const code: string = err.code;
      const kind: "api" | "network" | "timeout" | "rateLimited" | "unauthenticated" | "validation" | "config" | "storage" | "protocol" = err.kind;
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
