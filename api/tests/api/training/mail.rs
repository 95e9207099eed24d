//! E-mail to participants: the invitation reaches the mail server with the sessions' calendar, in
//! the participant's language; the outbox keeps messages through an outage and delivers after
//! it; without a mail server messages wait; a failed one can be sent again.

use std::time::Duration;

use mail_parser::{MessageParser, MimeHeaders};
use serde_json::{json, Value};

use super::{at_office, colleague, course, day_ahead, enrol, json_of, session};
use crate::common::{assert_problem, Backend, TestApp};
use crate::smtp_sink::{closed_port, SmtpSink};

backends!(
    invitations_reach_the_mail_server_with_the_calendar,
    the_outbox_survives_a_mail_server_outage,
    without_a_mail_server_messages_wait_and_failed_ones_go_again
);

pub(super) async fn app_with_mail(
    backend: Backend,
    url: Option<String>,
    max_attempts: i64,
) -> TestApp {
    TestApp::spawn_with(backend, |s| {
        s.mail.smtp_url = url;
        s.mail.poll = Duration::from_millis(100);
        s.mail.retry_after = Duration::from_secs(1);
        s.mail.max_attempts = max_attempts;
        s.public_url = Some("https://lumit.example.it".into());
    })
    .await
}

/// Waits until the outbox holds a message of this status (up to 20 s); returns the page.
async fn outbox_until(app: &TestApp, admin: &str, status: &str, n: usize) -> Value {
    let end = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let page = json_of(
            app.get(&format!("/api/v1/outbox?status={status}"), admin)
                .await,
            200,
        )
        .await;
        if page["items"].as_array().unwrap().len() >= n || std::time::Instant::now() > end {
            return page;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn invitations_reach_the_mail_server_with_the_calendar(backend: Backend) {
    let sink = SmtpSink::start().await;
    let app = app_with_mail(backend, Some(sink.url()), 8).await;
    let admin = app.admin().await;
    let camaiore = app.municipality("046005").await;
    let c = course(&app, &admin, "Il rinnovo del permesso di soggiorno", &[]).await;
    session(
        &app,
        &admin,
        &c,
        at_office(
            &camaiore,
            "Sala Consiliare",
            day_ahead(20),
            "09:00",
            "13:00",
            2,
        ),
    )
    .await;
    session(&app, &admin, &c, json!({"date": day_ahead(27), "start": "14:00", "end": "16:00", "place_kind": "online", "link": "https://meet.example.org/lumit", "capacity": 40})).await;
    enrol(
        &app,
        &admin,
        &c,
        colleague(
            "Giulia Bianchi",
            "g.bianchi@comune.camaiore.lu.it",
            &camaiore,
        ),
    )
    .await;
    let mut english = colleague("Sara Conti", "s.conti@comune.camaiore.lu.it", &camaiore);
    english["language"] = json!("en");
    enrol(&app, &admin, &c, english).await;
    enrol(
        &app,
        &admin,
        &c,
        colleague("Marco Neri", "m.neri@comune.camaiore.lu.it", &camaiore),
    )
    .await;

    let got = sink.wait_for(3, 20).await;
    assert_eq!(got.len(), 3, "three messages delivered");
    let find = |to: &str| {
        got.iter()
            .find(|m| m.to == [to])
            .unwrap_or_else(|| panic!("no message to {to}"))
    };

    let it = find("g.bianchi@comune.camaiore.lu.it");
    assert!(it.from.contains("lumit@localhost"), "{}", it.from);
    let m = MessageParser::default().parse(&it.data).unwrap();
    assert_eq!(
        m.subject(),
        Some("Iscrizione al corso «Il rinnovo del permesso di soggiorno»")
    );
    let text = m.body_text(0).unwrap();
    assert!(text.contains("Gentile Giulia Bianchi"), "{text}");
    assert!(text.contains("è confermata"), "{text}");
    assert!(
        text.contains("Comune di Camaiore, Sala Consiliare")
            || text.contains("Camaiore, Sala Consiliare"),
        "{text}"
    );
    let ics: Vec<_> = m.attachments().collect();
    assert_eq!(ics.len(), 1);
    assert_eq!(ics[0].attachment_name(), Some("incontri.ics"));
    assert_eq!(
        ics[0].content_type().and_then(|t| t.subtype()),
        Some("calendar")
    );
    let cal = String::from_utf8_lossy(ics[0].contents()).to_string();
    assert!(
        cal.contains("BEGIN:VCALENDAR") && cal.contains("METHOD:PUBLISH"),
        "{cal}"
    );
    assert_eq!(cal.matches("BEGIN:VEVENT").count(), 2, "{cal}");
    // 09:00 in Italy, sent in UTC (08:00 in winter, 07:00 in summer).
    let start = day_ahead(20).format("%Y%m%d").to_string();
    assert!(
        cal.contains(&format!("DTSTART:{start}T080000Z"))
            || cal.contains(&format!("DTSTART:{start}T070000Z")),
        "{cal}"
    );
    assert!(cal.contains("https://meet.example.org/lumit"), "{cal}");

    let en = MessageParser::default()
        .parse(&find("s.conti@comune.camaiore.lu.it").data)
        .unwrap();
    assert_eq!(
        en.subject(),
        Some("Enrolment in the course “Il rinnovo del permesso di soggiorno”")
    );
    assert!(en.body_text(0).unwrap().contains("Dear Sara Conti"));

    // The third finds the course full: a notice, no calendar.
    let waiting = MessageParser::default()
        .parse(&find("m.neri@comune.camaiore.lu.it").data)
        .unwrap();
    assert_eq!(
        waiting.subject(),
        Some("Lista d'attesa del corso «Il rinnovo del permesso di soggiorno»")
    );
    assert_eq!(waiting.attachments().count(), 0);

    let sent = outbox_until(&app, &admin, "sent", 3).await;
    assert_eq!(sent["items"].as_array().unwrap().len(), 3, "{sent}");
    assert!(
        app.rows_containing("access_log", "action", "outbox.list") >= 1,
        "addresses shown are logged"
    );
    let summary = json_of(app.get("/api/v1/outbox/summary", &admin).await, 200).await;
    assert_eq!(
        summary,
        json!({"smtp_configured": true, "pending": 0, "sent": 3, "failed": 0})
    );
}

async fn the_outbox_survives_a_mail_server_outage(backend: Backend) {
    let port = closed_port();
    let app = app_with_mail(backend, Some(format!("smtp://127.0.0.1:{port}")), 20).await;
    let admin = app.admin().await;
    let camaiore = app.municipality("046005").await;
    let c = course(&app, &admin, "Cittadinanza", &[]).await;
    session(
        &app,
        &admin,
        &c,
        at_office(&camaiore, "Sala A", day_ahead(20), "09:00", "13:00", 10),
    )
    .await;
    enrol(
        &app,
        &admin,
        &c,
        colleague(
            "Giulia Bianchi",
            "g.bianchi@comune.camaiore.lu.it",
            &camaiore,
        ),
    )
    .await;

    // The server is down: the message waits, with the reason and a later attempt.
    let end = std::time::Instant::now() + Duration::from_secs(20);
    let waiting = loop {
        let page = json_of(app.get("/api/v1/outbox?status=pending", &admin).await, 200).await;
        let m = page["items"][0].clone();
        if m["attempts"].as_i64().unwrap_or(0) >= 1 || std::time::Instant::now() > end {
            break m;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(waiting["attempts"].as_i64().unwrap() >= 1, "{waiting}");
    assert!(
        waiting["last_error"]
            .as_str()
            .is_some_and(|e| !e.is_empty()),
        "{waiting}"
    );

    // It comes back: the message goes out, once.
    let sink = SmtpSink::on(port).await;
    let got = sink.wait_for(1, 30).await;
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].to, ["g.bianchi@comune.camaiore.lu.it"]);
    let sent = outbox_until(&app, &admin, "sent", 1).await;
    assert_eq!(sent["items"][0]["id"], waiting["id"]);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(sink.received().len(), 1, "sent once");
}

async fn without_a_mail_server_messages_wait_and_failed_ones_go_again(backend: Backend) {
    // No SMTP: recorded, never dropped.
    let app = app_with_mail(backend, None, 1).await;
    let admin = app.admin().await;
    let camaiore = app.municipality("046005").await;
    let c = course(&app, &admin, "Asilo", &[]).await;
    enrol(
        &app,
        &admin,
        &c,
        colleague("Anna Blu", "a.blu@comune.it", &camaiore),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    let summary = json_of(app.get("/api/v1/outbox/summary", &admin).await, 200).await;
    assert_eq!(
        summary,
        json!({"smtp_configured": false, "pending": 1, "sent": 0, "failed": 0})
    );
    let (_, coord) = app.user("coord", "coordinator", &[]).await;
    assert_eq!(app.get("/api/v1/outbox", &coord).await.status(), 403);

    // One attempt allowed and the server down: failed; sent again once it is up.
    let port = closed_port();
    let other = app
        .instance_with(|s| {
            s.mail.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
            s.mail.poll = Duration::from_millis(100);
            s.mail.retry_after = Duration::from_secs(1);
            s.mail.max_attempts = 1;
        })
        .await;
    let failed = outbox_until(&other, &admin, "failed", 1).await;
    let id = failed["items"][0]["id"].as_str().unwrap().to_owned();
    let sink = SmtpSink::on(port).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        sink.received().is_empty(),
        "a failed message waits for an admin"
    );
    let again = json_of(
        other
            .post(&format!("/api/v1/outbox/{id}/retry"), &admin, json!({}))
            .await,
        200,
    )
    .await;
    assert_eq!(
        (again["status"].as_str(), again["attempts"].as_i64()),
        (Some("pending"), Some(0))
    );
    assert_eq!(sink.wait_for(1, 20).await.len(), 1);
    outbox_until(&other, &admin, "sent", 1).await;
    assert_problem(
        other
            .post(&format!("/api/v1/outbox/{id}/retry"), &admin, json!({}))
            .await,
        409,
        "already_sent",
    )
    .await;
    assert!(other.rows_containing("audit_log", "action", "outbox.retry") == 1);
}
