//! `/api/v1/requests`: translation and mediation requests. Municipal officers and operators file
//! them for their municipalities; coordinators approve, reject and assign; a mediator sees only
//! the jobs assigned to them, with the minimum data.

mod export;
mod matching;
mod transitions;

pub use matching::{__path_suggestions, suggestions};
pub use transitions::{__path_transition, transition};

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use lumit_shared::mediation::{
    NewRequest, RequestKind, RequestStatus, RequestStep, ServiceRequest,
};
use lumit_shared::user::Role;
use lumit_shared::Page;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::audit::{self, AuditCtx, Event};
use crate::auth::Actor;
use crate::authz::{self, Action};
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use crate::export::Export;
use crate::extract::{Body, Query, RequestMeta};
use crate::models::{case as cases, mediator, municipality, request as model};
use crate::pagination::{self, Pager};
use crate::routes::created;
use crate::sheets::Format;
use crate::state::AppState;

/// What the actor may see of a request: a mediator no case and no attachments; the case link only
/// for those who may read that case.
pub(crate) fn shown(actor: &Actor, f: model::Full) -> ServiceRequest {
    let case_visible = f.row.case_municipality_id.as_deref().is_some_and(|m| {
        actor.role != Some(Role::Mediator) && authz::require_in(actor, Action::ReadCases, m).is_ok()
    });
    let mediator = actor.role == Some(Role::Mediator);
    let mut r = f.into_api();
    if !case_visible {
        r.case_id = None;
    }
    if mediator {
        r.attachments = None;
    }
    r
}

/// The mediator a mediator account acts as, if any.
pub(crate) fn own_mediator(c: &mut DbConn, actor: &Actor) -> ApiResult<Option<String>> {
    if actor.role == Some(Role::Mediator) {
        Ok(mediator::of_user(c, &actor.id)?)
    } else {
        Ok(None)
    }
}

/// The request if the actor may see it: coordinators all, mediators their jobs, others their
/// municipalities'. Anything else is "not found".
pub(crate) fn visible(c: &mut DbConn, actor: &Actor, id: &str) -> ApiResult<model::Row> {
    let row = model::find(c, id)?;
    if actor.role == Some(Role::Mediator) {
        let mine = own_mediator(c, actor)?;
        if mine.is_none() || row.mediator_id != mine {
            return Err(ApiError::NotFound);
        }
        return Ok(row);
    }
    authz::require_in(actor, Action::ReadRequests, &row.municipality_id)?;
    Ok(row)
}

/// Filters of the request list (kept in the web app's URL).
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Status; several separated by commas.
    #[param(pattern = "lumit:statuses:request")]
    pub status: Option<String>,
    /// Requesting municipality.
    pub municipality_id: Option<String>,
    /// Language (either side of a translation).
    pub language: Option<String>,
    /// `translation` or `mediation`.
    pub kind: Option<RequestKind>,
    /// Job day from (mediation day or translation due date), inclusive.
    pub from: Option<chrono::NaiveDate>,
    /// Job day before.
    pub to: Option<chrono::NaiveDate>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// Cursor from the previous page.
    pub cursor: Option<String>,
    /// `csv` or `xlsx`: every matching request as a file, streamed; without it, `Accept`
    /// decides.
    #[param(inline)]
    pub format: Option<Format>,
}

