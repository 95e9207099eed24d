//! Paper: the sign-in sheet of a session and the certificates of attendance, read back as text
//! from the PDFs; certificates only for who reached the threshold, once the course is over,
//! mailed to each holder; the public check shows initials, course and hours, nothing else.

use mail_parser::{MessageParser, MimeHeaders};
use serde_json::{json, Value};

use super::mail::app_with_mail;
use super::{at_office, colleague, course, day_ahead, enrol, json_of, session};
use crate::common::{assert_problem, fields, Backend};
use crate::smtp_sink::SmtpSink;

backends!(sign_in_sheets_and_certificates);

/// A PDF's words, in reading order, as a text extractor sees them.
fn text_of(bytes: &[u8]) -> String {
    assert!(bytes.starts_with(b"%PDF-"), "not a PDF");
    pdf_extract::extract_text_from_mem(bytes)
        .expect("the PDF reads back")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

async fn pdf_of(res: reqwest::Response) -> String {
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    assert_eq!(res.headers()["cache-control"], "no-store");
    text_of(&res.bytes().await.unwrap())
}

async fn sign_in_sheets_and_certificates(backend: Backend) {
    let sink = SmtpSink::start().await;
    let app = app_with_mail(backend, Some(sink.url()), 8).await;
    let camaiore = app.municipality("046005").await;
    let gallicano = app.municipality("046015").await;
    let admin = app.admin().await;
    let (_, coord) = app.user("coord", "coordinator", &[]).await;
    let (trainer_id, trainer) = app.user("trainer", "trainer", &[]).await;
    let (_, stranger) = app.user("trainer.two", "trainer", &[]).await;
    let (_, officer) = app
        .user(
            "officer",
            "municipal_officer",
            std::slice::from_ref(&camaiore),
        )
        .await;

    // Two sessions of 4 h, both held: 8 h planned, 75 % is 6 h.
    let c = course(&app, &coord, "Cittadinanza: novità", &[&trainer_id]).await;
    let s1 = session(
        &app,
        &coord,
        &c,
        at_office(
            &camaiore,
            "Sala Consiliare",
            day_ahead(-3),
            "09:00",
            "13:00",
            5,
        ),
    )
    .await;
    let s2 = session(
        &app,
        &coord,
        &c,
        at_office(
            &camaiore,
            "Sala Consiliare",
            day_ahead(-2),
            "09:00",
            "13:00",
            5,
        ),
    )
    .await;
    let mut people = Vec::new();
    let mut niccolo_id = String::new();
    for (name, email, m) in [
        ("Anna Blu", "a.blu@comune.it", &camaiore),
        ("Bruno Gialli", "b.gialli@comune.it", &camaiore),
        ("Niccolò Àlvarez", "n.alvarez@comune.it", &gallicano),
    ] {
        let e = enrol(&app, &coord, &c, colleague(name, email, m)).await;
        people.push(e["id"].as_str().unwrap().to_owned());
        niccolo_id = e["participant"]["id"].as_str().unwrap().to_owned();
    }
    // Each read that shows Niccolò adds a line naming him to the access log.
    let logged = || app.rows_containing("access_log", "subjects", &niccolo_id);

    // The sheet: everyone holding a place, accents and all, for trainers and coordinators.
    let sheet = format!(
        "/api/v1/training/sessions/{}/sign-in-sheet",
        s1["id"].as_str().unwrap()
    );
    let before = logged();
    let text = pdf_of(app.get(&sheet, &trainer).await).await;
    assert_eq!(logged(), before + 1, "the sheet's reading is logged");
    for expected in [
        "Foglio firme – Cittadinanza: novità",
        "Sala Consiliare",
        "Firma entrata",
        "Anna Blu",
        "Bruno Gialli",
        "Niccolò Àlvarez",
        "Gallicano",
    ] {
        assert!(text.contains(expected), "{expected:?} not in {text:?}");
    }
    let text = pdf_of(app.get(&format!("{sheet}?lang=en"), &coord).await).await;
    assert!(text.contains("Sign-in sheet"), "{text}");
    assert_eq!(app.get(&sheet, &stranger).await.status(), 404);
    assert_eq!(app.get(&sheet, &officer).await.status(), 403);
    let p = assert_problem(
        app.get(&format!("{sheet}?lang=fr"), &coord).await,
        400,
        "invalid_query",
    )
    .await;
    assert_eq!(fields(&p), ["lang"]);

    // Attendance: Anna all of it, Bruno half (below 75 %), Niccolò 7 h 20 of 8 h.
    let mark = |s: &Value, e: &str, body: Value| {
        let (app, trainer) = (&app, &trainer);
        let path = format!(
            "/api/v1/training/sessions/{}/attendance/{e}",
            s["id"].as_str().unwrap()
        );
        async move {
            let res = app
                .call(reqwest::Method::PUT, &path, Some(trainer), Some(body))
                .await;
            assert_eq!(res.status(), 200);
        }
    };
    let present = json!({"presence": "present"});
    mark(&s1, &people[0], present.clone()).await;
    mark(&s2, &people[0], present.clone()).await;
    mark(&s1, &people[1], present.clone()).await;
    mark(&s2, &people[1], json!({"presence": "absent"})).await;
    mark(
        &s1,
        &people[2],
        json!({"presence": "partial", "minutes": 200}),
    )
    .await;
    mark(&s2, &people[2], present.clone()).await;

    // Not before the course is over.
    let running = course(&app, &coord, "Ancora in corso", &[]).await;
    session(
        &app,
        &coord,
        &running,
        at_office(&camaiore, "Sala B", day_ahead(4), "09:00", "11:00", 5),
    )
    .await;
    let issue = |c: &str| format!("/api/v1/training/courses/{c}/certificates");
    assert_problem(
        app.post(&issue(&running), &coord, json!({})).await,
        409,
        "course_not_over",
    )
    .await;
    assert_eq!(
        app.post(&issue(&c), &officer, json!({})).await.status(),
        403
    );
    assert_eq!(
        app.post(&issue(&c), &trainer, json!({})).await.status(),
        403
    );

    // Issued to those at or above the threshold, with the minutes as recorded; two coordinators
    // clicking at once issue each certificate once.
    let path = issue(&c);
    let before = logged();
    let (first, second) = tokio::join!(
        app.post(&path, &coord, json!({})),
        app.post(&path, &admin, json!({}))
    );
    let list = json_of(first, 200).await;
    assert_eq!(json_of(second, 200).await, list);
    assert_eq!(logged(), before + 2, "both answers named him");
    let issued: Vec<(&str, i64)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["full_name"].as_str().unwrap(),
                c["attended_minutes"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(issued, [("Anna Blu", 480), ("Niccolò Àlvarez", 440)]);
    assert!(list
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["planned_minutes"] == 480));
    let niccolo = list[1].clone();
    let code = niccolo["code"].as_str().unwrap().to_owned();
    assert_eq!(code.len(), 14);
    // Issuing again issues nothing twice.
    let again = json_of(app.post(&issue(&c), &coord, json!({})).await, 200).await;
    assert_eq!(again, list);

    // Each holder gets theirs by mail, as a PDF made when the message is sent.
    let got = sink.wait_for(5, 20).await;
    let certified: Vec<_> = got
        .iter()
        .filter(|m| {
            let parsed = MessageParser::default().parse(&m.data).unwrap();
            let pdfs = parsed
                .attachments()
                .filter(|a| a.attachment_name().is_some_and(|n| n.ends_with(".pdf")))
                .count();
            pdfs > 0
        })
        .collect();
    assert_eq!(certified.len(), 2, "one message each");
    let to_niccolo = certified
        .iter()
        .find(|m| m.to[0] == "n.alvarez@comune.it")
        .expect("Niccolò's certificate");
    let parsed = MessageParser::default().parse(&to_niccolo.data).unwrap();
    let files: Vec<_> = parsed.attachments().collect();
    assert_eq!(files.len(), 1);
    assert_eq!(
        files[0].attachment_name(),
        Some(format!("attestato-{code}.pdf").as_str())
    );
    let mailed = text_of(files[0].contents());
    assert!(mailed.contains("Niccolò Àlvarez"), "{mailed}");
    assert!(mailed.contains(&code), "{mailed}");
    assert_eq!(
        app.rows_containing("outbox", "attachments", "JVBER"),
        0,
        "the outbox keeps no copy of a PDF"
    );

    // The PDF: course, hours, dates, organisers, trainers, code and where to check it.
    let pdf = |id: &Value| format!("/api/v1/training/certificates/{}/pdf", id.as_str().unwrap());
    // A change of the course after issue does not change what was certified.
    let renamed = app
        .call(
            reqwest::Method::PATCH,
            &format!("/api/v1/training/courses/{c}"),
            Some(&coord),
            Some(json!({"title": "Titolo cambiato dopo"})),
        )
        .await;
    assert_eq!(renamed.status(), 200);
    let before = logged();
    let text = pdf_of(app.get(&pdf(&niccolo["id"]), &trainer).await).await;
    assert_eq!(logged(), before + 1, "the download is logged");
    let (first, last) = (
        day_ahead(-3).format("%d/%m/%Y").to_string(),
        day_ahead(-2).format("%d/%m/%Y").to_string(),
    );
    for expected in [
        "Attestato di partecipazione".to_owned(),
        "Niccolò Àlvarez".to_owned(),
        "«Cittadinanza: novità»".to_owned(),
        format!("dal {first} al {last} in 2 incontri"),
        "7 ore e 20 minuti su 8 ore previste (91 %)".to_owned(),
        "Scuola Superiore Sant'Anna".to_owned(),
        format!("Codice di verifica: {code}"),
        format!("https://lumit.example.it/attestati/{code}"),
    ] {
        assert!(text.contains(&expected), "{expected:?} not in {text:?}");
    }
    assert!(!text.contains("Titolo cambiato"), "{text}");
    assert_eq!(app.get(&pdf(&niccolo["id"]), &stranger).await.status(), 404);
    // Camaiore's officer sees Camaiore's staff only.
    let theirs = json_of(app.get(&issue(&c), &officer).await, 200).await;
    assert_eq!(theirs.as_array().unwrap().len(), 1);
    assert_eq!(theirs[0]["full_name"], "Anna Blu");
    assert_eq!(app.get(&pdf(&niccolo["id"]), &officer).await.status(), 404);
    assert_eq!(app.get(&pdf(&list[0]["id"]), &officer).await.status(), 200);

    // Anyone can check a code, typed carelessly: initials, course, hours and nothing else.
    let check = |code: &str| {
        let app = &app;
        let path = format!("/api/v1/certificates/{code}");
        async move { app.call(reqwest::Method::GET, &path, None, None).await }
    };
    let sloppy = code.to_lowercase().replace('-', "");
    let shown = json_of(check(&sloppy).await, 200).await;
    assert_eq!(
        shown,
        json!({"code": code, "initials": "N. À.", "course_title": "Cittadinanza: novità", "attended_minutes": 440})
    );
    assert_eq!(check("ZZZZ-ZZZZ-ZZZZ").await.status(), 404);
    let p = assert_problem(check("not-a-code").await, 400, "invalid_code").await;
    assert_eq!(fields(&p), ["code"]);
    assert!(
        app.rows_containing("access_log", "action", "training.certificate.check") >= 1,
        "a check reads personal data: it is logged"
    );

    // Names stay out of the audit log.
    assert_eq!(app.rows_containing("audit_log", "changes", "Niccol"), 0);
    assert!(app.rows_containing("audit_log", "action", "training.certificate.issue") >= 2);

    // Anonymising the holder withdraws the certificate: the code no longer confirms anyone.
    let participant = niccolo["participant_id"].as_str().unwrap();
    let res = app
        .post(
            &format!("/api/v1/training/participants/{participant}/anonymise"),
            &admin,
            json!({}),
        )
        .await;
    assert!(res.status().is_success(), "{}", res.status());
    assert_eq!(check(&code).await.status(), 404);
    let left = json_of(app.get(&issue(&c), &coord).await, 200).await;
    assert_eq!(left.as_array().unwrap().len(), 1);
    // Issuing again gives the anonymised participant nothing, though their hours still count.
    let again = json_of(app.post(&issue(&c), &coord, json!({})).await, 200).await;
    assert_eq!(again.as_array().unwrap().len(), 1, "{again}");
}
