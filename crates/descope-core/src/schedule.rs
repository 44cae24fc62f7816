//! When to refresh: lifetime-based lead (immune to clock skew, F26), timer clamping (F27) and
//! backoff after failures (F20, F22, F15), or waiting for `online` (F24). Every result is a whole
//! number of ms within bounds, so no NaN or zero-delay timer can reach JS.

use crate::error::{Error, ErrorKind};

/// Largest delay `setTimeout` honours; longer ones are armed in steps and re-armed (F27).
pub const MAX_TIMER_MS: u64 = 2_147_483_647;
/// No scheduled refresh runs sooner than this.
pub const MIN_DELAY_MS: u64 = 1_000;
/// After a failure that is not transient (neither network nor 5xx), at most one attempt per minute.
pub const FAILURE_DELAY_MS: u64 = 60_000;
/// Backoff cap for network errors: once the server is back, the session is too within this
/// (G14, when no `online` event tells us).
pub const MAX_BACKOFF_MS: u64 = 30_000;
/// While the browser reports itself offline, a refresh that failed on the network waits for the
/// `online` event (which refreshes at once) with only this slow check in case it never fires
/// (F24, G6).
pub const OFFLINE_RETRY_MS: u64 = 300_000;
/// Used when the session lifetime is unknown (F04: a check every 60 s at most).
pub const UNKNOWN_LIFETIME_DELAY_MS: u64 = 60_000;

/// How long before expiry to refresh: a fifth of the lifetime, between 1 s and 60 s.
pub fn lead_ms(lifetime_ms: u64) -> u64 {
    (lifetime_ms / 5).clamp(1_000, 60_000)
}

/// Delay until the next scheduled refresh of a session expiring at `expires_at_ms` (client clock,
/// skew-corrected). `last_refresh_at_ms` guards against a storm when tokens arrive already close to
/// expiry: then at least half a lifetime (1 s–60 s) passes between refreshes.
pub fn refresh_delay_ms(
    now_ms: u64,
    expires_at_ms: u64,
    lifetime_ms: Option<u64>,
    last_refresh_at_ms: Option<u64>,
) -> u64 {
    let Some(lifetime) = lifetime_ms.filter(|l| *l > 0) else {
        return UNKNOWN_LIFETIME_DELAY_MS;
    };
    let due = expires_at_ms.saturating_sub(lead_ms(lifetime));
    let mut delay = due.saturating_sub(now_ms).max(MIN_DELAY_MS);
    if let Some(last) = last_refresh_at_ms {
        let floor = (lifetime / 2).clamp(MIN_DELAY_MS, 60_000);
        let since = now_ms.saturating_sub(last);
        if since < floor {
            delay = delay.max(floor - since);
        }
    }
    delay
}

/// Spreads a scheduled refresh earlier by up to a quarter of the lead (and never below
/// `MIN_DELAY_MS`), so tabs holding the same session do not fire together: the first one refreshes
/// and the others adopt its result from storage before their own timers fire (F29).
pub fn spread_ms(delay_ms: u64, lifetime_ms: Option<u64>, rand: u32) -> u64 {
    let room = delay_ms.saturating_sub(MIN_DELAY_MS);
    let span = lifetime_ms.map_or(0, |l| lead_ms(l) / 4).min(room);
    delay_ms - u64::from(rand) % (span + 1)
}

/// Whether to refresh at once when the page wakes (`visibilitychange`, `focus`, `pageshow`) or goes
/// `online`: the scheduled time has passed while timers were throttled or frozen, the session is
/// (nearly) expired, no refresh is armed though there are credentials, or, on `online`, earlier
/// attempts failed (F24, F25, G14: recovery within 1 s of `online`).
pub fn refresh_now_on_wake(
    now_ms: u64,
    due_ms: Option<u64>,
    expires_at_ms: Option<u64>,
    failures: u32,
    online: bool,
) -> bool {
    let expiring = expires_at_ms.is_some_and(|e| now_ms.saturating_add(MIN_DELAY_MS) >= e);
    let overdue = due_ms.is_some_and(|d| now_ms >= d);
    expiring || overdue || (online && failures > 0)
}

/// The delay to arm a timer with: at most `MAX_TIMER_MS`; the caller re-arms until the due time.
pub fn timer_ms(delay_ms: u64) -> u32 {
    delay_ms.clamp(1, MAX_TIMER_MS) as u32
}

/// Equal-jitter backoff for network errors: half the cap plus a random half.
/// `attempt` counts consecutive failures from 0; `rand` is any random u32.
pub fn network_backoff_ms(attempt: u32, rand: u32) -> u64 {
    let cap = (2_000u64 << attempt.min(5)).min(MAX_BACKOFF_MS);
    let half = cap / 2;
    half + (rand as u64) % (half + 1)
}

