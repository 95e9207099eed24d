//! The questionnaire a participant opens from the link in their e-mail: no account, four
//! questions, once. And, on the course page, the results and the button that sends the links.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;
use lumit_shared::training::{Answers, MessageLanguage, QuestionnaireInvite};

use crate::api::{self, ApiError};
use crate::components::{error_message, field_error, FormStatus, Loading, TextAreaField};
use crate::i18n::{fmt_int, use_i18n, Lang};

/// The participant's page at `/questionario/{token}`.
#[component]
pub fn QuestionnairePage() -> impl IntoView {
    let i = use_i18n();
    let params = use_params_map();
    let token = params.with_untracked(|p| p.get("token").unwrap_or_default());
    let invite = {
        let token = token.clone();
        LocalResource::new(move || {
            let token = token.clone();
            async move {
                let r = api::training::invitation(&token).await;
                if let Ok(inv) = &r {
                    i.set(if inv.language == MessageLanguage::En {
                        Lang::En
                    } else {
                        Lang::It
                    });
                }
                r
            }
        })
    };
    view! {
        <main id="main" class="login-page">
            <div class="login-card questionnaire">
                <p class="brand-name">"LUMIT"</p>
                <Suspense fallback=|| view! { <Loading /> }>
                    {move || invite.get().map(|r| match r {
                        Ok(inv) => view! { <Questions token=token.clone() invite=inv /> }.into_any(),
                        Err(e) => {
                            let key = match e.code() {
                                Some("already_answered") => k!("q.already"),
                                Some("link_expired") => k!("q.expired"),
                                _ => k!("q.unknown"),
                            };
                            view! {
                                <h1 tabindex="-1">{move || i.t(k!("q.title"))}</h1>
                                <p class="alert alert-info" role="status">{move || i.t(key)}</p>
                            }.into_any()
                        }
                    })}
                </Suspense>
            </div>
        </main>
    }
}

/// A score from 1 to 5 as a group of radio buttons.
#[component]
fn Score(
    id: &'static str,
    legend: crate::i18n::Key,
    low: crate::i18n::Key,
    high: crate::i18n::Key,
    value: RwSignal<i64>,
    error: Signal<Option<String>>,
) -> impl IntoView {
    let i = use_i18n();
    let err_id = format!("{id}-error");
    let described = err_id.clone();
    view! {
        <fieldset class="score" aria-describedby=described>
            <legend>{move || i.t(legend)} <span class="req" aria-hidden="true">" *"</span></legend>
            <div class="score-options">
                <span class="hint" aria-hidden="true">{move || i.t(low)}</span>
                {(1..=5).map(|n| {
                    let rid = format!("{id}-{n}");
                    view! {
                        <span class="score-option">
                            <input type="radio" name=id id=rid.clone() value=n.to_string()
                                prop:checked=move || value.get() == n on:change=move |_| value.set(n) />
                            <label for=rid>{n}</label>
                        </span>
                    }
                }).collect_view()}
                <span class="hint" aria-hidden="true">{move || i.t(high)}</span>
            </div>
            <p class="error" id=err_id role="alert">{move || error.get()}</p>
        </fieldset>
    }
}

