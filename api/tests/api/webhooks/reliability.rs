//! Deliveries are written with the change (a change that rolls back emits nothing), arrive in
//! order for each record, and two servers sharing the work send each exactly once.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::json;

use super::receiver::{Receiver, Reply};
use super::{open_case, subscribe, transition, wait_log};
use crate::common::{Backend, TestApp};
use crate::db_tests;

db_tests!(
    a_change_that_rolls_back_emits_nothing,
    a_records_events_arrive_in_order,
    two_servers_deliver_each_event_once,
);

async fn a_change_that_rolls_back_emits_nothing(app: TestApp) {
    let receiver = Receiver::start().await;
    let admin = app.admin().await;
    let gallicano = app.municipality("046015").await;
    let case = open_case(&app, &admin, &gallicano).await;
    let hook = subscribe(&app, &admin, &receiver.url(), &["case.status_changed"]).await;
    let hook_id = hook["id"].as_str().unwrap();

    // Refused by the workflow: nothing written, nothing emitted.
    let res = app
        .post(
            &format!("/api/v1/cases/{case}/transitions"),
            &admin,
            json!({"to": "open"}),
        )
        .await;
    assert_eq!(res.status(), 409);

    // A change that gets as far as its delivery row and then fails: the database refuses the
    // delivery after writing it, so the status, the timeline, the audit row and the delivery
    // are all rolled back together.
    match app.backend {
        Backend::Postgres => app.sql(
            "CREATE FUNCTION refuse_delivery() RETURNS trigger AS $$ \
             BEGIN RAISE EXCEPTION 'forced rollback'; END $$ LANGUAGE plpgsql; \
             CREATE TRIGGER refuse_delivery AFTER INSERT ON webhook_deliveries \
             FOR EACH ROW EXECUTE FUNCTION refuse_delivery();",
        ),
        Backend::Sqlite => app.sql(
            "CREATE TRIGGER refuse_delivery AFTER INSERT ON webhook_deliveries \
             BEGIN SELECT RAISE(ABORT, 'forced rollback'); END;",
        ),
    }
    let res = app
        .post(
            &format!("/api/v1/cases/{case}/transitions"),
            &admin,
            json!({"to": "in_progress"}),
        )
        .await;
    assert_eq!(res.status(), 500);
    app.sql(match app.backend {
        Backend::Postgres => "DROP TRIGGER refuse_delivery ON webhook_deliveries",
        Backend::Sqlite => "DROP TRIGGER refuse_delivery",
    });
    let read = app.get_json(&format!("/api/v1/cases/{case}"), &admin).await;
    assert_eq!(read["status"], "open", "the change was rolled back");
    assert_eq!(
        app.rows_containing("audit_log", "action", "case.transition"),
        0
    );
    assert_eq!(
        app.rows_containing("webhook_deliveries", "webhook_id", hook_id),
        0
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(receiver.hits().is_empty());

    // The same change, committed: exactly its event.
    transition(&app, &admin, &case, "in_progress").await;
    let hits = receiver.wait_for(1, 10).await;
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].json()["data"]["to"], "in_progress");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(receiver.hits().len(), 1);
}

async fn a_records_events_arrive_in_order(app: TestApp) {
    let receiver = Receiver::start().await;
    // The record's first event fails twice: the later ones wait for it.
    receiver.then(Reply::status(500));
    receiver.then(Reply::status(500));
    let admin = app.admin().await;
    let gallicano = app.municipality("046015").await;
    subscribe(
        &app,
        &admin,
        &receiver.url(),
        &["case.created", "case.status_changed"],
    )
    .await;
    let case = open_case(&app, &admin, &gallicano).await;
    let steps = [
        "in_progress",
        "waiting_documents",
        "waiting_office",
        "in_progress",
    ];
    for to in steps {
        transition(&app, &admin, &case, to).await;
    }
    let hits = receiver.wait_for(7, 15).await;
    let seen: Vec<String> = hits
        .iter()
        .map(|h| {
            let v = h.json();
            match v["data"]["to"].as_str() {
                Some(to) => format!("{}:{to}", v["type"].as_str().unwrap()),
                None => v["type"].as_str().unwrap().to_owned(),
            }
        })
        .collect();
    let mut expected = vec!["case.created".to_owned(); 3];
    expected.extend(steps.iter().map(|s| format!("case.status_changed:{s}")));
    assert_eq!(seen, expected);
}

async fn two_servers_deliver_each_event_once(app: TestApp) {
    let receiver = Receiver::start().await;
    // Slow enough that both servers have deliveries in flight at once.
    receiver.always(Reply::status(200).after(Duration::from_millis(30)));
    let other = app.another_instance().await;
    let admin = app.admin().await;
    let gallicano = app.municipality("046015").await;
    let hook = subscribe(&app, &admin, &receiver.url(), &["case.created"]).await;
    let hook_id = hook["id"].as_str().unwrap();
    const N: usize = 30;
    for i in 0..N {
        let server = if i % 2 == 0 { &app } else { &other };
        open_case(server, &admin, &gallicano).await;
    }
    let log = wait_log(&app, &admin, hook_id, 30, |l| {
        l.len() == N && l.iter().all(|d| d["status"] == "succeeded")
    })
    .await;
    assert_eq!(log.len(), N);
    // Claims that might still be in flight would show up now.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mut times: BTreeMap<String, usize> = BTreeMap::new();
    for hit in receiver.hits() {
        *times.entry(hit.id().to_owned()).or_default() += 1;
    }
    assert_eq!(times.len(), N, "every event arrived");
    let twice: Vec<_> = times.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "sent more than once: {twice:?}");
    assert!(log.iter().all(|d| d["attempts"] == 1), "{log:?}");
}
