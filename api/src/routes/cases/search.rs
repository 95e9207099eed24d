//! `GET /api/v1/cases`: the list, its filters, order and count.

use actix_web::{get, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use lumit_shared::case::{CasePage, CaseStatus};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::audit::AuditCtx;
use crate::auth::Actor;
use crate::authz::{self, Action};
use crate::error::ApiResult;
use crate::export::Export;
use crate::extract::{Query, RequestMeta};
use crate::models::case as model;
use crate::pagination::{self, Pager};
use crate::sheets::Format;
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
    #[param(pattern = "lumit:statuses:case")]
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
    #[param(inline)]
    pub sort: Option<SortBy>,
    /// Also count the matches (`total`), up to 10,000 (`total_is_at_least` says there are more).
    pub count: Option<bool>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// Cursor from the previous page.
    pub cursor: Option<String>,
    /// `csv` or `xlsx`: every matching case as a file, streamed (`limit` and `cursor` aside);
    /// without it, `Accept` decides. Each person in it is in the access log.
    #[param(inline)]
    pub format: Option<Format>,
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

/// List cases, newest first; or export every match as CSV or XLSX. Permission: admin,
/// coordinator, operator (their municipalities), clients with `cases:read` (their municipality).
///
/// Beyond the schema: `cursor` must be a `next_cursor` this list gave out (400 `invalid_cursor`
/// otherwise).
#[utoipa::path(
    operation_id = "listCases",
    tag = "cases",
    params(ListQuery),
    security(("bearer" = []), ("oauth2" = ["cases:read"])),
    responses((status = 200, description = "A page of cases, or all of them as a file", content(
        (CasePage = "application/json"),
        (String = "text/csv"),
        (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    )))
)]
#[get("/cases")]
pub async fn list(
    actor: Actor,
    meta: RequestMeta,
    req: HttpRequest,
    state: web::Data<AppState>,
    q: Query<ListQuery>,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::ReadCases)?;
    let ctx = AuditCtx::new(&actor, &meta);
    let q = q.0;
    let format = Format::choose(q.format, &req);
    let mut pager = Pager::<model::Cursor>::new(q.limit, q.cursor.as_deref())?;
    let (limit, after) = pager.query();
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
    if format != Format::Json {
        let today = crate::scheduling::local_now().date();
        // By opening, whatever the list's order: a case changed during the export would move
        // above the cursor by its last change, and be left out.
        let rows = super::export::CaseRows {
            filter,
            sort: model::Sort::Opened,
            after: None,
            done: false,
            names: None,
        };
        let export = Export {
            action: "case.export",
            list: "cases",
            name: format!("lumit-pratiche-{today}"),
        };
        return Ok(crate::export::respond(state, ctx, export, format, rows));
    }
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
    let page = pager.page(
        rows,
        |(r, _, _)| match sort {
            model::Sort::Opened => model::Cursor(r.opened_at, r.id.clone()),
            model::Sort::Updated => model::Cursor(r.updated_at, r.id.clone()),
        },
        |(r, first, last)| r.into_api(format!("{first} {last}")),
    );
    let shown = page.items.iter().map(|c| c.person_id.clone());
    state
        .access
        .wait_written(crate::access::Shown::page(
            &ctx,
            "case.list",
            "cases",
            shown,
        ))
        .await?;
    Ok(HttpResponse::Ok().json(CasePage {
        items: page.items,
        next_cursor: page.next_cursor,
        total: total.map(|(n, _)| n),
        total_is_at_least: total.is_some_and(|(_, more)| more),
    }))
}
