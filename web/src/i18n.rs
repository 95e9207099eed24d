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
        "session.ended" => (
            "La sessione è terminata. Accedi di nuovo per tornare alla pagina in cui eri.",
            "Your session has ended. Log in again to return to the page you were on.",
        ),
        "session.ends_at" => ("La sessione termina il", "Your session ends on"),
        "session.save_work" => (
            "Salva il lavoro in corso: poi dovrai accedere di nuovo.",
            "Save your work: you will then have to log in again.",
        ),
        "users.end_sessions" => ("Termina tutte le sessioni", "End all sessions"),
        "users.confirm_end_sessions" => (
            "Terminare subito tutte le sessioni di questo account, su ogni dispositivo?",
            "End every session of this account now, on every device?",
        ),
        "users.sessions_ended" => (
            "Sessioni terminate: per continuare dovrà accedere di nuovo.",
            "Sessions ended: the account must log in again to continue.",
        ),
        "login.code" => ("Codice dell'app di autenticazione", "Authenticator app code"),
        "login.code_hint" => (
            "Le 6 cifre che l'app mostra ora per LUMIT.",
            "The 6 digits the app shows for LUMIT now.",
        ),
        "login.recovery_code" => ("Codice di recupero", "Recovery code"),
        "login.recovery_hint" => (
            "Uno dei codici salvati quando hai attivato la verifica; ognuno vale una volta.",
            "One of the codes you saved when you set up the second factor; each works once.",
        ),
        "login.use_recovery" => ("Usa un codice di recupero", "Use a recovery code"),
        "login.use_code" => ("Usa il codice dell'app", "Use the app's code"),
        "login.code_failed" => (
            "Codice non corretto o già usato: attendi il prossimo e riprova.",
            "Wrong or already used code: wait for the next one and try again.",
        ),
        "totp.title" => ("Verifica in due passaggi", "Two-step verification"),
        "totp.forced" => (
            "Il tuo ruolo accede con la verifica in due passaggi: attivala per continuare.",
            "Your role signs in with two-step verification: set it up to continue.",
        ),
        "totp.is_on" => (
            "Attiva: all'accesso ti chiediamo il codice dell'app. Se cambi o perdi il telefono, chiedi a un amministratore di rimuoverla.",
            "On: logging in asks for the app's code. If you change or lose your phone, ask an administrator to remove it.",
        ),
        "totp.is_off" => (
            "Non attiva. Con un'app di autenticazione sul telefono, una password rubata non basta per entrare.",
            "Off. With an authenticator app on your phone, a stolen password is not enough to get in.",
        ),
        "totp.set_up" => ("Attiva la verifica in due passaggi", "Set up two-step verification"),
        "totp.step_app" => (
            "Installa sul telefono un'app di autenticazione (per esempio FreeOTP, Aegis, Google Authenticator o Microsoft Authenticator).",
            "Install an authenticator app on your phone (for example FreeOTP, Aegis, Google Authenticator or Microsoft Authenticator).",
        ),
        "totp.step_scan" => (
            "Nell'app aggiungi un account inquadrando questo codice QR, oppure inserisci a mano la chiave.",
            "In the app, add an account by scanning this QR code, or type in the key.",
        ),
        "totp.qr_alt" => (
            "Codice QR per l'app di autenticazione (la stessa chiave è scritta sotto)",
            "QR code for the authenticator app (the same key is written below)",
        ),
        "totp.key" => ("Chiave:", "Key:"),
        "totp.step_code" => (
            "Scrivi qui il codice di 6 cifre che l'app mostra.",
            "Type the 6-digit code the app shows.",
        ),
        "totp.code" => ("Codice dell'app", "Code from the app"),
        "totp.confirm" => ("Attiva", "Turn on"),
        "totp.enabled" => (
            "Verifica in due passaggi attiva.",
            "Two-step verification is on.",
        ),
        "totp.codes_title" => ("Codici di recupero", "Recovery codes"),
        "totp.codes_help" => (
            "Se non hai il telefono, ognuno di questi codici ti fa entrare una volta al posto del codice dell'app. Conservali in un posto sicuro: non li mostreremo più.",
            "Without your phone, each of these codes lets you in once instead of the app's code. Keep them somewhere safe: they will not be shown again.",
        ),
        "totp.download" => ("Scarica i codici", "Download the codes"),
        "totp.saved_go_on" => ("Li ho salvati, continua", "I have saved them, continue"),
        "totp.state_on" => ("attiva", "on"),
        "totp.state_off" => ("non attiva", "off"),
        "totp.state_pending" => (
            "da attivare al prossimo accesso (richiesta dal ruolo)",
            "to be set up at the next login (required by the role)",
        ),
        "users.reset_totp" => ("Rimuovi la verifica in due passaggi", "Remove two-step verification"),
        "users.confirm_reset_totp" => (
            "Rimuovere la verifica in due passaggi di questo account (telefono perso o cambiato)? Le sue sessioni terminano e i codici di recupero non valgono più.",
            "Remove this account's two-step verification (lost or replaced phone)? Its sessions end and its recovery codes stop working.",
        ),
        "users.totp_removed" => (
            "Verifica in due passaggi rimossa: al prossimo accesso potrà attivarla di nuovo.",
            "Two-step verification removed: it can be set up again at the next login.",
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
        "security.title" => ("Accessi non riusciti", "Failed sign-ins"),
        "security.hint" => (
            "Ultimi 90 giorni. Il nome digitato non è conservato se non corrisponde a un account: spesso è una password.",
            "Last 90 days. What was typed is not kept unless it names an account: it is often a password.",
        ),
        "security.account" => ("Account", "Account"),
        "security.no_account" => ("(nessun account)", "(no account)"),
        "access.person.read" => ("Scheda consultata", "Record opened"),
        "access.case.read" => ("Pratica consultata", "Case opened"),
        "access.person.export" => ("Dati esportati", "Data exported"),
        "access.person.link" => ("Collegata a un comune", "Linked to a municipality"),
        "access.person.list" => ("Comparsa in un elenco di persone", "Shown in a list of people"),
        "access.case.list" => ("Comparsa in un elenco di pratiche", "Shown in a list of cases"),
        "access.case.timeline" => ("Cronologia consultata", "Timeline read"),
        "access.case.referrals" => ("Invii consultati", "Referrals read"),
        "access.deadline.list" => ("Comparsa nelle scadenze", "Shown in deadlines"),
        "access.request.list" => ("Comparsa in un elenco di richieste", "Shown in a list of requests"),
        "access.request.read" => ("Richiesta consultata", "Request opened"),
        "access.request.history" => ("Storia di una richiesta consultata", "Request history read"),
        "access.person.duplicate_check" => ("Proposta come possibile doppione", "Shown as a possible duplicate"),
        "cases.previous" => ("Versioni precedenti", "Earlier versions"),
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
        "cases.more_than" => ("oltre", "more than"),
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
        "cases.replaced_by" => ("sostituita da", "replaced by"),
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
        "person.link" => ("Collega a un altro comune", "Link to another municipality"),
        "person.link_hint" => (
            "Gli sportelli del comune scelto vedranno la persona come propria. Il motivo resta con il collegamento; il collegamento è nel registro degli accessi.",
            "The chosen municipality's desks will see the person as their own. The reason stays with the link; the link is in the access log.",
        ),
        "person.link_municipality" => ("Comune", "Municipality"),
        "person.link_reason" => ("Motivo", "Reason"),
        "person.link_submit" => ("Collega", "Link"),
        "person.linked" => ("Persona collegata al comune.", "Person linked to the municipality."),
        "new.elsewhere" => (
            "Una persona con lo stesso nome e data di nascita è registrata in un altro comune. Un coordinatore può collegarla al vostro:",
            "A person with the same name and birth date is registered in another municipality. A coordinator can link her to yours:",
        ),
        "person.access_log" => ("Chi ha consultato la scheda", "Who read this record"),
        "person.identity_only" => (
            "Registrata da un altro comune: qui si vedono solo i dati anagrafici. Contatti, documenti e note restano al comune che l'ha registrata; ciò che raccogliete va nelle vostre pratiche.",
            "Registered by another municipality: only her identity is shown here. Contacts, documents and notes stay with the municipality that registered her; what you gather goes in your own cases.",
        ),
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
        "app.choose" => ("— Scegli —", "— Choose —"),
        "nav.requests" => (
            "Richieste di mediazione e traduzione",
            "Mediation and translation requests",
        ),
        "nav.mediators" => ("Mediatori", "Mediators"),
        "nav.my_jobs" => ("I miei incarichi", "My jobs"),
        "err.required" => ("Campo obbligatorio.", "Required."),
        "err.invalid_email" => ("Indirizzo e-mail non valido.", "Not a valid e-mail address."),
        "err.invalid_phone" => ("Numero di telefono non valido.", "Not a valid phone number."),
        "err.invalid_language" => (
            "Codice lingua non valido (ISO 639, 2 o 3 lettere).",
            "Not a language code (ISO 639, 2 or 3 letters).",
        ),
        "err.invalid_time" => ("Orario non valido (HH:MM).", "Not a time (HH:MM)."),
        "err.invalid_date" => ("Data non valida.", "Not a valid date."),
        "err.invalid_number" => ("Inserisci un numero intero.", "Enter a whole number."),
        "err.invalid_characters" => (
            "Contiene caratteri non ammessi (ad esempio a capo).",
            "Contains characters not allowed (such as line breaks).",
        ),
        "err.in_the_past" => ("La data non può essere nel passato.", "The date can't be in the past."),
        "err.before_start" => ("Deve essere dopo l'inizio.", "Must be after the start."),
        "err.same_language" => (
            "Deve essere diversa dalla lingua di partenza.",
            "Must differ from the source language.",
        ),
        "err.past_midnight" => (
            "L'incontro deve finire entro la mezzanotte dello stesso giorno.",
            "The meeting must end the same day.",
        ),
        "err.duplicate" => ("Lingua indicata due volte.", "This language is listed twice."),
        "err.overlap" => ("Si sovrappone a un'altra riga.", "Overlaps another row."),
        "err.not_qualified" => (
            "Non lavora nella lingua o nel tipo di servizio richiesto.",
            "Does not work in the language or kind of service needed.",
        ),
        "err.inactive" => ("Non accetta incarichi.", "Takes no jobs."),
        "err.invalid_reference" => ("Non esiste.", "Does not exist."),
        "err.not_yours" => (
            "Solo per i tuoi comuni.",
            "Only for your municipalities.",
        ),
        "err.too_far" => ("Al massimo fra due anni.", "At most two years ahead."),
        "err.not_allowed" => (
            "Campo non previsto per questo tipo di richiesta.",
            "Not used for this kind of request.",
        ),
        "rstatus.submitted" => ("Inviata", "Submitted"),
        "rstatus.approved" => ("Approvata", "Approved"),
        "rstatus.rejected" => ("Respinta", "Rejected"),
        "rstatus.assigned" => ("Assegnata", "Assigned"),
        "rstatus.confirmed" => ("Confermata", "Confirmed"),
        "rstatus.completed" => ("Completata", "Completed"),
        "rstatus.cancelled" => ("Annullata", "Cancelled"),
        "rkind.mediation" => ("Mediazione", "Mediation"),
        "rkind.translation" => ("Traduzione", "Translation"),
        "setting.school" => ("Scuola", "School"),
        "setting.social_services" => ("Servizi sociali", "Social services"),
        "setting.registry_office" => ("Anagrafe", "Registry office"),
        "setting.health_service" => ("Servizi sanitari", "Health service"),
        "setting.court" => ("Tribunale", "Court"),
        "setting.police" => ("Polizia / Questura", "Police / Questura"),
        "setting.other" => ("Altro", "Other"),
        "urgency.normal" => ("Normale", "Normal"),
        "urgency.urgent" => ("Urgente", "Urgent"),
        "joboutcome.done" => ("Svolto come previsto", "Done as planned"),
        "joboutcome.partly_done" => ("Svolto in parte", "Partly done"),
        "joboutcome.no_show" => ("La persona non si è presentata", "The person did not come"),
        "level.native" => ("madrelingua", "native"),
        "level.c2" => ("C2", "C2"),
        "level.c1" => ("C1", "C1"),
        "level.b2" => ("B2", "B2"),
        "level.b1" => ("B1", "B1"),
        "mkind.mediator" => ("Mediatore", "Mediator"),
        "mkind.translator" => ("Traduttore", "Translator"),
        "mkind.both" => ("Mediatore e traduttore", "Mediator and translator"),
        "rule.language" => ("Lingua", "Language"),
        "rule.coverage" => ("Zona", "Coverage"),
        "rule.availability" => ("Disponibilità", "Availability"),
        "rule.overlap" => ("Già impegnato", "Already booked"),
        "rule.travel" => ("Tempo di spostamento", "Travel time"),
        "lang.choose" => ("— Scegli la lingua —", "— Choose the language —"),
        "lang.other" => ("Altra lingua (codice ISO)", "Other language (ISO code)"),
        "lang.code" => ("Codice ISO 639 della lingua", "ISO 639 language code"),
        "req.title" => (
            "Richieste di mediazione e traduzione",
            "Mediation and translation requests",
        ),
        "req.board" => ("Richieste di mediazione e traduzione", "Mediation and translation requests"),
        "req.board_truncated" => (
            "Sono mostrate solo le prime 200 richieste aperte: restringi i filtri.",
            "Only the first 200 open requests are shown: narrow the filters.",
        ),
        "req.closed" => ("Chiuse", "Closed"),
        "req.show_closed" => ("Mostra le richieste chiuse", "Show the closed requests"),
        "req.none_here" => ("Nessuna richiesta.", "No requests."),
        "req.new" => ("Nuova richiesta", "New request"),
        "req.request" => ("Richiesta", "Request"),
        "req.reference" => ("Riferimento", "Reference"),
        "req.kind" => ("Tipo di richiesta", "Kind of request"),
        "req.language" => ("Lingua", "Language"),
        "req.source_language" => ("Lingua di partenza", "Source language"),
        "req.target_language" => ("Lingua di arrivo", "Target language"),
        "req.municipality" => ("Comune", "Municipality"),
        "req.when" => ("Quando", "When"),
        "req.status" => ("Stato", "Status"),
        "req.urgency" => ("Urgenza", "Urgency"),
        "req.from" => ("Dal", "From"),
        "req.to" => ("Al (incluso)", "To (inclusive)"),
        "req.due_by" => ("entro il", "due"),
        "req.office" => ("Ufficio richiedente", "Requesting office"),
        "req.office_hint" => ("Ad esempio: Ufficio anagrafe.", "For example: registry office."),
        "req.contact_name" => ("Nome del referente", "Contact name"),
        "req.contact_email" => ("E-mail del referente", "Contact e-mail"),
        "req.contact_phone" => ("Telefono del referente", "Contact phone"),
        "req.document_type" => ("Tipo di documento", "Document type"),
        "req.document_type_hint" => (
            "Ad esempio: certificato di nascita.",
            "For example: birth certificate.",
        ),
        "req.pages" => ("Pagine", "Pages"),
        "req.pages_hint" => ("Indica le pagine o le parole.", "Give the pages or the words."),
        "req.words" => ("Parole", "Words"),
        "req.due_date" => ("Da consegnare entro", "Due date"),
        "req.sworn" => ("Traduzione asseverata (giurata)", "Sworn translation"),
        "req.sworn_short" => ("Asseverata", "Sworn"),
        "req.date" => ("Data", "Date"),
        "req.start_time" => ("Ora di inizio", "Start time"),
        "req.duration" => ("Durata (minuti)", "Duration (minutes)"),
        "req.duration_hint" => ("Da 15 a 480 minuti.", "From 15 to 480 minutes."),
        "req.remote" => ("A distanza (video o telefono)", "Remote (video or phone)"),
        "req.remote_short" => ("A distanza", "Remote"),
        "req.address" => ("Indirizzo", "Address"),
        "req.place" => ("Luogo", "Place"),
        "req.setting" => ("Contesto", "Setting"),
        "req.participants" => ("Partecipanti", "Participants"),
        "req.purpose" => ("Motivo della richiesta", "Purpose"),
        "req.submit" => ("Invia richiesta", "Send request"),
        "req.starts_at" => ("Inizio", "Start"),
        "req.mediator" => ("Mediatore", "Mediator"),
        "req.case" => ("Pratica", "Case"),
        "req.open_case" => ("Apri la pratica", "Open the case"),
        "req.attachments" => ("Allegati", "Attachments"),
        "req.reason" => ("Motivo del rifiuto", "Reason for rejection"),
        "req.actual_minutes" => ("Minuti effettivi", "Actual minutes"),
        "req.actual_start" => ("Inizio effettivo", "Actual start"),
        "req.actual_start_optional" => (
            "Inizio effettivo (se diverso da quello previsto)",
            "Actual start (if different from the planned one)",
        ),
        "req.outcome" => ("Esito", "Outcome"),
        "req.notes" => ("Note", "Notes"),
        "req.cancel_reason" => ("Motivo dell'annullamento", "Reason for cancelling"),
        "req.late" => ("Annullamento", "Cancellation"),
        "req.late_cancellation" => ("Annullamento tardivo", "Late cancellation"),
        "req.created" => ("Inviata il", "Filed"),
        "req.actions" => ("Azioni", "Actions"),
        "req.approve" => ("Approva la richiesta", "Approve the request"),
        "req.confirm" => ("Conferma l'incarico", "Confirm the job"),
        "req.reject_title" => ("Respingi la richiesta", "Reject the request"),
        "req.reject_reason" => ("Motivo del rifiuto", "Reason for rejecting"),
        "req.reject" => ("Respingi", "Reject"),
        "req.decline_title" => ("Rinuncia all'incarico", "Decline the job"),
        "req.decline_reason" => ("Motivo della rinuncia", "Reason for declining"),
        "req.decline" => ("Rinuncia", "Decline"),
        "req.cancel_title" => ("Annulla la richiesta", "Cancel the request"),
        "req.cancel" => ("Conferma l'annullamento", "Confirm the cancellation"),
        "req.late_warning" => (
            "Mancano meno di 24 ore all'inizio: l'annullamento sarà registrato come tardivo e conteggiato nel foglio ore.",
            "The start is less than 24 hours away: this will count as a late cancellation and appear on the timesheet.",
        ),
        "req.complete_title" => ("Registra lo svolgimento", "Record the job as done"),
        "req.complete" => ("Registra completamento", "Record completion"),
        "req.not_allowed" => (
            "Questa operazione non è più possibile: la richiesta è cambiata nel frattempo.",
            "This step is no longer possible: the request changed in the meantime.",
        ),
        "req.allowed_now" => ("Ora è possibile passare a:", "It can now move to:"),
        "req.suggestions" => ("Assegnazione", "Assignment"),
        "req.suggested" => ("Mediatori suggeriti, dal più adatto", "Suggested mediators, best first"),
        "req.no_suggestions" => (
            "Nessun mediatore disponibile soddisfa tutti i requisiti.",
            "No available mediator meets every requirement.",
        ),
        "req.show_unavailable" => (
            "Mostra anche i mediatori non disponibili",
            "Also show the mediators who are not available",
        ),
        "req.unavailable" => ("Mediatori non disponibili", "Mediators not available"),
        "req.why_not" => ("Perché no", "Why not"),
        "req.rank" => ("Posizione", "Rank"),
        "req.hours_month" => ("Ore questo mese", "Hours this month"),
        "req.explanation" => ("Motivazione", "Explanation"),
        "req.assign" => ("Assegna", "Assign"),
        "req.assign_to" => ("Assegna a", "Assign to"),
        "req.manual_title" => ("Scegli un altro mediatore", "Choose another mediator"),
        "req.manual_hint" => (
            "Mediatori attivi che parlano la lingua; il sistema rifiuta comunque un mediatore già impegnato.",
            "Active mediators who speak the language; a mediator already booked is still refused.",
        ),
        "req.assign_chosen" => ("Assegna il mediatore scelto", "Assign the chosen mediator"),
        "req.choose_mediator" => ("Scegli un mediatore.", "Choose a mediator."),
        "req.double_booked" => (
            "Assegnazione rifiutata: il mediatore è già impegnato in quell'orario.",
            "Assignment refused: the mediator is already booked at that time.",
        ),
        "req.conflicting_job" => ("Incarico in conflitto", "Conflicting job"),
        "req.history" => ("Storico", "History"),
        "req.status_now" => ("Stato della richiesta aggiornato", "Request status updated"),
        "med.title" => ("Mediatori e traduttori", "Mediators and translators"),
        "med.new" => ("Nuovo mediatore", "New mediator"),
        "med.record" => ("Scheda", "Record"),
        "med.name" => ("Nome e cognome", "Full name"),
        "med.kind" => ("Attività", "Works as"),
        "med.email" => ("E-mail", "E-mail"),
        "med.phone" => ("Telefono", "Phone"),
        "med.organisation" => ("Ente o cooperativa", "Organisation"),
        "med.organisation_hint" => ("Ad esempio: Co&So, Odissea.", "For example: Co&So, Odissea."),
        "med.languages" => ("Lingue", "Languages"),
        "med.language" => ("Lingua", "Language"),
        "med.level" => ("Livello", "Level"),
        "med.add_language" => ("Aggiungi lingua", "Add language"),
        "med.coverage" => ("Comuni coperti", "Municipalities covered"),
        "med.coverage_hint" => (
            "Un'Unione di comuni copre anche i comuni membri.",
            "A union of municipalities covers its members too.",
        ),
        "med.travels" => ("Si sposta per gli incarichi in presenza", "Travels to on-site jobs"),
        "med.account" => ("Account collegato (ruolo mediatore)", "Linked account (mediator role)"),
        "med.no_account" => ("Nessuno", "None"),
        "med.nothing_changed" => ("Nessuna modifica da salvare.", "Nothing to save."),
        "med.back_to_list" => ("Torna all'elenco", "Back to the list"),
        "med.links" => ("Agenda", "Schedule"),
        "med.calendar" => ("Calendario", "Calendar"),
        "med.timesheet" => ("Foglio ore", "Timesheet"),
        "avail.title" => ("Disponibilità", "Availability"),
        "avail.weekly" => ("Fasce orarie settimanali", "Weekly hours"),
        "avail.weekly_hint" => (
            "Gli orari in cui il mediatore accetta incarichi, ogni settimana.",
            "The hours in which the mediator takes jobs, every week.",
        ),
        "avail.window" => ("Fascia", "Window"),
        "avail.add_window" => ("Aggiungi fascia oraria", "Add hours"),
        "avail.exceptions" => ("Assenze", "Absences"),
        "avail.exceptions_hint" => (
            "Ferie, malattia o altri giorni non disponibili (estremi inclusi).",
            "Holidays, sick leave or other days away (both ends included).",
        ),
        "avail.absence" => ("Assenza", "Absence"),
        "avail.add_absence" => ("Aggiungi assenza", "Add absence"),
        "avail.from_day" => ("Dal giorno", "From"),
        "avail.to_day" => ("Al giorno", "To"),
        "avail.reason" => ("Motivo", "Reason"),
        "avail.remove" => ("Rimuovi", "Remove"),
        "avail.save" => ("Salva disponibilità", "Save availability"),
        "avail.saved" => ("Disponibilità salvata.", "Availability saved."),
        "cal.title" => ("Calendario", "Calendar"),
        "cal.week_of" => ("Settimana", "Week"),
        "cal.weeks" => ("Altre settimane", "Other weeks"),
        "cal.previous" => ("← Settimana precedente", "← Previous week"),
        "cal.this_week" => ("Questa settimana", "This week"),
        "cal.next" => ("Settimana successiva →", "Next week →"),
        "cal.today" => ("oggi", "today"),
        "cal.free" => ("Nessun incarico.", "No jobs."),
        "ts.title" => ("Foglio ore", "Timesheet"),
        "ts.month" => ("Mese", "Month"),
        "ts.month_format" => ("Indica il mese come AAAA-MM.", "Give the month as YYYY-MM."),
        "ts.show" => ("Mostra", "Show"),
        "ts.csv" => ("Scarica CSV", "Download CSV"),
        "ts.downloaded" => ("File CSV scaricato.", "CSV file downloaded."),
        "ts.back" => ("Scheda del mediatore", "Mediator's record"),
        "ts.hours" => ("Ore per comune e tipo di servizio", "Hours per municipality and kind of job"),
        "ts.total" => ("Totale", "Total"),
        "ts.hours_unit" => ("ore", "hours"),
        "ts.jobs" => ("Incarichi", "Jobs"),
        "ts.hours_col" => ("Ore", "Hours"),
        "ts.no_jobs" => ("Nessun incarico completato in questo mese.", "No jobs completed this month."),
        "ts.late" => ("Annullamenti tardivi (fatturabili)", "Late cancellations (billed)"),
        "ts.no_late" => ("Nessun annullamento tardivo.", "No late cancellations."),
        "ts.planned" => ("Ore previste", "Planned hours"),
        "ts.chart" => ("Grafico delle ore per comune", "Chart of hours per municipality"),
        "my.title" => ("I miei incarichi", "My jobs"),
        "my.upcoming" => ("Prossimi incarichi", "Upcoming jobs"),
        "my.past" => ("Incarichi passati", "Past jobs"),
        "my.week" => ("Vedi il mio calendario settimanale", "See my weekly calendar"),
        "my.availability" => ("La mia disponibilità", "My availability"),
        "my.not_linked" => (
            "Il tuo account non è collegato a una scheda mediatore: contatta il coordinamento.",
            "Your account is not linked to a mediator record: contact the coordinators.",
        ),
        "my.feed" => ("Calendario sul telefono", "Calendar on your phone"),
        "my.feed_intro" => (
            "Crea un indirizzo privato (iCalendar) e aggiungilo alla tua app di calendario (Google Calendar, Calendario di iPhone, Outlook: «aggiungi calendario da URL» o «iscriviti»): i tuoi incarichi compariranno da soli.",
            "Create a private (iCalendar) address and add it to your calendar app (Google Calendar, iPhone Calendar, Outlook: \"add calendar from URL\" or \"subscribe\"): your jobs will appear there by themselves.",
        ),
        "my.feed_make" => ("Crea il link del calendario", "Create the calendar link"),
        "my.feed_replace_confirm" => (
            "Un nuovo link disattiva quello precedente. Continuare?",
            "A new link disables the previous one. Continue?",
        ),
        "my.feed_url" => ("Indirizzo del calendario (iCalendar)", "Calendar address (iCalendar)"),
        "my.feed_help" => (
            "È personale: non condividerlo. Creandone uno nuovo, il precedente smette di funzionare.",
            "It is personal: don't share it. Creating a new one stops the old one.",
        ),
        "my.feed_copy" => ("Copia il link", "Copy the link"),
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
