//! What a receiver gets: signed, minimal payloads; retries after failures and timeouts, on the
//! schedule or when `Retry-After` says; 410 Gone; secret rotation; sending again.

use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};

use super::receiver::{Receiver, Reply};
use super::{deliveries, open_case, signed_by, subscribe, transition, wait_log};
use crate::common::TestApp;
use crate::db_tests;

db_tests!(
    deliveries_are_signed_minimal_and_logged,
    failed_attempts_are_retried_until_accepted,
    timeouts_are_retried_then_given_up,
    retry_after_is_honoured,
    gone_disables_the_subscription,
    a_rotated_secret_signs_beside_the_old_one_for_a_day,
    a_delivery_can_be_sent_again_and_a_subscription_deleted,
);

async fn deliveries_are_signed_minimal_and_logged(app: TestApp) {
    let receiver = Receiver::start().await;
    let admin = app.admin().await;
    let gallicano = app.municipality("046015").await;
    let hook = subscribe(
        &app,
        &admin,
        &receiver.url(),
        &["case.created", "case.status_changed"],
    )
    .await;
    let secret = hook["secret"].as_str().unwrap();
    assert!(secret.starts_with("whsec_"), "{secret}");
    let hook_id = hook["id"].as_str().unwrap();
    // The secret is shown once: never in a read or in the audit log.
    let read = app
        .get_json(&format!("/api/v1/webhooks/{hook_id}"), &admin)
        .await;
    assert!(read.get("secret").is_none(), "{read}");
    assert_eq!(app.rows_containing("audit_log", "changes", secret), 0);

    let case = open_case(&app, &admin, &gallicano).await;
    transition(&app, &admin, &case, "in_progress").await;
    let hits = receiver.wait_for(2, 10).await;
    assert_eq!(hits.len(), 2, "{hits:?}");
    for hit in &hits {
        assert!(signed_by(secret, hit), "a valid signature: {hit:?}");
        assert!(hit.id().starts_with("msg_"), "{}", hit.id());
        assert_eq!(hit.header("content-type"), "application/json");
        let ts: i64 = hit.header("webhook-timestamp").parse().unwrap();
        assert!((chrono::Utc::now().timestamp() - ts).abs() < 30);
        // Ids and what changed, never a name or the case's text.
        assert!(!hit.body.contains("Amina") && !hit.body.contains("Diallo"));
        assert!(!hit.body.contains("permesso"), "{}", hit.body);
    }
    let (created, moved) = (hits[0].json(), hits[1].json());
    assert_eq!(created["type"], "case.created");
    assert_eq!(
        created["data"],
        json!({"id": case, "municipality_id": gallicano})
    );
    assert!(
        chrono::DateTime::parse_from_rfc3339(created["timestamp"].as_str().unwrap()).is_ok(),
        "{created}"
    );
    assert_eq!(moved["type"], "case.status_changed");
    assert_eq!(
        moved["data"],
        json!({"id": case, "municipality_id": gallicano, "from": "open", "to": "in_progress"})
    );
    // A tampered body fails the check.
    let mut forged = hits[0].clone();
    forged.body = forged.body.replace("case.created", "case.createe");
    assert!(!signed_by(secret, &forged));

    let log = wait_log(&app, &admin, hook_id, 5, |l| {
        l.len() == 2 && l.iter().all(|d| d["status"] == "succeeded")
    })
    .await;
    assert_eq!(log.len(), 2, "{log:?}");
    // Newest first; the log's ids are the webhook-ids sent.
    assert_eq!(log[0]["id"], hits[1].id());
    assert_eq!(log[1]["id"], hits[0].id());
    assert_eq!(log[1]["event_type"], "case.created");
    assert_eq!(log[1]["resource_id"], case.as_str());
    for d in &log {
        assert_eq!(d["attempts"], 1);
        assert_eq!(d["last_response_code"], 200);
        assert!(d["last_latency_ms"].as_i64().is_some(), "{d}");
        assert!(
            d["delivered_at"].is_string() && d["next_attempt_at"].is_null(),
            "{d}"
        );
    }
    // The filter and the pages.
    let page = app
        .get_json(
            &format!("/api/v1/webhooks/{hook_id}/deliveries?status=failed"),
            &admin,
        )
        .await;
    assert_eq!(page["items"], json!([]));
    let page = app
        .get_json(
            &format!("/api/v1/webhooks/{hook_id}/deliveries?limit=1"),
            &admin,
        )
        .await;
    assert_eq!(page["items"][0]["id"], log[0]["id"]);
    let next = page["next_cursor"].as_str().unwrap();
    let page = app
        .get_json(
            &format!("/api/v1/webhooks/{hook_id}/deliveries?limit=1&cursor={next}"),
            &admin,
        )
        .await;
    assert_eq!(page["items"][0]["id"], log[1]["id"]);
    let res = app
        .get(
            &format!("/api/v1/webhooks/{hook_id}/deliveries?limit=201"),
            &admin,
        )
        .await;
    assert_eq!(res.status(), 400);
}

