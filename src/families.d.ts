/**
 * One-time-password sign-in: a code is sent by email, SMS, voice or WhatsApp, then verified.
 */
export class Otp {
    private constructor();
    free(): void;
    [Symbol.dispose](): void;
    /**
     * Sends a code to an existing user. With `stepup`/`mfa`, needs a session.
     *
     * # Errors
     * `validation` for bad input; `unauthenticated` for step-up/MFA without a session (no
     * request is sent); `api` `E062108` for an unknown user.
     */
    signIn(method: DeliveryMethod, loginId: string, options?: LoginOptions | null): Promise<MaskedAddress>;
    /**
     * Sends a code, creating the user first if needed.
     */
    signUpOrIn(method: DeliveryMethod, loginId: string, options?: LoginOptions | null): Promise<MaskedAddress>;
    /**
     * Signs up a new user and sends a code.
     *
     * # Errors
     * `validation` for bad input (no request is sent); `api` `E062107` when the user exists.
     */
    signUp(method: DeliveryMethod, loginId: string, user?: SignUpUser | null, options?: LoginOptions | null): Promise<MaskedAddress>;
    /**
     * Sends a code to a new email address of the signed-in user (confirm with `verify("email", …)`).
     */
    updateEmail(loginId: string, email: string, options?: UpdateOptions | null): Promise<MaskedAddress>;
    /**
     * Sends a code to a new phone number of the signed-in user.
     */
    updatePhone(method: "sms" | "voice" | "whatsapp", loginId: string, phone: string, options?: UpdateOptions | null): Promise<MaskedAddress>;
    /**
     * Verifies a code; the new session becomes current, is persisted and announced.
     *
     * # Errors
     * `api` `E061102` for a wrong code.
     */
    verify(method: DeliveryMethod, loginId: string, code: string): Promise<Session>;
}
/**
 * Magic-link sign-in: a one-click link is sent by email, SMS or WhatsApp.
 */
export class MagicLink {
    private constructor();
    free(): void;
    [Symbol.dispose](): void;
    /**
     * Sends a link to an existing user. With `stepup`/`mfa`, needs a session.
     *
     * # Errors
     * `validation` for bad input; `unauthenticated` for step-up/MFA without a session (no request
     * is sent); `api` `E062108` for an unknown user.
     */
    signIn(method: LinkMethod, loginId: string, redirectUrl?: string | null, options?: LoginOptions | null): Promise<MaskedAddress>;
    /**
     * Sends a link, creating the user first if needed.
     */
    signUpOrIn(method: LinkMethod, loginId: string, redirectUrl?: string | null, options?: LoginOptions | null): Promise<MaskedAddress>;
    /**
     * Signs up a new user and sends a link to `redirectUrl` (default: the project's setting).
     *
     * # Errors
     * `validation` for bad input, including a redirect URL that is not an https URL (http only on
     * loopback hosts) or that has user info (F39; no request is sent); `api` `E062107` when the user
     * exists.
     */
    signUp(method: LinkMethod, loginId: string, redirectUrl?: string | null, user?: SignUpUser | null, options?: LoginOptions | null): Promise<MaskedAddress>;
    /**
     * Sends a link to a new email address of the signed-in user (confirmed by `verify`).
     *
     * # Errors
     * `unauthenticated` without a session (no request is sent).
     */
    updateEmail(loginId: string, email: string, redirectUrl?: string | null, options?: UpdateOptions | null): Promise<MaskedAddress>;
    /**
     * Sends a link to a new phone number of the signed-in user (SMS or WhatsApp).
     *
     * # Errors
     * `unauthenticated` without a session (no request is sent).
     */
    updatePhone(method: "sms" | "whatsapp", loginId: string, phone: string, redirectUrl?: string | null, options?: UpdateOptions | null): Promise<MaskedAddress>;
    /**
     * Verifies the link's token (the `t` query parameter); the new session becomes current, is
     * persisted and announced.
     *
     * # Errors
     * `unauthenticated` `E061201` for an unknown, used or expired token.
     */
    verify(token: string): Promise<Session>;
}
/**
 * Enchanted-link sign-in: an email link signs in the page that is waiting for it.
 */
