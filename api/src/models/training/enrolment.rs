//! Participants and enrolments: one participant per e-mail across courses; a place while the
//! course has one, the waiting list after, moved up in order as places free.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use lumit_shared::rule::RuleError;
use lumit_shared::text::fold;
use lumit_shared::training::{
    promotions, seat, Enrolment, EnrolmentStatus, MessageLanguage, Participant, ValidParticipant,
};

use super::course;
use crate::db::{new_id, now, DbConn};
use crate::error::{StoreError, StoreResult};
use crate::schema::{
    municipalities, training_enrolments as enrolments, training_participants as participants,
};

/// A stored participant.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = participants)]
pub struct ParticipantRow {
    pub id: String,
    pub full_name: String,
    pub email: String,
    pub municipality_id: Option<String>,
    pub organisation: Option<String>,
    pub job_title: Option<String>,
    pub language: String,
}

impl ParticipantRow {
    /// The API shape.
    pub fn into_api(self) -> Participant {
        Participant {
            language: MessageLanguage::parse(&self.language).unwrap_or_default(),
            id: self.id,
            full_name: self.full_name,
            email: self.email,
            municipality_id: self.municipality_id,
            organisation: self.organisation,
            job_title: self.job_title,
        }
    }
}

/// A stored enrolment.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = enrolments)]
pub struct EnrolmentRow {
    pub id: String,
    pub course_id: String,
    pub participant_id: String,
    pub status: String,
    pub created_at: NaiveDateTime,
}

impl EnrolmentRow {
    /// Where it stands.
    pub fn status(&self) -> EnrolmentStatus {
        EnrolmentStatus::parse(&self.status).unwrap_or(EnrolmentStatus::Withdrawn)
    }

    /// The API shape, with the participant and the place on the waiting list.
    pub fn into_api(self, p: ParticipantRow, waiting_position: Option<i64>) -> Enrolment {
        Enrolment {
            status: self.status(),
            id: self.id,
            course_id: self.course_id,
            participant: p.into_api(),
            waiting_position,
            created_at: self.created_at,
        }
    }
}

/// The participant with this e-mail (any case).
pub fn participant_by_email(c: &mut DbConn, email: &str) -> StoreResult<Option<ParticipantRow>> {
    Ok(participants::table
        .filter(participants::email_lower.eq(email.to_lowercase()))
        .select(ParticipantRow::as_select())
        .first(c)
        .optional()?)
}

/// Registers the participant, or brings the one with the same e-mail up to date.
pub fn save_participant(c: &mut DbConn, v: &ValidParticipant) -> StoreResult<ParticipantRow> {
    if let Some(m) = &v.municipality_id {
        let known: i64 = municipalities::table
            .filter(municipalities::id.eq(m))
            .count()
            .get_result(c)?;
        if known == 0 {
            return Err(RuleError::field("municipality_id", "unknown", "no such office").into());
        }
    }
    let at = now();
    let values = (
        participants::full_name.eq(&v.full_name),
        participants::full_name_folded.eq(fold(&v.full_name)),
        participants::email.eq(&v.email),
        participants::municipality_id.eq(&v.municipality_id),
        participants::organisation.eq(&v.organisation),
        participants::job_title.eq(&v.job_title),
        participants::language.eq(v.language.as_str()),
        participants::updated_at.eq(at),
    );
    let id = match participant_by_email(c, &v.email)? {
        Some(p) => {
            diesel::update(participants::table.find(&p.id))
                .set((values, participants::version.eq(participants::version + 1)))
                .execute(c)?;
            p.id
        }
        None => {
            let id = new_id();
            diesel::insert_into(participants::table)
                .values((
                    participants::id.eq(&id),
                    participants::email_lower.eq(v.email_key()),
                    participants::created_at.eq(at),
                    values,
                ))
                .execute(c)?;
            id
        }
    };
    Ok(participants::table
        .find(&id)
        .select(ParticipantRow::as_select())
        .first(c)?)
}

/// One enrolment with its participant.
pub fn find(c: &mut DbConn, id: &str) -> StoreResult<(EnrolmentRow, ParticipantRow)> {
    Ok(enrolments::table
        .inner_join(participants::table)
        .filter(enrolments::id.eq(id))
        .select((EnrolmentRow::as_select(), ParticipantRow::as_select()))
        .first(c)?)
}

