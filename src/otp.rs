//! The `Otp` class (descope-api.md §2.1). Inputs are read and validated before any request.

#[allow(unused_imports)]
use crate::prelude::*;
use alloc::rc::Rc;

use descope_core::request::{LoginOptions, SignUpUser, UpdateOptions};
use descope_core::wire;
use descope_core::Error;
use js_sys::{Promise, Reflect};
use wasm_bindgen::prelude::*;

use crate::client::Inner;
use crate::families::go;
use crate::types::{DeliveryMethodJs, PhoneMethodJs};

pub(crate) fn field(obj: &JsValue, key: &str) -> JsValue {
    Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn invalid(name: &str, what: &str) -> Error {
    let mut d = String::from(name);
    d.push_str(what);
    Error::validation("invalidArgument", &d)
}

pub(crate) fn str_arg(v: &JsValue, name: &str) -> Result<String, Error> {
    v.as_string()
        .ok_or_else(|| invalid(name, " must be a string"))
}

fn opt_str_field(obj: &JsValue, key: &str) -> Result<Option<String>, Error> {
    let v = field(obj, key);
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    str_arg(&v, key).map(Some)
}

fn opt_bool_field(obj: &JsValue, key: &str) -> Result<Option<bool>, Error> {
    let v = field(obj, key);
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    v.as_bool()
        .map(Some)
        .ok_or_else(|| invalid(key, " must be a boolean"))
}

pub(crate) fn object_arg<'a>(
    v: Option<&'a JsValue>,
    name: &str,
) -> Result<Option<&'a JsValue>, Error> {
    match v {
        None => Ok(None),
        Some(v) if v.is_undefined() || v.is_null() => Ok(None),
        Some(v) if v.is_object() && !js_sys::Array::is_array(v) => Ok(Some(v)),
        Some(_) => Err(invalid(name, " must be an object")),
    }
}

/// An object-valued option as JSON text (the core checks its shape).
fn json_field(obj: &JsValue, key: &str) -> Result<Option<String>, Error> {
    let v = field(obj, key);
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    object_arg(Some(&v), key)?;
    js_sys::JSON::stringify(&v)
        .ok()
        .and_then(|s| s.as_string())
        .map(Some)
        .ok_or_else(|| invalid(key, " must be JSON-serialisable"))
}

pub(crate) fn login_options(v: Option<&JsValue>) -> Result<LoginOptions, Error> {
    let Some(o) = object_arg(v, "options")? else {
        return Ok(LoginOptions::default());
    };
    Ok(LoginOptions {
        stepup: opt_bool_field(o, "stepup")?.unwrap_or(false),
        mfa: opt_bool_field(o, "mfa")?.unwrap_or(false),
        custom_claims: json_field(o, "customClaims")?,
        template_options: json_field(o, "templateOptions")?,
    })
}

pub(crate) fn sign_up_user(v: Option<&JsValue>) -> Result<Option<SignUpUser>, Error> {
    let Some(o) = object_arg(v, "user")? else {
        return Ok(None);
    };
    Ok(Some(SignUpUser {
        name: opt_str_field(o, "name")?,
        given_name: opt_str_field(o, "givenName")?,
        middle_name: opt_str_field(o, "middleName")?,
        family_name: opt_str_field(o, "familyName")?,
        email: opt_str_field(o, "email")?,
        phone: opt_str_field(o, "phone")?,
    }))
}

pub(crate) fn update_options(v: Option<&JsValue>) -> Result<UpdateOptions, Error> {
    let Some(o) = object_arg(v, "options")? else {
        return Ok(UpdateOptions::default());
    };
    Ok(UpdateOptions {
        add_to_login_ids: opt_bool_field(o, "addToLoginIDs")?,
        on_merge_use_existing: opt_bool_field(o, "onMergeUseExisting")?,
        template_options: json_field(o, "templateOptions")?,
    })
}

