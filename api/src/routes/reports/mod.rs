//! The programme's figures: indicators for the fund, as JSON, CSV or XLSX.

use actix_web::http::header;
use actix_web::HttpResponse;
use serde::Deserialize;

pub mod dashboard;
pub mod drill;
mod figures;
pub mod frozen;
mod tables;

pub use figures::*;

/// The form of an answer: JSON, or a file for a spreadsheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
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
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if accept.contains(crate::sheets::XLSX) {
            Self::Xlsx
        } else if accept.contains("text/csv") {
            Self::Csv
        } else {
            Self::Json
        }
    }
}

/// A file to download.
fn attachment(content_type: &str, filename: &str, body: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        ))
        .body(body)
}
