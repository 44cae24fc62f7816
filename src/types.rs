//! TypeScript declarations for the shapes that cross the boundary as plain JS values, and typed
//! extern types for parameters, so the generated `.d.ts` has no `any`. Optional object and string
//! parameters are plain `JsValue`s typed with `unchecked_optional_param_type` instead: an
//! `Option<ExternType>` parameter costs a table slot in the JS glue and about 100 B of wasm each.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** How a one-time code is delivered. */
export type DeliveryMethod = "email" | "sms" | "voice" | "whatsapp";
/**
 * Where the tokens are kept. "cookie": the API (on your Descope custom domain) keeps both in HttpOnly
 * cookies and the SDK never holds one; requests carry the browser's cookies (credentials "include").
 */
export type Persistence = "localStorage" | "sessionStorage" | "memory" | "cookie";
/** Logger levels. */
export type LogLevel = "debug" | "info" | "warn" | "error";

/** Configuration of a `Descope` client. */
export interface DescopeConfig {
  /** Required; ASCII letters and digits. */
  projectId: string;
  /** Default: https://api.descope.com, or the region host derived from projectId. `http:` only for loopback hosts. */
  baseUrl?: string;
  /**
   * Where the refresh JWT is kept; default "localStorage" (falls back to memory when storage is blocked).
   * The login indicator (`DSLI`) and the last user (`dls_last_user_*`) go to the same storage
   * (localStorage in cookie mode); under "memory" nothing is written anywhere.
   */
  persistence?: Persistence;
  /** Default ""; keys are `${prefix}DSR` (refresh) and `${prefix}DS` (session). */
  storagePrefix?: string;
  /** Default true: refresh before the session JWT expires. */
  autoRefresh?: boolean;
  /** Per request, covering the body read; default 10000, at most 600000. */
  timeoutMs?: number;
  /** Receives notable events; never a token or code value. */
  logger?: (level: LogLevel, event: string, fields: Record<string, unknown>) => void;
  /** Cookie mode: the server's custom refresh cookie name, sent as `x-descope-refresh-cookie-name`. */
  refreshCookieName?: string;
}

/** Options of sign-in calls. `stepup`/`mfa` need a session and send its refresh JWT. */
export interface LoginOptions {
  stepup?: boolean;
  mfa?: boolean;
  /** Untrusted claims, placed under `nsec` in the session JWT. */
  customClaims?: Record<string, unknown>;
  templateOptions?: Record<string, string>;
}

/** The user object sent on sign-up. */
export interface SignUpUser {
  name?: string;
  givenName?: string;
  middleName?: string;
  familyName?: string;
  email?: string;
  phone?: string;
}

/** Where the code was sent, masked. */
export interface MaskedAddress {
  maskedEmail?: string;
  maskedPhone?: string;
}

/** Options of update calls. */
export interface UpdateOptions {
  addToLoginIDs?: boolean;
  onMergeUseExisting?: boolean;
  templateOptions?: Record<string, string>;
}

/** A tenant membership of a user. */
export interface UserTenant {
  tenantId: string;
  tenantName?: string;
  roleNames?: string[];
  permissions?: string[];
}

/** A Descope user (`/v1/auth/me` and sign-in responses). */
export interface User {
  userId: string;
  loginIds: string[];
  name?: string;
  givenName?: string;
  middleName?: string;
  familyName?: string;
  email?: string;
  verifiedEmail?: boolean;
  phone?: string;
  verifiedPhone?: boolean;
  picture?: string;
  roleNames?: string[];
  userTenants?: UserTenant[];
  customAttributes?: Record<string, unknown>;
  status?: "enabled" | "disabled" | "invited" | "expired";
  /** Unix seconds. */
  createdTime?: number;
  test?: boolean;
  externalIds?: string[];
  ssoAppIds?: string[];
  editable?: boolean;
  permissions?: string[];
  consentExpiration?: number;
  TOTP?: boolean;
  SAML?: boolean;
  SCIM?: boolean;
  OIDC?: boolean;
  push?: boolean;
  webauthn?: boolean;
  password?: boolean;
  OAuth?: Record<string, boolean>;
}

/** Why a session ended. */
export type SignOutReason = "logout" | "expired" | "revoked" | "corruptStorage" | "otherTab" | "refreshLost";

/**
 * A session change. The session restored at construction is announced as "restored" (or, for a
 * dropped stored record, "signedOut" with reason "corruptStorage"/"expired") in a microtask after
 * the constructor, so listeners added synchronously after `new Descope()` hear it; later listeners
 * read `descope.session`. Where the session must come from the server (cookie mode after a
 * reload, or a stored session JWT that has expired), one `try-refresh` starts right after the
 * constructor and its answer is the event: "restored", or "signedOut" with reason "expired".
 */
export interface SessionEvent {
  type: "restored" | "signedIn" | "refreshed" | "signedOut";
  session: Session | undefined;
  reason?: SignOutReason;
}

/** A snapshot of a client's internals (no tokens). */
export interface Diagnostics {
  /** The storage actually in use. */
  persistence: Persistence;
  /** True when the configured storage threw and memory is used instead. */
  persistenceFallback: boolean;
  signedIn: boolean;
  /** Successful refreshes by this instance. */
  refreshCount: number;
  /** ms since the epoch. */
  lastRefreshAt: number | undefined;
  /** ms since the epoch of the next automatic refresh, if one is scheduled. */
  nextRefreshAt: number | undefined;
  /** This device's clock minus the server's, estimated from the session JWT's `iat`. */
  clockSkewMs: number;
  consecutiveFailures: number;
  refreshInFlight: boolean;
  listenerCount: number;
  disposed: boolean;
}

/** Every rejection and throw of the SDK. */
export interface DescopeError extends Error {
  name: "DescopeError";
  /** The server's errorCode (e.g. "E062108") or the SDK's own (e.g. "network", "timeout", "invalidConfig"). */
  code: string;
  /** "aborted": an AbortSignal fired, or the user dismissed the passkey prompt. */
  kind: "api" | "network" | "timeout" | "rateLimited" | "unauthenticated" | "validation" | "config" | "storage" | "protocol" | "aborted";
  description: string;
  /** HTTP status when there was a response. */
  status?: number;
  /** From Retry-After on 429/503. */
  retryAfterMs?: number;
  retryable: boolean;
}
"#;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(typescript_type = "DescopeConfig")]
    pub type DescopeConfigJs;
    #[wasm_bindgen(typescript_type = "(event: SessionEvent) => void")]
    pub type SessionListenerJs;
}
