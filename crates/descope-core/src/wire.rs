//! The wire table: every plain sign-in method of the families (descope-api.md §2.1–§2.10) declared
//! once as data: its route, the credential it sends, its arguments in order (JS name, kind, body
//! key) and the kind of its answer. One function, [`request`], checks the values the glue read and
//! writes the request from the declaration, before any network I/O. The calls that do not fit a
//! flat declaration (passkeys) have their own builders.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::config::encode_uri_component;
use crate::error::Error;
use crate::json::ObjectWriter;
use crate::poll;
use crate::redirect::opt_redirect_url;
use crate::request::{
    is_valid_email, is_valid_phone, validate_login_id, write_login_members, write_login_options,
    write_update_options, write_user, Auth, DeliveryMethod, LoginOptions, Method, OptsFlavor,
    Request, SignUpUser, UpdateOptions,
};
use crate::shape::{self, Shape};

/// Longest link token, pending reference or exchange code accepted.
pub const MAX_OPAQUE_BYTES: usize = 4096;
/// Longest one-time code accepted.
pub const MAX_CODE_BYTES: usize = 64;
/// Longest password sent, in UTF-8 bytes (the server enforces its own policy; this only bounds input).
pub const MAX_PASSWORD_BYTES: usize = 1024;
/// Longest provider name or tenant (id or email) accepted as an OAuth / SSO selector.
pub const MAX_SELECTOR_BYTES: usize = 256;
/// Longest tenant id accepted.
pub const MAX_TENANT_ID_BYTES: usize = 256;
/// Most tenant ids in one `myTenants` call.
pub const MAX_TENANT_IDS: usize = 1000;

/// Which credential a call sends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Credential {
    /// The project id only.
    Project,
    /// The refresh JWT: the call needs a session.
    Session,
    /// A sign-in: the project id, or the refresh JWT when its login options ask for `stepup` or
    /// `mfa` (which are then sent). Without it, login options are a sign-up's: only
    /// `customClaims` and `templateOptions` are sent (§2.0).
    StepUp,
}

/// What a call resolves to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    /// The new `Session`.
    SignIn,
    /// A plain object (or array) made from the response by the shape.
    Shaped(&'static Shape),
    /// `undefined`.
    Void,
    /// A `Session`, polled for while the server answers that this sign-in is pending; the
    /// argument after the declared ones is `waitForSession`'s options.
    Wait(Pending),
}

/// A sign-in `waitForSession` polls for. (An enum rather than the `&str` error code in
/// [`Answer`]: a smaller table, as for [`MethodSet`].)
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pending {
    EnchantedLink,
    Notp,
}

impl Pending {
    /// The server's "not yet" error code.
    pub fn code(self) -> &'static str {
        match self {
            Pending::EnchantedLink => poll::ENCHANTED_LINK_PENDING,
            Pending::Notp => poll::NOTP_PENDING,
        }
    }
}

/// What an argument must hold, and where it goes. Every string is sent as given (no trimming).
#[derive(Clone, Copy)]
pub enum Kind {
    /// One of the delivery methods of the set (the glue reads it with `DeliveryMethod::parse`):
    /// the last segment of the path.
    Method(MethodSet),
    /// A login id: non-empty, at most 1024 bytes (F38).
    LoginId,
    /// A login id that may be left out (absent or empty).
    OptLoginId,
    /// An optional redirect URL (F39).
    RedirectUrl,
    /// An email address (core-js's rule).
    Email,
    /// A phone number (`+15551234567`).
    Phone,
    /// A one-time code: non-empty, at most 64 bytes.
    Code,
    /// A link's token: non-empty, at most 4096 bytes (`invalidToken`).
    Token,
    /// A pending sign-in's reference: non-empty, at most 4096 bytes (`invalidPendingRef`).
    PendingRef,
    /// An OAuth / SSO exchange code: non-empty, at most 4096 bytes (`invalidCode`).
    ExchangeCode,
    /// A password: non-empty, at most 1024 bytes; never echoed in an error.
    Password,
    /// A tenant id: non-empty, at most 256 bytes.
    TenantId,
    /// An OAuth provider or SSO tenant: non-empty, at most 256 bytes; the first query parameter.
    Query,
    /// An optional redirect URL (F39): a query parameter after the `Query` one.
    QueryRedirectUrl,
    /// Sign-up's optional `user` object.
    User,
    /// Optional `LoginOptions`, sent as a member (see [`Credential::StepUp`]).
    LoginOptions,
    /// Optional `LoginOptions` as the whole body, `{}` when empty (OAuth, SSO).
    LoginOptionsBody,
    /// Optional `UpdateOptions`, spread at the top level of the body.
    UpdateOptions,
    /// `myTenants`' selector: `true` (the selected tenant: `dct: true`) or tenant ids (`ids`, at
    /// most 1000, each checked).
    Tenants,
}

