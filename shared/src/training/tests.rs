use chrono::NaiveDate;

use super::*;

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2027, 1, 20).unwrap()
}

fn session(kind: PlaceKind) -> NewSession {
    NewSession {
        date: day(),
        start: "09:00".into(),
        end: "13:00".into(),
        place_kind: kind,
        municipality_id: None,
        address: None,
        room: None,
        link: None,
        capacity: 20,
    }
}

fn fields(r: Result<ValidSession, Vec<FieldError>>) -> Vec<(String, String)> {
    r.err()
        .unwrap_or_default()
        .into_iter()
        .map(|f| (f.field, f.code))
        .collect()
}

#[test]
fn a_session_ends_after_it_starts() {
    let mut s = session(PlaceKind::Online);
    s.link = Some("https://meet.example.org/lumit".into());
    let ok = s.parse().unwrap();
    assert_eq!(ok.starts_at, day().and_hms_opt(9, 0, 0).unwrap());
    assert_eq!(ok.ends_at, day().and_hms_opt(13, 0, 0).unwrap());
    s.end = "09:00".into();
    assert_eq!(
        fields(s.parse()),
        [("end".into(), "end_before_start".into())]
    );
    s.end = "8:00".into();
    assert_eq!(
        fields(s.parse()),
        [("end".into(), "end_before_start".into())]
    );
    s.end = "nine".into();
    assert_eq!(fields(s.parse())[0].0, "end");
    s.end = "13:00".into();
    s.date = NaiveDate::from_ymd_opt(-4000, 1, 1).unwrap();
    assert_eq!(fields(s.parse()), [("date".into(), "out_of_range".into())]);
}

#[test]
fn a_place_is_of_one_kind_with_what_it_needs() {
    let mut s = session(PlaceKind::Office);
    assert_eq!(
        fields(s.parse()),
        [("municipality_id".into(), "required".into())]
    );
    s.municipality_id = Some("m1".into());
    s.room = Some("Sala  Consiliare".into());
    let place = s.parse().unwrap().place;
    assert_eq!(place.kind(), PlaceKind::Office);
    s.link = Some("https://x.org".into());
    assert_eq!(
        fields(s.parse()),
        [("link".into(), "not_for_place_kind".into())]
    );

    let mut a = session(PlaceKind::Address);
    a.address = Some("Via Roma 1, Lucca".into());
    a.municipality_id = Some("m1".into());
    assert_eq!(
        fields(a.parse()),
        [("municipality_id".into(), "not_for_place_kind".into())]
    );

    let mut o = session(PlaceKind::Online);
    o.link = Some("http://insecure.example.org".into());
    assert_eq!(fields(o.parse()), [("link".into(), "invalid_link".into())]);
    o.capacity = 0;
    o.link = Some("https://meet.example.org/a".into());
    assert_eq!(
        fields(o.parse()),
        [("capacity".into(), "out_of_range".into())]
    );
}

#[test]
fn rooms_are_the_same_whatever_the_spelling_and_online_has_none() {
    let office = |room: &str| Place::Office {
        municipality_id: "m1".into(),
        room: Some(room.into()),
    };
    assert_eq!(
        office("Sala Consiliare").room_key(),
        office("sala   consìliare").room_key()
    );
    assert_ne!(office("Sala A").room_key(), office("Sala B").room_key());
    assert_eq!(
        Place::Online {
            link: "https://x.org".into()
        }
        .room_key(),
        None
    );
}

#[test]
fn stretches_overlap_only_when_they_share_a_moment() {
    let at = |h: u32| day().and_hms_opt(h, 0, 0).unwrap();
    assert!(overlaps((at(9), at(13)), (at(12), at(14))));
    assert!(overlaps((at(9), at(13)), (at(10), at(11))));
    assert!(!overlaps((at(9), at(13)), (at(13), at(15))));
    assert!(!overlaps((at(14), at(15)), (at(9), at(13))));
}

#[test]
fn capacity_never_drops_below_the_enrolled() {
    assert!(check_capacity(10, 10).is_ok());
    assert_eq!(check_capacity(9, 10).unwrap_err().code, "below_enrolled");
}

#[test]
fn places_then_the_waiting_list_then_moving_up() {
    assert_eq!(seat(None, 100), EnrolmentStatus::Enrolled);
    assert_eq!(seat(Some(2), 1), EnrolmentStatus::Enrolled);
    assert_eq!(seat(Some(2), 2), EnrolmentStatus::Waiting);
    assert_eq!(promotions(Some(2), 2, 3), 0);
    assert_eq!(promotions(Some(2), 1, 3), 1);
    assert_eq!(promotions(Some(5), 1, 2), 2);
    assert_eq!(promotions(None, 1, 2), 2);
}

