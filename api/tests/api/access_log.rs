//! Every read of personal data is in the access log, whatever the endpoint; a read whose log
//! entry cannot be written is not served.

use chrono::Duration;
use serde_json::{json, Value};

use crate::common::{assert_problem, Backend, TestApp};
use crate::db_tests;

db_tests!(
    every_page_that_shows_a_person_is_in_her_access_log,
    a_read_that_cannot_be_logged_is_not_served,
    pages_read_at_once_are_logged_each_as_read,
    a_persons_reads_are_found_window_by_window,
);

async fn ok(res: reqwest::Response, status: u16) -> Value {
    let code = res.status().as_u16();
    let body: Value = res.json().await.unwrap_or(Value::Null);
    assert_eq!(code, status, "{body}");
    body
}

/// A person with a case at Gallicano; returns (person id, case id).
async fn person_with_case(
    app: &TestApp,
    token: &str,
    municipality: &str,
    last: &str,
) -> (String, String) {
    let p = ok(
        app.post(
            "/api/v1/people",
            token,
            json!({"first_name": "Amina", "last_name": last, "birth_date": "1991-05-06",
                   "municipality_id": municipality, "confirm_new": true}),
        )
        .await,
        201,
    )
    .await;
    let pid = p["id"].as_str().unwrap().to_owned();
    let c = ok(
        app.post(
            "/api/v1/cases",
            token,
            json!({"person_id": pid, "municipality_id": municipality, "category_id": "residence_permit", "summary": "Rinnovo"}),
        )
        .await,
        201,
    )
    .await;
    (pid, c["id"].as_str().unwrap().to_owned())
}

