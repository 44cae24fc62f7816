//! `Retry-After` (RFC 9110 §10.2.3) for 429/503 answers (F15).
//!
//! Both forms are read: delay-seconds and an HTTP-date (IMF-fixdate, and the obsolete RFC 850 and asctime
//! forms that RFC 9110 §5.6.7 says recipients must accept). The result is always clamped to
//! [`MIN_RETRY_AFTER_MS`, `MAX_RETRY_AFTER_MS`], so a `0` or a date a few milliseconds away can never cause a
//! tight retry loop and a hostile `999999999` cannot park the session for 31 years. Anything unusable
//! (missing, e.g. because the header is not CORS-exposed, empty, garbage, negative, a date not in the future)
//! gives `None`, and the caller falls back to its jittered backoff.
//!
//! Dates are converted with integer civil-calendar arithmetic (no chrono, no floats).

#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

/// Shortest wait returned (1 s), so that `Retry-After: 0` cannot cause a tight loop.
pub const MIN_RETRY_AFTER_MS: u64 = 1_000;
/// Longest wait returned (10 min, F15).
pub const MAX_RETRY_AFTER_MS: u64 = 600_000; // 10 min (F15)

const MS_PER_DAY: u64 = 86_400_000;

/// Retry-After as delay-seconds (non-negative integer) or an IMF-fixdate / RFC 850 / asctime HTTP-date,
/// relative to `now_ms` (ms since Unix epoch). Returns the delay in ms clamped to
/// [[`MIN_RETRY_AFTER_MS`], [`MAX_RETRY_AFTER_MS`]].
///
/// Returns `None` for a missing, empty, garbage or negative value, or a date not in the future (callers then
/// use jittered backoff). Huge values (`999999999`, or more digits than fit a `u64`) clamp to the maximum.
/// Leading and trailing ASCII whitespace is ignored; delay-seconds must be plain ASCII digits (no sign,
/// no fraction); date tokens are matched case-sensitively as RFC 9110 specifies, and a day name that does
/// not match the date is tolerated.
pub fn parse_retry_after(header: Option<&str>, now_ms: u64) -> Option<u64> {
    let s = header?.trim_ascii();
    if s.is_empty() {
        return None;
    }
    let delay = if s.bytes().all(|b| b.is_ascii_digit()) {
        let secs = s.bytes().fold(0u64, |acc, b| {
            acc.saturating_mul(10).saturating_add(u64::from(b - b'0'))
        });
        secs.saturating_mul(1000)
    } else {
        let at = http_date_ms(s, now_ms)?;
        at.checked_sub(now_ms).filter(|&d| d > 0)?
    };
    Some(delay.clamp(MIN_RETRY_AFTER_MS, MAX_RETRY_AFTER_MS))
}

const DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `tok` is a day name: the full name (RFC 850) when `full`, else its 3-letter form.
fn is_day_name(tok: &str, full: bool) -> bool {
    DAYS.iter().any(|d| {
        if full {
            *d == tok
        } else {
            d.get(..3) == Some(tok)
        }
    })
}

/// Month number 1..=12 of a 3-letter month name.
fn month(tok: &str) -> Option<u32> {
    let i = MONTHS.iter().position(|m| *m == tok)?;
    u32::try_from(i + 1).ok()
}

/// A number of `min..=max` ASCII digits.
fn digits(tok: &str, min: usize, max: usize) -> Option<u32> {
    if tok.len() < min || tok.len() > max || !tok.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(
        tok.bytes()
            .fold(0u32, |acc, b| acc * 10 + u32::from(b - b'0')),
    )
}

/// `hh:mm:ss` as seconds of the day (a leap second `:60` is accepted).
fn time_of_day(tok: &str) -> Option<u64> {
    let mut parts = crate::ascii::split(tok, b':');
    let h = digits(parts.next()?, 2, 2)?;
    let m = digits(parts.next()?, 2, 2)?;
    let s = digits(parts.next()?, 2, 2)?;
    if parts.next().is_some() || h > 23 || m > 59 || s > 60 {
        return None;
    }
    Some(u64::from(h * 3600 + m * 60 + s))
}

fn is_leap(y: i64) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400); // [0, 399]
    let mp = i64::from((m + 9) % 12); // March = 0
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1; // [0, 365]
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // [0, 146096]
    era * 146_097 + doe - 719_468
}

