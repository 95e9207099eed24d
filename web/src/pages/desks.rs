//! Desk forms: name, contacts, languages and the weekly opening hours.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_params_map};
use lumit_shared::desk::{Desk, DeskPatch, NewDesk, OpeningSlot, Weekday};
use lumit_shared::user::Role;

use crate::api::{self, ApiError};
use crate::components::{
    error_message, field_error, CheckField, ErrorView, FormStatus, Loading, TextField,
};
use crate::guard::RoleGate;
use crate::i18n::{text, use_i18n};
use crate::pickers::{language_choices, MultiPickerField};

/// The desks of the chosen municipality as select options, after a first option (`first_key`:
/// "all" in a filter, "none" in a form); only active desks when `active_only`.
pub fn desk_options(
    municipality: RwSignal<String>,
    first_key: crate::i18n::Key,
    active_only: bool,
) -> Signal<Vec<(String, String)>> {
    let i = crate::i18n::use_i18n();
    let desks = LocalResource::new(move || {
        let m = municipality.get();
        async move {
            if m.is_empty() {
                return Vec::new();
            }
            api::municipalities::desks(&m).await.unwrap_or_default()
        }
    });
    Signal::derive(move || {
        let mut v = vec![(String::new(), i.t(first_key).to_owned())];
        v.extend(
            desks
                .get()
                .unwrap_or_default()
                .into_iter()
                .filter(|d| d.active || !active_only)
                .map(|d| (d.id, d.name)),
        );
        v
    })
}

/// The text key of a weekday.
pub fn weekday_key(d: Weekday) -> crate::i18n::Key {
    match d {
        Weekday::Monday => k!("day.monday"),
        Weekday::Tuesday => k!("day.tuesday"),
        Weekday::Wednesday => k!("day.wednesday"),
        Weekday::Thursday => k!("day.thursday"),
        Weekday::Friday => k!("day.friday"),
        Weekday::Saturday => k!("day.saturday"),
        Weekday::Sunday => k!("day.sunday"),
    }
}

/// A new desk at the municipality in the address.
#[component]
pub fn Create() -> impl IntoView {
    let params = use_params_map();
    let municipality = params.with_untracked(|p| p.get("id").unwrap_or_default());
    view! { <RoleGate roles=&[Role::Admin]><DeskForm municipality_id=municipality.clone() current=None /></RoleGate> }
}

/// Edits the desk in the address.
#[component]
pub fn Edit() -> impl IntoView {
    let params = use_params_map();
    let data = LocalResource::new(move || {
        let id = params.with(|p| p.get("id").unwrap_or_default());
        async move { api::desks::get_tagged(&id).await }
    });
    view! {
        <RoleGate roles=&[Role::Admin]>
            <Suspense fallback=|| view! { <Loading /> }>
                {move || data.get().map(|r| match r {
                    Ok((d, tag)) => view! { <DeskForm municipality_id=d.municipality_id.clone() current=Some((d, tag)) /> }.into_any(),
                    Err(e) => view! { <ErrorView error=e /> }.into_any(),
                })}
            </Suspense>
        </RoleGate>
    }
}

/// One editable opening slot.
#[derive(Clone)]
struct SlotRow {
    key: usize,
    weekday: RwSignal<String>,
    start: RwSignal<String>,
    end: RwSignal<String>,
}

fn opt(s: String) -> Option<String> {
    let t = s.trim().to_owned();
    (!t.is_empty()).then_some(t)
}

