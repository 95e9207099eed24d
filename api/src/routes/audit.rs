//! `/api/v1/audit`: read and verify the tamper-evident log. Admins only.

use actix_web::{get, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use lumit_shared::audit::{AuditEntry, AuditVerification, SecurityEvent};
use lumit_shared::Page;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::audit::{self as log, AuditCtx, Filter};
use crate::auth::Actor;
use crate::authz::{self, Action};
use crate::db::DbConn;
use crate::error::ApiResult;
use crate::export::{local_time, text, Export, Rows, Source};
use crate::extract::{Query, RequestMeta};
use crate::pagination::Pager;
use crate::sheets::{Cell, Format};
use crate::state::AppState;

/// Filters of the audit log.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Actor (user or client) id.
    pub actor_id: Option<String>,
    /// Entity type, e.g. `user`, `municipality`.
    pub entity_type: Option<String>,
    /// Entity id.
    pub entity_id: Option<String>,
    /// Action, e.g. `user.update`, `auth.login_failed`.
    pub action: Option<String>,
    /// From this time (inclusive, RFC 3339).
    pub from: Option<DateTime<Utc>>,
    /// Up to this time (exclusive, RFC 3339).
    pub to: Option<DateTime<Utc>>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// Cursor from the previous page.
    pub cursor: Option<String>,
    /// `csv` or `xlsx`: every matching entry as a file, streamed; without it, `Accept` decides.
    #[param(inline)]
    pub format: Option<Format>,
}

/// The audit log, newest first; or every matching entry as CSV or XLSX. Permission: admin.
///
/// Beyond the schema: `cursor` must be a `next_cursor` this list gave out (400 `invalid_cursor`
/// otherwise).
#[utoipa::path(
    operation_id = "listAuditEntries",
    tag = "audit",
    params(ListQuery),
    security(("bearer" = [])),
    responses((status = 200, description = "A page of entries, or all of them as a file", content(
        (Page<AuditEntry> = "application/json"),
        (String = "text/csv"),
        (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    )))
)]
#[get("/audit")]
pub async fn list(
    actor: Actor,
    meta: RequestMeta,
    req: HttpRequest,
    state: web::Data<AppState>,
    q: Query<ListQuery>,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::ReadAudit)?;
    let q = q.0;
    let format = Format::choose(q.format, &req);
    let mut pager = Pager::<i64>::new(q.limit, q.cursor.as_deref())?;
    let (limit, before_id) = pager.query();
    let filter = Filter {
        actor_id: q.actor_id,
        entity_type: q.entity_type,
        entity_id: q.entity_id,
        action: q.action,
        from: q.from.map(|t| t.naive_utc()),
        to: q.to.map(|t| t.naive_utc()),
        before_id,
    };
    if format != Format::Json {
        let today = crate::scheduling::local_now().date();
        let export = Export {
            action: "audit.export",
            list: "audit",
            name: format!("lumit-registro-{today}"),
        };
        // From the newest, whatever page the list was on.
        let filter = Filter {
            before_id: None,
            ..filter
        };
        let rows = AuditRows {
            filter,
            done: false,
        };
        let ctx = AuditCtx::new(&actor, &meta);
        return Ok(crate::export::respond(state, ctx, export, format, rows));
    }
    let rows = state
        .db
        .read(move |c| log::list(c, &filter, limit + 1))
        .await?;
    Ok(HttpResponse::Ok().json(pager.page(rows, |e| e.id, |e| e)))
}

/// One entry with its old and new values. Permission: admin.
#[utoipa::path(
    operation_id = "getAuditEntry",
    tag = "audit",
    params(("id" = i64, Path, description = "Entry id")),
    security(("bearer" = [])),
    responses((status = 200, description = "The entry", body = AuditEntry))
)]
#[get("/audit/{id}")]
pub async fn get(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::ReadAudit)?;
    let id: i64 = id.parse().map_err(|_| crate::error::ApiError::NotFound)?;
    let entry = state.db.read(move |c| log::find(c, id)).await?;
    Ok(HttpResponse::Ok().json(entry))
}

