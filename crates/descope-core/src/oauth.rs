//! OAuth (descope-api.md §2.4) and SSO (§2.5, the `saml/*` paths the JS SDK uses) requests.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::config::encode_uri_component;
use crate::error::Error;
use crate::json::ObjectWriter;
use crate::links::opaque;
use crate::redirect::opt_redirect_url;
use crate::request::{check_options_json, post, Auth, LoginOptions, Request};

/// Longest provider name or tenant (id or email) accepted.
pub const MAX_SELECTOR_BYTES: usize = 256;

/// `loginOptions` sent as the whole body (not wrapped), `{}` when empty (§2.4).
fn login_options_body(o: &LoginOptions) -> Result<String, Error> {
    let mut w = ObjectWriter::new();
    if o.stepup {
        w.bool("stepup", true);
    }
    if o.mfa {
        w.bool("mfa", true);
    }
    if let Some(c) = &o.custom_claims {
        check_options_json(c, false, "customClaims")?;
        w.raw("customClaims", c);
    }
    if let Some(t) = &o.template_options {
        check_options_json(t, true, "templateOptions")?;
        w.raw("templateOptions", t);
    }
    Ok(w.finish())
}

/// `POST <base>?<key>=<value>[&redirectURL=<url>]` with the login options as the body.
fn authorize(
    base: &str,
    key: &str,
    value: &str,
    redirect_url: Option<&str>,
    opts: &LoginOptions,
) -> Result<Request, Error> {
    if value.is_empty() || value.len() > MAX_SELECTOR_BYTES {
        let mut d = String::from(key);
        d.push_str(" must be a non-empty string of at most 256 bytes");
        return Err(Error::validation("invalidArgument", &d));
    }
    let redirect = opt_redirect_url(redirect_url)?;
    let body = login_options_body(opts)?;
    let mut p = String::from(base);
    p.push('?');
    p.push_str(key);
    p.push('=');
    encode_uri_component(&mut p, value);
    if let Some(r) = redirect {
        p.push_str("&redirectURL=");
        encode_uri_component(&mut p, r);
    }
    let auth = if opts.needs_session() {
        Auth::Refresh
    } else {
        Auth::Project
    };
    Ok(post(p, body, auth))
}

/// `POST /v1/auth/oauth/authorize?provider=…&redirectURL=…` → `{url}`.
pub fn oauth_start(
    provider: &str,
    redirect_url: Option<&str>,
    opts: &LoginOptions,
) -> Result<Request, Error> {
    authorize(
        "/v1/auth/oauth/authorize",
        "provider",
        provider,
        redirect_url,
        opts,
    )
}

/// `POST /v1/auth/oauth/exchange` with `{code}` → JWTResponse.
pub fn oauth_exchange(code: &str) -> Result<Request, Error> {
    opaque("/v1/auth/oauth/exchange", "code", code, "invalidCode")
}

/// `POST /v1/auth/saml/authorize?tenant=…&redirectURL=…` → `{url}`. `tenant` is a tenant id or an
/// email whose domain names one.
pub fn sso_start(
    tenant: &str,
    redirect_url: Option<&str>,
    opts: &LoginOptions,
) -> Result<Request, Error> {
    authorize(
        "/v1/auth/saml/authorize",
        "tenant",
        tenant,
        redirect_url,
        opts,
    )
}

/// `POST /v1/auth/saml/exchange` with `{code}` → JWTResponse.
pub fn sso_exchange(code: &str) -> Result<Request, Error> {
    opaque("/v1/auth/saml/exchange", "code", code, "invalidCode")
}
