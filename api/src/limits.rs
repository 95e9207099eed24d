//! Request budgets: each staff account, each API client and each address without a token may make
//! so many API calls a minute (`crate::config::RateLimits`). Every API answer says where the caller
//! stands (`RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset`); past the budget it is a
//! 429 with `Retry-After`. The budgets are per instance: behind a load balancer each instance
//! counts its own share.

use std::num::NonZeroU32;
use std::time::Duration;

use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::web;
use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};

use crate::config::RateLimits;
use crate::error::ApiError;
use crate::extract::RequestMeta;
use crate::state::AppState;

type Limiter =
    RateLimiter<String, DefaultKeyedStateStore<String>, DefaultClock, StateInformationMiddleware>;

/// One limiter per kind of caller, each keyed by who is calling.
pub struct Budgets {
    users: Limiter,
    clients: Limiter,
    anonymous: Limiter,
    clock: DefaultClock,
}

/// A budget of `n` requests a minute, all of which may come at once.
fn per_minute(n: u32) -> Limiter {
    let n = NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN);
    RateLimiter::keyed(Quota::per_minute(n)).with_middleware::<StateInformationMiddleware>()
}

/// Where a caller stands after a request: what the three headers say.
struct Standing {
    limit: u32,
    remaining: u32,
    /// Seconds until the whole budget is back.
    reset: u64,
}

impl Budgets {
    /// The budgets the settings give.
    pub fn new(limits: RateLimits) -> Self {
        Self {
            users: per_minute(limits.user),
            clients: per_minute(limits.client),
            anonymous: per_minute(limits.anonymous),
            clock: DefaultClock::default(),
        }
    }

    /// Forgets callers whose budget is full again, so the tables don't grow with every address
    /// ever seen. Called every minute by [`forget_idle`].
    fn forget_full(&self) {
        for l in [&self.users, &self.clients, &self.anonymous] {
            l.retain_recent();
            l.shrink_to_fit();
        }
    }

    /// Spends one request of `key`'s budget: its standing, or the seconds to wait.
    fn spend(&self, limiter: &Limiter, key: String) -> Result<Standing, (Standing, u64)> {
        match limiter.check_key(&key) {
            Ok(snapshot) => {
                let quota = snapshot.quota();
                let limit = quota.burst_size().get();
                let remaining = snapshot.remaining_burst_capacity();
                let spent = limit.saturating_sub(remaining);
                let reset = seconds(quota.replenish_interval() * spent);
                Ok(Standing {
                    limit,
                    remaining,
                    reset,
                })
            }
            Err(not_until) => {
                let quota = not_until.quota();
                let limit = quota.burst_size().get();
                let wait = seconds(not_until.wait_time_from(self.clock.now())).max(1);
                let reset = seconds(quota.replenish_interval() * limit);
                Err((
                    Standing {
                        limit,
                        remaining: 0,
                        reset,
                    },
                    wait,
                ))
            }
        }
    }
}

/// Whole seconds, rounded up.
fn seconds(d: Duration) -> u64 {
    d.as_secs() + u64::from(d.subsec_nanos() > 0)
}

/// Every minute, forgets the callers whose budget is full (see [`Budgets::forget_full`]).
pub fn forget_idle(budgets: web::Data<Budgets>) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(60));
        loop {
            tick.tick().await;
            budgets.forget_full();
        }
    });
}

fn put(headers: &mut HeaderMap, name: &'static str, value: u64) {
    if let Ok(v) = HeaderValue::from_str(&value.to_string()) {
        headers.insert(HeaderName::from_static(name), v);
    }
}

fn tell(headers: &mut HeaderMap, s: &Standing) {
    put(headers, "ratelimit-limit", u64::from(s.limit));
    put(headers, "ratelimit-remaining", u64::from(s.remaining));
    put(headers, "ratelimit-reset", s.reset);
}

/// The budget a request is counted against: the account or client its token names (a token
/// that does not verify counts as none), else its address.
fn whose<'a>(state: &AppState, b: &'a Budgets, req: &ServiceRequest) -> (&'a Limiter, String) {
    let claims = crate::extract::bearer(req.request()).and_then(|t| state.jwt.verify(t));
    match claims {
        Some(c) if c.kind == "client" => (&b.clients, c.sub),
        Some(c) => (&b.users, c.sub),
        None => {
            let ip = RequestMeta::of(req.request()).client_ip.unwrap_or_default();
            (&b.anonymous, ip)
        }
    }
}

/// Counts each API request against its caller's budget and tells the caller where it stands.
pub async fn rate_limit(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody, BoxBody>>, actix_web::Error> {
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let budgets = req.app_data::<web::Data<Budgets>>().cloned();
    let (Some(state), Some(budgets)) = (state, budgets) else {
        return Ok(next.call(req).await?.map_into_left_body());
    };
    if !req.path().starts_with("/api/v1/") {
        return Ok(next.call(req).await?.map_into_left_body());
    }
    let (limiter, key) = whose(&state, &budgets, &req);
    match budgets.spend(limiter, key) {
        Ok(standing) => {
            let mut res = next.call(req).await?;
            tell(res.headers_mut(), &standing);
            Ok(res.map_into_left_body())
        }
        Err((standing, wait)) => {
            let err = ApiError::RateLimited {
                retry_after: i64::try_from(wait).unwrap_or(60),
            };
            let mut res = req.error_response(err);
            tell(res.headers_mut(), &standing);
            Ok(res.map_into_right_body())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_budget_counts_down_then_refuses_with_the_wait() {
        let budgets = Budgets::new(RateLimits {
            user: 3,
            client: 3,
            anonymous: 3,
        });
        let first = budgets.spend(&budgets.users, "u1".into()).ok().unwrap();
        assert_eq!((first.limit, first.remaining), (3, 2));
        assert!((1..=20).contains(&first.reset), "{}", first.reset);
        budgets.spend(&budgets.users, "u1".into()).ok().unwrap();
        let last = budgets.spend(&budgets.users, "u1".into()).ok().unwrap();
        assert_eq!(last.remaining, 0);
        let Err((refused, wait)) = budgets.spend(&budgets.users, "u1".into()) else {
            panic!("a fourth request within the minute was allowed");
        };
        assert_eq!(refused.remaining, 0);
        assert!((1..=20).contains(&wait), "wait {wait}");
        // Another account, and clients, have budgets of their own.
        assert!(budgets.spend(&budgets.users, "u2".into()).is_ok());
        assert!(budgets.spend(&budgets.clients, "u1".into()).is_ok());
    }
}
