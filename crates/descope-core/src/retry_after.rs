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
        // Any count above the maximum clamps to it, so counting stops just above it (no overflow).
        let secs = s.bytes().fold(0, |acc, b| {
            (acc * 10 + u64::from(b - b'0')).min(MAX_RETRY_AFTER_MS / 1000 + 1)
        });
        secs * 1000
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

/// The three HTTP-date forms (RFC 9110 §5.6.7), one byte per field or literal. Fields: `a` a 3-letter
/// day name, `A` a full day name, `m` a month name, `d` a 2-digit day, `e` a 1- or 2-digit day, `y` a
/// 2-digit year, `Y` a 4-digit year, `h` `i` `s` the 2-digit hour, minute and second. A space stands for
/// one or more ASCII whitespace; any other byte for itself.
const FORMS: [&[u8]; 3] = [
    b"a, d m Y h:i:s GMT", // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
    b"A, d-m-y h:i:s GMT", // RFC 850: Sunday, 06-Nov-94 08:49:37 GMT
    b"a m e h:i:s Y",      // asctime: Sun Nov  6 08:49:37 1994
];

/// The fields of an HTTP-date as written (not yet range-checked).
#[derive(Default)]
struct DateFields {
    year: u32,
    two_digit_year: bool,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
}

/// The fields of `s` if it has the shape of `form` (see [`FORMS`]). Names are case-sensitive.
fn match_form(s: &[u8], form: &[u8]) -> Option<DateFields> {
    let mut f = DateFields::default();
    let mut rest = s;
    for &field in form {
        let in_field = match field {
            b' ' => u8::is_ascii_whitespace,
            b'a' | b'A' | b'm' => u8::is_ascii_alphabetic,
            b'd' | b'e' | b'y' | b'Y' | b'h' | b'i' | b's' => u8::is_ascii_digit,
            literal => {
                match rest {
                    [b, tail @ ..] if *b == literal => rest = tail,
                    _ => return None,
                }
                continue;
            }
        };
        // A field's text is the longest run of bytes of its kind.
        let mut len = 0;
        while rest.get(len).is_some_and(in_field) {
            len += 1;
        }
        let (text, tail) = rest.split_at_checked(len)?;
        rest = tail;
        let (slot, widths) = match field {
            b' ' if len > 0 => continue,
            b' ' => return None,
            b'a' | b'A' => {
                // `a` is the first three letters of a name, `A` all of it.
                let name_len = |d: &str| if field == b'a' { 3 } else { d.len() };
                let is_name = |d: &&str| d.as_bytes().starts_with(text) && len == name_len(d);
                if !DAYS.iter().any(is_name) {
                    return None;
                }
                continue;
            }
            b'm' => {
                let i = MONTHS.iter().position(|m| m.as_bytes() == text)?;
                f.month = u32::try_from(i + 1).ok()?;
                continue;
            }
            b'd' => (&mut f.day, 2..=2),
            b'e' => (&mut f.day, 1..=2),
            b'Y' => (&mut f.year, 4..=4),
            b'y' => {
                f.two_digit_year = true;
                (&mut f.year, 2..=2)
            }
            b'h' => (&mut f.hour, 2..=2),
            b'i' => (&mut f.minute, 2..=2),
            _ => (&mut f.second, 2..=2),
        };
        if !widths.contains(&len) {
            return None;
        }
        *slot = text.iter().fold(0, |n, b| n * 10 + u32::from(b - b'0'));
    }
    rest.is_empty().then_some(f)
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
    let f = FORMS
        .iter()
        .find_map(|form| match_form(s.as_bytes(), form))?;
    let mut year = i64::from(f.year);
    if f.two_digit_year {
        // Approximate current year (±1 is fine for a 50-year window).
        let now_year = 1970 + i64::try_from(now_ms / MS_PER_DAY * 400 / 146_097).ok()?;
        year += now_year - now_year.rem_euclid(100);
        if year > now_year + 50 {
            year -= 100;
        }
    }
    // A leap second (`:60`) is accepted.
    if f.day == 0
        || f.day > days_in_month(year, f.month)
        || f.hour > 23
        || f.minute > 59
        || f.second > 60
    {
        return None;
    }
    let days = u64::try_from(days_from_civil(year, f.month, f.day)).ok()?;
    let secs = u64::from(f.hour * 3600 + f.minute * 60 + f.second);
    days.checked_mul(MS_PER_DAY)?.checked_add(secs * 1000)
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