#[component]
fn Questions(token: String, invite: QuestionnaireInvite) -> impl IntoView {
    let i = use_i18n();
    let satisfaction = RwSignal::new(0i64);
    let usefulness = RwSignal::new(0i64);
    let recommend = RwSignal::new(None::<bool>);
    let comment = RwSignal::new(String::new());
    let err = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let done = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(rec) = recommend.get_untracked() else {
            err.set(Some(ApiError::invalid(vec![
                lumit_shared::FieldError::new("recommend", "required", "choose yes or no"),
            ])));
            return;
        };
        let body = Answers {
            satisfaction: satisfaction.get_untracked(),
            usefulness: usefulness.get_untracked(),
            recommend: rec,
            comment: Some(comment.get_untracked()).filter(|c| !c.trim().is_empty()),
        };
        busy.set(true);
        let token = token.clone();
        spawn_local(async move {
            match api::training::answer_questionnaire(&token, &body).await {
                Ok(()) => done.set(true),
                Err(e) => err.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let form_error =
        Signal::derive(move || err.with(|e| e.as_ref().map(|e| error_message(i.lang.get(), e))));
    view! {
        <h1 tabindex="-1">{move || i.t(k!("q.title"))}</h1>
        <p class="lead">{invite.course_title.clone()} " · " {invite.organisation.clone()}</p>
        <p class="alert alert-ok" role="status" hidden=move || !done.get()>{move || i.t(k!("q.thanks"))}</p>
        <div hidden=move || done.get()>
            <p class="hint">{move || i.t(k!("q.anonymous"))}</p>
            <form on:submit=submit novalidate>
                <FormStatus error=form_error />
                <Score id="satisfaction" legend=k!("q.satisfaction") low=k!("q.low") high=k!("q.high") value=satisfaction error=field_error(err, "satisfaction") />
                <Score id="usefulness" legend=k!("q.usefulness") low=k!("q.not_at_all") high=k!("q.very") value=usefulness error=field_error(err, "usefulness") />
                <fieldset class="score" aria-describedby="recommend-error">
                    <legend>{move || i.t(k!("q.recommend"))} <span class="req" aria-hidden="true">" *"</span></legend>
                    <span class="score-option">
                        <input type="radio" name="recommend" id="recommend-yes" prop:checked=move || recommend.get() == Some(true) on:change=move |_| recommend.set(Some(true)) />
                        <label for="recommend-yes">{move || i.t(k!("q.yes"))}</label>
                    </span>
                    <span class="score-option">
                        <input type="radio" name="recommend" id="recommend-no" prop:checked=move || recommend.get() == Some(false) on:change=move |_| recommend.set(Some(false)) />
                        <label for="recommend-no">{move || i.t(k!("q.no"))}</label>
                    </span>
                    <p class="error" id="recommend-error" role="alert">{move || field_error(err, "recommend").get()}</p>
                </fieldset>
                <TextAreaField id="comment" label=k!("q.comment") value=comment error=field_error(err, "comment") />
                <button type="submit" class="btn btn-primary" disabled=move || busy.get()>{move || i.t(k!("q.send"))}</button>
            </form>
        </div>
    }
}

/// A course's results, and for those who plan, the button that sends the links.
#[component]
pub fn Results(course_id: String, changed: RwSignal<u32>, can_send: bool) -> impl IntoView {
    let i = use_i18n();
    let path = course_id.clone();
    let results = {
        let path = path.clone();
        LocalResource::new(move || {
            changed.track();
            let path = path.clone();
            async move { api::training::feedback(&path).await }
        })
    };
    let err = RwSignal::new(None::<ApiError>);
    let sent_now = RwSignal::new(false);
    let send = move |_| {
        let path = path.clone();
        spawn_local(async move {
            match api::training::send_questionnaire(&path).await {
                Ok(_) => {
                    err.set(None);
                    sent_now.set(true);
                    changed.update(|n| *n += 1);
                }
                Err(e) => err.set(Some(e)),
            }
        });
    };
    let bars = move |title: crate::i18n::Key, counts: [i64; 5]| {
        let total: i64 = counts.iter().sum::<i64>().max(1);
        view! {
            <h4>{move || i.t(title)}</h4>
            {(1..=5).map(|n| {
                let c = counts[n - 1];
                let pct = c * 100 / total;
                view! {
                    <div class="rate">
                        <span>{n}</span>
                        <span class="bar" aria-hidden="true"><span style=format!("width: {pct}%")></span></span>
                        <span>{move || fmt_int(i.lang.get(), c)}</span>
                    </div>
                }
            }).collect_view()}
        }
    };
    let avg = move |v: Option<f64>| match v {
        Some(a) => {
            let s = format!("{a:.1}");
            if i.lang.get() == Lang::It {
                s.replace('.', ",")
            } else {
                s
            }
        }
        None => "—".to_owned(),
    };
    view! {
        <section aria-labelledby="feedback-title">
            <h2 id="feedback-title">{move || i.t(k!("q.results"))}</h2>
            {move || err.get().map(|e| view! { <p class="alert alert-error" role="alert">{
                if e.code() == Some("course_not_over") { i.t(k!("q.not_over")).to_owned() } else { error_message(i.lang.get(), &e) }
            }</p> })}
            <p class="alert alert-ok" role="status" hidden=move || !sent_now.get()>{move || i.t(k!("q.sent_now"))}</p>
            {can_send.then(|| view! { <button type="button" class="btn" on:click=send>{move || i.t(k!("q.send_links"))}</button> })}
            <Suspense fallback=|| view! { <Loading /> }>
                {move || results.get().map(|r| match r {
                    Err(e) => view! { <crate::components::ErrorView error=e /> }.into_any(),
                    Ok(f) => view! {
                        <div class="stats">
                            <div class="stat"><p class="stat-value">{move || format!("{} / {}", fmt_int(i.lang.get(), f.answered), fmt_int(i.lang.get(), f.sent))}</p><p class="stat-label">{move || i.t(k!("q.answered"))}</p></div>
                            <div class="stat"><p class="stat-value">{move || avg(f.satisfaction_average)}</p><p class="stat-label">{move || i.t(k!("q.satisfaction_avg"))}</p></div>
                            <div class="stat"><p class="stat-value">{move || avg(f.usefulness_average)}</p><p class="stat-label">{move || i.t(k!("q.usefulness_avg"))}</p></div>
                            <div class="stat"><p class="stat-value">{move || format!("{} / {}", fmt_int(i.lang.get(), f.recommend_yes), fmt_int(i.lang.get(), f.recommend_yes + f.recommend_no))}</p><p class="stat-label">{move || i.t(k!("q.would_recommend"))}</p></div>
                        </div>
                        {(f.answered > 0).then(|| view! {
                            {bars(k!("q.satisfaction"), f.satisfaction)}
                            {bars(k!("q.usefulness"), f.usefulness)}
                        })}
                        {(!f.comments.is_empty()).then(|| view! {
                            <h4>{move || i.t(k!("q.comments"))}</h4>
                            <ul class="comments">{f.comments.iter().map(|c| view! { <li>{c.clone()}</li> }).collect_view()}</ul>
                        })}
                    }.into_any(),
                })}
            </Suspense>
        </section>
    }
}
