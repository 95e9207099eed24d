//! Delivers what [`crate::models::webhook::emit`] queued: every `poll`, the deliveries due are
//! claimed (on PostgreSQL with `SKIP LOCKED`, so several instances share the work without sending
//! one twice; a claim runs out, so a crashed instance's deliveries go on elsewhere), POSTed signed,
//! and marked delivered, due again on the specification's schedule, or failed. A record's events
//! go one at a time, in the order they were committed. A 2xx is success; a 410 disables the
//! subscription; `Retry-After` on a 429 or 503 is honoured (up to 24 hours).

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Duration as Span;
use futures_util::StreamExt;
use lumit_shared::audit::FieldChange;
use rand::Rng;

use crate::audit::{self, AuditCtx, Event};
use crate::db::{now, Db};
use crate::models::webhook::{self as model, Attempt, Claimed};
use crate::webhooks::{guard, sign, WebhookSettings};

/// Deliveries claimed at once.
const BATCH: i64 = 20;
/// Deliveries sent at once.
const AT_ONCE: usize = 8;
/// How long a claim outlives the answer's timeout.
const CLAIM_MARGIN: Duration = Duration::from_secs(30);
/// The longest `Retry-After` honoured.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(24 * 3600);

/// The HTTP client of deliveries: the settings' timeout, no redirects, no proxy, and host names
/// resolved through the [`guard`].
pub fn client(settings: &WebhookSettings) -> anyhow::Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .timeout(settings.timeout)
        .connect_timeout(settings.timeout)
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .dns_resolver(Arc::new(guard::Resolver {
            allow_private: settings.allow_private,
        }))
        .user_agent(concat!("LUMIT-Webhooks/", env!("CARGO_PKG_VERSION")))
        .build()?)
}

/// Starts the worker; it runs until the task is aborted.
pub fn start(db: Db, settings: WebhookSettings) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let http = match client(&settings) {
            Ok(c) => c,
            Err(e) => {
                tracing::error!(
                    error = format!("{e:#}"),
                    "webhooks not sent: no HTTP client"
                );
                return;
            }
        };
        // The first look after one `poll`, not at once: a server starting does its own work first.
        let first = tokio::time::Instant::now() + settings.poll;
        let mut every = tokio::time::interval_at(first, settings.poll);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            if let Err(e) = round(&db, &http, &settings).await {
                tracing::warn!(error = format!("{e:#}"), "webhook round failed; retrying");
            }
        }
    })
}

/// Sends what is due, claiming again while there is more (a record's next event becomes due as
/// soon as the one before it is delivered).
async fn round(db: &Db, http: &reqwest::Client, settings: &WebhookSettings) -> anyhow::Result<()> {
    let fail = |e: crate::error::ApiError| anyhow::anyhow!("{e}");
    loop {
        if !db.read(|c| Ok(model::any_due(c)?)).await.map_err(fail)? {
            return Ok(());
        }
        let hold = Span::from_std(settings.timeout + CLAIM_MARGIN).unwrap_or(Span::minutes(2));
        let until = now() + hold;
        let claimed = db
            .append(move |c| Ok(model::claim(c, until, BATCH)?))
            .await
            .map_err(fail)?;
        if claimed.is_empty() {
            return Ok(());
        }
        futures_util::stream::iter(claimed)
            .map(|d| deliver(db, http, settings, d))
            .buffer_unordered(AT_ONCE)
            .collect::<Vec<()>>()
            .await;
    }
}

/// One attempt at one delivery, and its outcome stored.
async fn deliver(db: &Db, http: &reqwest::Client, settings: &WebhookSettings, d: Claimed) {
    let (attempt, gone) = attempt(http, settings, &d).await;
    let (id, webhook_id) = (d.delivery.id.clone(), d.delivery.webhook_id.clone());
    if let Some(error) = &attempt.error {
        tracing::info!(id, webhook_id, error, "webhook not delivered");
    }
    let stored = if gone {
        // The receiver's own say: the subscription is disabled, with a row in the audit log.
        db.write(move |c| {
            model::record_attempt(c, &id, &attempt)?;
            if model::disable_gone(c, &webhook_id)? {
                audit::record(
                    c,
                    &AuditCtx::system("webhooks"),
                    Event::new("webhook.disable", "webhook", &webhook_id).changes(vec![
                        FieldChange {
                            field: "enabled".into(),
                            old: true.into(),
                            new: false.into(),
                        },
                        FieldChange {
                            field: "disabled_reason".into(),
                            old: serde_json::Value::Null,
                            new: "gone".into(),
                        },
                    ]),
                )?;
            }
            Ok(())
        })
        .await
    } else {
        db.append(move |c| Ok(model::record_attempt(c, &id, &attempt)?))
            .await
    };
    if let Err(e) = stored {
        // The claim runs out and the delivery is sent again: at least once.
        tracing::warn!(error = %e, "a webhook attempt's outcome was not stored");
    }
}