/// The delivery methods a method argument allows. (A set rather than a slice in [`Kind`]: a
/// one-byte kind keeps the table small; measured 273 B gzip less.)
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MethodSet {
    All,
    /// A phone update's: no email.
    Phone,
    /// The magic link's: no voice.
    Link,
    /// A magic-link phone update's: SMS or WhatsApp.
    LinkPhone,
}

impl MethodSet {
    pub fn allowed(self) -> &'static [DeliveryMethod] {
        use DeliveryMethod::*;
        match self {
            MethodSet::All => &[Email, Sms, Voice, Whatsapp],
            MethodSet::Phone => &[Sms, Voice, Whatsapp],
            MethodSet::Link => &[Email, Sms, Whatsapp],
            MethodSet::LinkPhone => &[Sms, Whatsapp],
        }
    }
}

/// One argument: its JS name (named in type errors), its kind, and its key in the body or query.
#[derive(Clone, Copy)]
pub struct Arg {
    pub name: &'static str,
    pub kind: Kind,
    pub key: &'static str,
}

/// One method: its declaration in the table.
#[derive(Clone, Copy)]
pub struct Spec {
    pub method: Method,
    /// The path; a `Method` argument adds its last segment, `Query` arguments the query.
    pub path: &'static str,
    pub auth: Credential,
    /// The arguments, in the JS order.
    pub args: &'static [Arg],
    pub answer: Answer,
}

/// An argument as the glue read it (per its [`Kind`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// An optional argument that was `undefined` or `null`.
    Absent,
    Text(String),
    Method(DeliveryMethod),
    User(SignUpUser),
    LoginOptions(LoginOptions),
    UpdateOptions(UpdateOptions),
    /// `myTenants`' selector: `None` for `true`, else the ids.
    Tenants(Option<Vec<String>>),
}

