//! Italian (default) and English texts, and number and date formatting for each.

use chrono::{DateTime, Utc};
use leptos::prelude::*;

/// A language of the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// Italiano.
    It,
    /// English.
    En,
}

impl Lang {
    /// The BCP 47 tag.
    pub fn tag(self) -> &'static str {
        match self {
            Self::It => "it",
            Self::En => "en",
        }
    }
}

const STORAGE_KEY: &str = "lumit.lang";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The language chosen last time (Italian by default).
pub fn remembered() -> Lang {
    match storage()
        .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
        .as_deref()
    {
        Some("en") => Lang::En,
        _ => Lang::It,
    }
}

/// The reactive language, provided at the root.
#[derive(Clone, Copy)]
pub struct I18n {
    /// Current language.
    pub lang: RwSignal<Lang>,
}

impl I18n {
    /// Switches and remembers the language, and tells assistive technology via `<html lang>`.
    pub fn set(&self, lang: Lang) {
        self.lang.set(lang);
        if let Some(s) = storage() {
            let _ = s.set_item(STORAGE_KEY, lang.tag());
        }
        apply_html_lang(lang);
    }

    /// The text for a key in the current language (tracked: use inside `move ||`).
    pub fn t(&self, key: &'static str) -> &'static str {
        text(self.lang.get(), key)
    }
}

/// Sets `<html lang>`.
pub fn apply_html_lang(lang: Lang) {
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = el.set_attribute("lang", lang.tag());
    }
}

/// The i18n context.
pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}

/// Formats an integer with the language's thousands separator (`1.234` / `1,234`).
pub fn fmt_int(lang: Lang, n: i64) -> String {
    let sep = if lang == Lang::It { '.' } else { ',' };
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    if n < 0 {
        out.insert(0, '-');
    }
    out
}

/// Formats a moment in the browser's time zone: `26/11/2026 10:30` (it), `26/11/2026, 10:30` (en).
pub fn fmt_datetime(lang: Lang, t: &DateTime<Utc>) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(t.timestamp_millis() as f64));
    let (day, month, year) = (d.get_date(), d.get_month() + 1, d.get_full_year());
    let (h, m) = (d.get_hours(), d.get_minutes());
    match lang {
        Lang::It => format!("{day:02}/{month:02}/{year} {h:02}:{m:02}"),
        Lang::En => format!("{day:02}/{month:02}/{year}, {h:02}:{m:02}"),
    }
}

