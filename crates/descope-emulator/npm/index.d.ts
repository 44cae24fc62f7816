import type { ChildProcess } from "node:child_process";

/** The project id the emulator accepts unless told otherwise: `P2emu0000000000000000000000`. */
export declare const DEFAULT_PROJECT_ID: string;

/** How to install the binary (part of the error thrown when it cannot be found). */
export declare const INSTALL_HINT: string;

/** Options of {@link startEmulator}. */
export interface StartOptions {
  /** Path of the `descope-emulator` binary. Default: $DESCOPE_EMULATOR_BIN, then PATH, then ~/.cargo/bin. */
  bin?: string;
  /** More command-line flags, after the launcher's own (e.g. `["--rotation", "--session-ttl", "30"]`); see `descope-emulator --help`. */
  args?: string[];
  /** The project id clients must send. Default {@link DEFAULT_PROJECT_ID}. */
  projectId?: string;
  /** Pass `--quiet` (no per-request lines on stderr). Default true. */
  quiet?: boolean;
  /** Reject when the server has not printed its address after this many ms; 0 waits forever. Default 60000. */
  timeoutMs?: number;
}

/** What would have been emailed or texted (`GET /emulator/outbox`), newest last. */
export interface OutboxMessage {
  loginId: string;
  /** `email`, `sms`, `voice`, `whatsapp`. */
  channel: string;
  /** `otp`, `magiclink`, `enchantedlink`, `notp`. */
  kind: string;
  code?: string;
  token?: string;
  link?: string;
  pendingRef?: string;
  linkId?: string;
  /** Unix milliseconds on the emulator clock. */
  at: number;
}

/** Run-time settings (`POST /emulator/config`); a key set to `null` returns to its command-line value. */
export interface EmulatorConfig {
  sessionTtlSeconds?: number | null;
  refreshTtlSeconds?: number | null;
  rotation?: boolean | null;
  /** With rotation: seconds a rotated-away refresh JWT still answers with the current pair (0: strict). */
  rotationGraceSeconds?: number | null;
  rateLimitPerMinute?: number | null;
  /** `"cookies"`: JWT answers set HttpOnly `DS` / `DSR` cookies and leave the body's tokens empty. */
  tokenResponseMethod?: "body" | "cookies" | null;
  cookieSameSite?: "Strict" | "Lax" | "None" | null;
  cookieSecure?: boolean | null;
  /** A `Domain` attribute; `""` for none. */
  cookieDomain?: string | null;
  /** The refresh cookie's name instead of `DSR`; `""` for `DSR`. */
  refreshCookieName?: string | null;
  [setting: string]: unknown;
}

/** A running emulator. */
export interface Emulator {
  /** `http://127.0.0.1:PORT`: the `baseUrl` to give the SDK. */
  url: string;
  /** The project id the emulator accepts. */
  projectId: string;
  /** The child process. */
  process: ChildProcess;
  /** Its last output lines (stdout and stderr), for diagnostics. */
  log: string[];
  /** Messages sent to `loginId` (all messages when omitted), oldest first. */
  outbox(loginId?: string): Promise<OutboxMessage[]>;
  /** With settings: changes them and resolves to the new config; without: reads it. */
  config(settings?: EmulatorConfig): Promise<Record<string, unknown>>;
  /** Forgets users, access keys, sessions, outbox, faults and the request log; config returns to the command line. */
  reset(): Promise<void>;
  /** Creates a verified user (`POST /emulator/users`); resolves to the user object. */
  createUser(user: { loginId: string; [field: string]: unknown }): Promise<Record<string, unknown>>;
  /** Creates an access key; the answer's `cleartext` is the only copy of the key. */
  createAccessKey(key: {
    name: string;
    roleNames?: string[];
    tenants?: { tenantId: string; roleNames?: string[] }[];
    expireTime?: number;
  }): Promise<{ cleartext: string; key: Record<string, unknown> }>;
  /** Any other control-API call (`/emulator/...`); rejects on a non-2xx answer. */
  control(method: string, path: string, body?: unknown): Promise<unknown>;
  /** Stops the server (SIGTERM) and resolves once it has exited. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Spawns `descope-emulator --addr 127.0.0.1:0 --quiet` and resolves once it listens.
 * Rejects with an Error naming the install command when the binary cannot be found.
 */
export declare function startEmulator(options?: StartOptions): Promise<Emulator>;

/** The binary {@link startEmulator} would run (same search order); throws when there is none. */
export declare function findEmulator(bin?: string): Promise<string>;
