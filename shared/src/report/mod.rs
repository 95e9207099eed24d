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
#[serde(untagged)]
pub enum Amount {
    /// A count or minutes.
    Whole(i64),
    /// Hours or an average.
    Decimal(f64),
    /// Hidden: fewer than the threshold, shown as `<5`.
    Hidden(Below),
}

/// Written by hand: derived from the enum, a whole number would match both a whole number's and
/// a decimal's schema, which `oneOf` refuses (JSON Schema counts `2` and `2.0` as integers).
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Amount {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Type};
        OneOfBuilder::new()
            .item(
                ObjectBuilder::new()
                    .schema_type(Type::Number)
                    .description(Some(
                        "A count or minutes (a whole number), hours or an average.",
                    )),
            )
            .item(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .pattern(Some("^<[0-9]+$"))
                    .description(Some("Hidden: fewer than the threshold, shown as `<5`."))
                    .examples([serde_json::json!("<5")]),
            )
            .description(Some(
                "A figure: a whole number, a decimal, or a count hidden because it is small.",
            ))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Amount {}

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

/// A report frozen as it was sent: who froze it, when, and its fingerprint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FrozenReport {
    /// Identifier.
    pub id: String,
    /// First day of the period.
    pub from: NaiveDate,
    /// Last day of the period.
    pub to: NaiveDate,
    /// The municipality it counts; none: the province.
    pub municipality_id: Option<String>,
    /// Who froze it.
    pub frozen_by_name: String,
    /// When.
    #[serde(serialize_with = "crate::time::serialize")]
    pub frozen_at: chrono::DateTime<chrono::Utc>,
    /// SHA-256 of the stored figures (canonical JSON), hex.
    pub sha256: String,
    /// Whether the stored figures still match the fingerprint taken when frozen.
    pub intact: bool,
}

/// A frozen report with its figures and what differs from today's figures for the same period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FrozenReportDetail {
    /// Who, when, fingerprint.
    pub frozen: FrozenReport,
    /// The figures as frozen.
    pub report: IndicatorReport,
    /// Every figure and line whose value today is not the frozen one.
    pub differences: Vec<Difference>,
}

/// A figure or line that is not what was frozen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Difference {
    /// The figure's code.
    pub code: String,
    /// The breakdown's code, for a line.
    pub breakdown: Option<String>,
    /// The line's key.
    pub key: Option<String>,
    /// The figure's name, and the line's.
    pub label: String,
    /// `period` or `cumulative`.
    pub column: String,
    /// As frozen (none: the line was not there).
    pub frozen: Option<Amount>,
    /// Today (none: the line is gone).
    pub live: Option<Amount>,
}

/// Body of `POST /api/v1/reports/frozen`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewFrozenReport {
    /// First day of the period, in the years 2000 to 2100.
    pub from: NaiveDate,
    /// Last day of the period, in the years 2000 to 2100.
    pub to: NaiveDate,
    /// One municipality; none: the province.
    #[serde(default)]
    pub municipality_id: Option<String>,
    /// Labels' language (default `it`).
    #[serde(default)]
    pub lang: Option<MessageLanguage>,
}