/// The text of a key: `(italiano, english)`. Unknown keys show themselves, so a gap is visible.
pub fn text(lang: Lang, key: &'static str) -> &'static str {
    let (it, en) = match key {
        "app.name" => ("LUMIT", "LUMIT"),
        "app.tagline" => ("Lucca Migration Task Force", "Lucca Migration Task Force"),
        "app.skip" => ("Vai al contenuto", "Skip to content"),
        "app.loading" => ("Caricamento…", "Loading…"),
        "app.retry" => ("Riprova", "Retry"),
        "app.error" => ("Si è verificato un errore.", "Something went wrong."),
        "app.network" => (
            "Il server non risponde. Controlla la connessione.",
            "The server does not answer. Check the connection.",
        ),
        "app.empty" => ("Nessun risultato.", "Nothing here."),
        "app.more" => ("Carica altri", "Load more"),
        "app.save" => ("Salva", "Save"),
        "app.saving" => ("Salvataggio…", "Saving…"),
        "app.saved" => ("Salvato.", "Saved."),
        "app.cancel" => ("Annulla", "Cancel"),
        "app.edit" => ("Modifica", "Edit"),
        "app.back" => ("Indietro", "Back"),
        "app.yes" => ("Sì", "Yes"),
        "app.no" => ("No", "No"),
        "app.active" => ("Attivo", "Active"),
        "app.inactive" => ("Disattivato", "Inactive"),
        "app.all" => ("Tutti", "All"),
        "app.search" => ("Cerca", "Search"),
        "app.filters" => ("Filtri", "Filters"),
        "app.copy" => ("Copia", "Copy"),
        "app.copied" => ("Copiato negli appunti.", "Copied to the clipboard."),
        "app.fix_errors" => (
            "Correggi i campi segnalati.",
            "Please correct the fields marked.",
        ),
        "app.deactivate" => ("Disattiva", "Deactivate"),
        "app.reactivate" => ("Riattiva", "Reactivate"),
        "app.confirm_deactivate" => ("Confermi la disattivazione?", "Deactivate this record?"),
        "app.forbidden_title" => ("Accesso non consentito", "Not allowed"),
        "app.forbidden" => (
            "Il tuo ruolo non consente di usare questa pagina.",
            "Your role does not allow this page.",
        ),
        "app.not_found_title" => ("Pagina non trovata", "Page not found"),
        "app.not_found" => (
            "La pagina richiesta non esiste.",
            "The page you asked for does not exist.",
        ),
        "app.go_home" => ("Torna alla home", "Back to the home page"),
        "app.stale" => (
            "Qualcuno ha modificato questi dati nel frattempo: ricarica la pagina.",
            "Someone changed this in the meantime: reload the page.",
        ),
        "app.language" => ("Lingua", "Language"),
        "app.none" => ("—", "—"),
        "nav.label" => ("Navigazione principale", "Main navigation"),
        "nav.home" => ("Home", "Home"),
        "nav.municipalities" => ("Comuni e uffici", "Municipalities"),
        "nav.users" => ("Utenti", "Accounts"),
        "nav.api_clients" => ("Client API", "API clients"),
        "nav.audit" => ("Registro attività", "Audit log"),
        "nav.account" => ("Il mio account", "My account"),
        "nav.logout" => ("Esci", "Log out"),
        "role.admin" => ("Amministratore", "Administrator"),
        "role.coordinator" => ("Coordinatore", "Coordinator"),
        "role.operator" => ("Operatore di sportello", "Desk operator"),
        "role.municipal_officer" => ("Referente comunale", "Municipal officer"),
        "role.mediator" => ("Mediatore", "Mediator"),
        "login.title" => ("Accedi a LUMIT", "Log in to LUMIT"),
        "login.username" => ("Nome utente", "Username"),
        "login.password" => ("Password", "Password"),
        "login.submit" => ("Accedi", "Log in"),
        "login.busy" => ("Accesso in corso…", "Logging in…"),
        "login.failed" => (
            "Nome utente o password non corretti.",
            "Wrong username or password.",
        ),
        "login.throttled" => (
            "Troppi tentativi falliti. Riprova più tardi.",
            "Too many failed attempts. Try again later.",
        ),
        "password.title" => ("Cambia password", "Change password"),
        "password.forced" => (
            "Hai una password temporanea: scegline una nuova per continuare.",
            "You have a temporary password: choose a new one to continue.",
        ),
        "password.current" => ("Password attuale", "Current password"),
        "password.new" => (
            "Nuova password (almeno 12 caratteri)",
            "New password (at least 12 characters)",
        ),
        "password.repeat" => ("Ripeti la nuova password", "Repeat the new password"),
        "password.mismatch" => (
            "Le due password non coincidono.",
            "The two passwords differ.",
        ),
        "password.changed" => ("Password cambiata.", "Password changed."),
        "home.title" => ("Benvenuto", "Welcome"),
        "home.intro" => (
            "LUMIT gestisce gli sportelli per cittadini stranieri della Provincia di Lucca.",
            "LUMIT runs the help desks for foreign citizens of the Province of Lucca.",
        ),
        "home.municipalities" => ("Comuni e uffici", "Municipalities and offices"),
        "home.desks" => ("Sportelli", "Desks"),
        "home.users" => ("Utenti", "Accounts"),
        "mun.title" => ("Comuni e uffici", "Municipalities and offices"),
        "mun.new" => ("Nuovo comune o ufficio", "New municipality or office"),
        "mun.edit" => ("Modifica comune o ufficio", "Edit municipality or office"),
        "mun.search_hint" => ("Nome o codice ISTAT", "Name or ISTAT code"),
        "mun.name" => ("Nome", "Name"),
        "mun.kind" => ("Tipo", "Kind"),
        "mun.istat" => ("Codice ISTAT", "ISTAT code"),
        "mun.province" => ("Codice provincia", "Province code"),
        "mun.member_of" => ("Unione", "Union"),
        "mun.address" => ("Indirizzo", "Address"),
        "mun.email" => ("E-mail", "E-mail"),
        "mun.phone" => ("Telefono", "Phone"),
        "mun.status" => ("Stato", "Status"),
        "mun.members" => ("Comuni membri", "Member municipalities"),
        "mun.desks" => ("Sportelli", "Desks"),
        "mun.none" => ("Nessuna", "None"),
        "kind.comune" => ("Comune", "Municipality"),
        "kind.unione" => ("Unione dei Comuni", "Union of municipalities"),
        "kind.prefettura" => ("Prefettura", "Prefecture"),
        "kind.questura" => ("Questura", "Police headquarters"),
        "kind.other" => ("Altro ufficio", "Other office"),
        "desk.new" => ("Nuovo sportello", "New desk"),
        "desk.edit" => ("Modifica sportello", "Edit desk"),
        "desk.name" => ("Nome dello sportello", "Desk name"),
        "desk.languages" => (
            "Lingue parlate (codici ISO separati da virgola, es. it, en, ar)",
            "Languages spoken (ISO codes separated by commas, e.g. it, en, ar)",
        ),
        "desk.hours" => ("Orari di apertura", "Opening hours"),
        "desk.add_slot" => ("Aggiungi fascia oraria", "Add a time slot"),
        "desk.remove_slot" => ("Rimuovi fascia", "Remove slot"),
        "desk.day" => ("Giorno", "Day"),
        "desk.from" => ("Dalle", "From"),
        "desk.to" => ("Alle", "To"),
        "desk.no_hours" => ("Orari non indicati.", "No opening hours given."),
        "day.monday" => ("Lunedì", "Monday"),
        "day.tuesday" => ("Martedì", "Tuesday"),
        "day.wednesday" => ("Mercoledì", "Wednesday"),
        "day.thursday" => ("Giovedì", "Thursday"),
        "day.friday" => ("Venerdì", "Friday"),
        "day.saturday" => ("Sabato", "Saturday"),
        "day.sunday" => ("Domenica", "Sunday"),
        "users.title" => ("Utenti", "Accounts"),
        "users.new" => ("Nuovo utente", "New account"),
        "users.edit" => ("Modifica utente", "Edit account"),
        "users.username" => ("Nome utente", "Username"),
        "users.full_name" => ("Nome e cognome", "Full name"),
        "users.email" => ("E-mail", "E-mail"),
        "users.role" => ("Ruolo", "Role"),
        "users.municipalities" => ("Comuni assegnati", "Assigned municipalities"),
        "users.password" => (
            "Password temporanea (facoltativa: se vuota viene generata)",
            "Temporary password (optional: generated when empty)",
        ),
        "users.temp_shown_once" => (
            "Password temporanea: comunicala alla persona. Non verrà più mostrata.",
            "Temporary password: give it to the person. It will not be shown again.",
        ),
        "users.reset" => ("Reimposta password", "Reset password"),
        "users.confirm_reset" => (
            "Generare una nuova password temporanea? La persona verrà disconnessa.",
            "Generate a new temporary password? The person will be logged out.",
        ),
        "users.must_change" => ("Deve cambiare password", "Must change password"),
        "users.search_hint" => ("Nome utente o nome", "Username or name"),
        "users.last_admin" => (
            "È l'ultimo amministratore attivo: non può essere disattivato o cambiare ruolo.",
            "This is the last active administrator: it cannot be deactivated or change role.",
        ),
        "clients.title" => ("Client API", "API clients"),
        "clients.new" => ("Nuovo client API", "New API client"),
        "clients.name" => ("Nome del sistema", "System name"),
        "clients.municipality" => ("Comune o ente", "Municipality or organisation"),
        "clients.scopes" => ("Permessi (scope)", "Permissions (scopes)"),
        "clients.client_id" => ("Client ID", "Client ID"),
        "clients.secret_once" => (
            "Segreto del client: copialo ora, non verrà più mostrato.",
            "Client secret: copy it now, it will not be shown again.",
        ),
        "clients.revoke" => ("Revoca", "Revoke"),
        "clients.confirm_revoke" => (
            "Revocare il client? I suoi token smetteranno subito di funzionare.",
            "Revoke this client? Its tokens stop working at once.",
        ),
        "clients.revoked" => ("Revocato", "Revoked"),
        "clients.include_revoked" => ("Mostra anche i revocati", "Show revoked clients too"),
        "clients.created" => ("Creato il", "Created"),
        "audit.title" => ("Registro attività", "Audit log"),
        "audit.verify" => ("Verifica integrità", "Verify the chain"),
        "audit.verifying" => ("Verifica in corso…", "Verifying…"),
        "audit.ok" => ("Registro integro", "The log is intact"),
        "audit.bad" => (
            "Registro alterato a partire dalla riga",
            "The log was altered from row",
        ),
        "audit.rows_checked" => ("righe controllate", "rows checked"),
        "audit.when" => ("Quando", "When"),
        "audit.who" => ("Chi", "Who"),
        "audit.action" => ("Azione", "Action"),
        "audit.entity" => ("Oggetto", "Record"),
        "audit.entity_type" => ("Tipo di oggetto", "Record type"),
        "audit.entity_id" => ("ID oggetto", "Record id"),
        "audit.from" => ("Dal", "From"),
        "audit.to" => ("Al", "To"),
        "audit.detail" => ("Dettaglio", "Details"),
        "audit.field" => ("Campo", "Field"),
        "audit.old" => ("Prima", "Before"),
        "audit.new" => ("Dopo", "After"),
        "audit.ip" => ("Indirizzo IP", "IP address"),
        "audit.request" => ("ID richiesta", "Request id"),
        "audit.no_changes" => ("Nessun campo modificato.", "No fields changed."),
        "account.title" => ("Il mio account", "My account"),
        "nav.cases" => ("Pratiche", "Cases"),
        "work.title" => ("Da fare", "To do"),
        "new.title" => ("Nuova pratica", "New case"),
        "new.find" => ("Cerca la persona", "Find the person"),
        "new.find_hint" => ("Nome e cognome", "First and last name"),
        "new.choose" => ("Scegli", "Choose"),
        "new.or_create" => (
            "Oppure registra una nuova persona",
            "Or register a new person",
        ),
        "new.first_name" => ("Nome", "First name"),
        "new.last_name" => ("Cognome", "Last name"),
        "new.birth_date" => ("Data di nascita (AAAA-MM-GG)", "Birth date (YYYY-MM-DD)"),
        "new.citizenship" => (
            "Cittadinanza (codice ISO, es. SN)",
            "Citizenship (ISO code, e.g. SN)",
        ),
        "new.municipality" => ("Comune dello sportello", "Municipality of the desk"),
        "new.register" => ("Registra la persona", "Register the person"),
        "new.duplicate" => (
            "Esiste già una persona con lo stesso nome e data di nascita:",
            "A person with the same name and birth date exists:",
        ),
        "new.create_anyway" => (
            "È un'altra persona: registra comunque",
            "It is someone else: register anyway",
        ),
        "new.person" => ("Persona", "Person"),
        "new.languages_hint" => (
            "Codici ISO 639 separati da virgole, es. ar, fr",
            "ISO 639 codes separated by commas, e.g. ar, fr",
        ),
        "new.date_format" => (
            "Data non valida: usa AAAA-MM-GG.",
            "Not a valid date: use YYYY-MM-DD.",
        ),
        "new.desk" => ("Sportello", "Desk"),
        "new.subcategory" => ("Sottocategoria", "Sub-category"),
        "new.channel" => ("Canale", "Channel"),
        "new.priority" => ("Priorità", "Priority"),
        "new.language" => ("Lingua usata (ISO 639)", "Language used (ISO 639)"),
        "new.mediator_present" => ("Presente un mediatore", "A mediator was present"),
        "new.assign_to_me" => ("Assegna a me", "Assign to me"),
        "new.none" => ("—", "—"),
        "channel.desk" => ("Sportello", "Desk"),
        "channel.phone" => ("Telefono", "Phone"),
        "channel.email" => ("E-mail", "E-mail"),
        "channel.outreach" => ("Sul territorio", "Outreach"),
        "priority.low" => ("Bassa", "Low"),
        "priority.normal" => ("Normale", "Normal"),
        "priority.high" => ("Alta", "High"),
        "priority.urgent" => ("Urgente", "Urgent"),
        "new.open" => ("Apri la pratica", "Open the case"),
        "work.mine" => ("Le mie pratiche aperte", "My open cases"),
        "work.unassigned" => ("Pratiche aperte non assegnate", "Open unassigned cases"),
        "work.deadlines" => (
            "Scadenze nei prossimi 60 giorni",
            "Deadlines in the next 60 days",
        ),
        "work.overdue" => ("Scaduta", "Overdue"),
        "work.date" => ("Data", "Date"),
        "work.what" => ("Cosa", "What"),
        "deadline.permit_expiry" => (
            "Scadenza del permesso di soggiorno",
            "Residence permit expires",
        ),
        "deadline.integration_check" => (
            "Verifica dell'accordo di integrazione",
            "Integration Agreement check",
        ),
        "deadline.referral_follow_up" => {
            ("Verifica dell'invio ad altro ufficio", "Referral follow-up")
        }
        "cases.title" => ("Pratiche", "Cases"),
        "cases.reference" => ("Riferimento", "Reference"),
        "cases.person" => ("Persona", "Person"),
        "cases.category" => ("Categoria", "Category"),
        "cases.status" => ("Stato", "Status"),
        "cases.opened" => ("Aperta il", "Opened"),
        "cases.summary" => ("Oggetto", "Summary"),
        "cases.search_hint" => ("Riferimento, nome o oggetto", "Reference, name or summary"),
        "cases.assigned" => ("Assegnazione", "Assignment"),
        "cases.mine" => ("Le mie", "Mine"),
        "cases.unassigned" => ("Non assegnate", "Unassigned"),
        "cases.total" => ("pratiche trovate", "cases found"),
        "cases.move_to" => ("Sposta in", "Move to"),
        "cases.outcome" => ("Esito", "Outcome"),
        "cases.timeline" => ("Cronologia", "Timeline"),
        "cases.new_entry" => ("Nuova voce della cronologia", "New timeline entry"),
        "cases.note" => ("Nota", "Note"),
        "cases.kind" => ("Tipo", "Kind"),
        "cases.minutes" => ("Minuti", "Minutes"),
        "cases.transition_note" => (
            "Motivazione (facoltativa; obbligatoria per riaprire)",
            "Reason (optional; required to reopen)",
        ),
        "cases.assigned_to" => ("Assegnata a", "Assigned to"),
        "cases.nobody" => ("nessuno", "nobody"),
        "cases.you" => ("te", "you"),
        "cases.someone_else" => ("un'altra persona", "someone else"),
        "cases.take" => ("Prendi in carico", "Take it on"),
        "cases.edit_note" => ("Correggi la nota", "Correct the note"),
        "cases.edited" => ("(nota corretta)", "(note corrected)"),
        "cases.municipality" => ("Comune", "Municipality"),
        "cases.desk" => ("Sportello", "Desk"),
        "cases.opened_from" => ("Aperta dal", "Opened from"),
        "cases.opened_to" => ("Aperta fino al", "Opened until"),
        "cases.citizenship_hint" => ("Codice ISO, es. MA", "ISO code, e.g. MA"),
        "cases.sort" => ("Ordina per", "Sort by"),
        "cases.sort_opened" => ("Apertura più recente", "Most recently opened"),
        "cases.sort_updated" => ("Modifica più recente", "Most recently changed"),
        "cases.checklist" => ("Documenti da verificare", "Documents to check"),
        "cases.no_checklist" => (
            "Nessun elenco di documenti per questa categoria.",
            "No document list for this category.",
        ),
        "cases.checked" => ("verificati", "checked"),
        "cases.doc_ok" => ("(verificato)", "(checked)"),
        "cases.doc_missing" => ("(da verificare)", "(to check)"),
        "cases.add_event" => ("Aggiungi alla cronologia", "Add to the timeline"),
        "cases.minutes_number" => (
            "I minuti devono essere un numero.",
            "Minutes must be a number.",
        ),
        "cases.min" => ("min", "min"),
        "cases.appointment_at" => ("Data e ora dell'appuntamento", "Appointment date and time"),
        "cases.appointment_place" => ("Luogo", "Place"),
        "cases.referrals" => ("Invii ad altri uffici", "Referrals to other offices"),
        "cases.new_referral" => ("Nuovo invio", "New referral"),
        "cases.office" => ("Ufficio", "Office"),
        "cases.reason" => ("Motivo", "Reason"),
        "cases.follow_up" => ("Ricontrollo il", "Follow up on"),
        "cases.refer" => ("Invia", "Refer"),
        "cases.overdue" => ("Scaduto", "Overdue"),
        "cases.answer" => ("Risposta dell'ufficio", "The office's answer"),
        "cases.record_answer" => ("Registra la risposta", "Record the answer"),
        "office.questura" => ("Questura", "Questura (police immigration office)"),
        "office.prefettura" => ("Prefettura", "Prefettura"),
        "office.asl" => ("ASL", "Local health authority (ASL)"),
        "office.inps" => ("INPS", "Social security (INPS)"),
        "office.school" => ("Scuola", "School"),
        "office.social_services" => ("Servizi sociali", "Social services"),
        "office.desk" => ("Sportello di altro comune", "Another municipality's desk"),
        "office.other" => ("Altro", "Other"),
        "person.title" => ("Persona", "Person"),
        "person.sex" => ("Sesso", "Sex"),
        "person.sex_f" => ("Femmina", "Female"),
        "person.sex_m" => ("Maschio", "Male"),
        "person.sex_x" => ("Non indicato", "Not stated"),
        "person.birth" => ("Nascita", "Born"),
        "person.citizenship" => ("Cittadinanza", "Citizenship"),
        "person.country_of_birth" => ("Paese di nascita", "Country of birth"),
        "person.languages" => ("Lingue", "Languages"),
        "person.phone" => ("Telefono", "Phone"),
        "person.email" => ("E-mail", "E-mail"),
        "person.tax_code" => ("Codice fiscale", "Tax code"),
        "person.permit" => ("Permesso di soggiorno", "Residence permit"),
        "person.permit_type" => ("Tipo di permesso", "Permit type"),
        "person.permit_expiry" => ("Scadenza del permesso", "Permit expiry"),
        "person.notes" => ("Note", "Notes"),
        "person.rights" => (
            "Diritti dell'interessato (GDPR)",
            "Data subject's rights (GDPR)",
        ),
        "person.export" => ("Esporta tutti i dati (JSON)", "Export all data (JSON)"),
        "person.exported" => ("Esportazione scaricata.", "Export downloaded."),
        "person.anonymise" => ("Anonimizza", "Anonymise"),
        "person.anonymise_confirm" => (
            "Anonimizzare questa persona? I dati identificativi saranno cancellati per sempre.",
            "Anonymise this person? Identifying data will be erased for good.",
        ),
        "person.anonymised" => ("Persona anonimizzata.", "Person anonymised."),
        "person.access_log" => ("Chi ha consultato la scheda", "Who read this record"),
        "status.open" => ("Aperta", "Open"),
        "status.in_progress" => ("In lavorazione", "In progress"),
        "status.waiting_documents" => ("In attesa di documenti", "Waiting for documents"),
        "status.waiting_office" => ("In attesa di altro ufficio", "Waiting for another office"),
        "status.closed" => ("Chiusa", "Closed"),
        "outcome.resolved" => ("Risolta", "Resolved"),
        "outcome.partly_resolved" => ("Risolta in parte", "Partly resolved"),
        "outcome.not_resolved" => ("Non risolta", "Not resolved"),
        "outcome.withdrawn" => ("Ritirata", "Withdrawn"),
        "outcome.referred_elsewhere" => ("Inviata ad altro servizio", "Referred elsewhere"),
        "event.note" => ("Nota", "Note"),
        "event.intervention" => ("Intervento", "Intervention"),
        "event.phone_call" => ("Telefonata", "Phone call"),
        "event.document_check" => ("Verifica documenti", "Document check"),
        "event.appointment" => ("Appuntamento", "Appointment"),
        "event.status_change" => ("Cambio di stato", "Status change"),
        "event.referral" => ("Invio ad altro ufficio", "Referral"),
        _ => (key, key),
    };
    match lang {
        Lang::It => it,
        Lang::En => en,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands() {
        assert_eq!(fmt_int(Lang::It, 1234), "1.234");
        assert_eq!(fmt_int(Lang::En, 1234567), "1,234,567");
        assert_eq!(fmt_int(Lang::It, 12), "12");
    }
}
