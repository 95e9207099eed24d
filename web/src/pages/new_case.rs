//! The new-case flow: find the person first (search as you type, spelling variants included), or
//! register them — a possible duplicate is shown with the candidates — then open the case.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use lumit_shared::case::{Channel, NewCase, Priority};
use lumit_shared::person::{DuplicateCandidate, DuplicateElsewhere, NewPerson, Sex};
use lumit_shared::user::Role;

use crate::api::{self, ApiError};
use crate::components::{
    error_message, field_error, CheckField, DateField, FormStatus, SelectField, TextField,
};
use crate::guard::RoleGate;
use crate::i18n::{text, use_i18n, Lang};
use crate::pages::municipalities::{all_municipalities, my_municipalities};
use crate::pickers::{country_choices, language_choices, MultiPickerField, PickerField};
use crate::session::use_session;

/// The flow's page.
#[component]
pub fn NewCase() -> impl IntoView {
    view! { <RoleGate roles=&[Role::Admin, Role::Coordinator, Role::Operator]><Flow /></RoleGate> }
}

#[component]
fn Flow() -> impl IntoView {
    let i = use_i18n();
    let s = use_session();
    let chosen = RwSignal::new(None::<(String, String)>);
    let q = RwSignal::new(String::new());
    let found = LocalResource::new(move || {
        let text = q.get();
        async move {
            if text.trim().len() < 2 {
                return Ok(Vec::new());
            }
            api::people::find(&text).await.map(|p| p.items)
        }
    });
    let first = RwSignal::new(String::new());
    let last = RwSignal::new(String::new());
    let birth = RwSignal::new(String::new());
    let citizenship = RwSignal::new(String::new());
    let born_in = RwSignal::new(String::new());
    let sex = RwSignal::new("X".to_owned());
    let phone = RwSignal::new(String::new());
    let languages = RwSignal::new(String::new());
    let tax_code = RwSignal::new(String::new());
    let permit_type = RwSignal::new(String::new());
    let permit_expiry = RwSignal::new(String::new());
    let local_err = RwSignal::new(None::<(&'static str, crate::i18n::Key)>);
    let municipality = RwSignal::new(String::new());
    let person_err = RwSignal::new(None::<ApiError>);
    let candidates = RwSignal::new(Vec::<DuplicateCandidate>::new());
    let elsewhere = RwSignal::new(Vec::<DuplicateElsewhere>::new());
    let municipalities = LocalResource::new(all_municipalities);
    let mine = Signal::derive(move || {
        let v = my_municipalities(s, municipalities.get().and_then(|r| r.ok()));
        if municipality.get_untracked().is_empty() {
            if let Some((id, _)) = v.first() {
                municipality.set(id.clone());
            }
        }
        v
    });
    let register = move |confirm_new: bool| {
        // A date the browser could not read is an error here, never silently dropped.
        let date = |v: RwSignal<String>, field: &'static str| {
            let v = v.get_untracked();
            let v = v.trim();
            if v.is_empty() {
                return Ok(None);
            }
            chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d")
                .map(Some)
                .map_err(|_| field)
        };
        let (birth_date, expiry) = match (
            date(birth, "birth_date"),
            date(permit_expiry, "permit_expiry"),
        ) {
            (Ok(b), Ok(e)) => (b, e),
            (Err(f), _) | (_, Err(f)) => {
                local_err.set(Some((f, k!("new.date_format"))));
                return;
            }
        };
        local_err.set(None);
        let opt = |v: RwSignal<String>| {
            Some(v.get_untracked().trim().to_owned()).filter(|c| !c.is_empty())
        };
        let body = NewPerson {
            first_name: first.get_untracked(),
            last_name: last.get_untracked(),
            sex: Sex::parse(&sex.get_untracked()).unwrap_or_default(),
            birth_date,
            citizenship: opt(citizenship),
            country_of_birth: opt(born_in),
            languages: languages
                .get_untracked()
                .split([',', ' '])
                .filter(|l| !l.is_empty())
                .map(|l| l.trim().to_lowercase())
                .collect(),
            phone: opt(phone),
            tax_code: opt(tax_code),
            permit_type: opt(permit_type),
            permit_expiry: expiry,
            municipality_id: municipality.get_untracked(),
            confirm_new,
            ..Default::default()
        };
        spawn_local(async move {
            match api::people::create(&body).await {
                Ok(p) => {
                    person_err.set(None);
                    candidates.set(Vec::new());
                    elsewhere.set(Vec::new());
                    chosen.set(Some((p.id, format!("{} {}", p.first_name, p.last_name))));
                }
                Err(e) => {
                    let dup = e.problem().filter(|p| p.code == "possible_duplicate");
                    let member = |name: &str| dup.and_then(|p| p.extra.get(name).cloned());
                    candidates.set(
                        member("candidates")
                            .and_then(|c| serde_json::from_value(c).ok())
                            .unwrap_or_default(),
                    );
                    elsewhere.set(
                        member("elsewhere")
                            .and_then(|c| serde_json::from_value(c).ok())
                            .unwrap_or_default(),
                    );
                    person_err.set(Some(e));
                }
            }
        });
    };
    let err_of = move |field: &'static str| {
        let server = field_error(person_err, field);
        Signal::derive(move || {
            local_err
                .get()
                .filter(|(f, _)| *f == field)
                .map(|(_, k)| i.t(k).to_owned())
                .or_else(|| server.get())
        })
    };
    // The API names each language's position (`languages[1]`); the form has one field.
    let languages_err = Signal::derive(move || {
        person_err.with(|e| {
            e.as_ref().and_then(|e| {
                e.problem().and_then(|p| {
                    p.errors
                        .iter()
                        .find(|f| f.field.starts_with("languages"))
                        .map(|f| f.message.clone())
                })
            })
        })
    });
    let sexes = Signal::derive(move || {
        let lang = i.lang.get();
        [
            ("X", k!("person.sex_x")),
            ("F", k!("person.sex_f")),
            ("M", k!("person.sex_m")),
        ]
        .iter()
        .map(|(v, k)| ((*v).to_owned(), text(lang, *k).to_owned()))
        .collect()
    });
    let person_msg = Signal::derive(move || {
        person_err.with(|e| {
            e.as_ref()
                .filter(|e| e.problem().is_none_or(|p| p.code != "possible_duplicate"))
                .map(|e| error_message(i.lang.get(), e))
        })
    });
    view! {
        <h1 tabindex="-1">{move || i.t(k!("new.title"))}</h1>
        {move || match chosen.get() {
            Some((id, name)) => view! { <CaseForm person_id=id person_name=name /> }.into_any(),
            None => view! {
                <section class="card" aria-labelledby="find-title">
                    <h2 id="find-title">{move || i.t(k!("new.find"))}</h2>
                    <div class="field">
                        <label for="find">{move || i.t(k!("new.find_hint"))}</label>
                        <input id="find" type="search" autocomplete="off" prop:value=move || q.get() on:input=move |ev| q.set(event_target_value(&ev)) />
                    </div>
                    <ul class="plain" aria-live="polite">
                        {move || found.get().and_then(|r| r.ok()).unwrap_or_default().into_iter().map(|p| {
                            let label = format!("{} {}", p.first_name, p.last_name);
                            let (id, l2) = (p.id.clone(), label.clone());
                            view! { <li>{label.clone()} " " {p.birth_date.map(|d| d.format("%d/%m/%Y").to_string())} " "
                                <button type="button" class="btn" aria-label=move || format!("{} {l2}", i.t(k!("new.choose")))
                                    on:click=move |_| chosen.set(Some((id.clone(), label.clone())))>{move || i.t(k!("new.choose"))}</button></li> }
                        }).collect_view()}
                    </ul>
                </section>
                <section class="card" aria-labelledby="register-title">
                    <h2 id="register-title">{move || i.t(k!("new.or_create"))}</h2>
                    <form class="form" novalidate on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); register(false); }>
                        <FormStatus error=person_msg />
                        <TextField id="first_name" label=k!("new.first_name") value=first error=field_error(person_err, "first_name") required=true />
                        <TextField id="last_name" label=k!("new.last_name") value=last error=field_error(person_err, "last_name") required=true />
                        <SelectField id="sex" label=k!("person.sex") value=sex options=sexes error=field_error(person_err, "sex") />
                        <DateField id="birth_date" label=k!("new.birth_date") value=birth error=err_of("birth_date") />
                        <PickerField id="citizenship" label=k!("person.citizenship") value=citizenship options=Signal::derive(move || country_choices(i.lang.get(), true)) error=field_error(person_err, "citizenship") />
                        <PickerField id="country_of_birth" label=k!("person.country_of_birth") value=born_in options=Signal::derive(move || country_choices(i.lang.get(), false)) error=field_error(person_err, "country_of_birth") />
                        <MultiPickerField id="languages" label=k!("person.languages") value=languages options=Signal::derive(move || language_choices(i.lang.get())) error=languages_err />
                        <TextField id="phone" label=k!("person.phone") kind="tel" value=phone error=field_error(person_err, "phone") />
                        <TextField id="tax_code" label=k!("person.tax_code") value=tax_code error=field_error(person_err, "tax_code") />
                        <TextField id="permit_type" label=k!("person.permit_type") value=permit_type error=field_error(person_err, "permit_type") />
                        <DateField id="permit_expiry" label=k!("person.permit_expiry") value=permit_expiry error=err_of("permit_expiry") />
                        <SelectField id="person_municipality" label=k!("new.municipality") value=municipality options=mine error=field_error(person_err, "municipality_id") />
                        <div role="alert" class="alert alert-info" hidden=move || candidates.with(Vec::is_empty) && elsewhere.with(Vec::is_empty)>
                            <p hidden=move || candidates.with(Vec::is_empty)>{move || i.t(k!("new.duplicate"))}</p>
                            <ul>
                                {move || candidates.get().into_iter().map(|c| {
                                    let label = format!("{} {}", c.first_name, c.last_name);
                                    let (id, l2) = (c.id.clone(), label.clone());
                                    view! { <li>{label.clone()} " " {c.birth_date.map(|d| d.format("%d/%m/%Y").to_string())} " "
                                        <button type="button" class="btn" on:click=move |_| chosen.set(Some((id.clone(), l2.clone())))>{move || i.t(k!("new.choose"))}</button></li> }
                                }).collect_view()}
                            </ul>
                            <p hidden=move || elsewhere.with(Vec::is_empty)>{move || i.t(k!("new.elsewhere"))} " "
                                <strong>{move || elsewhere.get().into_iter().map(|m| m.municipality_name).collect::<Vec<_>>().join(", ")}</strong>
                            </p>
                            <button type="button" class="btn" on:click=move |_| register(true)>{move || i.t(k!("new.create_anyway"))}</button>
                        </div>
                        <button type="submit" class="btn btn-primary">{move || i.t(k!("new.register"))}</button>
                    </form>
                </section>
            }.into_any(),
        }}
    }
}

