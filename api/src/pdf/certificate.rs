//! The certificate of attendance: who, which course, when, how many hours of how many, who
//! organised and taught it, and the code that proves it at the public page.

use chrono::NaiveDate;
use lumit_shared::training::{hours_in_words, MessageLanguage};

use super::{render, Align, Block, Sheet};

/// What the certificate says.
pub struct CertificateDoc {
    pub full_name: String,
    /// Job title and office, when known.
    pub role: Option<String>,
    pub course_title: String,
    pub topic: String,
    pub organisation: String,
    pub trainers: Vec<String>,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    pub sessions: usize,
    pub attended_minutes: i64,
    pub planned_minutes: i64,
    pub code: String,
    /// The public page where the code can be checked, when LUMIT knows its address.
    pub verify_url: Option<String>,
    pub issued_on: NaiveDate,
    pub language: MessageLanguage,
}

fn centred(text: String, size: f32, bold: bool) -> Block {
    Block::Para {
        text,
        size,
        bold,
        align: Align::Center,
    }
}

/// The certificate as a PDF.
pub fn pdf(d: &CertificateDoc) -> Result<Vec<u8>, String> {
    let it = d.language == MessageLanguage::It;
    let attended = hours_in_words(d.attended_minutes, d.language);
    let planned = hours_in_words(d.planned_minutes, d.language);
    let percent = lumit_shared::training::percent(d.attended_minutes, d.planned_minutes);
    let (first, last) = (
        d.first_day.format("%d/%m/%Y"),
        d.last_day.format("%d/%m/%Y"),
    );
    let dates = match (it, d.first_day == d.last_day) {
        (true, true) => format!("il {first}"),
        (true, false) => format!("dal {first} al {last}"),
        (false, true) => format!("on {first}"),
        (false, false) => format!("from {first} to {last}"),
    };
    let sessions = match (it, d.sessions) {
        (true, 1) => "1 incontro".to_owned(),
        (true, n) => format!("{n} incontri"),
        (false, 1) => "1 session".to_owned(),
        (false, n) => format!("{n} sessions"),
    };
    let title = if it {
        "Attestato di partecipazione"
    } else {
        "Certificate of attendance"
    };
    let mut blocks = vec![
        Block::Space(30.0),
        centred("Lucca Migration Task Force".to_owned(), 12.0, false),
        Block::Space(18.0),
        Block::Heading {
            level: 1,
            text: title.to_owned(),
            size: 24.0,
            align: Align::Center,
        },
        Block::Space(18.0),
        centred(
            if it {
                "Si attesta che"
            } else {
                "This is to certify that"
            }
            .to_owned(),
            12.0,
            false,
        ),
        Block::Space(6.0),
        centred(d.full_name.clone(), 20.0, true),
    ];
    if let Some(role) = &d.role {
        blocks.push(centred(role.clone(), 11.0, false));
    }
    blocks.extend([
        Block::Space(6.0),
        centred(
            if it {
                "ha partecipato al corso di formazione"
            } else {
                "attended the training course"
            }
            .to_owned(),
            12.0,
            false,
        ),
        Block::Space(6.0),
        centred(format!("«{}»", d.course_title), 16.0, true),
        centred(d.topic.clone(), 11.0, false),
        Block::Space(10.0),
        centred(
            if it {
                format!("svoltosi {dates} in {sessions}, per {attended} su {planned} previste ({percent} %).")
            } else {
                format!("held {dates} in {sessions}, for {attended} of {planned} planned ({percent} %).")
            },
            12.0,
            false,
        ),
        Block::Space(14.0),
    ]);
    let organisers = if it {
        format!(
            "Organizzato da: Lucca Migration Task Force e {}",
            d.organisation
        )
    } else {
        format!(
            "Organised by: Lucca Migration Task Force and {}",
            d.organisation
        )
    };
    blocks.push(centred(organisers, 11.0, false));
    if !d.trainers.is_empty() {
        let who = if it { "Docenti" } else { "Trainers" };
        blocks.push(centred(
            format!("{who}: {}", d.trainers.join(", ")),
            11.0,
            false,
        ));
    }
    blocks.push(Block::Space(20.0));
    let issued = d.issued_on.format("%d/%m/%Y");
    blocks.push(centred(
        if it {
            format!("Rilasciato il {issued}. Codice di verifica: {}", d.code)
        } else {
            format!("Issued on {issued}. Verification code: {}", d.code)
        },
        11.0,
        true,
    ));
    if let Some(url) = &d.verify_url {
        blocks.push(centred(
            if it {
                format!("Verificabile su {url}")
            } else {
                format!("Check it at {url}")
            },
            10.0,
            false,
        ));
    }
    render(&Sheet {
        title: format!("{title} – {} – {}", d.course_title, d.full_name),
        language: d.language.as_str(),
        landscape: true,
        blocks,
        footer: format!("LUMIT · {}", d.code),
        page_words: if it { ("Pagina", "di") } else { ("Page", "of") },
    })
}

/// A certificate's document from the database: its holder, course, sessions and trainers.
pub fn load(
    c: &mut crate::db::DbConn,
    id: &str,
    public_url: Option<&str>,
) -> crate::error::StoreResult<(String, CertificateDoc)> {
    use crate::models::municipality;
    use crate::models::training::{certificate, course, topic};

    let (cert, p) = certificate::find(c, id)?;
    let topic_id = course::find(c, &cert.course_id)?.topic_id;
    let language = MessageLanguage::parse(&p.language).unwrap_or_default();
    let t = topic::find(c, &topic_id)?;
    let office = match (&p.organisation, &p.municipality_id) {
        (Some(o), _) => Some(o.clone()),
        (None, Some(m)) => Some(municipality::name(c, m)?),
        (None, None) => None,
    };
    let role = [p.job_title.clone(), office]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ");
    // The course as it was at issue: what the certificate said then, it says now.
    let doc = CertificateDoc {
        full_name: p.full_name,
        role: (!role.is_empty()).then_some(role),
        course_title: cert.course_title.clone(),
        topic: match language {
            MessageLanguage::It => t.name_it,
            MessageLanguage::En => t.name_en,
        },
        organisation: cert.organisation.clone(),
        trainers: cert
            .trainers
            .lines()
            .filter(|n| !n.is_empty())
            .map(str::to_owned)
            .collect(),
        first_day: cert.first_day,
        last_day: cert.last_day,
        sessions: usize::try_from(cert.sessions).unwrap_or(0),
        attended_minutes: cert.attended_minutes,
        planned_minutes: cert.planned_minutes,
        verify_url: public_url.map(|u| format!("{u}/attestati/{}", cert.code)),
        code: cert.code.clone(),
        issued_on: cert.issued_at.date(),
        language,
    };
    let name = match language {
        MessageLanguage::It => format!("attestato-{}.pdf", cert.code),
        MessageLanguage::En => format!("certificate-{}.pdf", cert.code),
    };
    Ok((name, doc))
}
