//! Dashboards: each role's home page as charts, every one with its table and a one-line summary
//! written here, so that what a screen reader hears is what the chart shows.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::training::MessageLanguage;

wire_enum!(
    /// How a chart is drawn.
    ChartKind {
        /// Bars, one per category.
        Bar = "bar",
        /// A line through the categories (months).
        Line = "line",
        /// Bars split by series.
        Stacked = "stacked",
    }
);

wire_enum!(
    /// Whose dashboard.
    DashboardView {
        /// The province (admins and coordinators).
        Province = "province",
        /// A desk's municipalities (operators).
        Desk = "desk",
        /// A municipality's requests (municipal officers).
        Municipality = "municipality",
        /// A mediator's own work.
        Mediator = "mediator",
    }
);

/// A category (a bar, a month) or a series: its key and its name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChartLabel {
    /// Stable key.
    pub key: String,
    /// Name, in the dashboard's language.
    pub label: String,
}

/// One series of values, one per category.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Series {
    /// Key and name.
    #[serde(flatten)]
    pub name: ChartLabel,
    /// A value per category, in order.
    pub values: Vec<f64>,
}

/// A chart with its data, its table alternative being the same data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Chart {
    /// Stable code (`people_by_month`, `cases_by_status`…).
    pub code: String,
    /// Title.
    pub title: String,
    /// Bar, line or stacked.
    pub kind: ChartKind,
    /// What the values are (`count`, `hours`).
    pub unit: crate::report::Unit,
    /// The categories along the axis.
    pub categories: Vec<ChartLabel>,
    /// One series (bar, line) or several (stacked).
    pub series: Vec<Series>,
    /// One sentence saying what the chart shows.
    pub summary: String,
}

/// A number at a glance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Tile {
    /// Stable code (an indicator's where it is one).
    pub code: String,
    /// Name.
    pub label: String,
    /// Value.
    pub value: f64,
    /// `count` or `hours`.
    pub unit: crate::report::Unit,
}

/// A role's dashboard for a period: every number of the home page in one answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Dashboard {
    /// Whose.
    pub view: DashboardView,
    /// First day.
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
    /// Numbers at a glance.
    pub tiles: Vec<Tile>,
    /// The charts.
    pub charts: Vec<Chart>,
}

impl Chart {
    /// A chart of one series; its summary written from the data.
    pub fn single(
        code: &str,
        title: String,
        kind: ChartKind,
        unit: crate::report::Unit,
        bars: Vec<(ChartLabel, f64)>,
        lang: MessageLanguage,
    ) -> Self {
        let (categories, values): (Vec<_>, Vec<_>) = bars.into_iter().unzip();
        let mut c = Self {
            code: code.to_owned(),
            title: title.clone(),
            kind,
            unit,
            categories,
            series: vec![Series {
                name: ChartLabel {
                    key: "total".into(),
                    label: title,
                },
                values,
            }],
            summary: String::new(),
        };
        c.summary = c.summarise(lang);
        c
    }

    /// The total of every value.
    pub fn total(&self) -> f64 {
        self.series.iter().flat_map(|s| &s.values).sum()
    }

    /// Each category's total across series.
    pub fn category_totals(&self) -> Vec<f64> {
        (0..self.categories.len())
            .map(|i| {
                self.series
                    .iter()
                    .map(|s| s.values.get(i).copied().unwrap_or(0.0))
                    .sum()
            })
            .collect()
    }

