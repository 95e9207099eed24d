//! The sign-in sheet of a session, for places without a device: who holds a place, with room
//! for a signature at arrival and at departure, and a few empty rows for late additions.

use chrono::NaiveDateTime;
use lumit_shared::training::MessageLanguage;

use super::{render, Align, Block, Column, Sheet};

/// Rows left empty at the end, for someone added at the door.
const BLANK_ROWS: usize = 3;

/// What the sheet shows.
pub struct SignInSheet {
    pub course_title: String,
    pub organisation: String,
    pub trainers: Vec<String>,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub place: String,
    /// Name, and office or organisation, in the order to print.
    pub people: Vec<(String, String)>,
    pub language: MessageLanguage,
}

struct Words {
    title: &'static str,
    trainers: &'static str,
    date: &'static str,
    place: &'static str,
    columns: [&'static str; 5],
    note: &'static str,
    page: (&'static str, &'static str),
}

fn words(lang: MessageLanguage) -> Words {
    match lang {
        MessageLanguage::It => Words {
            title: "Foglio firme",
            trainers: "Docenti",
            date: "Data e orario",
            place: "Luogo",
            columns: ["N.", "Cognome e nome", "Ente / ufficio", "Firma entrata", "Firma uscita"],
            note: "Chi arriva o esce fuori orario indica l'ora accanto alla firma.",
            page: ("Pagina", "di"),
        },
        MessageLanguage::En => Words {
            title: "Sign-in sheet",
            trainers: "Trainers",
            date: "Date and time",
            place: "Place",
            columns: ["No.", "Name", "Office / organisation", "Signature in", "Signature out"],
            note: "Anyone arriving or leaving outside the times writes the time next to their signature.",
            page: ("Page", "of"),
        },
    }
}

/// The sheet as a PDF.
pub fn pdf(s: &SignInSheet) -> Result<Vec<u8>, String> {
    let w = words(s.language);
    let when = format!(
        "{} {}–{}",
        s.starts_at.format("%d/%m/%Y"),
        s.starts_at.format("%H:%M"),
        s.ends_at.format("%H:%M")
    );
    let shares = [0.06, 0.30, 0.26, 0.19, 0.19];
    let columns = w
        .columns
        .iter()
        .zip(shares)
        .map(|(h, share)| Column {
            header: (*h).to_owned(),
            share,
        })
        .collect();
    let mut rows: Vec<Vec<String>> = s
        .people
        .iter()
        .enumerate()
        .map(|(i, (name, office))| {
            vec![
                (i + 1).to_string(),
                name.clone(),
                office.clone(),
                String::new(),
                String::new(),
            ]
        })
        .collect();
    for i in 0..BLANK_ROWS {
        rows.push(vec![
            (s.people.len() + i + 1).to_string(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
        ]);
    }
    let mut blocks = vec![
        Block::Heading {
            level: 1,
            text: format!("{} – {}", w.title, s.course_title),
            size: 16.0,
            align: Align::Left,
        },
        Block::Space(4.0),
        Block::para(format!("{}: {when}", w.date)),
        Block::para(format!("{}: {}", w.place, s.place)),
    ];
    let mut by = s.organisation.clone();
    if !s.trainers.is_empty() {
        by = format!("{by} – {}: {}", w.trainers, s.trainers.join(", "));
    }
    blocks.push(Block::para(by));
    blocks.push(Block::Space(10.0));
    blocks.push(Block::Table {
        columns,
        rows,
        row_height: 30.0,
    });
    blocks.push(Block::Space(8.0));
    blocks.push(Block::Para {
        text: w.note.to_owned(),
        size: 9.0,
        bold: false,
        align: Align::Left,
    });
    render(&Sheet {
        title: format!("{} – {} – {when}", w.title, s.course_title),
        language: s.language.as_str(),
        landscape: false,
        blocks,
        footer: format!("LUMIT · {} · {when}", s.course_title),
        page_words: w.page,
    })
}

/// A session's sheet from the database: the course, its trainers, the place, and everyone
/// holding a place, by name.
pub fn load(
    c: &mut crate::db::DbConn,
    session_id: &str,
    language: MessageLanguage,
) -> crate::error::StoreResult<SignInSheet> {
    use crate::models::municipality;
    use crate::models::training::{course, enrolment, session};

    let (s, _) = session::find(c, session_id)?;
    let row = course::find(c, &s.course_id)?;
    let course = course::one_to_api(c, row)?;
    let place = session::place_in_words(c, &s)?;
    let holders = enrolment::holding_places(c, &s.course_id)?;
    let ids: Vec<String> = holders
        .iter()
        .filter_map(|p| p.municipality_id.clone())
        .collect();
    let names = municipality::names(c, &ids)?;
    let people = holders
        .into_iter()
        .map(|p| {
            let office = p.organisation.clone().or_else(|| {
                names
                    .iter()
                    .find(|n| Some(&n.0) == p.municipality_id.as_ref())
                    .map(|n| n.1.clone())
            });
            (p.full_name, office.unwrap_or_default())
        })
        .collect();
    Ok(SignInSheet {
        course_title: course.title,
        organisation: course.organisation,
        trainers: course.trainers.into_iter().map(|t| t.full_name).collect(),
        starts_at: s.starts_at,
        ends_at: s.ends_at,
        place,
        people,
        language,
    })
}
