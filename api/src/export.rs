//! Exports of lists (cases, requests, people, the audit log) as CSV or XLSX, streamed: rows are
//! read a page at a time by keyset, written and sent before the next page is read, so the
//! server's memory stays flat however many rows match. Each page's people are written to the
//! access log before the page leaves (who took which records out, when).

use std::io::Write;

use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::HttpResponse;
use lumit_shared::text::spreadsheet_safe;
use rust_xlsxwriter::{Format, Workbook, Worksheet};
use tokio::sync::mpsc;

use crate::access::Shown;
use crate::audit::AuditCtx;
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use crate::sheets::{csv_field, Cell, Format as FileFormat, XLSX};
use crate::state::AppState;

/// Rows read and sent at a time.
const PAGE: i64 = 500;

/// Excel's last row (the first holds the header).
const XLSX_ROWS: u32 = 1_048_575;

/// Rows read, and the people they show.
#[derive(Debug, Default)]
pub struct Rows {
    /// The rows' cells.
    pub rows: Vec<Vec<Cell>>,
    /// Ids of the people the rows show.
    pub people: Vec<String>,
}

/// Where an export's rows come from: a list read forward by its cursor.
pub trait Source: Send + 'static {
    /// Column titles.
    fn header(&self) -> Vec<String>;
    /// Up to `n` more rows; none when the list is done.
    fn next(&mut self, c: &mut DbConn, n: i64) -> ApiResult<Rows>;
}

/// What an export is, for the access log and the file's name.
pub struct Export {
    /// Access-log action (`case.export`).
    pub action: &'static str,
    /// Access-log list (`cases`).
    pub list: &'static str,
    /// File name without extension.
    pub name: String,
}

/// The answer: a file, written while it is sent.
pub fn respond(
    state: actix_web::web::Data<AppState>,
    ctx: AuditCtx,
    export: Export,
    format: FileFormat,
    source: impl Source,
) -> HttpResponse {
    let (tx, rx) = mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    let (mime, ext) = match format {
        FileFormat::Xlsx => (XLSX, "xlsx"),
        _ => ("text/csv; charset=utf-8", "csv"),
    };
    let file = format!("{}.{ext}", export.name);
    actix_web::rt::spawn(async move {
        let failed = tx.clone();
        if let Err(e) = run(state, ctx, export, format, source, tx).await {
            // The status has gone: cutting the body short is how the client learns.
            tracing::error!(error = %e, "export stopped");
            let _ = failed
                .send(Err(std::io::Error::other("export stopped")))
                .await;
        }
    });
    let body = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|chunk| (chunk, rx))
    });
    HttpResponse::Ok()
        .content_type(mime)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{file}\""),
        ))
        .streaming(body)
}

/// The writer of either format, carried from page to page.
enum Writer {
    Csv,
    Xlsx {
        book: Box<Workbook>,
        sheet: Box<Worksheet>,
        row: u32,
    },
}

