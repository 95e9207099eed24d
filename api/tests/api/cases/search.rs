//! Free-text search of cases: names, references and summaries, few matches or many.

use serde_json::{json, Value};

use super::{open_case, setup};
use crate::common::TestApp;
use crate::db_tests;

db_tests!(
    free_text_finds_names_references_and_summaries,
    free_text_reads_few_matches_alone_and_many_in_order,
);

/// Free text: a name's words, and from three characters on anywhere in the reference or the
/// summary, ignoring case, with `%` and `_` taken literally; the index follows every change of
/// a summary.
async fn free_text_finds_names_references_and_summaries(app: TestApp) {
    let d = setup(&app).await;
    let permit = open_case(&app, &d, "Rinnovo del PERMESSO di soggiorno").await;
    let registry = open_case(&app, &d, "Iscrizione anagrafica").await;
    let percent = open_case(&app, &d, "Esenzione al 100% del ticket").await;
    let rossi: Value = app
        .post(
            "/api/v1/people",
            &d.op,
            json!({"first_name": "Mario", "last_name": "Rossi", "municipality_id": d.gallicano, "confirm_new": true}),
        )
        .await
        .json()
        .await
        .unwrap();
    let other = app
        .post(
            "/api/v1/cases",
            &d.op,
            json!({"person_id": rossi["id"], "municipality_id": d.gallicano, "category_id": "registry",
                   "summary": "Residenza di via Diaz"}),
        )
        .await
        .json::<Value>()
        .await
        .unwrap();
    let id = |v: &Value| v["id"].as_str().unwrap().to_owned();
    let found = |q: &str| {
        let (app, op) = (&app, d.op.clone());
        let q = q.replace('%', "%25").replace(' ', "%20");
        async move {
            let page = app
                .get_json(&format!("/api/v1/cases?q={q}&limit=100"), &op)
                .await;
            let mut ids: Vec<String> = page["items"]
                .as_array()
                .unwrap_or_else(|| panic!("{page}"))
                .iter()
                .map(id)
                .collect();
            ids.sort();
            ids
        }
    };
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };
    assert_eq!(found("permesso").await, [id(&permit)], "ignoring case");
    assert_eq!(found("esso di sogg").await, [id(&permit)], "inside words");
    assert_eq!(found("100%").await, [id(&percent)], "% is a character");
    assert_eq!(found("1_0").await, Vec::<String>::new(), "_ is a character");
    let reference = permit["reference"].as_str().unwrap();
    let tail = &reference[reference.len() - 4..];
    assert!(found(&tail.to_lowercase()).await.contains(&id(&permit)));
    // A name's words: Diallo's cases, not the one whose summary says "Diaz".
    assert_eq!(
        found("diallo amina").await,
        sorted(vec![id(&permit), id(&registry), id(&percent)])
    );
    assert_eq!(found("rossi").await, [id(&other)]);
    // Two letters start a name's word; inside a text they say too little to look for.
    assert_eq!(found("ro").await, [id(&other)]);
    assert_eq!(
        found("di").await,
        sorted(vec![id(&permit), id(&registry), id(&percent)])
    );
    // The index follows the summary when it changes (as erasure changes it).
    app.sql(&format!(
        "UPDATE cases SET summary = 'Ricongiungimento familiare' WHERE id = '{}'",
        id(&registry)
    ));
    assert!(found("anagrafica").await.is_empty());
    assert_eq!(found("congiungimento").await, [id(&registry)]);
}

/// A free text with more matches than the look-up takes reads the list in its order; one with
/// fewer reads its matches alone: either way the same cases, counted alike, page after page.
async fn free_text_reads_few_matches_alone_and_many_in_order(app: TestApp) {
    use lumit_api::models::case::TEXT_PROBE;
    let total = TEXT_PROBE + 300;
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || lumit_api::synthetic::run(&db, 80, total as usize, 5))
        .await
        .unwrap()
        .unwrap();
    let admin = app.admin().await;
    let get = |q: String| {
        let (app, admin) = (&app, admin.clone());
        async move { app.get_json(&format!("/api/v1/cases?{q}"), &admin).await }
    };
    let ids = |page: &Value| -> Vec<String> {
        page["items"]
            .as_array()
            .unwrap_or_else(|| panic!("{page}"))
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_owned())
            .collect()
    };
    // Every summary says "Pratica …": many matches, the list's own order.
    let all = get("limit=50".into()).await;
    let many = get("q=pratica&limit=50&count=true".into()).await;
    assert_eq!(many["total"], total);
    assert_eq!(ids(&many), ids(&all));
    let cursor = |p: &Value| p["next_cursor"].as_str().unwrap().to_owned();
    assert_eq!(
        ids(&get(format!("q=pratica&limit=50&cursor={}", cursor(&many))).await),
        ids(&get(format!("limit=50&cursor={}", cursor(&all))).await)
    );
    // About a third are renewals: few enough to be read alone, in the same order.
    let renewals = app.rows_containing("cases", "summary", "renewal");
    assert!(renewals > 50 && renewals < TEXT_PROBE, "{renewals}");
    let few = get("q=RENEWAL&limit=50&count=true".into()).await;
    assert_eq!(few["total"], renewals);
    let first = ids(&few);
    assert_eq!(first.len(), 50);
    let mut pages = first.clone();
    let mut next = few["next_cursor"].as_str().map(str::to_owned);
    while let Some(c) = next {
        let page = get(format!("q=renewal&limit=50&cursor={c}")).await;
        pages.extend(ids(&page));
        next = page["next_cursor"].as_str().map(str::to_owned);
    }
    assert_eq!(pages.len() as i64, renewals, "every match once");
    // Letters beyond ASCII ignore case as well, whether the matches are many or few.
    app.sql("UPDATE cases SET summary = summary || ' della CITTÀ'");
    let many = get("q=citt%C3%A0&limit=50&count=true".into()).await;
    assert_eq!(many["total"], total);
    assert_eq!(ids(&many), ids(&all));
    app.sql(&format!(
        "UPDATE cases SET summary = 'Residenza a PIETRASANTA, CITTÀ DEL MARMO' WHERE id = '{}'",
        first[0]
    ));
    let few = get("q=citt%C3%A0%20del%20marmo&count=true".into()).await;
    assert_eq!(
        (few["total"].as_i64(), ids(&few)),
        (Some(1), vec![first[0].clone()])
    );
}
