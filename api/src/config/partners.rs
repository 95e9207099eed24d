//! What partner systems meet besides the API itself: request budgets and the metrics endpoint.

/// Requests per minute each caller may make (`LUMIT_RATE_LIMIT_…`). The budget refills
/// continuously (a minute's worth may come in one burst), so a desk working normally, whose
/// pages make a few calls each, never meets it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimits {
    /// Per staff account (`LUMIT_RATE_LIMIT_USER`, default 600).
    pub user: u32,
    /// Per API client (`LUMIT_RATE_LIMIT_CLIENT`, default 1,200).
    pub client: u32,
    /// Per address, for calls without a valid token: login, the public questionnaire, the
    /// certificate check (`LUMIT_RATE_LIMIT_ANONYMOUS`, default 300).
    pub anonymous: u32,
}

impl Default for RateLimits {
    fn default() -> Self {
        Self {
            user: 600,
            client: 1200,
            anonymous: 300,
        }
    }
}

impl RateLimits {
    /// Reads the environment: each a number of requests per minute, 1 to 1,000,000.
    pub fn from_env() -> anyhow::Result<Self> {
        let d = Self::default();
        let per_minute = |name: &str, default: u32| -> anyhow::Result<u32> {
            let n = crate::config::bounded(
                name,
                1,
                1_000_000,
                u64::from(default),
                "requests per minute",
            )?;
            Ok(u32::try_from(n).unwrap_or(default))
        };
        Ok(Self {
            user: per_minute("LUMIT_RATE_LIMIT_USER", d.user)?,
            client: per_minute("LUMIT_RATE_LIMIT_CLIENT", d.client)?,
            anonymous: per_minute("LUMIT_RATE_LIMIT_ANONYMOUS", d.anonymous)?,
        })
    }
}

/// Who may read `GET /metrics` (`LUMIT_METRICS_…`). Neither set: nobody, and `/metrics` is a 404.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MetricsSettings {
    /// A separate address serving only `/metrics`, without a token, for a scraper on a private
    /// network (`LUMIT_METRICS_BIND`, e.g. `10.0.0.5:9464`).
    pub bind: Option<String>,
    /// A bearer token that opens `/metrics` on the main address (`LUMIT_METRICS_TOKEN`, at least
    /// 32 characters).
    pub token: Option<String>,
}

impl MetricsSettings {
    /// Reads the environment.
    pub fn from_env() -> anyhow::Result<Self> {
        let token = crate::config::var("LUMIT_METRICS_TOKEN");
        if token.as_ref().is_some_and(|t| t.trim().len() < 32) {
            anyhow::bail!("LUMIT_METRICS_TOKEN must be at least 32 characters");
        }
        Ok(Self {
            bind: crate::config::var("LUMIT_METRICS_BIND"),
            token: token.map(|t| t.trim().to_owned()),
        })
    }
}
