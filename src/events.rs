//! What the client tells the app: session events to `onSessionChange` listeners and log lines to
//! the configured logger (never a token or code in either).

use js_sys::{Function, Object};
use wasm_bindgen::prelude::*;

use descope_core::session::{Event, EventType, SessionData};

use crate::client::{js_str, Inner};
use crate::error::set;
#[allow(unused_imports)]
use crate::prelude::*;
use crate::session::Session;
use alloc::rc::Rc;

/// A logger field's value. Call sites pass these rather than `JsValue`s, so that no JS value is made
/// (and no glue code is emitted at every call site) unless a logger is set.
#[derive(Clone, Copy)]
pub(crate) enum Field<'a> {
    Str(&'a str),
    Num(f64),
    Undefined,
}

impl Field<'_> {
    pub(crate) fn into_js(self) -> JsValue {
        match self {
            Field::Str(s) => js_str(s),
            Field::Num(n) => JsValue::from_f64(n),
            Field::Undefined => JsValue::UNDEFINED,
        }
    }
}

impl Inner {
    pub(crate) fn log(&self, level: &str, event: &str, fields: &[(&str, Field)]) {
        let Some(logger) = &self.logger else { return };
        let obj = Object::new();
        for &(k, v) in fields {
            set(&obj, k, &v.into_js());
        }
        let _ = logger.call3(&JsValue::NULL, &js_str(level), &js_str(event), &obj);
    }

    pub(crate) fn emit(&self, ev: Event, session: Option<Rc<SessionData>>) {
        if self.disposed.get() {
            return;
        }
        let obj = Object::new();
        set(&obj, "type", &js_str(ev.kind.as_str()));
        let s = match session {
            Some(s) if ev.kind != EventType::SignedOut => JsValue::from(Session::new(s)),
            _ => JsValue::UNDEFINED,
        };
        set(&obj, "session", &s);
        if let Some(r) = ev.reason {
            set(&obj, "reason", &js_str(r.as_str()));
        }
        self.log(
            "info",
            "sessionChange",
            &[("type", Field::Str(ev.kind.as_str()))],
        );
        // Snapshot first: a listener may subscribe, unsubscribe or call the SDK (F33).
        let listeners: Vec<Function> = self
            .listeners
            .borrow()
            .iter()
            .map(|(_, f)| f.clone())
            .collect();
        for f in listeners {
            if f.call1(&JsValue::NULL, &obj).is_err() {
                self.log("warn", "listenerThrew", &[]);
            }
        }
    }
}
