//! The programme's indicators, checked against figures counted by hand on a small fixed data set
//! (the third quarter of 2026): people counted once across municipalities and cases, age bands at
//! the period's end, a person with no birth date, cases that straddle the period, days that end
//! at Italian midnight; the scope of each caller; small cells; CSV and XLSX read back.

use calamine::{Data, Reader, Xlsx};
use chrono::NaiveDate;
use lumit_api::models::report::{people_assisted_both_ways, Tally, Window};
use lumit_shared::report::AgeBands;
use serde_json::{json, Value};

use crate::common::TestApp;
use crate::db_tests;

db_tests!(
    indicators_match_the_figures_counted_by_hand,
    each_caller_counts_only_their_municipalities,
    exports_hide_small_cells_and_neutralise_formulas,
    bad_periods_are_refused_with_the_field_at_fault,
    a_frozen_report_keeps_its_figures_and_shows_what_changed,
    every_line_drills_down_to_the_cases_it_counts,
    each_role_has_its_dashboard_in_one_answer,
    the_demo_seed_fills_the_dashboards,
    kept_first_activities_count_as_the_cases_do
);

const Q3: &str = "/api/v1/reports/indicators?from=2026-07-01&to=2026-09-30";

struct Fixture {
    gallicano: String,
    camaiore: String,
    admin: String,
}

async fn person(app: &TestApp, admin: &str, body: Value) -> String {
    let res = app.post("/api/v1/people", admin, body).await;
    assert_eq!(res.status(), 201);
    let p: Value = res.json().await.unwrap();
    p["id"].as_str().unwrap().to_owned()
}

