//! Parsing people: names, dates, countries, tax codes, patches.

use super::*;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
}

#[test]
fn tax_codes() {
    assert_eq!(
        tax_code(Some("rssmra80a01h501u")).unwrap().as_deref(),
        Some("RSSMRA80A01H501U")
    );
    assert_eq!(
        tax_code(Some("RSSMRA80A01H501V")).unwrap_err().0,
        "invalid_check_character"
    );
    assert_eq!(
        tax_code(Some("RSSMRA80A01")).unwrap_err().0,
        "invalid_format"
    );
    assert_eq!(tax_code(Some(" ")).unwrap(), None);
}

#[test]
fn countries_languages_and_dates() {
    let p = NewPerson {
        first_name: "Amina".into(),
        last_name: "Diallo".into(),
        birth_date: NaiveDate::from_ymd_opt(1990, 5, 4),
        country_of_birth: Some("sn".into()),
        citizenship: Some("SEN".into()),
        languages: vec!["fr".into(), "wol".into()],
        municipality_id: "x".into(),
        ..Default::default()
    };
    let v = p.parse(today()).unwrap();
    assert_eq!(v.birth_year, Some(1990));
    assert_eq!(v.country_of_birth.as_deref(), Some("SN"));
    let bad = NewPerson {
        citizenship: Some("Atlantis".into()),
        languages: vec!["xx-yy".into()],
        birth_date: NaiveDate::from_ymd_opt(2030, 1, 1),
        ..p.clone()
    };
    let fields: Vec<String> = bad
        .parse(today())
        .unwrap_err()
        .into_iter()
        .map(|e| e.field)
        .collect();
    assert_eq!(fields, ["birth_date", "citizenship", "languages[0]"]);
    let stateless = NewPerson {
        citizenship: Some("Stateless".into()),
        ..p
    };
    assert_eq!(
        stateless.parse(today()).unwrap().citizenship.as_deref(),
        Some(STATELESS)
    );
}