/// One-time-password sign-in: a code is sent by email, SMS, voice or WhatsApp, then verified.
#[wasm_bindgen]
pub struct Otp {
    inner: Rc<Inner>,
}

impl Otp {
    pub(crate) fn new(inner: Rc<Inner>) -> Otp {
        Otp { inner }
    }
}

#[wasm_bindgen]
impl Otp {
    /// Signs up a new user and sends a code.
    ///
    /// # Errors
    /// `validation` for bad input (no request is sent); `api` `E062107` when the user exists.
    #[wasm_bindgen(js_name = signUp, unchecked_return_type = "Promise<MaskedAddress>")]
    pub fn sign_up(
        &self,
        method: DeliveryMethodJs,
        #[wasm_bindgen(js_name = loginId, unchecked_param_type = "string")] login_id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "SignUpUser | null")] user: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "LoginOptions | null")] options: JsValue,
    ) -> Promise {
        go(
            &self.inner,
            &wire::OTP_SIGN_UP,
            &[&method, &login_id, &user, &options],
        )
    }

    /// Sends a code to an existing user. With `stepup`/`mfa`, needs a session.
    ///
    /// # Errors
    /// `validation` for bad input; `unauthenticated` for step-up/MFA without a session (no
    /// request is sent); `api` `E062108` for an unknown user.
    #[wasm_bindgen(js_name = signIn, unchecked_return_type = "Promise<MaskedAddress>")]
    pub fn sign_in(
        &self,
        method: DeliveryMethodJs,
        #[wasm_bindgen(js_name = loginId, unchecked_param_type = "string")] login_id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "LoginOptions | null")] options: JsValue,
    ) -> Promise {
        go(
            &self.inner,
            &wire::OTP_SIGN_IN,
            &[&method, &login_id, &options],
        )
    }

    /// Sends a code, creating the user first if needed.
    #[wasm_bindgen(js_name = signUpOrIn, unchecked_return_type = "Promise<MaskedAddress>")]
    pub fn sign_up_or_in(
        &self,
        method: DeliveryMethodJs,
        #[wasm_bindgen(js_name = loginId, unchecked_param_type = "string")] login_id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "LoginOptions | null")] options: JsValue,
    ) -> Promise {
        go(
            &self.inner,
            &wire::OTP_SIGN_UP_OR_IN,
            &[&method, &login_id, &options],
        )
    }

    /// Verifies a code; the new session becomes current, is persisted and announced.
    ///
    /// # Errors
    /// `api` `E061102` for a wrong code.
    #[wasm_bindgen(unchecked_return_type = "Promise<Session>")]
    pub fn verify(
        &self,
        method: DeliveryMethodJs,
        #[wasm_bindgen(js_name = loginId, unchecked_param_type = "string")] login_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] code: JsValue,
    ) -> Promise {
        go(&self.inner, &wire::OTP_VERIFY, &[&method, &login_id, &code])
    }

    /// Sends a code to a new email address of the signed-in user (confirm with `verify("email", …)`).
    #[wasm_bindgen(js_name = updateEmail, unchecked_return_type = "Promise<MaskedAddress>")]
    pub fn update_email(
        &self,
        #[wasm_bindgen(js_name = loginId, unchecked_param_type = "string")] login_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] email: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "UpdateOptions | null")] options: JsValue,
    ) -> Promise {
        go(
            &self.inner,
            &wire::OTP_UPDATE_EMAIL,
            &[&login_id, &email, &options],
        )
    }

    /// Sends a code to a new phone number of the signed-in user.
    #[wasm_bindgen(js_name = updatePhone, unchecked_return_type = "Promise<MaskedAddress>")]
    pub fn update_phone(
        &self,
        method: PhoneMethodJs,
        #[wasm_bindgen(js_name = loginId, unchecked_param_type = "string")] login_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] phone: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "UpdateOptions | null")] options: JsValue,
    ) -> Promise {
        go(
            &self.inner,
            &wire::OTP_UPDATE_PHONE,
            &[&method, &login_id, &phone, &options],
        )
    }
}
