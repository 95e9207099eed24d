//! Merging two records of one person, anonymisation, and who is due for it when their retention runs out.

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::{now, DbConn};
use crate::error::StoreResult;
use crate::models::person_words as word_index;
use crate::schema::{cases, people, person_links};

/// Moves the duplicate's cases to the person and marks the duplicate merged (never deleted).
pub fn merge(c: &mut DbConn, keep: &str, duplicate: &str) -> StoreResult<usize> {
    let moved = diesel::update(cases::table.filter(cases::person_id.eq(duplicate)))
        .set(cases::person_id.eq(keep))
        .execute(c)?;
    diesel::update(people::table.find(duplicate))
        .set((
            people::merged_into_id.eq(Some(keep)),
            people::updated_at.eq(now()),
            people::version.eq(people::version + 1),
        ))
        .execute(c)?;
    // The duplicate's links go with her, unless the person kept has the same one already.
    let kept_links: Vec<String> = person_links::table
        .filter(person_links::person_id.eq(keep))
        .select(person_links::municipality_id)
        .load(c)?;
    diesel::update(
        person_links::table
            .filter(person_links::person_id.eq(duplicate))
            .filter(person_links::municipality_id.ne_all(&kept_links)),
    )
    .set(person_links::person_id.eq(keep))
    .execute(c)?;
    diesel::delete(person_links::table.filter(person_links::person_id.eq(duplicate))).execute(c)?;
    // The person kept is now seen where the duplicate was; the duplicate is found no more.
    word_index::reindex(c, keep)?;
    word_index::reindex(c, duplicate)?;
    Ok(moved)
}

/// Replaces the identifying fields for good, keeping what statistics need (sex, birth year,
/// citizenship, country of birth, municipalities, dates); the cases' free texts go too.
pub fn anonymise(c: &mut DbConn, id: &str) -> StoreResult<()> {
    use crate::schema::case_events;
    let t = now();
    diesel::update(people::table.find(id))
        .set((
            people::first_name.eq("—"),
            people::last_name.eq("Anonimizzato"),
            people::name_key.eq(""),
            people::search_text.eq(""),
            people::birth_date.eq(None::<NaiveDate>),
            people::languages.eq("[]"),
            people::phone.eq(None::<String>),
            people::email.eq(None::<String>),
            people::tax_code.eq(None::<String>),
            people::permit_type.eq(None::<String>),
            people::permit_number.eq(None::<String>),
            people::permit_expiry.eq(None::<NaiveDate>),
            people::notes.eq(None::<String>),
            people::anonymised_at.eq(Some(t)),
            people::updated_at.eq(t),
            people::version.eq(people::version + 1),
        ))
        .execute(c)?;
    word_index::reindex(c, id)?;
    let case_ids: Vec<String> = cases::table
        .filter(cases::person_id.eq(id))
        .select(cases::id)
        .load(c)?;
    diesel::update(cases::table.filter(cases::person_id.eq(id)))
        .set((cases::summary.eq("[anonimizzato]"), cases::updated_at.eq(t)))
        .execute(c)?;
    diesel::update(case_events::table.filter(case_events::case_id.eq_any(&case_ids)))
        .set((case_events::note.eq(""), case_events::data.eq("{}")))
        .execute(c)?;
    // That a note was corrected stays; what it said before goes.
    diesel::update(
        crate::schema::case_event_edits::table
            .filter(crate::schema::case_event_edits::case_id.eq_any(&case_ids)),
    )
    .set(crate::schema::case_event_edits::note.eq(""))
    .execute(c)?;
    crate::models::request::anonymise_for_cases(c, &case_ids)?;
    diesel::update(
        crate::schema::referrals::table.filter(crate::schema::referrals::case_id.eq_any(&case_ids)),
    )
    .set((
        crate::schema::referrals::reason.eq("[anonimizzato]"),
        crate::schema::referrals::answer.eq(None::<String>),
    ))
    .execute(c)?;
    diesel::update(person_links::table.filter(person_links::person_id.eq(id)))
        .set(person_links::reason.eq("[anonimizzato]"))
        .execute(c)?;
    // Answers kept for retries (24 hours) may repeat her data.
    let mut named = case_ids;
    named.push(id.to_owned());
    forget_answers_naming(c, &named)?;
    Ok(())
}

/// People due for anonymisation: not anonymised, no open case, and every case closed longer ago
/// than its category's retention (default `default_years`). Returns (id, last closed).
pub fn due_for_retention(
    c: &mut DbConn,
    today: NaiveDate,
    default_years: i32,
) -> StoreResult<Vec<(String, NaiveDateTime)>> {
    use crate::schema::case_categories;
    let rows: Vec<(String, String, Option<NaiveDateTime>, Option<i32>)> = cases::table
        .inner_join(people::table)
        .inner_join(case_categories::table.on(case_categories::id.eq(cases::category_id)))
        .filter(people::anonymised_at.is_null())
        .filter(people::merged_into_id.is_null())
        .select((
            people::id,
            cases::status,
            cases::closed_at,
            case_categories::retention_years,
        ))
        .load(c)?;
    let mut by_person: std::collections::BTreeMap<String, (bool, Option<NaiveDateTime>)> =
        Default::default();
    for (pid, status, closed_at, years) in rows {
        let e = by_person.entry(pid).or_insert((true, None));
        match closed_at {
            Some(closed) if status == "closed" => {
                let keep_until = closed
                    .date()
                    .with_year(closed.date().year() + years.unwrap_or(default_years));
                if keep_until.is_none_or(|d| d > today) {
                    e.0 = false;
                }
                e.1 = e.1.max(Some(closed));
            }
            _ => e.0 = false,
        }
    }
    Ok(by_person
        .into_iter()
        .filter_map(|(pid, (due, last))| (due).then_some((pid, last?)))
        .collect())
}

/// Deletes the stored `Idempotency-Key` answers that name any of `ids` (a person and her cases),
/// so that anonymisation leaves nothing of her in them.
pub(crate) fn forget_answers_naming(c: &mut DbConn, ids: &[String]) -> StoreResult<()> {
    for id in ids {
        diesel::delete(
            crate::schema::idempotency_keys::table
                .filter(crate::schema::idempotency_keys::body.like(format!("%{id}%"))),
        )
        .execute(c)?;
    }
    Ok(())
}
