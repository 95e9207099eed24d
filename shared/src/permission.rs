//! What each role may do: the role half of the authorisation table, shared so that the web app
//! offers only what the server will allow. The API adds the scopes of API clients and the
//! municipality a resource belongs to (`api/src/authz.rs`).

use crate::api_client::Scope;
use crate::user::Role;

/// Everything that can be done through the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// List and read municipalities.
    ReadMunicipalities,
    /// Create and change municipalities.
    WriteMunicipalities,
    /// List and read desks.
    ReadDesks,
    /// Create and change desks.
    WriteDesks,
    /// List and read staff accounts.
    ReadUsers,
    /// Create and change staff accounts, reset passwords.
    WriteUsers,
    /// Create, list and revoke API clients.
    ManageApiClients,
    /// Read and verify the audit log.
    ReadAudit,
    /// Find and read people (beneficiaries) of the actor's municipalities.
    ReadPeople,
    /// Register and change people.
    WritePeople,
    /// See who read a person's record.
    ReadAccessLog,
    /// List and read cases of the actor's municipalities.
    ReadCases,
    /// Open and work cases (fields, events, workflow).
    WriteCases,
    /// Reopen a closed case.
    ReopenCases,
    /// Read the case taxonomy.
    ReadCategories,
    /// Export everything about a person (GDPR access right), or merge duplicates.
    ExportOrMergePeople,
    /// Link a person registered elsewhere to a municipality.
    LinkPeople,
    /// Anonymise a person for good.
    AnonymisePeople,
    /// Create and change case categories and their retention.
    WriteCategories,
    /// See mediators (operators and officers: name, languages and coverage only).
    ReadMediators,
    /// Register and change mediators.
    WriteMediators,
    /// Change a mediator's availability (mediators: their own).
    EditAvailability,
    /// Read service requests (of the actor's municipalities; mediators: their jobs).
    ReadRequests,
    /// File and cancel service requests for the actor's municipalities.
    WriteRequests,
    /// Approve, reject and assign requests; see every mediator's calendar and timesheet.
    ManageRequests,
    /// Work one's own jobs as a mediator: confirm, decline, complete, calendar feed.
    WorkAssignments,
    /// See the training programme: topics, courses, sessions (trainers: the courses they teach).
    ReadTraining,
    /// Plan the training programme: topics, courses, sessions.
    PlanTraining,
    /// See who is enrolled in a course (officers: their municipalities' staff; trainers: their
    /// courses).
    ReadEnrolments,
    /// Enrol participants and withdraw them (officers: their municipalities' staff).
    EnrolParticipants,
    /// Take attendance at sessions (trainers: of the courses they teach).
    TakeAttendance,
    /// See the outbox and send a failed message again.
    ManageOutbox,
    /// Send a course's questionnaire and read its results (trainers: of their courses).
    ReadFeedback,
    /// Read the programme's indicators (operators, officers and clients: of their
    /// municipalities).
    ReadReports,
    /// Freeze a period's report as sent to the fund.
    FreezeReports,
    /// Read one's own dashboard (what it holds depends on the role).
    ReadDashboard,
    /// Subscribe URLs to events (webhooks) and read their deliveries (API clients: their own
    /// subscriptions only).
    ManageWebhooks,
}

impl Action {
    /// The scope an API client needs; `None`: clients may never do it.
    pub fn scope(self) -> Option<Scope> {
        match self {
            Self::ReadMunicipalities => Some(Scope::MunicipalitiesRead),
            Self::ReadDesks => Some(Scope::DesksRead),
            Self::WriteDesks => Some(Scope::DesksWrite),
            Self::ReadPeople | Self::ReadCases | Self::ReadCategories => Some(Scope::CasesRead),
            Self::WriteCases => Some(Scope::CasesWrite),
            Self::WritePeople => Some(Scope::CasesWrite),
            Self::ReadRequests => Some(Scope::RequestsRead),
            Self::WriteRequests => Some(Scope::RequestsWrite),
            Self::ReadReports => Some(Scope::ReportsRead),
            Self::ManageWebhooks => Some(Scope::WebhooksManage),
            Self::WriteMunicipalities
            | Self::ReadUsers
            | Self::WriteUsers
            | Self::ManageApiClients
            | Self::ReadAudit
            | Self::ReadAccessLog
            | Self::ReopenCases
            | Self::ExportOrMergePeople
            | Self::LinkPeople
            | Self::AnonymisePeople
            | Self::WriteCategories
            | Self::ReadMediators
            | Self::WriteMediators
            | Self::EditAvailability
            | Self::ManageRequests
            | Self::WorkAssignments
            | Self::ReadTraining
            | Self::PlanTraining
            | Self::ReadEnrolments
            | Self::EnrolParticipants
            | Self::TakeAttendance
            | Self::ManageOutbox
            | Self::ReadFeedback
            | Self::FreezeReports
            | Self::ReadDashboard => None,
        }
    }

    /// Whether a role may do it at all (scope checks come after).
    pub fn allowed_for(self, role: Role) -> bool {
        use Role::*;
        match self {
            Self::ReadMunicipalities | Self::ReadDesks | Self::ReadCategories => true,
            Self::ReadUsers | Self::ReadAccessLog => matches!(role, Admin | Coordinator),
            // Case files are for the desks and the Prefettura, not for requesters or mediators.
            Self::ReadPeople | Self::WritePeople | Self::ReadCases | Self::WriteCases => {
                matches!(role, Admin | Coordinator | Operator)
            }
            Self::ReopenCases | Self::ExportOrMergePeople | Self::LinkPeople => {
                matches!(role, Admin | Coordinator)
            }
            Self::AnonymisePeople | Self::WriteCategories => role == Admin,
            // Trainers are external: nothing of cases, requests or mediators.
            Self::ReadMediators | Self::ReadRequests => role != Trainer,
            Self::WriteMediators | Self::ManageRequests => matches!(role, Admin | Coordinator),
            Self::EditAvailability => matches!(role, Admin | Coordinator | Mediator),
            // Requests come from the municipalities and the desks, not from mediators.
            Self::WriteRequests => {
                matches!(role, Admin | Coordinator | Operator | MunicipalOfficer)
            }
            Self::WorkAssignments => role == Mediator,
            Self::ReadTraining => true,
            Self::PlanTraining => matches!(role, Admin | Coordinator),
            Self::ReadEnrolments => {
                matches!(role, Admin | Coordinator | MunicipalOfficer | Trainer)
            }
            Self::EnrolParticipants => matches!(role, Admin | Coordinator | MunicipalOfficer),
            Self::TakeAttendance | Self::ReadFeedback => {
                matches!(role, Admin | Coordinator | Trainer)
            }
            // The programme's figures: for those who account for it and the offices it serves;
            // mediators and trainers work for it and have their own pages.
            Self::ReadReports => matches!(role, Admin | Coordinator | Operator | MunicipalOfficer),
            Self::FreezeReports => matches!(role, Admin | Coordinator),
            // Trainers have their courses' pages instead.
            Self::ReadDashboard => !matches!(role, Trainer),
            Self::WriteMunicipalities
            | Self::WriteDesks
            | Self::WriteUsers
            | Self::ManageApiClients
            | Self::ReadAudit
            | Self::ManageOutbox
            | Self::ManageWebhooks => role == Admin,
        }
    }
}