async fn run(
    state: actix_web::web::Data<AppState>,
    ctx: AuditCtx,
    export: Export,
    format: FileFormat,
    source: impl Source,
    tx: mpsc::Sender<Result<Bytes, std::io::Error>>,
) -> ApiResult<()> {
    let header = source.header();
    let mut writer = match format {
        FileFormat::Xlsx => {
            let mut book = Workbook::new();
            let mut sheet = book
                .new_worksheet_with_constant_memory()
                .map_err(internal)?;
            let bold = Format::new().set_bold();
            for (col, h) in header.iter().enumerate() {
                sheet
                    .write_string_with_format(0, col as u16, spreadsheet_safe(h), &bold)
                    .map_err(internal)?;
            }
            sheet.set_freeze_panes(1, 0).map_err(internal)?;
            Writer::Xlsx {
                book: Box::new(book),
                sheet: Box::new(sheet),
                row: 0,
            }
        }
        _ => {
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(header.iter().map(|h| spreadsheet_safe(h).into_owned()))
                .map_err(internal)?;
            send(&tx, w.into_inner().map_err(internal)?).await?;
            Writer::Csv
        }
    };
    let mut source = source;
    loop {
        // A client that went away stops the export at once (XLSX sends nothing until the end).
        if tx.is_closed() {
            return Ok(());
        }
        let (s, w, rows, bytes) = state
            .db
            .read(move |c| {
                let mut source = source;
                let mut writer = writer;
                let page = source.next(c, PAGE)?;
                let bytes = write_rows(&mut writer, &page.rows)?;
                Ok((source, writer, page.people, bytes))
            })
            .await?;
        (source, writer) = (s, w);
        let done = bytes.is_none();
        state
            .access
            .wait_written(Shown::page(&ctx, export.action, export.list, rows))
            .await?;
        match bytes {
            Some(b) if !b.is_empty() => send(&tx, b).await?,
            Some(_) => {}
            None => break,
        }
        if done {
            break;
        }
    }
    if let Writer::Xlsx {
        mut book, sheet, ..
    } = writer
    {
        // The zip is written straight into the response, 64 KiB at a time.
        tokio::task::spawn_blocking(move || {
            book.push_worksheet(*sheet);
            let mut out = ChannelWriter {
                tx,
                buf: Vec::with_capacity(CHUNK),
            };
            book.save_to_writer(&mut out).map_err(internal)?;
            out.flush().map_err(internal)
        })
        .await
        .map_err(|e| ApiError::Internal(e.into()))??;
    }
    Ok(())
}

/// Writes a page; `None` when there were no rows (the list is done).
fn write_rows(writer: &mut Writer, rows: &[Vec<Cell>]) -> ApiResult<Option<Vec<u8>>> {
    if rows.is_empty() {
        return Ok(None);
    }
    match writer {
        Writer::Csv => {
            let mut w = csv::Writer::from_writer(Vec::new());
            for cells in rows {
                w.write_record(cells.iter().map(csv_field))
                    .map_err(internal)?;
            }
            Ok(Some(w.into_inner().map_err(internal)?))
        }
        Writer::Xlsx { sheet, row, .. } => {
            for cells in rows {
                if *row >= XLSX_ROWS {
                    return Err(ApiError::Internal(anyhow::anyhow!(
                        "more rows than a spreadsheet holds"
                    )));
                }
                *row += 1;
                for (col, cell) in cells.iter().enumerate() {
                    let col = col as u16;
                    match cell {
                        Cell::Text(s) => sheet.write_string(*row, col, spreadsheet_safe(s)),
                        Cell::Whole(n) => sheet.write_number(*row, col, *n as f64),
                        Cell::Decimal(x) => sheet.write_number(*row, col, *x),
                        Cell::Empty => continue,
                    }
                    .map_err(internal)?;
                }
            }
            Ok(Some(Vec::new()))
        }
    }
}

async fn send(tx: &mpsc::Sender<Result<Bytes, std::io::Error>>, bytes: Vec<u8>) -> ApiResult<()> {
    tx.send(Ok(Bytes::from(bytes)))
        .await
        .map_err(|_| ApiError::Internal(anyhow::anyhow!("the client went away")))
}

fn internal(e: impl std::fmt::Display) -> ApiError {
    ApiError::Internal(anyhow::anyhow!("export: {e}"))
}

const CHUNK: usize = 64 * 1024;

/// `Write` into the response's channel (from a blocking thread).
struct ChannelWriter {
    tx: mpsc::Sender<Result<Bytes, std::io::Error>>,
    buf: Vec<u8>,
}

impl Write for ChannelWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= CHUNK {
            self.flush()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK));
        self.tx
            .blocking_send(Ok(Bytes::from(chunk)))
            .map_err(|_| std::io::Error::other("the client went away"))
    }
}

/// A time as people read it in Italy: `2026-07-10 14:00`.
pub fn local_time(t: chrono::DateTime<chrono::Utc>) -> Cell {
    Cell::Text(
        t.with_timezone(&chrono_tz::Europe::Rome)
            .format("%Y-%m-%d %H:%M")
            .to_string(),
    )
}

/// Optional text.
pub fn text(s: Option<&str>) -> Cell {
    s.map_or(Cell::Empty, |s| Cell::Text(s.to_owned()))
}
