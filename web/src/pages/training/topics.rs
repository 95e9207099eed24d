//! The editable list of training topics, for those who plan the programme.

use leptos::prelude::*;
use leptos::task::spawn_local;
use lumit_shared::training::{NewTopic, Topic, TopicPatch};

use crate::api::{self, ApiError};
use crate::components::{error_message, field_error, FormStatus, TextField};
use crate::i18n::use_i18n;

/// Topics: each offered or not, and a form for a new one.
#[component]
pub fn Topics() -> impl IntoView {
    let i = use_i18n();
    let topics = RwSignal::new(Vec::<Topic>::new());
    let reload = move || {
        spawn_local(async move {
            if let Ok(t) = api::training::topics().await {
                topics.set(t);
            }
        })
    };
    reload();
    let name_it = RwSignal::new(String::new());
    let name_en = RwSignal::new(String::new());
    let err = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        let body = NewTopic {
            name_it: name_it.get_untracked(),
            name_en: name_en.get_untracked(),
        };
        spawn_local(async move {
            match api::training::create_topic(&body).await {
                Ok(_) => {
                    err.set(None);
                    name_it.set(String::new());
                    name_en.set(String::new());
                    reload();
                }
                Err(e) => err.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let toggle = move |t: Topic| {
        let body = TopicPatch {
            active: Some(!t.active),
            ..Default::default()
        };
        spawn_local(async move {
            match api::training::update_topic(&t.id, &body).await {
                Ok(_) => reload(),
                Err(e) => err.set(Some(e)),
            }
        });
    };
    let form_error =
        Signal::derive(move || err.with(|e| e.as_ref().map(|e| error_message(i.lang.get(), e))));
    view! {
        <section aria-labelledby="topics-title">
            <details>
                <summary><h2 id="topics-title" class="inline">{move || i.t(k!("tr.topics"))}</h2></summary>
                <table class="table compact">
                    <caption class="visually-hidden">{move || i.t(k!("tr.topics"))}</caption>
                    <thead><tr>
                        <th scope="col">{move || i.t(k!("tr.name_it"))}</th>
                        <th scope="col">{move || i.t(k!("tr.name_en"))}</th>
                        <th scope="col">{move || i.t(k!("tr.status"))}</th>
                        <th scope="col"><span class="visually-hidden">{move || i.t(k!("tr.actions"))}</span></th>
                    </tr></thead>
                    <tbody>
                        <For each=move || topics.get() key=|t| (t.id.clone(), t.active) let:t>
                            <tr>
                                <td>{t.name_it.clone()}</td>
                                <td lang="en">{t.name_en.clone()}</td>
                                <td>{move || i.t(if t.active { k!("tr.topic_on") } else { k!("tr.topic_off") })}</td>
                                <td>{
                                    let t2 = t.clone();
                                    let label = format!("{}: {}", t.name_it, t.name_en);
                                    view! {
                                        <button type="button" class="btn btn-ghost" aria-label=move || format!("{} — {label}", i.t(if t2.active { k!("tr.retire") } else { k!("tr.offer") }))
                                            on:click={ let t3 = t.clone(); move |_| toggle(t3.clone()) }>
                                            {move || i.t(if t.active { k!("tr.retire") } else { k!("tr.offer") })}
                                        </button>
                                    }
                                }</td>
                            </tr>
                        </For>
                    </tbody>
                </table>
                <form class="form" on:submit=add novalidate aria-labelledby="new-topic-title">
                    <h3 id="new-topic-title">{move || i.t(k!("tr.new_topic"))}</h3>
                    <FormStatus error=form_error />
                    <TextField id="topic-name-it" label=k!("tr.name_it") value=name_it error=field_error(err, "name_it") required=true />
                    <TextField id="topic-name-en" label=k!("tr.name_en") value=name_en error=field_error(err, "name_en") required=true />
                    <div class="actions">
                        <button type="submit" class="btn" disabled=move || busy.get()>{move || i.t(k!("tr.add_topic"))}</button>
                    </div>
                </form>
            </details>
        </section>
    }
}
