//! How e-mail leaves the outbox: the SMTP server, the sender, retries.

use std::time::Duration;

/// How e-mail leaves the outbox (`crate::mail`).
#[derive(Debug, Clone)]
pub struct MailSettings {
    /// `smtp://host:25`, `smtps://user:pass@host` or `smtp://host:587?tls=required`; none: the
    /// outbox keeps every message pending, for admins to see (`LUMIT_SMTP_URL`).
    pub smtp_url: Option<String>,
    /// The sender, `Name <address>` (`LUMIT_MAIL_FROM`).
    pub from: String,
    /// The wait before the first retry, doubled at each one up to an hour
    /// (`LUMIT_MAIL_RETRY_SECONDS`).
    pub retry_after: Duration,
    /// Attempts before a message is given up as failed (`LUMIT_MAIL_MAX_ATTEMPTS`).
    pub max_attempts: i64,
    /// How often the worker looks for messages due.
    pub poll: Duration,
}

impl Default for MailSettings {
    fn default() -> Self {
        Self {
            smtp_url: None,
            from: "LUMIT <lumit@localhost>".into(),
            retry_after: Duration::from_secs(60),
            max_attempts: 8,
            poll: Duration::from_secs(2),
        }
    }
}

impl MailSettings {
    /// Reads the environment.
    pub fn from_env() -> anyhow::Result<Self> {
        let d = Self::default();
        let s = Self {
            smtp_url: crate::config::var("LUMIT_SMTP_URL"),
            from: crate::config::var("LUMIT_MAIL_FROM").unwrap_or(d.from),
            retry_after: Duration::from_secs(crate::config::bounded(
                "LUMIT_MAIL_RETRY_SECONDS",
                1,
                3600,
                60,
                "seconds",
            )?),
            max_attempts: i64::try_from(crate::config::bounded(
                "LUMIT_MAIL_MAX_ATTEMPTS",
                1,
                50,
                8,
                "attempts",
            )?)?,
            poll: d.poll,
        };
        check(&s)?;
        Ok(s)
    }
}

/// Refuses settings that could never send: a sender that is not an address, an SMTP URL lettre
/// can't read.
fn check(s: &MailSettings) -> anyhow::Result<()> {
    use anyhow::Context;
    s.from
        .parse::<lettre::message::Mailbox>()
        .context("LUMIT_MAIL_FROM must be an address, e.g. LUMIT <lumit@prefettura.it>")?;
    if let Some(url) = &s.smtp_url {
        lettre::AsyncSmtpTransport::<lettre::Tokio1Executor>::from_url(url)
            .context("LUMIT_SMTP_URL must be smtp://host[:port] or smtps://user:password@host")?;
    }
    Ok(())
}
