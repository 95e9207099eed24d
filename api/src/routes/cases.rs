//! `/api/v1/cases`: open and work cases. Operators see and change only their municipalities'
//! cases; coordinators and admins all; another municipality's case is "not found".

use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use lumit_shared::case::{
    Case, CaseCategory, CaseEvent, CasePage, CasePatch, CaseStatus, EventKind, NewCase,
    NewCaseEvent, Transition, ValidCaseEvent,
};
use lumit_shared::FieldError;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::audit::{self, AuditCtx, Event};
use crate::auth::Actor;
use crate::authz::{self, Action};
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Body, IfMatch, Query, RequestMeta};
use crate::models::case::{self as model, CaseFields, CaseRow};
use crate::pagination;
use crate::routes::{created, with_etag};
use crate::schema::{case_categories, desks, user_municipalities, users};
use crate::state::AppState;

/// Filters of the case list (kept in the web app's URL).
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Municipality.
    pub municipality_id: Option<String>,
    /// Desk.
    pub desk_id: Option<String>,
    /// Status; several separated by commas.
    pub status: Option<String>,
    /// Category or sub-category.
    pub category_id: Option<String>,
    /// Operator id, `mine` or `unassigned`.
    pub assigned: Option<String>,
    /// Opened from (inclusive).
    pub opened_from: Option<DateTime<Utc>>,
    /// Opened before.
    pub opened_to: Option<DateTime<Utc>>,
    /// The person's citizenship (ISO code).
    pub citizenship: Option<String>,
    /// One person's cases.
    pub person_id: Option<String>,
    /// Free text: every word starts a word of the person's name (spelling variants included), or,
    /// from three characters on, the text appears anywhere in the reference or the summary
    /// (ignoring case).
    pub q: Option<String>,
    /// Order, newest first: by opening (default) or by last change.
    pub sort: Option<SortBy>,
    /// Also count the matches (`total`), up to 10,000 (`total_is_at_least` says there are more).
    pub count: Option<bool>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<i64>,
    /// Cursor from the previous page.
    pub cursor: Option<String>,
}

/// The order of the case list.
#[derive(Debug, Clone, Copy, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum SortBy {
    /// By opening time.
    Opened,
    /// By last change.
    Updated,
}

