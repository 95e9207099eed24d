//! Certificates of attendance in the database: issued once per place, with the minutes
//! certified at that moment and a random code to check them by.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use lumit_shared::training::{Certificate, CertificateCode, ParticipantHours};
use rand::RngCore;

use super::enrolment::ParticipantRow;
use crate::db::{new_id, now, DbConn};
use crate::error::StoreResult;
use crate::schema::{training_certificates as certificates, training_participants as participants};

/// A stored certificate.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = certificates)]
pub struct CertificateRow {
    pub id: String,
    pub code: String,
    pub course_id: String,
    pub enrolment_id: String,
    pub participant_id: String,
    pub attended_minutes: i64,
    pub planned_minutes: i64,
    pub course_title: String,
    pub organisation: String,
    /// The trainers' names, one a line.
    pub trainers: String,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    pub sessions: i64,
    pub issued_at: NaiveDateTime,
}

/// What a certificate says of its course, as the course is when it is issued.
#[derive(Debug, Clone)]
pub struct CourseAtIssue {
    pub title: String,
    pub organisation: String,
    pub trainers: String,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    pub sessions: i64,
    pub planned_minutes: i64,
}

impl CertificateRow {
    /// The API shape, with the holder's name.
    pub fn into_api(self, full_name: String) -> Certificate {
        Certificate {
            id: self.id,
            code: self.code,
            course_id: self.course_id,
            participant_id: self.participant_id,
            full_name,
            attended_minutes: self.attended_minutes,
            planned_minutes: self.planned_minutes,
            issued_at: self.issued_at,
        }
    }
}

/// Issues a certificate to each of these participants who reached the threshold and has none
/// for this course yet; returns those just issued.
pub fn issue(
    c: &mut DbConn,
    course_id: &str,
    course: &CourseAtIssue,
    due: &[ParticipantHours],
    by: Option<&str>,
) -> StoreResult<Vec<CertificateRow>> {
    let have: Vec<String> = certificates::table
        .filter(certificates::course_id.eq(course_id))
        .select(certificates::enrolment_id)
        .load(c)?;
    // Anonymised participants keep their hours in the figures, but get no certificate: it
    // would confirm a name that is no longer theirs.
    let ids: Vec<&str> = due.iter().map(|p| p.participant_id.as_str()).collect();
    let anonymised: Vec<String> = participants::table
        .filter(participants::id.eq_any(&ids))
        .filter(participants::anonymised.eq(true))
        .select(participants::id)
        .load(c)?;
    let mut made = Vec::new();
    for p in due.iter().filter(|p| {
        p.certificate_due
            && !have.contains(&p.enrolment_id)
            && !anonymised.contains(&p.participant_id)
    }) {
        let row = CertificateRow {
            id: new_id(),
            code: CertificateCode::from_bits(rand::rngs::OsRng.next_u64())
                .as_str()
                .to_owned(),
            course_id: course_id.to_owned(),
            enrolment_id: p.enrolment_id.clone(),
            participant_id: p.participant_id.clone(),
            attended_minutes: p.attended_minutes,
            planned_minutes: course.planned_minutes,
            course_title: course.title.clone(),
            organisation: course.organisation.clone(),
            trainers: course.trainers.clone(),
            first_day: course.first_day,
            last_day: course.last_day,
            sessions: course.sessions,
            issued_at: now(),
        };
        diesel::insert_into(certificates::table)
            .values((
                certificates::id.eq(&row.id),
                certificates::code.eq(&row.code),
                certificates::course_id.eq(&row.course_id),
                certificates::enrolment_id.eq(&row.enrolment_id),
                certificates::participant_id.eq(&row.participant_id),
                certificates::attended_minutes.eq(row.attended_minutes),
                certificates::planned_minutes.eq(row.planned_minutes),
                certificates::course_title.eq(&row.course_title),
                certificates::organisation.eq(&row.organisation),
                certificates::trainers.eq(&row.trainers),
                certificates::first_day.eq(row.first_day),
                certificates::last_day.eq(row.last_day),
                certificates::sessions.eq(row.sessions),
                certificates::issued_at.eq(row.issued_at),
                certificates::issued_by.eq(by),
            ))
            .execute(c)?;
        made.push(row);
    }
    Ok(made)
}

/// A course's certificates with their holders, by name (only those of these municipalities'
/// staff when given).
pub fn of_course(
    c: &mut DbConn,
    course_id: &str,
    only: Option<&[String]>,
) -> StoreResult<Vec<Certificate>> {
    let mut q = certificates::table
        .inner_join(participants::table)
        .filter(certificates::course_id.eq(course_id))
        .into_boxed();
    if let Some(ms) = only {
        q = q.filter(participants::municipality_id.eq_any(ms.to_vec()));
    }
    let rows: Vec<(CertificateRow, String)> = q
        .order((participants::full_name_folded, certificates::id))
        .select((CertificateRow::as_select(), participants::full_name))
        .load(c)?;
    Ok(rows.into_iter().map(|(r, n)| r.into_api(n)).collect())
}

/// One certificate and its holder.
pub fn find(c: &mut DbConn, id: &str) -> StoreResult<(CertificateRow, ParticipantRow)> {
    Ok(certificates::table
        .inner_join(participants::table)
        .filter(certificates::id.eq(id))
        .select((CertificateRow::as_select(), ParticipantRow::as_select()))
        .first(c)?)
}

/// What the public page may say of a code: holder's id and name (for the initials), course
/// title as certified, minutes. `None` when no certificate has it.
pub fn check(
    c: &mut DbConn,
    code: &CertificateCode,
) -> StoreResult<Option<(String, String, String, i64)>> {
    Ok(certificates::table
        .inner_join(participants::table)
        .filter(certificates::code.eq(code.as_str()))
        .select((
            participants::id,
            participants::full_name,
            certificates::course_title,
            certificates::attended_minutes,
        ))
        .first(c)
        .optional()?)
}

/// Anonymising a participant withdraws their certificates: the public page would otherwise
/// confirm initials that are no longer theirs.
pub fn forget_participant(c: &mut DbConn, participant_id: &str) -> StoreResult<usize> {
    Ok(
        diesel::delete(certificates::table.filter(certificates::participant_id.eq(participant_id)))
            .execute(c)?,
    )
}