/// Checks `values` (one per argument of `spec`, as the glue read them) in argument order, so the
/// first bad one is the error, and writes the request.
pub fn request(spec: &Spec, values: &[Value]) -> Result<Request, Error> {
    use Kind::*;
    let mut path = String::from(spec.path);
    let mut body = ObjectWriter::new();
    let step_up = spec.auth == Credential::StepUp;
    let flavor = if step_up {
        OptsFlavor::SignIn
    } else {
        OptsFlavor::SignUp
    };
    let mut auth = match spec.auth {
        Credential::Session => Auth::Refresh,
        _ => Auth::Project,
    };
    // Descope's bodies start with the login id and the redirect URL: the other members go to
    // `rest`, appended after them.
    let mut rest = ObjectWriter::new();
    for (arg, value) in spec.args.iter().zip(values) {
        let body = if matches!(arg.kind, LoginId | OptLoginId | RedirectUrl) {
            &mut body
        } else {
            &mut rest
        };
        let key = arg.key;
        let text = match value {
            Value::Text(t) => t.as_str(),
            _ => "",
        };
        match (arg.kind, value) {
            (Method(_), Value::Method(m)) => path.push_str(m.as_str()),
            (RedirectUrl, _) => {
                body.opt_string(key, opt_redirect_url(Some(text))?);
            }
            (Query, _) => {
                let max = MAX_SELECTOR_BYTES;
                bounded(text, max, "invalidArgument", key, NON_EMPTY_256)?;
                query(&mut path, '?', key, text);
            }
            (QueryRedirectUrl, _) => {
                if let Some(u) = opt_redirect_url(Some(text))? {
                    query(&mut path, '&', key, u);
                }
            }
            (User, Value::User(u)) => write_user(body, u)?,
            (LoginOptions | LoginOptionsBody, Value::LoginOptions(o)) => {
                if matches!(arg.kind, LoginOptions) {
                    write_login_options(body, o, flavor)?;
                } else {
                    write_login_members(body, o, flavor)?;
                }
                if step_up && o.needs_session() {
                    auth = Auth::Refresh;
                }
            }
            (UpdateOptions, Value::UpdateOptions(o)) => write_update_options(body, o)?,
            (Tenants, Value::Tenants(None)) => {
                body.bool("dct", true);
            }
            (Tenants, Value::Tenants(Some(ids))) => {
                if ids.len() > MAX_TENANT_IDS {
                    return Err(Error::validation(
                        "invalidTenant",
                        "at most 1000 tenant ids",
                    ));
                }
                for id in ids {
                    check_tenant_id(id)?;
                }
                body.string_array(key, ids);
            }
            (OptLoginId, _) if text.is_empty() => {}
            (kind, Value::Text(text)) => {
                check_text(kind, key, text)?;
                body.string(key, text);
            }
            _ => {}
        }
    }
    body.append(rest);
    let body = (spec.method == crate::request::Method::Post).then(|| body.finish());
    Ok(Request {
        method: spec.method,
        path,
        body,
        auth,
    })
}

/// Checks a string the body carries under `key`.
fn check_text(kind: Kind, key: &str, text: &str) -> Result<(), Error> {
    use Kind::*;
    match kind {
        LoginId | OptLoginId => validate_login_id(text),
        Email if !is_valid_email(text) => Err(Error::validation(
            "invalidEmail",
            "email is not a valid email address",
        )),
        Phone if !is_valid_phone(text) => Err(Error::validation(
            "invalidPhone",
            "phone must look like +15551234567",
        )),
        Code => bounded(text, MAX_CODE_BYTES, "invalidCode", key, NON_EMPTY),
        Token => bounded(text, MAX_OPAQUE_BYTES, "invalidToken", key, NON_EMPTY),
        PendingRef => bounded(text, MAX_OPAQUE_BYTES, "invalidPendingRef", key, NON_EMPTY),
        ExchangeCode => bounded(text, MAX_OPAQUE_BYTES, "invalidCode", key, NON_EMPTY),
        Password => bounded(
            text,
            MAX_PASSWORD_BYTES,
            "invalidPassword",
            key,
            NON_EMPTY_1024,
        ),
        TenantId => check_tenant_id(text),
        _ => Ok(()),
    }
}

fn check_tenant_id(id: &str) -> Result<(), Error> {
    if id.is_empty() || id.len() > MAX_TENANT_ID_BYTES {
        return Err(Error::validation(
            "invalidTenant",
            "tenant ids must be non-empty strings of at most 256 bytes",
        ));
    }
    Ok(())
}

const NON_EMPTY: &str = " must be a non-empty string";
const NON_EMPTY_1024: &str = " must be a non-empty string of at most 1024 bytes";
const NON_EMPTY_256: &str = " must be a non-empty string of at most 256 bytes";

/// `text` must be non-empty and at most `max` bytes; the error names the argument, never its value.
fn bounded(text: &str, max: usize, code: &str, key: &str, what: &str) -> Result<(), Error> {
    if text.is_empty() || text.len() > max {
        let mut d = String::from(key);
        d.push_str(what);
        return Err(Error::validation(code, &d));
    }
    Ok(())
}

