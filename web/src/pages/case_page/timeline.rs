//! A case's timeline: its entries, new ones, and the corrections their authors may still make.

use leptos::prelude::*;
use leptos::task::spawn_local;
use lumit_shared::case::{CaseEvent, CaseStatus, EventEdit, EventKind, NewCaseEvent};

use crate::api::{self, ApiError};
use crate::components::{error_message, field_error, Empty, FormStatus, SelectField, TextField};
use crate::i18n::{fmt_datetime, text, use_i18n};
use crate::pages::cases::{event_key, status_key};

/// The timeline and the form that adds to it.
#[component]
pub(super) fn Timeline(
    case_id: String,
    events: Vec<CaseEvent>,
    checklist: Vec<String>,
    reload: Callback<()>,
) -> impl IntoView {
    let i = use_i18n();
    let case_id2 = case_id.clone();
    let kind = RwSignal::new("note".to_owned());
    let note = RwSignal::new(String::new());
    let minutes = RwSignal::new(String::new());
    let when = RwSignal::new(String::new());
    let place = RwSignal::new(String::new());
    let ticks: Vec<(String, RwSignal<bool>)> = checklist
        .iter()
        .map(|d| (d.clone(), RwSignal::new(false)))
        .collect();
    let err = RwSignal::new(None::<ApiError>);
    let local_err = RwSignal::new(None::<String>);
    let submit = {
        let ticks = ticks.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let k = EventKind::parse(&kind.get_untracked()).unwrap_or(EventKind::Note);
            let m = minutes.get_untracked();
            let minutes_value = if m.trim().is_empty() {
                None
            } else {
                match m.trim().parse::<i32>() {
                    Ok(v) => Some(v),
                    Err(_) => {
                        local_err.set(Some(i.t(k!("cases.minutes_number")).to_owned()));
                        return;
                    }
                }
            };
            local_err.set(None);
            let data = match k {
                EventKind::DocumentCheck => serde_json::json!({
                    "checked": ticks.iter().filter(|(_, t)| t.get_untracked()).map(|(d, _)| d.clone()).collect::<Vec<_>>()
                }),
                EventKind::Appointment => serde_json::json!({
                    "at": when.get_untracked(), "place": place.get_untracked()
                }),
                _ => serde_json::Value::Null,
            };
            let body = NewCaseEvent {
                kind: k,
                note: note.get_untracked(),
                minutes: minutes_value,
                data,
            };
            let id = case_id.clone();
            let ticks = ticks.clone();
            spawn_local(async move {
                match api::cases::add_event(&id, &body).await {
                    Ok(_) => {
                        err.set(None);
                        note.set(String::new());
                        minutes.set(String::new());
                        ticks.iter().for_each(|(_, t)| t.set(false));
                        reload.run(());
                    }
                    Err(e) => err.set(Some(e)),
                }
            });
        }
    };
    let kinds = Signal::derive(move || {
        let lang = i.lang.get();
        [
            EventKind::Note,
            EventKind::Intervention,
            EventKind::PhoneCall,
            EventKind::DocumentCheck,
            EventKind::Appointment,
        ]
        .iter()
        .map(|k| (k.as_str().to_owned(), text(lang, event_key(*k)).to_owned()))
        .collect()
    });
    let msg = Signal::derive(move || {
        local_err
            .get()
            .or_else(|| err.with(|e| e.as_ref().map(|e| error_message(i.lang.get(), e))))
    });
    let minutes_err = Signal::derive(move || {
        local_err.get().or_else(|| {
            err.with(|e| {
                e.as_ref()
                    .and_then(|e| e.field("minutes"))
                    .map(|f| crate::components::field_text(i.lang.get(), f))
            })
        })
    });
    let is = move |k: &'static str| kind.with(|v| v == k);
    let me = crate::session::use_session()
        .user
        .with_untracked(|u| u.as_ref().map(|u| u.id.clone()))
        .unwrap_or_default();
    view! {
        <section aria-labelledby="timeline-title">
            <h2 id="timeline-title">{move || i.t(k!("cases.timeline"))}</h2>
            {if events.is_empty() { view! { <Empty /> }.into_any() } else { view! {
                <ol class="timeline">
                    {events.into_iter().map(|e| {
                        let at = e.at;
                        let extra = match e.kind {
                            EventKind::DocumentCheck => e.data.get("checked").and_then(|c| c.as_array()).map(|a| {
                                a.iter().filter_map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
                            }),
                            EventKind::Appointment => Some(format!(
                                "{} {}",
                                e.data.get("at").and_then(|v| v.as_str()).unwrap_or_default().replace('T', " "),
                                e.data.get("place").and_then(|v| v.as_str()).unwrap_or_default()
                            )).filter(|s| !s.trim().is_empty()),
                            _ => None,
                        };
                        // A workflow step reads "Aperta → In lavorazione".
                        let step = (e.kind == EventKind::StatusChange).then(|| {
                            let st = |k: &str| e.data.get(k).and_then(|v| v.as_str()).and_then(CaseStatus::parse);
                            (st("from"), st("to"))
                        });
                        view! {
                            <li>
                                <p>
                                    <strong>{move || i.t(event_key(e.kind))}</strong> " · " {move || fmt_datetime(i.lang.get(), &at)} " · " {e.author_name.clone().unwrap_or_default()}
                                    {e.minutes.map(|m| view! { " · " {m} " " {move || i.t(k!("cases.min"))} })}
                                </p>
                                {step.map(|(from, to)| view! {
                                    <p>{move || from.map(|f| i.t(status_key(f))).unwrap_or("—")} " → " {move || to.map(|t| i.t(status_key(t))).unwrap_or("—")}</p>
                                })}
                                {(!e.note.is_empty()).then(|| view! { <p>{e.note.clone()}</p> })}
                                {extra.map(|x| view! { <p class="muted">{x}</p> })}
                                {e.edited_at.map(|_| view! { <p class="muted">{move || i.t(k!("cases.edited"))}</p> })}
                                {(!e.previous.is_empty()).then(|| view! {
                                    <details class="previous">
                                        <summary>{move || i.t(k!("cases.previous"))} " (" {e.previous.len()} ")"</summary>
                                        <ol>
                                            {e.previous.iter().map(|p| {
                                                let at = p.replaced_at;
                                                view! {
                                                    <li>
                                                        <p>{p.note.clone()}</p>
                                                        <p class="muted">{move || i.t(k!("cases.replaced_by"))} " " {p.edited_by_name.clone().unwrap_or_default()} " · " {move || fmt_datetime(i.lang.get(), &at)}</p>
                                                    </li>
                                                }
                                            }).collect_view()}
                                        </ol>
                                    </details>
                                })}
                                {editable(&e, &me).then(|| view! { <NoteEdit case_id=case_id2.clone() event=e.clone() reload=reload /> })}
                            </li>
                        }
                    }).collect_view()}
                </ol>
            }.into_any() }}
            <form class="form" on:submit=submit novalidate aria-labelledby="add-event-title">
                <h3 id="add-event-title">{move || i.t(k!("cases.new_entry"))}</h3>
                <FormStatus error=msg />
                <SelectField id="event_kind" label=k!("cases.kind") value=kind options=kinds />
                <TextField id="note" label=k!("cases.note") value=note error=field_error(err, "note") />
                <Show when=move || is("intervention") || is("phone_call")>
                    <TextField id="minutes" label=k!("cases.minutes") kind="number" value=minutes error=minutes_err />
                </Show>
                <Show when=move || is("appointment")>
                    <TextField id="appointment_at" label=k!("cases.appointment_at") kind="datetime-local" value=when error=Signal::derive(|| None::<String>) />
                    <TextField id="appointment_place" label=k!("cases.appointment_place") value=place error=Signal::derive(|| None::<String>) />
                </Show>
                {
                    let ticks = ticks.clone();
                    view! {
                        <Show when=move || is("document_check")>
                            <fieldset>
                                <legend>{move || i.t(k!("cases.checklist"))}</legend>
                                {ticks.iter().enumerate().map(|(n, (d, t))| {
                                    let t = *t;
                                    view! { <crate::components::CheckField id=format!("doc-{n}") label=d.clone() checked=t /> }
                                }).collect_view()}
                            </fieldset>
                        </Show>
                    }
                }
                <button type="submit" class="btn btn-primary">{move || i.t(k!("cases.add_event"))}</button>
            </form>
        </section>
    }
}