async fn failed_attempts_are_retried_until_accepted(app: TestApp) {
    let receiver = Receiver::start().await;
    receiver.then(Reply::status(500));
    receiver.then(Reply::status(502));
    let admin = app.admin().await;
    let gallicano = app.municipality("046015").await;
    let hook = subscribe(&app, &admin, &receiver.url(), &["case.created"]).await;
    let (secret, hook_id) = (
        hook["secret"].as_str().unwrap(),
        hook["id"].as_str().unwrap(),
    );
    open_case(&app, &admin, &gallicano).await;
    let hits = receiver.wait_for(3, 10).await;
    assert_eq!(hits.len(), 3, "{hits:?}");
    // The same message each time, signed afresh.
    assert!(hits
        .iter()
        .all(|h| h.id() == hits[0].id() && signed_by(secret, h)));
    assert!(hits.iter().all(|h| h.body == hits[0].body));
    // The schedule of the tests waits 100 ms, then 200 ms (±10 %).
    assert!(hits[1].at - hits[0].at >= Duration::from_millis(85));
    assert!(hits[2].at - hits[1].at >= Duration::from_millis(175));
    let log = wait_log(&app, &admin, hook_id, 5, |l| l[0]["status"] == "succeeded").await;
    assert_eq!(log[0]["status"], "succeeded", "{log:?}");
    assert_eq!(log[0]["attempts"], 3);
    assert_eq!(log[0]["last_response_code"], 200);
}

async fn timeouts_are_retried_then_given_up(app: TestApp) {
    // A receiver that never answers in time, and a server that waits 300 ms and retries once.
    let app = TestApp::spawn_with(app.backend, |s| {
        s.webhooks.timeout = Duration::from_millis(300);
        s.webhooks.schedule = vec![Duration::from_millis(100)];
    })
    .await;
    let receiver = Receiver::start().await;
    receiver.always(Reply::status(200).after(Duration::from_secs(2)));
    let admin = app.admin().await;
    let gallicano = app.municipality("046015").await;
    let hook = subscribe(&app, &admin, &receiver.url(), &["case.created"]).await;
    let hook_id = hook["id"].as_str().unwrap();
    open_case(&app, &admin, &gallicano).await;
    let log = wait_log(&app, &admin, hook_id, 10, |l| {
        l.first().is_some_and(|d| d["status"] == "failed")
    })
    .await;
    assert_eq!(log[0]["status"], "failed", "{log:?}");
    assert_eq!(log[0]["attempts"], 2);
    assert!(log[0]["last_response_code"].is_null());
    let error = log[0]["last_error"].as_str().unwrap();
    assert!(error.contains("timed out"), "{error}");
    let hits = receiver.hits();
    assert_eq!(hits.len(), 2, "both attempts reached the receiver");
    assert_eq!(hits[0].id(), hits[1].id());
}