/// What differs between a frozen report and today's for the same period: every figure's two
/// values and every line of every breakdown, lines that came or went included.
pub fn differences(frozen: &IndicatorReport, live: &IndicatorReport) -> Vec<Difference> {
    let mut out = Vec::new();
    let mut push = |code: &str,
                    breakdown: Option<&str>,
                    key: Option<&str>,
                    label: String,
                    column: &str,
                    a: Option<Amount>,
                    b: Option<Amount>| {
        if a != b {
            out.push(Difference {
                code: code.to_owned(),
                breakdown: breakdown.map(str::to_owned),
                key: key.map(str::to_owned),
                label,
                column: column.to_owned(),
                frozen: a,
                live: b,
            });
        }
    };
    for f in &frozen.figures {
        let l = live.figure(&f.code);
        push(
            &f.code,
            None,
            None,
            f.label.clone(),
            "period",
            f.period,
            l.and_then(|l| l.period),
        );
        push(
            &f.code,
            None,
            None,
            f.label.clone(),
            "cumulative",
            f.cumulative,
            l.and_then(|l| l.cumulative),
        );
        let empty = Vec::new();
        let live_breakdowns = l.map(|l| &l.breakdowns).unwrap_or(&empty);
        for b in &f.breakdowns {
            let lb = live_breakdowns.iter().find(|x| x.code == b.code);
            let live_rows = lb.map(|x| x.rows.as_slice()).unwrap_or(&[]);
            let mut keys: Vec<(&str, &str)> = b
                .rows
                .iter()
                .map(|r| (r.key.as_str(), r.label.as_str()))
                .collect();
            for r in live_rows {
                if !keys.iter().any(|(k, _)| *k == r.key) {
                    keys.push((r.key.as_str(), r.label.as_str()));
                }
            }
            for (key, line) in keys {
                let fr = b.rows.iter().find(|r| r.key == key);
                let lr = live_rows.iter().find(|r| r.key == key);
                let label = format!("{} — {}", b.label, line);
                push(
                    &f.code,
                    Some(&b.code),
                    Some(key),
                    label.clone(),
                    "period",
                    fr.map(|r| r.period),
                    lr.map(|r| r.period),
                );
                push(
                    &f.code,
                    Some(&b.code),
                    Some(key),
                    label,
                    "cumulative",
                    fr.and_then(|r| r.cumulative),
                    lr.and_then(|r| r.cumulative),
                );
            }
        }
    }
    out
}

/// Figures whose cases can be listed (`GET /api/v1/reports/drill`), and the breakdowns each can
/// be cut by: the desks' figures, whose rows are cases.
pub const DRILLABLE: &[(&str, &[Dimension])] = &[
    (
        "people_assisted",
        &[
            Dimension::Sex,
            Dimension::AgeBand,
            Dimension::Citizenship,
            Dimension::Municipality,
            Dimension::Category,
        ],
    ),
    (
        "cases_opened",
        &[Dimension::Category, Dimension::Municipality],
    ),
    ("cases_closed", &[Dimension::Outcome]),
    ("cases_open_at_end", &[Dimension::Municipality]),
];

/// Whether the cases behind a figure (or one of its lines) can be listed. "Other" countries, a
/// group of small lines, is not one value in the data.
pub fn drillable(code: &str, line: Option<(Dimension, &str)>) -> bool {
    DRILLABLE.iter().any(|(c, dims)| {
        *c == code
            && line.is_none_or(|(d, key)| {
                dims.contains(&d)
                    && !key.is_empty()
                    && !(d == Dimension::Citizenship && key == OTHER)
            })
    })
}

/// The drill-down's query parameter for a line of this breakdown (a municipality is the scope).
pub fn drill_param(d: Dimension) -> &'static str {
    match d {
        Dimension::Municipality => "municipality_id",
        d => d.as_str(),
    }
}

/// Which column of a report a drill-down opens.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Column {
    /// The period.
    #[default]
    Period,
    /// From the programme's start to the period's end.
    Cumulative,
}

/// The cases behind a figure, or behind one line of its breakdowns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DrillDown {
    /// The figure's code.
    pub indicator: String,
    /// The figure's name.
    pub indicator_label: String,
    /// The lines it is cut to (none: the whole figure).
    pub filters: Vec<DrillFilter>,
    /// The column.
    pub column: Column,
    /// First day counted.
    pub from: NaiveDate,
    /// Last day counted.
    pub to: NaiveDate,
    /// The municipalities counted; none: the province.
    pub municipality_ids: Option<Vec<String>>,
    /// How many cases.
    pub cases: i64,
    /// How many distinct people (what `people_assisted` counts).
    pub people: i64,
    /// The newest cases, up to `limit`.
    pub items: Vec<crate::case::Case>,
}

/// A line a drill-down is cut to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DrillFilter {
    /// The breakdown.
    pub dimension: Dimension,
    /// The line's key.
    pub key: String,
    /// The line's name.
    pub label: String,
}
