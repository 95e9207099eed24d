//! Questionnaire links and anonymous answers.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use lumit_shared::rule::RuleError;
use lumit_shared::training::{AnswerRow, EnrolmentStatus, ValidAnswers, LINK_DAYS};

use super::enrolment::{EnrolmentRow, ParticipantRow};
use crate::crypto::{random_token, sha256_hex};
use crate::db::{now, DbConn};
use crate::error::{StoreError, StoreResult};
use crate::schema::{
    training_answers as answers, training_enrolments as enrolments,
    training_participants as participants, training_questionnaire_links as links,
};

/// A link just made: the token goes into the participant's message, only its hash is kept.
pub struct NewLink {
    /// The participant.
    pub participant: ParticipantRow,
    /// The secret part of the link.
    pub token: String,
}

/// Makes a link for every participant holding a place who has none yet.
pub fn make_links(c: &mut DbConn, course_id: &str) -> StoreResult<Vec<NewLink>> {
    let holding: Vec<(EnrolmentRow, ParticipantRow)> = enrolments::table
        .inner_join(participants::table)
        .filter(enrolments::course_id.eq(course_id))
        .filter(enrolments::status.eq(EnrolmentStatus::Enrolled.as_str()))
        .filter(diesel::dsl::not(
            enrolments::id.eq_any(links::table.select(links::enrolment_id)),
        ))
        .select((EnrolmentRow::as_select(), ParticipantRow::as_select()))
        .load(c)?;
    let expires = now() + Duration::days(LINK_DAYS);
    let mut made = Vec::new();
    for (e, p) in holding {
        let token = random_token(32);
        diesel::insert_into(links::table)
            .values((
                links::token_hash.eq(sha256_hex(&token)),
                links::course_id.eq(course_id),
                links::enrolment_id.eq(&e.id),
                links::expires_at.eq(expires),
            ))
            .execute(c)?;
        made.push(NewLink {
            participant: p,
            token,
        });
    }
    Ok(made)
}

/// The link of a token, if any: course, participant (for the page's language), expiry, answered.
pub fn find(c: &mut DbConn, token: &str) -> StoreResult<(String, String, NaiveDateTime, bool)> {
    Ok(links::table
        .inner_join(enrolments::table.on(enrolments::id.eq(links::enrolment_id)))
        .inner_join(participants::table.on(participants::id.eq(enrolments::participant_id)))
        .filter(links::token_hash.eq(sha256_hex(token)))
        .select((
            links::course_id,
            participants::language,
            links::expires_at,
            links::answered,
        ))
        .first(c)?)
}

/// Whether a link can be answered now: not used, not expired.
pub fn usable(expires_at: NaiveDateTime, answered: bool) -> StoreResult<()> {
    if answered {
        return Err(RuleError::TooLate(
            "already_answered",
            "This questionnaire was already answered.",
        )
        .into());
    }
    if now() > expires_at {
        return Err(
            RuleError::TooLate("link_expired", "This questionnaire link has expired.").into(),
        );
    }
    Ok(())
}

/// Records the answers and spends the link, in one transaction; a link answered meanwhile by
/// another request is refused, nothing written.
pub fn answer(c: &mut DbConn, token: &str, a: &ValidAnswers) -> StoreResult<String> {
    let (course_id, _, expires_at, answered) = find(c, token)?;
    usable(expires_at, answered)?;
    let n = diesel::update(
        links::table
            .filter(links::token_hash.eq(sha256_hex(token)))
            .filter(links::answered.eq(false)),
    )
    .set(links::answered.eq(true))
    .execute(c)?;
    if n == 0 {
        return Err(StoreError::Rule(RuleError::TooLate(
            "already_answered",
            "This questionnaire was already answered.",
        )));
    }
    // PostgreSQL stamps each row with the transaction that last wrote it (`xmin`), the answer
    // included: rewriting every link of the course here gives them all this transaction's
    // stamp, so it singles out no link (SQLite keeps no such stamp).
    diesel::update(links::table.filter(links::course_id.eq(&course_id)))
        .set(links::answered.eq(links::answered))
        .execute(c)?;
    diesel::insert_into(answers::table)
        .values((
            // Random, not time-ordered: an id must not tell when it was written.
            answers::id.eq(uuid::Uuid::new_v4().to_string()),
            answers::course_id.eq(&course_id),
            answers::satisfaction.eq(a.satisfaction),
            answers::usefulness.eq(a.usefulness),
            answers::recommend.eq(a.recommend),
            answers::comment.eq(&a.comment),
        ))
        .execute(c)?;
    Ok(course_id)
}

/// Links sent for a course, and its answers.
pub fn results(c: &mut DbConn, course_id: &str) -> StoreResult<(i64, Vec<AnswerRow>)> {
    let sent: i64 = links::table
        .filter(links::course_id.eq(course_id))
        .count()
        .get_result(c)?;
    let rows = answers::table
        .filter(answers::course_id.eq(course_id))
        .order(answers::id)
        .select((
            answers::satisfaction,
            answers::usefulness,
            answers::recommend,
            answers::comment,
        ))
        .load(c)?;
    Ok((sent, rows))
}
