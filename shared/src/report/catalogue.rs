//! Every indicator, defined once: its code (stable: the fund's sheet is filled from it), labels
//! and definition in Italian and English, and its breakdowns. `docs/INDICATORS.md` and the
//! OpenAPI description are written from this table.

use super::{Dimension, Family, Unit};
use crate::training::MessageLanguage;

/// An indicator of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Indicator {
    /// Stable code.
    pub code: &'static str,
    /// Its group.
    pub family: Family,
    /// What it counts.
    pub unit: Unit,
    /// A figure at the period's last day (no cumulative value).
    pub at_end: bool,
    /// Counts people or their cases: small values are hidden in exports for outside.
    pub suppressible: bool,
    /// Italian name.
    pub it: &'static str,
    /// English name.
    pub en: &'static str,
    /// Italian definition.
    pub def_it: &'static str,
    /// English definition.
    pub def_en: &'static str,
    /// Its breakdowns, in order.
    pub dimensions: &'static [Dimension],
}

use Dimension as D;

const fn count(code: &'static str, family: Family) -> Indicator {
    Indicator {
        code,
        family,
        unit: Unit::Count,
        at_end: false,
        suppressible: false,
        it: "",
        en: "",
        def_it: "",
        def_en: "",
        dimensions: &[],
    }
}

const fn named(
    i: Indicator,
    it: &'static str,
    en: &'static str,
    def_it: &'static str,
    def_en: &'static str,
) -> Indicator {
    Indicator {
        it,
        en,
        def_it,
        def_en,
        ..i
    }
}

const fn unit(i: Indicator, unit: Unit) -> Indicator {
    Indicator { unit, ..i }
}

const fn people(i: Indicator) -> Indicator {
    Indicator {
        suppressible: true,
        ..i
    }
}

const fn by(i: Indicator, dimensions: &'static [Dimension]) -> Indicator {
    Indicator { dimensions, ..i }
}

