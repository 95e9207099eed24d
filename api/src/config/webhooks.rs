//! How webhook deliveries leave: the retry schedule, the wait for an answer, which addresses may
//! be called.

use std::time::Duration;

/// Retries after the first attempt, from the Standard Webhooks specification: 5 s, 5 min, 30 min,
/// 2 h, 5 h, 10 h, 14 h, 20 h, 24 h.
pub const STANDARD_SCHEDULE: [u64; 9] = [
    5,
    5 * 60,
    30 * 60,
    2 * 3600,
    5 * 3600,
    10 * 3600,
    14 * 3600,
    20 * 3600,
    24 * 3600,
];

/// Webhook deliveries (`crate::webhooks`).
#[derive(Debug, Clone)]
pub struct WebhookSettings {
    /// The waits before each retry (each with ±10 % jitter); once all are spent the delivery
    /// has failed.
    pub schedule: Vec<Duration>,
    /// How often the worker looks for deliveries due.
    pub poll: Duration,
    /// How long a receiver has to answer (`LUMIT_WEBHOOK_TIMEOUT_SECONDS`).
    pub timeout: Duration,
    /// Allow `http://` and private, loopback and link-local addresses
    /// (`LUMIT_WEBHOOK_ALLOW_PRIVATE`): for a receiver on the same network, and for tests. Off,
    /// a URL can't make the server call inside its own network (SSRF).
    pub allow_private: bool,
}

impl Default for WebhookSettings {
    fn default() -> Self {
        Self {
            schedule: STANDARD_SCHEDULE
                .iter()
                .map(|s| Duration::from_secs(*s))
                .collect(),
            poll: Duration::from_secs(1),
            timeout: Duration::from_secs(10),
            allow_private: false,
        }
    }
}

impl WebhookSettings {
    /// Reads the environment.
    pub fn from_env() -> anyhow::Result<Self> {
        let d = Self::default();
        let allow_private = match crate::config::var("LUMIT_WEBHOOK_ALLOW_PRIVATE")
            .map(|v| v.trim().to_ascii_lowercase())
            .as_deref()
        {
            None | Some("0" | "false" | "no") => false,
            Some("1" | "true" | "yes") => true,
            Some(_) => anyhow::bail!("LUMIT_WEBHOOK_ALLOW_PRIVATE must be true or false"),
        };
        Ok(Self {
            timeout: Duration::from_secs(crate::config::bounded(
                "LUMIT_WEBHOOK_TIMEOUT_SECONDS",
                1,
                60,
                10,
                "seconds",
            )?),
            allow_private,
            ..d
        })
    }
}