/// Milliseconds since the epoch of an HTTP-date, or `None` if it is not one (or is before 1970).
/// `now_ms` is only used to place an RFC 850 two-digit year (RFC 9110: a year that would be more than
/// 50 years in the future means the century before).
fn http_date_ms(s: &str, now_ms: u64) -> Option<u64> {
    let mut t = [""; 6];
    let mut n = 0usize;
    for tok in s.split_ascii_whitespace() {
        *t.get_mut(n)? = tok; // more than 6 tokens: not a date
        n += 1;
    }
    let (year, mon, day, time) = match (n, t) {
        // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
        (6, [wd, d, m, y, time, "GMT"])
            if wd.strip_suffix(",").is_some_and(|w| is_day_name(w, false)) =>
        {
            (
                i64::from(digits(y, 4, 4)?),
                month(m)?,
                digits(d, 2, 2)?,
                time,
            )
        }
        // RFC 850: Sunday, 06-Nov-94 08:49:37 GMT
        (4, [wd, dmy, time, "GMT", _, _])
            if wd.strip_suffix(",").is_some_and(|w| is_day_name(w, true)) =>
        {
            let mut p = crate::ascii::split(dmy, b'-');
            let d = digits(p.next()?, 2, 2)?;
            let m = month(p.next()?)?;
            let yy = i64::from(digits(p.next()?, 2, 2)?);
            if p.next().is_some() {
                return None;
            }
            // Approximate current year (±1 is fine for a 50-year window).
            let now_year = 1970 + i64::try_from(now_ms / MS_PER_DAY * 400 / 146_097).ok()?;
            let mut y = now_year - now_year.rem_euclid(100) + yy;
            if y > now_year + 50 {
                y -= 100;
            }
            (y, m, d, time)
        }
        // asctime: Sun Nov  6 08:49:37 1994
        (5, [wd, m, d, time, y, _]) if is_day_name(wd, false) => (
            i64::from(digits(y, 4, 4)?),
            month(m)?,
            digits(d, 1, 2)?,
            time,
        ),
        _ => return None,
    };
    if day == 0 || day > days_in_month(year, mon) {
        return None;
    }
    let days = u64::try_from(days_from_civil(year, mon, day)).ok()?;
    let secs = days.checked_mul(86_400)?.checked_add(time_of_day(time)?)?;
    secs.checked_mul(1000)
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Sun, 06 Nov 1994 08:49:37 GMT (the RFC 9110 example date).
    const RFC_EXAMPLE_MS: u64 = 784_111_777_000;
    /// Sat, 01 Aug 2026 12:00:00 GMT.
    const NOW_2026: u64 = 1_785_585_600_000;

    fn p(h: &str, now: u64) -> Option<u64> {
        parse_retry_after(Some(h), now)
    }

    #[test]
    fn f15_delay_seconds() {
        assert_eq!(p("120", NOW_2026), Some(120_000));
        assert_eq!(p("1", NOW_2026), Some(1_000));
        assert_eq!(p("600", NOW_2026), Some(600_000));
        assert_eq!(p("0120", NOW_2026), Some(120_000));
        assert_eq!(p("59", 0), Some(59_000));
    }

    #[test]
    fn f15_zero_is_clamped_up_not_a_tight_loop() {
        assert_eq!(p("0", NOW_2026), Some(MIN_RETRY_AFTER_MS));
        assert_eq!(p("000", NOW_2026), Some(MIN_RETRY_AFTER_MS));
    }

    #[test]
    fn f15_huge_values_clamp_to_ten_minutes() {
        assert_eq!(p("601", NOW_2026), Some(MAX_RETRY_AFTER_MS));
        assert_eq!(p("999999999", NOW_2026), Some(MAX_RETRY_AFTER_MS));
        assert_eq!(
            p("18446744073709551615", NOW_2026),
            Some(MAX_RETRY_AFTER_MS)
        ); // u64::MAX seconds
        assert_eq!(
            p("18446744073709551616", NOW_2026),
            Some(MAX_RETRY_AFTER_MS)
        ); // beyond u64
        assert_eq!(p(&"9".repeat(1000), NOW_2026), Some(MAX_RETRY_AFTER_MS));
        assert_eq!(p("120", u64::MAX), Some(120_000));
    }

    #[test]
    fn f15_missing_empty_or_not_exposed() {
        // A header that is not CORS-exposed reads as null in JS, i.e. None here.
        assert_eq!(parse_retry_after(None, NOW_2026), None);
        assert_eq!(p("", NOW_2026), None);
        assert_eq!(p("   ", NOW_2026), None);
        assert_eq!(p("\t\r\n", NOW_2026), None);
    }

    #[test]
    fn f15_whitespace_around_is_ignored() {
        assert_eq!(p(" 120 ", NOW_2026), Some(120_000));
        assert_eq!(p("\t120\r\n", NOW_2026), Some(120_000));
        assert_eq!(
            p("  Sun, 06 Nov 1994 08:51:37 GMT  ", RFC_EXAMPLE_MS),
            Some(120_000)
        );
    }

    #[test]
    fn f15_negative_and_garbage() {
        for h in [
            "-5",
            "-0",
            "+5",
            "1.5",
            "1e3",
            "120s",
            "12 0",
            "0x10",
            "abc",
            "soon",
            "null",
            "NaN",
            "Infinity",
            "١٢٠",
            "１２０",
            "120,60",
            "\u{0}",
            "-",
            "Sun,",
            "GMT",
        ] {
            assert_eq!(p(h, NOW_2026), None, "{h:?}");
        }
    }

    #[test]
    fn days_from_civil_known_dates() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(1969, 12, 31), -1);
        assert_eq!(days_from_civil(2000, 1, 1), 10_957);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(days_from_civil(2024, 2, 29), 19_782);
        assert_eq!(
            days_from_civil(1994, 11, 6) * 86_400 + 8 * 3600 + 49 * 60 + 37,
            784_111_777
        );
        assert_eq!(
            days_from_civil(2038, 1, 19) * 86_400 + 3 * 3600 + 14 * 60 + 8,
            2_147_483_648
        );
        // Against naive day counting for every day from 1970 to 2400.
        let mut n = 0i64;
        for y in 1970..2400 {
            for m in 1..=12 {
                for d in 1..=days_in_month(y, m) {
                    assert_eq!(days_from_civil(y, m, d), n, "{y}-{m}-{d}");
                    n += 1;
                }
            }
        }
    }

    #[test]
    fn f15_http_date_three_formats() {
        let now = RFC_EXAMPLE_MS;
        assert_eq!(p("Sun, 06 Nov 1994 08:51:37 GMT", now), Some(120_000));
        assert_eq!(p("Sunday, 06-Nov-94 08:51:37 GMT", now), Some(120_000));
        assert_eq!(p("Sun Nov  6 08:51:37 1994", now), Some(120_000));
        assert_eq!(p("Sun Nov 06 08:51:37 1994", now), Some(120_000));
        // Leap second accepted (it is one second later than :59).
        assert_eq!(p("Sun, 06 Nov 1994 08:50:60 GMT", now), Some(83_000));
    }

    #[test]
    fn f15_http_date_future_past_and_now() {
        let now = NOW_2026;
        assert_eq!(p("Sat, 01 Aug 2026 12:02:00 GMT", now), Some(120_000));
        assert_eq!(p("Sat, 01 Aug 2026 12:00:00 GMT", now), None); // not in the future
        assert_eq!(p("Sat, 01 Aug 2026 11:59:59 GMT", now), None); // past
        assert_eq!(p("Sun, 06 Nov 1994 08:49:37 GMT", now), None); // long past
        assert_eq!(
            p("Sat, 01 Aug 2026 12:00:00 GMT", now - 300),
            Some(MIN_RETRY_AFTER_MS)
        ); // 300 ms away
        assert_eq!(
            p("Sat, 01 Aug 2026 13:00:00 GMT", now),
            Some(MAX_RETRY_AFTER_MS)
        ); // 1 h away
        assert_eq!(
            p("Fri, 31 Dec 9999 23:59:59 GMT", now),
            Some(MAX_RETRY_AFTER_MS)
        );
        // Day name need not match the date.
        assert_eq!(p("Mon, 01 Aug 2026 12:02:00 GMT", now), Some(120_000));
    }

    #[test]
    fn f15_rfc850_two_digit_year() {
        // In 2026, "30" is 2030 (future) and "99" is 1999 (past).
        assert_eq!(
            p("Tuesday, 01-Jan-30 00:00:00 GMT", NOW_2026),
            Some(MAX_RETRY_AFTER_MS)
        );
        assert_eq!(p("Friday, 01-Jan-99 00:00:00 GMT", NOW_2026), None);
        assert_eq!(
            p("Saturday, 01-Aug-26 12:02:00 GMT", NOW_2026),
            Some(120_000)
        );
        // In 1994, "95" is 1995.
        assert_eq!(
            p("Sunday, 01-Jan-95 00:00:00 GMT", RFC_EXAMPLE_MS),
            Some(MAX_RETRY_AFTER_MS)
        );
    }

    #[test]
    fn f15_invalid_dates() {
        let now = 0;
        for h in [
            "Sun, 31 Feb 2030 00:00:00 GMT", // no such day
            "Thu, 29 Feb 2029 00:00:00 GMT", // not a leap year
            "Mon, 29 Feb 2100 00:00:00 GMT", // century, not leap
            "Sun, 00 Jan 2030 00:00:00 GMT",
            "Sun, 32 Jan 2030 00:00:00 GMT",
            "Sun, 06 Foo 2030 08:49:37 GMT",
            "Sun, 06 nov 2030 08:49:37 GMT", // case-sensitive
            "Sun, 06 Nov 2030 24:00:00 GMT",
            "Sun, 06 Nov 2030 08:60:00 GMT",
            "Sun, 06 Nov 2030 08:49:61 GMT",
            "Sun, 06 Nov 2030 8:49:37 GMT",
            "Sun, 06 Nov 2030 08:49 GMT",
            "Sun, 06 Nov 2030 08:49:37:00 GMT",
            "Sun, 06 Nov 2030 08:49:37 UTC",
            "Sun, 06 Nov 2030 08:49:37 gmt",
            "Sun, 06 Nov 2030 08:49:37",
            "Sun, 06 Nov 2030 08:49:37 GMT extra",
            "Sun, 6 Nov 2030 08:49:37 GMT", // IMF needs 2-digit day
            "Sun, 06 Nov 30 08:49:37 GMT",  // IMF needs 4-digit year
            "Sun 06 Nov 2030 08:49:37 GMT", // missing comma
            "Xyz, 06 Nov 2030 08:49:37 GMT",
            "Sunday, 06 Nov 2030 08:49:37 GMT", // full name in IMF
            "Sun, 06-Nov-30 08:49:37 GMT",      // short name in RFC 850
            "Sunday, 06-Nov-2030 08:49:37 GMT",
            "Sunday, 06-Nov-30-1 08:49:37 GMT",
            "Sun Nov 31 08:49:37 2030",
            "Sun Nov 6 08:49:37 30",
            "Sun Nov 6 08:49:37 2030 GMT",
            "2030-11-06T08:49:37Z",
            "Sun, 06 Nov -030 08:49:37 GMT",
            "Sun, 06 Nov +030 08:49:37 GMT",
        ] {
            assert_eq!(p(h, now), None, "{h:?}");
        }
        // A date before 1970 is not an error path that can underflow.
        assert_eq!(p("Thu, 01 Jan 1970 00:00:00 GMT", 0), None);
        assert_eq!(p("Wed, 31 Dec 1969 23:59:59 GMT", 0), None);
        assert_eq!(p("Sat, 01 Jan 0000 00:00:00 GMT", 0), None);
        assert_eq!(
            p("Thu, 01 Jan 1970 00:00:01 GMT", 0),
            Some(MIN_RETRY_AFTER_MS)
        );
    }

    /// Naive epoch seconds for the property below: count days year by year.
    fn naive_epoch_secs(y: i64, m: u32, d: u32, hh: u32, mm: u32, ss: u32) -> u64 {
        let mut days = 0u64;
        for yy in 1970..y {
            days += if is_leap(yy) { 366 } else { 365 };
        }
        for mo in 1..m {
            days += u64::from(days_in_month(y, mo));
        }
        days += u64::from(d - 1);
        days * 86_400 + u64::from(hh * 3600 + mm * 60 + ss)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(10_000))]

        /// F15 / G8: the result is always None or within [1 s, 10 min], for arbitrary text and any now.
        #[test]
        fn prop_f15_always_none_or_in_range(h in "\\PC{0,40}|[0-9 ,:A-Za-z-]{0,40}", now in any::<u64>()) {
            if let Some(ms) = parse_retry_after(Some(&h), now) {
                prop_assert!((MIN_RETRY_AFTER_MS..=MAX_RETRY_AFTER_MS).contains(&ms));
            }
        }

        /// F15: any run of ASCII digits is delay-seconds, clamped.
        #[test]
        fn prop_f15_delay_seconds(secs in any::<u64>(), now in any::<u64>()) {
            let want = secs.saturating_mul(1000).clamp(MIN_RETRY_AFTER_MS, MAX_RETRY_AFTER_MS);
            prop_assert_eq!(parse_retry_after(Some(&secs.to_string()), now), Some(want));
        }

        /// F15: an IMF-fixdate (and its asctime spelling) at a random instant, seen from a random nearby
        /// now, gives the exact delay (clamped), or None when it is not in the future.
        #[test]
        fn prop_f15_http_date(y in 1970i64..2200, m in 1u32..=12, d in 1u32..=31, hh in 0u32..24, mm in 0u32..60,
                              ss in 0u32..60, offset in -700_000i64..700_000) {
            prop_assume!(d <= days_in_month(y, m));
            let at = naive_epoch_secs(y, m, d, hh, mm, ss) * 1000;
            let now = at.saturating_add_signed(offset);
            let want = at.checked_sub(now).filter(|&x| x > 0)
                .map(|x| x.clamp(MIN_RETRY_AFTER_MS, MAX_RETRY_AFTER_MS));
            let mon = MONTHS[(m - 1) as usize];
            let imf = format!("Sun, {d:02} {mon} {y} {hh:02}:{mm:02}:{ss:02} GMT");
            prop_assert_eq!(parse_retry_after(Some(&imf), now), want);
            let asc = format!("Sun {mon} {d:>2} {hh:02}:{mm:02}:{ss:02} {y}");
            prop_assert_eq!(parse_retry_after(Some(&asc), now), want);
        }
    }
}