/// The catalogue, in the order reports show it.
pub const INDICATORS: &[Indicator] = &[
    named(
        by(
            people(count("people_assisted", Family::People)),
            &[
                D::Sex,
                D::AgeBand,
                D::Citizenship,
                D::Municipality,
                D::Category,
            ],
        ),
        "Persone assistite",
        "People assisted",
        "Persone distinte con almeno una pratica aperta o una voce di diario nel periodo, contate \
         una volta sola per riga comunque siano molte le loro pratiche, gli sportelli o i comuni. \
         La fascia d'età è quella all'ultimo giorno del periodo (dall'anno di nascita quando manca \
         la data; \"non indicato\" senza entrambi). Per comune e per categoria una persona conta \
         in ciascuno in cui è stata assistita, quindi le righe possono sommare più del totale.",
        "Distinct people with at least one case opened or one timeline entry in the period, each \
         counted once per line however many cases, desks or municipalities they have. The age \
         band is the age on the period's last day (from the birth year when the date is missing; \
         \"not recorded\" without either). By municipality and by category a person counts in \
         each one they were assisted in, so the lines may add up to more than the total.",
    ),
    named(
        by(
            people(count("cases_opened", Family::Services)),
            &[D::Category, D::Municipality],
        ),
        "Pratiche aperte",
        "Cases opened",
        "Pratiche aperte nel periodo.",
        "Cases opened in the period.",
    ),
    named(
        by(
            people(count("cases_closed", Family::Services)),
            &[D::Outcome],
        ),
        "Pratiche chiuse",
        "Cases closed",
        "Pratiche chiuse nel periodo (e non riaperte), per esito.",
        "Cases closed in the period (and not reopened since), by outcome.",
    ),
    named(
        by(
            people(Indicator {
                at_end: true,
                ..count("cases_open_at_end", Family::Services)
            }),
            &[D::Municipality],
        ),
        "Pratiche aperte a fine periodo",
        "Cases open at the end",
        "Pratiche aperte prima della fine del periodo e non chiuse al suo ultimo giorno.",
        "Cases opened before the period's end and not closed on its last day.",
    ),
    named(
        count("interventions", Family::Services),
        "Interventi",
        "Interventions",
        "Voci di diario di tipo intervento registrate nel periodo.",
        "Timeline entries of kind intervention in the period.",
    ),
    named(
        unit(
            count("intervention_minutes", Family::Services),
            Unit::Minutes,
        ),
        "Minuti di intervento",
        "Intervention minutes",
        "Somma dei minuti indicati negli interventi del periodo.",
        "Sum of the minutes recorded on the period's interventions.",
    ),
    named(
        count("phone_calls", Family::Services),
        "Telefonate",
        "Phone calls",
        "Voci di diario di tipo telefonata nel periodo.",
        "Timeline entries of kind phone call in the period.",
    ),
    named(
        count("appointments", Family::Services),
        "Appuntamenti",
        "Appointments",
        "Voci di diario di tipo appuntamento nel periodo.",
        "Timeline entries of kind appointment in the period.",
    ),
    named(
        count("referrals_made", Family::Services),
        "Invii ad altri uffici",
        "Referrals made",
        "Invii ad altri uffici fatti nel periodo.",
        "Referrals to other offices made in the period.",
    ),
    named(
        count("referrals_answered", Family::Services),
        "Invii con risposta",
        "Referrals answered",
        "Invii la cui risposta è stata registrata nel periodo.",
        "Referrals whose answer was recorded in the period.",
    ),
    named(
        by(
            count("requests_submitted", Family::Mediation),
            &[D::Status, D::Municipality, D::JobKind],
        ),
        "Richieste presentate",
        "Requests submitted",
        "Richieste di mediazione o traduzione presentate nel periodo; per stato: dove sono oggi.",
        "Mediation and translation requests submitted in the period; by status: where they stand \
         today.",
    ),
    named(
        by(count("jobs_completed", Family::Mediation), &[D::JobKind]),
        "Servizi svolti",
        "Jobs completed",
        "Richieste completate il cui giorno di lavoro (inizio effettivo, o inizio previsto, o \
         consegna della traduzione) cade nel periodo.",
        "Completed requests whose day of work (actual start, else planned start, else the \
         translation's due date) falls in the period.",
    ),
    named(
        by(
            unit(count("mediation_hours", Family::Mediation), Unit::Hours),
            &[D::Language, D::Municipality, D::JobKind],
        ),
        "Ore di mediazione e traduzione",
        "Mediation and translation hours",
        "Ore effettive dei servizi svolti nel periodo; in presenza, a distanza o traduzione.",
        "Actual hours of the jobs completed in the period; on site, remote or translation.",
    ),
    named(
        count("pages_translated", Family::Mediation),
        "Pagine tradotte",
        "Pages translated",
        "Pagine delle traduzioni svolte nel periodo.",
        "Pages of the translations completed in the period.",
    ),
    named(
        count("words_translated", Family::Mediation),
        "Parole tradotte",
        "Words translated",
        "Parole delle traduzioni svolte nel periodo.",
        "Words of the translations completed in the period.",
    ),
    named(
        count("late_cancellations", Family::Mediation),
        "Annullamenti tardivi",
        "Late cancellations",
        "Servizi annullati a meno di 24 ore, il cui giorno di lavoro cade nel periodo.",
        "Jobs cancelled less than 24 hours ahead whose day of work falls in the period.",
    ),
    named(
        unit(
            count("hours_to_assignment", Family::Mediation),
            Unit::Average,
        ),
        "Ore medie dalla richiesta all'assegnazione",
        "Average hours from request to assignment",
        "Per le richieste assegnate a un mediatore per la prima volta nel periodo, la media delle \
         ore tra la presentazione e l'assegnazione.",
        "For requests first assigned to a mediator in the period, the average hours between \
         submission and assignment.",
    ),
    named(
        by(
            count("municipalities_supported", Family::Authorities),
            &[D::Municipality],
        ),
        "Enti locali supportati",
        "Local authorities supported",
        "Comuni con almeno un servizio di sportello (una pratica aperta o una voce di diario) o \
         un servizio di mediazione svolto nel periodo; per comune, quanti servizi.",
        "Municipalities with at least one desk service (a case opened or a timeline entry) or \
         one completed mediation job in the period; by municipality, how many services.",
    ),
    named(
        by(
            count("offices_supported", Family::Authorities),
            &[D::Office],
        ),
        "Uffici supportati",
        "Offices supported",
        "Uffici dei comuni (comune e ufficio) con almeno un servizio di mediazione svolto nel \
         periodo; per ufficio, quanti servizi.",
        "Offices of the municipalities (municipality and office) with at least one completed \
         mediation job in the period; by office, how many jobs.",
    ),
    named(
        by(
            people(count("staff_trained", Family::Training)),
            &[D::Municipality, D::Office],
        ),
        "Personale formato",
        "Staff trained",
        "Partecipanti distinti presenti (anche in parte) ad almeno una sessione svolta nel \
         periodo; per ente: il comune del partecipante, o l'ente indicato.",
        "Distinct participants present (even in part) at at least one session held in the \
         period; by office: the participant's municipality, or the organisation given.",
    ),
    named(
        unit(count("training_hours", Family::Training), Unit::Hours),
        "Ore di formazione erogate",
        "Training hours delivered",
        "Durata delle sessioni del periodo con almeno un partecipante presente.",
        "Length of the period's sessions with at least one participant present.",
    ),
    named(
        unit(
            count("training_participant_hours", Family::Training),
            Unit::Hours,
        ),
        "Ore di formazione fruite",
        "Training hours attended",
        "Somma delle ore di presenza dei partecipanti alle sessioni del periodo.",
        "Sum of the participants' hours of presence at the period's sessions.",
    ),
    named(
        unit(
            count("questionnaire_satisfaction", Family::Training),
            Unit::Average,
        ),
        "Soddisfazione media (1–5)",
        "Average satisfaction (1–5)",
        "Media delle risposte al questionario dei corsi con una sessione nel periodo. Le \
         risposte sono anonime: la media è solo per tutta la provincia.",
        "Average of the questionnaire answers of courses with a session in the period. Answers \
         are anonymous: the average is given for the whole province only.",
    ),
    named(
        unit(
            count("questionnaire_usefulness", Family::Training),
            Unit::Average,
        ),
        "Utilità media (1–5)",
        "Average usefulness (1–5)",
        "Come la soddisfazione, per l'utilità nel lavoro.",
        "As satisfaction, for usefulness at work.",
    ),
];

