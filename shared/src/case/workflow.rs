//! The case workflow: which steps exist, who may take them, and what each step needs. The API
//! applies it before writing; the web app offers only the steps it allows.

use super::{CaseStatus, Outcome, Transition};
use crate::permission::Action;
use crate::rule::RuleError;
use crate::FieldError;

/// A step the rules allow, ready to be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseMove {
    /// Where the case was.
    pub from: CaseStatus,
    /// Where it goes.
    pub to: CaseStatus,
    /// How it ended (closing only).
    pub outcome: Option<Outcome>,
    /// Why (always given when reopening).
    pub note: Option<String>,
}

impl CaseMove {
    /// Reopening a closed case: audited as such.
    pub fn reopens(&self) -> bool {
        self.from == CaseStatus::Closed
    }
}

impl CaseStatus {
    /// Where a case may go from here. Reopening (closed → open) is for coordinators.
    pub fn next(self) -> &'static [CaseStatus] {
        use CaseStatus::*;
        match self {
            Open => &[InProgress, WaitingDocuments, WaitingOffice, Closed],
            InProgress => &[WaitingDocuments, WaitingOffice, Closed],
            WaitingDocuments => &[InProgress, WaitingOffice, Closed],
            WaitingOffice => &[InProgress, WaitingDocuments, Closed],
            Closed => &[Open],
        }
    }

    /// The permission a step from here needs beyond working the case: a closed case is
    /// reopened only by those who oversee the desks, so an outcome reported to the fund doesn't
    /// change under them.
    pub fn needs(self) -> Option<Action> {
        (self == CaseStatus::Closed).then_some(Action::ReopenCases)
    }

    /// The steps from here that an actor with these permissions may take.
    pub fn steps(self, may: impl Fn(Action) -> bool) -> Vec<CaseStatus> {
        if self.needs().is_some_and(|a| !may(a)) {
            return Vec::new();
        }
        self.next().to_vec()
    }

    /// Checks a step: possible from here (else the reachable ones), allowed to the actor
    /// (`may` answers for a permission, with the caller's own refusal), with a note when
    /// reopening and an outcome exactly when closing. `note` is already trimmed (`Transition::note`).
    pub fn move_to<E: From<RuleError>>(
        self,
        to: CaseStatus,
        outcome: Option<Outcome>,
        note: Option<String>,
        mut may: impl FnMut(Action) -> Result<(), E>,
    ) -> Result<CaseMove, E> {
        if !self.next().contains(&to) {
            return Err(RuleError::not_allowed(
                "case",
                self.as_str(),
                to.as_str(),
                self.next().iter().map(|s| s.as_str()),
            )
            .into());
        }
        if let Some(action) = self.needs() {
            may(action)?;
            if note.is_none() {
                return Err(
                    RuleError::field("note", "required", "say why the case is reopened").into(),
                );
            }
        }
        let outcome = match (to, outcome) {
            (CaseStatus::Closed, Some(o)) => Some(o),
            (CaseStatus::Closed, None) => {
                return Err(
                    RuleError::field("outcome", "required", "say how the case ended").into(),
                )
            }
            (_, Some(_)) => {
                return Err(RuleError::field("outcome", "not_allowed", "only when closing").into())
            }
            (_, None) => None,
        };
        Ok(CaseMove {
            from: self,
            to,
            outcome,
            note,
        })
    }
}

impl Transition {
    /// The note, trimmed; blank is none. At most 2,000 characters, like a timeline note.
    pub fn note(&self) -> Result<Option<String>, FieldError> {
        let note = self
            .note
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_owned);
        if note.as_ref().is_some_and(|n| n.chars().count() > 2000) {
            return Err(FieldError::new(
                "note",
                "too_long",
                "must be at most 2000 characters",
            ));
        }
        Ok(note)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rule::by_role;
    use crate::user::Role;
    use CaseStatus::*;

    fn step(
        from: CaseStatus,
        to: CaseStatus,
        outcome: Option<Outcome>,
        note: Option<&str>,
        role: Role,
    ) -> Result<CaseMove, RuleError> {
        from.move_to(to, outcome, note.map(str::to_owned), by_role(role))
    }

