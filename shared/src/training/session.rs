//! Sessions: when and where a course meets, and how many it seats.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};

use crate::mediation::time_of_day;
use crate::text::fold;
use crate::validate::{optional_text, Errors};
use crate::FieldError;

/// Where a session takes place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PlaceKind {
    /// At an office of the registry (`municipality_id`), optionally in a named room.
    Office,
    /// At a free address, optionally in a named room.
    Address,
    /// Online, at a link.
    Online,
}

impl PlaceKind {
    /// The stored and serialised name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Office => "office",
            Self::Address => "address",
            Self::Online => "online",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Office, Self::Address, Self::Online]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// A checked place: exactly one kind, with what that kind needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// An office of the registry and a room in it.
    Office {
        /// The office (its existence is checked by the store).
        municipality_id: String,
        /// Room.
        room: Option<String>,
    },
    /// A free address and a room there.
    Address {
        /// Postal address.
        address: String,
        /// Room.
        room: Option<String>,
    },
    /// An https link.
    Online {
        /// Where to join.
        link: String,
    },
}

impl Place {
    /// The kind.
    pub fn kind(&self) -> PlaceKind {
        match self {
            Self::Office { .. } => PlaceKind::Office,
            Self::Address { .. } => PlaceKind::Address,
            Self::Online { .. } => PlaceKind::Online,
        }
    }

    /// What two sessions must not share at the same time: the room of an office or of an
    /// address (case, accents and spacing ignored); online sessions share nothing.
    pub fn room_key(&self) -> Option<String> {
        let room = |r: &Option<String>| fold(r.as_deref().unwrap_or(""));
        match self {
            Self::Office {
                municipality_id,
                room: r,
            } => Some(format!("office:{municipality_id}:{}", room(r))),
            Self::Address { address, room: r } => {
                Some(format!("address:{}:{}", fold(address), room(r)))
            }
            Self::Online { .. } => None,
        }
    }
}

/// A session as the API returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Session {
    /// Identifier (UUID).
    pub id: String,
    /// The course.
    pub course_id: String,
    /// The course's title.
    pub course_title: String,
    /// Start, local time in Italy.
    #[cfg_attr(
        feature = "openapi",
        schema(value_type = String, pattern = "lumit:local-datetime", example = "2027-01-20T09:00:00")
    )]
    pub starts_at: NaiveDateTime,
    /// End, local time in Italy.
    #[cfg_attr(
        feature = "openapi",
        schema(value_type = String, pattern = "lumit:local-datetime", example = "2027-01-20T13:00:00")
    )]
    pub ends_at: NaiveDateTime,
    /// Kind of place.
    pub place_kind: PlaceKind,
    /// Office of the registry (`office`).
    pub municipality_id: Option<String>,
    /// Postal address (`address`).
    pub address: Option<String>,
    /// Room (`office`, `address`).
    pub room: Option<String>,
    /// Where to join (`online`).
    pub link: Option<String>,
    /// Seats.
    pub capacity: i64,
}

impl Session {
    /// Length in minutes.
    pub fn minutes(&self) -> i64 {
        (self.ends_at - self.starts_at).num_minutes()
    }
}

/// Body of `POST /api/v1/training/courses/{id}/sessions`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewSession {
    /// Day, in the years 2000 to 2100.
    pub date: NaiveDate,
    /// Start, `HH:MM` local time.
    #[cfg_attr(feature = "openapi", schema(example = "09:00", pattern = "lumit:time"))]
    pub start: String,
    /// End, `HH:MM` local time, after the start on the same day.
    #[cfg_attr(feature = "openapi", schema(example = "13:00", pattern = "lumit:time"))]
    pub end: String,
    /// Kind of place; the other place fields must match it.
    pub place_kind: PlaceKind,
    /// Office of the registry (`office`).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:line?:64"))]
    pub municipality_id: Option<String>,
    /// Postal address (`address`).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:line?:300"))]
    pub address: Option<String>,
    /// Room (`office`, `address`).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:line?:120"))]
    pub room: Option<String>,
    /// An `https://` link (`online`).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:https?:500"))]
    pub link: Option<String>,
    /// Seats, at least 1 and not below the enrolled.
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub capacity: i64,
}

