//! Tables for people who work in spreadsheets: CSV and XLSX (`rust_xlsxwriter`). Every text
//! cell goes through [`spreadsheet_safe`], so a name like `=1+1` stays a name.

use lumit_shared::text::spreadsheet_safe;
use rust_xlsxwriter::{Workbook, XlsxError};

/// The form of an answer: JSON, or a file for a spreadsheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// `application/json`.
    Json,
    /// `text/csv`.
    Csv,
    /// `application/vnd.openxmlformats-officedocument.spreadsheetml.sheet`.
    Xlsx,
}

impl Format {
    /// `format=` when given, else what `Accept` asks for, else JSON.
    pub fn choose(asked: Option<Format>, req: &actix_web::HttpRequest) -> Self {
        if let Some(f) = asked {
            return f;
        }
        let accept = req
            .headers()
            .get(actix_web::http::header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if accept.contains(XLSX) {
            Self::Xlsx
        } else if accept.contains("text/csv") {
            Self::Csv
        } else {
            Self::Json
        }
    }
}

/// The XLSX media type.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Text (made formula-safe when written).
    Text(String),
    /// A whole number.
    Whole(i64),
    /// A decimal number.
    Decimal(f64),
    /// Nothing.
    Empty,
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Self::Text(s.to_owned())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Self {
        Self::Text(s)
    }
}

/// A titled table: one XLSX sheet.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// Sheet name (cut to Excel's 31 characters, made unique).
    pub name: String,
    /// Lines above the header (what the table is, for whom, when).
    pub notes: Vec<String>,
    /// Column titles.
    pub header: Vec<String>,
    /// Rows.
    pub rows: Vec<Vec<Cell>>,
}

/// One table as CSV (header, then rows; notes are for XLSX).
pub fn csv(t: &Table) -> anyhow::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(t.header.iter().map(|h| spreadsheet_safe(h).into_owned()))?;
    for row in &t.rows {
        w.write_record(row.iter().map(csv_field))?;
    }
    Ok(w.into_inner()?)
}

/// A cell as CSV text: numbers as numbers, text formula-safe.
pub fn csv_field(c: &Cell) -> String {
    match c {
        Cell::Text(s) => spreadsheet_safe(s).into_owned(),
        Cell::Whole(n) => n.to_string(),
        Cell::Decimal(x) => x.to_string(),
        Cell::Empty => String::new(),
    }
}

/// Tables as an XLSX workbook, a sheet each, the header bold and frozen.
pub fn xlsx(tables: &[Table]) -> anyhow::Result<Vec<u8>> {
    Ok(workbook(tables)?)
}

fn workbook(tables: &[Table]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let mut names: Vec<String> = Vec::new();
    for t in tables {
        let sheet = book.add_worksheet();
        sheet.set_name(sheet_name(&t.name, &names))?;
        names.push(sheet.name());
        let mut r: u32 = 0;
        for note in &t.notes {
            sheet.write_string(r, 0, spreadsheet_safe(note))?;
            r += 1;
        }
        if !t.notes.is_empty() {
            r += 1;
        }
        for (c, h) in t.header.iter().enumerate() {
            sheet.write_string_with_format(r, col(c), spreadsheet_safe(h), &bold)?;
        }
        sheet.set_freeze_panes(r + 1, 0)?;
        for row in &t.rows {
            r += 1;
            for (c, cell) in row.iter().enumerate() {
                match cell {
                    Cell::Text(s) => sheet.write_string(r, col(c), spreadsheet_safe(s))?,
                    Cell::Whole(n) => sheet.write_number(r, col(c), *n as f64)?,
                    Cell::Decimal(x) => sheet.write_number(r, col(c), *x)?,
                    Cell::Empty => sheet,
                };
            }
        }
        for c in 0..t.header.len() {
            sheet.set_column_width(col(c), if c < 2 { 28 } else { 14 })?;
        }
    }
    book.save_to_buffer()
}

fn col(c: usize) -> u16 {
    u16::try_from(c).unwrap_or(u16::MAX)
}

/// A sheet name Excel accepts: no `[]:*?/\`, at most 31 characters, unique in the workbook.
fn sheet_name(wanted: &str, taken: &[String]) -> String {
    let clean: String = wanted
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .collect();
    let clean = clean.trim_matches('\'');
    let base: String = clean.chars().take(31).collect();
    let base = if base.is_empty() {
        "Sheet".to_owned()
    } else {
        base
    };
    let free = |n: &str| !taken.iter().any(|t| t.eq_ignore_ascii_case(n));
    if free(&base) {
        return base;
    }
    (2..)
        .map(|i| {
            let suffix = format!(" {i}");
            let head: String = base.chars().take(31 - suffix.chars().count()).collect();
            format!("{head}{suffix}")
        })
        .find(|n| free(n))
        .unwrap_or(base)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_short_clean_and_unique() {
        let long = "municipalities_supported.by_municipality";
        let a = sheet_name(long, &[]);
        assert_eq!(a.chars().count(), 31);
        let b = sheet_name(long, std::slice::from_ref(&a));
        assert_ne!(a, b);
        assert_eq!(b.chars().count(), 31);
        assert_eq!(sheet_name("a/b:c", &[]), "a_b_c");
    }

    #[test]
    fn csv_cells_are_formula_safe_and_numbers_stay_numbers() {
        let t = Table {
            header: vec!["name".into(), "n".into()],
            rows: vec![vec!["=1+1".into(), Cell::Whole(-3)]],
            ..Table::default()
        };
        let text = String::from_utf8(csv(&t).unwrap()).unwrap();
        assert_eq!(text, "name,n\n'=1+1,-3\n");
    }
}