#[component]
fn CaseForm(person_id: String, person_name: String) -> impl IntoView {
    let i = use_i18n();
    let s = use_session();
    let navigate = use_navigate();
    let category = RwSignal::new("residence_permit".to_owned());
    let subcategory = RwSignal::new(String::new());
    let summary = RwSignal::new(String::new());
    let municipality = RwSignal::new(String::new());
    let desk = RwSignal::new(String::new());
    let channel = RwSignal::new("desk".to_owned());
    let priority = RwSignal::new("normal".to_owned());
    let language = RwSignal::new(String::new());
    let mediator = RwSignal::new(false);
    let to_me = RwSignal::new(true);
    let err = RwSignal::new(None::<ApiError>);
    let categories = LocalResource::new(api::cases::categories);
    let municipalities = LocalResource::new(all_municipalities);
    let cat_options = Signal::derive(move || {
        let lang = i.lang.get();
        categories
            .get()
            .and_then(|r| r.ok())
            .unwrap_or_default()
            .into_iter()
            .filter(|c| c.parent_id.is_none() && c.active)
            .map(|c| {
                (
                    c.id,
                    if lang == Lang::It {
                        c.name_it
                    } else {
                        c.name_en
                    },
                )
            })
            .collect()
    });
    // Sub-categories of the chosen category; "none" first.
    let sub_options = Signal::derive(move || {
        let lang = i.lang.get();
        let parent = category.get();
        let mut v = vec![(String::new(), text(lang, k!("new.none")).to_owned())];
        v.extend(
            categories
                .get()
                .and_then(|r| r.ok())
                .unwrap_or_default()
                .into_iter()
                .filter(|c| c.active && c.parent_id.as_deref() == Some(parent.as_str()))
                .map(|c| {
                    (
                        c.id,
                        if lang == Lang::It {
                            c.name_it
                        } else {
                            c.name_en
                        },
                    )
                }),
        );
        v
    });
    let desk_options = crate::pages::desks::desk_options(municipality, k!("new.none"), true);
    let channels = Signal::derive(move || {
        let lang = i.lang.get();
        Channel::ALL
            .iter()
            .map(|c| {
                (
                    c.as_str().to_owned(),
                    text(lang, channel_key(*c)).to_owned(),
                )
            })
            .collect()
    });
    let priorities = Signal::derive(move || {
        let lang = i.lang.get();
        Priority::ALL
            .iter()
            .map(|p| {
                (
                    p.as_str().to_owned(),
                    text(lang, priority_key(*p)).to_owned(),
                )
            })
            .collect()
    });
    let mun_options = Signal::derive(move || {
        let v = my_municipalities(s, municipalities.get().and_then(|r| r.ok()));
        if municipality.get_untracked().is_empty() {
            if let Some((id, _)) = v.first() {
                municipality.set(id.clone());
            }
        }
        v
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = NewCase {
            person_id: person_id.clone(),
            municipality_id: municipality.get_untracked(),
            desk_id: Some(desk.get_untracked()).filter(|d| !d.is_empty()),
            category_id: category.get_untracked(),
            subcategory_id: Some(subcategory.get_untracked()).filter(|d| !d.is_empty()),
            channel: Channel::parse(&channel.get_untracked()).unwrap_or(Channel::Desk),
            priority: Priority::parse(&priority.get_untracked()).unwrap_or(Priority::Normal),
            assigned_to_id: to_me
                .get_untracked()
                .then(|| s.user.with_untracked(|u| u.as_ref().map(|u| u.id.clone())))
                .flatten(),
            summary: summary.get_untracked(),
            language: Some(language.get_untracked().trim().to_lowercase())
                .filter(|l| !l.is_empty()),
            mediator_present: mediator.get_untracked(),
        };
        let navigate = navigate.clone();
        spawn_local(async move {
            match api::cases::create(&body).await {
                Ok(c) => navigate(&format!("/cases/{}", c.id), Default::default()),
                Err(e) => err.set(Some(e)),
            }
        });
    };
    let form_error =
        Signal::derive(move || err.with(|e| e.as_ref().map(|e| error_message(i.lang.get(), e))));
    view! {
        <form class="form" novalidate on:submit=submit>
            <p><strong>{move || text(i.lang.get(), k!("new.person"))}</strong> ": " <span data-testid="chosen-person">{person_name.clone()}</span></p>
            <FormStatus error=form_error />
            <SelectField id="case_municipality" label=k!("new.municipality") value=municipality options=mun_options error=field_error(err, "municipality_id") />
            <SelectField id="desk" label=k!("new.desk") value=desk options=desk_options error=field_error(err, "desk_id") />
            <SelectField id="category" label=k!("cases.category") value=category options=cat_options error=field_error(err, "category_id") />
            <SelectField id="subcategory" label=k!("new.subcategory") value=subcategory options=sub_options error=field_error(err, "subcategory_id") />
            <TextField id="summary" label=k!("cases.summary") value=summary error=field_error(err, "summary") required=true />
            <SelectField id="channel" label=k!("new.channel") value=channel options=channels />
            <SelectField id="priority" label=k!("new.priority") value=priority options=priorities />
            <TextField id="language" label=k!("new.language") value=language error=field_error(err, "language") />
            <CheckField id="mediator_present".to_owned() label=Signal::derive(move || i.t(k!("new.mediator_present")).to_owned()) checked=mediator />
            <CheckField id="assign_to_me".to_owned() label=Signal::derive(move || i.t(k!("new.assign_to_me")).to_owned()) checked=to_me />
            <button type="submit" class="btn btn-primary">{move || i.t(k!("new.open"))}</button>
        </form>
    }
}

fn channel_key(c: Channel) -> crate::i18n::Key {
    match c {
        Channel::Desk => k!("channel.desk"),
        Channel::Phone => k!("channel.phone"),
        Channel::Email => k!("channel.email"),
        Channel::Outreach => k!("channel.outreach"),
    }
}

fn priority_key(p: Priority) -> crate::i18n::Key {
    match p {
        Priority::Low => k!("priority.low"),
        Priority::Normal => k!("priority.normal"),
        Priority::High => k!("priority.high"),
        Priority::Urgent => k!("priority.urgent"),
    }
}