/// Body of `PATCH /api/v1/training/sessions/{id}`: only the fields sent change; the place is
/// checked as a whole, so changing its kind means sending the fields the new kind needs and
/// `null` for the old ones.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SessionPatch {
    /// Day, in the years 2000 to 2100.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<NaiveDate>,
    /// Start, `HH:MM`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:time"))]
    pub start: Option<String>,
    /// End, `HH:MM`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:time"))]
    pub end: Option<String>,
    /// Kind of place.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place_kind: Option<PlaceKind>,
    /// Office of the registry; `null` clears.
    #[serde(
        default,
        with = "crate::patch",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = "lumit:line?:64"))]
    pub municipality_id: Option<Option<String>>,
    /// Postal address; `null` clears.
    #[serde(
        default,
        with = "crate::patch",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = "lumit:line?:300"))]
    pub address: Option<Option<String>>,
    /// Room; `null` clears.
    #[serde(
        default,
        with = "crate::patch",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = "lumit:line?:120"))]
    pub room: Option<Option<String>>,
    /// Link; `null` clears.
    #[serde(
        default,
        with = "crate::patch",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = "lumit:https?:500"))]
    pub link: Option<Option<String>>,
    /// Seats.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub capacity: Option<i64>,
}

/// A checked session.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidSession {
    /// Start, local time.
    pub starts_at: NaiveDateTime,
    /// End, local time, after the start.
    pub ends_at: NaiveDateTime,
    /// Where.
    pub place: Place,
    /// Seats, at least 1.
    pub capacity: i64,
}

struct RawSession<'a> {
    date: NaiveDate,
    start: &'a str,
    end: &'a str,
    place_kind: PlaceKind,
    municipality_id: Option<&'a str>,
    address: Option<&'a str>,
    room: Option<&'a str>,
    link: Option<&'a str>,
    capacity: i64,
}

fn check(r: RawSession<'_>) -> Result<ValidSession, Vec<FieldError>> {
    let mut e = Errors::default();
    // A real programme's day: anything else is a typing mistake (and would not fit every
    // database's timestamps).
    if !(2000..=2100).contains(&chrono::Datelike::year(&r.date)) {
        e.add(
            "date",
            "out_of_range",
            "must be between the years 2000 and 2100",
        );
    }
    let start = e.take("start", time_of_day(r.start));
    let end = e.take("end", time_of_day(r.end));
    if let (Some(s), Some(t)) = (start, end) {
        if t <= s {
            e.add("end", "end_before_start", "must be after the start");
        }
    }
    if r.capacity < 1 {
        e.add("capacity", "out_of_range", "must be at least 1");
    }
    let municipality_id = e.take("municipality_id", optional_text(r.municipality_id, 64));
    let address = e.take("address", optional_text(r.address, 300));
    let room = e.take("room", optional_text(r.room, 120));
    let link = e.take("link", optional_text(r.link, 500));
    // Exactly one kind of place: what another kind needs must not be sent.
    let mut not_for = |field: &str, present: bool| {
        if present {
            e.add(
                field,
                "not_for_place_kind",
                format!("is not used for a place of kind {}", r.place_kind.as_str()),
            );
        }
    };
    let has = |v: &Option<Option<String>>| matches!(v, Some(Some(_)));
    let place = match r.place_kind {
        PlaceKind::Office => {
            not_for("address", has(&address));
            not_for("link", has(&link));
            municipality_id.clone().flatten().map(|m| Place::Office {
                municipality_id: m,
                room: room.clone().flatten(),
            })
        }
        PlaceKind::Address => {
            not_for("municipality_id", has(&municipality_id));
            not_for("link", has(&link));
            address.clone().flatten().map(|a| Place::Address {
                address: a,
                room: room.clone().flatten(),
            })
        }
        PlaceKind::Online => {
            not_for("municipality_id", has(&municipality_id));
            not_for("address", has(&address));
            not_for("room", has(&room));
            link.clone().flatten().map(|l| Place::Online { link: l })
        }
    };
    let needed = match r.place_kind {
        PlaceKind::Office => "municipality_id",
        PlaceKind::Address => "address",
        PlaceKind::Online => "link",
    };
    if place.is_none() && e.0.iter().all(|f| f.field != needed) {
        e.add(needed, "required", "is needed for this kind of place");
    }
    if let Some(Place::Online { link }) = &place {
        if !link.starts_with("https://") || link.len() <= "https://".len() || link.contains(' ') {
            e.add("link", "invalid_link", "must be an https:// address");
        }
    }
    e.finish(|| ValidSession {
        starts_at: r.date.and_time(start.unwrap_or(NaiveTime::MIN)),
        ends_at: r.date.and_time(end.unwrap_or(NaiveTime::MIN)),
        place: place.unwrap_or(Place::Online {
            link: String::new(),
        }),
        capacity: r.capacity,
    })
}

