//! The request list as a file: the rows matching the list's filters, streamed.

use lumit_shared::mediation::LANGUAGES;
use lumit_shared::report::{key_label, Dimension};
use lumit_shared::training::MessageLanguage;
use lumit_shared::user::Role;

use super::{own_mediator, shown};
use crate::auth::Actor;
use crate::db::DbConn;
use crate::error::ApiResult;
use crate::export::{local_time, text, Rows, Source};
use crate::models::request as model;
use crate::sheets::Cell;

/// The requests of a filter, newest first, read forward by cursor.
pub struct RequestRows {
    pub actor: Actor,
    pub filter: model::Filter,
    pub after: Option<model::Cursor>,
    pub started: bool,
    pub done: bool,
}

fn language(code: &str) -> String {
    LANGUAGES
        .iter()
        .find(|(c, _, _)| *c == code)
        .map_or_else(|| code.to_owned(), |(_, it, _)| (*it).to_owned())
}

impl Source for RequestRows {
    fn header(&self) -> Vec<String> {
        [
            "Riferimento",
            "Presentata il",
            "Comune",
            "Ufficio",
            "Tipo",
            "Lingua",
            "Lingua di arrivo",
            "Giorno e ora",
            "Durata (minuti)",
            "A distanza",
            "Pagine",
            "Scadenza",
            "Stato",
            "Mediatore",
            "Minuti svolti",
        ]
        .map(str::to_owned)
        .to_vec()
    }

    fn next(&mut self, c: &mut DbConn, n: i64) -> ApiResult<Rows> {
        if self.done {
            return Ok(Rows::default());
        }
        if !self.started {
            self.started = true;
            if self.actor.role == Some(Role::Mediator) {
                self.filter.scope = None;
                // A mediator without a record sees nothing: an id that matches no row.
                self.filter.mediator_id = Some(own_mediator(c, &self.actor)?.unwrap_or_default());
            }
        }
        let mut rows = model::list(c, &self.filter, self.after.take(), n)?;
        self.done = rows.len() as i64 <= n;
        rows.truncate(n as usize);
        self.after = rows
            .last()
            .map(|r| model::Cursor(r.created_at, r.id.clone()));
        let full = model::with_names(c, rows)?;
        let people = model::people_of(c, &full)?;
        let it = MessageLanguage::It;
        let rows = full
            .into_iter()
            .map(|f| {
                let r = shown(&self.actor, f);
                vec![
                    Cell::Text(r.reference),
                    local_time(r.created_at),
                    Cell::Text(r.municipality_name),
                    Cell::Text(r.office),
                    Cell::Text(r.kind.as_str().to_owned()),
                    Cell::Text(language(&r.language)),
                    r.target_language
                        .as_deref()
                        .map_or(Cell::Empty, |l| Cell::Text(language(l))),
                    text(
                        r.starts_at
                            .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
                            .as_deref(),
                    ),
                    r.duration_minutes
                        .map_or(Cell::Empty, |m| Cell::Whole(m.into())),
                    Cell::Text(if r.remote { "sì" } else { "no" }.to_owned()),
                    r.pages.map_or(Cell::Empty, |p| Cell::Whole(p.into())),
                    text(r.due_date.map(|d| d.to_string()).as_deref()),
                    text(key_label(Dimension::Status, r.status.as_str(), it)),
                    text(r.mediator_name.as_deref()),
                    r.actual_minutes
                        .map_or(Cell::Empty, |m| Cell::Whole(m.into())),
                ]
            })
            .collect();
        Ok(Rows { rows, people })
    }
}