/// Appends `<sep><key>=<value>` (the value URI-encoded) to `path`.
fn query(path: &mut String, sep: char, key: &str, value: &str) {
    path.push(sep);
    path.push_str(key);
    path.push('=');
    encode_uri_component(path, value);
}

// The table.

use Answer::*;
use Credential::*;

const fn arg(name: &'static str, kind: Kind) -> Arg {
    Arg {
        name,
        kind,
        key: name,
    }
}

const fn post(path: &'static str, auth: Credential, args: &'static [Arg], answer: Answer) -> Spec {
    Spec {
        method: Method::Post,
        path,
        auth,
        args,
        answer,
    }
}

const fn get(path: &'static str, auth: Credential, answer: Answer) -> Spec {
    Spec {
        method: Method::Get,
        path,
        auth,
        args: &[],
        answer,
    }
}

const LOGIN_ID: Arg = arg("loginId", Kind::LoginId);
/// The link families' redirect URL, sent as `URI`.
const URI: Arg = Arg {
    name: "redirectUrl",
    kind: Kind::RedirectUrl,
    key: "URI",
};
const USER: Arg = arg("user", Kind::User);
const OPTIONS: Arg = Arg {
    name: "options",
    kind: Kind::LoginOptions,
    key: "loginOptions",
};
const UPDATE: Arg = arg("options", Kind::UpdateOptions);
const EMAIL: Arg = arg("email", Kind::Email);
const PHONE: Arg = arg("phone", Kind::Phone);
const TOKEN: Arg = arg("token", Kind::Token);
const PENDING_REF: Arg = arg("pendingRef", Kind::PendingRef);
const EXCHANGE_CODE: Arg = arg("code", Kind::ExchangeCode);
const PASSWORD: Arg = arg("password", Kind::Password);
const QUERY_REDIRECT: Arg = Arg {
    name: "redirectUrl",
    kind: Kind::QueryRedirectUrl,
    key: "redirectURL",
};
const OPTIONS_BODY: Arg = arg("options", Kind::LoginOptionsBody);

const ANY_METHOD: Arg = arg("method", Kind::Method(MethodSet::All));
const PHONE_METHOD: Arg = arg("method", Kind::Method(MethodSet::Phone));
const LINK_METHOD: Arg = arg("method", Kind::Method(MethodSet::Link));
const LINK_PHONE_METHOD: Arg = arg("method", Kind::Method(MethodSet::LinkPhone));

// OTP (§2.1).
pub static OTP_SIGN_UP: Spec = post(
    "/v1/auth/otp/signup/",
    Project,
    &[ANY_METHOD, LOGIN_ID, USER, OPTIONS],
    Shaped(&shape::MASKED),
);
pub static OTP_SIGN_IN: Spec = post(
    "/v1/auth/otp/signin/",
    StepUp,
    &[ANY_METHOD, LOGIN_ID, OPTIONS],
    Shaped(&shape::MASKED),
);
pub static OTP_SIGN_UP_OR_IN: Spec = post(
    "/v1/auth/otp/signup-in/",
    StepUp,
    &[ANY_METHOD, LOGIN_ID, OPTIONS],
    Shaped(&shape::MASKED),
);
pub static OTP_VERIFY: Spec = post(
    "/v1/auth/otp/verify/",
    Project,
    &[ANY_METHOD, LOGIN_ID, arg("code", Kind::Code)],
    SignIn,
);
pub static OTP_UPDATE_EMAIL: Spec = post(
    "/v1/auth/otp/update/email",
    Session,
    &[LOGIN_ID, EMAIL, UPDATE],
    Shaped(&shape::MASKED),
);
pub static OTP_UPDATE_PHONE: Spec = post(
    "/v1/auth/otp/update/phone/",
    Session,
    &[PHONE_METHOD, LOGIN_ID, PHONE, UPDATE],
    Shaped(&shape::MASKED),
);