impl NewSession {
    /// Checks the body as a whole, collecting every field error.
    pub fn parse(&self) -> Result<ValidSession, Vec<FieldError>> {
        check(RawSession {
            date: self.date,
            start: &self.start,
            end: &self.end,
            place_kind: self.place_kind,
            municipality_id: self.municipality_id.as_deref(),
            address: self.address.as_deref(),
            room: self.room.as_deref(),
            link: self.link.as_deref(),
            capacity: self.capacity,
        })
    }
}

impl SessionPatch {
    /// Applies the patch to the current session and checks the result as a whole.
    pub fn apply(&self, cur: &Session) -> Result<ValidSession, Vec<FieldError>> {
        fn pick<'a>(p: &'a Option<Option<String>>, cur: &'a Option<String>) -> Option<&'a str> {
            match p {
                Some(v) => v.as_deref(),
                None => cur.as_deref(),
            }
        }
        let start = cur.starts_at.format("%H:%M").to_string();
        let end = cur.ends_at.format("%H:%M").to_string();
        check(RawSession {
            date: self.date.unwrap_or(cur.starts_at.date()),
            start: self.start.as_deref().unwrap_or(&start),
            end: self.end.as_deref().unwrap_or(&end),
            place_kind: self.place_kind.unwrap_or(cur.place_kind),
            municipality_id: pick(&self.municipality_id, &cur.municipality_id),
            address: pick(&self.address, &cur.address),
            room: pick(&self.room, &cur.room),
            link: pick(&self.link, &cur.link),
            capacity: self.capacity.unwrap_or(cur.capacity),
        })
    }
}

/// Whether two stretches of time share a moment (touching ends do not).
pub fn overlaps(a: (NaiveDateTime, NaiveDateTime), b: (NaiveDateTime, NaiveDateTime)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

/// A session's seats may not drop below those already holding a place.
pub fn check_capacity(capacity: i64, enrolled: i64) -> Result<(), FieldError> {
    if capacity < enrolled {
        Err(FieldError::new(
            "capacity",
            "below_enrolled",
            format!("must not be below the {enrolled} participants already enrolled"),
        ))
    } else {
        Ok(())
    }
}

/// The error for a session that shares its room with another at the same time.
pub fn room_taken(other_course: &str, other: (NaiveDateTime, NaiveDateTime)) -> FieldError {
    FieldError::new(
        "start",
        "room_taken",
        format!(
            "the room is taken by “{other_course}” from {} to {}",
            other.0.format("%d/%m/%Y %H:%M"),
            other.1.format("%H:%M")
        ),
    )
}