    fn field(e: RuleError) -> (String, String) {
        match e {
            RuleError::Fields(f) => (f[0].field.clone(), f[0].code.clone()),
            e => panic!("expected a field error, got {e:?}"),
        }
    }

    #[test]
    fn every_documented_step_is_allowed_to_those_who_work_cases() {
        for role in [Role::Admin, Role::Coordinator, Role::Operator] {
            for from in [Open, InProgress, WaitingDocuments, WaitingOffice] {
                for &to in from.next() {
                    let outcome = (to == Closed).then_some(Outcome::Resolved);
                    let m = step(from, to, outcome, None, role).unwrap();
                    assert_eq!((m.from, m.to, m.outcome), (from, to, outcome));
                    assert!(!m.reopens());
                }
                assert_eq!(from.steps(|a| a.allowed_for(role)), from.next());
            }
        }
    }

    #[test]
    fn steps_not_in_the_workflow_are_refused_with_the_reachable_ones() {
        for role in Role::ALL {
            for &from in CaseStatus::ALL {
                for &to in CaseStatus::ALL.iter().filter(|t| !from.next().contains(t)) {
                    let e = step(from, to, Some(Outcome::Resolved), Some("x"), role).unwrap_err();
                    assert_eq!(
                        e,
                        RuleError::NotAllowed {
                            what: "case",
                            from: from.as_str(),
                            to: to.as_str(),
                            allowed: from.next().iter().map(|s| s.as_str()).collect(),
                        }
                    );
                }
            }
        }
        // Closed → in progress goes through reopening.
        assert!(matches!(
            step(Closed, InProgress, None, Some("x"), Role::Admin),
            Err(RuleError::NotAllowed { .. })
        ));
    }

    #[test]
    fn only_admins_and_coordinators_reopen_and_they_say_why() {
        for role in [Role::Admin, Role::Coordinator] {
            let m = step(Closed, Open, None, Some("new documents"), role).unwrap();
            assert!(m.reopens());
            assert_eq!(m.note.as_deref(), Some("new documents"));
            assert_eq!(
                field(step(Closed, Open, None, None, role).unwrap_err()),
                ("note".into(), "required".into())
            );
            assert_eq!(Closed.steps(|a| a.allowed_for(role)), vec![Open]);
        }
        for role in [Role::Operator, Role::MunicipalOfficer, Role::Mediator] {
            // Refused for the role before the note is looked at.
            assert_eq!(
                step(Closed, Open, None, None, role).unwrap_err(),
                RuleError::Forbidden(Action::ReopenCases)
            );
            assert!(Closed.steps(|a| a.allowed_for(role)).is_empty());
        }
    }

    #[test]
    fn closing_needs_an_outcome_and_only_closing_takes_one() {
        assert_eq!(
            field(step(InProgress, Closed, None, None, Role::Operator).unwrap_err()),
            ("outcome".into(), "required".into())
        );
        assert_eq!(
            field(
                step(
                    Open,
                    InProgress,
                    Some(Outcome::Resolved),
                    None,
                    Role::Operator
                )
                .unwrap_err()
            ),
            ("outcome".into(), "not_allowed".into())
        );
        assert_eq!(
            field(
                step(
                    Closed,
                    Open,
                    Some(Outcome::Resolved),
                    Some("x"),
                    Role::Admin
                )
                .unwrap_err()
            ),
            ("outcome".into(), "not_allowed".into())
        );
    }

    #[test]
    fn the_note_is_trimmed_and_bounded() {
        let t = |n: &str| Transition {
            to: Open,
            note: Some(n.to_owned()),
            outcome: None,
        };
        assert_eq!(t("  why  ").note(), Ok(Some("why".into())));
        assert_eq!(t("   ").note(), Ok(None));
        assert_eq!(
            t(&"é".repeat(2000))
                .note()
                .map(|n| n.map(|n| n.chars().count())),
            Ok(Some(2000))
        );
        assert_eq!(t(&"é".repeat(2001)).note().unwrap_err().code, "too_long");
    }
}