export class EnchantedLink {
    private constructor();
    free(): void;
    [Symbol.dispose](): void;
    /**
     * Emails a link to an existing user. With `stepup`/`mfa`, needs a session.
     */
    signIn(loginId: string, redirectUrl?: string | null, options?: LoginOptions | null): Promise<PendingLink>;
    /**
     * Emails a link, creating the user first if needed.
     */
    signUpOrIn(loginId: string, redirectUrl?: string | null, options?: LoginOptions | null): Promise<PendingLink>;
    /**
     * Signs up a new user and emails a link to `redirectUrl`.
     *
     * # Errors
     * `validation` for bad input or a redirect URL refused by F39 (no request is sent); `api`
     * `E062107` when the user exists.
     */
    signUp(loginId: string, redirectUrl?: string | null, user?: SignUpUser | null, options?: LoginOptions | null): Promise<PendingLink>;
    /**
     * Emails a link to a new address of the signed-in user; resolves like `signIn`. The change is
     * confirmed when the link's page calls `verify(token)`; `waitForSession(pendingRef)` then
     * resolves to a new session whose user has the new email.
     *
     * # Errors
     * `validation` for bad input or a redirect URL refused by F39; `unauthenticated` without a
     * session (no request is sent in either case).
     */
    updateEmail(loginId: string, email: string, redirectUrl?: string | null, options?: UpdateOptions | null): Promise<PendingLink>;
    /**
     * Confirms the link's token (on the page the link opened). The session goes to the waiting
     * page, not to this one.
     *
     * # Errors
     * `unauthenticated` `E061201` for an unknown, used or expired token.
     */
    verify(token: string): Promise<void>;
    /**
     * Polls until the link is opened; the session then becomes current, is persisted and
     * announced. Polls every `pollIntervalMs` (≥ 1000) for up to `timeoutMs` (≤ 600000).
     *
     * # Errors
     * `timeout` `pollingTimeout` at the deadline; `aborted` `aborted` as soon as `signal`
     * aborts; a non-retryable server error (e.g. `E011004` for an unknown `pendingRef`) as is.
     */
    waitForSession(pendingRef: string, opts?: WaitOptions | null): Promise<Session>;
}
/**
 * Social sign-in (Google, GitHub, Apple, …) through Descope's OAuth redirect.
 */
export class OAuth {
    private constructor();
    free(): void;
    [Symbol.dispose](): void;
    /**
     * Exchanges the `code` the provider redirect brought back for a session, which becomes
     * current, is persisted and announced.
     *
     * # Errors
     * `unauthenticated` `E061401` for an unknown, used or expired code.
     */
    exchange(code: string): Promise<Session>;
    /**
     * Starts a sign-up-or-in with `provider` (e.g. "google"); resolves to the URL to open.
     *
     * # Errors
     * `validation` for an empty provider or a redirect URL refused by F39 (no request is sent);
     * `unauthenticated` for step-up/MFA without a session.
     */
    start(provider: string, redirectUrl?: string | null, options?: LoginOptions | null): Promise<RedirectStart>;
}
/**
 * Enterprise SSO (SAML / OIDC) through Descope's redirect.
 */
export class Sso {
    private constructor();
    free(): void;
    [Symbol.dispose](): void;
    /**
     * Exchanges the `code` the SSO redirect brought back for a session.
     *
     * # Errors
     * `unauthenticated` `E061401` for an unknown, used or expired code.
     */
    exchange(code: string): Promise<Session>;
    /**
     * Starts SSO for `tenant` (a tenant id, or an email whose domain names one); resolves to the
     * URL to open.
     *
     * # Errors
     * `validation` for an empty tenant or a redirect URL refused by F39 (no request is sent).
     */
    start(tenant: string, redirectUrl?: string | null, options?: LoginOptions | null): Promise<RedirectStart>;
}
/**
 * Authenticator-app (TOTP) sign-in.
 */
export class Totp {
    private constructor();
    free(): void;
    [Symbol.dispose](): void;
    /**
     * Signs up a new user with a TOTP seed; show `image` (a QR code) or `key` to the user.
     *
     * # Errors
     * `api` `E062107` when the user exists.
     */
    signUp(loginId: string, user?: SignUpUser | null): Promise<TotpResponse>;
    /**
     * Replaces the signed-in user's seed.
     *
     * # Errors
     * `unauthenticated` without a session (no request is sent).
     */
    update(loginId: string): Promise<TotpResponse>;
    /**
     * Verifies a code from the authenticator app; the new session becomes current, is persisted
     * and announced. With `stepup`/`mfa`, needs a session.
     *
     * # Errors
     * `unauthenticated` `E065102` for a wrong code; `api` `E065101` for a user without a seed.
     */
    verify(loginId: string, code: string, options?: LoginOptions | null): Promise<Session>;
}
/**
 * Password sign-in, reset and policy.
 */