impl Indicator {
    /// The indicator with this code.
    pub fn by_code(code: &str) -> Option<&'static Indicator> {
        INDICATORS.iter().find(|i| i.code == code)
    }

    /// Its name.
    pub fn label(&self, lang: MessageLanguage) -> &'static str {
        match lang {
            MessageLanguage::It => self.it,
            MessageLanguage::En => self.en,
        }
    }

    /// Its definition.
    pub fn definition(&self, lang: MessageLanguage) -> &'static str {
        match lang {
            MessageLanguage::It => self.def_it,
            MessageLanguage::En => self.def_en,
        }
    }

    /// The code of its breakdown by `d`.
    pub fn breakdown_code(&self, d: Dimension) -> String {
        format!("{}.by_{}", self.code, d.as_str())
    }
}

impl Dimension {
    /// "By …" in the report's language.
    pub fn label(self, lang: MessageLanguage) -> &'static str {
        let (it, en) = match self {
            Self::Sex => ("per sesso", "by sex"),
            Self::AgeBand => ("per fascia d'età", "by age band"),
            Self::Citizenship => ("per cittadinanza", "by citizenship"),
            Self::Municipality => ("per comune", "by municipality"),
            Self::Category => ("per categoria", "by category"),
            Self::Outcome => ("per esito", "by outcome"),
            Self::Status => ("per stato", "by status"),
            Self::Language => ("per lingua", "by language"),
            Self::JobKind => ("per modalità", "by kind"),
            Self::Office => ("per ufficio", "by office"),
        };
        match lang {
            MessageLanguage::It => it,
            MessageLanguage::En => en,
        }
    }
}

impl Family {
    /// Its title.
    pub fn label(self, lang: MessageLanguage) -> &'static str {
        let (it, en) = match self {
            Self::People => ("Persone assistite", "People assisted"),
            Self::Services => ("Servizi degli sportelli", "Desk services"),
            Self::Mediation => ("Mediazione e traduzione", "Mediation and translation"),
            Self::Authorities => ("Enti locali supportati", "Local authorities supported"),
            Self::Training => ("Formazione", "Training"),
        };
        match lang {
            MessageLanguage::It => it,
            MessageLanguage::En => en,
        }
    }
}

/// A fixed key's label: sexes, outcomes, statuses, kinds of job.
pub fn key_label(d: Dimension, key: &str, lang: MessageLanguage) -> Option<&'static str> {
    let it = matches!(lang, MessageLanguage::It);
    let pick = |i: &'static str, e: &'static str| Some(if it { i } else { e });
    match (d, key) {
        (D::Sex, "F") => pick("Donne", "Women"),
        (D::Sex, "M") => pick("Uomini", "Men"),
        (D::Sex, "X") => pick("Non indicato o altro", "Not stated or other"),
        (D::Outcome, "resolved") => pick("Risolta", "Resolved"),
        (D::Outcome, "partly_resolved") => pick("Risolta in parte", "Partly resolved"),
        (D::Outcome, "not_resolved") => pick("Non risolta", "Not resolved"),
        (D::Outcome, "withdrawn") => pick("Ritirata", "Withdrawn"),
        (D::Outcome, "referred_elsewhere") => pick("Inviata altrove", "Referred elsewhere"),
        (D::Status, "submitted") => pick("Presentata", "Submitted"),
        (D::Status, "approved") => pick("Approvata", "Approved"),
        (D::Status, "rejected") => pick("Respinta", "Rejected"),
        (D::Status, "assigned") => pick("Assegnata", "Assigned"),
        (D::Status, "confirmed") => pick("Confermata", "Confirmed"),
        (D::Status, "completed") => pick("Svolta", "Completed"),
        (D::Status, "cancelled") => pick("Annullata", "Cancelled"),
        (D::JobKind, "on_site") => pick("In presenza", "On site"),
        (D::JobKind, "remote") => pick("A distanza", "Remote"),
        (D::JobKind, "translation") => pick("Traduzione", "Translation"),
        _ => None,
    }
}
