//! Each step of the life cycle allowed and refused, by role, with its fields.

use super::*;
use crate::permission::Action;
use crate::user::Role;
use RequestStatus::*;

fn at(s: &str) -> NaiveDateTime {
    s.parse().unwrap()
}

fn body(to: RequestStatus) -> RequestTransition {
    RequestTransition {
        to,
        reason: None,
        mediator_id: None,
        actual_start: None,
        actual_minutes: None,
        outcome: None,
        notes: None,
    }
}

/// The parties a role is, as the web app sees them: coordination manages requests, a
/// mediator acts on the jobs they can see (their own), requesters file for theirs.
fn parties(role: Role) -> impl Fn(Party) -> bool {
    move |p| match p {
        Party::Coordination => Action::ManageRequests.allowed_for(role),
        Party::AssignedMediator => {
            Action::ManageRequests.allowed_for(role) || Action::WorkAssignments.allowed_for(role)
        }
        Party::Requester => Action::WriteRequests.allowed_for(role),
    }
}

fn by(role: Role) -> impl FnMut(Party) -> Result<(), RuleError> {
    let is = parties(role);
    move |p| {
        if is(p) {
            Ok(())
        } else {
            Err(RuleError::Forbidden(Action::ManageRequests))
        }
    }
}

fn fields(e: RuleError) -> Vec<(String, String)> {
    match e {
        RuleError::Fields(f) => f.into_iter().map(|f| (f.field, f.code)).collect(),
        e => panic!("expected field errors, got {e:?}"),
    }
}

/// A body with what each step needs.
fn complete(to: RequestStatus, from: RequestStatus) -> RequestTransition {
    let mut t = body(to);
    match from.step(to) {
        Some(StepKind::Reject | StepKind::Decline | StepKind::Cancel) => {
            t.reason = Some("r".into())
        }
        Some(StepKind::Assign) => t.mediator_id = Some("m1".into()),
        Some(StepKind::Complete) => {
            t.actual_minutes = Some(90);
            t.outcome = Some(JobOutcome::ALL[0]);
        }
        _ => {}
    }
    t
}

#[test]
fn the_life_cycle_ends_in_completed_rejected_or_cancelled() {
    assert!(Submitted.next().contains(&Approved));
    assert!(!Submitted.next().contains(&Assigned));
    assert!(Assigned.next().contains(&Approved));
    assert!(Completed.next().is_empty());
    assert!(Confirmed.books_mediator() && !Approved.books_mediator());
    assert_eq!(Assigned.step(Approved), Some(StepKind::Decline));
    assert_eq!(Submitted.step(Approved), Some(StepKind::Approve));
}

#[test]
fn each_step_is_allowed_to_its_party_and_refused_to_the_others() {
    let now = at("2026-12-01T09:00:00");
    let expected: &[(Role, &[StepKind])] = &[
        (
            Role::Admin,
            &[
                StepKind::Approve,
                StepKind::Reject,
                StepKind::Assign,
                StepKind::Confirm,
                StepKind::Decline,
                StepKind::Complete,
                StepKind::Cancel,
            ],
        ),
        (
            Role::Coordinator,
            &[
                StepKind::Approve,
                StepKind::Reject,
                StepKind::Assign,
                StepKind::Confirm,
                StepKind::Decline,
                StepKind::Complete,
                StepKind::Cancel,
            ],
        ),
        (Role::Operator, &[StepKind::Cancel]),
        (Role::MunicipalOfficer, &[StepKind::Cancel]),
        (
            Role::Mediator,
            &[StepKind::Confirm, StepKind::Decline, StepKind::Complete],
        ),
    ];
    for (role, theirs) in expected {
        for &from in RequestStatus::ALL {
            for &to in from.next() {
                let kind = from.step(to).unwrap();
                let r = from.move_to(&complete(to, from), None, now, by(*role));
                if theirs.contains(&kind) {
                    assert_eq!(r.unwrap().kind(), kind, "{role:?} {from:?} → {to:?}");
                } else {
                    assert!(
                        matches!(r, Err(RuleError::Forbidden(_))),
                        "{role:?} {from:?} → {to:?}"
                    );
                }
            }
            let offered = from.steps(parties(*role));
            assert!(offered.iter().all(|k| theirs.contains(k)));
            let possible = from.next().iter().filter_map(|&t| from.step(t));
            assert_eq!(
                offered.len(),
                possible.filter(|k| theirs.contains(k)).count()
            );
        }
    }
}

