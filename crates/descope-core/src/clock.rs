//! Calendar arithmetic for the `x-descope-sdk-session-id` header (descope-api.md §1.3), without
//! `format!` or floats.

#[allow(unused_imports)]
use crate::prelude::*;

fn push_num(out: &mut String, v: u64, width: usize) {
    let mut buf = [b'0'; 20];
    let mut n = v;
    let mut i = buf.len();
    while n > 0 && i > 0 {
        i -= 1;
        if let Some(slot) = buf.get_mut(i) {
            *slot = b'0' + (n % 10) as u8;
        }
        n /= 10;
    }
    let digits = buf.len() - i;
    for _ in digits..width {
        out.push('0');
    }
    for b in buf.iter().skip(i) {
        out.push(*b as char);
    }
}

/// Days since 1970-01-01 → (year, month, day), Howard Hinnant's `civil_from_days`.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// `YYYY-MM-DD-HH:mm:ss:<ms>-<4 random digits>` in UTC.
pub fn sdk_session_id(now_ms: u64, rand: u32) -> String {
    let secs = now_ms / 1000;
    let (y, m, d) = civil_from_days((secs / 86_400) as i64);
    let sod = secs % 86_400;
    let mut s = String::with_capacity(32);
    push_num(&mut s, y.max(0) as u64, 4);
    s.push('-');
    push_num(&mut s, m as u64, 2);
    s.push('-');
    push_num(&mut s, d as u64, 2);
    s.push('-');
    push_num(&mut s, sod / 3600, 2);
    s.push(':');
    push_num(&mut s, sod / 60 % 60, 2);
    s.push(':');
    push_num(&mut s, sod % 60, 2);
    s.push(':');
    push_num(&mut s, now_ms % 1000, 3);
    s.push('-');
    push_num(&mut s, (rand % 10_000) as u64, 4);
    s
}

/// Decimal text of an integer, for logger fields and the version header.
pub fn u64_to_string(v: u64) -> String {
    let mut s = String::new();
    push_num(&mut s, v, 1);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_id_format() {
        // 2023-11-14T22:13:20.007Z
        assert_eq!(
            sdk_session_id(1_700_000_000_007, 42),
            "2023-11-14-22:13:20:007-0042"
        );
        assert_eq!(sdk_session_id(0, 12_345), "1970-01-01-00:00:00:000-2345");
        assert_eq!(
            sdk_session_id(951_782_400_000, 0),
            "2000-02-29-00:00:00:000-0000"
        );
        assert_eq!(u64_to_string(0), "0");
        assert_eq!(
            u64_to_string(18_446_744_073_709_551_615),
            "18446744073709551615"
        );
    }
}
