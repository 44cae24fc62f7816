//! Success bodies the SDK hands back to the caller as plain JS values: the listed fields are checked
//! and copied, under their JS names, into a new JSON text that the glue gives to `JSON.parse`. So one
//! small routine serves every such response, and an unexpected body is a typed `protocol` error
//! instead of a half-filled object (bodies are never echoed, F10).

#[allow(unused_imports)]
use crate::prelude::*;

use crate::error::Error;
use crate::json::{write_string, Value};
use crate::response::{invalid_response, parse_body};

/// What a field must hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A string, required.
    Str,
    /// A string, copied when present (a missing, `null` or empty one is left out).
    OptStr,
    /// Copied when it is a string (even an empty one); anything else is left out.
    IfStr,
    /// A plain integer, required.
    Int,
    /// A boolean, required.
    Bool,
    /// An array of objects, required (each element copied as is).
    Objects,
}

/// One field: its wire name, its JS name and its kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Field(pub &'static str, pub &'static str, pub Kind);

/// The shape of a success body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// An object; only these fields are kept.
    Object(&'static [Field]),
    /// A bare array of objects (`/v1/auth/me/history`).
    Objects,
    /// Any object, copied as it is (`/v1/auth/me`).
    AnyObject,
}

use Kind::*;

/// `MaskedAddress`: where a code or link was sent.
pub const MASKED: Shape = Shape::Object(&[
    Field("maskedEmail", "maskedEmail", IfStr),
    Field("maskedPhone", "maskedPhone", IfStr),
]);
/// Enchanted-link sign-in: `PendingLink`.
pub const PENDING_LINK: Shape = Shape::Object(&[
    Field("pendingRef", "pendingRef", Str),
    Field("linkId", "linkId", Str),
    Field("maskedEmail", "maskedEmail", Str),
]);
/// NOTP sign-in: `PendingNotp`.
pub const PENDING_NOTP: Shape = Shape::Object(&[
    Field("pendingRef", "pendingRef", Str),
    Field("redirectUrl", "redirectUrl", Str),
    Field("image", "image", Str),
]);
/// OAuth / SSO start: `{url}`.
pub const URL: Shape = Shape::Object(&[Field("url", "url", Str)]);
/// TOTP sign-up / update: the wire's `provisioningURL` becomes `provisioningUrl`.
pub const TOTP: Shape = Shape::Object(&[
    Field("provisioningURL", "provisioningUrl", Str),
    Field("image", "image", Str),
    Field("key", "key", Str),
]);
/// Password reset: `{resetMethod, maskedEmail?}`.
pub const RESET: Shape = Shape::Object(&[
    Field("resetMethod", "resetMethod", Str),
    Field("maskedEmail", "maskedEmail", OptStr),
]);
/// `PasswordPolicy`.
pub const POLICY: Shape = Shape::Object(&[
    Field("minLength", "minLength", Int),
    Field("lowercase", "lowercase", Bool),
    Field("uppercase", "uppercase", Bool),
    Field("number", "number", Bool),
    Field("nonAlphanumeric", "nonAlphanumeric", Bool),
]);
/// `myTenants`: `{tenants: Tenant[]}`.
pub const TENANTS: Shape = Shape::Object(&[Field("tenants", "tenants", Objects)]);
/// `history`: `LoginHistoryEntry[]`.
pub const HISTORY: Shape = Shape::Objects;
/// `me`: the user object.
pub const USER: Shape = Shape::AnyObject;

fn objects(v: &Value) -> Option<&[Value]> {
    v.as_array()
        .filter(|a| a.iter().all(|e| e.as_object().is_some()))
}

/// Checks a 2xx body against `shape` and returns the JSON text to hand to the caller.
pub fn reshape(status: u16, body: &str, shape: Shape) -> Result<String, Error> {
    let bad = || invalid_response(status);
    let v = parse_body(status, body)?;
    let fields = match shape {
        Shape::Objects => return objects(&v).map(|_| v.to_json()).ok_or_else(bad),
        Shape::AnyObject => return v.as_object().map(|_| v.to_json()).ok_or_else(bad),
        Shape::Object(f) => f,
    };
    v.as_object().ok_or_else(bad)?;
    let mut out = String::from("{");
    for &Field(wire, js, kind) in fields {
        let val = match (kind, v.get(wire)) {
            (OptStr, None | Some(Value::Null)) => continue,
            (OptStr, Some(Value::String(s))) if s.is_empty() => continue,
            (Str | OptStr | IfStr, Some(x @ Value::String(_))) => x,
            (IfStr, _) => continue,
            (Bool, Some(x @ Value::Bool(_))) => x,
            (Int, Some(x)) if x.as_i64().is_some() => x,
            (Objects, Some(x)) if objects(x).is_some() => x,
            _ => return Err(bad()),
        };
        if out.len() > 1 {
            out.push(',');
        }
        write_string(&mut out, js);
        out.push(':');
        out.push_str(&val.to_json());
    }
    out.push('}');
    Ok(out)
}
