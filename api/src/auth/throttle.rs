//! Sign-in throttling, atomic: an attempt is counted before its password is checked, so a
//! parallel burst gets no more guesses than a slow one.
//!
//! Three counts of failures in a sliding window:
//! - per (account, address): strict, against guessing one account's password;
//! - per address: strict, against spraying one password across many accounts;
//! - per account, from anywhere: never a refusal (a stranger could lock a real user out with it),
//!   only a delay before the check that doubles with each failure.
//!
//! An attempt that is refused, or that ends before its password was checked, is not a failure.
//! Counts live in the instance's memory: a flood costs no database write, and behind a balancer
//! with n instances the limits are n times as generous (docs/OPERATIONS.md).

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// How many failures each count allows, and for how long a failure counts.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Failures of one account from one address before that pair is refused.
    pub per_pair: usize,
    /// Failures from one address, whatever the account, before the address is refused.
    pub per_address: usize,
    /// Failures of one account, from anywhere, before its attempts start to wait.
    pub delay_after: usize,
    /// The first wait; each further failure doubles it.
    pub first_delay: Duration,
    /// The longest wait.
    pub max_delay: Duration,
    /// How long a failure counts.
    pub window: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            per_pair: 5,
            per_address: 20,
            delay_after: 5,
            first_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(8),
            window: Duration::from_secs(15 * 60),
        }
    }
}

#[derive(Default)]
struct Count {
    failures: VecDeque<Instant>,
    /// Attempts admitted whose outcome is not known yet.
    pending: usize,
}

impl Count {
    fn forget_before(&mut self, since: Instant) {
        while self.failures.front().is_some_and(|t| *t <= since) {
            self.failures.pop_front();
        }
    }

    fn is_idle(&self) -> bool {
        self.pending == 0 && self.failures.is_empty()
    }
}

struct Counts {
    by_key: HashMap<String, Count>,
    /// Forgotten counts are dropped when the map grows past this.
    sweep_at: usize,
}

/// The throttle of one kind of sign-in (staff logins, client credentials). Cheap to clone.
#[derive(Clone)]
pub struct Throttle {
    limits: Limits,
    counts: Arc<Mutex<Counts>>,
}

/// Refused: how many seconds until the next attempt may be admitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refused {
    /// Whole seconds, at least 1.
    pub retry_after: i64,
}

/// An admitted attempt. Report its outcome with [`Attempt::succeeded`] or [`Attempt::failed`];
/// dropped without one (the password was never checked), it counts for nothing.
pub struct Attempt {
    throttle: Throttle,
    pair: String,
    address: String,
    account: String,
    /// How long to wait before checking the password.
    pub delay: Duration,
    settled: bool,
}

