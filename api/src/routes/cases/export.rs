//! The case list as a file: the rows matching the list's filters, streamed.

use lumit_shared::dashboard::case_status_label;
use lumit_shared::report::{key_label, Dimension};
use lumit_shared::training::MessageLanguage;

use crate::db::DbConn;
use crate::error::ApiResult;
use crate::export::{local_time, text, Rows, Source};
use crate::models::case as model;
use crate::models::report::Names;
use crate::sheets::Cell;

/// The cases of a filter, newest first, read forward by cursor.
pub struct CaseRows {
    pub filter: model::Filter,
    pub sort: model::Sort,
    pub after: Option<model::Cursor>,
    pub done: bool,
    pub names: Option<Names>,
}

impl Source for CaseRows {
    fn header(&self) -> Vec<String> {
        [
            "Riferimento",
            "Persona",
            "Comune",
            "Categoria",
            "Sottocategoria",
            "Stato",
            "Esito",
            "Priorità",
            "Canale",
            "Lingua",
            "Aperta il",
            "Chiusa il",
            "Sintesi",
        ]
        .map(str::to_owned)
        .to_vec()
    }

    fn next(&mut self, c: &mut DbConn, n: i64) -> ApiResult<Rows> {
        if self.done {
            return Ok(Rows::default());
        }
        if self.names.is_none() {
            self.names = Some(Names::load(c, MessageLanguage::It)?);
        }
        let mut rows = model::list(c, &self.filter, self.sort, self.after.take(), n)?;
        self.done = rows.len() as i64 <= n;
        rows.truncate(n as usize);
        if let Some((r, _, _)) = rows.last() {
            self.after = Some(match self.sort {
                model::Sort::Opened => model::Cursor(r.opened_at, r.id.clone()),
                model::Sort::Updated => model::Cursor(r.updated_at, r.id.clone()),
            });
        }
        let names = self.names.as_ref();
        let name = |f: &dyn Fn(&Names) -> String| names.map(f).unwrap_or_default();
        let mut page = Rows::default();
        for (r, first, last) in rows {
            {
                let case = r.into_api(format!("{first} {last}"));
                let it = MessageLanguage::It;
                let outcome = case
                    .outcome
                    .and_then(|o| key_label(Dimension::Outcome, o.as_str(), it));
                let cells = vec![
                    Cell::Text(case.reference.clone()),
                    Cell::Text(case.person_name.clone()),
                    Cell::Text(name(&|n| n.municipality(&case.municipality_id))),
                    Cell::Text(name(&|n| n.category(&case.category_id))),
                    match &case.subcategory_id {
                        Some(s) => Cell::Text(name(&|n| n.category(s))),
                        None => Cell::Empty,
                    },
                    Cell::Text(case_status_label(case.status.as_str(), it)),
                    text(outcome),
                    Cell::Text(case.priority.as_str().to_owned()),
                    Cell::Text(case.channel.as_str().to_owned()),
                    text(case.language.as_deref()),
                    local_time(case.opened_at),
                    case.closed_at.map_or(Cell::Empty, local_time),
                    Cell::Text(case.summary.clone()),
                ];
                page.rows.push(cells);
                page.people.push(case.person_id);
            }
        }
        Ok(page)
    }
}
