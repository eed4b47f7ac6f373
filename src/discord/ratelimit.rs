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
    hits: Mutex<Hits>,
}

/// Recent commands per user, and the size at which idle users are next swept out.
struct Hits {
    by_user: HashMap<u64, VecDeque<Instant>>,
    sweep_at: usize,
}

/// Users tracked before the first sweep of idle ones.
const FIRST_SWEEP: usize = 10_000;

impl RateLimiter {
    pub fn new(max: u32, window: Duration) -> RateLimiter {
        RateLimiter {
            max: max.max(1) as usize,
            window,
            hits: Mutex::new(Hits {
                by_user: HashMap::new(),
                sweep_at: FIRST_SWEEP,
            }),
        }
    }

    /// Counts one command by `user` at `now`; `Err(wait)` when over the limit (not counted).
    pub fn check(&self, user: u64, now: Instant) -> Result<(), Duration> {
        let mut guard = self.hits.lock().unwrap_or_else(|e| e.into_inner());
        let hits = &mut *guard;
        if hits.by_user.len() > hits.sweep_at {
            // Sweep idle users; the next sweep waits until the map has doubled again, so a
            // crowd of active users costs amortised O(1) per command, not a sweep each.
            let window = self.window;
            hits.by_user
                .retain(|_, q| q.back().is_some_and(|t| now.duration_since(*t) < window));
            hits.sweep_at = (hits.by_user.len() * 2).max(FIRST_SWEEP);
        }
        let q = hits.by_user.entry(user).or_default();
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

    #[test]
    fn idle_users_are_swept_and_active_ones_kept() {
        let rl = RateLimiter::new(1, Duration::from_secs(10));
        let t0 = Instant::now();
        for u in 0..=FIRST_SWEEP as u64 {
            assert!(rl.check(u, t0).is_ok());
        }
        // Much later: the sweep drops the idle users, and the limit still holds for new ones.
        let later = t0 + Duration::from_secs(60);
        assert!(rl.check(1_000_000, later).is_ok());
        assert!(rl.check(2_000_000, later).is_ok());
        assert!(rl.hits.lock().unwrap().by_user.len() <= 3);
        assert!(rl.check(2_000_000, later).is_err());
    }
}
