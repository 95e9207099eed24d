//! The programme's indicators for the fund (FAMI): one catalogue of stable codes, labels and
//! definitions, the report's shape, age bands and small-cell suppression. The API computes the
//! figures (`api/src/models/report/`); the web app and the exports label them from here.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::training::MessageLanguage;

mod catalogue;

pub use catalogue::*;

wire_enum!(
    /// A group of indicators, as the fund's monitoring sheet groups them.
    Family {
        /// People assisted at the desks.
        People = "people",
        /// The desks' services.
        Services = "services",
        /// Mediation and translation.
        Mediation = "mediation",
        /// Local authorities supported.
        Authorities = "authorities",
        /// Staff of public offices trained.
        Training = "training",
    }
);

wire_enum!(
    /// What a figure counts.
    Unit {
        /// A number of people, cases, entries or requests.
        Count = "count",
        /// Minutes.
        Minutes = "minutes",
        /// Hours, to two decimals.
        Hours = "hours",
        /// An average, to two decimals.
        Average = "average",
    }
);

wire_enum!(
    /// What a breakdown splits a figure by.
    Dimension {
        /// Sex (`F`, `M`, `X`).
        Sex = "sex",
        /// Age band at the end of the period.
        AgeBand = "age_band",
        /// Citizenship (ISO 3166 code, `stateless`, `other` or `unknown`).
        Citizenship = "citizenship",
        /// Municipality.
        Municipality = "municipality",
        /// Case category.
        Category = "category",
        /// How closed cases ended.
        Outcome = "outcome",
        /// Where requests stand now.
        Status = "status",
        /// Language (ISO 639).
        Language = "language",
        /// On site, remote, or translation.
        JobKind = "job_kind",
        /// The office a service went to, or a participant works in.
        Office = "office",
    }
);

/// A figure: a whole number, a decimal, or a count hidden because it is small.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum Amount {
    /// A count or minutes.
    Whole(i64),
    /// Hours or an average.
    Decimal(f64),
    /// Hidden: fewer than the threshold, shown as `<5`.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "<5"))]
    Hidden(Below),
}

/// A small count, hidden: serialised as `<N`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Below(pub u32);

impl Serialize for Below {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("<{}", self.0))
    }
}

impl<'de> Deserialize<'de> for Below {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.strip_prefix('<')
            .and_then(|n| n.parse().ok())
            .map(Below)
            .ok_or_else(|| serde::de::Error::custom("expected `<N`"))
    }
}

impl Amount {
    /// Hours from minutes, to two decimals.
    pub fn hours(minutes: i64) -> Self {
        Self::Decimal((minutes as f64 / 60.0 * 100.0).round() / 100.0)
    }

    /// An average to two decimals, or none of nothing.
    pub fn average(sum: f64, n: i64) -> Option<Self> {
        (n > 0).then(|| Self::Decimal((sum / n as f64 * 100.0).round() / 100.0))
    }

    /// The count hidden when it is above zero and below `threshold` (a zero reveals no one).
    pub fn suppressed(self, threshold: Option<u32>) -> Self {
        match (self, threshold) {
            (Self::Whole(n), Some(t)) if n > 0 && n < i64::from(t) => Self::Hidden(Below(t)),
            _ => self,
        }
    }

    /// As a spreadsheet or a table shows it: `12`, `3.5`, `<5`.
    pub fn text(&self) -> String {
        match self {
            Self::Whole(n) => n.to_string(),
            Self::Decimal(x) => {
                let s = format!("{x:.2}");
                s.trim_end_matches('0').trim_end_matches('.').to_owned()
            }
            Self::Hidden(b) => format!("<{}", b.0),
        }
    }

    /// The number, when shown.
    pub fn number(&self) -> Option<f64> {
        match self {
            Self::Whole(n) => Some(*n as f64),
            Self::Decimal(x) => Some(*x),
            Self::Hidden(_) => None,
        }
    }
}

/// One line of a breakdown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BreakdownRow {
    /// Stable key: a sex letter, a band (`lt18`, `18-60`, `gt60`, `unknown`), a country or
    /// language code, a municipality or category id, a status, `other`.
    pub key: String,
    /// What the key means, in the report's language.
    pub label: String,
    /// In the period.
    pub period: Amount,
    /// From the programme's start to the end of the period (none for a figure at a date).
    pub cumulative: Option<Amount>,
}

/// A figure split by one dimension.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Breakdown {
    /// Stable code, `<figure>.by_<dimension>`.
    #[cfg_attr(feature = "openapi", schema(example = "people_assisted.by_sex"))]
    pub code: String,
    /// By what.
    pub dimension: Dimension,
    /// Its title, in the report's language.
    pub label: String,
    /// Largest first (in the period), the `unknown` and `other` lines last.
    pub rows: Vec<BreakdownRow>,
}

/// One indicator's figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Figure {
    /// Stable code (see `GET /api/v1/reports/catalogue`).
    #[cfg_attr(feature = "openapi", schema(example = "people_assisted"))]
    pub code: String,
    /// Its group.
    pub family: Family,
    /// What it counts.
    pub unit: Unit,
    /// Its name, in the report's language.
    pub label: String,
    /// In the period; none when it can't be computed for this scope (questionnaire averages
    /// of one municipality: answers are anonymous).
    pub period: Option<Amount>,
    /// From the programme's start to the end of the period; none for a figure at a date.
    pub cumulative: Option<Amount>,
    /// Its breakdowns.
    pub breakdowns: Vec<Breakdown>,
}

