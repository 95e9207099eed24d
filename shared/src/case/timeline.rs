//! Rules of a case's timeline.

use chrono::{DateTime, Duration, Utc};

use super::{CaseEvent, EventKind};
use crate::rule::RuleError;

/// How long the author of an entry may still correct it: the same working day and the next
/// morning, while the facts are fresh; after that a correction is a new entry.
pub const EDIT_WINDOW_HOURS: i64 = 24;

impl CaseEvent {
    /// Whether `editor` may correct this entry's text at `now`: only its author (403
    /// `not_the_author`), only what a person wrote (409 `not_editable`: workflow steps and
    /// referrals are the server's record), and only within the window (409 `edit_window_closed`).
    pub fn may_edit(&self, editor: &str, now: DateTime<Utc>) -> Result<(), RuleError> {
        if self.author_id.as_deref() != Some(editor) {
            return Err(RuleError::NotYours(
                "not_the_author",
                "Only the author can edit a note.",
            ));
        }
        if !matches!(
            self.kind,
            EventKind::Note | EventKind::Intervention | EventKind::PhoneCall
        ) {
            return Err(RuleError::TooLate(
                "not_editable",
                "Only notes, interventions and calls can be edited.",
            ));
        }
        if now - self.at > Duration::hours(EDIT_WINDOW_HOURS) {
            return Err(RuleError::TooLate(
                "edit_window_closed",
                "Notes can be edited only within 24 hours.",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(kind: EventKind, author: Option<&str>, at: DateTime<Utc>) -> CaseEvent {
        CaseEvent {
            id: "e".into(),
            case_id: "c".into(),
            kind,
            note: "x".into(),
            minutes: None,
            data: serde_json::Value::Null,
            author_id: author.map(str::to_owned),
            author_name: None,
            at,
            edited_at: None,
            previous: Vec::new(),
        }
    }

    fn code(r: Result<(), RuleError>) -> &'static str {
        match r {
            Err(RuleError::NotYours(c, _) | RuleError::TooLate(c, _)) => c,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn the_author_corrects_what_they_wrote_within_the_window() {
        let at = Utc::now();
        for kind in [
            EventKind::Note,
            EventKind::Intervention,
            EventKind::PhoneCall,
        ] {
            let e = entry(kind, Some("u1"), at);
            assert_eq!(e.may_edit("u1", at + Duration::hours(23)), Ok(()));
            assert_eq!(e.may_edit("u1", at + Duration::hours(24)), Ok(()));
            assert_eq!(
                code(e.may_edit("u1", at + Duration::hours(25))),
                "edit_window_closed"
            );
            assert_eq!(code(e.may_edit("u2", at)), "not_the_author");
        }
    }

    #[test]
    fn server_written_and_authorless_entries_are_not_corrected() {
        let at = Utc::now();
        for kind in [
            EventKind::StatusChange,
            EventKind::Referral,
            EventKind::DocumentCheck,
            EventKind::Appointment,
        ] {
            assert_eq!(
                code(entry(kind, Some("u1"), at).may_edit("u1", at)),
                "not_editable"
            );
        }
        // An entry without an author is nobody's to correct.
        assert_eq!(
            code(entry(EventKind::Note, None, at).may_edit("u1", at)),
            "not_the_author"
        );
    }
}
