//! The `Session` class: an immutable snapshot of a signed-in session.

use alloc::rc::Rc;

use descope_core::jwt::Jwt;
use descope_core::session::SessionData;
use wasm_bindgen::prelude::*;

use crate::client::now_ms;
use crate::js::parse_json;
use crate::{authz_list, opt_str, str_array};

/// An immutable snapshot of a signed-in session. Claims are decoded, not verified:
/// authorization decisions belong on the server.
#[wasm_bindgen]
pub struct Session {
    data: Rc<SessionData>,
}

impl Session {
    pub(crate) fn new(data: Rc<SessionData>) -> Session {
        Session { data }
    }
}

#[wasm_bindgen]
impl Session {
    /// The session JWT, to send to your backend (`""` in cookie mode: the browser sends it as the
    /// `DS` cookie).
    #[wasm_bindgen(getter, js_name = sessionJwt, unchecked_return_type = "string")]
    pub fn session_jwt(&self) -> JsValue {
        JsValue::from_str(&self.data.session_jwt)
    }

    /// The refresh JWT, when the SDK holds one (never in cookie mode).
    #[wasm_bindgen(getter, js_name = refreshJwt, unchecked_return_type = "string | undefined")]
    pub fn refresh_jwt(&self) -> JsValue {
        // Cookie mode's credential is the empty string (the cookie): no token to show.
        opt_str(self.data.refresh_jwt.as_deref().filter(|t| !t.is_empty()))
    }

    /// The user object from the sign-in response (not present on a session restored from storage).
    #[wasm_bindgen(getter, unchecked_return_type = "User | undefined")]
    pub fn user(&self) -> JsValue {
        match &self.data.user_json {
            Some(u) => parse_json(u),
            None => JsValue::UNDEFINED,
        }
    }

    /// The user id (`sub`, or `dsub` when present).
    #[wasm_bindgen(getter, js_name = userId, unchecked_return_type = "string")]
    pub fn user_id(&self) -> JsValue {
        JsValue::from_str(self.data.user_id())
    }

    /// The decoded session JWT payload (not verified).
    #[wasm_bindgen(getter, unchecked_return_type = "Record<string, unknown>")]
    pub fn claims(&self) -> JsValue {
        parse_json(self.data.session.payload_json())
    }

    /// Expiry in ms since the epoch on this device's clock (corrected by the clock-skew estimate).
    #[wasm_bindgen(getter, js_name = expiresAt)]
    pub fn expires_at(&self) -> f64 {
        self.data.expires_at_ms() as f64
    }

    /// Refresh-token expiry in ms since the epoch, when known.
    #[wasm_bindgen(
        getter,
        js_name = refreshExpiresAt,
        unchecked_return_type = "number | undefined"
    )]
    pub fn refresh_expires_at(&self) -> JsValue {
        self.data
            .refresh_expires_at_ms()
            .map_or(JsValue::UNDEFINED, |v| JsValue::from_f64(v as f64))
    }

    /// Authentication methods used (`amr`), e.g. `["email", "mfa"]`.
    #[wasm_bindgen(getter, unchecked_return_type = "string[]")]
    pub fn amr(&self) -> JsValue {
        str_array(self.data.session.amr())
    }

    /// True after a step-up sign-in (`su` claim).
    #[wasm_bindgen(getter, js_name = stepUp)]
    pub fn step_up(&self) -> bool {
        self.data.session.step_up()
    }

    /// Tenant ids of the `tenants` claim.
    #[wasm_bindgen(getter, unchecked_return_type = "string[]")]
    pub fn tenants(&self) -> JsValue {
        str_array(self.data.session.tenants())
    }

    /// The selected tenant (`dct`).
    #[wasm_bindgen(
        getter,
        js_name = currentTenant,
        unchecked_return_type = "string | undefined"
    )]
    pub fn current_tenant(&self) -> JsValue {
        opt_str(self.data.session.current_tenant())
    }

    /// Whether the session JWT has expired (judged with the clock-skew estimate).
    #[wasm_bindgen(js_name = isExpired)]
    pub fn is_expired(&self) -> bool {
        self.data.is_expired(now_ms())
    }

    /// Project roles, or a tenant's roles.
    #[wasm_bindgen(unchecked_return_type = "string[]")]
    pub fn roles(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "string | null")] tenant: JsValue,
    ) -> JsValue {
        authz_list(&self.data.session, &tenant, Jwt::roles)
    }

    /// Project permissions, or a tenant's permissions.
    #[wasm_bindgen(unchecked_return_type = "string[]")]
    pub fn permissions(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "string | null")] tenant: JsValue,
    ) -> JsValue {
        authz_list(&self.data.session, &tenant, Jwt::permissions)
    }
}
