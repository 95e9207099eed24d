//! `/reports/drill`: the cases behind a figure, or behind lines of its breakdowns.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;
use lumit_shared::user::Role;

use crate::api::{self, enc};
use crate::components::{Empty, ErrorView, Loading};
use crate::i18n::{fmt_int, use_i18n};
use crate::pages::cases::CaseTable;

/// Those who read both the figures and the cases.
const DRILLERS: &[Role] = &[Role::Admin, Role::Coordinator, Role::Operator];

/// The query parameters the page passes on to the API.
const PARAMS: &[&str] = &[
    "indicator",
    "from",
    "to",
    "column",
    "municipality_id",
    "sex",
    "age_band",
    "citizenship",
    "category",
    "outcome",
];

/// The page.
#[component]
pub fn DrillPage() -> impl IntoView {
    view! { <crate::guard::RoleGate roles=DRILLERS><Drill /></crate::guard::RoleGate> }
}

#[component]
fn Drill() -> impl IntoView {
    let i = use_i18n();
    let query = use_query_map();
    let param = move |k: &str| query.with(|q| q.get(k)).unwrap_or_default();
    let data = LocalResource::new(move || {
        let mut path = api::reports::drill_path();
        for k in PARAMS {
            let v = param(k);
            if !v.is_empty() {
                path = path.with(k, &v);
            }
        }
        let path = path.with_raw("lang", i.lang.get().tag());
        async move { api::reports::drill(&path).await }
    });
    let back = move || {
        let mut href = format!("/reports?from={}&to={}", param("from"), param("to"));
        let m = param("municipality_id");
        if !m.is_empty() && param("indicator").is_empty() {
            href.push_str(&format!("&municipality_id={}", enc(&m)));
        }
        href
    };
    view! {
        <p><A href=back>{move || i.t(k!("rep.back"))}</A></p>
        <Transition fallback=|| view! { <Loading /> }>
            {move || data.get().map(|r| match r {
                Err(e) => view! { <ErrorView error=e retry=Callback::new(move |_| data.refetch()) /> }.into_any(),
                Ok(d) => {
                    let lines: Vec<String> = d.filters.iter().map(|f| f.label.clone()).collect();
                    let title = if lines.is_empty() {
                        d.indicator_label.clone()
                    } else {
                        format!("{} — {}", d.indicator_label, lines.join(", "))
                    };
                    let period = format!("{} – {}", d.from.format("%d/%m/%Y"), d.to.format("%d/%m/%Y"));
                    let cumulative = d.column == lumit_shared::report::Column::Cumulative;
                    let (cases, people, shown) = (d.cases, d.people, d.items.len() as i64);
                    view! {
                        <h1 tabindex="-1">{move || i.t(k!("rep.drill_title"))} ": " {title.clone()}</h1>
                        <p class="muted">
                            {move || i.t(k!("rep.period"))} ": " {period.clone()}
                            {move || cumulative.then(|| format!(" ({})", i.t(k!("rep.cumulative_long"))))}
                        </p>
                        <p role="status" data-testid="drill-counts">
                            {move || fmt_int(i.lang.get(), cases)} " " {move || i.t(k!("rep.cases"))} " · "
                            {move || fmt_int(i.lang.get(), people)} " " {move || i.t(k!("rep.people"))}
                            {move || (shown < cases).then(|| format!(" · {}", i.t(k!("rep.newest_shown")).replace("{n}", &fmt_int(i.lang.get(), shown))))}
                        </p>
                        {if d.items.is_empty() {
                            view! { <Empty /> }.into_any()
                        } else {
                            view! { <CaseTable items=d.items caption=k!("rep.drill_title") /> }.into_any()
                        }}
                    }.into_any()
                }
            })}
        </Transition>
    }
}