/// List cases, newest first. Permission: admin, coordinator, operator (their municipalities),
/// clients with `cases:read` (their municipality).
#[utoipa::path(
    get,
    path = "/api/v1/cases",
    tag = "cases",
    params(ListQuery),
    security(("bearer" = []), ("oauth2" = ["cases:read"])),
    responses((status = 200, description = "A page of cases", body = CasePage))
)]
pub async fn list(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    q: Query<ListQuery>,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::ReadCases)?;
    let ctx = AuditCtx::new(&actor, &meta);
    let q = q.0;
    let limit = pagination::limit(q.limit)?;
    let after = pagination::decode::<model::Cursor>(q.cursor.as_deref())?;
    let statuses = pagination::statuses(
        q.status.as_deref(),
        |s| CaseStatus::parse(s).map(CaseStatus::as_str),
        "case",
    )?;
    let assigned = match q.assigned.as_deref() {
        None | Some("") => None,
        Some("mine") => Some(Some(actor.id.clone())),
        Some("unassigned") => Some(None),
        Some(id) => Some(Some(id.to_owned())),
    };
    let filter = model::Filter {
        scope: (!actor.sees_all()).then(|| actor.municipality_ids.clone()),
        municipality_id: q.municipality_id,
        desk_id: q.desk_id,
        statuses,
        category_id: q.category_id,
        assigned,
        opened_from: q.opened_from.map(|t| t.naive_utc()),
        opened_to: q.opened_to.map(|t| t.naive_utc()),
        citizenship: q.citizenship.map(|c| c.to_uppercase()),
        person_id: q.person_id,
        q: q.q,
    };
    let sort = match q.sort {
        Some(SortBy::Updated) => model::Sort::Updated,
        _ => model::Sort::Opened,
    };
    let with_total = q.count.unwrap_or(false);
    // A page read straight off the list's index ranges is short (the worklist, a desk's open
    // cases); a count, or a filter that may skip many rows, can read every case in scope.
    let short = !with_total && filter.reads_only_index_ranges();
    let work = move |c: &mut crate::db::DbConn| {
        let rows = model::list(c, &filter, sort, after, limit)?;
        let total = if with_total {
            Some(model::count(c, &filter, lumit_shared::case::COUNT_LIMIT)?)
        } else {
            None
        };
        Ok((rows, total))
    };
    let (rows, total) = if short {
        state.db.read_short(work).await?
    } else {
        state.db.read(work).await?
    };
    let (rows, next_cursor) = pagination::page(rows, limit, |(r, _, _)| match sort {
        model::Sort::Opened => model::Cursor(r.opened_at, r.id.clone()),
        model::Sort::Updated => model::Cursor(r.updated_at, r.id.clone()),
    });
    let shown = rows.iter().map(|(r, _, _)| r.person_id.clone());
    state
        .access
        .wait_written(crate::access::Shown::page(
            &ctx,
            "case.list",
            "cases",
            shown,
        ))
        .await?;
    let items = rows
        .into_iter()
        .map(|(r, first, last)| r.into_api(format!("{first} {last}")))
        .collect();
    Ok(HttpResponse::Ok().json(CasePage {
        items,
        next_cursor,
        total: total.map(|(n, _)| n),
        total_is_at_least: total.is_some_and(|(_, more)| more),
    }))
}

/// The case if the actor may see it; another municipality's case is "not found".
pub(crate) fn visible(
    c: &mut DbConn,
    actor: &Actor,
    action: Action,
    id: &str,
) -> ApiResult<(CaseRow, String)> {
    let (row, name) = model::find(c, id)?;
    authz::require_in(actor, action, &row.municipality_id)?;
    Ok((row, name))
}

/// Checks, before the body is read, that the case exists and the actor may act on it, so that a
/// caller without access learns nothing from body errors.
pub(crate) async fn check_access(
    state: &AppState,
    actor: &Actor,
    action: Action,
    id: &str,
) -> ApiResult<()> {
    let (actor, id) = (actor.clone(), id.to_owned());
    state
        .db
        .read(move |c| visible(c, &actor, action, &id).map(|_| ()))
        .await
}

/// Checks the references of a case's fields: desk of the municipality, categories, operator.
fn check_fields(
    c: &mut DbConn,
    municipality_id: &str,
    f: &CaseFields,
    assignee_was: Option<&str>,
) -> ApiResult<()> {
    let mut errors = Vec::new();
    if let Some(d) = &f.desk_id {
        let owner: Option<String> = desks::table
            .find(d)
            .select(desks::municipality_id)
            .first(c)
            .optional()?;
        if owner.as_deref() != Some(municipality_id) {
            errors.push(FieldError::new(
                "desk_id",
                "invalid_reference",
                "no such desk at this municipality",
            ));
        }
    }
    let parent_of = |c: &mut DbConn, id: &str| -> ApiResult<Option<Option<String>>> {
        Ok(case_categories::table
            .find(id)
            .select(case_categories::parent_id)
            .first(c)
            .optional()?)
    };
    match parent_of(c, &f.category_id)? {
        Some(None) => {}
        Some(Some(_)) => errors.push(FieldError::new(
            "category_id",
            "not_a_category",
            "is a sub-category",
        )),
        None => errors.push(FieldError::new(
            "category_id",
            "invalid_reference",
            "no such category",
        )),
    }
    if let Some(sub) = &f.subcategory_id {
        if parent_of(c, sub)? != Some(Some(f.category_id.clone())) {
            errors.push(FieldError::new(
                "subcategory_id",
                "invalid_reference",
                "not a sub-category of the category",
            ));
        }
    }
    if let Some(u) = f
        .assigned_to_id
        .as_deref()
        .filter(|u| Some(*u) != assignee_was)
    {
        let role: Option<String> = users::table
            .find(u)
            .filter(users::active.eq(true))
            .select(users::role)
            .first(c)
            .optional()?;
        match role.as_deref() {
            Some("coordinator" | "admin") => {}
            // An operator only for a municipality they work for: a case assigned elsewhere
            // would show another desk's person to someone outside it.
            Some("operator") => {
                let theirs: Vec<String> = user_municipalities::table
                    .filter(user_municipalities::user_id.eq(u))
                    .select(user_municipalities::municipality_id)
                    .load(c)?;
                if !crate::auth::with_members(c, theirs)?
                    .iter()
                    .any(|m| m == municipality_id)
                {
                    errors.push(FieldError::new(
                        "assigned_to_id",
                        "not_in_municipality",
                        "this operator does not work for the case's municipality",
                    ));
                }
            }
            _ => errors.push(FieldError::new(
                "assigned_to_id",
                "invalid_reference",
                "no such active operator",
            )),
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(errors))
    }
}

