//! `GET /api/v1/people`: finding people by name.

use actix_web::{get, web, HttpResponse};
use lumit_shared::person::Person;
use lumit_shared::Page;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::access;
use crate::audit::AuditCtx;
use crate::auth::Actor;
use crate::authz::{self, Action};
use crate::error::ApiResult;
use crate::extract::{Query, RequestMeta};
use crate::models::person as model;
use crate::pagination::Pager;
use crate::state::AppState;

use super::*;

/// Filters of the people list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Name search: case, accents and common spelling variants are ignored ("Mohamed" finds
    /// "Mohammed", "nguyen" finds "Nguyễn").
    pub q: Option<String>,
    /// Registered by this municipality.
    pub municipality_id: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<i64>,
    /// Cursor from the previous page.
    pub cursor: Option<String>,
}

/// Find people, sorted by last name. Permission: admin, coordinator, operator (their
/// municipalities), clients with `cases:read` (their municipality).
#[utoipa::path(
    tag = "people",
    params(ListQuery),
    security(("bearer" = []), ("oauth2" = ["cases:read"])),
    responses((status = 200, description = "A page of people", body = Page<Person>))
)]
#[get("/people")]
pub async fn list(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    q: Query<ListQuery>,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::ReadPeople)?;
    let ctx = AuditCtx::new(&actor, &meta);
    let q = q.0;
    let mut pager = Pager::<model::Cursor>::new(q.limit, q.cursor.as_deref())?;
    let (limit, after) = pager.query();
    let scope = (!actor.sees_all()).then(|| actor.municipality_ids.clone());
    let filter = model::Filter {
        q: q.q,
        municipality_id: q.municipality_id,
        scope,
    };
    let rows = state
        .db
        .read(move |c| Ok(model::list(c, &filter, after, limit)?))
        .await?;
    let page = pager.page(
        rows,
        |r| model::Cursor(r.last_name.clone(), r.id.clone()),
        |r| shown(&actor, r),
    );
    let on_page = page.items.iter().map(|p| p.id.clone());
    state
        .access
        .wait_written(access::Shown::page(&ctx, "person.list", "people", on_page))
        .await?;
    Ok(HttpResponse::Ok().json(page))
}
