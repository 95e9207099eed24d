//! The messages to participants, in Italian or English as they prefer: the invitation (with the
//! sessions in an iCalendar file) and the notice of a place on the waiting list.

use lumit_shared::training::{EnrolmentStatus, MessageLanguage};

use crate::db::DbConn;
use crate::error::StoreResult;
use crate::models::outbox::{Attachment, NewMessage};
use crate::models::training::course::CourseRow;
use crate::models::training::enrolment::ParticipantRow;
use crate::models::training::session;

/// The message telling a participant where their enrolment stands: an invitation with the
/// sessions (and their calendar file) for a place, a notice for the waiting list.
pub fn enrolment(
    c: &mut DbConn,
    course: &CourseRow,
    p: &ParticipantRow,
    status: EnrolmentStatus,
) -> StoreResult<Option<NewMessage>> {
    let lang = MessageLanguage::parse(&p.language).unwrap_or_default();
    let sessions = session::of_course(c, &course.id)?;
    let mut placed = Vec::new();
    for s in sessions {
        let where_ = session::place_in_words(c, &s)?;
        placed.push((s, where_));
    }
    let lines: Vec<String> = placed
        .iter()
        .map(|(s, w)| {
            format!(
                "- {} {}–{}, {w}",
                s.starts_at.format("%d/%m/%Y"),
                s.starts_at.format("%H:%M"),
                s.ends_at.format("%H:%M")
            )
        })
        .collect();
    let sessions_text = if lines.is_empty() {
        match lang {
            MessageLanguage::It => "Le date degli incontri vi saranno comunicate.".to_owned(),
            MessageLanguage::En => "The dates of the sessions will follow.".to_owned(),
        }
    } else {
        lines.join("\n")
    };
    let (kind, subject, body, attachments) = match (status, lang) {
        (EnrolmentStatus::Enrolled, MessageLanguage::It) => (
            "training.invitation",
            format!("Iscrizione al corso «{}»", course.title),
            format!(
                "Gentile {},\n\nla sua iscrizione al corso «{}» ({}) è confermata.\n\nIncontri:\n{}\n\nIn allegato il calendario degli incontri. Per un attestato di frequenza serve almeno il {} % delle ore.\n\nLUMIT – Lucca Migration Task Force",
                p.full_name, course.title, course.organisation, sessions_text, course.min_attendance_percent
            ),
            true,
        ),
        (EnrolmentStatus::Enrolled, MessageLanguage::En) => (
            "training.invitation",
            format!("Enrolment in the course “{}”", course.title),
            format!(
                "Dear {},\n\nyour enrolment in the course “{}” ({}) is confirmed.\n\nSessions:\n{}\n\nThe calendar of the sessions is attached. A certificate of attendance needs at least {} % of the hours.\n\nLUMIT – Lucca Migration Task Force",
                p.full_name, course.title, course.organisation, sessions_text, course.min_attendance_percent
            ),
            true,
        ),
        (EnrolmentStatus::Waiting, MessageLanguage::It) => (
            "training.waiting",
            format!("Lista d'attesa del corso «{}»", course.title),
            format!(
                "Gentile {},\n\nil corso «{}» è al completo: la sua iscrizione è in lista d'attesa. Se si libera un posto le scriveremo con il calendario degli incontri.\n\nLUMIT – Lucca Migration Task Force",
                p.full_name, course.title
            ),
            false,
        ),
        (EnrolmentStatus::Waiting, MessageLanguage::En) => (
            "training.waiting",
            format!("Waiting list of the course “{}”", course.title),
            format!(
                "Dear {},\n\nthe course “{}” is full: your enrolment is on the waiting list. If a place frees up we will write to you with the calendar of the sessions.\n\nLUMIT – Lucca Migration Task Force",
                p.full_name, course.title
            ),
            false,
        ),
        (EnrolmentStatus::Withdrawn, _) => return Ok(None),
    };
    let attachments = if attachments && !placed.is_empty() {
        vec![Attachment {
            certificate_id: None,
            filename: "incontri.ics".into(),
            content_type: "text/calendar; charset=utf-8; method=PUBLISH".into(),
            content: crate::ical::training(&course.title, &course.organisation, &placed),
        }]
    } else {
        Vec::new()
    };
    Ok(Some(NewMessage {
        kind,
        recipient: p.email.clone(),
        recipient_name: p.full_name.clone(),
        language: lang.as_str(),
        subject,
        body,
        attachments,
        participant_id: Some(p.id.clone()),
    }))
}