/// Open a case for a person at a municipality's desk. Permission: admin, coordinator, operator
/// (their municipalities), clients with `cases:write` (their municipality).
#[utoipa::path(
    post,
    path = "/api/v1/cases",
    tag = "cases",
    request_body = NewCase,
    security(("bearer" = []), ("oauth2" = ["cases:write"])),
    responses((status = 201, description = "Opened", body = Case))
)]
pub async fn create(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    body: Body,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::WriteCases)?;
    let input: NewCase = body.json().await?;
    lumit_shared::case::check_new(&input).map_err(ApiError::Validation)?;
    if !actor.covers(&input.municipality_id) {
        return Err(ApiError::field(
            "municipality_id",
            "not_yours",
            "is not a municipality you work for",
        ));
    }
    let fields = CaseFields {
        desk_id: input.desk_id.clone().filter(|s| !s.is_empty()),
        category_id: input.category_id.clone(),
        subcategory_id: input.subcategory_id.clone().filter(|s| !s.is_empty()),
        channel: input.channel.as_str().into(),
        priority: input.priority.as_str().into(),
        assigned_to_id: input.assigned_to_id.clone().filter(|s| !s.is_empty()),
        summary: input.summary.trim().to_owned(),
        language: lumit_shared::case::language(input.language.as_deref()).unwrap_or_default(),
        mediator_present: input.mediator_present,
    };
    let ctx = AuditCtx::new(&actor, &meta);
    let author = actor.id.clone();
    let case = state
        .db
        .write(move |c| {
            // A person outside the caller's scope is "no such person", exactly as one that does
            // not exist: opening a case must not be a way to reach another desk's people.
            let person = match crate::models::person::find(c, &input.person_id) {
                Ok(p) => Some(p),
                Err(ApiError::NotFound) => None,
                Err(e) => return Err(e),
            };
            let reachable = match &person {
                Some(p) => {
                    actor.sees_all()
                        || crate::models::person::in_scope(c, p, &actor.municipality_ids)?
                }
                None => false,
            };
            if !reachable {
                return Err(ApiError::field(
                    "person_id",
                    "invalid_reference",
                    "no such person",
                ));
            }
            check_fields(c, &input.municipality_id, &fields, None)?;
            let row = model::insert(
                c,
                &input.person_id,
                &input.municipality_id,
                &fields,
                &author,
            )?;
            let (row, name) = model::find(c, &row.id)?;
            let api = row.clone().into_api(name);
            audit::record(
                c,
                &ctx,
                Event::new("case.create", "case", &api.id)
                    .municipality(Some(&api.municipality_id))
                    .changes(audit::diff(None, Some(&api))),
            )?;
            Ok((row.version, api))
        })
        .await?;
    Ok(created(
        &format!("/api/v1/cases/{}", case.1.id),
        case.0,
        &case.1,
    ))
}