    /// "Total 42; most: Marocco (12)." — or that there is nothing, in one sentence.
    pub fn summarise(&self, lang: MessageLanguage) -> String {
        let it = lang == MessageLanguage::It;
        let total = self.total();
        if total == 0.0 {
            return if it {
                format!("{}: nessun dato nel periodo.", self.title)
            } else {
                format!("{}: no data in the period.", self.title)
            };
        }
        let totals = self.category_totals();
        let top = totals
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1))
            .map(|(i, v)| (self.categories[i].label.clone(), *v));
        let n = |v: f64| number(v, lang);
        // A line's points are not parts of a whole (the same person in two months is counted in
        // each): it says its first and last value, not a total.
        let mut s = match (self.kind, totals.first(), totals.last()) {
            (ChartKind::Line, Some(first), Some(last)) => format!(
                "{}: {} {} {} {}",
                self.title,
                if it { "da" } else { "from" },
                n(*first),
                if it { "a" } else { "to" },
                n(*last)
            ),
            _ => format!(
                "{}: {} {}",
                self.title,
                if it { "in tutto" } else { "in all" },
                n(total)
            ),
        };
        if let Some((label, v)) = top.filter(|_| totals.len() > 1) {
            let word = match (self.kind, it) {
                (ChartKind::Line, true) => "il valore più alto",
                (ChartKind::Line, false) => "the highest",
                (_, true) => "il più alto",
                (_, false) => "the largest",
            };
            s.push_str(&format!("; {word}: {label} ({})", n(v)));
        }
        if self.kind == ChartKind::Line {
            if let (Some(first), Some(last)) = (totals.first(), totals.last()) {
                let trend = match (last.total_cmp(first), it) {
                    (std::cmp::Ordering::Greater, true) => "in crescita",
                    (std::cmp::Ordering::Greater, false) => "rising",
                    (std::cmp::Ordering::Less, true) => "in calo",
                    (std::cmp::Ordering::Less, false) => "falling",
                    (_, true) => "stabile",
                    (_, false) => "steady",
                };
                s.push_str(&format!("; {trend}"));
            }
        }
        s.push('.');
        s
    }
}

/// A value as people read it: whole numbers plain, others to one decimal (Italian comma).
pub fn number(v: f64, lang: MessageLanguage) -> String {
    let s = if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    };
    match lang {
        MessageLanguage::It => s.replace('.', ","),
        MessageLanguage::En => s,
    }
}

/// Month names, for the axis of monthly charts.
pub fn month_label(d: NaiveDate, lang: MessageLanguage) -> String {
    use chrono::Datelike;
    const IT: [&str; 12] = [
        "gen", "feb", "mar", "apr", "mag", "giu", "lug", "ago", "set", "ott", "nov", "dic",
    ];
    const EN: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let m = d.month0() as usize;
    let name = match lang {
        MessageLanguage::It => IT[m],
        MessageLanguage::En => EN[m],
    };
    format!("{name} {}", d.year())
}

/// Case statuses' names.
pub fn case_status_label(key: &str, lang: MessageLanguage) -> String {
    let it = lang == MessageLanguage::It;
    match key {
        "open" => {
            if it {
                "Aperta"
            } else {
                "Open"
            }
        }
        "in_progress" => {
            if it {
                "In lavorazione"
            } else {
                "In progress"
            }
        }
        "waiting_documents" => {
            if it {
                "In attesa di documenti"
            } else {
                "Waiting for documents"
            }
        }
        "waiting_office" => {
            if it {
                "In attesa di un ufficio"
            } else {
                "Waiting for an office"
            }
        }
        "closed" => {
            if it {
                "Chiusa"
            } else {
                "Closed"
            }
        }
        other => other,
    }
    .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Unit;

    fn l(k: &str) -> ChartLabel {
        ChartLabel {
            key: k.into(),
            label: k.into(),
        }
    }

    #[test]
    fn summaries_say_the_total_the_largest_and_the_trend() {
        let c = Chart::single(
            "x",
            "Persone assistite".into(),
            ChartKind::Line,
            Unit::Count,
            vec![(l("gen"), 3.0), (l("feb"), 7.0), (l("mar"), 5.0)],
            MessageLanguage::It,
        );
        assert_eq!(
            c.summary,
            "Persone assistite: da 3 a 5; il valore più alto: feb (7); in crescita."
        );
        let c = Chart::single(
            "x",
            "Hours".into(),
            ChartKind::Bar,
            Unit::Hours,
            vec![(l("ar"), 1.5), (l("ur"), 0.0)],
            MessageLanguage::En,
        );
        assert_eq!(c.summary, "Hours: in all 1.5; the largest: ar (1.5).");
        let empty = Chart::single(
            "x",
            "Ore".into(),
            ChartKind::Bar,
            Unit::Hours,
            vec![],
            MessageLanguage::It,
        );
        assert_eq!(empty.summary, "Ore: nessun dato nel periodo.");
        assert_eq!(
            month_label(
                NaiveDate::from_ymd_opt(2026, 9, 1).unwrap(),
                MessageLanguage::It
            ),
            "set 2026"
        );
    }
}
