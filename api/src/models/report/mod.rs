//! The programme's indicators (`lumit_shared::report`'s catalogue), counted for a period and
//! from the programme's start: one module per family, each tallying a window into a [`Tally`],
//! and the assembly of the two tallies into labelled figures.

use std::collections::{BTreeMap, HashMap};

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use diesel::prelude::*;
use lumit_shared::case::Outcome;
use lumit_shared::mediation::RequestStatus;
use lumit_shared::person::STATELESS;
use lumit_shared::report::{
    key_label, other, unknown, AgeBands, Amount, Breakdown, BreakdownRow, Dimension, Figure,
    Indicator, IndicatorReport, Unit, INDICATORS, OTHER, UNKNOWN,
};
use lumit_shared::training::MessageLanguage;

use crate::db::DbConn;
use crate::error::StoreResult;
use crate::schema::{case_categories, municipalities};

pub mod activity;
pub mod dashboard;
pub mod drill;
pub mod frozen;
mod mediation;
mod people;
mod services;
pub mod sql;
mod training;

/// A stretch of days: as UTC for what the server stamps (cases, entries, requests filed), and
/// as Italian wall-clock time for what people plan (jobs, training sessions).
#[derive(Debug, Clone, Copy)]
pub struct Window {
    /// The first day's midnight in Italy, as UTC.
    pub from_utc: NaiveDateTime,
    /// The midnight after the last day, as UTC.
    pub to_utc: NaiveDateTime,
    /// The first day's midnight, local.
    pub from_local: NaiveDateTime,
    /// The midnight after the last day, local.
    pub to_local: NaiveDateTime,
    /// The last day (age bands are at its date).
    pub last_day: NaiveDate,
}

impl Window {
    /// The days `from` to `to`, both included; `to_utc` turns a local time into UTC.
    pub fn new(
        from: NaiveDate,
        to: NaiveDate,
        to_utc: impl Fn(NaiveDateTime) -> NaiveDateTime,
    ) -> Self {
        let from_local = from.and_time(NaiveTime::MIN);
        let to_local = to.succ_opt().unwrap_or(to).and_time(NaiveTime::MIN);
        Self {
            from_utc: to_utc(from_local),
            to_utc: to_utc(to_local),
            from_local,
            to_local,
            last_day: to,
        }
    }
}

/// What to count.
#[derive(Debug, Clone)]
pub struct Params {
    /// The period.
    pub period: Window,
    /// From the programme's start to the period's end.
    pub cumulative: Window,
    /// The programme's start.
    pub programme_start: NaiveDate,
    /// The municipalities counted; none: the province.
    pub scope: Option<Vec<String>>,
    /// Age bands.
    pub bands: AgeBands,
    /// Countries with fewer people than this in the period go into one "other" line.
    pub group_below: Option<u32>,
    /// Labels' language.
    pub lang: MessageLanguage,
}

/// Which families a tally counts: the people assisted cost as much as all the others together,
/// so a window's count can be split in two and the parts merged ([`Tally::merge`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Families {
    /// Every family.
    All,
    /// The people assisted.
    People,
    /// The services, mediation and training.
    Others,
}

/// The numbers of some families for one window.
pub fn tally(
    c: &mut DbConn,
    w: &Window,
    scope: Option<&[String]>,
    bands: &AgeBands,
    families: Families,
) -> StoreResult<Tally> {
    let mut t = Tally::default();
    if families != Families::Others {
        people::tally(c, w, scope, bands, &mut t)?;
    }
    if families != Families::People {
        services::tally(c, w, scope, &mut t)?;
        mediation::tally(c, w, scope, &mut t)?;
        training::tally(c, w, scope, &mut t)?;
    }
    Ok(t)
}