/// Delay before retrying a failed scheduled refresh. `online`: the browser does not say it is
/// offline (`navigator.onLine`, true where the host has none).
pub fn failure_delay_ms(err: &Error, attempt: u32, rand: u32, online: bool) -> u64 {
    match err.kind {
        ErrorKind::Network | ErrorKind::Timeout if !online => OFFLINE_RETRY_MS,
        ErrorKind::Network | ErrorKind::Timeout => network_backoff_ms(attempt, rand),
        ErrorKind::RateLimited => err
            .retry_after_ms
            .unwrap_or(FAILURE_DELAY_MS + (rand as u64) % 10_000),
        // A 5xx or 408 is transient (F10): the server's own wait when it gave one (503), else
        // the network backoff, so the session is back within its cap once the server is (G14).
        ErrorKind::Api if err.retryable => err
            .retry_after_ms
            .unwrap_or_else(|| network_backoff_ms(attempt, rand)),
        _ => FAILURE_DELAY_MS + (rand as u64) % 10_000,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn lifetime_based_lead() {
        // 10-minute session: refresh a minute before expiry.
        assert_eq!(refresh_delay_ms(0, 600_000, Some(600_000), None), 540_000);
        // 30-second session: 6 s before.
        assert_eq!(refresh_delay_ms(0, 30_000, Some(30_000), None), 24_000);
    }

    #[test]
    fn f04_unknown_lifetime_checks_once_a_minute() {
        assert_eq!(refresh_delay_ms(0, 0, None, None), 60_000);
    }

    #[test]
    fn f26_already_expired_does_not_storm() {
        // A token that looks expired on arrival (clock jumped): refreshed, but not in a loop.
        assert_eq!(
            refresh_delay_ms(1_000_000, 0, Some(600_000), None),
            MIN_DELAY_MS
        );
        assert_eq!(
            refresh_delay_ms(1_000_000, 0, Some(600_000), Some(1_000_000)),
            60_000
        );
    }

    #[test]
    fn f27_far_future_exp_is_clamped() {
        let d = refresh_delay_ms(0, 30 * 24 * 3_600_000, Some(30 * 24 * 3_600_000), None);
        assert!(d > MAX_TIMER_MS);
        assert_eq!(timer_ms(d), MAX_TIMER_MS as u32);
        assert_eq!(timer_ms(0), 1);
    }

    #[test]
    fn f24_f25_wake_refreshes_when_due_expired_or_back_online_after_failures() {
        // Asleep past the scheduled time, or past expiry: refresh now (F25).
        assert!(refresh_now_on_wake(
            10_000,
            Some(9_000),
            Some(60_000),
            0,
            false
        ));
        assert!(refresh_now_on_wake(
            10_000,
            Some(50_000),
            Some(10_500),
            0,
            false
        ));
        assert!(refresh_now_on_wake(10_000, None, Some(9_000), 0, false));
        // Nothing due: the timer stands.
        assert!(!refresh_now_on_wake(
            10_000,
            Some(50_000),
            Some(60_000),
            0,
            false
        ));
        assert!(!refresh_now_on_wake(
            10_000,
            Some(50_000),
            Some(60_000),
            0,
            true
        ));
        // Back online after failed attempts: at once, not after the backoff (F24, G14).
        assert!(refresh_now_on_wake(
            10_000,
            Some(50_000),
            Some(60_000),
            2,
            true
        ));
        assert!(!refresh_now_on_wake(
            10_000,
            Some(50_000),
            Some(60_000),
            2,
            false
        ));
    }

    /// Scheduled refresh attempts while every one fails with a network error for 30 minutes,
    /// with every jitter at its least (`worst`), and the mean of 1,000 seeded runs.
    fn attempts_in_30_minutes(online: bool) -> (u32, f64) {
        let e = Error::network();
        let attempts = |rand: &mut dyn FnMut() -> u32| {
            let (mut at, mut n) = (0u64, 0u32);
            while at < 1_800_000 {
                at += failure_delay_ms(&e, n, rand(), online);
                n += 1;
            }
            n
        };
        let worst = attempts(&mut || 0);
        let mut x = 1u32;
        let mut lcg = || {
            x = x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            x
        };
        let mean = (0..1_000).map(|_| attempts(&mut lcg)).sum::<u32>() as f64 / 1_000.0;
        (worst, mean)
    }

    /// G6/F24: offline for 30 minutes (`navigator.onLine` false), the refresh waits for `online`
    /// with a check every 5 minutes: 6 attempts, where the backoff made up to 64 (44 on average).
    #[test]
    fn g6_f24_attempts_during_a_30_minute_offline_outage() {
        let (worst, mean) = attempts_in_30_minutes(false);
        println!("G6 30 minutes offline: {worst} attempts at most, {mean:.1} on average");
        assert!(worst <= 40 && mean <= 40.0, "{worst} attempts");
        // At 0, 5, 10, 15, 20 and 25 minutes.
        assert_eq!(u64::from(worst), 1_800_000 / OFFLINE_RETRY_MS);
        // A timeout while offline waits the same; other failures do not depend on it.
        let t = Error::new(ErrorKind::Timeout, "timeout", "x");
        assert_eq!(failure_delay_ms(&t, 0, 0, false), OFFLINE_RETRY_MS);
        let api = Error::new(ErrorKind::Api, "serverError", "x");
        assert_eq!(
            failure_delay_ms(&api, 3, 7, false),
            failure_delay_ms(&api, 3, 7, true)
        );
    }

    /// G14: with the browser online (the server down, or a network fault the browser does not
    /// report), the gap between attempts is at most the 30 s cap, so the session is back within
    /// 30 s of the server. No storm either: after four quick attempts, at least 15 s apart.
    #[test]
    fn g14_online_outage_attempts_at_most_30_s_apart() {
        let e = Error::network();
        for attempt in 0..100 {
            for rand in [0, 1, 12_345, u32::MAX / 2, u32::MAX] {
                let d = failure_delay_ms(&e, attempt, rand, true);
                assert!(d <= 30_000, "attempt {attempt}: {d} ms");
                if attempt >= 4 {
                    assert!(d >= 15_000, "attempt {attempt}: {d} ms");
                }
            }
        }
        let (worst, mean) = attempts_in_30_minutes(true);
        println!(
            "G14 30-minute outage, browser online: {worst} attempts at most, {mean:.1} on average"
        );
        assert!(worst <= 4 + 1_800_000 / 15_000, "{worst} attempts");
    }

    /// F10/G14: a proxy's 502/504 or the server's 503 is transient: retried on the network
    /// backoff (so recovery is within the 30 s cap), or after the 503's own `Retry-After`.
    #[test]
    fn f10_server_errors_are_retried_on_the_backoff() {
        for status in [500, 502, 503, 504] {
            let e = crate::response::error_from_response(status, "<html>", None, 0);
            for attempt in [0, 3, 40] {
                let d = failure_delay_ms(&e, attempt, u32::MAX, true);
                assert!(d <= MAX_BACKOFF_MS, "{status}: {d} ms");
                assert_eq!(d, network_backoff_ms(attempt, u32::MAX));
            }
        }
        let e = crate::response::error_from_response(503, "", Some("120"), 0);
        assert_eq!(failure_delay_ms(&e, 0, 0, true), 120_000);
        // A 4xx other than 401/403/429 is not transient: one attempt per minute.
        let e = crate::response::error_from_response(400, "{}", None, 0);
        assert!(failure_delay_ms(&e, 0, 0, true) >= FAILURE_DELAY_MS);
    }

    #[test]
    fn backoff_bounds() {
        assert!((1_000..=2_000).contains(&network_backoff_ms(0, 0)));
        assert!(network_backoff_ms(0, u32::MAX) <= 2_000);
        assert!(network_backoff_ms(40, u32::MAX) <= MAX_BACKOFF_MS);
        let e = Error::new(ErrorKind::Api, "serverError", "x");
        assert!(failure_delay_ms(&e, 0, 0, true) >= 60_000);
        let mut r = Error::new(ErrorKind::RateLimited, "E130429", "x");
        r.retry_after_ms = Some(120_000);
        assert_eq!(failure_delay_ms(&r, 0, 0, true), 120_000);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(10_000))]
        #[test]
        fn f26_prop_delay_never_in_the_past_nor_after_exp_minus_lead(now in 0u64..4_000_000_000_000, exp_off in -10_000_000i64..10_000_000_000, life in 1u64..31_622_400_000) {
            let exp = (now as i64 + exp_off).max(0) as u64;
            let d = refresh_delay_ms(now, exp, Some(life), None);
            prop_assert!(d >= MIN_DELAY_MS);
            let due = exp.saturating_sub(lead_ms(life));
            if due > now + MIN_DELAY_MS { prop_assert_eq!(now + d, due); }
            let t = timer_ms(d);
            prop_assert!(t >= 1 && (t as u64) <= MAX_TIMER_MS);
        }

        #[test]
        fn f29_prop_spread_is_earlier_by_at_most_a_quarter_lead(delay in 0u64..10_000_000, life in proptest::option::of(1u64..31_622_400_000), rand in any::<u32>()) {
            let d = spread_ms(delay, life, rand);
            prop_assert!(d <= delay);
            prop_assert!(d >= delay.min(MIN_DELAY_MS));
            prop_assert!(delay - d <= life.map_or(0, |l| lead_ms(l) / 4));
        }

        #[test]
        fn prop_backoff_within_cap(attempt in 0u32..1000, rand in any::<u32>()) {
            let d = network_backoff_ms(attempt, rand);
            prop_assert!((1_000..=MAX_BACKOFF_MS).contains(&d));
        }

        #[test]
        fn f24_prop_offline_network_failure_waits_for_online(attempt in 0u32..1000, rand in any::<u32>()) {
            prop_assert_eq!(failure_delay_ms(&Error::network(), attempt, rand, false), OFFLINE_RETRY_MS);
        }

        #[test]
        fn f26_prop_at_most_one_refresh_per_half_lifetime(now in 0u64..4_000_000_000_000, life in 1u64..31_622_400_000, ago in 0u64..120_000) {
            let last = now.saturating_sub(ago);
            let d = refresh_delay_ms(now, 0, Some(life), Some(last));
            let floor = (life / 2).clamp(MIN_DELAY_MS, 60_000);
            prop_assert!(now + d >= last + floor.min(ago.max(floor)));
        }
    }
}