async fn retry_after_is_honoured(app: TestApp) {
    let receiver = Receiver::start().await;
    receiver.then(Reply::status(503).header("retry-after", "2"));
    receiver.then(Reply::status(429).header("retry-after", "1"));
    let admin = app.admin().await;
    let gallicano = app.municipality("046015").await;
    let hook = subscribe(&app, &admin, &receiver.url(), &["case.created"]).await;
    open_case(&app, &admin, &gallicano).await;
    let hits = receiver.wait_for(3, 15).await;
    assert_eq!(hits.len(), 3, "{hits:?}");
    // Not the schedule's 100 ms and 200 ms: the receiver's 2 s, then 1 s.
    let (first, second) = (hits[1].at - hits[0].at, hits[2].at - hits[1].at);
    assert!(first >= Duration::from_millis(1900), "{first:?}");
    assert!(
        second >= Duration::from_millis(900) && second < Duration::from_millis(1900),
        "{second:?}"
    );
    let log = wait_log(&app, &admin, hook["id"].as_str().unwrap(), 5, |l| {
        l[0]["status"] == "succeeded"
    })
    .await;
    assert_eq!(log[0]["attempts"], 3, "{log:?}");
}

async fn gone_disables_the_subscription(app: TestApp) {
    let receiver = Receiver::start().await;
    receiver.always(Reply::status(410));
    let admin = app.admin().await;
    let gallicano = app.municipality("046015").await;
    let hook = subscribe(&app, &admin, &receiver.url(), &["case.created"]).await;
    let hook_id = hook["id"].as_str().unwrap();
    open_case(&app, &admin, &gallicano).await;
    let log = wait_log(&app, &admin, hook_id, 10, |l| l[0]["status"] == "failed").await;
    assert_eq!(log[0]["status"], "failed", "{log:?}");
    assert_eq!(log[0]["attempts"], 1, "no retry after 410");
    assert_eq!(log[0]["last_response_code"], 410);
    let res = app
        .get(&format!("/api/v1/webhooks/{hook_id}"), &admin)
        .await;
    let etag = res.headers()["etag"].to_str().unwrap().to_owned();
    let read: Value = res.json().await.unwrap();
    assert_eq!(read["enabled"], false);
    assert_eq!(read["disabled_reason"], "gone");
    // Disabled by the system, in the audit log.
    let audit = app
        .get_json(
            &format!("/api/v1/audit?entity_id={hook_id}&action=webhook.disable"),
            &admin,
        )
        .await;
    assert_eq!(audit["items"][0]["actor_kind"], "system", "{audit}");
    // Nothing more is queued for it.
    open_case(&app, &admin, &gallicano).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(deliveries(&app, &admin, hook_id).await.len(), 1);
    assert_eq!(receiver.hits().len(), 1);
    // Enabled again (with the version read): the reason goes, events come again.
    receiver.always(Reply::status(204));
    let res = app
        .http
        .patch(format!("{}/api/v1/webhooks/{hook_id}", app.base))
        .bearer_auth(&admin)
        .header("if-match", "\"999\"")
        .json(&json!({"enabled": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 412);
    let res = app
        .http
        .patch(format!("{}/api/v1/webhooks/{hook_id}", app.base))
        .bearer_auth(&admin)
        .header("if-match", &etag)
        .json(&json!({"enabled": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let read: Value = res.json().await.unwrap();
    assert_eq!(read["enabled"], true);
    assert!(read["disabled_reason"].is_null(), "{read}");
    open_case(&app, &admin, &gallicano).await;
    assert_eq!(receiver.wait_for(2, 10).await.len(), 2);
}

async fn a_rotated_secret_signs_beside_the_old_one_for_a_day(app: TestApp) {
    let receiver = Receiver::start().await;
    let admin = app.admin().await;
    let gallicano = app.municipality("046015").await;
    let hook = subscribe(&app, &admin, &receiver.url(), &["case.created"]).await;
    let (old, hook_id) = (
        hook["secret"].as_str().unwrap().to_owned(),
        hook["id"].as_str().unwrap().to_owned(),
    );
    assert!(hook["previous_secret_expires_at"].is_null());
    let res = app
        .call(
            Method::POST,
            &format!("/api/v1/webhooks/{hook_id}/secret"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let rotated: Value = res.json().await.unwrap();
    let new = rotated["secret"].as_str().unwrap().to_owned();
    assert!(new.starts_with("whsec_") && new != old);
    let until = chrono::DateTime::parse_from_rfc3339(
        rotated["previous_secret_expires_at"].as_str().unwrap(),
    )
    .unwrap();
    let left = until.with_timezone(&chrono::Utc) - chrono::Utc::now();
    assert!(
        left > chrono::Duration::hours(23) && left <= chrono::Duration::hours(24),
        "{left}"
    );
    // Within the day: two signatures, one by each secret.
    open_case(&app, &admin, &gallicano).await;
    let hits = receiver.wait_for(1, 10).await;
    let sigs: Vec<&str> = hits[0].header("webhook-signature").split(' ').collect();
    assert_eq!(sigs.len(), 2, "{sigs:?}");
    assert!(signed_by(&new, &hits[0]) && signed_by(&old, &hits[0]));
    // The rotation is audited, without either secret.
    assert_eq!(app.rows_containing("audit_log", "changes", &new), 0);
    assert_eq!(app.rows_containing("audit_log", "changes", &old), 0);
    let audit = app
        .get_json(
            &format!("/api/v1/audit?entity_id={hook_id}&action=webhook.rotate_secret"),
            &admin,
        )
        .await;
    assert_eq!(audit["items"].as_array().unwrap().len(), 1, "{audit}");
    // After the day: the new secret only.
    app.sql(&format!(
        "UPDATE webhooks SET previous_secret_until = '2020-01-01 00:00:00' WHERE id = '{hook_id}'"
    ));
    open_case(&app, &admin, &gallicano).await;
    let hits = receiver.wait_for(2, 10).await;
    let last = &hits[1];
    assert_eq!(last.header("webhook-signature").split(' ').count(), 1);
    assert!(signed_by(&new, last) && !signed_by(&old, last));
}

async fn a_delivery_can_be_sent_again_and_a_subscription_deleted(app: TestApp) {
    let receiver = Receiver::start().await;
    let admin = app.admin().await;
    let gallicano = app.municipality("046015").await;
    let hook = subscribe(&app, &admin, &receiver.url(), &["case.created"]).await;
    let hook_id = hook["id"].as_str().unwrap();
    open_case(&app, &admin, &gallicano).await;
    let log = wait_log(&app, &admin, hook_id, 10, |l| {
        l.first().is_some_and(|d| d["status"] == "succeeded")
    })
    .await;
    let delivery = log[0]["id"].as_str().unwrap();
    let res = app
        .call(
            Method::POST,
            &format!("/api/v1/webhooks/{hook_id}/deliveries/{delivery}/redeliver"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(res.status(), 200);
    let again: Value = res.json().await.unwrap();
    assert_eq!(again["status"], "pending");
    assert_eq!(again["attempts"], 0);
    // The same webhook-id: the receiver can tell it already has it.
    let hits = receiver.wait_for(2, 10).await;
    assert_eq!(hits.len(), 2);
    assert_eq!(hits[0].id(), hits[1].id());
    assert_eq!(hits[1].id(), delivery);
    let res = app
        .call(
            Method::POST,
            &format!("/api/v1/webhooks/{hook_id}/deliveries/msg_nothing/redeliver"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(res.status(), 404);

    // Deleting it takes its deliveries, those waiting too.
    receiver.always(Reply::status(500).after(Duration::from_millis(50)));
    open_case(&app, &admin, &gallicano).await;
    let res = app
        .call(
            Method::DELETE,
            &format!("/api/v1/webhooks/{hook_id}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(res.status(), 204);
    let res = app
        .get(&format!("/api/v1/webhooks/{hook_id}/deliveries"), &admin)
        .await;
    assert_eq!(res.status(), 404);
    assert_eq!(
        app.rows_containing("webhook_deliveries", "webhook_id", hook_id),
        0
    );
    let seen = receiver.hits().len();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        receiver.hits().len() <= seen + 1,
        "nothing more after the delete"
    );
}
