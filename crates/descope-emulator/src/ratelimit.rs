//! Fixed one-minute windows per (client IP, project id) over `/v1` and `/v2` calls.

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::{Duration, Instant};

const WINDOW: Duration = Duration::from_secs(60);

#[derive(Default)]
pub struct RateLimiter {
    windows: HashMap<(IpAddr, String), (Instant, u64)>,
}

impl RateLimiter {
    /// Counts one request; `Err(retry_after_seconds)` (≥ 1) when over `limit` (0 = no limit).
    pub fn hit(&mut self, ip: IpAddr, project: &str, limit: u64) -> Result<(), u64> {
        if limit == 0 {
            return Ok(());
        }
        let now = Instant::now();
        let entry = self
            .windows
            .entry((ip, project.to_string()))
            .or_insert((now, 0));
        if now.duration_since(entry.0) >= WINDOW {
            *entry = (now, 0);
        }
        if entry.1 >= limit {
            let left = WINDOW.saturating_sub(now.duration_since(entry.0));
            // Round up so clients never retry before the window has reset.
            let secs = left.as_secs() + u64::from(left.subsec_nanos() > 0);
            return Err(secs.max(1));
        }
        entry.1 += 1;
        Ok(())
    }

    pub fn clear(&mut self) {
        self.windows.clear();
    }
}