/// Read one case; the read is logged. Permission: as the list, on the actor's municipalities.
#[utoipa::path(
    get,
    path = "/api/v1/cases/{id}",
    tag = "cases",
    params(("id" = String, Path, description = "Case id")),
    security(("bearer" = []), ("oauth2" = ["cases:read"])),
    responses((status = 200, description = "The case; `ETag` carries its version", body = Case))
)]
pub async fn get(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::ReadCases)?;
    let id = id.into_inner();
    let ctx = AuditCtx::new(&actor, &meta);
    let (version, case) = state
        .db
        .append(move |c| {
            let (row, name) = visible(c, &actor, Action::ReadCases, &id)?;
            crate::access::record(
                c,
                &ctx,
                crate::access::Read {
                    action: "case.read",
                    entity_type: "case",
                    entity_id: &row.id,
                    person_id: &row.person_id,
                    municipality_id: Some(&row.municipality_id),
                },
            )?;
            Ok((row.version, row.into_api(name)))
        })
        .await?;
    Ok(with_etag(version, &case))
}

/// Change a case's fields (status changes go through transitions). Honours `If-Match`.
/// Permission: as for opening, on the actor's municipalities.
#[utoipa::path(
    patch,
    path = "/api/v1/cases/{id}",
    tag = "cases",
    params(("id" = String, Path, description = "Case id"), ("If-Match" = Option<String>, Header, description = "ETag from a previous read")),
    request_body = CasePatch,
    security(("bearer" = []), ("oauth2" = ["cases:write"])),
    responses(
        (status = 200, description = "Updated", body = Case),
        (status = 412, description = "Stale `If-Match`", body = lumit_shared::Problem, content_type = "application/problem+json")
    )
)]
pub async fn update(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    id: web::Path<String>,
    if_match: IfMatch,
    body: Body,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::WriteCases)?;
    let id = id.into_inner();
    check_access(&state, &actor, Action::WriteCases, &id).await?;
    let patch: CasePatch = body.json().await?;
    let mut errs = lumit_shared::validate::Errors::default();
    let summary = patch
        .summary
        .as_deref()
        .map(|s| errs.take("summary", lumit_shared::case::summary(s)));
    let language = patch
        .language
        .as_ref()
        .map(|l| errs.take("language", lumit_shared::case::language(l.as_deref())));
    if !errs.is_empty() {
        return Err(ApiError::Validation(errs.0));
    }
    let ctx = AuditCtx::new(&actor, &meta);
    let (version, case) = state
        .db
        .write(move |c| {
            let (cur, name) = visible(c, &actor, Action::WriteCases, &id)?;
            if_match.check(cur.version)?;
            let before = cur.clone().into_api(name.clone());
            let fields = CaseFields {
                desk_id: patch.desk_id.clone().unwrap_or(cur.desk_id.clone()),
                category_id: patch.category_id.clone().unwrap_or(cur.category_id.clone()),
                subcategory_id: patch
                    .subcategory_id
                    .clone()
                    .unwrap_or(cur.subcategory_id.clone()),
                channel: patch
                    .channel
                    .map(|c| c.as_str().to_owned())
                    .unwrap_or(cur.channel.clone()),
                priority: patch
                    .priority
                    .map(|p| p.as_str().to_owned())
                    .unwrap_or(cur.priority.clone()),
                assigned_to_id: patch
                    .assigned_to_id
                    .clone()
                    .unwrap_or(cur.assigned_to_id.clone()),
                summary: summary.flatten().unwrap_or(cur.summary.clone()),
                language: language.flatten().unwrap_or(cur.language.clone()),
                mediator_present: patch.mediator_present.unwrap_or(cur.mediator_present),
            };
            check_fields(
                c,
                &cur.municipality_id,
                &fields,
                cur.assigned_to_id.as_deref(),
            )?;
            model::update(c, &cur, &fields)?;
            let (row, name) = model::find(c, &cur.id)?;
            let after = row.clone().into_api(name);
            audit::record(
                c,
                &ctx,
                Event::new("case.update", "case", &row.id)
                    .municipality(Some(&row.municipality_id))
                    .changes(audit::diff(Some(&before), Some(&after))),
            )?;
            Ok((row.version, after))
        })
        .await?;
    Ok(with_etag(version, &case))
}