#[component]
fn DeskForm(municipality_id: String, current: Option<(Desk, Option<String>)>) -> impl IntoView {
    let i = use_i18n();
    let navigate = use_navigate();
    let d = current.as_ref().map(|(d, _)| d.clone());
    let name = RwSignal::new(d.as_ref().map(|d| d.name.clone()).unwrap_or_default());
    let address = RwSignal::new(
        d.as_ref()
            .and_then(|d| d.address.clone())
            .unwrap_or_default(),
    );
    let email = RwSignal::new(d.as_ref().and_then(|d| d.email.clone()).unwrap_or_default());
    let phone = RwSignal::new(d.as_ref().and_then(|d| d.phone.clone()).unwrap_or_default());
    let languages = RwSignal::new(
        d.as_ref()
            .map(|d| d.languages.join(", "))
            .unwrap_or_default(),
    );
    let active = RwSignal::new(d.as_ref().map(|d| d.active).unwrap_or(true));
    let next_key = StoredValue::new(0usize);
    let new_row = move |w: &str, a: &str, b: &str| {
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        SlotRow {
            key,
            weekday: RwSignal::new(w.into()),
            start: RwSignal::new(a.into()),
            end: RwSignal::new(b.into()),
        }
    };
    let rows = RwSignal::new(
        d.as_ref()
            .map(|d| {
                d.opening_hours
                    .iter()
                    .map(|s| new_row(s.weekday.as_str(), &s.start, &s.end))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default(),
    );
    let err = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let editing = current.clone();
    let back = format!("/municipalities/{municipality_id}");
    let submit = {
        let (navigate, back, municipality_id) =
            (navigate.clone(), back.clone(), municipality_id.clone());
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            busy.set(true);
            let slots: Vec<OpeningSlot> = rows
                .get_untracked()
                .iter()
                .map(|r| OpeningSlot {
                    weekday: Weekday::ALL
                        .into_iter()
                        .find(|d| d.as_str() == r.weekday.get_untracked())
                        .unwrap_or(Weekday::Monday),
                    start: r.start.get_untracked(),
                    end: r.end.get_untracked(),
                })
                .collect();
            let langs: Vec<String> = languages
                .get_untracked()
                .split(',')
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect();
            let (editing, navigate, back, municipality_id) = (
                editing.clone(),
                navigate.clone(),
                back.clone(),
                municipality_id.clone(),
            );
            spawn_local(async move {
                let result = match &editing {
                    None => {
                        let body = NewDesk {
                            name: name.get_untracked(),
                            address: opt(address.get_untracked()),
                            email: opt(email.get_untracked()),
                            phone: opt(phone.get_untracked()),
                            opening_hours: slots,
                            languages: langs,
                            active: None,
                        };
                        api::desks::create(&municipality_id, &body).await
                    }
                    Some((d, tag)) => {
                        let body = DeskPatch {
                            name: Some(name.get_untracked()),
                            address: Some(opt(address.get_untracked())),
                            email: Some(opt(email.get_untracked())),
                            phone: Some(opt(phone.get_untracked())),
                            opening_hours: Some(slots),
                            languages: Some(langs),
                            active: Some(active.get_untracked()),
                        };
                        api::desks::update(&d.id, &body, tag.as_deref()).await
                    }
                };
                busy.set(false);
                match result {
                    Ok(_) => navigate(&back, Default::default()),
                    Err(e) => err.set(Some(e)),
                }
            });
        }
    };
    let days = move || {
        let lang = i.lang.get();
        Weekday::ALL
            .iter()
            .map(|d| (d.as_str(), text(lang, weekday_key(*d))))
            .collect::<Vec<_>>()
    };
    let slot_error = move |idx: usize| {
        err.with(|e| {
            e.as_ref().and_then(|e| e.problem()).map(|p| {
                p.errors
                    .iter()
                    .filter(|fe| {
                        fe.field == format!("opening_hours[{idx}]")
                            || fe.field.starts_with(&format!("opening_hours[{idx}]."))
                    })
                    .map(|fe| fe.message.clone())
                    .collect::<Vec<_>>()
                    .join("; ")
            })
        })
        .filter(|s| !s.is_empty())
    };
    let numbered_rows = move || {
        rows.get()
            .into_iter()
            .enumerate()
            .collect::<Vec<(usize, SlotRow)>>()
    };
    let title = if current.is_some() {
        k!("desk.edit")
    } else {
        k!("desk.new")
    };
    let form_error =
        Signal::derive(move || err.with(|e| e.as_ref().map(|e| error_message(i.lang.get(), e))));
    let languages_error = Signal::derive(move || {
        err.with(|e| {
            e.as_ref().and_then(|e| e.problem()).and_then(|p| {
                p.errors
                    .iter()
                    .find(|fe| fe.field.starts_with("languages"))
                    .map(|fe| fe.message.clone())
            })
        })
    });
    view! {
        <h1 tabindex="-1">{move || i.t(title)}</h1>
        <form class="form" on:submit=submit novalidate>
            <FormStatus error=form_error />
            <TextField id="name" label=k!("desk.name") value=name error=field_error(err, "name") required=true />
            <TextField id="address" label=k!("mun.address") value=address error=field_error(err, "address") />
            <TextField id="email" label=k!("mun.email") value=email error=field_error(err, "email") kind="email" />
            <TextField id="phone" label=k!("mun.phone") value=phone error=field_error(err, "phone") kind="tel" />
            <MultiPickerField id="languages" label=k!("desk.languages") value=languages error=languages_error options=Signal::derive(move || language_choices(i.lang.get())) />
            <fieldset class="hours">
                <legend>{move || i.t(k!("desk.hours"))}</legend>
                <For
                    each=numbered_rows
                    key=|item| (item.0, item.1.key)
                    children=move |item: (usize, SlotRow)| {
                        let (idx, r) = item;
                        let key = r.key;
                        let n = idx + 1;
                        let err_id = format!("slot-{key}-error");
                        view! {
                            <div class="slot" role="group" aria-label=move || format!("{} {n}", i.t(k!("desk.hours")))>
                                <label for=format!("slot-{key}-day")>{move || i.t(k!("desk.day"))}</label>
                                <select id=format!("slot-{key}-day") on:change=move |ev| r.weekday.set(event_target_value(&ev))>
                                    {move || days().into_iter().map(|(v, l)| view! { <option value=v selected=r.weekday.get_untracked() == v>{l}</option> }).collect_view()}
                                </select>
                                <label for=format!("slot-{key}-start")>{move || i.t(k!("desk.from"))}</label>
                                <input id=format!("slot-{key}-start") type="text" inputmode="numeric" pattern="([01][0-9]|2[0-3]):[0-5][0-9]|24:00" placeholder="hh:mm" autocomplete="off" aria-describedby=err_id.clone() prop:value=move || r.start.get() on:input=move |ev| r.start.set(event_target_value(&ev)) />
                                <label for=format!("slot-{key}-end")>{move || i.t(k!("desk.to"))}</label>
                                <input id=format!("slot-{key}-end") type="text" inputmode="numeric" pattern="([01][0-9]|2[0-3]):[0-5][0-9]|24:00" placeholder="hh:mm" autocomplete="off" aria-describedby=err_id.clone() prop:value=move || r.end.get() on:input=move |ev| r.end.set(event_target_value(&ev)) />
                                <button type="button" class="btn btn-ghost" on:click=move |_| rows.update(|v| v.retain(|x| x.key != key))>
                                    {move || i.t(k!("desk.remove_slot"))}
                                </button>
                                <p class="error" id=err_id role="alert">{move || slot_error(idx)}</p>
                            </div>
                        }
                    }
                />
                <button type="button" class="btn" on:click=move |_| rows.update(|v| v.push(new_row("monday", "09:00", "12:00")))>
                    {move || i.t(k!("desk.add_slot"))}
                </button>
            </fieldset>
            {current.is_some().then(|| view! { <CheckField id="active".to_owned() label=Signal::derive(move || i.t(k!("app.active")).to_owned()) checked=active /> })}
            <div class="actions">
                <button type="submit" class="btn btn-primary" disabled=move || busy.get()>{move || if busy.get() { i.t(k!("app.saving")) } else { i.t(k!("app.save")) }}</button>
                <a href=back.clone() class="btn">{move || i.t(k!("app.cancel"))}</a>
            </div>
        </form>
    }
}
