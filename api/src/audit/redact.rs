//! What never enters the audit log: personal data of the people helped, and any free text about them, replaced by a marker.

use lumit_shared::audit::FieldChange;

/// What the audit log keeps of a personal value: that it was set or changed, not the value.
pub const REDACTED: &str = "[dato personale]";

/// Records about the people served. Of these the chain keeps the values of [`KEPT`] fields only
/// (codes, references, dates, counts); any other field is recorded as changed, without its value.
/// A field added to these records later is therefore kept out until someone decides otherwise.
pub(super) const ABOUT_PEOPLE: &[&str] = &["person", "case", "service_request", "referral"];

/// The fields of [`ABOUT_PEOPLE`] records whose values identify no one: what reports count.
pub(super) const KEPT: &[&str] = &[
    // person: the statistical fields anonymisation keeps
    "sex",
    "birth_year",
    "citizenship",
    "country_of_birth",
    "residence_municipality_id",
    "created_municipality_id",
    // case
    "reference",
    "person_id",
    "municipality_id",
    "desk_id",
    "category_id",
    "subcategory_id",
    "channel",
    "priority",
    "assigned_to_id",
    "status",
    "outcome",
    "language",
    "mediator_present",
    "opened_at",
    "closed_at",
    // requests and referrals
    "municipality_name",
    "kind",
    "target_language",
    "pages",
    "words",
    "due_date",
    "sworn",
    "starts_at",
    "duration_minutes",
    "ends_at",
    "remote",
    "setting",
    "participants",
    "urgency",
    "case_id",
    "mediator_id",
    "mediator_name",
    "actual_start",
    "actual_minutes",
    "cancelled_by",
    "cancelled_late",
    "created_at",
    "office_kind",
    "target_municipality_id",
    "answered_at",
    "deadline",
];

/// Free text that never enters the chain, whatever the record and however deep in it: notes,
/// reasons (a mediator's absence, a cancellation), addresses, comments.
pub(super) const FREE_TEXT: &[&str] = &[
    "note",
    "notes",
    "reason",
    "answer",
    "cancel_reason",
    "completion_notes",
    "purpose",
    "address",
    "summary",
    "attachments",
    "comment",
];

/// Replaces a value by [`REDACTED`] (nothing stays nothing).
pub(super) fn hide(v: &mut serde_json::Value) {
    if !v.is_null() {
        *v = serde_json::Value::String(REDACTED.into());
    }
}

/// Hides free text anywhere inside a value.
pub(super) fn hide_free_text(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, v) in m.iter_mut() {
                if FREE_TEXT.contains(&k.as_str()) {
                    hide(v);
                } else {
                    hide_free_text(v);
                }
            }
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(hide_free_text),
        _ => {}
    }
}

/// The one rule of what the chain may hold, applied to every row in [`record`]: the log is
/// append-only and chained, so a value written there could never be erased, and anonymising a
/// person must leave nothing that identifies them. Who changed which field, and when, stays.
pub(super) fn keep_out_personal_data(entity_type: &str, changes: &mut [FieldChange]) {
    let about_people = ABOUT_PEOPLE.contains(&entity_type);
    for ch in changes {
        // `events[<id>].note` is the field `note`.
        let name = ch.field.rsplit('.').next().unwrap_or(&ch.field);
        if FREE_TEXT.contains(&name) || (about_people && !KEPT.contains(&name)) {
            hide(&mut ch.old);
            hide(&mut ch.new);
        } else {
            hide_free_text(&mut ch.old);
            hide_free_text(&mut ch.new);
        }
    }
}
