//! Referrals of a case to another office, and the deadlines of the worklist.

use actix_web::{get, post, web, HttpResponse};
use lumit_shared::case::{
    Deadline, EventKind, NewReferral, Referral, ReferralAnswer, ValidCaseEvent,
};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::audit::{self, AuditCtx, Event};
use crate::auth::Actor;
use crate::authz::{self, Action};
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Body, Query, RequestMeta};
use crate::models::{case as cases, municipality, referral as model};
use crate::state::AppState;

fn visible_case(
    c: &mut DbConn,
    actor: &Actor,
    action: Action,
    id: &str,
) -> ApiResult<cases::CaseRow> {
    crate::routes::cases::visible(c, actor, action, id).map(|(row, _)| row)
}

/// A case's referrals. Permission: as reading the case.
#[utoipa::path(
    operation_id = "listReferrals",
    tag = "cases",
    params(("id" = String, Path, description = "Case id")),
    security(("bearer" = []), ("oauth2" = ["cases:read"])),
    responses((status = 200, description = "The referrals", body = Vec<Referral>))
)]
#[get("/cases/{id}/referrals")]
pub async fn list(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::ReadCases)?;
    let id = id.into_inner();
    let ctx = AuditCtx::new(&actor, &meta);
    let (case, items) = state
        .db
        .read(move |c| {
            let case = visible_case(c, &actor, Action::ReadCases, &id)?;
            let items = model::for_case(c, &case.id)?;
            Ok((case, items))
        })
        .await?;
    state
        .access
        .wait_written(Some(crate::access::Shown::record(
            &ctx,
            crate::access::Read {
                action: "case.referrals",
                entity_type: "case",
                entity_id: &case.id,
                person_id: &case.person_id,
                municipality_id: Some(&case.municipality_id),
            },
        )))
        .await?;
    Ok(HttpResponse::Ok().json(items))
}

/// Refer a case to another office with a reason and a follow-up date; the referral goes on the
/// timeline. Permission: as changing the case.
///
/// Beyond the schema: `target_municipality_id` must name a municipality (422 `invalid_reference`).
#[utoipa::path(
    operation_id = "createReferral",
    tag = "cases",
    params(("id" = String, Path, description = "Case id")),
    request_body = NewReferral,
    security(("bearer" = []), ("oauth2" = ["cases:write"])),
    responses((status = 201, description = "Referred", body = Referral))
)]
#[post("/cases/{id}/referrals")]
pub async fn create(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: Body,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::WriteCases)?;
    let id = id.into_inner();
    crate::routes::cases::check_access(&state, &actor, Action::WriteCases, &id).await?;
    let input: NewReferral = body.json().await?;
    let reason = lumit_shared::validate::required_text(&input.reason, 1000)
        .map_err(|(code, m)| ApiError::field("reason", code, m))?;
    let ctx = AuditCtx::new(&actor, &meta);
    let referral = state
        .db
        .write(move |c| {
            let case = visible_case(c, &actor, Action::WriteCases, &id)?;
            if let Some(m) = &input.target_municipality_id {
                if municipality::existing_ids(c, std::slice::from_ref(m))?.is_empty() {
                    return Err(ApiError::field("target_municipality_id", "invalid_reference", "no such municipality"));
                }
            }
            let r = model::insert(c, &case.id, &input, &reason, &actor.id)?;
            let data = serde_json::json!({"referral_id": r.id, "office_kind": r.office_kind.as_str(), "follow_up_date": r.follow_up_date});
            let ev = ValidCaseEvent { kind: EventKind::Referral, note: reason.clone(), minutes: None, data };
            cases::add_event(c, &case.id, &ev, (&actor.id, &actor.name))?;
            audit::record(
                c,
                &ctx,
                Event::new("case.refer", "case", &case.id).municipality(Some(&case.municipality_id)).changes(audit::diff(None, Some(&r))),
            )?;
            Ok(r)
        })
        .await?;
    Ok(HttpResponse::Created().json(referral))
}

/// Record the office's answer to a referral. Permission: as changing the case.
#[utoipa::path(
    operation_id = "answerReferral",
    tag = "cases",
    params(("id" = String, Path, description = "Case id"), ("referral_id" = String, Path, description = "Referral id")),
    request_body = ReferralAnswer,
    security(("bearer" = []), ("oauth2" = ["cases:write"])),
    responses((status = 200, description = "Answered", body = Referral))
)]
#[post("/cases/{id}/referrals/{referral_id}/answer")]
pub async fn answer(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    body: Body,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::WriteCases)?;
    let (id, rid) = path.into_inner();
    crate::routes::cases::check_access(&state, &actor, Action::WriteCases, &id).await?;
    let input: ReferralAnswer = body.json().await?;
    let text = lumit_shared::validate::required_text(&input.answer, 2000)
        .map_err(|(code, m)| ApiError::field("answer", code, m))?;
    let ctx = AuditCtx::new(&actor, &meta);
    let r = state
        .db
        .write(move |c| {
            let case = visible_case(c, &actor, Action::WriteCases, &id)?;
            let before = model::find(c, &case.id, &rid)?;
            let after = model::answer(c, &case.id, &rid, &text)?;
            audit::record(
                c,
                &ctx,
                Event::new("case.referral_answer", "case", &case.id)
                    .municipality(Some(&case.municipality_id))
                    .changes(audit::diff(Some(&before), Some(&after))),
            )?;
            Ok(after)
        })
        .await?;
    Ok(HttpResponse::Ok().json(r))
}

/// Window of the deadlines list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DeadlineQuery {
    /// Days ahead, 1–366 (default 60). Overdue items are always included.
    #[param(minimum = 1, maximum = 366)]
    pub within_days: Option<i64>,
}

/// What falls due: residence permits expiring, Integration Agreement checks and referral
/// follow-ups (overdue ones first), in the caller's municipalities. Permission: as reading cases.
#[utoipa::path(
    operation_id = "listDeadlines",
    tag = "cases",
    params(DeadlineQuery),
    security(("bearer" = []), ("oauth2" = ["cases:read"])),
    responses((status = 200, description = "Deadlines by date", body = Vec<Deadline>))
)]
#[get("/deadlines")]
pub async fn deadlines(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    q: Query<DeadlineQuery>,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::ReadCases)?;
    let ctx = AuditCtx::new(&actor, &meta);
    let within = q.0.within_days.unwrap_or(60);
    if !(1..=366).contains(&within) {
        return Err(ApiError::BadRequest {
            code: "invalid_query",
            detail: "`within_days` must be between 1 and 366.".into(),
            errors: vec![lumit_shared::FieldError::new(
                "within_days",
                "out_of_range",
                "must be between 1 and 366",
            )],
        });
    }
    let scope = (!actor.sees_all()).then(|| actor.municipality_ids.clone());
    let today = chrono::Utc::now().date_naive();
    let items = state
        .db
        .read(move |c| Ok(model::deadlines(c, scope.as_deref(), today, within)?))
        .await?;
    let shown = items.iter().map(|d| d.person_id.clone());
    state
        .access
        .wait_written(crate::access::Shown::page(
            &ctx,
            "deadline.list",
            "deadlines",
            shown,
        ))
        .await?;
    Ok(HttpResponse::Ok().json(items))
}
