//! A report as tables: one of every figure, one per breakdown.

use lumit_shared::report::{Amount, Family, Indicator, IndicatorReport};
use lumit_shared::training::MessageLanguage;

use crate::sheets::{Cell, Table};

fn cell(a: Option<&Amount>) -> Cell {
    match a {
        Some(Amount::Whole(n)) => Cell::Whole(*n),
        Some(Amount::Decimal(x)) => Cell::Decimal(*x),
        Some(h @ Amount::Hidden(_)) => Cell::Text(h.text()),
        None => Cell::Empty,
    }
}

fn words(lang: MessageLanguage) -> [&'static str; 9] {
    match lang {
        MessageLanguage::It => [
            "codice",
            "famiglia",
            "indicatore",
            "ripartizione",
            "chiave",
            "voce",
            "unità",
            "periodo",
            "cumulato",
        ],
        MessageLanguage::En => [
            "code",
            "family",
            "indicator",
            "breakdown",
            "key",
            "line",
            "unit",
            "period",
            "cumulative",
        ],
    }
}

/// What the report is: period, scope, suppression (the first lines of each sheet).
fn notes(r: &IndicatorReport) -> Vec<String> {
    let it = r.lang == MessageLanguage::It;
    let mut out = vec![if it {
        format!(
            "LUMIT — indicatori dal {} al {} (cumulato dal {})",
            r.from, r.to, r.programme_start
        )
    } else {
        format!(
            "LUMIT — indicators from {} to {} (cumulative from {})",
            r.from, r.to, r.programme_start
        )
    }];
    out.push(match (&r.municipality_ids, it) {
        (None, true) => "Ambito: tutta la provincia".into(),
        (None, false) => "Scope: the whole province".into(),
        (Some(ids), true) => format!("Ambito: comuni {}", ids.join(", ")),
        (Some(ids), false) => format!("Scope: municipalities {}", ids.join(", ")),
    });
    if let Some(n) = r.suppressed_below {
        out.push(if it {
            format!("I conteggi di persone e pratiche sotto {n} sono nascosti (<{n}).")
        } else {
            format!("Counts of people and cases below {n} are hidden (<{n}).")
        });
    }
    out
}

/// One long table: every figure, then its breakdowns' lines (CSV, and the XLSX's first sheet).
pub fn long(r: &IndicatorReport) -> Table {
    let w = words(r.lang);
    let mut rows = Vec::new();
    for f in &r.figures {
        rows.push(vec![
            f.code.clone().into(),
            f.family.as_str().into(),
            f.label.clone().into(),
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            f.unit.as_str().into(),
            cell(f.period.as_ref()),
            cell(f.cumulative.as_ref()),
        ]);
        for b in &f.breakdowns {
            for line in &b.rows {
                rows.push(vec![
                    f.code.clone().into(),
                    f.family.as_str().into(),
                    f.label.clone().into(),
                    b.code.clone().into(),
                    line.key.clone().into(),
                    line.label.clone().into(),
                    f.unit.as_str().into(),
                    cell(Some(&line.period)),
                    cell(line.cumulative.as_ref()),
                ]);
            }
        }
    }
    Table {
        name: match r.lang {
            MessageLanguage::It => "Indicatori".into(),
            MessageLanguage::En => "Indicators".into(),
        },
        notes: notes(r),
        header: w.iter().map(|s| (*s).to_owned()).collect(),
        rows,
    }
}

/// The workbook: the figures by family on the first sheet, then a sheet per breakdown.
pub fn workbook(r: &IndicatorReport) -> Vec<Table> {
    let w = words(r.lang);
    let mut first = Table {
        name: match r.lang {
            MessageLanguage::It => "Indicatori".into(),
            MessageLanguage::En => "Indicators".into(),
        },
        notes: notes(r),
        header: [w[0], w[1], w[2], w[6], w[7], w[8]]
            .iter()
            .map(|s| (*s).to_owned())
            .collect(),
        rows: Vec::new(),
    };
    let mut sheets = Vec::new();
    for family in Family::ALL {
        for f in r.figures.iter().filter(|f| f.family == *family) {
            first.rows.push(vec![
                f.code.clone().into(),
                family.label(r.lang).into(),
                f.label.clone().into(),
                f.unit.as_str().into(),
                cell(f.period.as_ref()),
                cell(f.cumulative.as_ref()),
            ]);
            for b in &f.breakdowns {
                let mut notes = notes(r);
                notes.insert(0, b.label.clone());
                if let Some(i) = Indicator::by_code(&f.code) {
                    notes.insert(1, i.definition(r.lang).to_owned());
                }
                sheets.push(Table {
                    name: b.code.clone(),
                    notes,
                    header: [w[4], w[5], w[7], w[8]]
                        .iter()
                        .map(|s| (*s).to_owned())
                        .collect(),
                    rows: b
                        .rows
                        .iter()
                        .map(|l| {
                            vec![
                                l.key.clone().into(),
                                l.label.clone().into(),
                                cell(Some(&l.period)),
                                cell(l.cumulative.as_ref()),
                            ]
                        })
                        .collect(),
                });
            }
        }
    }
    sheets.insert(0, first);
    sheets
}