/// List requests, newest first; or every match as CSV or XLSX. Permission: coordinators and
/// admins all; operators, municipal officers and clients with `requests:read` their
/// municipalities'; mediators their jobs.
///
/// Beyond the schema: `cursor` must be a `next_cursor` this list gave out (400 `invalid_cursor`
/// otherwise).
#[utoipa::path(
    operation_id = "listRequests",
    tag = "requests",
    params(ListQuery),
    security(("bearer" = []), ("oauth2" = ["requests:read"])),
    responses((status = 200, description = "A page of requests, or all of them as a file", content(
        (Page<ServiceRequest> = "application/json"),
        (String = "text/csv"),
        (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    )))
)]
#[get("/requests")]
pub async fn list(
    actor: Actor,
    meta: RequestMeta,
    req: HttpRequest,
    state: web::Data<AppState>,
    q: Query<ListQuery>,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::ReadRequests)?;
    let ctx = AuditCtx::new(&actor, &meta);
    let q = q.0;
    let format = Format::choose(q.format, &req);
    let mut pager = Pager::<model::Cursor>::new(q.limit, q.cursor.as_deref())?;
    let (limit, after) = pager.query();
    let statuses = pagination::statuses(
        q.status.as_deref(),
        |s| RequestStatus::parse(s).map(RequestStatus::as_str),
        "request",
    )?;
    let mut filter = model::Filter {
        scope: (!actor.sees_all()).then(|| actor.municipality_ids.clone()),
        mediator_id: None,
        statuses,
        municipality_id: q.municipality_id,
        language: q.language.map(|l| l.trim().to_ascii_lowercase()),
        kind: q.kind,
        from: q.from,
        to: q.to,
    };
    if format != Format::Json {
        let today = crate::scheduling::local_now().date();
        let export = Export {
            action: "request.export",
            list: "requests",
            name: format!("lumit-richieste-{today}"),
        };
        let rows = export::RequestRows {
            actor,
            filter,
            after: None,
            started: false,
            done: false,
        };
        return Ok(crate::export::respond(state, ctx, export, format, rows));
    }
    let rows = state
        .db
        .read({
            let actor = actor.clone();
            move |c| {
                if actor.role == Some(Role::Mediator) {
                    filter.scope = None;
                    // A mediator without a record sees nothing: an id that matches no row.
                    filter.mediator_id = Some(own_mediator(c, &actor)?.unwrap_or_default());
                }
                let rows = model::list(c, &filter, after, limit)?;
                let rows = model::with_names(c, rows)?;
                let people = model::people_of(c, &rows[..rows.len().min(limit as usize)])?;
                Ok((rows, people))
            }
        })
        .await?;
    let (rows, people) = rows;
    state
        .access
        .wait_written(crate::access::Shown::page(
            &ctx,
            "request.list",
            "requests",
            people,
        ))
        .await?;
    let page = pager.page(
        rows,
        |f| model::Cursor(f.row.created_at, f.row.id.clone()),
        |f| shown(&actor, f),
    );
    Ok(HttpResponse::Ok().json(page))
}

/// File a translation or mediation request for a municipality. Permission: municipal officers and
/// operators for their municipalities, coordinators and admins for any, clients with
/// `requests:write` for theirs. A linked case must be one the caller may read.
///
/// Beyond the schema: a translation needs `target_language`, `document_type`, `pages` or `words`
/// and `due_date`, and takes no mediation field; a mediation needs `date`, `start_time`,
/// `duration_minutes` (ending the same day), `address` unless `remote`, and `setting`, and takes no
/// translation field; days are not before today nor more than two years on; the municipality is one
/// of the caller's and the case exists (422).
#[utoipa::path(
    operation_id = "createRequest",
    tag = "requests",
    request_body = NewRequest,
    security(("bearer" = []), ("oauth2" = ["requests:write"])),
    responses((status = 201, description = "Filed", body = ServiceRequest))
)]
#[post("/requests")]
pub async fn create(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    body: Body,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::WriteRequests)?;
    let input: NewRequest = body.json().await?;
    let today = crate::scheduling::local_now().date();
    let v = input.parse(today).map_err(ApiError::Validation)?;
    let ctx = AuditCtx::new(&actor, &meta);
    let (version, r) = state
        .db
        .write(move |c| {
            if municipality::existing_ids(c, std::slice::from_ref(&v.municipality_id))?.is_empty() {
                return Err(ApiError::field(
                    "municipality_id",
                    "invalid_reference",
                    "no such municipality",
                ));
            }
            if !actor.covers(&v.municipality_id) {
                return Err(ApiError::field(
                    "municipality_id",
                    "not_yours",
                    "you may file requests only for your municipalities",
                ));
            }
            let case_municipality = match &v.case_id {
                Some(case_id) => {
                    let case = cases::find(c, case_id)
                        .ok()
                        .map(|(row, _)| row.municipality_id);
                    match case {
                        Some(m) if authz::require_in(&actor, Action::ReadCases, &m).is_ok() => {
                            Some(m)
                        }
                        _ => {
                            return Err(ApiError::field(
                                "case_id",
                                "invalid_reference",
                                "no such case",
                            ))
                        }
                    }
                }
                None => None,
            };
            let id = model::insert(c, &v, case_municipality.as_deref(), &actor.id)?;
            model::add_step(
                c,
                &id,
                model::Step {
                    from: None,
                    to: RequestStatus::Submitted,
                    note: None,
                    mediator_name: None,
                    late: false,
                },
                (&actor.id, &actor.name),
            )?;
            let f = model::find_full(c, &id)?;
            let version = f.row.version;
            let r = shown(&actor, f);
            audit::record(
                c,
                &ctx,
                Event::new("request.create", "service_request", &id)
                    .municipality(Some(&r.municipality_id))
                    .changes(audit::diff(None, Some(&r))),
            )?;
            Ok((version, r))
        })
        .await?;
    Ok(created(&format!("/api/v1/requests/{}", r.id), version, &r))
}