/// Recompute the keyed chain over every row and compare it with the signed checkpoint kept
/// outside the database; reports the first row that was edited or removed (the newest rows
/// included) and what is wrong. Permission: admin.
#[utoipa::path(
    operation_id = "verifyAuditChain",
    tag = "audit",
    security(("bearer" = [])),
    responses((status = 200, description = "Result of the check", body = AuditVerification))
)]
#[get("/audit/verify")]
pub async fn verify(actor: Actor, state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::ReadAudit)?;
    let checkpoint = match log::read_checkpoint(&state.settings.data_dir) {
        Ok(cp) => cp,
        Err(e) => {
            return Ok(HttpResponse::Ok().json(AuditVerification {
                ok: false,
                rows_checked: 0,
                first_bad_id: None,
                checkpoint_id: None,
                problem: Some(format!("the checkpoint file cannot be read: {e:#}")),
            }))
        }
    };
    let result = state
        .db
        .read(move |c| log::verify(c, checkpoint.as_ref()))
        .await?;
    Ok(HttpResponse::Ok().json(result))
}

/// Paging of the security log.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SecurityQuery {
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// Cursor from the previous page.
    pub cursor: Option<String>,
}

/// Failed sign-ins of the last 90 days, newest first: kept apart from the audit chain so that
/// they can be deleted (what is typed at a failed sign-in is sometimes a password). Permission:
/// admin.
///
/// Beyond the schema: `cursor` must be a `next_cursor` this list gave out (400 `invalid_cursor`
/// otherwise).
#[utoipa::path(
    operation_id = "listSecurityEvents",
    tag = "audit",
    params(SecurityQuery),
    security(("bearer" = [])),
    responses((status = 200, description = "A page of failed sign-ins", body = Page<SecurityEvent>))
)]
#[get("/security-log")]
pub async fn security(
    actor: Actor,
    state: web::Data<AppState>,
    q: Query<SecurityQuery>,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::ReadAudit)?;
    let mut pager = Pager::<String>::new(q.0.limit, q.0.cursor.as_deref())?;
    let (limit, before) = pager.query();
    let rows = state
        .db
        .read(move |c| crate::security_log::list(c, before.as_deref(), limit + 1))
        .await?;
    Ok(HttpResponse::Ok().json(pager.page(rows, |e| e.id.clone(), |e| e)))
}

/// The entries of a filter, newest first, read back by id. What changed is written as JSON
/// (values only, never free text about a person: the log holds none).
struct AuditRows {
    filter: Filter,
    done: bool,
}

impl Source for AuditRows {
    fn header(&self) -> Vec<String> {
        [
            "N.",
            "Quando",
            "Chi",
            "Tipo di attore",
            "Azione",
            "Oggetto",
            "Id",
            "Comune",
            "Indirizzo IP",
            "Modifiche",
        ]
        .map(str::to_owned)
        .to_vec()
    }

    fn next(&mut self, c: &mut DbConn, n: i64) -> ApiResult<Rows> {
        if self.done {
            return Ok(Rows::default());
        }
        let mut rows = log::list(c, &self.filter, n + 1)?;
        self.done = rows.len() as i64 <= n;
        rows.truncate(n as usize);
        self.filter.before_id = rows.last().map(|e| e.id);
        let mut page = Rows::default();
        for e in rows {
            {
                // The person an entry names: its object, or a `person_id` among its changes
                // (kept unredacted), or the record a person was merged into.
                let mut shown: Vec<String> = Vec::new();
                if e.entity_type == "person" {
                    shown.extend(e.entity_id.clone());
                }
                for ch in &e.changes {
                    if matches!(ch.field.as_str(), "person_id" | "merged_into_id") {
                        for v in [&ch.old, &ch.new] {
                            if let Some(id) = v.as_str() {
                                shown.push(id.to_owned());
                            }
                        }
                    }
                }
                let changes = if e.changes.is_empty() {
                    Cell::Empty
                } else {
                    Cell::Text(serde_json::to_string(&e.changes).unwrap_or_default())
                };
                let cells = vec![
                    Cell::Whole(e.id),
                    local_time(e.at),
                    text(e.actor_name.as_deref()),
                    Cell::Text(e.actor_kind.clone()),
                    Cell::Text(e.action.clone()),
                    Cell::Text(e.entity_type.clone()),
                    text(e.entity_id.as_deref()),
                    text(e.municipality_id.as_deref()),
                    text(e.client_ip.as_deref()),
                    changes,
                ];
                page.rows.push(cells);
                page.people.extend(shown);
            }
        }
        Ok(page)
    }
}
