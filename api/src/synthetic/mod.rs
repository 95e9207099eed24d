//! `lumit seed`: realistic synthetic people and cases for demos and benchmarks — names of the
//! main foreign communities in Tuscany, categories with plausible frequencies, dates over five
//! years, the real municipalities. Rows go in batches of 1,000 so a million cases load in minutes.
//! Then a year of mediation and training work ([`work`]).

use chrono::{Duration, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use indicatif::{ProgressBar, ProgressStyle};
use lumit_shared::text::{name_key, search_text};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::audit::{self, AuditCtx, Event};
use crate::db::{new_id, now, Db, DbConn};
use crate::error::ApiResult;
use crate::schema::{case_counters, cases, municipalities, people, users};

pub mod work;

/// (ISO alpha-2, share in ‰, first names, last names) of the largest communities.
const COMMUNITIES: &[(&str, u32, &[&str], &[&str])] = &[
    (
        "RO",
        230,
        &[
            "Andrei", "Ioana", "Mihai", "Elena", "Florin", "Maria", "Gheorghe", "Ana",
        ],
        &[
            "Popescu",
            "Ionescu",
            "Stan",
            "Dumitru",
            "Constantin",
            "Munteanu",
        ],
    ),
    (
        "AL",
        140,
        &[
            "Arben", "Elira", "Besnik", "Jonida", "Ilir", "Blerina", "Gentian",
        ],
        &["Hoxha", "Shehu", "Dervishi", "Krasniqi", "Gjoka", "Leka"],
    ),
    (
        "CN",
        110,
        &["Wei", "Li Na", "Jun", "Xiaoming", "Mei", "Hao", "Yan"],
        &["Chen", "Wang", "Zhang", "Hu", "Lin", "Zhou"],
    ),
    (
        "MA",
        100,
        &[
            "Mohammed", "Fatima", "Youssef", "Khadija", "Said", "Amina", "Rachid",
        ],
        &[
            "El Amrani",
            "Benali",
            "Bouzid",
            "Alaoui",
            "Chakir",
            "Idrissi",
        ],
    ),
    (
        "UA",
        60,
        &["Olena", "Oksana", "Taras", "Natalia", "Andrii", "Iryna"],
        &[
            "Shevchenko",
            "Kovalenko",
            "Bondarenko",
            "Tkachenko",
            "Melnyk",
        ],
    ),
    (
        "PH",
        50,
        &[
            "Maria Cristina",
            "Jose",
            "Rowena",
            "Mark Anthony",
            "Jocelyn",
        ],
        &["Santos", "Reyes", "Cruz", "Bautista", "Garcia"],
    ),
    (
        "PK",
        50,
        &["Muhammad", "Ayesha", "Imran", "Sana", "Bilal"],
        &["Khan", "Ahmed", "Hussain", "Iqbal", "Malik"],
    ),
    (
        "BD",
        50,
        &["Mohammad", "Rahima", "Shahid", "Nasrin", "Rafiq"],
        &["Rahman", "Hossain", "Islam", "Uddin", "Akter"],
    ),
    (
        "SN",
        50,
        &["Mamadou", "Aminata", "Cheikh", "Fatou", "Ibrahima"],
        &["Diallo", "Ndiaye", "Fall", "Sow", "Diop"],
    ),
    (
        "NG",
        40,
        &["Chinedu", "Blessing", "Emeka", "Joy", "Tunde"],
        &["Okafor", "Adeyemi", "Eze", "Obi", "Ogunleye"],
    ),
    (
        "PE",
        40,
        &["Luis", "Rosa", "Jorge", "Carmen", "Juan Carlos"],
        &["Quispe", "Huaman", "Flores", "Mamani", "Rojas"],
    ),
    (
        "IN",
        40,
        &["Harpreet", "Gurpreet", "Rajesh", "Priya", "Sandeep"],
        &["Singh", "Kaur", "Sharma", "Kumar", "Patel"],
    ),
    (
        "LK",
        20,
        &["Nimal", "Kumari", "Sunil", "Dilani"],
        &["Perera", "Fernando", "Silva", "Jayasuriya"],
    ),
    (
        "VN",
        20,
        &["Thi Lan", "Van Minh", "Thu Ha", "Duc Anh"],
        &["Nguyễn", "Trần", "Lê", "Phạm"],
    ),
];

/// (category, sub-category, weight): what desks see most.
const CATEGORIES: &[(&str, Option<&str>, u32)] = &[
    ("residence_permit", Some("residence_permit.renewal"), 300),
    ("residence_permit", Some("residence_permit.first_issue"), 80),
    ("residence_permit", Some("residence_permit.update"), 40),
    ("residence_permit", Some("residence_permit.conversion"), 30),
    ("eu_long_term", None, 80),
    ("family_reunification", None, 70),
    ("citizenship", Some("citizenship.residence"), 60),
    ("citizenship", Some("citizenship.marriage"), 20),
    ("registry", None, 90),
    ("services", Some("services.health"), 60),
    ("services", Some("services.school"), 30),
    ("services", Some("services.work"), 30),
    ("work_clearance", None, 20),
    ("integration_agreement", None, 20),
    ("driving_licence", None, 20),
    (
        "international_protection",
        Some("international_protection.application"),
        20,
    ),
    ("other", None, 30),
];

fn pick_weighted<T: Copy>(rng: &mut StdRng, items: &[(T, u32)]) -> T {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut x = rng.gen_range(0..total.max(1));
    for (v, w) in items {
        if x < *w {
            return *v;
        }
        x -= w;
    }
    items[0].0
}

#[derive(Insertable)]
#[diesel(table_name = people)]
struct PersonInsert {
    id: String,
    first_name: String,
    last_name: String,
    name_key: String,
    search_text: String,
    sex: &'static str,
    birth_date: Option<NaiveDate>,
    birth_year: Option<i32>,
    country_of_birth: Option<&'static str>,
    citizenship: Option<&'static str>,
    languages: &'static str,
    permit_expiry: Option<NaiveDate>,
    created_municipality_id: String,
    version: i64,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = cases)]