/// The people assisted of the province in a window counted both ways: from the rows the
/// triggers keep (`None` when the window does not start at their start) and from the cases. The
/// test that holds them equal calls it.
pub fn people_assisted_both_ways(
    c: &mut DbConn,
    w: &Window,
    bands: &AgeBands,
) -> StoreResult<(Option<Tally>, Tally)> {
    let kept = if activity::since(c)? == Some(w.from_utc) {
        let mut t = Tally::default();
        people::read(c, &activity::statement(w, bands), &mut t)?;
        Some(t)
    } else {
        None
    };
    let mut direct = Tally::default();
    people::from_cases(c, w, None, bands, &mut direct)?;
    Ok((kept, direct))
}

/// The labelled report from the period's numbers and, unless it is left out (a dashboard shows
/// the period alone), the cumulative ones.
pub fn assemble(
    c: &mut DbConn,
    p: &Params,
    mut period: Tally,
    cumulative: Option<Tally>,
) -> StoreResult<IndicatorReport> {
    let with_cumulative = cumulative.is_some();
    let mut cumulative = cumulative.unwrap_or_default();
    period.close_authorities();
    cumulative.close_authorities();
    if let Some(n) = p.group_below {
        group_small_countries(&mut period, &mut cumulative, i64::from(n));
    }
    let names = Names::load(c, p.lang)?;
    let mut figures: Vec<Figure> = INDICATORS
        .iter()
        .map(|i| figure(i, &period, &cumulative, &names, p))
        .collect();
    if !with_cumulative {
        for f in &mut figures {
            f.cumulative = None;
            for r in f.breakdowns.iter_mut().flat_map(|b| b.rows.iter_mut()) {
                r.cumulative = None;
            }
        }
    }
    Ok(IndicatorReport {
        from: p.period.from_local.date(),
        to: p.period.last_day,
        programme_start: p.programme_start,
        municipality_ids: p.scope.clone(),
        suppressed_below: None,
        lang: p.lang,
        figures,
    })
}

