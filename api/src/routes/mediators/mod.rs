//! `/api/v1/mediators`: the mediators and translators, their availability, calendar and hours.
//! Admins and coordinators manage them; operators and municipal officers see name, languages and
//! coverage; a mediator sees and edits their own record's availability.

use actix_web::{get, patch, post, web, HttpResponse};
use lumit_shared::mediation::{Mediator, MediatorInput, NewMediator};
use lumit_shared::user::Role;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::audit::{self, AuditCtx, Event};
use crate::auth::Actor;
use crate::authz::{self, Action};
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Body, IfMatch, Query, RequestMeta};
use crate::models::{mediator as model, municipality};
use crate::routes::{created, with_etag};
use crate::state::AppState;

mod schedule;
mod work;

pub use schedule::*;
pub use work::*;

/// Contact data, organisation and account are for those who manage mediators.
fn shown(actor: &Actor, mut m: Mediator) -> Mediator {
    if authz::require(actor, Action::WriteMediators).is_err() && !own(actor, &m) {
        m.email = None;
        m.phone = None;
        m.organisation = None;
        m.user_id = None;
    }
    m
}

fn own(actor: &Actor, m: &Mediator) -> bool {
    actor.role == Some(Role::Mediator) && m.user_id.as_deref() == Some(actor.id.as_str())
}

/// The mediator if the actor may see it: a mediator sees only themself.
fn visible(c: &mut DbConn, actor: &Actor, id: &str) -> ApiResult<(Mediator, i64)> {
    let (m, v) = model::find(c, id)?;
    if actor.role == Some(Role::Mediator) && !own(actor, &m) {
        return Err(ApiError::NotFound);
    }
    Ok((m, v))
}

/// Checks that the actor may see this mediator's jobs: managers all, a mediator their own.
pub(crate) fn jobs_visible(c: &mut DbConn, actor: &Actor, id: &str) -> ApiResult<Mediator> {
    let (m, _) = model::find(c, id)?;
    if authz::require(actor, Action::ManageRequests).is_ok() || own(actor, &m) {
        Ok(m)
    } else {
        Err(ApiError::NotFound)
    }
}

/// Filters of the mediator list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Speaks this language (ISO 639).
    pub language: Option<String>,
    /// Covers this municipality.
    pub municipality_id: Option<String>,
    /// Only active (true) or inactive (false) ones.
    pub active: Option<bool>,
}

/// List mediators by name. Permission: any staff member (a mediator sees only themself);
/// contact data only for admins and coordinators.
#[utoipa::path(
    operation_id = "listMediators",
    tag = "mediators",
    params(ListQuery),
    security(("bearer" = [])),
    responses((status = 200, description = "The mediators", body = Vec<Mediator>))
)]
#[get("/mediators")]
pub async fn list(
    actor: Actor,
    state: web::Data<AppState>,
    q: Query<ListQuery>,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::ReadMediators)?;
    let q = q.0;
    let language = q.language.map(|l| l.trim().to_ascii_lowercase());
    let place = q.municipality_id.clone();
    let (all, places) = state
        .db
        .read(move |c| {
            // Covering an Unione covers its members: the place, or its Unione, will do.
            let places = match place {
                Some(p) => {
                    let mut v = vec![p];
                    v.extend(municipality::unione_of(c, &v[0])?);
                    Some(v)
                }
                None => None,
            };
            Ok((model::load(c, None)?, places))
        })
        .await?;
    let items: Vec<Mediator> = all
        .into_iter()
        .map(|(m, _)| m)
        .filter(|m| actor.role != Some(Role::Mediator) || own(&actor, m))
        .filter(|m| q.active.is_none_or(|a| m.active == a))
        .filter(|m| {
            language
                .as_ref()
                .is_none_or(|l| m.languages.iter().any(|x| &x.language == l))
        })
        .filter(|m| {
            places
                .as_ref()
                .is_none_or(|ps| ps.iter().any(|p| m.municipality_ids.contains(p)))
        })
        .map(|m| shown(&actor, m))
        .collect();
    Ok(HttpResponse::Ok().json(items))
}

/// Register a mediator or translator. Permission: admin, coordinator.
///
/// Beyond the schema: the municipalities and the account (role `mediator`) must exist; each
/// language is listed once (422).
#[utoipa::path(
    operation_id = "createMediator",
    tag = "mediators",
    request_body = NewMediator,
    security(("bearer" = [])),
    responses((status = 201, description = "Registered", body = Mediator))
)]
#[post("/mediators")]
pub async fn create(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    body: Body,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::WriteMediators)?;
    let input: NewMediator = body.json().await?;
    let v = MediatorInput::from(input)
        .apply(None)
        .map_err(ApiError::Validation)?;
    let ctx = AuditCtx::new(&actor, &meta);
    let (m, version) = state
        .db
        .write(move |c| {
            model::check_references(c, &v, None)?;
            let id = model::insert(c, &v)?;
            let (m, version) = model::find(c, &id)?;
            audit::record(
                c,
                &ctx,
                Event::new("mediator.create", "mediator", &id).changes(audit::diff(None, Some(&m))),
            )?;
            Ok((m, version))
        })
        .await?;
    Ok(created(&format!("/api/v1/mediators/{}", m.id), version, &m))
}

/// One mediator. Permission: as for the list.
#[utoipa::path(
    operation_id = "getMediator",
    tag = "mediators",
    params(("id" = String, Path, description = "Mediator id")),
    security(("bearer" = [])),
    responses((status = 200, description = "The mediator; `ETag` carries its version", body = Mediator))
)]
#[get("/mediators/{id}")]
pub async fn get(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::ReadMediators)?;
    let id = id.into_inner();
    let a = actor.clone();
    let (m, version) = state.db.read(move |c| visible(c, &a, &id)).await?;
    Ok(with_etag(version, &shown(&actor, m)))
}

/// Change a mediator (only the fields sent; `null` clears). Honours `If-Match`.
/// Permission: admin, coordinator.
///
/// Beyond the schema: `If-Match` must be the mediator's current `ETag` (412 otherwise); the
/// municipalities and the account (role `mediator`) must exist, each language is listed once (422).
#[utoipa::path(
    operation_id = "updateMediator",
    tag = "mediators",
    params(("id" = String, Path, description = "Mediator id"), ("If-Match" = Option<String>, Header, description = "ETag from a previous read")),
    request_body = MediatorInput,
    security(("bearer" = [])),
    responses((status = 200, description = "Changed", body = Mediator))
)]
#[patch("/mediators/{id}")]
pub async fn update(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    id: web::Path<String>,
    if_match: IfMatch,
    body: Body,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::WriteMediators)?;
    let id = id.into_inner();
    let input: MediatorInput = body.json().await?;
    let ctx = AuditCtx::new(&actor, &meta);
    let (m, version) = state
        .db
        .write(move |c| {
            let (cur, version) = model::find(c, &id)?;
            if_match.check(version)?;
            let v = input.apply(Some(&cur)).map_err(ApiError::Validation)?;
            model::check_references(c, &v, Some(&cur.id))?;
            model::update(c, &cur.id, &v)?;
            if v.user_id != cur.user_id || !v.active {
                // The calendar address belongs to the person: a new account or a deactivation ends it.
                model::set_feed_token(c, &cur.id, None)?;
            }
            let (after, version) = model::find(c, &cur.id)?;
            audit::record(
                c,
                &ctx,
                Event::new("mediator.update", "mediator", &cur.id)
                    .changes(audit::diff(Some(&cur), Some(&after))),
            )?;
            Ok((after, version))
        })
        .await?;
    Ok(with_etag(version, &m))
}