/// POSTs a delivery; the attempt as stored, and whether the receiver answered 410 Gone.
async fn attempt(
    http: &reqwest::Client,
    settings: &WebhookSettings,
    d: &Claimed,
) -> (Attempt, bool) {
    let row = &d.delivery;
    let failed =
        |error: String, response_code: Option<i32>, latency_ms: Option<i64>, wait| Attempt {
            response_code,
            latency_ms,
            retry_at: next_attempt(&settings.schedule, row.attempts, wait),
            error: Some(error),
        };
    if let Some(why) = d.withheld {
        let mut a = failed(format!("not sent: {why}"), None, None, None);
        a.retry_at = None;
        return (a, false);
    }
    // An address written in the URL: the resolver never sees it.
    let url = match guard::check_url(&d.url, settings.allow_private) {
        Ok(url) => url,
        Err((_, why)) => return (failed(format!("refused: {why}"), None, None, None), false),
    };
    let timestamp = chrono::Utc::now().timestamp();
    let signature = sign::header(&d.secrets, &row.id, timestamp, &row.payload);
    let started = Instant::now();
    let sent = http
        .post(url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header("webhook-id", &row.id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature)
        .body(row.payload.clone())
        .send()
        .await;
    let latency = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
    match sent {
        // The body is never read: nothing of it is kept or shown.
        Ok(res) if res.status().is_success() => (
            Attempt {
                response_code: Some(i32::from(res.status().as_u16())),
                latency_ms: Some(latency),
                error: None,
                retry_at: None,
            },
            false,
        ),
        Ok(res) => {
            let status = res.status();
            let code = Some(i32::from(status.as_u16()));
            if status == reqwest::StatusCode::GONE {
                let mut a = failed(
                    "410 Gone: the receiver wants no more deliveries; subscription disabled".into(),
                    code,
                    Some(latency),
                    None,
                );
                a.retry_at = None;
                return (a, true);
            }
            let wait = matches!(status.as_u16(), 429 | 503)
                .then(|| retry_after(res.headers()))
                .flatten();
            (
                failed(
                    format!("HTTP {}", status.as_u16()),
                    code,
                    Some(latency),
                    wait,
                ),
                false,
            )
        }
        Err(e) => (
            failed(describe(&e, settings.timeout), None, Some(latency), None),
            false,
        ),
    }
}

/// `Retry-After` in seconds, at most a day.
fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let secs: u64 = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()?;
    Some(Duration::from_secs(secs).min(MAX_RETRY_AFTER))
}

/// When to try again after the `done + 1`-th attempt failed: the schedule's next wait (±10 %),
/// or the receiver's `Retry-After` instead; `None` once the schedule is spent.
pub fn next_attempt(
    schedule: &[Duration],
    done: i64,
    retry_after: Option<Duration>,
) -> Option<chrono::NaiveDateTime> {
    let step = schedule.get(usize::try_from(done).ok()?)?;
    let wait = retry_after.unwrap_or_else(|| jitter(*step));
    Some(now() + Span::from_std(wait).ok()?)
}

/// A wait within ±10 % of `d`.
fn jitter(d: Duration) -> Duration {
    d.mul_f64(rand::thread_rng().gen_range(0.9..=1.1))
}

/// A transport failure in short: what failed down the chain of causes (the address refused by
/// the guard, the connection refused, the timeout), never anything the receiver sent.
fn describe(e: &reqwest::Error, timeout: Duration) -> String {
    if e.is_timeout() {
        return format!("timed out after {} ms", timeout.as_millis());
    }
    let mut parts: Vec<String> = Vec::new();
    let mut cause = std::error::Error::source(e);
    while let Some(c) = cause {
        let text = c.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        cause = c.source();
    }
    if parts.is_empty() {
        parts.push(if e.is_connect() {
            "could not connect".into()
        } else {
            "request failed".into()
        });
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_follow_the_schedule_with_jitter_then_stop() {
        let schedule = [Duration::from_secs(5), Duration::from_secs(300)];
        let after =
            |done, ra| next_attempt(&schedule, done, ra).map(|t| (t - now()).num_milliseconds());
        let first = after(0, None).expect("a retry");
        assert!((4400..=5600).contains(&first), "{first}");
        let second = after(1, None).expect("a retry");
        assert!((269_000..=331_000).contains(&second), "{second}");
        assert_eq!(after(2, None), None);
        let honoured = after(0, Some(Duration::from_secs(60))).expect("a retry");
        assert!((59_000..=60_100).contains(&honoured), "{honoured}");
    }
}