/// The invitation to the questionnaire after the course: the personal link and how long it lasts.
pub fn questionnaire(course: &CourseRow, p: &ParticipantRow, link: &str) -> NewMessage {
    let lang = MessageLanguage::parse(&p.language).unwrap_or_default();
    let days = lumit_shared::training::LINK_DAYS;
    let (subject, body) = match lang {
        MessageLanguage::It => (
            format!("Com'è andato il corso «{}»?", course.title),
            format!(
                "Gentile {},\n\ngrazie per aver partecipato al corso «{}». Ci aiuta a migliorarlo rispondendo a quattro domande (un minuto):\n\n{link}\n\nIl link è personale, vale una sola volta e scade tra {days} giorni. Le risposte sono anonime: LUMIT registra solo che lei ha risposto, non che cosa.\n\nLUMIT – Lucca Migration Task Force",
                p.full_name, course.title
            ),
        ),
        MessageLanguage::En => (
            format!("How was the course “{}”?", course.title),
            format!(
                "Dear {},\n\nthank you for taking part in the course “{}”. Help us improve it by answering four questions (one minute):\n\n{link}\n\nThe link is personal, works once and expires in {days} days. The answers are anonymous: LUMIT records only that you answered, not what.\n\nLUMIT – Lucca Migration Task Force",
                p.full_name, course.title
            ),
        ),
    };
    NewMessage {
        kind: "training.questionnaire",
        recipient: p.email.clone(),
        recipient_name: p.full_name.clone(),
        language: lang.as_str(),
        subject,
        body,
        attachments: Vec::new(),
        participant_id: Some(p.id.clone()),
    }
}

/// The certificate of attendance, attached as PDF (made when the message is sent).
pub fn certificate(
    course: &CourseRow,
    p: &ParticipantRow,
    cert: &crate::models::training::certificate::CertificateRow,
) -> NewMessage {
    let lang = MessageLanguage::parse(&p.language).unwrap_or_default();
    let hours = lumit_shared::training::hours_in_words(cert.attended_minutes, lang);
    let (subject, body, filename) = match lang {
        MessageLanguage::It => (
            format!("Attestato di partecipazione: «{}»", course.title),
            format!(
                "Gentile {},\n\nin allegato l'attestato di partecipazione al corso «{}» ({hours}).\n\nChiunque può verificarlo con il codice {}.\n\nLUMIT – Lucca Migration Task Force",
                p.full_name, course.title, cert.code
            ),
            format!("attestato-{}.pdf", cert.code),
        ),
        MessageLanguage::En => (
            format!("Certificate of attendance: “{}”", course.title),
            format!(
                "Dear {},\n\nattached is your certificate of attendance of the course “{}” ({hours}).\n\nAnyone can check it with the code {}.\n\nLUMIT – Lucca Migration Task Force",
                p.full_name, course.title, cert.code
            ),
            format!("certificate-{}.pdf", cert.code),
        ),
    };
    NewMessage {
        kind: "training.certificate",
        recipient: p.email.clone(),
        recipient_name: p.full_name.clone(),
        language: lang.as_str(),
        subject,
        body,
        attachments: vec![Attachment {
            filename,
            content_type: "application/pdf".into(),
            content: String::new(),
            certificate_id: Some(cert.id.clone()),
        }],
        participant_id: Some(p.id.clone()),
    }
}