#[test]
fn steps_not_in_the_life_cycle_are_refused_with_the_reachable_ones() {
    let now = at("2026-12-01T09:00:00");
    for &from in RequestStatus::ALL {
        for &to in RequestStatus::ALL
            .iter()
            .filter(|t| !from.next().contains(t))
        {
            assert_eq!(
                from.move_to(&complete(to, from), None, now, by(Role::Admin)),
                Err(RuleError::NotAllowed {
                    what: "request",
                    from: from.as_str(),
                    to: to.as_str(),
                    allowed: from.next().iter().map(|s| s.as_str()).collect(),
                })
            );
        }
    }
}

#[test]
fn each_step_takes_its_own_fields_and_needs_them() {
    let now = at("2026-12-01T09:00:00");
    let admin = || by(Role::Admin);
    let mut t = body(Approved);
    t.reason = Some("x".into());
    t.notes = Some("y".into());
    assert_eq!(
        fields(Submitted.move_to(&t, None, now, admin()).unwrap_err()),
        vec![
            ("reason".into(), "not_allowed".into()),
            ("notes".into(), "not_allowed".into())
        ]
    );
    for (from, to) in [
        (Submitted, Rejected),
        (Assigned, Approved),
        (Approved, Cancelled),
    ] {
        assert_eq!(
            fields(from.move_to(&body(to), None, now, admin()).unwrap_err()),
            vec![("reason".into(), "required".into())]
        );
    }
    assert_eq!(
        fields(
            Approved
                .move_to(&body(Assigned), None, now, admin())
                .unwrap_err()
        ),
        vec![("mediator_id".into(), "required".into())]
    );
    assert_eq!(
        fields(
            Confirmed
                .move_to(&body(Completed), None, now, admin())
                .unwrap_err()
        ),
        vec![
            ("actual_minutes".into(), "required".into()),
            ("outcome".into(), "required".into())
        ]
    );
    let mut t = complete(Completed, Confirmed);
    t.actual_minutes = Some(1441);
    assert_eq!(
        fields(Confirmed.move_to(&t, None, now, admin()).unwrap_err()),
        vec![("actual_minutes".into(), "out_of_range".into())]
    );
}

#[test]
fn completion_starts_as_planned_unless_told_and_late_cancellations_are_flagged() {
    let now = at("2026-12-01T09:00:00");
    let planned = Some(at("2026-12-01T15:00:00"));
    match Confirmed.move_to(
        &complete(Completed, Confirmed),
        planned,
        now,
        by(Role::Mediator),
    ) {
        Ok(RequestMove::Complete {
            actual_start,
            actual_minutes,
            ..
        }) => {
            assert_eq!((actual_start, actual_minutes), (planned, 90));
        }
        other => panic!("{other:?}"),
    }
    let cancel = |starts| {
        Approved.move_to(
            &complete(Cancelled, Approved),
            starts,
            now,
            by(Role::Operator),
        )
    };
    assert!(matches!(
        cancel(planned),
        Ok(RequestMove::Cancel { late: true, .. })
    ));
    assert!(matches!(
        cancel(Some(at("2026-12-02T09:00:01"))),
        Ok(RequestMove::Cancel { late: false, .. })
    ));
    assert!(matches!(
        cancel(Some(at("2026-12-02T08:59:59"))),
        Ok(RequestMove::Cancel { late: true, .. })
    ));
    // A translation has no start: never late.
    assert!(matches!(
        cancel(None),
        Ok(RequestMove::Cancel { late: false, .. })
    ));
}

#[test]
fn texts_are_trimmed_and_bounded() {
    let mut t = body(Cancelled);
    t.reason = Some("  ill  ".into());
    t.notes = Some("   ".into());
    let p = t.parse().unwrap();
    assert_eq!((p.reason.as_deref(), p.notes), (Some("ill"), None));
    let mut t = body(Cancelled);
    t.reason = Some("x".repeat(1001));
    assert_eq!(t.parse().unwrap_err()[0].field, "reason");
}