export class Password {
    private constructor();
    free(): void;
    [Symbol.dispose](): void;
    /**
     * The project's password policy.
     */
    policy(): Promise<PasswordPolicy>;
    /**
     * Replaces a password knowing the old one, and signs in.
     *
     * # Errors
     * `unauthenticated` `E062901` for a wrong old password; `api` `E062905` for a weak new one.
     */
    replace(loginId: string, oldPassword: string, newPassword: string): Promise<Session>;
    /**
     * Sends a reset link (to `redirectUrl`); its page signs in with `magicLink.verify(t)` and then
     * calls `update`.
     *
     * # Errors
     * `validation` for a redirect URL refused by F39 (no request is sent).
     */
    sendReset(loginId: string, redirectUrl?: string | null): Promise<PasswordResetResponse>;
    /**
     * Signs in with a password. With `stepup`/`mfa`, needs a session.
     *
     * # Errors
     * `unauthenticated` `E062901` for a wrong password; `api` `E062108` for an unknown user.
     */
    signIn(loginId: string, password: string, options?: LoginOptions | null): Promise<Session>;
    /**
     * Signs up a new user with a password; the session becomes current, is persisted and announced.
     *
     * # Errors
     * `api` `E062905` for a password the policy refuses; `api` `E062107` when the user exists.
     */
    signUp(loginId: string, password: string, user?: SignUpUser | null, options?: LoginOptions | null): Promise<Session>;
    /**
     * Sets a new password for the signed-in user.
     *
     * # Errors
     * `unauthenticated` without a session (no request is sent); `api` `E062905` for a weak password.
     */
    update(loginId: string, newPassword: string): Promise<void>;
}
/**
 * WhatsApp "no-OTP" sign-in.
 */
export class Notp {
    private constructor();
    free(): void;
    [Symbol.dispose](): void;
    /**
     * Starts a sign-in. With `stepup`/`mfa`, needs a session.
     */
    signIn(loginId?: string | null, options?: LoginOptions | null): Promise<PendingNotp>;
    /**
     * Starts a sign-up or sign-in.
     */
    signUpOrIn(loginId?: string | null, options?: LoginOptions | null): Promise<PendingNotp>;
    /**
     * Starts a sign-up; `loginId` may be left out (the phone then comes from the WhatsApp message).
     */
    signUp(loginId?: string | null, user?: SignUpUser | null, options?: LoginOptions | null): Promise<PendingNotp>;
    /**
     * Polls until the WhatsApp link is approved; the session then becomes current, is persisted
     * and announced. Same timing, abort and errors as `EnchantedLink.waitForSession`.
     */
    waitForSession(pendingRef: string, opts?: WaitOptions | null): Promise<Session>;
}
/**
 * Passkeys (WebAuthn): sign up, sign in (also from the username field's autofill), add one to the
 * signed-in user. Each call asks the browser to show its passkey prompt.
 */
export class WebAuthn {
    private constructor();
    free(): void;
    [Symbol.dispose](): void;
    /**
     * Offers this site's passkeys in the browser's autofill of an
     * `<input autocomplete="username webauthn">`, and resolves when the user picks one (the
     * session then becomes current). Start it when the sign-in form shows; abort `signal` when it
     * goes away or before another passkey call.
     *
     * # Errors
     * `aborted` when `signal` aborts (at once, with no request, if it already has).
     */
    autofill(opts?: AutofillOptions | null): Promise<Session>;
    /**
     * True when this page can use passkeys: a secure context (https, or http://localhost) in a
     * browser with WebAuthn and its JSON methods. Says nothing about which authenticators exist.
     */
    isSupported(): boolean;
    /**
     * Signs in with a passkey of `loginId`, or, without one, with any passkey of this site the
     * user picks (a discoverable passkey names its user). With `stepup`/`mfa`, needs a session.
     *
     * # Errors
     * `unauthenticated` for step-up/MFA without a session (no request is sent); `aborted` when
     * the user dismisses the prompt; `unauthenticated` from the server for an unknown passkey.
     */
    signIn(loginId?: string | null, options?: LoginOptions | null): Promise<Session>;
    /**
     * Signs in with the user's passkey, or creates the user (or their first passkey) when they
     * have none: the server decides which, the browser prompt follows.
     */
    signUpOrIn(loginId: string, options?: LoginOptions | null): Promise<Session>;
    /**
     * Creates a user with a new passkey; `name` (shown by the authenticator) defaults to
     * `loginId`. The session becomes current, is persisted and announced (`signedIn`).
     *
     * # Errors
     * `validation` for bad input or a page that cannot use passkeys (no request is sent);
     * `aborted` when the user dismisses the prompt; `api` `E062107` when the user exists.
     */
    signUp(loginId: string, name?: string | null, options?: LoginOptions | null): Promise<Session>;
    /**
     * Adds a new passkey (e.g. of another device) to the signed-in user `loginId`.
     *
     * # Errors
     * `unauthenticated` without a session (no request is sent); `validation` `passkeyExists`
     * when this authenticator already holds one of the user's passkeys.
     */
    update(loginId: string): Promise<void>;
}