/// A course's enrolments: those holding a place by name, then the waiting list in order, then
/// those who withdrew; only participants of these municipalities when given.
pub fn of_course(
    c: &mut DbConn,
    course_id: &str,
    only: Option<&[String]>,
) -> StoreResult<Vec<(EnrolmentRow, ParticipantRow, Option<i64>)>> {
    let rows: Vec<(EnrolmentRow, ParticipantRow, String)> = enrolments::table
        .inner_join(participants::table)
        .filter(enrolments::course_id.eq(course_id))
        .order((
            participants::full_name_folded,
            enrolments::created_at,
            enrolments::id,
        ))
        .select((
            EnrolmentRow::as_select(),
            ParticipantRow::as_select(),
            participants::full_name_folded,
        ))
        .load(c)?;
    // The waiting list's order is the order of enrolment, whoever may see which of its rows.
    let mut queue: Vec<(&NaiveDateTime, &str)> = rows
        .iter()
        .filter(|r| r.0.status() == EnrolmentStatus::Waiting)
        .map(|r| (&r.0.created_at, r.0.id.as_str()))
        .collect();
    queue.sort();
    let position = |id: &str| queue.iter().position(|q| q.1 == id).map(|i| i as i64 + 1);
    let mut out: Vec<(EnrolmentRow, ParticipantRow, Option<i64>)> = rows
        .iter()
        .filter(|r| match only {
            None => true,
            Some(ms) => r.1.municipality_id.as_ref().is_some_and(|m| ms.contains(m)),
        })
        .map(|r| (r.0.clone(), r.1.clone(), position(&r.0.id)))
        .collect();
    let rank = |s: EnrolmentStatus| match s {
        EnrolmentStatus::Enrolled => 0,
        EnrolmentStatus::Waiting => 1,
        EnrolmentStatus::Withdrawn => 2,
    };
    out.sort_by_key(|r| (rank(r.0.status()), r.2));
    Ok(out)
}

/// Enrols a participant: a place if one is free, the waiting list otherwise. Someone who
/// withdrew comes back at the end of the line. The caller holds the course's enrolment lock.
pub fn enrol(
    c: &mut DbConn,
    course_id: &str,
    participant_id: &str,
    by: Option<&str>,
) -> StoreResult<EnrolmentRow> {
    let existing: Option<EnrolmentRow> = enrolments::table
        .filter(enrolments::course_id.eq(course_id))
        .filter(enrolments::participant_id.eq(participant_id))
        .select(EnrolmentRow::as_select())
        .first(c)
        .optional()?;
    if let Some(e) = &existing {
        if e.status() != EnrolmentStatus::Withdrawn {
            return Err(RuleError::field(
                "email",
                "already_enrolled",
                "this participant is already enrolled in the course",
            )
            .into());
        }
    }
    let capacity = course::capacity(c, course_id)?;
    let (holding, _) = course::counts(c, course_id)?;
    let status = seat(capacity, holding).as_str();
    let at = now();
    let id = match existing {
        Some(e) => {
            diesel::update(enrolments::table.find(&e.id))
                .set((
                    enrolments::status.eq(status),
                    enrolments::enrolled_by.eq(by),
                    enrolments::created_at.eq(at),
                    enrolments::updated_at.eq(at),
                ))
                .execute(c)?;
            e.id
        }
        None => {
            let id = new_id();
            diesel::insert_into(enrolments::table)
                .values((
                    enrolments::id.eq(&id),
                    enrolments::course_id.eq(course_id),
                    enrolments::participant_id.eq(participant_id),
                    enrolments::status.eq(status),
                    enrolments::enrolled_by.eq(by),
                    enrolments::created_at.eq(at),
                    enrolments::updated_at.eq(at),
                ))
                .execute(c)?;
            id
        }
    };
    Ok(find(c, &id)?.0)
}

