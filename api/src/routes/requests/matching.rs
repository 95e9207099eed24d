//! `GET /api/v1/requests/{id}/suggestions`: the mediators who can take a job, best first.

use std::collections::HashMap;

use actix_web::{get, web, HttpResponse};
use chrono::{Datelike, Duration, NaiveDate};
use lumit_shared::mediation::{evaluate, rank, Booking, Candidate, Suggestion};
use serde::Deserialize;
use utoipa::IntoParams;

use super::visible;
use crate::auth::Actor;
use crate::authz::{self, Action};
use crate::error::ApiResult;
use crate::extract::Query;
use crate::models::{mediator, municipality, request as model};
use crate::scheduling::local_now;
use crate::state::AppState;

/// Options of the suggestions.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SuggestionQuery {
    /// Also list the mediators who fail a hard rule, with the reasons.
    pub include_unavailable: Option<bool>,
}

/// First day of the month of `d`, and of the next.
fn month_of(d: NaiveDate) -> (NaiveDate, NaiveDate) {
    let first = d.with_day(1).unwrap_or(d);
    let next = if first.month() == 12 {
        NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)
    };
    (first, next.unwrap_or(first))
}

/// Rank the active mediators for a request. Hard rules: speaks the language (both, for a
/// translation) and does this kind of job; covers the municipality (an Unione covers its members)
/// unless the job is remote or a translation; available for the whole slot; no overlap with
/// another assigned or confirmed job, with the travel buffer between on-site jobs in different
/// municipalities. Then by language level and by the fewest hours in the job's month. Each
/// suggestion explains its place. Permission: admin, coordinator.
#[utoipa::path(
    operation_id = "suggestMediators",
    tag = "requests",
    params(("id" = String, Path, description = "Request id"), SuggestionQuery),
    security(("bearer" = [])),
    responses((status = 200, description = "Eligible mediators ranked, then (on request) the others", body = Vec<Suggestion>))
)]
#[get("/requests/{id}/suggestions")]
pub async fn suggestions(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<String>,
    q: Query<SuggestionQuery>,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::ManageRequests)?;
    let include_unavailable = q.0.include_unavailable.unwrap_or(false);
    let buffer = Duration::minutes(state.settings.travel_buffer_minutes);
    let id = id.into_inner();
    let items = state
        .db
        .read(move |c| {
            let r = visible(c, &actor, &id)?;
            let job = r.job();
            let all: Vec<_> = mediator::load(c, None)?
                .into_iter()
                .map(|(m, _)| m)
                .filter(|m| m.active)
                .collect();
            let ids: Vec<String> = all.iter().map(|m| m.id.clone()).collect();
            let mut schedules = mediator::schedules(c, &ids)?;
            let mut booked: HashMap<String, Vec<Booking>> = HashMap::new();
            if let Some((start, end)) = job.slot {
                for b in model::booked(c, &ids, start - buffer, end + buffer)? {
                    if b.id != r.id {
                        if let Some(m) = b.mediator_id.clone() {
                            booked.entry(m).or_default().push(b.booking());
                        }
                    }
                }
            }
            let day = model::job_time(&r).date();
            let day = if r.starts_at.is_none() && r.due_date.is_none() {
                local_now().date()
            } else {
                day
            };
            let (first, next) = month_of(day);
            let minutes = model::minutes_between(c, &ids, first, next)?;
            // Unioni and their members, to expand coverage.
            let members = municipality::memberships(c)?;
            let name = municipality::name(c, &r.municipality_id)?;
            let mut out = Vec::new();
            for m in &all {
                let mut covered = m.municipality_ids.clone();
                for (child, parent) in &members {
                    if parent
                        .as_ref()
                        .is_some_and(|p| m.municipality_ids.contains(p))
                    {
                        covered.push(child.clone());
                    }
                }
                let (windows, absences) = schedules.remove(&m.id).unwrap_or_default();
                let none = Vec::new();
                let cand = Candidate {
                    mediator: m,
                    covered: &covered,
                    windows: &windows,
                    absences: &absences,
                    booked: booked.get(&m.id).unwrap_or(&none),
                    minutes_this_month: minutes.get(&m.id).copied().unwrap_or(0),
                };
                out.push(evaluate(&job, &cand, &name, buffer));
            }
            Ok(rank(out))
        })
        .await?;
    let items: Vec<Suggestion> = items
        .into_iter()
        .filter(|s| include_unavailable || s.failures.is_empty())
        .collect();
    Ok(HttpResponse::Ok().json(items))
}
