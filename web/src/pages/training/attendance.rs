//! Taking attendance at the door, on a tablet: everyone holding a place, one tap per person
//! (present, absent, or present for some minutes), a search by name, counts at the top.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use lumit_shared::text::fold;
use lumit_shared::training::{Mark, Presence, SessionAttendance};
use lumit_shared::user::Role;

use super::fmt_session_time;
use crate::api::{self, ApiError};
use crate::components::{error_message, ErrorView, Loading};
use crate::guard::RoleGate;
use crate::i18n::use_i18n;

/// The attendance page of the session in the address.
#[component]
pub fn SessionAttendancePage() -> impl IntoView {
    view! { <RoleGate roles=&[Role::Admin, Role::Coordinator, Role::Trainer]><Sheet /></RoleGate> }
}

#[component]
fn Sheet() -> impl IntoView {
    let i = use_i18n();
    let params = use_params_map();
    let id = params.with_untracked(|p| p.get("id").unwrap_or_default());
    let session = {
        let id = id.clone();
        LocalResource::new(move || {
            let id = id.clone();
            async move { api::training::session(&id).await }
        })
    };
    let rows = RwSignal::new(Vec::<SessionAttendance>::new());
    let load_error = RwSignal::new(None::<ApiError>);
    let loaded = RwSignal::new(false);
    {
        let id = id.clone();
        spawn_local(async move {
            match api::training::session_attendance(&id).await {
                Ok(v) => rows.set(v),
                Err(e) => load_error.set(Some(e)),
            }
            loaded.set(true);
        });
    }
    let query = RwSignal::new(String::new());
    let err = RwSignal::new(None::<ApiError>);
    let send = {
        let id = id.clone();
        Callback::new(
            move |(enrolment_id, presence, minutes): (String, Presence, Option<i64>)| {
                let id = id.clone();
                spawn_local(async move {
                    match api::training::mark(&id, &enrolment_id, &Mark { presence, minutes }).await
                    {
                        Ok(row) => {
                            err.set(None);
                            rows.update(|v| {
                                if let Some(r) =
                                    v.iter_mut().find(|r| r.enrolment_id == row.enrolment_id)
                                {
                                    *r = row;
                                }
                            });
                        }
                        Err(e) => err.set(Some(e)),
                    }
                });
            },
        )
    };
    let counts = move || {
        rows.with(|v| {
            let present = v
                .iter()
                .filter(|r| matches!(r.presence, Some(Presence::Present | Presence::Partial)))
                .count();
            let open = v.iter().filter(|r| r.presence.is_none()).count();
            (present, v.len(), open)
        })
    };
    let shown = move || {
        let q = fold(&query.get());
        rows.get()
            .into_iter()
            .filter(|r| q.is_empty() || fold(&r.full_name).contains(&q))
            .collect::<Vec<_>>()
    };
    view! {
        <Suspense fallback=|| view! { <Loading /> }>
            {move || session.get().map(|r| match r {
                Ok(s) => view! {
                    <div class="page-head">
                        <h1 tabindex="-1">{move || i.t(k!("tr.attendance_of"))} ": " {s.course_title.clone()}</h1>
                        <A href=format!("/training/courses/{}", s.course_id) attr:class="btn">{move || i.t(k!("tr.back_to_course"))}</A>
                    </div>
                    <p class="lead">{fmt_session_time(&s)}</p>
                }.into_any(),
                Err(e) => view! { <ErrorView error=e /> }.into_any(),
            })}
        </Suspense>
        <p class="attendance-count" role="status" aria-live="polite">
            {move || { let (p, n, open) = counts(); format!("{} {p} {} {n} · {open} {}", i.t(k!("tr.present_count")), i.t(k!("tr.of")), i.t(k!("tr.not_marked"))) }}
        </p>
        {move || err.get().map(|e| view! { <p class="alert alert-error" role="alert">{
            if e.code() == Some("session_not_started") { i.t(k!("tr.not_started")).to_owned() } else { error_message(i.lang.get(), &e) }
        }</p> })}
        {move || load_error.get().map(|e| view! { <ErrorView error=e /> })}
        <div class="field search-field">
            <label for="attendance-search">{move || i.t(k!("tr.search_name"))}</label>
            <input id="attendance-search" type="search" autocomplete="off" prop:value=move || query.get() on:input=move |ev| query.set(event_target_value(&ev)) />
        </div>
        <Show when=move || loaded.get() fallback=|| view! { <Loading /> }>
            <ul class="attendance" aria-label=move || i.t(k!("tr.attendance"))>
                <For each=shown key=|r| (r.enrolment_id.clone(), r.presence.map(|p| p.as_str()), r.minutes) let:r>
                    <AttendanceRow row=r send=send />
                </For>
            </ul>
        </Show>
    }
}

#[component]
fn AttendanceRow(
    row: SessionAttendance,
    send: Callback<(String, Presence, Option<i64>)>,
) -> impl IntoView {
    let i = use_i18n();
    let minutes = RwSignal::new(
        row.minutes
            .filter(|_| row.presence == Some(Presence::Partial))
            .map(|m| m.to_string())
            .unwrap_or_default(),
    );
    let partial_open = RwSignal::new(row.presence == Some(Presence::Partial));
    let name_id = format!("who-{}", row.enrolment_id);
    let minutes_id = format!("minutes-{}", row.enrolment_id);
    let tap = |presence: Presence,
               key: crate::i18n::Key,
               enrolment: String,
               current: Option<Presence>| {
        view! {
            <button type="button" class="btn tap" class:on=current == Some(presence) aria-pressed=if current == Some(presence) { "true" } else { "false" }
                on:click=move |_| send.run((enrolment.clone(), presence, None))>
                {move || i.t(key)}
            </button>
        }
    };
    let save_minutes = {
        let enrolment = row.enrolment_id.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            if let Ok(m) = minutes.get_untracked().trim().parse::<i64>() {
                send.run((enrolment.clone(), Presence::Partial, Some(m)));
            }
        }
    };
    view! {
        <li class="attendance-row" class:marked=row.presence.is_some()>
            <div class="who" id=name_id.clone()>
                <strong>{row.full_name.clone()}</strong>
                {row.job_title.clone().map(|j| view! { <span class="hint">{j}</span> })}
            </div>
            <div class="taps" role="group" aria-labelledby=name_id>
                {tap(Presence::Present, k!("tr.present"), row.enrolment_id.clone(), row.presence)}
                {tap(Presence::Absent, k!("tr.absent"), row.enrolment_id.clone(), row.presence)}
                <button type="button" class="btn tap" class:on=row.presence == Some(Presence::Partial)
                    aria-pressed=if row.presence == Some(Presence::Partial) { "true" } else { "false" }
                    aria-expanded=move || if partial_open.get() { "true" } else { "false" }
                    on:click=move |_| partial_open.update(|o| *o = !*o)>
                    {move || i.t(k!("tr.partial"))}
                    {row.minutes.filter(|_| row.presence == Some(Presence::Partial)).map(|m| format!(" ({m}′)"))}
                </button>
            </div>
            <Show when=move || partial_open.get()>
                <form class="partial" on:submit=save_minutes.clone()>
                    <label for=minutes_id.clone()>{move || i.t(k!("tr.minutes"))}</label>
                    <input id=minutes_id.clone() type="number" min="1" inputmode="numeric" prop:value=move || minutes.get() on:input=move |ev| minutes.set(event_target_value(&ev)) />
                    <button type="submit" class="btn">{move || i.t(k!("tr.save_minutes"))}</button>
                </form>
            </Show>
        </li>
    }
}