struct CaseInsert {
    id: String,
    reference: String,
    person_id: String,
    municipality_id: String,
    category_id: &'static str,
    subcategory_id: Option<&'static str>,
    channel: &'static str,
    priority: &'static str,
    summary: String,
    status: &'static str,
    outcome: Option<&'static str>,
    mediator_present: bool,
    opened_at: NaiveDateTime,
    closed_at: Option<NaiveDateTime>,
    updated_at: NaiveDateTime,
    version: i64,
}

fn bar(n: u64, what: &str) -> ProgressBar {
    let pb = ProgressBar::new(n);
    pb.set_style(
        ProgressStyle::with_template("{msg:>8} [{bar:40}] {pos}/{len} ({per_sec}, {eta} left)")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    pb.set_message(what.to_owned());
    pb
}

const BATCH: usize = 1000;

/// Loads `people` people and `cases` cases; returns how long it took.
pub fn run(
    db: &Db,
    n_people: usize,
    n_cases: usize,
    seed: u64,
) -> anyhow::Result<std::time::Duration> {
    let started = std::time::Instant::now();
    let mut rng = StdRng::seed_from_u64(seed);
    let mut conn = db.conn()?;
    let comuni: Vec<String> = municipalities::table
        .filter(municipalities::kind.eq("comune"))
        .filter(municipalities::active.eq(true))
        .select(municipalities::id)
        .load(&mut **conn)?;
    anyhow::ensure!(
        !comuni.is_empty(),
        "no active comuni: start lumit once first"
    );
    drop(conn);
    // The triggers that keep first activities would recount a person per row: once at the end.
    let activity_since = crate::models::report::activity::pause(db)?;
    let communities: Vec<(usize, u32)> = COMMUNITIES
        .iter()
        .enumerate()
        .map(|(i, c)| (i, c.1))
        .collect();
    let categories: Vec<(usize, u32)> = CATEGORIES
        .iter()
        .enumerate()
        .map(|(i, c)| (i, c.2))
        .collect();
    let today = Utc::now().date_naive();
    let t = now();

    let mut person_ids: Vec<(String, String)> = Vec::with_capacity(n_people);
    let pb = bar(n_people as u64, "people");
    for chunk in (0..n_people).collect::<Vec<_>>().chunks(BATCH) {
        let rows: Vec<PersonInsert> = chunk
            .iter()
            .map(|_| {
                let (cc, _, firsts, lasts) = COMMUNITIES[pick_weighted(&mut rng, &communities)];
                let first = firsts[rng.gen_range(0..firsts.len())].to_owned();
                let last = lasts[rng.gen_range(0..lasts.len())].to_owned();
                let birth = NaiveDate::from_ymd_opt(
                    rng.gen_range(1950..2008),
                    rng.gen_range(1..=12),
                    rng.gen_range(1..=28),
                );
                let municipality = comuni[rng.gen_range(0..comuni.len())].clone();
                let id = new_id();
                person_ids.push((id.clone(), municipality.clone()));
                PersonInsert {
                    name_key: name_key(&first, &last),
                    search_text: search_text(&[&first, &last]),
                    id,
                    first_name: first,
                    last_name: last,
                    sex: if rng.gen_bool(0.5) { "F" } else { "M" },
                    birth_year: birth.map(|d| chrono::Datelike::year(&d)),
                    birth_date: birth,
                    country_of_birth: Some(cc),
                    citizenship: Some(cc),
                    languages: "[]",
                    permit_expiry: rng
                        .gen_bool(0.7)
                        .then(|| today + Duration::days(rng.gen_range(-200..900))),
                    created_municipality_id: municipality,
                    version: 1,
                    created_at: t,
                    updated_at: t,
                }
            })
            .collect();
        db.write_blocking(|c| insert_people(c, &rows))
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        pb.inc(chunk.len() as u64);
    }
    pb.finish();

    anyhow::ensure!(
        n_cases == 0 || !person_ids.is_empty(),
        "cases need people: give --people too"
    );
    let mut counters: std::collections::BTreeMap<i32, i64> = Default::default();
    {
        let mut conn = db.conn()?;
        for (y, n) in case_counters::table
            .select((case_counters::year, case_counters::last_number))
            .load::<(i32, i64)>(&mut **conn)?
        {
            counters.insert(y, n);
        }
    }
    let pb = bar(n_cases as u64, "cases");
    let five_years = 5 * 365 * 24 * 60;
    for chunk in (0..n_cases).collect::<Vec<_>>().chunks(BATCH) {
        let mut rows: Vec<CaseInsert> = chunk
            .iter()
            .map(|_| {
                let (person_id, municipality_id) =
                    person_ids[rng.gen_range(0..person_ids.len())].clone();
                let (category, sub, _) = CATEGORIES[pick_weighted(&mut rng, &categories)];
                let opened = t - Duration::minutes(rng.gen_range(0..five_years));
                let age_days = (t - opened).num_days();
                let status = if age_days > 120 || rng.gen_bool(0.3) {
                    "closed"
                } else {
                    ["open", "in_progress", "waiting_documents", "waiting_office"]
                        [rng.gen_range(0..4)]
                };
                let closed_at = (status == "closed")
                    .then(|| (opened + Duration::days(rng.gen_range(0..90))).min(t));
                CaseInsert {
                    id: new_id(),
                    reference: String::new(),
                    person_id,
                    municipality_id,
                    category_id: category,
                    subcategory_id: sub,
                    channel: ["desk", "desk", "desk", "phone", "email", "outreach"]
                        [rng.gen_range(0..6)],
                    priority: ["normal", "normal", "normal", "low", "high", "urgent"]
                        [rng.gen_range(0..6)],
                    summary: format!(
                        "Pratica {}",
                        sub.unwrap_or(category).replace(['_', '.'], " ")
                    ),
                    status,
                    outcome: closed_at.map(|_| {
                        [
                            "resolved",
                            "resolved",
                            "partly_resolved",
                            "not_resolved",
                            "withdrawn",
                            "referred_elsewhere",
                        ][rng.gen_range(0..6)]
                    }),
                    mediator_present: rng.gen_bool(0.15),
                    opened_at: opened,
                    closed_at,
                    updated_at: closed_at.unwrap_or(opened),
                    version: 1,
                }
            })
            .collect();
        for r in &mut rows {
            let year = chrono::Datelike::year(&r.opened_at);
            let n = counters.entry(year).or_insert(0);
            *n += 1;
            r.reference = format!("LU-{year}-{:06}", *n);
        }
        db.write_blocking(|c| insert_cases(c, &rows))
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        pb.inc(chunk.len() as u64);
    }
    pb.finish();
    // The name-search index in one statement: faster than a row at a time as the rows go in.
    let pb = ProgressBar::new_spinner().with_message("name-search index");
    pb.enable_steady_tick(std::time::Duration::from_millis(200));
    let words = db
        .write_blocking(|c| Ok(crate::models::person_words::rebuild(c)?))
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    pb.finish_with_message(format!("name-search index: {words} words"));
    if let Some(since) = activity_since {
        let pb = ProgressBar::new_spinner().with_message("first activities");
        pb.enable_steady_tick(std::time::Duration::from_millis(200));
        let rows = crate::models::report::activity::ensure(db, since)?.unwrap_or(0);
        pb.finish_with_message(format!("first activities: {rows} rows"));
    }
    let ctx = AuditCtx::system("seed");
    db.write_blocking(|c| {
        for (year, n) in &counters {
            diesel::delete(case_counters::table.find(year)).execute(c)?;
            diesel::insert_into(case_counters::table)
                .values((
                    case_counters::year.eq(year),
                    case_counters::last_number.eq(n),
                ))
                .execute(c)?;
        }
        let change = lumit_shared::audit::FieldChange {
            field: "synthetic".into(),
            old: serde_json::Value::Null,
            new: serde_json::json!({"people": n_people, "cases": n_cases}),
        };
        audit::record(
            c,
            &ctx,
            Event {
                action: "seed.synthetic",
                entity_type: "database",
                changes: vec![change],
                ..Default::default()
            },
        )
    })
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    // Mediators, a year of requests and training, filed in the first admin's name.
    let pb = ProgressBar::new_spinner().with_message("mediators, requests, training");
    pb.enable_steady_tick(std::time::Duration::from_millis(200));
    let made = db
        .write_blocking(|c| {
            let admin: Option<(String, String)> = users::table
                .filter(users::role.eq("admin"))
                .order(users::created_at)
                .select((users::id, users::full_name))
                .first(c)
                .optional()?;
            let Some((id, name)) = admin else {
                return Ok(None);
            };
            Ok(Some(work::run(c, &mut rng, &comuni, today, (&id, &name))?))
        })
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    pb.finish_with_message(match made {
        Some(m) => format!(
            "{} mediators, {} requests, {} courses with {} participants",
            m.mediators, m.requests, m.courses, m.participants
        ),
        None => "no admin yet: no mediators, requests or training".to_owned(),
    });
    Ok(started.elapsed())
}

// PostgreSQL: one multi-row INSERT per batch (a round trip per thousand rows). SQLite is in
// process, where a row per statement inside the batch's transaction costs microseconds.
fn insert_people(c: &mut DbConn, rows: &[PersonInsert]) -> ApiResult<()> {
    match c {
        DbConn::Pg(pg) => {
            diesel::insert_into(people::table)
                .values(rows)
                .execute(pg)?;
        }
        DbConn::Sqlite(sq) => {
            for r in rows {
                diesel::insert_into(people::table).values(r).execute(sq)?;
            }
        }
    }
    Ok(())
}

fn insert_cases(c: &mut DbConn, rows: &[CaseInsert]) -> ApiResult<()> {
    match c {
        DbConn::Pg(pg) => {
            diesel::insert_into(cases::table).values(rows).execute(pg)?;
        }
        DbConn::Sqlite(sq) => {
            for r in rows {
                diesel::insert_into(cases::table).values(r).execute(sq)?;
            }
        }
    }
    Ok(())
}
