//! F01, F04, F06, F07, F36, F31, F32: any stored `DSR`/`DS` pair through restore and the judgement
//! of another tab's write. Deterministic, never a panic.
#![no_main]
use descope_core::storage::{restore, tab_change, Held};
use libfuzzer_sys::fuzz_target;

const NOW: u64 = 1_700_000_000_000;

fuzz_target!(|input: (Option<&str>, Option<&str>, Option<&str>, bool)| {
    let (dsr, ds, key, held) = input;
    let a = restore(dsr, ds, "P2abc", NOW);
    assert_eq!(a, restore(dsr, ds, "P2abc", NOW));
    if a.session.is_some() {
        assert!(a.dropped.is_none() && !a.remove_refresh);
    }
    let h = if held {
        Held { refresh: Some("r"), session: Some("s"), user: Some("U1") }
    } else {
        Held::default()
    };
    let x = tab_change(key, "app.", dsr, ds, "P2abc", NOW, h);
    assert_eq!(x, tab_change(key, "app.", dsr, ds, "P2abc", NOW, h));
});
