//! Staff of public offices trained: who attended, the hours held and attended, and what the
//! questionnaires said.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDateTime;
use diesel::sql_types::{BigInt, Nullable, Text, Timestamp};
use diesel::QueryableByName;
use lumit_shared::report::{Dimension as D, OTHER};

use super::sql::Sql;
use super::{Tally, Window};
use crate::db::DbConn;
use crate::error::StoreResult;

#[derive(QueryableByName)]
struct Presence {
    #[diesel(sql_type = Text)]
    session_id: String,
    #[diesel(sql_type = Timestamp)]
    starts_at: NaiveDateTime,
    #[diesel(sql_type = Timestamp)]
    ends_at: NaiveDateTime,
    #[diesel(sql_type = Text)]
    participant_id: String,
    #[diesel(sql_type = Nullable<Text>)]
    municipality_id: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    organisation: Option<String>,
    #[diesel(sql_type = Text)]
    presence: String,
    #[diesel(sql_type = Nullable<BigInt>)]
    minutes: Option<i64>,
}

impl Presence {
    /// Minutes attended: the whole session when present, the minutes noted when in part.
    fn attended(&self) -> i64 {
        match self.presence.as_str() {
            "present" => (self.ends_at - self.starts_at).num_minutes(),
            "partial" => self.minutes.unwrap_or(0),
            _ => 0,
        }
    }
}

#[derive(QueryableByName)]
struct Answers {
    #[diesel(sql_type = BigInt)]
    n: i64,
    #[diesel(sql_type = BigInt)]
    satisfaction: i64,
    #[diesel(sql_type = BigInt)]
    usefulness: i64,
}

/// Presences at the window's sessions (local time, as sessions are planned). A scope counts its
/// municipalities' staff, and the sessions they were at; questionnaire answers are anonymous,
/// so their averages are for the whole province only.
pub(super) fn tally(
    c: &mut DbConn,
    w: &Window,
    scope: Option<&[String]>,
    t: &mut Tally,
) -> StoreResult<()> {
    let mut q = Sql::new(
        "SELECT s.id AS session_id, s.starts_at, s.ends_at, p.id AS participant_id, \
         p.municipality_id, p.organisation, a.presence, a.minutes \
         FROM training_sessions s \
         JOIN training_attendance a ON a.session_id = s.id \
         JOIN training_enrolments en ON en.id = a.enrolment_id \
         JOIN training_participants p ON p.id = en.participant_id \
         WHERE a.presence <> 'absent' AND ",
    );
    q.between("s.starts_at", w.from_local, w.to_local)
        .scope("p.municipality_id", scope);
    let rows: Vec<Presence> = q.load(c)?;
    let mut people = BTreeSet::new();
    let mut sessions = HashMap::new();
    let mut attended = 0;
    for r in rows.iter().filter(|r| r.attended() > 0) {
        attended += r.attended();
        sessions.insert(&r.session_id, (r.ends_at - r.starts_at).num_minutes());
        if people.insert(&r.participant_id) {
            let (municipality, office) = match (&r.municipality_id, &r.organisation) {
                (Some(m), _) => (m.clone(), m.clone()),
                (None, Some(o)) => (OTHER.to_owned(), format!("org:{}", o.trim())),
                (None, None) => (OTHER.to_owned(), OTHER.to_owned()),
            };
            t.line("staff_trained", D::Municipality, municipality, 1);
            t.line("staff_trained", D::Office, office, 1);
        }
    }
    t.add("staff_trained", people.len() as i64);
    t.add("training_hours", sessions.values().sum());
    t.add("training_participant_hours", attended);
    if scope.is_none() {
        let mut q = Sql::new(
            "SELECT COUNT(*) AS n, CAST(COALESCE(SUM(satisfaction), 0) AS BIGINT) AS satisfaction, \
             CAST(COALESCE(SUM(usefulness), 0) AS BIGINT) AS usefulness FROM training_answers \
             WHERE course_id IN (SELECT s.course_id FROM training_sessions s WHERE ",
        );
        q.between("s.starts_at", w.from_local, w.to_local).push(")");
        if let Some(a) = q.load::<Answers>(c)?.first() {
            t.average("questionnaire_satisfaction", a.satisfaction as f64, a.n);
            t.average("questionnaire_usefulness", a.usefulness as f64, a.n);
        }
    }
    Ok(())
}