/// `GET /api/v1/reports/indicators`: every indicator for a period and its scope.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IndicatorReport {
    /// First day of the period (inclusive, Italian time).
    pub from: NaiveDate,
    /// Last day of the period (inclusive).
    pub to: NaiveDate,
    /// The programme's start: cumulative figures count from here.
    pub programme_start: NaiveDate,
    /// The municipalities counted; none: the whole province.
    pub municipality_ids: Option<Vec<String>>,
    /// Counts below this are hidden (`<N`); none: every count shown.
    pub suppressed_below: Option<u32>,
    /// The report's language.
    pub lang: MessageLanguage,
    /// Every indicator, in the catalogue's order.
    pub figures: Vec<Figure>,
}

impl IndicatorReport {
    /// A figure by code.
    pub fn figure(&self, code: &str) -> Option<&Figure> {
        self.figures.iter().find(|f| f.code == code)
    }

    /// Hides every small count of people, cases and requests (the figures the catalogue marks
    /// as suppressible) in the figures and their breakdowns.
    pub fn suppress(&mut self, threshold: u32) {
        self.suppressed_below = Some(threshold);
        for f in &mut self.figures {
            if !Indicator::by_code(&f.code).is_some_and(|d| d.suppressible) {
                continue;
            }
            let t = Some(threshold);
            f.period = f.period.map(|a| a.suppressed(t));
            f.cumulative = f.cumulative.map(|a| a.suppressed(t));
            for b in &mut f.breakdowns {
                for r in &mut b.rows {
                    r.period = r.period.suppressed(t);
                    r.cumulative = r.cumulative.map(|a| a.suppressed(t));
                }
            }
        }
    }
}

/// Age bands by their lower bounds: `[18, 61]` makes `<18`, `18–60`, `>60`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgeBands(Vec<u32>);

impl Default for AgeBands {
    fn default() -> Self {
        Self(vec![18, 61])
    }
}

impl AgeBands {
    /// Bounds, strictly rising, from 1 to 120; at least one.
    pub fn new(bounds: Vec<u32>) -> Result<Self, String> {
        if bounds.is_empty() {
            return Err("give at least one age, e.g. 18,61".into());
        }
        if bounds.iter().any(|b| !(1..=120).contains(b)) {
            return Err("ages are between 1 and 120".into());
        }
        if bounds.windows(2).any(|w| w[0] >= w[1]) {
            return Err("ages must rise, e.g. 18,61".into());
        }
        Ok(Self(bounds))
    }

    /// Parses `18,61`.
    pub fn parse(s: &str) -> Result<Self, String> {
        let bounds = s
            .split(',')
            .map(|p| {
                p.trim()
                    .parse::<u32>()
                    .map_err(|_| format!("`{p}` is not an age"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Self::new(bounds)
    }

    /// The lower bounds.
    pub fn bounds(&self) -> &[u32] {
        &self.0
    }

    /// The bands' keys, youngest first: `lt18`, `18-60`, `gt60`.
    pub fn keys(&self) -> Vec<String> {
        let b = &self.0;
        let mut out = vec![format!("lt{}", b[0])];
        for w in b.windows(2) {
            out.push(format!("{}-{}", w[0], w[1] - 1));
        }
        out.push(format!("gt{}", b[b.len() - 1] - 1));
        out
    }

    /// A band's label: `<18`, `18–60`, `>60`, or unknown.
    pub fn label(key: &str, lang: MessageLanguage) -> String {
        if let Some(n) = key.strip_prefix("lt") {
            format!("<{n}")
        } else if let Some(n) = key.strip_prefix("gt") {
            format!(">{n}")
        } else if key == UNKNOWN {
            unknown(lang).to_owned()
        } else {
            key.replace('-', "–")
        }
    }

    /// The band of someone born on `birth` at `at`, by full years.
    pub fn band_of_birth(&self, birth: NaiveDate, at: NaiveDate) -> String {
        let i = self
            .0
            .iter()
            .take_while(|&&b| birth <= born_before(at, b))
            .count();
        self.keys().swap_remove(i)
    }

    /// The band of someone born in `year` at `at`, counting the year's birthday as passed.
    pub fn band_of_year(&self, year: i32, at: NaiveDate) -> String {
        use chrono::Datelike;
        let age = at.year() - year;
        let i = self.0.iter().take_while(|&&b| age >= b as i32).count();
        self.keys().swap_remove(i)
    }
}

/// The last birth date of someone at least `years` old on `at`.
pub fn born_before(at: NaiveDate, years: u32) -> NaiveDate {
    at.checked_sub_months(Months::new(12 * years))
        .unwrap_or(NaiveDate::MIN)
}

/// The key of a line for what was not recorded.
pub const UNKNOWN: &str = "unknown";
/// The key of the line that groups small countries.
pub const OTHER: &str = "other";

/// "Unknown" in the report's language.
pub fn unknown(lang: MessageLanguage) -> &'static str {
    match lang {
        MessageLanguage::It => "Non indicato",
        MessageLanguage::En => "Not recorded",
    }
}

/// "Other" in the report's language.
pub fn other(lang: MessageLanguage) -> &'static str {
    match lang {
        MessageLanguage::It => "Altri",
        MessageLanguage::En => "Other",
    }
}

#[cfg(test)]
mod tests;