/// An entry its author may still correct (`CaseEvent::may_edit`, the server's rule).
pub(super) fn editable(e: &CaseEvent, me: &str) -> bool {
    chrono::DateTime::from_timestamp_millis(js_sys::Date::now() as i64)
        .is_some_and(|now| e.may_edit(me, now).is_ok())
}

/// Corrects a note: a disclosure with the text and a save button.
#[component]
pub(super) fn NoteEdit(case_id: String, event: CaseEvent, reload: Callback<()>) -> impl IntoView {
    let i = use_i18n();
    let open = RwSignal::new(false);
    let text_value = RwSignal::new(event.note.clone());
    let err = RwSignal::new(None::<ApiError>);
    let field_id = format!("edit-{}", event.id);
    let ids = (case_id.clone(), event.id.clone());
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = EventEdit {
            note: text_value.get_untracked(),
        };
        let (case_id, event_id) = ids.clone();
        spawn_local(async move {
            match api::cases::edit_event(&case_id, &event_id, &body).await {
                Ok(_) => reload.run(()),
                Err(e) => err.set(Some(e)),
            }
        });
    };
    let msg = Signal::derive(move || {
        err.with(|e| {
            e.as_ref().map(|e| {
                e.field("note").map_or_else(
                    || error_message(i.lang.get(), e),
                    |f| crate::components::field_text(i.lang.get(), f),
                )
            })
        })
    });
    view! {
        <button type="button" class="btn btn-ghost" aria-expanded=move || open.get().to_string() on:click=move |_| open.update(|o| *o = !*o)>
            {move || i.t(k!("cases.edit_note"))}
        </button>
        <Show when=move || open.get()>
            <form class="inline-form" on:submit=save.clone() novalidate>
                <label for=field_id.clone()>{move || i.t(k!("cases.note"))}</label>
                <input id=field_id.clone() type="text" prop:value=move || text_value.get() on:input=move |ev| text_value.set(event_target_value(&ev)) />
                <button type="submit" class="btn">{move || i.t(k!("app.save"))}</button>
                <p class="error" role="alert">{move || msg.get()}</p>
            </form>
        </Show>
    }
}
