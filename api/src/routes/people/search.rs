//! `GET /api/v1/people`: finding people by name.

use actix_web::{get, web, HttpRequest, HttpResponse};
use lumit_shared::person::Person;
use lumit_shared::Page;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::access;
use crate::audit::AuditCtx;
use crate::auth::Actor;
use crate::authz::{self, Action};
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use crate::export::{text, Export, Rows, Source};
use crate::extract::{Query, RequestMeta};
use crate::models::person as model;
use crate::pagination::Pager;
use crate::sheets::{Cell, Format};
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
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// Cursor from the previous page.
    pub cursor: Option<String>,
    /// `csv` or `xlsx` (admins and coordinators): every matching person as a file, streamed;
    /// without it, `Accept` decides.
    #[param(inline)]
    pub format: Option<Format>,
}

/// Find people, sorted by last name; or (admins and coordinators) every match as CSV or XLSX.
/// Permission: admin, coordinator, operator (their municipalities), clients with `cases:read`
/// (their municipality).
///
/// Beyond the schema: `cursor` must be a `next_cursor` this list gave out (400 `invalid_cursor`
/// otherwise).
#[utoipa::path(
    operation_id = "listPeople",
    tag = "people",
    params(ListQuery),
    security(("bearer" = []), ("oauth2" = ["cases:read"])),
    responses((status = 200, description = "A page of people, or all of them as a file", content(
        (Page<Person> = "application/json"),
        (String = "text/csv"),
        (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    )))
)]
#[get("/people")]
pub async fn list(
    actor: Actor,
    meta: RequestMeta,
    req: HttpRequest,
    state: web::Data<AppState>,
    q: Query<ListQuery>,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::ReadPeople)?;
    let ctx = AuditCtx::new(&actor, &meta);
    let q = q.0;
    let format = Format::choose(q.format, &req);
    if format != Format::Json {
        // A register of people leaves LUMIT only by the hand of those who answer for it all.
        if !actor.sees_all() {
            return Err(ApiError::forbidden(
                "forbidden",
                "Only admins and coordinators export the register of people.",
            ));
        }
        let today = crate::scheduling::local_now().date();
        let file = Export {
            action: "person.export",
            list: "people",
            name: format!("lumit-persone-{today}"),
        };
        let rows = PeopleRows {
            filter: model::Filter {
                q: q.q,
                municipality_id: q.municipality_id,
                scope: None,
            },
            after: None,
            done: false,
        };
        return Ok(crate::export::respond(state, ctx, file, format, rows));
    }
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

/// People of a filter, by last name, read forward by cursor (for admins and coordinators).
struct PeopleRows {
    filter: model::Filter,
    after: Option<model::Cursor>,
    done: bool,
}

impl Source for PeopleRows {
    fn header(&self) -> Vec<String> {
        [
            "Cognome",
            "Nome",
            "Sesso",
            "Data di nascita",
            "Anno di nascita",
            "Paese di nascita",
            "Cittadinanza",
            "Lingue",
            "Telefono",
            "E-mail",
            "Codice fiscale",
            "Tipo di permesso",
            "Scadenza del permesso",
            "Comune che l'ha registrata",
        ]
        .map(str::to_owned)
        .to_vec()
    }

    fn next(&mut self, c: &mut DbConn, n: i64) -> ApiResult<Rows> {
        if self.done {
            return Ok(Rows::default());
        }
        let mut rows = model::list(c, &self.filter, self.after.take(), n)?;
        self.done = rows.len() as i64 <= n;
        rows.truncate(n as usize);
        self.after = rows
            .last()
            .map(|r| model::Cursor(r.last_name.clone(), r.id.clone()));
        // The municipality by name, as a reader of the sheet knows it.
        let mut ids: Vec<String> = rows
            .iter()
            .map(|r| r.created_municipality_id.clone())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        let names: std::collections::HashMap<String, String> =
            crate::models::municipality::names(c, &ids)?
                .into_iter()
                .collect();
        let mut page = Rows::default();
        for r in rows {
            let p = r.into_api();
            let municipality = names
                .get(&p.created_municipality_id)
                .cloned()
                .unwrap_or_else(|| p.created_municipality_id.clone());
            page.rows.push(vec![
                Cell::Text(p.last_name.clone()),
                Cell::Text(p.first_name.clone()),
                Cell::Text(p.sex.as_str().to_owned()),
                text(p.birth_date.map(|d| d.to_string()).as_deref()),
                p.birth_year.map_or(Cell::Empty, |y| Cell::Whole(y.into())),
                text(p.country_of_birth.as_deref()),
                text(p.citizenship.as_deref()),
                Cell::Text(p.languages.join(", ")),
                text(p.phone.as_deref()),
                text(p.email.as_deref()),
                text(p.tax_code.as_deref()),
                text(p.permit_type.as_deref()),
                text(p.permit_expiry.map(|d| d.to_string()).as_deref()),
                Cell::Text(municipality),
            ]);
            page.people.push(p.id);
        }
        Ok(page)
    }
}
