//! Attendance at sessions, and the hours each participant reached over a course.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use lumit_shared::rule::RuleError;
use lumit_shared::training::{
    certificate_due, percent, CourseAttendance, EnrolmentStatus, ParticipantHours, Presence,
    SessionAttendance, SessionRate, ValidMark,
};

use super::enrolment::{EnrolmentRow, ParticipantRow};
use super::session::SessionRow;
use crate::db::{now, DbConn};
use crate::error::StoreResult;
use crate::schema::{
    training_attendance as attendance, training_enrolments as enrolments,
    training_participants as participants,
};

/// What was recorded for one enrolment at one session: presence and, when partial, minutes.
type Recorded = (String, String, String, Option<i64>);

fn minutes_of(presence: Presence, minutes: Option<i64>, session_minutes: i64) -> i64 {
    match presence {
        Presence::Present => session_minutes,
        Presence::Absent => 0,
        Presence::Partial => minutes.unwrap_or(0).min(session_minutes),
    }
}

/// Records (or corrects) one participant's attendance at a session.
pub fn mark(
    c: &mut DbConn,
    session: &SessionRow,
    enrolment: &EnrolmentRow,
    m: ValidMark,
    by: Option<&str>,
) -> StoreResult<()> {
    if enrolment.course_id != session.course_id || enrolment.status() != EnrolmentStatus::Enrolled {
        return Err(RuleError::field(
            "enrolment_id",
            "not_enrolled",
            "this participant holds no place in the session's course",
        )
        .into());
    }
    let minutes = (m.presence == Presence::Partial).then_some(m.minutes);
    diesel::delete(
        attendance::table
            .filter(attendance::session_id.eq(&session.id))
            .filter(attendance::enrolment_id.eq(&enrolment.id)),
    )
    .execute(c)?;
    diesel::insert_into(attendance::table)
        .values((
            attendance::session_id.eq(&session.id),
            attendance::enrolment_id.eq(&enrolment.id),
            attendance::presence.eq(m.presence.as_str()),
            attendance::minutes.eq(minutes),
            attendance::recorded_by.eq(by),
            attendance::recorded_at.eq(now()),
        ))
        .execute(c)?;
    Ok(())
}

/// Those holding a place in the session's course, by name, with what was recorded for them.
pub fn of_session(c: &mut DbConn, session: &SessionRow) -> StoreResult<Vec<SessionAttendance>> {
    let holding: Vec<(EnrolmentRow, ParticipantRow)> = enrolments::table
        .inner_join(participants::table)
        .filter(enrolments::course_id.eq(&session.course_id))
        .filter(enrolments::status.eq(EnrolmentStatus::Enrolled.as_str()))
        .order((participants::full_name_folded, enrolments::id))
        .select((EnrolmentRow::as_select(), ParticipantRow::as_select()))
        .load(c)?;
    let marks: Vec<Recorded> = attendance::table
        .filter(attendance::session_id.eq(&session.id))
        .select((
            attendance::session_id,
            attendance::enrolment_id,
            attendance::presence,
            attendance::minutes,
        ))
        .load(c)?;
    let length = (session.ends_at - session.starts_at).num_minutes();
    Ok(holding
        .into_iter()
        .map(|(e, p)| {
            let mark = marks
                .iter()
                .find(|m| m.1 == e.id)
                .and_then(|m| Presence::parse(&m.2).map(|presence| (presence, m.3)));
            SessionAttendance {
                presence: mark.map(|m| m.0),
                minutes: mark.map(|(presence, minutes)| minutes_of(presence, minutes, length)),
                enrolment_id: e.id,
                participant_id: p.id,
                full_name: p.full_name,
                job_title: p.job_title,
            }
        })
        .collect())
}

/// A course's attendance: each participant holding a place (only those of these municipalities
/// when given) with their hours, and each session's rate.
pub fn of_course(
    c: &mut DbConn,
    sessions: &[SessionRow],
    course_id: &str,
    min_percent: i64,
    at: NaiveDateTime,
    only: Option<&[String]>,
) -> StoreResult<CourseAttendance> {
    let holding: Vec<(EnrolmentRow, ParticipantRow)> = enrolments::table
        .inner_join(participants::table)
        .filter(enrolments::course_id.eq(course_id))
        .filter(enrolments::status.eq(EnrolmentStatus::Enrolled.as_str()))
        .order((participants::full_name_folded, enrolments::id))
        .select((EnrolmentRow::as_select(), ParticipantRow::as_select()))
        .load(c)?;
    let ids: Vec<&str> = sessions.iter().map(|s| s.id.as_str()).collect();
    let marks: Vec<Recorded> = attendance::table
        .filter(attendance::session_id.eq_any(&ids))
        .select((
            attendance::session_id,
            attendance::enrolment_id,
            attendance::presence,
            attendance::minutes,
        ))
        .load(c)?;
    let length: HashMap<&str, i64> = sessions
        .iter()
        .map(|s| (s.id.as_str(), (s.ends_at - s.starts_at).num_minutes()))
        .collect();
    let holding_ids: Vec<&str> = holding.iter().map(|(e, _)| e.id.as_str()).collect();
    let mut attended: HashMap<&str, i64> = HashMap::new();
    let mut present_at: HashMap<&str, i64> = HashMap::new();
    let mut taken: HashMap<&str, bool> = HashMap::new();
    for (session, enrolment, presence, minutes) in &marks {
        let Some(presence) = Presence::parse(presence) else {
            continue;
        };
        taken.insert(session.as_str(), true);
        if !holding_ids.contains(&enrolment.as_str()) {
            continue;
        }
        let m = minutes_of(
            presence,
            *minutes,
            length.get(session.as_str()).copied().unwrap_or(0),
        );
        *attended.entry(enrolment.as_str()).or_default() += m;
        if presence != Presence::Absent {
            *present_at.entry(session.as_str()).or_default() += 1;
        }
    }
    let planned: i64 = length.values().sum();
    let participants = holding
        .iter()
        .filter(|(_, p)| match only {
            None => true,
            Some(ms) => p.municipality_id.as_ref().is_some_and(|m| ms.contains(m)),
        })
        .map(|(e, p)| {
            let minutes = attended.get(e.id.as_str()).copied().unwrap_or(0);
            ParticipantHours {
                enrolment_id: e.id.clone(),
                participant_id: p.id.clone(),
                full_name: p.full_name.clone(),
                attended_minutes: minutes,
                percent: percent(minutes, planned),
                certificate_due: certificate_due(minutes, planned, min_percent),
            }
        })
        .collect();
    Ok(CourseAttendance {
        planned_minutes: planned,
        delivered_minutes: sessions
            .iter()
            .filter(|s| s.ends_at <= at)
            .map(|s| (s.ends_at - s.starts_at).num_minutes())
            .sum(),
        min_attendance_percent: min_percent,
        participants,
        sessions: sessions
            .iter()
            .map(|s| SessionRate {
                session_id: s.id.clone(),
                starts_at: s.starts_at,
                attended: present_at.get(s.id.as_str()).copied().unwrap_or(0),
                enrolled: holding.len() as i64,
                taken: taken.get(s.id.as_str()).copied().unwrap_or(false),
            })
            .collect(),
    })
}