impl Throttle {
    /// A throttle with these limits.
    pub fn new(limits: Limits) -> Self {
        Self {
            limits,
            counts: Arc::new(Mutex::new(Counts {
                by_key: HashMap::new(),
                sweep_at: 1024,
            })),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Counts> {
        // Counts stay consistent even if a holder panicked: every update is a single step.
        self.counts.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Admits an attempt on `account` (as typed, case-insensitive) from `address`, or refuses it.
    pub fn admit(&self, account: &str, address: Option<&str>) -> Result<Attempt, Refused> {
        let account = account.to_lowercase();
        let address = address.unwrap_or("unknown");
        let pair = format!("p\u{1f}{account}\u{1f}{address}");
        let address = format!("a\u{1f}{address}");
        let account = format!("u\u{1f}{account}");
        let now = Instant::now();
        let since = now.checked_sub(self.limits.window).unwrap_or(now);
        let mut counts = self.lock();
        if counts.by_key.len() > counts.sweep_at {
            counts.by_key.retain(|_, c| {
                c.forget_before(since);
                !c.is_idle()
            });
            counts.sweep_at = (counts.by_key.len() * 2).max(1024);
        }
        for (key, limit) in [
            (&pair, self.limits.per_pair),
            (&address, self.limits.per_address),
        ] {
            let count = counts.by_key.entry(key.clone()).or_default();
            count.forget_before(since);
            if count.failures.len() + count.pending >= limit {
                let free_at = count.failures.front().map(|t| *t + self.limits.window);
                let wait = free_at.map_or(Duration::from_secs(1), |t| t - now);
                return Err(Refused {
                    retry_after: i64::try_from(wait.as_secs()).unwrap_or(i64::MAX).max(1),
                });
            }
        }
        for key in [&pair, &address] {
            if let Some(c) = counts.by_key.get_mut(key) {
                c.pending += 1;
            }
        }
        let failed = counts.by_key.get_mut(&account).map_or(0, |c| {
            c.forget_before(since);
            c.failures.len()
        });
        let delay = match failed.checked_sub(self.limits.delay_after) {
            None => Duration::ZERO,
            Some(n) => self
                .limits
                .first_delay
                .saturating_mul(1u32.checked_shl(n.min(31) as u32).unwrap_or(u32::MAX))
                .min(self.limits.max_delay),
        };
        drop(counts);
        Ok(Attempt {
            throttle: self.clone(),
            pair,
            address,
            account,
            delay,
            settled: false,
        })
    }
}

impl Attempt {
    /// The password was right: the pair's failures are forgotten (the address's and the
    /// account's stay, so a success between guesses does not reset them).
    pub fn succeeded(mut self) {
        self.settle(false);
    }

    /// The password was wrong (or the account unknown or inactive).
    pub fn failed(mut self) {
        self.settle(true);
    }

    fn settle(&mut self, failed: bool) {
        if self.settled {
            return;
        }
        self.settled = true;
        let now = Instant::now();
        let mut counts = self.throttle.lock();
        for key in [&self.pair, &self.address] {
            if let Some(c) = counts.by_key.get_mut(key) {
                c.pending = c.pending.saturating_sub(1);
            }
        }
        if failed {
            for key in [&self.pair, &self.address, &self.account] {
                counts
                    .by_key
                    .entry(key.clone())
                    .or_default()
                    .failures
                    .push_back(now);
            }
        } else if let Some(c) = counts.by_key.get_mut(&self.pair) {
            c.failures.clear();
        }
    }
}

impl Drop for Attempt {
    fn drop(&mut self) {
        if !self.settled {
            self.settled = true;
            let mut counts = self.throttle.lock();
            for key in [&self.pair, &self.address] {
                if let Some(c) = counts.by_key.get_mut(key) {
                    c.pending = c.pending.saturating_sub(1);
                }
            }
        }
    }
}

/// A cap on password checks at once: each argon2 check takes 19 MiB and a core for tens of
/// milliseconds, so a flood of logins could otherwise exhaust memory and starve every request.
/// Up to `running` checks run, a few more wait their turn; beyond that the answer is 503 with
/// `Retry-After`, never an unbounded queue.
pub struct PasswordChecks {
    running: tokio::sync::Semaphore,
    admitted: tokio::sync::Semaphore,
}

impl PasswordChecks {
    /// `running` checks at once, and `waiting` more in line (a morning's logins at one office
    /// wait a fraction of a second rather than fail).
    pub fn new(running: usize, waiting: usize) -> Self {
        let running = running.max(1);
        Self {
            running: tokio::sync::Semaphore::new(running),
            admitted: tokio::sync::Semaphore::new(running + waiting),
        }
    }

    /// One per core: argon2 is all CPU.
    pub fn for_this_machine() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Self::new(cores, cores * 8)
    }

    /// Runs `check` on the blocking pool when its turn comes, or answers 503 at once when too
    /// many are already waiting.
    pub async fn run<T: Send + 'static>(
        &self,
        check: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, crate::error::ApiError> {
        use crate::error::ApiError;
        let _admitted = self.admitted.try_acquire().map_err(|_| ApiError::Busy)?;
        let _running = self.running.acquire().await.map_err(|_| ApiError::Busy)?;
        actix_web::web::block(check)
            .await
            .map_err(|e| ApiError::Internal(e.into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn throttle() -> Throttle {
        Throttle::new(Limits {
            per_pair: 3,
            per_address: 5,
            delay_after: 2,
            first_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(350),
            window: Duration::from_secs(60),
        })
    }

    #[test]
    fn attempts_in_flight_count_against_the_limit() {
        let t = throttle();
        let held: Vec<Attempt> = (0..3)
            .map(|_| t.admit("Admin", Some("10.0.0.1")).unwrap())
            .collect();
        // Three undecided attempts fill the pair's limit: a fourth is refused before any failed.
        assert!(t.admit("admin", Some("10.0.0.1")).is_err());
        // Ended without a password check: they count for nothing.
        drop(held);
        assert!(t.admit("admin", Some("10.0.0.1")).is_ok());
    }

    #[test]
    fn a_pair_is_refused_after_its_failures_and_others_are_not() {
        let t = throttle();
        for _ in 0..3 {
            t.admit("admin", Some("10.0.0.1")).unwrap().failed();
        }
        let refused = t.admit("ADMIN", Some("10.0.0.1")).err().unwrap();
        assert!((1..=60).contains(&refused.retry_after), "{refused:?}");
        // Another address may still try, after a delay that grows with the account's failures.
        let a = t.admit("admin", Some("10.0.0.2")).unwrap();
        assert_eq!(a.delay, Duration::from_millis(200));
        a.failed();
        let a = t.admit("admin", Some("10.0.0.3")).unwrap();
        assert_eq!(a.delay, Duration::from_millis(350), "capped");
        a.succeeded();
    }

    #[test]
    fn spraying_from_one_address_is_refused() {
        let t = throttle();
        for n in 0..5 {
            t.admit(&format!("user{n}"), Some("10.0.0.9"))
                .unwrap()
                .failed();
        }
        assert!(t.admit("someone-else", Some("10.0.0.9")).is_err());
        assert!(t.admit("someone-else", Some("10.0.0.8")).is_ok());
    }

    #[test]
    fn success_forgets_the_pair_but_not_the_address() {
        let t = throttle();
        for _ in 0..2 {
            t.admit("anna", Some("10.0.0.1")).unwrap().failed();
        }
        t.admit("anna", Some("10.0.0.1")).unwrap().succeeded();
        for _ in 0..2 {
            t.admit("anna", Some("10.0.0.1")).unwrap().failed();
        }
        // 2 + 2 failures of the pair, but the success in between reset it: still admitted.
        t.admit("anna", Some("10.0.0.1")).unwrap().failed();
        // The address has 5 failures now.
        assert!(t.admit("bruno", Some("10.0.0.1")).is_err());
    }

    #[tokio::test]
    async fn password_checks_beyond_the_queue_are_refused_at_once() {
        let checks = std::sync::Arc::new(PasswordChecks::new(1, 1));
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let rx = std::sync::Arc::new(std::sync::Mutex::new(rx));
        // One running (blocked until told), one waiting: the queue of 2 is full.
        let mut held = Vec::new();
        for _ in 0..2 {
            let (checks, rx) = (checks.clone(), rx.clone());
            held.push(tokio::spawn(async move {
                checks
                    .run(move || {
                        let _ = rx.lock().unwrap().recv();
                    })
                    .await
            }));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        let refused = checks.run(|| ()).await;
        assert!(matches!(refused, Err(crate::error::ApiError::Busy)));
        tx.send(()).unwrap();
        tx.send(()).unwrap();
        for h in held {
            assert!(h.await.unwrap().is_ok());
        }
        assert!(checks.run(|| ()).await.is_ok());
    }

    #[test]
    fn failures_leave_the_window() {
        let t = Throttle::new(Limits {
            window: Duration::from_millis(50),
            ..throttle().limits
        });
        for _ in 0..3 {
            t.admit("admin", Some("10.0.0.1")).unwrap().failed();
        }
        assert!(t.admit("admin", Some("10.0.0.1")).is_err());
        std::thread::sleep(Duration::from_millis(80));
        assert!(t.admit("admin", Some("10.0.0.1")).is_ok());
    }
}
