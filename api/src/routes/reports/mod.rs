//! The programme's figures: indicators for the fund, as JSON, CSV or XLSX.

use actix_web::http::header;
use actix_web::HttpResponse;

pub mod dashboard;
pub mod drill;
mod figures;
pub mod frozen;
mod tables;

pub use figures::*;

pub use crate::sheets::Format;

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
