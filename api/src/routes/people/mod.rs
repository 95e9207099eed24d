//! `/api/v1/people`: the people helped at the desks. Operators see the people of their
//! municipalities; coordinators and admins see all. Every read of a record is logged.

use lumit_shared::person::{DuplicateElsewhere, Person, ValidPerson};

use crate::auth::Actor;
use crate::authz::{self, Action};
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use crate::models::{municipality, person as model};

mod record;
mod rights;
mod search;

pub use record::*;
pub use rights::*;
pub use search::*;

fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

/// The person if the actor may see it (registered in, or with a case in, one of the actor's
/// municipalities); another municipality's person is "not found".
fn visible(c: &mut DbConn, actor: &Actor, id: &str) -> ApiResult<model::PersonRow> {
    authz::require(actor, Action::ReadPeople)?;
    let row = model::find(c, id)?;
    if actor.sees_all() || model::in_scope(c, &row, &actor.municipality_ids)? {
        Ok(row)
    } else {
        Err(ApiError::NotFound)
    }
}

/// What the actor sees of a person she may see: the whole record at the municipality that
/// registered her (and for those who see every municipality); elsewhere her identity only.
fn shown(actor: &Actor, row: model::PersonRow) -> Person {
    let p = row.into_api();
    if actor.covers(&p.created_municipality_id) {
        p
    } else {
        p.identity()
    }
}

/// The ids of the candidates a `possible_duplicate` answer lists.
fn candidates_in(e: &ApiError) -> Vec<String> {
    match e {
        ApiError::Conflict { extra, .. } => extra
            .get("candidates")
            .and_then(|c| c.as_array())
            .into_iter()
            .flatten()
            .filter_map(|c| c["id"].as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    }
}

/// A 409 when the person may be registered already. Candidates the caller may see are listed;
/// of the others only the municipalities that registered them are named — no id, no data — so
/// that a common name and a birth year reveal nobody outside the caller's scope. A coordinator
/// can link such a person to the caller's municipality (`POST /api/v1/people/{id}/links`).
fn possible_duplicates(c: &mut DbConn, actor: &Actor, p: &ValidPerson) -> ApiResult<()> {
    let rows = model::duplicates(c, p)?;
    if rows.is_empty() {
        return Ok(());
    }
    let mut candidates = Vec::new();
    let mut elsewhere: Vec<String> = Vec::new();
    for row in rows {
        if actor.sees_all() || model::in_scope(c, &row, &actor.municipality_ids)? {
            candidates.push(model::candidate(row));
        } else if !elsewhere.contains(&row.created_municipality_id) {
            elsewhere.push(row.created_municipality_id);
        }
    }
    let elsewhere: Vec<DuplicateElsewhere> = municipality::names(c, &elsewhere)?
        .into_iter()
        .map(|(municipality_id, municipality_name)| DuplicateElsewhere {
            municipality_id,
            municipality_name,
        })
        .collect();
    let detail = if candidates.is_empty() {
        "A person with the same name and birth date is registered in another municipality: a \
         coordinator can link her to yours, or send confirm_new: true."
    } else {
        "A person with the same name and birth date exists: use them, or send confirm_new: true."
    };
    let mut err = ApiError::conflict("possible_duplicate", detail);
    if let ApiError::Conflict { extra, .. } = &mut err {
        extra.insert(
            "candidates".into(),
            serde_json::to_value(&candidates).unwrap_or_default(),
        );
        extra.insert(
            "elsewhere".into(),
            serde_json::to_value(&elsewhere).unwrap_or_default(),
        );
    }
    Err(err)
}

/// Refuses municipality references that don't exist, naming the field.
fn check_references(c: &mut DbConn, p: &ValidPerson, registered_at: Option<&str>) -> ApiResult<()> {
    let mut errors = Vec::new();
    for (field, id) in [
        (
            "residence_municipality_id",
            p.residence_municipality_id.as_deref(),
        ),
        ("municipality_id", registered_at),
    ] {
        if let Some(id) = id {
            if municipality::existing_ids(c, &[id.to_owned()])?.is_empty() {
                errors.push(lumit_shared::FieldError::new(
                    field,
                    "invalid_reference",
                    "no such municipality",
                ));
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(errors))
    }
}

/// Cases of an export read at a time: the export is written out page by page, so neither its
/// size nor a slow reader holds memory, a connection or a transaction for long.
pub const EXPORT_PAGE: i64 = 25;