/// Opens a case through the API, then dates it (and closes it) as the fixture says.
async fn case(
    app: &TestApp,
    admin: &str,
    person: &str,
    municipality: &str,
    category: &str,
    opened: &str,
    closed: Option<(&str, &str)>,
) -> String {
    let res = app
        .post(
            "/api/v1/cases",
            admin,
            json!({"person_id": person, "municipality_id": municipality, "category_id": category, "summary": "Pratica"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let c: Value = res.json().await.unwrap();
    let id = c["id"].as_str().unwrap().to_owned();
    app.sql(&format!(
        "UPDATE cases SET opened_at = '{opened}' WHERE id = '{id}'"
    ));
    if let Some((at, outcome)) = closed {
        app.sql(&format!(
            "UPDATE cases SET status = 'closed', outcome = '{outcome}', closed_at = '{at}' WHERE id = '{id}'"
        ));
    }
    id
}

fn entry(app: &TestApp, id: &str, case: &str, kind: &str, minutes: Option<i32>, at: &str) {
    let minutes = minutes.map_or("NULL".to_owned(), |m| m.to_string());
    app.sql(&format!(
        "INSERT INTO case_events (id, case_id, kind, note, minutes, data, at) \
         VALUES ('{id}', '{case}', '{kind}', 'Voce', {minutes}, '{{}}', '{at}')"
    ));
}

/// The data set. Times are UTC; Italy is two hours ahead in summer, so the quarter runs from
/// 2026-06-30 22:00 to 2026-09-30 22:00 UTC.
async fn fixture(app: &TestApp) -> Fixture {
    let gallicano = app.municipality("046015").await;
    let camaiore = app.municipality("046005").await;
    let admin = app.admin().await;
    let a = &admin;
    // P1 (F, 36, Morocco) has cases in both municipalities; P2 (M, 17 on 30 September) has one
    // case in the quarter and one before; P3 (F, no birth date, China) only a phone call in the
    // quarter on an older case; P4 (F, born 1960, birth year only, Ukraine) a case closed in the
    // quarter; P5 (M, no citizenship) a case of 2025 only.
    let p1 = person(app, a, json!({"first_name": "Amina", "last_name": "Benali", "sex": "F", "birth_date": "1990-05-01", "citizenship": "MA", "municipality_id": gallicano})).await;
    let res = app
        .post(
            &format!("/api/v1/people/{p1}/links"),
            a,
            json!({"municipality_id": camaiore, "reason": "Trasferita"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let p2 = person(app, a, json!({"first_name": "Karim", "last_name": "Haddad", "sex": "M", "birth_date": "2008-10-01", "citizenship": "MA", "municipality_id": gallicano})).await;
    let p3 = person(app, a, json!({"first_name": "Li", "last_name": "Wei", "sex": "F", "citizenship": "CN", "municipality_id": camaiore})).await;
    let p4 = person(app, a, json!({"first_name": "Olga", "last_name": "Kovalenko", "sex": "F", "birth_year": 1960, "citizenship": "UA", "municipality_id": camaiore})).await;
    let p5 = person(app, a, json!({"first_name": "Mario", "last_name": "Esposito", "sex": "M", "birth_date": "1980-01-01", "municipality_id": gallicano})).await;

    let (g, c) = (gallicano.as_str(), camaiore.as_str());
    let c1 = case(
        app,
        a,
        &p1,
        g,
        "residence_permit",
        "2026-07-10 12:00:00",
        None,
    )
    .await;
    case(app, a, &p1, c, "other", "2026-08-01 09:00:00", None).await;
    // 01:30 on 1 July in Italy: in the quarter.
    let c3 = case(
        app,
        a,
        &p2,
        g,
        "residence_permit",
        "2026-06-30 23:30:00",
        None,
    )
    .await;
    let c4 = case(app, a, &p3, c, "other", "2026-03-01 09:00:00", None).await;
    let c5 = case(
        app,
        a,
        &p4,
        c,
        "other",
        "2026-07-20 09:00:00",
        Some(("2026-09-10 10:00:00", "resolved")),
    )
    .await;
    let c6 = case(
        app,
        a,
        &p5,
        g,
        "other",
        "2025-01-10 09:00:00",
        Some(("2025-02-01 10:00:00", "withdrawn")),
    )
    .await;
    // After the quarter: nowhere.
    case(
        app,
        a,
        &p1,
        g,
        "residence_permit",
        "2026-10-05 09:00:00",
        None,
    )
    .await;
    // 12:00 on 29 June in Italy: before the quarter, still open at its end.
    case(app, a, &p2, g, "other", "2026-06-29 10:00:00", None).await;

    entry(app, "e1", &c4, "phone_call", None, "2026-08-15 10:00:00");
    entry(
        app,
        "e2",
        &c5,
        "intervention",
        Some(30),
        "2026-07-21 10:00:00",
    );
    entry(
        app,
        "e3",
        &c6,
        "intervention",
        Some(45),
        "2025-01-15 10:00:00",
    );
    entry(app, "e4", &c1, "phone_call", None, "2026-07-11 10:00:00");
    // 23:30 on 30 September in Italy: in; 00:30 on 1 October: out.
    entry(app, "e5", &c3, "appointment", None, "2026-09-30 21:30:00");
    entry(app, "e6", &c1, "appointment", None, "2026-09-30 22:30:00");
    app.sql(&format!(
        "INSERT INTO referrals (id, case_id, office_kind, reason, answer, answered_at, created_at) VALUES \
         ('f1', '{c1}', 'questura', 'Impronte', 'Fissato', '2026-08-01 10:00:00', '2026-07-15 10:00:00'), \
         ('f2', '{c6}', 'questura', 'Impronte', NULL, NULL, '2025-01-20 10:00:00')"
    ));

    // Requests: job times are Italian wall-clock times.
    app.sql(
        "INSERT INTO mediators (id, full_name, kind, created_at, updated_at) \
         VALUES ('m1', 'Samira', 'both', '2025-01-01 00:00:00', '2025-01-01 00:00:00')",
    );
    for r in [
        Req {
            id: "r1",
            municipality: g,
            office: "Anagrafe",
            created: "2026-07-01 08:00:00",
            starts: Some("2026-07-05 10:00:00"),
            actual_start: Some("2026-07-05 10:00:00"),
            actual_minutes: Some(90),
            status: "completed",
            ..Req::default()
        },
        Req {
            id: "r2",
            municipality: c,
            office: "=1+1",
            language: "ur",
            remote: true,
            created: "2026-06-20 08:00:00",
            starts: Some("2026-07-10 09:00:00"),
            actual_minutes: Some(60),
            status: "completed",
            ..Req::default()
        },
        Req {
            id: "r3",
            municipality: g,
            office: " anagrafe ",
            kind: "translation",
            created: "2026-08-01 08:00:00",
            due: Some("2026-08-20"),
            actual_minutes: Some(120),
            status: "completed",
            details: r#"{"pages":3,"words":900}"#,
            ..Req::default()
        },
        Req {
            id: "r4",
            municipality: g,
            office: "Scuola",
            created: "2026-09-01 08:00:00",
            starts: Some("2026-09-05 10:00:00"),
            status: "cancelled",
            late: true,
            ..Req::default()
        },
        // 01:30 on 30 September in Italy.
        Req {
            id: "r5",
            municipality: c,
            office: "Scuola",
            created: "2026-09-29 23:30:00",
            starts: Some("2026-10-20 10:00:00"),
            status: "submitted",
            ..Req::default()
        },
        Req {
            id: "r6",
            municipality: g,
            office: "Anagrafe",
            created: "2025-05-01 08:00:00",
            starts: Some("2025-05-10 10:00:00"),
            actual_minutes: Some(30),
            status: "completed",
            ..Req::default()
        },
    ] {
        r.insert(app);
    }
    app.sql(
        "INSERT INTO request_steps (id, request_id, to_status, actor_name, at) VALUES \
         ('s1', 'r1', 'assigned', 'Coord', '2026-07-02 08:00:00'), \
         ('s2', 'r2', 'assigned', 'Coord', '2026-06-21 08:00:00'), \
         ('s3', 'r3', 'assigned', 'Coord', '2026-08-03 08:00:00'), \
         ('s4', 'r3', 'assigned', 'Coord', '2026-08-04 08:00:00')",
    );

    // Training: one session in the quarter (09:00–12:00), one after it.
    app.sql(&format!(
        "INSERT INTO training_courses (id, title, title_folded, topic_id, organisation, target_offices, \
         min_attendance_percent, created_at, updated_at) VALUES \
         ('k1', 'Permessi', 'permessi', 'asylum', 'Prefettura', 'registry', 75, '2026-01-01 00:00:00', '2026-01-01 00:00:00'); \
         INSERT INTO training_sessions (id, course_id, starts_at, ends_at, place_kind, link, capacity, created_at, updated_at) VALUES \
         ('t1', 'k1', '2026-09-10 09:00:00', '2026-09-10 12:00:00', 'online', 'https://x', 30, '2026-01-01 00:00:00', '2026-01-01 00:00:00'), \
         ('t2', 'k1', '2026-10-10 09:00:00', '2026-10-10 12:00:00', 'online', 'https://x', 30, '2026-01-01 00:00:00', '2026-01-01 00:00:00'); \
         INSERT INTO training_participants (id, full_name, full_name_folded, email, email_lower, municipality_id, organisation, created_at, updated_at) VALUES \
         ('q1', 'Anna', 'anna', 'a@x.it', 'a@x.it', '{g}', NULL, '2026-01-01 00:00:00', '2026-01-01 00:00:00'), \
         ('q2', 'Bruno', 'bruno', 'b@x.it', 'b@x.it', NULL, '=1+1', '2026-01-01 00:00:00', '2026-01-01 00:00:00'), \
         ('q3', 'Carla', 'carla', 'c@x.it', 'c@x.it', '{c}', NULL, '2026-01-01 00:00:00', '2026-01-01 00:00:00'); \
         INSERT INTO training_enrolments (id, course_id, participant_id, status, created_at, updated_at) VALUES \
         ('n1', 'k1', 'q1', 'enrolled', '2026-01-01 00:00:00', '2026-01-01 00:00:00'), \
         ('n2', 'k1', 'q2', 'enrolled', '2026-01-01 00:00:00', '2026-01-01 00:00:00'), \
         ('n3', 'k1', 'q3', 'enrolled', '2026-01-01 00:00:00', '2026-01-01 00:00:00'); \
         INSERT INTO training_attendance (session_id, enrolment_id, presence, minutes, recorded_at) VALUES \
         ('t1', 'n1', 'present', NULL, '2026-09-10 12:00:00'), \
         ('t1', 'n2', 'partial', 60, '2026-09-10 12:00:00'), \
         ('t1', 'n3', 'absent', NULL, '2026-09-10 12:00:00'), \
         ('t2', 'n3', 'present', NULL, '2026-10-10 12:00:00'); \
         INSERT INTO training_answers (id, course_id, satisfaction, usefulness, recommend) VALUES \
         ('a1', 'k1', 5, 4, TRUE), ('a2', 'k1', 3, 4, FALSE)"
    ));
    Fixture {
        gallicano,
        camaiore,
        admin,
    }
}

/// A request as the fixture writes it straight into the table.
struct Req<'a> {
    id: &'a str,
    municipality: &'a str,
    office: &'a str,
    kind: &'a str,
    language: &'a str,
    remote: bool,
    status: &'a str,
    created: &'a str,
    starts: Option<&'a str>,
    due: Option<&'a str>,
    actual_start: Option<&'a str>,
    actual_minutes: Option<i32>,
    late: bool,
    details: &'a str,
}

impl Default for Req<'_> {
    fn default() -> Self {
        Self {
            id: "",
            municipality: "",
            office: "",
            kind: "mediation",
            language: "ar",
            remote: false,
            status: "submitted",
            created: "",
            starts: None,
            due: None,
            actual_start: None,
            actual_minutes: None,
            late: false,
            details: "{}",
        }
    }
}

impl Req<'_> {
    fn insert(&self, app: &TestApp) {
        let text = |v: Option<&str>| v.map_or("NULL".to_owned(), |v| format!("'{v}'"));
        // A mediation lasts an hour as planned.
        let ends = self.starts.map(|s| s.replace(":00:00", ":59:00"));
        let done = self.status == "completed";
        app.sql(&format!(
            "INSERT INTO service_requests (id, reference, status, municipality_id, office, contact_name, \
             details, kind, language, remote, purpose, urgency, mediator_id, starts_at, ends_at, due_date, \
             actual_start, actual_minutes, outcome, cancelled_late, created_at, updated_at) VALUES \
             ('{id}', 'RS-{id}', '{status}', '{m}', '{office}', 'Rossi', '{details}', '{kind}', '{language}', \
             {remote}, 'Colloquio', 'normal', {mediator}, {starts}, {ends}, {due}, {actual_start}, {minutes}, \
             {outcome}, {late}, '{created}', '{created}')",
            id = self.id,
            status = self.status,
            m = self.municipality,
            office = self.office,
            details = self.details,
            kind = self.kind,
            language = self.language,
            remote = if self.remote { "TRUE" } else { "FALSE" },
            mediator = if matches!(self.status, "submitted" | "cancelled") { "NULL" } else { "'m1'" },
            starts = text(self.starts),
            ends = text(ends.as_deref()),
            due = text(self.due),
            actual_start = text(self.actual_start),
            minutes = self.actual_minutes.map_or("NULL".to_owned(), |m| m.to_string()),
            outcome = if done { "'done'" } else { "NULL" },
            late = if self.late { "TRUE" } else { "FALSE" },
            created = self.created,
        ));
    }
}

fn figure<'a>(r: &'a Value, code: &str) -> &'a Value {
    r["figures"]
        .as_array()
        .expect("figures")
        .iter()
        .find(|f| f["code"] == code)
        .unwrap_or_else(|| panic!("no figure {code}"))
}

/// Every figure's (period, cumulative) as expected.
fn expect_figures(r: &Value, expected: &[(&str, Value, Value)]) {
    let mut wrong = Vec::new();
    for (code, period, cumulative) in expected {
        let f = figure(r, code);
        if (&f["period"], &f["cumulative"]) != (period, cumulative) {
            wrong.push(format!(
                "{code}: expected {period} / {cumulative}, got {} / {}",
                f["period"], f["cumulative"]
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// A breakdown's lines, exactly: key → (period, cumulative).
fn expect_lines(r: &Value, breakdown: &str, expected: &[(&str, Value, Value)]) {
    let (code, _) = breakdown.split_once(".by_").expect("a breakdown code");
    let b = figure(r, code)["breakdowns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["code"] == breakdown)
        .unwrap_or_else(|| panic!("no breakdown {breakdown}"));
    let got: Vec<(String, Value, Value)> = b["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["key"].as_str().unwrap().to_owned(),
                l["period"].clone(),
                l["cumulative"].clone(),
            )
        })
        .collect();
    let mut got_sorted = got.clone();
    got_sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let mut want: Vec<(String, Value, Value)> = expected
        .iter()
        .map(|(k, p, c)| ((*k).to_owned(), p.clone(), c.clone()))
        .collect();
    want.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(got_sorted, want, "{breakdown}: lines in order {got:?}");
}

fn n(v: i64) -> Value {
    json!(v)
}

fn x(v: f64) -> Value {
    json!(v)
}

async fn indicators_match_the_figures_counted_by_hand(app: TestApp) {
    let f = fixture(&app).await;
    let (g, c) = (f.gallicano.as_str(), f.camaiore.as_str());
    let r = app.get_json(Q3, &f.admin).await;
    assert_eq!(r["from"], "2026-07-01");
    assert_eq!(r["to"], "2026-09-30");
    assert_eq!(r["programme_start"], "2021-01-01");
    assert_eq!(r["municipality_ids"], Value::Null);
    assert_eq!(
        r["suppressed_below"],
        Value::Null,
        "staff JSON shows every count"
    );
    let null = Value::Null;
    expect_figures(
        &r,
        &[
            ("people_assisted", n(4), n(5)),
            ("cases_opened", n(4), n(7)),
            ("cases_closed", n(1), n(2)),
            ("cases_open_at_end", n(5), null.clone()),
            ("interventions", n(1), n(2)),
            ("intervention_minutes", n(30), n(75)),
            ("phone_calls", n(2), n(2)),
            ("appointments", n(1), n(1)),
            ("referrals_made", n(1), n(2)),
            ("referrals_answered", n(1), n(1)),
            ("requests_submitted", n(4), n(6)),
            ("jobs_completed", n(3), n(4)),
            ("mediation_hours", x(4.5), x(5.0)),
            ("pages_translated", n(3), n(3)),
            ("words_translated", n(900), n(900)),
            ("late_cancellations", n(1), n(1)),
            ("hours_to_assignment", x(36.0), x(32.0)),
            ("municipalities_supported", n(2), n(2)),
            ("offices_supported", n(2), n(2)),
            ("staff_trained", n(2), n(2)),
            ("training_hours", x(3.0), x(3.0)),
            ("training_participant_hours", x(4.0), x(4.0)),
            ("questionnaire_satisfaction", x(4.0), x(4.0)),
            ("questionnaire_usefulness", x(4.0), x(4.0)),
        ],
    );
    // Every indicator of the catalogue is in the report, in its order.
    let codes: Vec<&str> = r["figures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    let catalogue: Vec<&str> = lumit_shared::report::INDICATORS
        .iter()
        .map(|i| i.code)
        .collect();
    assert_eq!(codes, catalogue);

    // People: once per line, however many cases and municipalities.
    expect_lines(
        &r,
        "people_assisted.by_sex",
        &[("F", n(3), n(3)), ("M", n(1), n(2)), ("X", n(0), n(0))],
    );
    expect_lines(
        &r,
        "people_assisted.by_age_band",
        &[
            ("lt18", n(1), n(1)),
            ("18-60", n(1), n(2)),
            ("gt60", n(1), n(1)),
            ("unknown", n(1), n(1)),
        ],
    );
    expect_lines(
        &r,
        "people_assisted.by_citizenship",
        &[
            ("MA", n(2), n(2)),
            ("CN", n(1), n(1)),
            ("UA", n(1), n(1)),
            ("unknown", n(0), n(1)),
        ],
    );
    expect_lines(
        &r,
        "people_assisted.by_municipality",
        &[(g, n(2), n(3)), (c, n(3), n(3))],
    );
    expect_lines(
        &r,
        "people_assisted.by_category",
        &[("residence_permit", n(2), n(2)), ("other", n(3), n(5))],
    );
    let sexes = &figure(&r, "people_assisted")["breakdowns"][0]["rows"];
    assert_eq!(sexes[0]["label"], "Donne");
    let citizenship = &figure(&r, "people_assisted")["breakdowns"][2]["rows"];
    assert_eq!(citizenship[0]["key"], "MA", "largest first");
    assert_eq!(citizenship[0]["label"], "Marocco");
    assert_eq!(citizenship[3]["key"], "unknown", "unknown last");

    // Services.
    expect_lines(
        &r,
        "cases_opened.by_category",
        &[("residence_permit", n(2), n(2)), ("other", n(2), n(5))],
    );
    expect_lines(
        &r,
        "cases_opened.by_municipality",
        &[(g, n(2), n(4)), (c, n(2), n(3))],
    );
    expect_lines(
        &r,
        "cases_closed.by_outcome",
        &[
            ("resolved", n(1), n(1)),
            ("partly_resolved", n(0), n(0)),
            ("not_resolved", n(0), n(0)),
            ("withdrawn", n(0), n(1)),
            ("referred_elsewhere", n(0), n(0)),
        ],
    );
    expect_lines(
        &r,
        "cases_open_at_end.by_municipality",
        &[(g, n(3), null.clone()), (c, n(2), null.clone())],
    );

    // Mediation.
    expect_lines(
        &r,
        "requests_submitted.by_status",
        &[
            ("submitted", n(1), n(1)),
            ("approved", n(0), n(0)),
            ("rejected", n(0), n(0)),
            ("assigned", n(0), n(0)),
            ("confirmed", n(0), n(0)),
            ("completed", n(2), n(4)),
            ("cancelled", n(1), n(1)),
        ],
    );
    expect_lines(
        &r,
        "requests_submitted.by_municipality",
        &[(g, n(3), n(4)), (c, n(1), n(2))],
    );
    expect_lines(
        &r,
        "requests_submitted.by_job_kind",
        &[
            ("on_site", n(3), n(4)),
            ("remote", n(0), n(1)),
            ("translation", n(1), n(1)),
        ],
    );
    expect_lines(
        &r,
        "mediation_hours.by_language",
        &[("ar", x(3.5), x(4.0)), ("ur", x(1.0), x(1.0))],
    );
    expect_lines(
        &r,
        "mediation_hours.by_municipality",
        &[(g, x(3.5), x(4.0)), (c, x(1.0), x(1.0))],
    );
    expect_lines(
        &r,
        "mediation_hours.by_job_kind",
        &[
            ("on_site", x(1.5), x(2.0)),
            ("remote", x(1.0), x(1.0)),
            ("translation", x(2.0), x(2.0)),
        ],
    );
    expect_lines(
        &r,
        "jobs_completed.by_job_kind",
        &[
            ("on_site", n(1), n(2)),
            ("remote", n(1), n(1)),
            ("translation", n(1), n(1)),
        ],
    );

    // Authorities: cases with activity plus jobs done, per municipality; offices by name
    // however it was typed.
    expect_lines(
        &r,
        "municipalities_supported.by_municipality",
        &[(g, n(4), n(7)), (c, n(4), n(4))],
    );
    let anagrafe = format!("{g}|anagrafe");
    let formula = format!("{c}|1 1");
    expect_lines(
        &r,
        "offices_supported.by_office",
        &[(&anagrafe, n(2), n(3)), (&formula, n(1), n(1))],
    );
    let offices = &figure(&r, "offices_supported")["breakdowns"][0]["rows"];
    assert_eq!(offices[0]["label"], "Gallicano — Anagrafe");

    // Training.
    expect_lines(
        &r,
        "staff_trained.by_municipality",
        &[(g, n(1), n(1)), ("other", n(1), n(1))],
    );
    expect_lines(
        &r,
        "staff_trained.by_office",
        &[(g, n(1), n(1)), ("org:=1+1", n(1), n(1))],
    );

    // English labels; countries grouped below a threshold into "other".
    let en = app
        .get_json(&format!("{Q3}&lang=en&group_below=2"), &f.admin)
        .await;
    assert_eq!(figure(&en, "people_assisted")["label"], "People assisted");
    assert_eq!(
        figure(&en, "people_assisted")["breakdowns"][0]["rows"][0]["label"],
        "Women"
    );
    expect_lines(
        &en,
        "people_assisted.by_citizenship",
        &[
            ("MA", n(2), n(2)),
            ("other", n(2), n(2)),
            ("unknown", n(0), n(1)),
        ],
    );
}

async fn each_caller_counts_only_their_municipalities(app: TestApp) {
    let f = fixture(&app).await;
    let (g, c) = (f.gallicano.clone(), f.camaiore.clone());
    let (_, operator) = app
        .user("operator", "operator", std::slice::from_ref(&g))
        .await;
    let (_, officer) = app
        .user("officer", "municipal_officer", std::slice::from_ref(&c))
        .await;
    let (_, coordinator) = app.user("coord", "coordinator", &[]).await;

    let mine = app.get_json(Q3, &operator).await;
    assert_eq!(mine["municipality_ids"], json!([g]));
    let null = Value::Null;
    expect_figures(
        &mine,
        &[
            ("people_assisted", n(2), n(3)),
            ("cases_open_at_end", n(3), null.clone()),
            ("requests_submitted", n(3), n(4)),
            ("jobs_completed", n(2), n(3)),
            ("staff_trained", n(1), n(1)),
            ("municipalities_supported", n(1), n(1)),
            // Anonymous answers can't be split by municipality.
            ("questionnaire_satisfaction", null.clone(), null.clone()),
        ],
    );
    let theirs = app.get_json(Q3, &officer).await;
    expect_figures(
        &theirs,
        &[
            ("people_assisted", n(3), n(3)),
            ("requests_submitted", n(1), n(2)),
            ("staff_trained", n(0), n(0)),
        ],
    );
    // The coordinator sees one municipality when asking; the operator can't ask for another.
    let one = app
        .get_json(&format!("{Q3}&municipality_id={c}"), &coordinator)
        .await;
    assert_eq!(one["municipality_ids"], json!([c]));
    assert_eq!(figure(&one, "people_assisted")["period"], 3);
    let res = app
        .get(&format!("{Q3}&municipality_id={c}"), &operator)
        .await;
    crate::common::assert_problem(res, 404, "not_found").await;
    let res = app
        .get(&format!("{Q3}&municipality_id=no-such-place"), &coordinator)
        .await;
    assert_eq!(res.status(), 404);

    // A partner system of Gallicano with `reports:read` sees Gallicano, small counts hidden,
    // whatever it asks; without the scope, nothing.
    let (_, id, secret) = app.api_client(&g, &["reports:read"]).await;
    let token: Value = app.client_token(&id, &secret).await.json().await.unwrap();
    let token = token["access_token"].as_str().unwrap();
    let client = app.get_json(&format!("{Q3}&small_cells=show"), token).await;
    assert_eq!(client["municipality_ids"], json!([g]));
    assert_eq!(client["suppressed_below"], 5);
    assert_eq!(figure(&client, "people_assisted")["period"], "<5");
    assert_eq!(figure(&client, "people_assisted")["cumulative"], "<5");
    // Minutes and hours are not people: shown.
    assert_eq!(figure(&client, "mediation_hours")["period"], 3.5);
    let (_, id, secret) = app.api_client(&g, &["cases:read"]).await;
    let token: Value = app.client_token(&id, &secret).await.json().await.unwrap();
    let res = app.get(Q3, token["access_token"].as_str().unwrap()).await;
    crate::common::assert_problem(res, 403, "insufficient_scope").await;
}

async fn exports_hide_small_cells_and_neutralise_formulas(app: TestApp) {
    let f = fixture(&app).await;
    // CSV leaves LUMIT: small counts hidden unless the coordinator asks to show them.
    let res = app.get(&format!("{Q3}&format=csv"), &f.admin).await;
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    assert!(res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("lumit-indicators-2026-07-01-2026-09-30.csv"));
    let text = res.text().await.unwrap();
    let mut csv = csv::Reader::from_reader(text.as_bytes());
    let rows: Vec<csv::StringRecord> = csv.records().map(|r| r.unwrap()).collect();
    let total = |rows: &[csv::StringRecord], code: &str| {
        rows.iter()
            .find(|r| &r[0] == code && r[3].is_empty())
            .map(|r| (r[7].to_owned(), r[8].to_owned()))
            .unwrap()
    };
    assert_eq!(total(&rows, "people_assisted"), ("<5".into(), "5".into()));
    assert_eq!(total(&rows, "mediation_hours"), ("4.5".into(), "5".into()));
    // The organisation `=1+1` is written as text, never as a formula.
    let office = rows
        .iter()
        .find(|r| &r[3] == "staff_trained.by_office" && &r[4] == "org:=1+1")
        .unwrap();
    assert_eq!(&office[5], "'=1+1");
    assert!(!text.contains(",=1+1"), "a live formula in:\n{text}");

    // `Accept: text/csv` works as `format=csv`.
    let res = reqwest::Client::new()
        .get(format!("{}{Q3}", app.base))
        .bearer_auth(&f.admin)
        .header("accept", "text/csv")
        .send()
        .await
        .unwrap();
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));

    // XLSX, every count shown, read back: the figures sheet, then one sheet per breakdown.
    let res = app
        .get(
            &format!("{Q3}&format=xlsx&small_cells=show&lang=en"),
            &f.admin,
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let bytes = res.bytes().await.unwrap().to_vec();
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let names = book.sheet_names();
    assert_eq!(names[0], "Indicators");
    assert!(names.iter().any(|n| n == "people_assisted.by_sex"));
    let first = book.worksheet_range("Indicators").unwrap();
    let row = first
        .rows()
        .find(|r| r.first() == Some(&Data::String("people_assisted".into())))
        .expect("people_assisted row");
    assert_eq!(row[2], Data::String("People assisted".into()));
    assert_eq!(row[4], Data::Float(4.0));
    assert_eq!(row[5], Data::Float(5.0));
    let offices = book.worksheet_range("staff_trained.by_office").unwrap();
    let cells: Vec<String> = offices.rows().flatten().map(|d| d.to_string()).collect();
    assert!(cells.contains(&"'=1+1".to_owned()), "{cells:?}");
    assert!(!cells.contains(&"=1+1".to_owned()));
    // Hidden counts are text in the sheet too.
    let res = app.get(&format!("{Q3}&format=xlsx"), &f.admin).await;
    let bytes = res.bytes().await.unwrap().to_vec();
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let first = book.worksheet_range("Indicatori").unwrap();
    let row = first
        .rows()
        .find(|r| r.first() == Some(&Data::String("people_assisted".into())))
        .unwrap();
    assert_eq!(row[4], Data::String("<5".into()));
    assert!(first
        .rows()
        .flatten()
        .any(|d| d.to_string().contains("sotto 5 sono nascosti")));
}

async fn bad_periods_are_refused_with_the_field_at_fault(app: TestApp) {
    let admin = app.admin().await;
    for (query, field) in [
        ("from=2026-09-30&to=2026-07-01", "to"),
        ("from=2026-13-01&to=2026-09-30", "from"),
        ("to=2026-09-30", "from"),
        ("from=1999-12-31&to=2026-09-30", "from"),
        ("from=2026-07-01&to=2026-09-30&group_below=1", "group_below"),
        ("from=2026-07-01&to=2026-09-30&lang=de", "lang"),
        ("from=2026-07-01&to=2026-09-30&format=pdf", "format"),
        (
            "from=2026-07-01&to=2026-09-30&small_cells=maybe",
            "small_cells",
        ),
    ] {
        let res = app
            .get(&format!("/api/v1/reports/indicators?{query}"), &admin)
            .await;
        let p = crate::common::assert_problem(res, 400, "invalid_query").await;
        assert_eq!(crate::common::fields(&p), [field], "{query}");
    }
    let catalogue = app.get_json("/api/v1/reports/catalogue", &admin).await;
    let first = &catalogue[0];
    assert_eq!(first["code"], "people_assisted");
    assert_eq!(first["label_it"], "Persone assistite");
    assert!(first["definition_en"]
        .as_str()
        .unwrap()
        .contains("counted once"));
    assert_eq!(first["breakdowns"][0], "people_assisted.by_sex");
}

async fn a_frozen_report_keeps_its_figures_and_shows_what_changed(app: TestApp) {
    let f = fixture(&app).await;
    let g = f.gallicano.clone();
    let (_, coordinator) = app.user("coord", "coordinator", &[]).await;
    let (_, operator) = app
        .user("operator", "operator", std::slice::from_ref(&g))
        .await;
    let q3 = json!({"from": "2026-07-01", "to": "2026-09-30"});

    // Operators read reports but do not freeze them.
    let res = app
        .post("/api/v1/reports/frozen", &operator, q3.clone())
        .await;
    crate::common::assert_problem(res, 403, "forbidden").await;
    let res = app
        .post(
            "/api/v1/reports/frozen",
            &coordinator,
            json!({"from": "2026-09-30", "to": "2026-07-01"}),
        )
        .await;
    assert_eq!(res.status(), 422);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["errors"][0]["field"], "to");

    let res = app.post("/api/v1/reports/frozen", &coordinator, q3).await;
    assert_eq!(res.status(), 201);
    let frozen: Value = res.json().await.unwrap();
    let id = frozen["id"].as_str().unwrap().to_owned();
    assert_eq!(frozen["from"], "2026-07-01");
    assert_eq!(frozen["municipality_id"], Value::Null);
    assert_eq!(frozen["frozen_by_name"], "Test coord");
    assert_eq!(frozen["sha256"].as_str().unwrap().len(), 64);
    assert_eq!(frozen["intact"], true);
    // Gallicano's own quarter, which its operator may read.
    let res = app
        .post(
            "/api/v1/reports/frozen",
            &coordinator,
            json!({"from": "2026-07-01", "to": "2026-09-30", "municipality_id": g}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let mine: Value = res.json().await.unwrap();

    // Nothing changed yet: no differences.
    let url = format!("/api/v1/reports/frozen/{id}");
    let detail = app.get_json(&url, &coordinator).await;
    assert_eq!(detail["differences"], json!([]));
    assert_eq!(figure(&detail["report"], "people_assisted")["period"], 4);

    // A correction after the report was sent: one more person with a case in the quarter.
    let p = person(&app, &f.admin, json!({"first_name": "Samir", "last_name": "Nasri", "sex": "M", "birth_date": "1985-03-03", "citizenship": "TN", "municipality_id": g})).await;
    case(&app, &f.admin, &p, &g, "other", "2026-08-20 10:00:00", None).await;
    let detail = app.get_json(&url, &coordinator).await;
    // The frozen figures are what was sent...
    assert_eq!(figure(&detail["report"], "people_assisted")["period"], 4);
    assert_eq!(figure(&detail["report"], "cases_opened")["period"], 4);
    assert_eq!(detail["frozen"]["sha256"], frozen["sha256"]);
    assert_eq!(detail["frozen"]["intact"], true);
    // ...and the page says what is different today, a new line of a breakdown included.
    let diffs = detail["differences"].as_array().unwrap();
    let find = |code: &str, breakdown: Value, key: Value, column: &str| {
        diffs
            .iter()
            .find(|d| {
                d["code"] == code
                    && d["breakdown"] == breakdown
                    && d["key"] == key
                    && d["column"] == column
            })
            .unwrap_or_else(|| panic!("no difference for {code} {breakdown} {key}: {diffs:?}"))
    };
    let people = find("people_assisted", Value::Null, Value::Null, "period");
    assert_eq!(
        (people["frozen"].clone(), people["live"].clone()),
        (n(4), n(5))
    );
    let opened = find("cases_opened", Value::Null, Value::Null, "cumulative");
    assert_eq!(
        (opened["frozen"].clone(), opened["live"].clone()),
        (n(7), n(8))
    );
    let tunisia = find(
        "people_assisted",
        json!("people_assisted.by_citizenship"),
        json!("TN"),
        "period",
    );
    assert_eq!(tunisia["frozen"], Value::Null);
    assert_eq!(tunisia["live"], 1);
    assert!(
        diffs.iter().all(|d| d["code"] != "jobs_completed"),
        "only what changed: {diffs:?}"
    );

    // Stored once, never changed: the database refuses it, whoever asks.
    assert!(app
        .try_sql(&format!(
            "UPDATE frozen_reports SET content = '{{}}' WHERE id = '{id}'"
        ))
        .is_err());
    assert!(app
        .try_sql(&format!("DELETE FROM frozen_reports WHERE id = '{id}'"))
        .is_err());

    // Listed for those who may read them: the operator sees Gallicano's, not the province's.
    let all = app.get_json("/api/v1/reports/frozen", &coordinator).await;
    assert_eq!(all.as_array().unwrap().len(), 2);
    let theirs = app.get_json("/api/v1/reports/frozen", &operator).await;
    assert_eq!(theirs, json!([mine]));
    let res = app.get(&url, &operator).await;
    crate::common::assert_problem(res, 404, "not_found").await;

    // Downloaded as frozen, small counts hidden for outside: the XLSX read back.
    let res = app.get(&format!("{url}?format=xlsx"), &coordinator).await;
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("lumit-frozen-2026-07-01-2026-09-30.xlsx"));
    let bytes = res.bytes().await.unwrap().to_vec();
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let first = book.worksheet_range("Indicatori").unwrap();
    let row = first
        .rows()
        .find(|r| r.first() == Some(&Data::String("cases_opened".into())))
        .unwrap();
    assert_eq!(row[4], Data::String("<5".into()));
    assert_eq!(row[5], Data::Float(7.0), "the frozen value, not today's 8");

    // The audit log has the act, without the figures.
    let audit = app
        .get_json("/api/v1/audit?action=report.freeze", &f.admin)
        .await;
    let items = audit["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["entity_type"], "frozen_report");
    assert!(!audit.to_string().contains("people_assisted"));
}

/// The drill-down's query for a line of a breakdown (`people_assisted.by_age_band` → `age_band`).
fn line_param(breakdown: &str) -> &'static str {
    match breakdown.rsplit_once(".by_").unwrap().1 {
        "sex" => "sex",
        "age_band" => "age_band",
        "citizenship" => "citizenship",
        "category" => "category",
        "outcome" => "outcome",
        "municipality" => "municipality_id",
        other => panic!("no drill-down by {other}"),
    }
}

async fn every_line_drills_down_to_the_cases_it_counts(app: TestApp) {
    let f = fixture(&app).await;
    let g = f.gallicano.clone();
    let drill = "/api/v1/reports/drill?from=2026-07-01&to=2026-09-30";
    let r = app.get_json(Q3, &f.admin).await;
    // Each figure of the desks and each of its lines: the list holds what the figure counted
    // (people for people assisted, cases for the others), in both columns.
    let mut checked = 0;
    for code in [
        "people_assisted",
        "cases_opened",
        "cases_closed",
        "cases_open_at_end",
    ] {
        let unit = if code == "people_assisted" {
            "people"
        } else {
            "cases"
        };
        let fig = figure(&r, code);
        for column in ["period", "cumulative"] {
            if fig[column].is_null() {
                continue;
            }
            let all = app
                .get_json(
                    &format!("{drill}&indicator={code}&column={column}"),
                    &f.admin,
                )
                .await;
            assert_eq!(all[unit], fig[column], "{code} {column}");
            assert_eq!(
                all["items"].as_array().unwrap().len() as i64,
                all["cases"].as_i64().unwrap()
            );
            for b in fig["breakdowns"].as_array().unwrap() {
                let bcode = b["code"].as_str().unwrap();
                for row in b["rows"].as_array().unwrap() {
                    let key = row["key"].as_str().unwrap();
                    if row[column].is_null() || row[column] == 0 {
                        continue;
                    }
                    let url = format!(
                        "{drill}&indicator={code}&column={column}&{}={key}",
                        line_param(bcode)
                    );
                    let list = app.get_json(&url, &f.admin).await;
                    assert_eq!(list[unit], row[column], "{url}");
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 20, "only {checked} lines");

    // Several lines together: people from Morocco aged 18–60 in Gallicano in the quarter: P1.
    let url = format!("{drill}&indicator=people_assisted&citizenship=MA&age_band=18-60&municipality_id={g}&lang=en");
    let list = app.get_json(&url, &f.admin).await;
    assert_eq!(
        (list["people"].clone(), list["cases"].clone()),
        (n(1), n(1))
    );
    assert_eq!(list["items"][0]["person_name"], "Amina Benali");
    assert_eq!(list["items"][0]["municipality_id"], json!(g));
    assert_eq!(list["indicator_label"], "People assisted");
    let labels: Vec<&str> = list["filters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["18–60", "Morocco", "Gallicano"]);
    // Shown, so logged: P1's access log has the drill-down.
    let amina = list["items"][0]["person_id"].as_str().unwrap().to_owned();
    let log = app
        .get_json(&format!("/api/v1/people/{amina}/access-log"), &f.admin)
        .await;
    assert!(
        log["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "report.drill"),
        "{log}"
    );

    // The case list's scope: an operator of Gallicano reaches Gallicano's cases only; an
    // officer reads reports but not cases.
    let (_, operator) = app
        .user("operator", "operator", std::slice::from_ref(&g))
        .await;
    let mine = app
        .get_json(&format!("{drill}&indicator=cases_opened"), &operator)
        .await;
    assert!(mine["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["municipality_id"] == json!(g)));
    assert_eq!(mine["municipality_ids"], json!([g]));
    let res = app
        .get(
            &format!(
                "{drill}&indicator=cases_opened&municipality_id={}",
                f.camaiore
            ),
            &operator,
        )
        .await;
    crate::common::assert_problem(res, 404, "not_found").await;
    let (_, officer) = app
        .user("officer", "municipal_officer", std::slice::from_ref(&g))
        .await;
    let res = app
        .get(&format!("{drill}&indicator=cases_opened"), &officer)
        .await;
    crate::common::assert_problem(res, 403, "forbidden").await;

    // What can't be listed is refused with the field at fault.
    for (query, field) in [
        ("indicator=mediation_hours", "indicator"),
        ("indicator=cases_closed&sex=F", "sex"),
        ("indicator=people_assisted&citizenship=other", "citizenship"),
        ("indicator=people_assisted&limit=0", "limit"),
    ] {
        let res = app.get(&format!("{drill}&{query}"), &f.admin).await;
        assert_eq!(res.status(), 400, "{query}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["errors"][0]["field"], field, "{query}");
    }
}

fn chart<'a>(d: &'a Value, code: &str) -> &'a Value {
    d["charts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == code)
        .unwrap_or_else(|| panic!("no chart {code} in {d}"))
}

async fn each_role_has_its_dashboard_in_one_answer(app: TestApp) {
    let f = fixture(&app).await;
    let g = f.gallicano.clone();
    let q3 = "/api/v1/dashboard?from=2026-07-01&to=2026-09-30";
    let d = app.get_json(q3, &f.admin).await;
    assert_eq!(d["view"], "province");
    let codes: Vec<&str> = d["charts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        [
            "people_by_month",
            "open_cases_by_status",
            "cases_by_category",
            "deadlines_by_week",
            "requests_by_status",
            "hours_by_language",
            "hours_by_municipality",
            "staff_trained_by_municipality"
        ]
    );
    // People by month: each month as the indicator counts it for that month.
    let months = chart(&d, "people_by_month");
    assert_eq!(months["kind"], "line");
    let labels: Vec<&str> = months["categories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["lug 2026", "ago 2026", "set 2026"]);
    for (i, (from, to)) in [
        ("2026-07-01", "2026-07-31"),
        ("2026-08-01", "2026-08-31"),
        ("2026-09-01", "2026-09-30"),
    ]
    .iter()
    .enumerate()
    {
        let r = app
            .get_json(
                &format!("/api/v1/reports/indicators?from={from}&to={to}"),
                &f.admin,
            )
            .await;
        assert_eq!(
            months["series"][0]["values"][i].as_f64(),
            figure(&r, "people_assisted")["period"].as_f64(),
            "{from}"
        );
    }
    // The tiles and the breakdown charts are the quarter's figures.
    let tiles = d["tiles"].as_array().unwrap();
    let people = tiles
        .iter()
        .find(|t| t["code"] == "people_assisted")
        .unwrap();
    assert_eq!(people["value"], 4.0);
    let hours = tiles
        .iter()
        .find(|t| t["code"] == "mediation_hours")
        .unwrap();
    assert_eq!(
        (hours["value"].clone(), hours["unit"].clone()),
        (json!(4.5), json!("hours"))
    );
    let r = app.get_json(Q3, &f.admin).await;
    let by_category = chart(&d, "cases_by_category");
    let expected: Vec<f64> = figure(&r, "cases_opened")["breakdowns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["dimension"] == "category")
        .unwrap()["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["period"].as_f64().unwrap())
        .collect();
    let got: Vec<f64> = by_category["series"][0]["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    assert_eq!(got, expected);
    // Every chart says what it shows in one sentence.
    let summary = by_category["summary"].as_str().unwrap();
    assert!(summary.contains(": in tutto 4; il più alto: "), "{summary}");
    // Deadlines: stacked by kind over the overdue column and four weeks.
    let deadlines = chart(&d, "deadlines_by_week");
    assert_eq!(deadlines["kind"], "stacked");
    assert_eq!(deadlines["series"].as_array().unwrap().len(), 3);
    assert_eq!(deadlines["categories"].as_array().unwrap().len(), 5);
    // Open cases now, by status: every case of the fixture that is not closed.
    let open: f64 = chart(&d, "open_cases_by_status")["series"][0]["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .sum();
    let today = lumit_api::scheduling::local_now().date();
    let now = app
        .get_json(
            &format!("/api/v1/reports/indicators?from={today}&to={today}"),
            &f.admin,
        )
        .await;
    assert_eq!(
        Some(open),
        figure(&now, "cases_open_at_end")["period"].as_f64()
    );

    // An operator's desk: their municipality's cases, no mediation or training charts.
    let (_, operator) = app
        .user("operator", "operator", std::slice::from_ref(&g))
        .await;
    let desk = app.get_json(q3, &operator).await;
    assert_eq!(desk["view"], "desk");
    assert_eq!(desk["charts"].as_array().unwrap().len(), 4);
    let mine = app
        .get_json(&format!("{Q3}&municipality_id={g}"), &f.admin)
        .await;
    let tiles = desk["tiles"].as_array().unwrap();
    assert_eq!(
        tiles
            .iter()
            .find(|t| t["code"] == "people_assisted")
            .unwrap()["value"]
            .as_f64(),
        figure(&mine, "people_assisted")["period"].as_f64()
    );
    // A municipal officer: requests and hours.
    let (_, officer) = app
        .user("officer", "municipal_officer", std::slice::from_ref(&g))
        .await;
    let office = app.get_json(&format!("{q3}&lang=en"), &officer).await;
    assert_eq!(office["view"], "municipality");
    let hours = chart(&office, "hours_by_kind");
    assert_eq!(hours["title"], "Mediation and translation hours by kind");
    // Trainers have no dashboard; bad periods are refused.
    let (_, trainer) = app.user("trainer", "trainer", &[]).await;
    let res = app.get(q3, &trainer).await;
    crate::common::assert_problem(res, 403, "forbidden").await;
    let res = app
        .get("/api/v1/dashboard?from=2026-09-30&to=2026-07-01", &f.admin)
        .await;
    assert_eq!(res.status(), 400);
}

async fn the_demo_seed_fills_the_dashboards(app: TestApp) {
    let admin = app.admin().await;
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || lumit_api::synthetic::run(&db, 40, 120, 21))
        .await
        .unwrap()
        .unwrap();
    let d = app.get_json("/api/v1/dashboard", &admin).await;
    // A year of requests in every state, with their hours and languages.
    let statuses: Vec<&str> = chart(&d, "requests_by_status")["categories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["key"].as_str().unwrap())
        .collect();
    for s in [
        "submitted",
        "approved",
        "rejected",
        "assigned",
        "confirmed",
        "completed",
        "cancelled",
    ] {
        assert!(statuses.contains(&s), "no {s} request in {statuses:?}");
    }
    let hours: f64 = chart(&d, "hours_by_language")["series"][0]["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .sum();
    assert!(hours > 100.0, "{hours} hours");
    let trained = d["tiles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["code"] == "staff_trained")
        .unwrap()["value"]
        .as_f64()
        .unwrap();
    assert!(trained >= 20.0, "{trained} trained");
    // Mediators with a week of availability each.
    let mediators = app.get_json("/api/v1/mediators", &admin).await;
    assert_eq!(mediators.as_array().unwrap().len(), 10);
    let id = mediators[0]["id"].as_str().unwrap();
    let availability = app
        .get_json(&format!("/api/v1/mediators/{id}/availability"), &admin)
        .await;
    assert_eq!(availability["weekly"].as_array().unwrap().len(), 5);
}

/// The people assisted of the province from the programme's start to each end, counted from the
/// rows the triggers keep and from the cases: the same tallies. Returns the last one.
fn same_both_ways(app: &TestApp, start: NaiveDate) -> Tally {
    let mut c = app.db.conn().unwrap();
    let bands = AgeBands::default();
    let today = chrono::Utc::now().date_naive();
    let mut last = Tally::default();
    for to in [
        NaiveDate::from_ymd_opt(2023, 9, 30).unwrap(),
        NaiveDate::from_ymd_opt(2025, 1, 31).unwrap(),
        today,
        today + chrono::Days::new(400),
    ] {
        let w = Window::new(start, to, |t| lumit_api::scheduling::to_utc(t).naive_utc());
        let (kept, cases) = people_assisted_both_ways(&mut c, &w, &bands).unwrap();
        let kept = kept.expect("the kept rows count from the programme's start");
        assert_eq!(kept, cases, "people assisted from {start} to {to}");
        last = cases;
    }
    last
}

/// After a bulk load, timeline entries, a merge of two people, a case moved to another category
/// and re-dated, an entry deleted, and again after the programme's start moves, the first
/// activities the triggers keep count the people assisted as the cases do.
async fn kept_first_activities_count_as_the_cases_do(app: TestApp) {
    use diesel::prelude::*;
    use lumit_api::schema::cases;
    let admin = app.admin().await;
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || lumit_api::synthetic::run(&db, 80, 400, 13))
        .await
        .unwrap()
        .unwrap();
    let start = NaiveDate::from_ymd_opt(2021, 1, 1).unwrap();
    let loaded = same_both_ways(&app, start);
    assert_ne!(loaded, Tally::default(), "the load assisted people");

    let picked: Vec<(String, String)> = {
        let mut c = app.db.conn().unwrap();
        cases::table
            .select((cases::id, cases::person_id))
            .order(cases::opened_at.asc())
            .limit(12)
            .load(&mut **c)
            .unwrap()
    };
    // Entries today on old cases: their people are assisted again.
    let mut entries = Vec::new();
    for (case, _) in &picked[..3] {
        entries.push(call_back(&app, &admin, case).await);
    }
    // Two records of one person merged: her cases move to the person kept.
    let (keep, duplicate) = (&picked[4].1, &picked[5].1);
    assert_ne!(keep, duplicate);
    let res = app
        .post(
            &format!("/api/v1/people/{keep}/merge"),
            &admin,
            json!({"duplicate_id": duplicate}),
        )
        .await;
    assert_eq!(res.status(), 200);
    // A case moved to another category, one re-dated before the start, an entry deleted.
    app.sql(&format!(
        "UPDATE cases SET category_id = (SELECT k.id FROM case_categories k \
         WHERE k.id <> cases.category_id AND k.parent_id IS NULL ORDER BY k.id LIMIT 1) \
         WHERE id = '{}'",
        picked[6].0
    ));
    app.sql(&format!(
        "UPDATE cases SET opened_at = '2020-06-01 09:00:00' WHERE id = '{}'",
        picked[7].0
    ));
    app.sql(&format!(
        "DELETE FROM case_events WHERE id = '{}'",
        entries[2]
    ));
    // Someone from Iceland, alone of her country, whose one case was opened before the start:
    // only an entry counts her, and only the entry's deletion forgets her again.
    let gallicano = app.municipality("046015").await;
    let solveig = person(&app, &admin, json!({"first_name": "Solveig", "last_name": "Jónsdóttir", "sex": "F", "birth_date": "1985-02-01", "citizenship": "IS", "municipality_id": gallicano})).await;
    let old = case(
        &app,
        &admin,
        &solveig,
        &gallicano,
        "other",
        "2020-03-01 10:00:00",
        None,
    )
    .await;
    let before = same_both_ways(&app, start);
    let called = || {
        entry(
            &app,
            "entry-solveig",
            &old,
            "phone_call",
            Some(5),
            "2022-05-01 10:00:00",
        )
    };
    called();
    let with_entry = same_both_ways(&app, start);
    assert_ne!(with_entry, before, "the entry counts her");
    app.sql("DELETE FROM case_events WHERE id = 'entry-solveig'");
    assert_eq!(
        same_both_ways(&app, start),
        before,
        "without it she is not counted"
    );
    called();
    let written = same_both_ways(&app, start);
    assert_ne!(written, loaded, "the writes changed the people assisted");

    // The programme's start moves: the start-up counts again from the new one; windows from the
    // old start are counted from the cases.
    let moved = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
    app.prepare_again(|s| s.reports.programme_start = moved)
        .await;
    let old = Window::new(start, moved, |t| {
        lumit_api::scheduling::to_utc(t).naive_utc()
    });
    let mut c = app.db.conn().unwrap();
    let (kept, _) = people_assisted_both_ways(&mut c, &old, &AgeBands::default()).unwrap();
    assert!(kept.is_none(), "the kept rows no longer count from {start}");
    drop(c);
    same_both_ways(&app, moved);
    call_back(&app, &admin, &picked[9].0).await;
    same_both_ways(&app, moved);
}

/// A phone call written today on a case through the API; its id.
async fn call_back(app: &TestApp, admin: &str, case: &str) -> String {
    let res = app
        .post(
            &format!("/api/v1/cases/{case}/events"),
            admin,
            json!({"kind": "phone_call", "note": "Richiamata", "minutes": 5}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let e: Value = res.json().await.unwrap();
    e["id"].as_str().unwrap().to_owned()
}