/// (action, actor name) of each read of the person, oldest first.
async fn reads_of(app: &TestApp, admin: &str, person: &str) -> Vec<(String, String)> {
    let log = ok(
        app.get(
            &format!("/api/v1/people/{person}/access-log?limit=200"),
            admin,
        )
        .await,
        200,
    )
    .await;
    let mut reads: Vec<(String, String)> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap().to_owned(),
                e["actor_name"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    reads.reverse();
    reads
}

async fn every_page_that_shows_a_person_is_in_her_access_log(app: TestApp) {
    let gallicano = app.municipality("046015").await;
    let questura = app.municipality("Questura di Lucca").await;
    let admin = app.admin().await;
    let (_, op) = app
        .user("op.gallicano", "operator", std::slice::from_ref(&gallicano))
        .await;
    let (amina, case) = person_with_case(&app, &op, &gallicano, "Diallo").await;
    let (other, _) = person_with_case(&app, &op, &gallicano, "Sow").await;
    let overdue = (chrono::Utc::now().date_naive() - Duration::days(2)).to_string();
    ok(
        app.post(
            &format!("/api/v1/cases/{case}/referrals"),
            &op,
            json!({"office_kind": "questura", "target_municipality_id": questura, "reason": "Impronte", "follow_up_date": overdue}),
        )
        .await,
        201,
    )
    .await;
    let day = lumit_api::scheduling::local_now().date() + Duration::days(10);
    let request = ok(
        app.post(
            "/api/v1/requests",
            &op,
            json!({"municipality_id": gallicano, "office": "Anagrafe", "contact_name": "Maria Rossi",
                   "kind": "mediation", "language": "ar", "date": day, "start_time": "10:00",
                   "duration_minutes": 60, "remote": true, "setting": "registry_office",
                   "participants": 2, "purpose": "Colloquio", "case_id": case}),
        )
        .await,
        201,
    )
    .await;
    let request = request["id"].as_str().unwrap();
    assert!(reads_of(&app, &admin, &amina).await.is_empty());

    // Each read, as the operator.
    for path in [
        "/api/v1/people".to_owned(),
        "/api/v1/cases".to_owned(),
        format!("/api/v1/cases/{case}/events"),
        format!("/api/v1/cases/{case}/referrals"),
        "/api/v1/deadlines".to_owned(),
        "/api/v1/requests".to_owned(),
        format!("/api/v1/requests/{request}"),
        format!("/api/v1/requests/{request}/history"),
    ] {
        ok(app.get(&path, &op).await, 200).await;
    }
    // The duplicate check shows her as a candidate.
    assert_problem(
        app.post(
            "/api/v1/people",
            &op,
            json!({"first_name": "Amina", "last_name": "Diallo", "birth_date": "1991-05-06", "municipality_id": gallicano}),
        )
        .await,
        409,
        "possible_duplicate",
    )
    .await;

    let op_name = "op.gallicano";
    let reads = reads_of(&app, &admin, &amina).await;
    let actions: Vec<&str> = reads.iter().map(|(a, _)| a.as_str()).collect();
    assert_eq!(
        actions,
        [
            "person.list",
            "case.list",
            "case.timeline",
            "case.referrals",
            "deadline.list",
            "request.list",
            "request.read",
            "request.history",
            "person.duplicate_check",
        ]
    );
    assert!(
        reads.iter().all(|(_, who)| who.contains(op_name)),
        "{reads:?}"
    );
    // Her neighbour on the list pages was shown too; her timeline and referrals were not.
    let theirs: Vec<String> = reads_of(&app, &admin, &other)
        .await
        .into_iter()
        .map(|(a, _)| a)
        .collect();
    assert_eq!(theirs, ["person.list", "case.list"]);
    // A search that finds nobody shows nobody: no row.
    ok(app.get("/api/v1/people?q=Zzyzx", &op).await, 200).await;
    assert_eq!(reads_of(&app, &admin, &other).await.len(), 2);
}

async fn a_read_that_cannot_be_logged_is_not_served(app: TestApp) {
    let gallicano = app.municipality("046015").await;
    let (_, op) = app
        .user("op.gallicano", "operator", std::slice::from_ref(&gallicano))
        .await;
    let (_, case) = person_with_case(&app, &op, &gallicano, "Diallo").await;
    // The log refuses new rows, as a full disk or a revoked grant would.
    app.sql(match app.backend {
        Backend::Postgres => {
            "CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'refused'; END; $$ LANGUAGE plpgsql; \
             CREATE TRIGGER refuse BEFORE INSERT ON access_log FOR EACH ROW EXECUTE FUNCTION refuse();"
        }
        Backend::Sqlite => {
            "CREATE TRIGGER access.refuse BEFORE INSERT ON access_log BEGIN SELECT RAISE(ABORT, 'refused'); END;"
        }
    });
    for path in [
        "/api/v1/people".to_owned(),
        "/api/v1/cases".to_owned(),
        format!("/api/v1/cases/{case}/events"),
    ] {
        let res = app.get(&path, &op).await;
        assert_eq!(res.status(), 503, "{path}");
        let body = res.text().await.unwrap();
        assert!(!body.contains("Diallo"), "{path}: {body}");
    }
    app.sql(match app.backend {
        Backend::Postgres => "DROP TRIGGER refuse ON access_log",
        Backend::Sqlite => "DROP TRIGGER access.refuse",
    });
    ok(app.get("/api/v1/people", &op).await, 200).await;
}

/// Pages read at the same moment are written together (one statement for many rows): each row
/// keeps its own reader, list and people.
async fn pages_read_at_once_are_logged_each_as_read(app: TestApp) {
    let gallicano = app.municipality("046015").await;
    let admin = app.admin().await;
    let (_, op) = app
        .user("op.gallicano", "operator", std::slice::from_ref(&gallicano))
        .await;
    let (amina, _) = person_with_case(&app, &op, &gallicano, "Diallo").await;
    let app = &app;
    let reads = (0..40).map(|i| {
        let (path, token) = match i % 2 {
            0 => ("/api/v1/people", admin.as_str()),
            _ => ("/api/v1/cases", op.as_str()),
        };
        async move { app.get(path, token).await.status().as_u16() }
    });
    let statuses = futures_util::future::join_all(reads).await;
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");

    let reads = reads_of(app, &admin, &amina).await;
    let count = |action: &str, who: &str| {
        reads
            .iter()
            .filter(|(a, w)| a == action && w.contains(who))
            .count()
    };
    assert_eq!(count("person.list", "admin"), 20, "{reads:?}");
    assert_eq!(count("case.list", "op.gallicano"), 20, "{reads:?}");
    assert_eq!(reads.len(), 40, "{reads:?}");

    // Every column of each row is its own page's.
    let log = app
        .get_json(
            &format!("/api/v1/people/{amina}/access-log?limit=200"),
            &admin,
        )
        .await;
    let items = log["items"].as_array().unwrap();
    let mut requests = std::collections::HashSet::new();
    for e in items {
        let list = match e["action"].as_str().unwrap() {
            "person.list" => "people",
            _ => "cases",
        };
        assert_eq!(e["entity_type"], "list", "{e}");
        assert_eq!(e["entity_id"], list, "{e}");
        assert_eq!(e["actor_kind"], "user", "{e}");
        assert_eq!(e["client_ip"], "127.0.0.1", "{e}");
        requests.insert(e["request_id"].as_str().unwrap().to_owned());
    }
    assert_eq!(requests.len(), 40, "one request id per page: {log}");
}

/// A person's reads among many others', looked for in windows of a few ids: every one found,
/// newest first, page after page, as in one read of the whole log.
async fn a_persons_reads_are_found_window_by_window(app: TestApp) {
    let gallicano = app.municipality("046015").await;
    let admin = app.admin().await;
    let (_, op) = app
        .user("op.gallicano", "operator", std::slice::from_ref(&gallicano))
        .await;
    let (amina, amina_case) = person_with_case(&app, &op, &gallicano, "Diallo").await;
    let (_, other_case) = person_with_case(&app, &op, &gallicano, "Sow").await;
    // Her reads far apart: many reads of another person's case between each two of hers.
    for _ in 0..4 {
        for _ in 0..7 {
            ok(
                app.get(&format!("/api/v1/cases/{other_case}"), &op).await,
                200,
            )
            .await;
        }
        ok(
            app.get(&format!("/api/v1/cases/{amina_case}"), &op).await,
            200,
        )
        .await;
    }
    ok(app.get("/api/v1/cases", &admin).await, 200).await;

    let ids = |entries: Vec<lumit_shared::audit::AccessEntry>| -> Vec<i64> {
        entries.into_iter().map(|e| e.id).collect()
    };
    let person = amina.clone();
    let whole = ids(app
        .db
        .read(move |c| lumit_api::access::for_person_in_windows(c, &person, None, 1_000, 1 << 40))
        .await
        .unwrap());
    // Four reads of her case and the list page: five, newest first.
    assert_eq!(whole.len(), 5, "{whole:?}");
    assert!(whole.windows(2).all(|w| w[0] > w[1]), "{whole:?}");

    let mut found = Vec::new();
    let mut before = None;
    loop {
        let person = amina.clone();
        let page = ids(app
            .db
            .read(move |c| lumit_api::access::for_person_in_windows(c, &person, before, 2, 3))
            .await
            .unwrap());
        if page.is_empty() {
            break;
        }
        before = page.last().copied();
        found.extend(page);
    }
    assert_eq!(found, whole);
}
