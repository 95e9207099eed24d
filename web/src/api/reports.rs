//! Reports: the dashboard, the indicators, the drill-down and the frozen reports.

use lumit_shared::dashboard::Dashboard;
use lumit_shared::report::{
    DrillDown, FrozenReport, FrozenReportDetail, IndicatorReport, NewFrozenReport,
};

use super::{ApiError, ApiPath};

/// The dashboard in a language, over a period if given.
pub async fn dashboard(lang: &str, period: Option<(&str, &str)>) -> Result<Dashboard, ApiError> {
    let mut path = format!("/api/v1/dashboard?lang={lang}");
    if let Some((from, to)) = period {
        path.push_str(&format!("&from={from}&to={to}"));
    }
    super::get(&path).await
}

/// The indicators' path over a period, for adding filters and a download format.
pub fn indicators_path(from: impl std::fmt::Display, to: impl std::fmt::Display) -> ApiPath {
    ApiPath::new(format!("/api/v1/reports/indicators?from={from}&to={to}"))
}

/// The indicators a path filters.
pub async fn indicators(path: &ApiPath) -> Result<IndicatorReport, ApiError> {
    super::get(&path.0).await
}

/// The drill-down's path, for adding its parameters.
pub fn drill_path() -> ApiPath {
    ApiPath::new("/api/v1/reports/drill")
}

/// The drill-down a path describes.
pub async fn drill(path: &ApiPath) -> Result<DrillDown, ApiError> {
    super::get(&path.0).await
}

/// The frozen reports.
pub async fn frozen_list() -> Result<Vec<FrozenReport>, ApiError> {
    super::get("/api/v1/reports/frozen").await
}

/// One frozen report.
pub async fn frozen(id: &str) -> Result<FrozenReportDetail, ApiError> {
    super::get(&format!("/api/v1/reports/frozen/{id}")).await
}

/// A frozen report as a file (`csv` or `xlsx`).
pub fn frozen_file(id: &str, format: &str) -> ApiPath {
    ApiPath::new(format!("/api/v1/reports/frozen/{id}?format={format}"))
}

/// Freezes a report.
pub async fn freeze(body: &NewFrozenReport) -> Result<FrozenReport, ApiError> {
    super::post("/api/v1/reports/frozen", body).await
}
