//! Following other tabs of the same origin and storage prefix through the window `storage` event
//! (localStorage only, F31, F32, F36; the listener is in lifecycle.rs). In cookie mode the tokens
//! are not in storage: the login indicator tells (`storage::cookie_tab_change`).

#[allow(unused_imports)]
use crate::prelude::*;
use alloc::rc::Rc;

use descope_core::storage::{self as core_storage, Held, TabChange};

use crate::client::{now_ms, Inner};

impl Inner {
    /// Another tab changed storage (`key`; `None` when it was cleared): re-read it and follow the
    /// core's verdict (F31, F32, F36); the one network call is cookie mode's try-refresh after
    /// another tab signed in. A refresh of ours still in flight is thrown away by the generation
    /// check, since every transition here bumps it.
    pub(crate) fn on_storage(self: &Rc<Self>, key: Option<String>) {
        let change = if self.cfg.cookie_mode() {
            let indicator = self.store.get(core_storage::LOGIN_INDICATOR_KEY);
            let held = self.state.borrow().has_credentials();
            core_storage::cookie_tab_change(key.as_deref(), indicator.as_deref(), held)
        } else {
            let (dsr, ds) = self.stored();
            let st = self.state.borrow();
            let cur = st.current();
            let refresh = st.refresh_token();
            core_storage::tab_change(
                key.as_deref(),
                &self.cfg.storage_prefix,
                dsr.as_deref(),
                ds.as_deref(),
                &self.cfg.project_id,
                now_ms(),
                Held::of(refresh.as_deref(), cur.as_deref()),
            )
        };
        match change {
            TabChange::Keep => {}
            TabChange::Adopt(mut data, kind) => {
                data.skew_ms = self.skew_ms();
                self.commit(data, kind, false);
            }
            TabChange::Dormant(t, j) => {
                self.state.borrow_mut().restore(None, Some((t, Some(j))));
                self.schedule();
            }
            TabChange::Fetch => {
                // What a reload does (one try-refresh), announced as this tab's `signedIn`.
                self.restore_on_load();
                self.restoring.set(false);
            }
            TabChange::SignOut {
                reason,
                remove_refresh,
                remove_session,
            } => {
                if remove_refresh {
                    self.store.remove(&self.refresh_key);
                }
                if remove_session {
                    self.store.remove(&self.session_key);
                }
                self.sign_out(reason);
            }
        }
    }
}
