//! The request list: its filters and keyset pages.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use lumit_shared::mediation::RequestKind;
use serde::{Deserialize, Serialize};

use crate::db::DbConn;
use crate::error::StoreResult;
use crate::schema::service_requests;

use super::*;

/// Filters of the request list.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only these municipalities (`None`: all).
    pub scope: Option<Vec<String>>,
    /// Only this mediator's jobs.
    pub mediator_id: Option<String>,
    /// Statuses (empty: all).
    pub statuses: Vec<String>,
    /// Municipality.
    pub municipality_id: Option<String>,
    /// Language (either side of a translation).
    pub language: Option<String>,
    /// Kind.
    pub kind: Option<RequestKind>,
    /// Job day from (mediation start or translation due date).
    pub from: Option<NaiveDate>,
    /// Job day before.
    pub to: Option<NaiveDate>,
}

/// The list's sort key: newest first.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Cursor(pub NaiveDateTime, pub String);

/// A page of requests, newest first (`limit + 1` rows, for the next cursor).
pub fn list(
    c: &mut DbConn,
    f: &Filter,
    after: Option<Cursor>,
    limit: i64,
) -> StoreResult<Vec<Row>> {
    let mut q = service_requests::table
        .select(Row::as_select())
        .order((
            service_requests::created_at.desc(),
            service_requests::id.desc(),
        ))
        .limit(limit + 1)
        .into_boxed();
    if let Some(s) = &f.scope {
        q = q.filter(service_requests::municipality_id.eq_any(s.clone()));
    }
    if let Some(m) = &f.mediator_id {
        q = q.filter(service_requests::mediator_id.eq(m.clone()));
    }
    if !f.statuses.is_empty() {
        q = q.filter(service_requests::status.eq_any(f.statuses.clone()));
    }
    if let Some(m) = &f.municipality_id {
        q = q.filter(service_requests::municipality_id.eq(m.clone()));
    }
    if let Some(l) = &f.language {
        q = q.filter(
            service_requests::language
                .eq(l.clone())
                .or(service_requests::target_language.eq(l.clone())),
        );
    }
    if let Some(k) = f.kind {
        q = q.filter(service_requests::kind.eq(k.as_str()));
    }
    if let Some(from) = f.from {
        let t = from.and_time(chrono::NaiveTime::MIN);
        q = q.filter(
            service_requests::starts_at
                .ge(t)
                .or(service_requests::due_date.ge(from)),
        );
    }
    if let Some(to) = f.to {
        let t = to.and_time(chrono::NaiveTime::MIN);
        q = q.filter(
            service_requests::starts_at
                .lt(t)
                .or(service_requests::due_date.lt(to)),
        );
    }
    if let Some(Cursor(at, id)) = after {
        q = q.filter(
            service_requests::created_at
                .lt(at)
                .or(service_requests::created_at
                    .eq(at)
                    .and(service_requests::id.lt(id))),
        );
    }
    Ok(q.load(c)?)
}