// Magic link (§2.2).
pub static MAGIC_LINK_SIGN_UP: Spec = post(
    "/v1/auth/magiclink/signup/",
    Project,
    &[LINK_METHOD, LOGIN_ID, URI, USER, OPTIONS],
    Shaped(&shape::MASKED),
);
pub static MAGIC_LINK_SIGN_IN: Spec = post(
    "/v1/auth/magiclink/signin/",
    StepUp,
    &[LINK_METHOD, LOGIN_ID, URI, OPTIONS],
    Shaped(&shape::MASKED),
);
pub static MAGIC_LINK_SIGN_UP_OR_IN: Spec = post(
    "/v1/auth/magiclink/signup-in/",
    StepUp,
    &[LINK_METHOD, LOGIN_ID, URI, OPTIONS],
    Shaped(&shape::MASKED),
);
pub static MAGIC_LINK_VERIFY: Spec = post("/v1/auth/magiclink/verify", Project, &[TOKEN], SignIn);
pub static MAGIC_LINK_UPDATE_EMAIL: Spec = post(
    "/v1/auth/magiclink/update/email",
    Session,
    &[LOGIN_ID, EMAIL, URI, UPDATE],
    Shaped(&shape::MASKED),
);
pub static MAGIC_LINK_UPDATE_PHONE: Spec = post(
    "/v1/auth/magiclink/update/phone/",
    Session,
    &[LINK_PHONE_METHOD, LOGIN_ID, PHONE, URI, UPDATE],
    Shaped(&shape::MASKED),
);

// Enchanted link (§2.3): always by email.
pub static ENCHANTED_LINK_SIGN_UP: Spec = post(
    "/v1/auth/enchantedlink/signup/email",
    Project,
    &[LOGIN_ID, URI, USER, OPTIONS],
    Shaped(&shape::PENDING_LINK),
);
pub static ENCHANTED_LINK_SIGN_IN: Spec = post(
    "/v1/auth/enchantedlink/signin/email",
    StepUp,
    &[LOGIN_ID, URI, OPTIONS],
    Shaped(&shape::PENDING_LINK),
);
pub static ENCHANTED_LINK_SIGN_UP_OR_IN: Spec = post(
    "/v1/auth/enchantedlink/signup-in/email",
    StepUp,
    &[LOGIN_ID, URI, OPTIONS],
    Shaped(&shape::PENDING_LINK),
);
/// The page the link opens.
pub static ENCHANTED_LINK_VERIFY: Spec =
    post("/v1/auth/enchantedlink/verify", Project, &[TOKEN], Void);
pub static ENCHANTED_LINK_UPDATE_EMAIL: Spec = post(
    "/v1/auth/enchantedlink/update/email",
    Session,
    &[LOGIN_ID, EMAIL, URI, UPDATE],
    Shaped(&shape::PENDING_LINK),
);
pub static ENCHANTED_LINK_WAIT: Spec = post(
    "/v1/auth/enchantedlink/pending-session",
    Project,
    &[PENDING_REF],
    Wait(Pending::EnchantedLink),
);

// NOTP (§2.9): the login id may be left out (the phone then comes from the WhatsApp message).
pub static NOTP_SIGN_UP: Spec = post(
    "/v1/auth/notp/whatsapp/signup",
    Project,
    &[arg("loginId", Kind::OptLoginId), USER, OPTIONS],
    Shaped(&shape::PENDING_NOTP),
);
pub static NOTP_SIGN_IN: Spec = post(
    "/v1/auth/notp/whatsapp/signin",
    StepUp,
    &[arg("loginId", Kind::OptLoginId), OPTIONS],
    Shaped(&shape::PENDING_NOTP),
);
pub static NOTP_SIGN_UP_OR_IN: Spec = post(
    "/v1/auth/notp/whatsapp/signup-in",
    StepUp,
    &[arg("loginId", Kind::OptLoginId), OPTIONS],
    Shaped(&shape::PENDING_NOTP),
);
pub static NOTP_WAIT: Spec = post(
    "/v1/auth/notp/pending-session",
    Project,
    &[PENDING_REF],
    Wait(Pending::Notp),
);

