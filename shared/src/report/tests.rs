use chrono::NaiveDate;

use super::*;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

#[test]
fn codes_are_unique_and_every_indicator_is_named_in_both_languages() {
    let mut codes: Vec<&str> = INDICATORS.iter().map(|i| i.code).collect();
    codes.sort_unstable();
    codes.dedup();
    assert_eq!(codes.len(), INDICATORS.len());
    for i in INDICATORS {
        for text in [i.it, i.en, i.def_it, i.def_en] {
            assert!(!text.is_empty(), "{} lacks a label or definition", i.code);
        }
        assert!(i.code.chars().all(|c| c.is_ascii_lowercase() || c == '_'));
    }
}

#[test]
fn default_bands_are_under_18_18_to_60_and_over_60() {
    let b = AgeBands::default();
    assert_eq!(b.keys(), ["lt18", "18-60", "gt60"]);
    let at = d("2026-09-30");
    // 18 on the last day of the period is no longer a minor.
    assert_eq!(b.band_of_birth(d("2008-09-30"), at), "18-60");
    assert_eq!(b.band_of_birth(d("2008-10-01"), at), "lt18");
    // 60 is still in the middle band; 61 on the day is over 60.
    assert_eq!(b.band_of_birth(d("1965-10-01"), at), "18-60");
    assert_eq!(b.band_of_birth(d("1965-09-30"), at), "gt60");
    assert_eq!(b.band_of_year(2008, at), "18-60");
    assert_eq!(b.band_of_year(2009, at), "lt18");
    assert_eq!(AgeBands::label("gt60", MessageLanguage::It), ">60");
    assert_eq!(AgeBands::label("18-60", MessageLanguage::En), "18–60");
}

#[test]
fn born_on_29_february_the_year_is_full_on_1_march() {
    let b = AgeBands::new(vec![18]).unwrap();
    assert_eq!(b.band_of_birth(d("2008-02-29"), d("2026-03-01")), "gt17");
    assert_eq!(b.band_of_birth(d("2008-02-29"), d("2026-02-28")), "lt18");
    assert_eq!(b.band_of_birth(d("2008-02-29"), d("2028-02-29")), "gt17");
}

#[test]
fn bands_are_checked() {
    assert!(AgeBands::parse("18, 61").is_ok());
    assert_eq!(
        AgeBands::parse("14,18,25,61").unwrap().keys(),
        ["lt14", "14-17", "18-24", "25-60", "gt60"]
    );
    assert!(AgeBands::parse("").is_err());
    assert!(AgeBands::parse("61,18").is_err());
    assert!(AgeBands::parse("18,x").is_err());
    assert!(AgeBands::parse("0").is_err());
}

#[test]
fn small_counts_are_hidden_but_zero_and_hours_are_not() {
    let t = Some(5);
    assert_eq!(Amount::Whole(4).suppressed(t), Amount::Hidden(Below(5)));
    assert_eq!(Amount::Whole(1).suppressed(t), Amount::Hidden(Below(5)));
    assert_eq!(Amount::Whole(5).suppressed(t), Amount::Whole(5));
    assert_eq!(Amount::Whole(0).suppressed(t), Amount::Whole(0));
    assert_eq!(Amount::Decimal(1.5).suppressed(t), Amount::Decimal(1.5));
    assert_eq!(Amount::Whole(4).suppressed(None), Amount::Whole(4));
    assert_eq!(
        serde_json::to_value(Amount::Hidden(Below(5))).unwrap(),
        serde_json::json!("<5")
    );
    assert_eq!(
        serde_json::from_value::<Amount>(serde_json::json!("<5")).unwrap(),
        Amount::Hidden(Below(5))
    );
    assert_eq!(Amount::hours(90).text(), "1.5");
    assert_eq!(Amount::hours(60).text(), "1");
    assert_eq!(Amount::hours(20).text(), "0.33");
    assert_eq!(Amount::average(7.0, 2), Some(Amount::Decimal(3.5)));
    assert_eq!(Amount::average(7.0, 0), None);
}