/// Withdraws an enrolment; the caller then gives the freed place to the waiting list
/// ([`move_up`]) under the course's enrolment lock.
pub fn withdraw(c: &mut DbConn, e: &EnrolmentRow) -> StoreResult<()> {
    if e.status() == EnrolmentStatus::Withdrawn {
        return Err(StoreError::Rule(RuleError::TooLate(
            "already_withdrawn",
            "This enrolment was already withdrawn.",
        )));
    }
    diesel::update(enrolments::table.find(&e.id))
        .set((
            enrolments::status.eq(EnrolmentStatus::Withdrawn.as_str()),
            enrolments::updated_at.eq(now()),
        ))
        .execute(c)?;
    Ok(())
}

/// Moves the first of the waiting list into the places that are free (after a withdrawal or
/// more seats); returns those moved up.
pub fn move_up(c: &mut DbConn, course_id: &str) -> StoreResult<Vec<EnrolmentRow>> {
    let capacity = course::capacity(c, course_id)?;
    let (holding, waiting) = course::counts(c, course_id)?;
    let n = promotions(capacity, holding, waiting);
    if n == 0 {
        return Ok(Vec::new());
    }
    let next: Vec<EnrolmentRow> = enrolments::table
        .filter(enrolments::course_id.eq(course_id))
        .filter(enrolments::status.eq(EnrolmentStatus::Waiting.as_str()))
        .order((enrolments::created_at, enrolments::id))
        .limit(n)
        .select(EnrolmentRow::as_select())
        .load(c)?;
    let ids: Vec<&str> = next.iter().map(|e| e.id.as_str()).collect();
    diesel::update(enrolments::table.filter(enrolments::id.eq_any(&ids)))
        .set((
            enrolments::status.eq(EnrolmentStatus::Enrolled.as_str()),
            enrolments::updated_at.eq(now()),
        ))
        .execute(c)?;
    Ok(next)
}

/// Anonymises a participant for good: no name, no address, no job title or organisation; the
/// municipality stays for the programme's figures, and so do the places they attended. Places
/// they never used are withdrawn (the courses freed are returned, for the waiting list to move
/// up); their messages in the outbox are emptied, their certificates withdrawn; stored answers
/// that named them are forgotten.
pub fn anonymise_participant(c: &mut DbConn, id: &str) -> StoreResult<Vec<String>> {
    let placeholder = format!("anonimo-{id}@invalid");
    let n = diesel::update(participants::table.find(id))
        .set((
            participants::full_name.eq("Partecipante anonimo"),
            participants::full_name_folded.eq("partecipante anonimo"),
            participants::email.eq(&placeholder),
            participants::email_lower.eq(&placeholder),
            participants::organisation.eq(None::<String>),
            participants::job_title.eq(None::<String>),
            participants::anonymised.eq(true),
            participants::version.eq(participants::version + 1),
            participants::updated_at.eq(now()),
        ))
        .execute(c)?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    let attended = crate::schema::training_attendance::table
        .select(crate::schema::training_attendance::enrolment_id);
    let unused = enrolments::table
        .filter(enrolments::participant_id.eq(id))
        .filter(enrolments::status.ne(EnrolmentStatus::Withdrawn.as_str()))
        .filter(diesel::dsl::not(enrolments::id.eq_any(attended)));
    let open: Vec<(String, String)> = unused
        .select((enrolments::id, enrolments::course_id))
        .load(c)?;
    let ids: Vec<&str> = open.iter().map(|o| o.0.as_str()).collect();
    diesel::update(enrolments::table.filter(enrolments::id.eq_any(&ids)))
        .set((
            enrolments::status.eq(EnrolmentStatus::Withdrawn.as_str()),
            enrolments::updated_at.eq(now()),
        ))
        .execute(c)?;
    crate::models::outbox::forget_participant(c, id)?;
    super::certificate::forget_participant(c, id)?;
    crate::models::person::rights::forget_answers_naming(c, &[id.to_owned()])?;
    Ok(open.into_iter().map(|o| o.1).collect())
}

/// Everyone holding a place in a course, by name.
pub fn holding_places(c: &mut DbConn, course_id: &str) -> StoreResult<Vec<ParticipantRow>> {
    Ok(enrolments::table
        .inner_join(participants::table)
        .filter(enrolments::course_id.eq(course_id))
        .filter(enrolments::status.eq(EnrolmentStatus::Enrolled.as_str()))
        .order((participants::full_name_folded, enrolments::id))
        .select(ParticipantRow::as_select())
        .load(c)?)
}
