//! What the client tells the app: session events to `onSessionChange` listeners and log lines to
//! the configured logger (never a token or code in either).

use js_sys::{Function, Object};
use wasm_bindgen::prelude::*;

use descope_core::session::{Event, EventType, SessionData};

use crate::client::{js_str, Inner};
use crate::js::set;
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

/// The `onSessionChange` listeners by subscription index. Unsubscribing leaves a tombstone (O(1),
/// 4 bytes kept per subscription ever made); indexes are never reused, so calling an unsubscribe
/// twice cannot remove a later listener. Listeners are called in subscription order.
#[derive(Default)]
pub(crate) struct Listeners(Vec<Option<Function>>);

impl Listeners {
    /// Adds `f`; returns its index, for `remove`.
    pub(crate) fn add(&mut self, f: Function) -> usize {
        self.0.push(Some(f));
        self.0.len() - 1
    }

    pub(crate) fn remove(&mut self, i: usize) {
        if let Some(slot) = self.0.get_mut(i) {
            *slot = None;
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.0.iter().flatten().count()
    }

    pub(crate) fn clear(&mut self) {
        self.0.clear();
    }

    fn snapshot(&self) -> Vec<Function> {
        self.0.iter().flatten().cloned().collect()
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
        // Never run a listener while holding the cross-tab lock: it may call back into the SDK.
        self.unlock();
        if self.disposed.get() {
            return;
        }
        self.log(
            "info",
            "sessionChange",
            &[("type", Field::Str(ev.kind.as_str()))],
        );
        // Snapshot first: a listener may subscribe, unsubscribe or call the SDK (F33).
        let listeners = self.listeners.borrow().snapshot();
        if listeners.is_empty() {
            // No event object, and no `Session` (freed only when V8 collects it), for nobody.
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
        for f in listeners {
            if f.call1(&JsValue::NULL, &obj).is_err() {
                self.log("warn", "listenerThrew", &[]);
            }
        }
    }
}