#[test]
fn suppression_reaches_only_counts_of_people_and_cases() {
    let figure = |code: &str, n: i64| Figure {
        code: code.into(),
        family: Family::People,
        unit: Unit::Count,
        label: String::new(),
        period: Some(Amount::Whole(n)),
        cumulative: Some(Amount::Whole(n)),
        breakdowns: vec![Breakdown {
            code: format!("{code}.by_sex"),
            dimension: Dimension::Sex,
            label: String::new(),
            rows: vec![BreakdownRow {
                key: "F".into(),
                label: String::new(),
                period: Amount::Whole(2),
                cumulative: Some(Amount::Whole(7)),
            }],
        }],
    };
    let mut r = IndicatorReport {
        from: d("2026-07-01"),
        to: d("2026-09-30"),
        programme_start: d("2021-01-01"),
        municipality_ids: None,
        suppressed_below: None,
        lang: MessageLanguage::It,
        figures: vec![figure("people_assisted", 3), figure("phone_calls", 3)],
    };
    r.suppress(5);
    let people = r.figure("people_assisted").unwrap();
    assert_eq!(people.period, Some(Amount::Hidden(Below(5))));
    assert_eq!(
        people.breakdowns[0].rows[0].period,
        Amount::Hidden(Below(5))
    );
    assert_eq!(
        people.breakdowns[0].rows[0].cumulative,
        Some(Amount::Whole(7))
    );
    assert_eq!(
        r.figure("phone_calls").unwrap().period,
        Some(Amount::Whole(3))
    );
    assert_eq!(r.suppressed_below, Some(5));
}

#[test]
fn differences_name_every_changed_figure_and_line() {
    let line = |key: &str, p: i64, c: i64| BreakdownRow {
        key: key.into(),
        label: key.into(),
        period: Amount::Whole(p),
        cumulative: Some(Amount::Whole(c)),
    };
    let report = |total: i64, rows: Vec<BreakdownRow>| IndicatorReport {
        from: d("2026-07-01"),
        to: d("2026-09-30"),
        programme_start: d("2021-01-01"),
        municipality_ids: None,
        suppressed_below: None,
        lang: MessageLanguage::It,
        figures: vec![Figure {
            code: "people_assisted".into(),
            family: Family::People,
            unit: Unit::Count,
            label: "Persone assistite".into(),
            period: Some(Amount::Whole(total)),
            cumulative: Some(Amount::Whole(10)),
            breakdowns: vec![Breakdown {
                code: "people_assisted.by_citizenship".into(),
                dimension: Dimension::Citizenship,
                label: "per cittadinanza".into(),
                rows,
            }],
        }],
    };
    let frozen = report(3, vec![line("MA", 2, 5), line("CN", 1, 5)]);
    assert!(differences(&frozen, &frozen).is_empty());
    // A person corrected from China to Ukraine after freezing.
    let live = report(
        3,
        vec![line("MA", 2, 5), line("CN", 0, 4), line("UA", 1, 1)],
    );
    let diff = differences(&frozen, &live);
    type Seen<'a> = (Option<&'a str>, &'a str, Option<Amount>, Option<Amount>);
    let seen: Vec<Seen> = diff
        .iter()
        .map(|d| (d.key.as_deref(), d.column.as_str(), d.frozen, d.live))
        .collect();
    assert_eq!(
        seen,
        [
            (
                Some("CN"),
                "period",
                Some(Amount::Whole(1)),
                Some(Amount::Whole(0))
            ),
            (
                Some("CN"),
                "cumulative",
                Some(Amount::Whole(5)),
                Some(Amount::Whole(4))
            ),
            (Some("UA"), "period", None, Some(Amount::Whole(1))),
            (Some("UA"), "cumulative", None, Some(Amount::Whole(1))),
        ]
    );
    assert_eq!(diff[0].label, "per cittadinanza — CN");
    let more = report(4, vec![line("MA", 2, 5), line("CN", 1, 5)]);
    let diff = differences(&frozen, &more);
    assert_eq!(diff.len(), 1);
    assert_eq!(
        (diff[0].key.as_deref(), diff[0].column.as_str()),
        (None, "period")
    );
}