/// Move a case through its workflow: `open` → `in_progress` → `waiting_documents` /
/// `waiting_office` → `closed` (with an outcome). Reopening a closed case needs a coordinator and
/// a reason. An impossible move is a 409 listing the `allowed` ones. Permission: as for changing.
#[utoipa::path(
    post,
    path = "/api/v1/cases/{id}/transitions",
    tag = "cases",
    params(("id" = String, Path, description = "Case id")),
    request_body = Transition,
    security(("bearer" = []), ("oauth2" = ["cases:write"])),
    responses(
        (status = 200, description = "Moved", body = Case),
        (status = 409, description = "Not allowed from the current status; see `allowed`", body = lumit_shared::Problem, content_type = "application/problem+json")
    )
)]
pub async fn transition(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: Body,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::WriteCases)?;
    let id = id.into_inner();
    check_access(&state, &actor, Action::WriteCases, &id).await?;
    let t: Transition = body.json().await?;
    let note = t
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_owned);
    if note.as_ref().is_some_and(|n| n.chars().count() > 2000) {
        return Err(ApiError::field(
            "note",
            "too_long",
            "must be at most 2000 characters",
        ));
    }
    let ctx = AuditCtx::new(&actor, &meta);
    let (version, case) = state
        .db
        .write(move |c| {
            let (cur, name) = visible(c, &actor, Action::WriteCases, &id)?;
            let from = cur.status();
            if !from.next().contains(&t.to) {
                let mut err = ApiError::conflict(
                    "transition_not_allowed",
                    format!("A case in `{}` can't move to `{}`.", from.as_str(), t.to.as_str()),
                );
                if let ApiError::Conflict { extra, .. } = &mut err {
                    let allowed: Vec<&str> = from.next().iter().map(|s| s.as_str()).collect();
                    extra.insert("allowed".into(), serde_json::json!(allowed));
                }
                return Err(err);
            }
            if from == CaseStatus::Closed {
                authz::require(&actor, Action::ReopenCases)?;
                if note.is_none() {
                    return Err(ApiError::field("note", "required", "say why the case is reopened"));
                }
            }
            let outcome = match (t.to, t.outcome) {
                (CaseStatus::Closed, Some(o)) => Some(o),
                (CaseStatus::Closed, None) => return Err(ApiError::field("outcome", "required", "say how the case ended")),
                (_, Some(_)) => return Err(ApiError::field("outcome", "not_allowed", "only when closing")),
                (_, None) => None,
            };
            let before = cur.clone().into_api(name);
            model::set_status(c, &cur, t.to, outcome)?;
            let data = serde_json::json!({"from": from.as_str(), "to": t.to.as_str(), "outcome": outcome.map(|o| o.as_str())});
            let ev = ValidCaseEvent { kind: EventKind::StatusChange, note: note.unwrap_or_default(), minutes: None, data };
            model::add_event(c, &cur.id, &ev, (&actor.id, &actor.name))?;
            let (row, name) = model::find(c, &cur.id)?;
            let after = row.clone().into_api(name);
            let action = if from == CaseStatus::Closed { "case.reopen" } else { "case.transition" };
            audit::record(
                c,
                &ctx,
                Event::new(action, "case", &row.id).municipality(Some(&row.municipality_id)).changes(audit::diff(Some(&before), Some(&after))),
            )?;
            Ok((row.version, after))
        })
        .await?;
    Ok(with_etag(version, &case))
}

