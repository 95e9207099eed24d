//! `/api/v1/outbox`: the e-mail LUMIT sends, for admins: what waits, what went, what failed, and
//! sending a failed message again.

use actix_web::{get, post, web, HttpResponse};
use lumit_shared::outbox::{OutboxMessage, OutboxStatus, OutboxSummary};
use lumit_shared::rule::RuleError;
use lumit_shared::Page;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::audit::{self, AuditCtx, Event};
use crate::auth::Actor;
use crate::authz::{self, Action};
use crate::error::ApiResult;
use crate::extract::{Query, RequestMeta};
use crate::models::outbox as model;
use crate::pagination::Pager;
use crate::state::AppState;

/// Filters of the outbox.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OutboxQuery {
    /// Only messages in this state.
    pub status: Option<OutboxStatus>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// Cursor from the previous page's `next_cursor`.
    pub cursor: Option<String>,
}

/// The outbox, newest first. Permission: admin.
///
/// Beyond the schema: `cursor` must be a `next_cursor` this list gave out (400 `invalid_cursor`
/// otherwise).
#[utoipa::path(
    operation_id = "listOutboxMessages",
    tag = "outbox",
    params(OutboxQuery),
    security(("bearer" = [])),
    responses((status = 200, description = "A page of messages", body = Page<OutboxMessage>))
)]
#[get("/outbox")]
pub async fn list(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    q: Query<OutboxQuery>,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::ManageOutbox)?;
    let ctx = AuditCtx::new(&actor, &meta);
    let q = q.0;
    let mut pager = Pager::<String>::new(q.limit, q.cursor.as_deref())?;
    let (limit, before) = pager.query();
    let status = q.status;
    let rows = state
        .db
        .read(move |c| Ok(model::list(c, status, before, limit)?))
        .await?;
    let (rows, next_cursor) = pager.cut(rows, |r| r.id.clone());
    // Addresses are personal data: whose messages were shown goes into the access log.
    let shown = rows.iter().filter_map(|r| r.participant_id.clone());
    state
        .access
        .wait_written(crate::access::Shown::page(
            &ctx,
            "outbox.list",
            "outbox",
            shown,
        ))
        .await?;
    Ok(HttpResponse::Ok().json(Page {
        items: rows
            .into_iter()
            .map(model::OutboxRow::into_api)
            .collect::<Vec<_>>(),
        next_cursor,
    }))
}

/// Counts by state, and whether an SMTP server is configured. Permission: admin.
#[utoipa::path(
    operation_id = "getOutboxSummary",
    tag = "outbox",
    security(("bearer" = [])),
    responses((status = 200, description = "The outbox at a glance", body = OutboxSummary))
)]
#[get("/outbox/summary")]
pub async fn summary(actor: Actor, state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::ManageOutbox)?;
    let configured = state.settings.mail.smtp_url.is_some();
    let s = state
        .db
        .read(move |c| Ok(model::summary(c, configured)?))
        .await?;
    Ok(HttpResponse::Ok().json(s))
}

/// Send a message again from the start (a failed one, or a pending one now rather than later).
/// Permission: admin.
#[utoipa::path(
    operation_id = "retryOutboxMessage",
    tag = "outbox",
    params(("id" = String, Path, description = "Message id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Pending again, due now", body = OutboxMessage),
        (status = 409, description = "Already sent", body = lumit_shared::Problem, content_type = "application/problem+json")
    )
)]
#[post("/outbox/{id}/retry")]
pub async fn retry(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::ManageOutbox)?;
    let id = id.into_inner();
    let ctx = AuditCtx::new(&actor, &meta);
    let row = state
        .db
        .write(move |c| {
            let cur = model::find(c, &id)?;
            if cur.status == OutboxStatus::Sent.as_str() {
                return Err(
                    RuleError::TooLate("already_sent", "This message was already sent.").into(),
                );
            }
            if cur.recipient.is_empty() {
                return Err(
                    RuleError::TooLate("anonymised", "Its recipient was anonymised.").into(),
                );
            }
            let row = model::retry(c, &id)?;
            audit::record(c, &ctx, Event::new("outbox.retry", "outbox", &id))?;
            Ok(row)
        })
        .await?;
    Ok(HttpResponse::Ok().json(row.into_api()))
}