/// A window's numbers before labelling.
#[derive(Debug, Default, PartialEq)]
pub struct Tally {
    totals: HashMap<&'static str, Value>,
    lines: HashMap<(&'static str, Dimension), BTreeMap<String, i64>>,
    /// Services per municipality: cases with activity, jobs done.
    served: BTreeMap<String, i64>,
    /// Jobs per office: key `municipality|folded office` → (municipality, office as written).
    offices: BTreeMap<String, (String, String, i64)>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Value {
    Sum(i64),
    Mean(f64, i64),
}

impl Tally {
    /// Adds the numbers of another part of the same window (other families: no figure is in
    /// both, but the municipalities and offices served are).
    pub fn merge(&mut self, other: Tally) {
        for (code, v) in other.totals {
            match v {
                Value::Sum(n) => self.add(code, n),
                Value::Mean(..) => {
                    self.totals.insert(code, v);
                }
            }
        }
        for ((code, d), lines) in other.lines {
            for (k, n) in lines {
                self.line(code, d, k, n);
            }
        }
        for (m, n) in other.served {
            self.served(&m, n);
        }
        for (k, (m, office, n)) in other.offices {
            self.offices.entry(k).or_insert_with(|| (m, office, 0)).2 += n;
        }
    }

    fn add(&mut self, code: &'static str, n: i64) {
        let v = self.totals.entry(code).or_insert(Value::Sum(0));
        if let Value::Sum(s) = v {
            *s += n;
        }
    }

    fn average(&mut self, code: &'static str, sum: f64, n: i64) {
        self.totals.insert(code, Value::Mean(sum, n));
    }

    fn line(&mut self, code: &'static str, d: Dimension, key: impl Into<String>, n: i64) {
        *self
            .lines
            .entry((code, d))
            .or_default()
            .entry(key.into())
            .or_insert(0) += n;
    }

    fn served(&mut self, municipality: &str, n: i64) {
        *self.served.entry(municipality.to_owned()).or_insert(0) += n;
    }

    fn office(&mut self, municipality: &str, office: &str) {
        let office = office.trim();
        let key = format!("{municipality}|{}", lumit_shared::text::fold(office));
        self.offices
            .entry(key)
            .or_insert_with(|| (municipality.to_owned(), office.to_owned(), 0))
            .2 += 1;
    }

    /// The authorities supported, once the families have said whom they served.
    fn close_authorities(&mut self) {
        self.add("municipalities_supported", self.served.len() as i64);
        for (m, n) in self.served.clone() {
            self.line("municipalities_supported", Dimension::Municipality, m, n);
        }
        self.add("offices_supported", self.offices.len() as i64);
        for (k, (_, _, n)) in self.offices.clone() {
            self.line("offices_supported", Dimension::Office, k, n);
        }
    }

    fn value(&self, i: &Indicator) -> Option<Amount> {
        match (self.totals.get(i.code), i.unit) {
            (Some(Value::Mean(sum, n)), _) => Amount::average(*sum, *n),
            (Some(Value::Sum(n)), Unit::Hours) => Some(Amount::hours(*n)),
            (Some(Value::Sum(n)), _) => Some(Amount::Whole(*n)),
            (None, Unit::Average) => None,
            (None, Unit::Hours) => Some(Amount::hours(0)),
            (None, _) => Some(Amount::Whole(0)),
        }
    }
}

/// Folds the countries with fewer than `n` people in the period into one "other" line, in both
/// windows, so the two columns have the same lines.
fn group_small_countries(period: &mut Tally, cumulative: &mut Tally, n: i64) {
    let key = ("people_assisted", Dimension::Citizenship);
    let small = |k: &str, v: i64| k != UNKNOWN && v < n;
    let period_lines = period.lines.get(&key).cloned().unwrap_or_default();
    let fold = |lines: &BTreeMap<String, i64>| {
        let mut out = BTreeMap::new();
        for (k, v) in lines {
            let in_period = period_lines.get(k).copied().unwrap_or(0);
            let k = if small(k, in_period) {
                OTHER
            } else {
                k.as_str()
            };
            *out.entry(k.to_owned()).or_insert(0) += v;
        }
        out
    };
    for t in [period, cumulative] {
        if let Some(lines) = t.lines.get(&key) {
            let folded = fold(lines);
            t.lines.insert(key, folded);
        }
    }
}

/// The name of a line of a breakdown, as a report in `lang` would write it.
pub fn line_label(
    c: &mut DbConn,
    lang: MessageLanguage,
    d: Dimension,
    key: &str,
) -> StoreResult<String> {
    let none = Tally::default();
    Ok(Names::load(c, lang)?.label(d, key, [&none, &none]))
}

/// Names of municipalities and categories, in the report's language.
pub struct Names {
    lang: MessageLanguage,
    municipalities: HashMap<String, String>,
    categories: HashMap<String, String>,
}

impl Names {
    /// Every municipality's and category's name.
    pub fn load(c: &mut DbConn, lang: MessageLanguage) -> StoreResult<Self> {
        let municipalities = municipalities::table
            .select((municipalities::id, municipalities::name))
            .load::<(String, String)>(c)?
            .into_iter()
            .collect();
        let categories = case_categories::table
            .select((
                case_categories::id,
                case_categories::name_it,
                case_categories::name_en,
            ))
            .load::<(String, String, String)>(c)?
            .into_iter()
            .map(|(id, it, en)| match lang {
                MessageLanguage::It => (id, it),
                MessageLanguage::En => (id, en),
            })
            .collect();
        Ok(Self {
            lang,
            municipalities,
            categories,
        })
    }

    /// A municipality's name (its id if unknown).
    pub fn municipality(&self, id: &str) -> String {
        self.municipalities
            .get(id)
            .cloned()
            .unwrap_or_else(|| id.to_owned())
    }

    /// A category's name (its id if unknown).
    pub fn category(&self, id: &str) -> String {
        self.categories
            .get(id)
            .cloned()
            .unwrap_or_else(|| id.to_owned())
    }

    /// A line's label.
    fn label(&self, d: Dimension, key: &str, tallies: [&Tally; 2]) -> String {
        let lang = self.lang;
        if key == UNKNOWN {
            return unknown(lang).to_owned();
        }
        if key == OTHER {
            return other(lang).to_owned();
        }
        if let Some(l) = key_label(d, key, lang) {
            return l.to_owned();
        }
        match d {
            Dimension::AgeBand => AgeBands::label(key, lang),
            Dimension::Municipality => self.municipality(key),
            Dimension::Category => self
                .categories
                .get(key)
                .cloned()
                .unwrap_or_else(|| key.to_owned()),
            Dimension::Citizenship if key == STATELESS => match lang {
                MessageLanguage::It => "Apolide".into(),
                MessageLanguage::En => "Stateless".into(),
            },
            Dimension::Citizenship => {
                lumit_shared::person::country_name_in(key, lang == MessageLanguage::It)
                    .unwrap_or_else(|| key.to_owned())
            }
            Dimension::Language => {
                lumit_shared::mediation::language_name(key, lang == MessageLanguage::It)
                    .unwrap_or_else(|| key.to_owned())
            }
            Dimension::Office => match (
                key.strip_prefix("org:"),
                tallies.iter().find_map(|t| t.offices.get(key)),
            ) {
                (Some(org), _) => org.to_owned(),
                (None, Some((m, office, _))) => format!("{} — {office}", self.municipality(m)),
                (None, None) => self.municipality(key),
            },
            _ => key.to_owned(),
        }
    }
}

/// Lines always shown, in their own order; the rest come by size.
fn fixed_keys(d: Dimension, bands: &AgeBands) -> Option<Vec<String>> {
    let owned = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect();
    Some(match d {
        Dimension::Sex => owned(&["F", "M", "X"]),
        Dimension::AgeBand => {
            let mut k = bands.keys();
            k.push(UNKNOWN.to_owned());
            k
        }
        Dimension::Outcome => Outcome::ALL.iter().map(|o| o.as_str().to_owned()).collect(),
        Dimension::Status => RequestStatus::ALL
            .iter()
            .map(|s| s.as_str().to_owned())
            .collect(),
        Dimension::JobKind => owned(&["on_site", "remote", "translation"]),
        _ => return None,
    })
}

fn figure(i: &Indicator, period: &Tally, cumulative: &Tally, names: &Names, p: &Params) -> Figure {
    let amount = |n: i64| match i.unit {
        Unit::Hours => Amount::hours(n),
        _ => Amount::Whole(n),
    };
    let breakdowns = i
        .dimensions
        .iter()
        .map(|&d| {
            let empty = BTreeMap::new();
            let now = period.lines.get(&(i.code, d)).unwrap_or(&empty);
            let all = cumulative.lines.get(&(i.code, d)).unwrap_or(&empty);
            let keys = match fixed_keys(d, &p.bands) {
                Some(k) => k,
                None => {
                    let mut k: Vec<String> = now.keys().chain(all.keys()).cloned().collect();
                    k.sort_unstable();
                    k.dedup();
                    let last = |k: &str| k == UNKNOWN || k == OTHER;
                    k.sort_by_key(|k| {
                        (
                            last(k),
                            -now.get(k).copied().unwrap_or(0),
                            -all.get(k).copied().unwrap_or(0),
                        )
                    });
                    k
                }
            };
            Breakdown {
                code: i.breakdown_code(d),
                dimension: d,
                label: format!("{} {}", i.label(names.lang), d.label(names.lang)),
                rows: keys
                    .into_iter()
                    .map(|k| BreakdownRow {
                        label: names.label(d, &k, [period, cumulative]),
                        period: amount(now.get(&k).copied().unwrap_or(0)),
                        cumulative: (!i.at_end).then(|| amount(all.get(&k).copied().unwrap_or(0))),
                        key: k,
                    })
                    .collect(),
            }
        })
        .collect();
    Figure {
        code: i.code.to_owned(),
        family: i.family,
        unit: i.unit,
        label: i.label(names.lang).to_owned(),
        period: period.value(i),
        cumulative: if i.at_end { None } else { cumulative.value(i) },
        breakdowns,
    }
}