/// The case's timeline, oldest first. Permission: as reading the case.
#[utoipa::path(
    get,
    path = "/api/v1/cases/{id}/events",
    tag = "cases",
    params(("id" = String, Path, description = "Case id")),
    security(("bearer" = []), ("oauth2" = ["cases:read"])),
    responses((status = 200, description = "The timeline", body = Vec<CaseEvent>))
)]
pub async fn events(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::ReadCases)?;
    let id = id.into_inner();
    let ctx = AuditCtx::new(&actor, &meta);
    let (row, events) = state
        .db
        .read_short(move |c| {
            let (row, _) = visible(c, &actor, Action::ReadCases, &id)?;
            let events = model::events(c, &row.id)?;
            Ok((row, events))
        })
        .await?;
    state
        .access
        .wait_written(Some(crate::access::Shown::record(
            &ctx,
            crate::access::Read {
                action: "case.timeline",
                entity_type: "case",
                entity_id: &row.id,
                person_id: &row.person_id,
                municipality_id: Some(&row.municipality_id),
            },
        )))
        .await?;
    Ok(HttpResponse::Ok().json(events))
}

/// Add a note, intervention (with minutes), phone call, document check or appointment to the
/// timeline. Permission: as changing the case.
#[utoipa::path(
    post,
    path = "/api/v1/cases/{id}/events",
    tag = "cases",
    params(("id" = String, Path, description = "Case id")),
    request_body = NewCaseEvent,
    security(("bearer" = []), ("oauth2" = ["cases:write"])),
    responses((status = 201, description = "Added", body = CaseEvent))
)]
pub async fn add_event(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: Body,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::WriteCases)?;
    let id = id.into_inner();
    check_access(&state, &actor, Action::WriteCases, &id).await?;
    let input: NewCaseEvent = body.json().await?;
    let ev = input.parse().map_err(ApiError::Validation)?;
    let ctx = AuditCtx::new(&actor, &meta);
    // An entry only adds to its case, so it takes the writers' lock just to link its audit row.
    let event = state
        .db
        .write_then_chain(move |c| {
            let (row, _) = visible(c, &actor, Action::WriteCases, &id)?;
            let event = model::add_event(c, &row.id, &ev, (&actor.id, &actor.name))?;
            audit::record(
                c,
                &ctx,
                Event::new("case.event_add", "case", &row.id)
                    .municipality(Some(&row.municipality_id))
                    .changes(audit::diff(
                        None,
                        Some(&serde_json::json!({"kind": ev.kind.as_str(), "minutes": ev.minutes})),
                    )),
            )?;
            Ok(event)
        })
        .await?;
    Ok(HttpResponse::Created().json(event))
}

/// The case categories (two levels) with their document checklists. Permission: any staff
/// member, or a client with `cases:read`.
#[utoipa::path(
    get,
    path = "/api/v1/case-categories",
    tag = "cases",
    security(("bearer" = []), ("oauth2" = ["cases:read"])),
    responses((status = 200, description = "The taxonomy", body = Vec<CaseCategory>))
)]
pub async fn categories(actor: Actor, state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::ReadCategories)?;
    let all = state.db.read(model::categories).await?;
    Ok(HttpResponse::Ok().json(all))
}

