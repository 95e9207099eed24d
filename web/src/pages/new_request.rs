//! Filing a service request: translation of a document or mediation in a meeting, each with its
//! own fields, checked in the browser with the server's own rules before it is sent.

use chrono::NaiveDate;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use lumit_shared::mediation::{NewRequest, RequestKind, Setting, Urgency};
use lumit_shared::FieldError;

use crate::api::{self, ApiError};
use crate::components::{
    error_message, field_error, CheckField, DateField, FormStatus, SelectField, TextAreaField,
    TextField,
};
use crate::guard::RoleGate;
use crate::i18n::{text, use_i18n};
use crate::pages::municipalities::{all_municipalities, my_municipalities};
use crate::pages::requests::{
    kind_key, setting_key, today, urgency_key, LanguageField, REQUESTERS,
};
use crate::session::use_session;

/// The new-request page.
#[component]
pub fn NewRequestPage() -> impl IntoView {
    view! { <RoleGate roles=REQUESTERS><RequestForm /></RoleGate> }
}

/// A whole number typed in a field: empty is `None`; anything else not a number is an error.
pub fn number(v: RwSignal<String>, field: &str, errors: &mut Vec<FieldError>) -> Option<i32> {
    let t = v.get_untracked().trim().to_owned();
    if t.is_empty() {
        return None;
    }
    match t.parse::<i32>() {
        Ok(n) => Some(n),
        Err(_) => {
            errors.push(FieldError::new(
                field,
                "invalid_number",
                "is not a whole number",
            ));
            None
        }
    }
}

/// A date from a date input (`YYYY-MM-DD`): empty is `None`; anything unreadable is an error.
pub fn date(v: RwSignal<String>, field: &str, errors: &mut Vec<FieldError>) -> Option<NaiveDate> {
    let t = v.get_untracked().trim().to_owned();
    if t.is_empty() {
        return None;
    }
    match NaiveDate::parse_from_str(&t, "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            errors.push(FieldError::new(field, "invalid_date", "is not a date"));
            None
        }
    }
}

fn opt(v: RwSignal<String>) -> Option<String> {
    let t = v.get_untracked().trim().to_owned();
    (!t.is_empty()).then_some(t)
}

