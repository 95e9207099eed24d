//! Sends what the outbox holds: every `poll`, the messages due are claimed one by one (so two
//! instances never send the same one at once), sent, and marked sent or tried again later, the
//! wait doubling up to an hour, until `max_attempts`. Without an SMTP server nothing is sent and
//! messages stay pending, visible to admins.

use std::time::Duration;

use chrono::Duration as Span;

use crate::db::Db;
use crate::mail::{files, message, transport, File, MailSettings};
use crate::models::outbox;

/// How long a claimed message is left to its worker before another may take it.
const CLAIM: i64 = 120;

/// The wait after the `attempts`-th failure: `first`, doubled each time, at most an hour.
pub fn backoff(first: Duration, attempts: i64) -> Span {
    let factor = 1u64 << attempts.clamp(0, 12);
    let secs = first.as_secs().max(1).saturating_mul(factor).min(3600);
    Span::seconds(i64::try_from(secs).unwrap_or(3600))
}

/// Starts the worker; it runs until the task is aborted.
pub fn start(
    db: Db,
    settings: MailSettings,
    public_url: Option<String>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let Some(url) = settings.smtp_url.clone() else {
            tracing::info!("no LUMIT_SMTP_URL: e-mail stays in the outbox");
            return;
        };
        let mailer = match transport(&url) {
            Ok(m) => m,
            Err(e) => {
                tracing::error!(
                    error = format!("{e:#}"),
                    "e-mail not sent: bad LUMIT_SMTP_URL"
                );
                return;
            }
        };
        let mut every = tokio::time::interval(settings.poll);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            if let Err(e) = round(&db, &mailer, &settings, public_url.as_deref()).await {
                tracing::warn!(error = format!("{e:#}"), "outbox round failed; retrying");
            }
        }
    })
}

/// One round: sends every message due now.
async fn round(
    db: &Db,
    mailer: &lettre::AsyncSmtpTransport<lettre::Tokio1Executor>,
    settings: &MailSettings,
    public_url: Option<&str>,
) -> anyhow::Result<()> {
    use lettre::AsyncTransport;
    let due = db
        .read(|c| Ok(outbox::due(c, 20)?))
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    for row in due {
        let id = row.id.clone();
        let until = crate::db::now() + Span::seconds(CLAIM);
        let claimed = db
            .write(move |c| Ok(outbox::claim(c, &id, until)?))
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        if !claimed {
            continue;
        }
        let (with, url) = (row.clone(), public_url.map(str::to_owned));
        // What the files hold is read now; a certificate's PDF is then made off the async
        // threads and without holding a connection.
        let files = db
            .read(move |c| Ok(files(c, &with, url.as_deref()).map_err(|e| format!("{e:#}"))))
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let made = match files {
            Ok(files) => tokio::task::spawn_blocking(move || {
                files
                    .into_iter()
                    .map(File::into_bytes)
                    .collect::<anyhow::Result<Vec<_>>>()
                    .map_err(|e| format!("{e:#}"))
            })
            .await
            .unwrap_or_else(|e| Err(format!("{e}"))),
            Err(e) => Err(e),
        };
        let built =
            made.and_then(|f| message(&settings.from, &row, f).map_err(|e| format!("{e:#}")));
        let result = match built {
            Ok(m) => mailer.send(m).await.map(|_| ()).map_err(|e| format!("{e}")),
            Err(e) => Err(e),
        };
        let (wait, max) = (
            backoff(settings.retry_after, row.attempts),
            settings.max_attempts,
        );
        db.write(move |c| {
            match &result {
                Ok(()) => outbox::sent(c, &row.id)?,
                Err(error) => {
                    tracing::warn!(id = row.id, error, "e-mail not sent");
                    outbox::failed_attempt(c, &row, error, wait, max)?
                }
            }
            Ok(())
        })
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_doubles_up_to_an_hour() {
        let first = Duration::from_secs(60);
        assert_eq!(backoff(first, 0), Span::seconds(60));
        assert_eq!(backoff(first, 1), Span::seconds(120));
        assert_eq!(backoff(first, 3), Span::seconds(480));
        assert_eq!(backoff(first, 40), Span::seconds(3600));
    }
}
