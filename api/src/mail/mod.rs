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

/// A file to attach: its bytes, or the certificate whose PDF is made just before sending.
pub struct File {
    pub filename: String,
    pub content_type: String,
    pub body: FileBody,
}

/// What a [`File`] holds.
pub enum FileBody {
    Bytes(Vec<u8>),
    Certificate(Box<crate::pdf::certificate::CertificateDoc>),
}

impl File {
    /// The file's bytes (a certificate's PDF is made now: call it off the async threads).
    pub fn into_bytes(self) -> anyhow::Result<(String, String, Vec<u8>)> {
        let bytes = match self.body {
            FileBody::Bytes(b) => b,
            FileBody::Certificate(doc) => {
                crate::pdf::certificate::pdf(&doc).map_err(|e| anyhow::anyhow!("{e}"))?
            }
        };
        Ok((self.filename, self.content_type, bytes))
    }
}

/// The files of an outbox row, read from the database: a certificate's as it stands now (one
/// withdrawn since cannot be sent).
pub fn files(
    c: &mut crate::db::DbConn,
    row: &OutboxRow,
    public_url: Option<&str>,
) -> anyhow::Result<Vec<File>> {
    row.attachments()
        .into_iter()
        .map(|a| {
            let body = match &a.certificate_id {
                None => FileBody::Bytes(a.content.into_bytes()),
                Some(id) => {
                    let (_, doc) = crate::pdf::certificate::load(c, id, public_url)
                        .map_err(|e| anyhow::anyhow!("certificate {id}: {e}"))?;
                    FileBody::Certificate(Box::new(doc))
                }
            };
            Ok(File {
                filename: a.filename,
                content_type: a.content_type,
                body,
            })
        })
        .collect()
}

/// The message of an outbox row: its text, and its files attached.
pub fn message(
    from: &str,
    row: &OutboxRow,
    files: Vec<(String, String, Vec<u8>)>,
) -> anyhow::Result<Message> {
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
        for (filename, content_type, bytes) in files {
            let kind = ContentType::parse(&content_type).context("an attachment's type")?;
            parts = parts.singlepart(Attachment::new(filename).body(bytes, kind));
        }
        builder.multipart(parts)
    };
    message.context("building the message")
}
