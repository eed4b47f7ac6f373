//! Per-user rate limit: at most `max` commands in a sliding window of `window`.
//!
//! In memory and per process: a replica counts its own interactions, which is enough to stop
//! one user flooding a channel. The clock is passed in, so tests need no sleeping.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct RateLimiter {
    max: usize,
    window: Duration,
    hits: Mutex<HashMap<u64, VecDeque<Instant>>>,
}

impl RateLimiter {
    pub fn new(max: u32, window: Duration) -> RateLimiter {
        RateLimiter {
            max: max.max(1) as usize,
            window,
            hits: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one command by `user` at `now`; `Err(wait)` when over the limit (not counted).
    pub fn check(&self, user: u64, now: Instant) -> Result<(), Duration> {
        let mut hits = self.hits.lock().unwrap_or_else(|e| e.into_inner());
        if hits.len() > 10_000 {
            let window = self.window;
            hits.retain(|_, q| q.back().is_some_and(|t| now.duration_since(*t) < window));
        }
        let q = hits.entry(user).or_default();
        while q
            .front()
            .is_some_and(|t| now.duration_since(*t) >= self.window)
        {
            q.pop_front();
        }
        if q.len() >= self.max {
            let oldest = *q.front().expect("non-empty when full");
            return Err(self.window.saturating_sub(now.duration_since(oldest)));
        }
        q.push_back(now);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_per_user_in_a_sliding_window() {
        let rl = RateLimiter::new(2, Duration::from_secs(10));
        let t0 = Instant::now();
        assert!(rl.check(1, t0).is_ok());
        assert!(rl.check(1, t0 + Duration::from_secs(1)).is_ok());
        let wait = rl.check(1, t0 + Duration::from_secs(2)).unwrap_err();
        assert_eq!(wait, Duration::from_secs(8));
        assert!(
            rl.check(2, t0 + Duration::from_secs(2)).is_ok(),
            "other users are not limited"
        );
        assert!(rl.check(1, t0 + Duration::from_secs(10)).is_ok());
    }
}
