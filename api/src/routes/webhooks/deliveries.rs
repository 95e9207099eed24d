//! A subscription's delivery log, and sending a delivery again.

use actix_web::{get, post, web, HttpResponse};
use lumit_shared::webhook::{DeliveryStatus, WebhookDelivery};
use lumit_shared::Page;
use serde::Deserialize;
use utoipa::IntoParams;

use super::owner;
use crate::audit::{self, AuditCtx, Event};
use crate::auth::Actor;
use crate::authz::{self, Action};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Query, RequestMeta};
use crate::models::webhook as model;
use crate::pagination::Pager;
use crate::state::AppState;

/// Filters of the delivery log.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DeliveryQuery {
    /// Only deliveries in this state.
    pub status: Option<DeliveryStatus>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// Cursor from the previous page's `next_cursor`.
    pub cursor: Option<String>,
}

/// A subscription's deliveries, newest first: event, record, state, attempts, the receiver's
/// last status and latency, the last error in short (never the receiver's body). Permission:
/// admin, or the API client that owns the subscription.
///
/// Beyond the schema: `cursor` must be a `next_cursor` this list gave out (400 `invalid_cursor`
/// otherwise).
#[utoipa::path(
    operation_id = "listWebhookDeliveries",
    tag = "webhooks",
    params(("id" = String, Path, description = "Subscription id"), DeliveryQuery),
    security(("bearer" = []), ("oauth2" = ["webhooks:manage"])),
    responses((status = 200, description = "A page of deliveries", body = Page<WebhookDelivery>))
)]
#[get("/webhooks/{id}/deliveries")]
pub async fn list_deliveries(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<String>,
    q: Query<DeliveryQuery>,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::ManageWebhooks)?;
    let (id, owner) = (id.into_inner(), owner(&actor));
    let q = q.0;
    let mut pager = Pager::<String>::new(q.limit, q.cursor.as_deref())?;
    let (limit, before) = pager.query();
    let status = q.status;
    let rows = state
        .db
        .read(move |c| {
            let hook = model::find_for(c, &id, &owner)?;
            Ok(model::deliveries(c, &hook.id, status, before, limit)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(pager.page(rows, |r| r.id.clone(), model::DeliveryRow::into_api)))
}

/// Send a delivery again now, as a new series of attempts with the same `webhook-id` (a failed
/// one, a delivered one the receiver lost, or a pending one sooner). A subscription that is
/// disabled keeps it until it is enabled again. Permission: admin, or the API client that owns
/// the subscription.
#[utoipa::path(
    operation_id = "redeliverWebhook",
    tag = "webhooks",
    params(
        ("id" = String, Path, description = "Subscription id"),
        ("delivery_id" = String, Path, description = "Delivery id (`msg_…`)")
    ),
    security(("bearer" = []), ("oauth2" = ["webhooks:manage"])),
    responses(
        (status = 200, description = "Pending again, due now", body = WebhookDelivery),
        (status = 409, description = "Being sent right now (`delivering`)", body = lumit_shared::Problem, content_type = "application/problem+json")
    )
)]
#[post("/webhooks/{id}/deliveries/{delivery_id}/redeliver")]
pub async fn redeliver(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::ManageWebhooks)?;
    let ((id, delivery_id), owner) = (path.into_inner(), owner(&actor));
    let ctx = AuditCtx::new(&actor, &meta);
    let row = state
        .db
        .write(move |c| {
            let hook = model::find_for(c, &id, &owner)?;
            let cur = model::find_delivery(c, &hook.id, &delivery_id)?;
            if cur.status == DeliveryStatus::Delivering.as_str() {
                return Err(ApiError::conflict(
                    "delivering",
                    "This delivery is being sent right now.",
                ));
            }
            let row = model::redeliver(c, &hook.id, &cur.id)?;
            audit::record(
                c,
                &ctx,
                Event::new("webhook.redeliver", "webhook", &hook.id).changes(vec![
                    lumit_shared::audit::FieldChange {
                        field: "delivery_id".into(),
                        old: serde_json::Value::Null,
                        new: cur.id.clone().into(),
                    },
                ]),
            )?;
            Ok(row)
        })
        .await?;
    Ok(HttpResponse::Ok().json(row.into_api()))
}