// OAuth (§2.4) and SSO (§2.5, the `saml/*` paths the JS SDK uses). An SSO `tenant` is a tenant
// id or an email whose domain names one.
pub static OAUTH_START: Spec = post(
    "/v1/auth/oauth/authorize",
    StepUp,
    &[arg("provider", Kind::Query), QUERY_REDIRECT, OPTIONS_BODY],
    Shaped(&shape::URL),
);
pub static OAUTH_EXCHANGE: Spec =
    post("/v1/auth/oauth/exchange", Project, &[EXCHANGE_CODE], SignIn);
pub static SSO_START: Spec = post(
    "/v1/auth/saml/authorize",
    StepUp,
    &[arg("tenant", Kind::Query), QUERY_REDIRECT, OPTIONS_BODY],
    Shaped(&shape::URL),
);
pub static SSO_EXCHANGE: Spec = post("/v1/auth/saml/exchange", Project, &[EXCHANGE_CODE], SignIn);

// TOTP (§2.6).
pub static TOTP_SIGN_UP: Spec = post(
    "/v1/auth/totp/signup",
    Project,
    &[LOGIN_ID, USER],
    Shaped(&shape::TOTP),
);
pub static TOTP_VERIFY: Spec = post(
    "/v1/auth/totp/verify",
    StepUp,
    &[LOGIN_ID, arg("code", Kind::Code), OPTIONS],
    SignIn,
);
pub static TOTP_UPDATE: Spec = post(
    "/v1/auth/totp/update",
    Session,
    &[LOGIN_ID],
    Shaped(&shape::TOTP),
);

// Password (§2.7).
pub static PASSWORD_SIGN_UP: Spec = post(
    "/v1/auth/password/signup",
    Project,
    &[LOGIN_ID, PASSWORD, USER, OPTIONS],
    SignIn,
);
pub static PASSWORD_SIGN_IN: Spec = post(
    "/v1/auth/password/signin",
    StepUp,
    &[LOGIN_ID, PASSWORD, OPTIONS],
    SignIn,
);
pub static PASSWORD_REPLACE: Spec = post(
    "/v1/auth/password/replace",
    Project,
    &[
        LOGIN_ID,
        arg("oldPassword", Kind::Password),
        arg("newPassword", Kind::Password),
    ],
    SignIn,
);
/// Answers `{resetMethod, maskedEmail?}`; the redirect URL is sent as `redirectUrl`.
pub static PASSWORD_SEND_RESET: Spec = post(
    "/v1/auth/password/reset",
    Project,
    &[LOGIN_ID, arg("redirectUrl", Kind::RedirectUrl)],
    Shaped(&shape::RESET),
);
pub static PASSWORD_UPDATE: Spec = post(
    "/v1/auth/password/update",
    Session,
    &[LOGIN_ID, arg("newPassword", Kind::Password)],
    Void,
);
pub static PASSWORD_POLICY: Spec = get("/v1/auth/password/policy", Project, Shaped(&shape::POLICY));

/// The signed-in user.
pub static ME: Spec = get("/v1/auth/me", Session, Shaped(&shape::USER));

// Tenants and history (§2.10).
/// Answers a session whose tokens carry `dct`.
pub static SELECT_TENANT: Spec = post(
    "/v1/auth/tenant/select",
    Session,
    &[Arg {
        name: "tenantId",
        kind: Kind::TenantId,
        key: "tenant",
    }],
    SignIn,
);
/// The signed-in user's tenants: `{tenants: [...]}`.
pub static MY_TENANTS: Spec = post(
    "/v1/auth/me/tenants",
    Session,
    &[Arg {
        name: "selector",
        kind: Kind::Tenants,
        key: "ids",
    }],
    Shaped(&shape::TENANTS),
);
/// A bare array of entries, newest first.
pub static HISTORY: Spec = get("/v1/auth/me/history", Session, Shaped(&shape::HISTORY));
