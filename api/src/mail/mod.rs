//! E-mail: messages are written to the outbox in the transaction of the change they tell about
//! (`models::outbox::enqueue`) and sent by [`worker`] over SMTP, with retries; [`texts`] writes
//! them in the participant's language.

use anyhow::Context;
use lettre::message::{header::ContentType, Attachment, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, Message, Tokio1Executor};

use crate::models::outbox::OutboxRow;

pub mod texts;
pub mod worker;

pub use crate::config::MailSettings;

/// The SMTP client for a URL (`smtp://`, `smtps://`, `?tls=required` for STARTTLS).
pub fn transport(url: &str) -> anyhow::Result<AsyncSmtpTransport<Tokio1Executor>> {
    Ok(AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
        .context("LUMIT_SMTP_URL must be smtp://host[:port] or smtps://user:password@host")?
        .timeout(Some(std::time::Duration::from_secs(20)))
        .build())
}

/// A file to attach, as sent.
pub struct File {
    pub filename: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// The files of an outbox row, as they are sent: a certificate's PDF is made now, from the
/// certificate as it stands (a certificate withdrawn since cannot be sent).
pub fn files(
    c: &mut crate::db::DbConn,
    row: &OutboxRow,
    public_url: Option<&str>,
) -> anyhow::Result<Vec<File>> {
    row.attachments()
        .into_iter()
        .map(|a| {
            let bytes = match &a.certificate_id {
                None => a.content.into_bytes(),
                Some(id) => {
                    let (_, doc) = crate::pdf::certificate::load(c, id, public_url)
                        .map_err(|e| anyhow::anyhow!("certificate {id}: {e}"))?;
                    crate::pdf::certificate::pdf(&doc).map_err(|e| anyhow::anyhow!("{e}"))?
                }
            };
            Ok(File {
                filename: a.filename,
                content_type: a.content_type,
                bytes,
            })
        })
        .collect()
}

/// The message of an outbox row: its text, and its files attached.
pub fn message(from: &str, row: &OutboxRow, files: Vec<File>) -> anyhow::Result<Message> {
    let to = Mailbox::new(
        Some(row.recipient_name.clone()).filter(|n| !n.is_empty()),
        row.recipient.parse().context("the recipient's address")?,
    );
    let text = SinglePart::builder()
        .header(ContentType::TEXT_PLAIN)
        .body(row.body.clone());
    let builder = Message::builder()
        .from(from.parse().context("the sender's address")?)
        .to(to)
        .subject(row.subject.clone());
    let message = if files.is_empty() {
        builder.singlepart(text)
    } else {
        let mut parts = MultiPart::mixed().singlepart(text);
        for f in files {
            let kind = ContentType::parse(&f.content_type).context("an attachment's type")?;
            parts = parts.singlepart(Attachment::new(f.filename).body(f.bytes, kind));
        }
        builder.multipart(parts)
    };
    message.context("building the message")
}
