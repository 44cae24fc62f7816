//! The `Session` class: an immutable snapshot of a signed-in session.

#[allow(unused_imports)]
use crate::prelude::*;
use alloc::rc::Rc;

use descope_core::session::SessionData;
use js_sys::Array;
use wasm_bindgen::prelude::*;

use crate::client::now_ms;
use crate::str_array;

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

fn parse_json(text: &str) -> JsValue {
    js_sys::JSON::parse(text).unwrap_or(JsValue::UNDEFINED)
}

#[wasm_bindgen]
impl Session {
    /// The session JWT, to send to your backend.
    #[wasm_bindgen(getter, js_name = sessionJwt)]
    pub fn session_jwt(&self) -> String {
        self.data.session_jwt.clone()
    }

    /// The refresh JWT, when the SDK holds one.
    #[wasm_bindgen(getter, js_name = refreshJwt)]
    pub fn refresh_jwt(&self) -> Option<String> {
        self.data.refresh_jwt.clone()
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
    #[wasm_bindgen(getter, js_name = userId)]
    pub fn user_id(&self) -> String {
        self.data.user_id().to_string()
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
    #[wasm_bindgen(getter, js_name = refreshExpiresAt)]
    pub fn refresh_expires_at(&self) -> Option<f64> {
        self.data.refresh_expires_at_ms().map(|v| v as f64)
    }

    /// Authentication methods used (`amr`), e.g. `["email", "mfa"]`.
    #[wasm_bindgen(getter, unchecked_return_type = "string[]")]
    pub fn amr(&self) -> Array {
        str_array(self.data.session.amr())
    }

    /// True after a step-up sign-in (`su` claim).
    #[wasm_bindgen(getter, js_name = stepUp)]
    pub fn step_up(&self) -> bool {
        self.data.session.step_up()
    }

    /// Tenant ids of the `tenants` claim.
    #[wasm_bindgen(getter, unchecked_return_type = "string[]")]
    pub fn tenants(&self) -> Array {
        str_array(self.data.session.tenants())
    }

    /// The selected tenant (`dct`).
    #[wasm_bindgen(getter, js_name = currentTenant)]
    pub fn current_tenant(&self) -> Option<String> {
        self.data.session.current_tenant().map(str::to_string)
    }

    /// Whether the session JWT has expired (judged with the clock-skew estimate).
    #[wasm_bindgen(js_name = isExpired)]
    pub fn is_expired(&self) -> bool {
        self.data.is_expired(now_ms())
    }

    /// Project roles, or a tenant's roles.
    #[wasm_bindgen(unchecked_return_type = "string[]")]
    pub fn roles(&self, tenant: Option<String>) -> Array {
        str_array(self.data.session.roles(tenant.as_deref()))
    }

    /// Project permissions, or a tenant's permissions.
    #[wasm_bindgen(unchecked_return_type = "string[]")]
    pub fn permissions(&self, tenant: Option<String>) -> Array {
        str_array(self.data.session.permissions(tenant.as_deref()))
    }
}