#[test]
fn a_participant_works_somewhere_named_once() {
    let mut p = NewEnrolment {
        full_name: "Giulia Bianchi".into(),
        email: "G.Bianchi@Comune.it".into(),
        ..Default::default()
    };
    let codes = |p: &NewEnrolment| -> Vec<(String, String)> {
        p.parse()
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|f| (f.field, f.code))
            .collect()
    };
    assert_eq!(codes(&p), [("municipality_id".into(), "required".into())]);
    p.organisation = Some("ASL Toscana Nord Ovest".into());
    let ok = p.parse().unwrap();
    assert_eq!(ok.email_key(), "g.bianchi@comune.it");
    assert_eq!(ok.language, MessageLanguage::It);
    p.municipality_id = Some("m1".into());
    assert_eq!(
        codes(&p),
        [("organisation".into(), "not_with_municipality".into())]
    );
    p.email = "not an address".into();
    assert!(codes(&p).iter().any(|(f, _)| f == "email"));
}

#[test]
fn courses_need_a_title_a_topic_an_organisation_and_a_sane_threshold() {
    let c = NewCourse {
        title: "Permessi".into(),
        topic_id: "residence_permits".into(),
        organisation: "Sant'Anna".into(),
        target_offices: vec![
            OfficeKind::Questura,
            OfficeKind::Registry,
            OfficeKind::Registry,
        ],
        trainer_ids: vec!["t1".into(), "t1".into()],
        ..Default::default()
    };
    let ok = c.parse().unwrap();
    assert_eq!(ok.min_attendance_percent, DEFAULT_MIN_ATTENDANCE);
    assert_eq!(
        ok.target_offices,
        [OfficeKind::Registry, OfficeKind::Questura]
    );
    assert_eq!(ok.trainer_ids, ["t1"]);
    let bad = NewCourse {
        min_attendance_percent: Some(120),
        ..Default::default()
    };
    let mut f: Vec<String> = bad
        .parse()
        .unwrap_err()
        .into_iter()
        .map(|f| f.field)
        .collect();
    f.sort();
    assert_eq!(
        f,
        [
            "min_attendance_percent",
            "organisation",
            "title",
            "topic_id"
        ]
    );
}

#[test]
fn marks_count_the_minutes_they_say() {
    let mark = |presence, minutes| Mark { presence, minutes };
    assert_eq!(
        mark(Presence::Present, None).parse(240).unwrap().minutes,
        240
    );
    assert_eq!(mark(Presence::Absent, None).parse(240).unwrap().minutes, 0);
    assert_eq!(
        mark(Presence::Partial, Some(90))
            .parse(240)
            .unwrap()
            .minutes,
        90
    );
    let code = |r: Result<ValidMark, Vec<FieldError>>| r.unwrap_err()[0].code.clone();
    assert_eq!(
        code(mark(Presence::Partial, Some(240)).parse(240)),
        "out_of_range"
    );
    assert_eq!(
        code(mark(Presence::Partial, Some(0)).parse(240)),
        "out_of_range"
    );
    assert_eq!(code(mark(Presence::Partial, None).parse(240)), "required");
    assert_eq!(
        code(mark(Presence::Present, Some(10)).parse(240)),
        "not_for_presence"
    );
}

#[test]
fn attendance_is_taken_from_the_start_and_the_threshold_is_exact() {
    let at = |h: u32| day().and_hms_opt(h, 0, 0).unwrap();
    assert!(may_take_attendance(at(8), at(9)).is_err());
    assert!(may_take_attendance(at(9), at(9)).is_ok());
    // 75 % of 6 h is 4 h 30.
    assert!(certificate_due(270, 360, 75));
    assert!(!certificate_due(269, 360, 75));
    assert!(!certificate_due(0, 0, 75));
    assert_eq!(percent(269, 360), 74);
    assert_eq!(percent(10, 0), 0);
}

#[test]
fn answers_are_scores_from_one_to_five_and_a_short_comment() {
    let ok = Answers {
        satisfaction: 5,
        usefulness: 1,
        recommend: true,
        comment: Some(" Molto utile.\nGrazie ".into()),
    };
    assert_eq!(
        ok.parse().unwrap().comment.as_deref(),
        Some("Molto utile.\nGrazie")
    );
    let bad = Answers {
        satisfaction: 0,
        usefulness: 6,
        recommend: false,
        comment: Some("x".repeat(2001)),
    };
    let f: Vec<String> = bad
        .parse()
        .unwrap_err()
        .into_iter()
        .map(|f| f.field)
        .collect();
    assert_eq!(f, ["satisfaction", "usefulness", "comment"]);
}

#[test]
fn results_average_and_spread_the_answers() {
    let r = feedback(
        4,
        &[(5, 4, true, Some("Ottimo".into())), (3, 4, false, None)],
    );
    assert_eq!((r.sent, r.answered), (4, 2));
    assert_eq!(r.satisfaction_average, Some(4.0));
    assert_eq!(r.satisfaction, [0, 0, 1, 0, 1]);
    assert_eq!(r.usefulness, [0, 0, 0, 2, 0]);
    assert_eq!((r.recommend_yes, r.recommend_no), (1, 1));
    assert_eq!(r.comments, ["Ottimo"]);
    assert_eq!(feedback(3, &[]).satisfaction_average, None);
}
