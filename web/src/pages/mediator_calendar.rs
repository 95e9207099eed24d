//! A mediator's week: seven days, Monday first, each with its jobs; previous and next week.

use chrono::{Datelike, Duration, NaiveDate};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};
use lumit_shared::mediation::ServiceRequest;
use lumit_shared::user::Role;

use crate::api;
use crate::components::{ErrorView, Loading};
use crate::guard::RoleGate;
use crate::i18n::{text, use_i18n};
use crate::pages::availability::WEEKDAYS;
use crate::pages::requests::{fmt_date, job_day, today, JobLine};

/// The Monday of a day's week.
pub fn monday_of(d: NaiveDate) -> NaiveDate {
    d - Duration::days(d.weekday().num_days_from_monday().into())
}

/// The calendar page.
#[component]
pub fn Calendar() -> impl IntoView {
    view! { <RoleGate roles=&[Role::Admin, Role::Coordinator, Role::Mediator]><Week /></RoleGate> }
}

#[component]
fn Week() -> impl IntoView {
    let i = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let monday = move || {
        let d = query
            .with(|q| q.get("week"))
            .and_then(|w| NaiveDate::parse_from_str(&w, "%Y-%m-%d").ok())
            .unwrap_or_else(today);
        monday_of(d)
    };
    // The name is a nicety: a mediator looking at their own week may not read the record.
    let mediator = LocalResource::new(move || {
        let id = id();
        async move { api::mediators::get(&id).await.ok() }
    });
    let jobs = LocalResource::new(move || {
        let (id, from) = (id(), monday());
        let to = from + Duration::days(7);
        async move { api::mediators::calendar(&id, from, to).await }
    });
    let link = move |d: NaiveDate| format!("/mediators/{}/calendar?week={d}", id());
    let range = move || {
        let m = monday();
        format!("{} – {}", fmt_date(m), fmt_date(m + Duration::days(6)))
    };
    view! {
        <h1 tabindex="-1">
            {move || i.t(k!("cal.title"))}
            {move || mediator.get().flatten().map(|m| format!(": {}", m.full_name))}
        </h1>
        <p class="lead" aria-live="polite">{move || i.t(k!("cal.week_of"))} " " {range}</p>
        <nav class="actions" aria-label=move || i.t(k!("cal.weeks"))>
            <A href=move || link(monday() - Duration::days(7)) attr:class="btn">{move || i.t(k!("cal.previous"))}</A>
            <A href=move || link(monday_of(today())) attr:class="btn">{move || i.t(k!("cal.this_week"))}</A>
            <A href=move || link(monday() + Duration::days(7)) attr:class="btn">{move || i.t(k!("cal.next"))}</A>
        </nav>
        <Transition fallback=|| view! { <Loading /> }>
            {move || jobs.get().map(|r| match r {
                Err(e) => view! { <ErrorView error=e retry=Callback::new(move |_| jobs.refetch()) /> }.into_any(),
                Ok(list) => {
                    let m = monday();
                    let now = today();
                    view! {
                        <ol class="week">
                            {WEEKDAYS.iter().enumerate().map(|(n, (_, key))| {
                                let day = m + Duration::days(n as i64);
                                let of_day: Vec<ServiceRequest> = list.iter().filter(|r| job_day(r) == Some(day)).cloned().collect();
                                let title_id = format!("day-{day}");
                                let label_id = title_id.clone();
                                let empty = of_day.is_empty();
                                view! {
                                    <li class="day" class:today=day == now aria-labelledby=label_id>
                                        <h2 id=title_id>
                                            {move || text(i.lang.get(), *key)} " " {fmt_date(day)}
                                            {(day == now).then(|| view! { <span class="visually-hidden">{move || format!(" ({})", i.t(k!("cal.today")))}</span> })}
                                        </h2>
                                        {if empty {
                                            view! { <p class="muted">{move || i.t(k!("cal.free"))}</p> }.into_any()
                                        } else {
                                            view! { <ul class="jobs">{of_day.into_iter().map(|r| view! { <JobLine r=r /> }).collect_view()}</ul> }.into_any()
                                        }}
                                    </li>
                                }
                            }).collect_view()}
                        </ol>
                    }.into_any()
                }
            })}
        </Transition>
    }
}
