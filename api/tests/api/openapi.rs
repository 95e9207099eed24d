//! The committed OpenAPI document is the generated one; Swagger UI is served from the binary.

use serde_json::Value;

use crate::common::TestApp;
use crate::db_tests;

#[test]
fn committed_document_matches_the_generated_one() {
    let committed = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../openapi/openapi.json"
    ))
    .expect("openapi/openapi.json is committed");
    let generated = lumit_api::openapi::document();
    assert!(
        committed == generated,
        "openapi/openapi.json is out of date: regenerate it with\n    cargo run -p lumit-api -- openapi > openapi/openapi.json"
    );
}

#[test]
fn document_describes_security_scopes_and_problems() {
    let doc: Value = serde_json::from_str(&lumit_api::openapi::document()).unwrap();
    let schemes = &doc["components"]["securitySchemes"];
    assert_eq!(schemes["bearer"]["scheme"], "bearer");
    let scopes = &schemes["oauth2"]["flows"]["clientCredentials"]["scopes"];
    assert!(scopes["municipalities:read"].is_string() && scopes["desks:write"].is_string());
    // Every operation documents its problem answers.
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let responses = op["responses"].as_object().unwrap();
            let errors: Vec<&String> = responses
                .keys()
                .filter(|k| k.starts_with('4') || k.starts_with('5'))
                .collect();
            if path != "/healthz" {
                assert!(!errors.is_empty(), "{method} {path} documents no error");
            }
            for code in errors {
                assert!(
                    responses[code]["content"]["application/problem+json"].is_object(),
                    "{method} {path} {code} is not problem+json"
                );
            }
            if op.get("security").is_some() {
                assert!(
                    responses.contains_key("401") && responses.contains_key("403"),
                    "{method} {path}"
                );
            }
        }
    }
}

/// Verbs an operationId may start with: the id says what the operation does.
const OPERATION_VERBS: &[&str] = &[
    "list",
    "get",
    "create",
    "update",
    "add",
    "edit",
    "answer",
    "transition",
    "check",
    "revoke",
    "verify",
    "login",
    "logout",
    "refresh",
    "issue",
    "change",
    "start",
    "confirm",
    "set",
    "anonymise",
    "export",
    "link",
    "merge",
    "open",
    "drill",
    "freeze",
    "compute",
    "suggest",
    "mark",
    "withdraw",
    "send",
    "end",
    "reset",
    "retry",
    "delete",
    "rotate",
    "redeliver",
];

/// `^[a-z][a-zA-Z]+$`, starting with one of [`OPERATION_VERBS`] as a whole word.
fn says_what_it_does(id: &str) -> bool {
    let mut chars = id.chars();
    let well_formed = chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && id.len() >= 2
        && chars.all(|c| c.is_ascii_alphabetic());
    well_formed
        && OPERATION_VERBS.iter().any(|verb| {
            id.strip_prefix(verb).is_some_and(|rest| {
                rest.is_empty() || rest.starts_with(|c: char| c.is_ascii_uppercase())
            })
        })
}

#[test]
fn operation_ids_are_unique_and_say_what_they_do() {
    let doc = serde_json::to_value(lumit_api::openapi::api()).unwrap();
    let mut seen: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    let mut problems = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if ![
                "get", "put", "post", "delete", "options", "head", "patch", "trace",
            ]
            .contains(&method.as_str())
            {
                continue;
            }
            let operation = format!("{} {path}", method.to_uppercase());
            match op["operationId"].as_str() {
                None => problems.push(format!("{operation}: no operationId")),
                Some(id) => {
                    if !says_what_it_does(id) {
                        problems.push(format!(
                            "{operation}: operationId {id:?} is not lowerCamelCase starting with a known verb"
                        ));
                    }
                    seen.entry(id.to_owned()).or_default().push(operation);
                }
            }
        }
    }
    for (id, operations) in &seen {
        if operations.len() > 1 {
            problems.push(format!(
                "operationId {id:?} is used by {}",
                operations.join(", ")
            ));
        }
    }
    assert!(!seen.is_empty(), "the document has no operations");
    assert!(
        problems.is_empty(),
        "operationIds must be unique and say what the operation does:\n{}",
        problems.join("\n")
    );
}