/// One request. Permission: as for the list; another municipality's request is "not found".
#[utoipa::path(
    operation_id = "getRequest",
    tag = "requests",
    params(("id" = String, Path, description = "Request id")),
    security(("bearer" = []), ("oauth2" = ["requests:read"])),
    responses((status = 200, description = "The request; `ETag` carries its version", body = ServiceRequest))
)]
#[get("/requests/{id}")]
pub async fn get(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::ReadRequests)?;
    let id = id.into_inner();
    let ctx = AuditCtx::new(&actor, &meta);
    let (version, r, people) = state
        .db
        .read(move |c| {
            let row = visible(c, &actor, &id)?;
            let version = row.version;
            let full = model::with_names(c, vec![row])?;
            let people = model::people_of(c, &full)?;
            let f = full.into_iter().next().ok_or(ApiError::NotFound)?;
            Ok((version, shown(&actor, f), people))
        })
        .await?;
    state
        .access
        .wait_written(crate::access::Shown::page(
            &ctx,
            "request.read",
            "request",
            people,
        ))
        .await?;
    Ok(crate::routes::with_etag(version, &r))
}

/// A request's history: every transition with who, when and why. Permission: as reading it.
#[utoipa::path(
    operation_id = "getRequestHistory",
    tag = "requests",
    params(("id" = String, Path, description = "Request id")),
    security(("bearer" = []), ("oauth2" = ["requests:read"])),
    responses((status = 200, description = "The history, oldest first", body = Vec<RequestStep>))
)]
#[get("/requests/{id}/history")]
pub async fn history(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::ReadRequests)?;
    let id = id.into_inner();
    let ctx = AuditCtx::new(&actor, &meta);
    let (steps, people) = state
        .db
        .read(move |c| {
            let row = visible(c, &actor, &id)?;
            let full = model::with_names(c, vec![row.clone()])?;
            let people = model::people_of(c, &full)?;
            // Why a mediator declined is for coordinators; mediators see no colleague's name,
            // neither as the mediator of a step nor as its author (a colleague who declined).
            let manager = authz::require(&actor, Action::ManageRequests).is_ok();
            let mediator = actor.role == Some(Role::Mediator);
            let steps: Vec<RequestStep> = model::steps(c, &row.id)?
                .into_iter()
                .map(|a| {
                    let mut s = a.step;
                    let declined = s.from.is_some_and(RequestStatus::books_mediator)
                        && s.to == RequestStatus::Approved;
                    if declined && !manager {
                        s.note = None;
                    }
                    if mediator {
                        s.mediator_name = None;
                        if a.by_mediator && a.author_id.as_deref() != Some(actor.id.as_str()) {
                            s.actor_name = String::new();
                        }
                    }
                    s
                })
                .collect();
            Ok((steps, people))
        })
        .await?;
    state
        .access
        .wait_written(crate::access::Shown::page(
            &ctx,
            "request.history",
            "request",
            people,
        ))
        .await?;
    Ok(HttpResponse::Ok().json(steps))
}
