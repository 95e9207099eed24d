//! How indicators are counted: the programme's start, the age bands, the small-cell threshold.

use anyhow::Context;
use chrono::NaiveDate;
use lumit_shared::report::AgeBands;

/// How indicators are counted (`crate::models::report`).
#[derive(Debug, Clone)]
pub struct ReportSettings {
    /// Cumulative figures count from this day (`LUMIT_PROGRAMME_START`, default 2021-01-01,
    /// the start of the fund's 2021–2027 programme).
    pub programme_start: NaiveDate,
    /// Lower bounds of the age bands (`LUMIT_REPORT_AGE_BANDS`, default `18,61`: <18, 18–60, >60).
    pub age_bands: AgeBands,
    /// Counts below this are hidden in reports for outside (`LUMIT_REPORT_SMALL_CELL`, 2–100,
    /// default 5).
    pub small_cell: u32,
}

impl Default for ReportSettings {
    fn default() -> Self {
        Self {
            programme_start: NaiveDate::from_ymd_opt(2021, 1, 1).unwrap_or_default(),
            age_bands: AgeBands::default(),
            small_cell: 5,
        }
    }
}

impl ReportSettings {
    /// Reads the environment.
    pub fn from_env() -> anyhow::Result<Self> {
        let d = Self::default();
        let programme_start = match crate::config::var("LUMIT_PROGRAMME_START") {
            Some(v) => v
                .trim()
                .parse()
                .context("LUMIT_PROGRAMME_START must be a date, e.g. 2021-01-01")?,
            None => d.programme_start,
        };
        let age_bands = match crate::config::var("LUMIT_REPORT_AGE_BANDS") {
            Some(v) => {
                AgeBands::parse(&v).map_err(|e| anyhow::anyhow!("LUMIT_REPORT_AGE_BANDS: {e}"))?
            }
            None => d.age_bands,
        };
        let small_cell = u32::try_from(crate::config::bounded(
            "LUMIT_REPORT_SMALL_CELL",
            2,
            100,
            5,
            "people",
        )?)?;
        Ok(Self {
            programme_start,
            age_bands,
            small_cell,
        })
    }
}