#[component]
fn RequestForm() -> impl IntoView {
    let i = use_i18n();
    let s = use_session();
    let navigate = use_navigate();
    let me = s.user.get_untracked();
    let kind = RwSignal::new("mediation".to_owned());
    let municipality = RwSignal::new(String::new());
    let office = RwSignal::new(String::new());
    let contact_name = RwSignal::new(me.as_ref().map(|u| u.full_name.clone()).unwrap_or_default());
    let contact_email = RwSignal::new(
        me.as_ref()
            .and_then(|u| u.email.clone())
            .unwrap_or_default(),
    );
    let contact_phone = RwSignal::new(String::new());
    let language = RwSignal::new(String::new());
    let target_language = RwSignal::new("it".to_owned());
    let document_type = RwSignal::new(String::new());
    let pages = RwSignal::new(String::new());
    let words = RwSignal::new(String::new());
    let due_date = RwSignal::new(String::new());
    let sworn = RwSignal::new(false);
    let day = RwSignal::new(String::new());
    let start_time = RwSignal::new(String::new());
    let duration = RwSignal::new("60".to_owned());
    let remote = RwSignal::new(false);
    let address = RwSignal::new(String::new());
    let setting = RwSignal::new(String::new());
    let participants = RwSignal::new(String::new());
    let purpose = RwSignal::new(String::new());
    let urgency = RwSignal::new("normal".to_owned());
    let err = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let municipalities = LocalResource::new(all_municipalities);
    let mun_options = Signal::derive(move || {
        let v = my_municipalities(s, municipalities.get().and_then(|r| r.ok()));
        if municipality.get_untracked().is_empty() {
            if let Some((id, _)) = v.first() {
                municipality.set(id.clone());
            }
        }
        v
    });
    let is_translation = move || kind.get() == "translation";
    let settings = Signal::derive(move || {
        let lang = i.lang.get();
        let mut v = vec![(String::new(), text(lang, k!("app.choose")).to_owned())];
        v.extend(Setting::ALL.iter().map(|s| {
            (
                s.as_str().to_owned(),
                text(lang, setting_key(*s)).to_owned(),
            )
        }));
        v
    });
    let urgencies = Signal::derive(move || {
        let lang = i.lang.get();
        Urgency::ALL
            .iter()
            .map(|u| {
                (
                    u.as_str().to_owned(),
                    text(lang, urgency_key(*u)).to_owned(),
                )
            })
            .collect()
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut local = Vec::new();
        let k = RequestKind::parse(&kind.get_untracked()).unwrap_or_default();
        let why = purpose.get_untracked();
        let mut body = NewRequest {
            municipality_id: municipality.get_untracked(),
            office: office.get_untracked(),
            contact_name: contact_name.get_untracked(),
            contact_email: opt(contact_email),
            contact_phone: opt(contact_phone),
            kind: k,
            language: language.get_untracked(),
            purpose: why,
            urgency: Urgency::parse(&urgency.get_untracked()),
            ..Default::default()
        };
        match k {
            RequestKind::Translation => {
                body.target_language = opt(target_language);
                body.document_type = opt(document_type);
                body.pages = number(pages, "pages", &mut local);
                body.words = number(words, "words", &mut local);
                body.due_date = date(due_date, "due_date", &mut local);
                body.sworn = Some(sworn.get_untracked());
            }
            RequestKind::Mediation => {
                body.date = date(day, "date", &mut local);
                body.start_time = opt(start_time);
                body.duration_minutes = number(duration, "duration_minutes", &mut local);
                body.remote = Some(remote.get_untracked());
                // A remote meeting has no address: what was typed before ticking is dropped.
                body.address = (!remote.get_untracked()).then(|| opt(address)).flatten();
                body.setting = Setting::parse(&setting.get_untracked());
                body.participants = number(participants, "participants", &mut local);
            }
        }
        // The server's own rules first: errors show at once, next to their fields.
        if let Err(mut errors) = body.parse(today()) {
            // A field the browser could not read is reported once, as unreadable.
            errors.retain(|e| !local.iter().any(|l| l.field == e.field));
            local.extend(errors);
        }
        if !local.is_empty() {
            err.set(Some(ApiError::invalid(local)));
            return;
        }
        busy.set(true);
        let navigate = navigate.clone();
        spawn_local(async move {
            match api::requests::create(&body).await {
                Ok(r) => {
                    err.set(None);
                    navigate(&format!("/requests/{}", r.id), Default::default());
                }
                Err(e) => err.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let form_error =
        Signal::derive(move || err.with(|e| e.as_ref().map(|e| error_message(i.lang.get(), e))));
    let e = move |f: &'static str| field_error(err, f);
    let radio = move |value: RequestKind| {
        let id = format!("kind-{}", value.as_str());
        view! {
            <div class="check">
                <input type="radio" name="kind" id=id.clone() value=value.as_str()
                    prop:checked=move || kind.get() == value.as_str()
                    on:change=move |_| { kind.set(value.as_str().to_owned()); err.set(None); } />
                <label for=id>{move || i.t(kind_key(value))}</label>
            </div>
        }
    };
    view! {
        <h1 tabindex="-1">{move || i.t(k!("req.new"))}</h1>
        <form class="form" novalidate on:submit=submit>
            <FormStatus error=form_error />
            <fieldset class="checks">
                <legend>{move || i.t(k!("req.kind"))}</legend>
                {radio(RequestKind::Mediation)}
                {radio(RequestKind::Translation)}
            </fieldset>
            <SelectField id="municipality_id" label=k!("req.municipality") value=municipality options=mun_options error=e("municipality_id") required=true />
            <TextField id="office" label=k!("req.office") value=office error=e("office") required=true hint=k!("req.office_hint") />
            <TextField id="contact_name" label=k!("req.contact_name") value=contact_name error=e("contact_name") required=true autocomplete="name" />
            <TextField id="contact_email" label=k!("req.contact_email") value=contact_email error=e("contact_email") kind="email" autocomplete="email" />
            <TextField id="contact_phone" label=k!("req.contact_phone") value=contact_phone error=e("contact_phone") kind="tel" autocomplete="tel" />
            <Show when=is_translation fallback=move || view! {
                <fieldset class="hours">
                    <legend>{move || i.t(k!("rkind.mediation"))}</legend>
                    <LanguageField id="language" label=k!("req.language") value=language error=e("language") required=true />
                    <DateField id="date" label=k!("req.date") value=day error=e("date") required=true />
                    <TextField id="start_time" label=k!("req.start_time") kind="time" value=start_time error=e("start_time") required=true />
                    <TextField id="duration_minutes" label=k!("req.duration") kind="number" value=duration error=e("duration_minutes") required=true hint=k!("req.duration_hint") />
                    <CheckField id="remote".to_owned() label=Signal::derive(move || i.t(k!("req.remote")).to_owned()) checked=remote />
                    <Show when=move || !remote.get()>
                        <TextField id="address" label=k!("req.address") value=address error=e("address") required=true />
                    </Show>
                    <SelectField id="setting" label=k!("req.setting") value=setting options=settings error=e("setting") required=true />
                    <TextField id="participants" label=k!("req.participants") kind="number" value=participants error=e("participants") />
                </fieldset>
            }>
                <fieldset class="hours">
                    <legend>{move || i.t(k!("rkind.translation"))}</legend>
                    <LanguageField id="language" label=k!("req.source_language") value=language error=e("language") required=true />
                    <LanguageField id="target_language" label=k!("req.target_language") value=target_language error=e("target_language") required=true />
                    <TextField id="document_type" label=k!("req.document_type") value=document_type error=e("document_type") required=true hint=k!("req.document_type_hint") />
                    <TextField id="pages" label=k!("req.pages") kind="number" value=pages error=e("pages") hint=k!("req.pages_hint") />
                    <TextField id="words" label=k!("req.words") kind="number" value=words error=e("words") />
                    <DateField id="due_date" label=k!("req.due_date") value=due_date error=e("due_date") required=true />
                    <CheckField id="sworn".to_owned() label=Signal::derive(move || i.t(k!("req.sworn")).to_owned()) checked=sworn />
                </fieldset>
            </Show>
            <TextAreaField id="purpose" label=k!("req.purpose") value=purpose error=e("purpose") required=true />
            <SelectField id="urgency" label=k!("req.urgency") value=urgency options=urgencies error=e("urgency") />
            <div class="actions">
                <button type="submit" class="btn btn-primary" disabled=move || busy.get()>{move || if busy.get() { i.t(k!("app.saving")) } else { i.t(k!("req.submit")) }}</button>
                <A href="/requests" attr:class="btn">{move || i.t(k!("app.cancel"))}</A>
            </div>
        </form>
    }
}