db_tests!(swagger_ui_is_served_offline);

async fn swagger_ui_is_served_offline(app: TestApp) {
    let res = app
        .http
        .get(format!("{}/api/docs/", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(html.contains("swagger-ui"), "{html}");
    assert!(
        !html.contains("https://"),
        "Swagger UI must not load anything from the network"
    );
    for asset in [
        "swagger-ui.css",
        "swagger-ui-bundle.js",
        "swagger-initializer.js",
    ] {
        let res = app
            .http
            .get(format!("{}/api/docs/{asset}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{asset}");
    }
    let doc: Value = app
        .http
        .get(format!("{}/api/openapi.json", app.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(doc["info"]["title"], "LUMIT API");
}

/// The document's text patterns accept exactly what the validators of `lumit_shared::validate`
/// accept, on the cases where they could part: blanks, padding, control characters at the edges
/// and inside, line breaks, lengths at the limit and one past it, and the shapes of e-mail
/// addresses, phone numbers and language codes.
#[test]
fn text_patterns_say_what_the_validators_do() {
    use lumit_api::openapi::text_pattern;
    use lumit_shared::validate as v;
    let pattern = |p: &str| regex::Regex::new(&text_pattern(p).expect(p)).expect("a regex");
    let long = |n: usize| "a".repeat(n);
    let mut texts: Vec<String> = [
        "",
        " ",
        "\t",
        "\n",
        "a",
        " a ",
        "\ta\n",
        "a b",
        "a\tb",
        "a\nb",
        "a\u{0}b",
        "\u{1}a",
        "a\u{7f}",
        "\u{85}a\u{85}",
        "a\u{85}b",
        "\u{a0}a\u{3000}",
        "a\u{2028}b",
        "\u{1c}a",
        "é",
        "名前",
        " a\r\nb ",
        "a@b.c",
        " a@b.c ",
        "a@b",
        "@b.c",
        "a@.b.c",
        "a@b.c.",
        "a@b..c",
        "a b@c.d",
        "a@b@c.d",
        "+39 0583 1234",
        "12345",
        "1234",
        "(0583) 12-34/56",
        "call me",
        "+1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0",
        "ar",
        "AR",
        " ara ",
        "arab",
        "a1",
        "e",
        "09:00",
        "9:00",
        "9: 05",
        " 9:00 ",
        "24:00",
        " 24:00",
        "24: 00",
        "23:59",
        "24:01",
        "9:5",
        "12:60",
        "123:00",
        "09:00:00",
        "9 :00",
        "\u{a0}9:00",
        "09:0",
        "0900",
        "0:00",
        "19:07",
        "9:\u{3000}7",
        "20:00",
        "25:00",
        "046",
        "46",
        " 046 ",
        "0466",
        "04a",
        "046005",
        "abc",
        "ab",
        "a b c",
        " m.rossi ",
        "x@y-z_w.q",
        "é@b.c",
        "https://",
        "https://a",
        " https://a.b/c ",
        "https://a b",
        "https://a\u{a0}b",
        "http://a.b",
        "https://abcdefghijkl",
        "https://abcdefghijk",
        "https://a\u{1}",
        "https://\u{85}",
        "IT",
        "it",
        " iTa ",
        "XK",
        "XX",
        "ZZZ",
        "stateless",
        " Stateless ",
        "stateles",
        "ITAL",
        "I T",
        "RSSMRA80A01E715X",
        " rssmra80a01e715x ",
        "RSSMRA80A01E71",
        "RSSMRALMA01E715X",
        "RSSMRA8XA01E715X",
        "RSSMRA80A01E7151",
        "2027-01-20T09:00",
        "2027-01-20T09:00:00",
        "2027-01-20T09:00:00.5",
        "2027-02-30T09:00",
        "2027-1-20T09:00",
        "2027-01-20 09:00",
        "2027-01-20T09:00Z",
        "2027-01-20T09:00:00.1234567890",
        "2027-01-20T9:00",
        "2027-01-20T09:00:",
        " 2027-01-20T09:00",
        "2026-12",
        " 2026-01 ",
        "2026-13",
        "2026-00",
        "2026-1",
        "+2026-01",
        "20261-01",
        "2026/01",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    texts.push(long(64));
    texts.push(long(65));
    for n in [9, 10, 11] {
        texts.push(long(n));
        texts.push(format!(" {} ", long(n)));
        texts.push(format!("a{}b", " ".repeat(n - 2)));
    }
    type Validator<'a> = &'a dyn Fn(&str) -> bool;
    let cases: [(&str, Validator); 23] = [
        ("lumit:month", &|s| {
            lumit_shared::mediation::month(s).is_ok()
        }),
        ("lumit:local-datetime", &|s| {
            // The shape: a day that does not exist (February 30th) is the server's to refuse.
            lumit_shared::time::local_date_time(s).is_some() || s.starts_with("2027-02-30")
        }),
        (
            "lumit:tax-code?",
            &|s| match lumit_shared::person::tax_code(Some(s)) {
                Ok(_) => true,
                Err((code, _)) => code == "invalid_check_character",
            },
        ),
        ("lumit:country?", &|s| {
            lumit_shared::person::country(Some(s), false).is_ok()
        }),
        ("lumit:citizenship?", &|s| {
            lumit_shared::person::country(Some(s), true).is_ok()
        }),
        ("lumit:email", &|s| {
            matches!(v::optional_email(Some(s)), Ok(Some(_)))
        }),
        (
            "lumit:https?:20",
            &|s| match v::optional_text(Some(s), 20) {
                Ok(None) => true,
                Ok(Some(l)) => l.starts_with("https://") && l.len() > 8 && !l.contains(' '),
                Err(_) => false,
            },
        ),
        ("lumit:text?:10", &|s| {
            s.trim().is_empty() || v::required_paragraphs(s, 10).is_ok()
        }),
        ("lumit:any?:10", &|s| {
            let t = s.trim();
            t.chars().count() <= 10 && !s.contains('\0')
        }),
        ("lumit:language?", &|s| {
            lumit_shared::case::language(Some(s)).is_ok()
        }),
        ("lumit:digits?:3", &|s| {
            v::optional_digits(Some(s), 3).is_ok()
        }),
        ("lumit:digits?:6", &|s| {
            v::optional_digits(Some(s), 6).is_ok()
        }),
        ("lumit:clock", &|s| v::clock(s).is_ok()),
        ("lumit:time", &|s| {
            lumit_shared::mediation::time_of_day(s).is_ok()
        }),
        ("lumit:username", &|s| {
            lumit_shared::user::username(s).is_ok()
        }),
        ("lumit:id", &|s| !s.trim().is_empty() && !s.contains('\0')),
        ("lumit:line:10", &|s| v::required_text(s, 10).is_ok()),
        ("lumit:line?:10", &|s| v::optional_text(Some(s), 10).is_ok()),
        ("lumit:text:10", &|s| v::required_paragraphs(s, 10).is_ok()),
        ("lumit:email?", &|s| v::optional_email(Some(s)).is_ok()),
        ("lumit:phone?", &|s| v::optional_phone(Some(s)).is_ok()),
        ("lumit:language", &|s| v::language(s).is_ok()),
        ("lumit:line:200", &|s| v::required_text(s, 200).is_ok()),
    ];
    let mut wrong = Vec::new();
    for (placeholder, validator) in cases {
        let re = pattern(placeholder);
        for t in &texts {
            if re.is_match(t) != validator(t) {
                wrong.push(format!(
                    "{placeholder} {t:?}: pattern says {}, server says {}",
                    re.is_match(t),
                    validator(t)
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // No placeholder is left in the document, and every text without a stricter rule refuses NUL.
    let doc = serde_json::to_string(&lumit_api::openapi::api()).unwrap();
    assert!(
        !doc.contains("\"lumit:"),
        "a text placeholder was not expanded"
    );
    assert!(
        doc.contains(r#""pattern":"^[^\\u0000]*$""#),
        "no NUL rule in the document"
    );
}