/// Correct a note, intervention or call: only its author, within 24 hours. The text it replaces
/// stays in the entry's `previous` versions; the audit log records who corrected it and when,
/// never the text. Permission: as changing the case, and being the author.
#[utoipa::path(
    patch,
    path = "/api/v1/cases/{id}/events/{event_id}",
    tag = "cases",
    params(("id" = String, Path, description = "Case id"), ("event_id" = String, Path, description = "Event id")),
    request_body = lumit_shared::case::EventEdit,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Edited", body = CaseEvent),
        (status = 409, description = "Past the 24-hour window, or not editable", body = lumit_shared::Problem, content_type = "application/problem+json")
    )
)]
pub async fn edit_event(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    body: Body,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::WriteCases)?;
    let (id, event_id) = path.into_inner();
    check_access(&state, &actor, Action::WriteCases, &id).await?;
    let input: lumit_shared::case::EventEdit = body.json().await?;
    let note = lumit_shared::validate::required_text(&input.note, 10_000)
        .map_err(|(code, m)| ApiError::field("note", code, m))?;
    let ctx = AuditCtx::new(&actor, &meta);
    let event = state
        .db
        .write(move |c| {
            let (row, _) = visible(c, &actor, Action::WriteCases, &id)?;
            let (before, after) =
                model::edit_note(c, &row.id, &event_id, (&actor.id, &actor.name), &note)?;
            let change = lumit_shared::audit::FieldChange {
                field: format!("events[{}].note", after.id),
                old: serde_json::json!(before.note),
                new: serde_json::json!(after.note),
            };
            audit::record(
                c,
                &ctx,
                Event::new("case.event_edit", "case", &row.id)
                    .municipality(Some(&row.municipality_id))
                    .changes(vec![change]),
            )?;
            Ok(after)
        })
        .await?;
    Ok(HttpResponse::Ok().json(event))
}

/// Add a category or sub-category to the taxonomy. Permission: admin.
#[utoipa::path(
    post,
    path = "/api/v1/case-categories",
    tag = "cases",
    request_body = lumit_shared::case::CategoryInput,
    security(("bearer" = [])),
    responses((status = 201, description = "Added", body = CaseCategory))
)]
pub async fn create_category(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    body: Body,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::WriteCategories)?;
    let input: lumit_shared::case::CategoryInput = body.json().await?;
    let cat = input.apply(None).map_err(ApiError::Validation)?;
    let ctx = AuditCtx::new(&actor, &meta);
    let cat = state
        .db
        .write(move |c| {
            if let Some(parent) = &cat.parent_id {
                let top = model::categories(c)?
                    .into_iter()
                    .any(|p| &p.id == parent && p.parent_id.is_none());
                if !top {
                    return Err(ApiError::field(
                        "parent_id",
                        "invalid_reference",
                        "no such top-level category",
                    ));
                }
            }
            model::save_category(c, &cat, true)?;
            audit::record(
                c,
                &ctx,
                Event::new("case_category.create", "case_category", &cat.id)
                    .changes(audit::diff(None, Some(&cat))),
            )?;
            Ok(cat)
        })
        .await?;
    Ok(HttpResponse::Created().json(cat))
}

/// Change a category: names, checklist, retention years, active. Permission: admin.
#[utoipa::path(
    patch,
    path = "/api/v1/case-categories/{id}",
    tag = "cases",
    params(("id" = String, Path, description = "Category id")),
    request_body = lumit_shared::case::CategoryInput,
    security(("bearer" = [])),
    responses((status = 200, description = "Changed", body = CaseCategory))
)]
pub async fn update_category(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: Body,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::WriteCategories)?;
    let input: lumit_shared::case::CategoryInput = body.json().await?;
    let id = id.into_inner();
    let ctx = AuditCtx::new(&actor, &meta);
    let cat = state
        .db
        .write(move |c| {
            let cur = model::categories(c)?
                .into_iter()
                .find(|x| x.id == id)
                .ok_or(ApiError::NotFound)?;
            let cat = input.apply(Some(&cur)).map_err(ApiError::Validation)?;
            model::save_category(c, &cat, false)?;
            audit::record(
                c,
                &ctx,
                Event::new("case_category.update", "case_category", &cat.id)
                    .changes(audit::diff(Some(&cur), Some(&cat))),
            )?;
            Ok(cat)
        })
        .await?;
    Ok(HttpResponse::Ok().json(cat))
}
