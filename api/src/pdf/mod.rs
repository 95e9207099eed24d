//! PDFs people print or keep: the sign-in sheet of a training session and the certificate of
//! attendance. A small layout of blocks (titles, paragraphs, tables) drawn with krilla: DejaVu
//! Sans from the `dejavu` package is compiled in and subset into each file (nothing is fetched
//! at run time, every Italian accent has its glyph), and the files are tagged PDF/UA-1 and
//! PDF/A-2 so that a screen reader reads them in order and an archive keeps them.

pub mod certificate;
pub mod sign_in;

use std::num::NonZeroU16;
use std::sync::LazyLock;

use krilla::color::rgb;
use krilla::configure::{Accessibility, Archival, ConfigurationBuilder};
use krilla::destination::XyzDestination;
use krilla::geom::{PathBuilder, Point};
use krilla::metadata::{DateTime, Metadata};
use krilla::num::NormalizedF32;
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::paint::{Fill, FillRule, Stroke};
use krilla::surface::Surface;
use krilla::tagging::{
    Artifact, ArtifactType, ContentTag, Identifier, SpanTag, TableHeaderScope, Tag, TagGroup,
    TagTree,
};
use krilla::text::{Font, TextDirection};
use krilla::{Document, SerializeSettings};

/// A4, in points.
const A4: (f32, f32) = (595.28, 841.89);
const MARGIN: f32 = 56.0;
const FOOTER_SIZE: f32 = 8.0;

struct Face {
    font: Font,
    metrics: ttf_parser::Face<'static>,
}

impl Face {
    fn load(bytes: &'static [u8]) -> Self {
        Self {
            // Both parse the same bytes, compiled in and tested: a failure is a broken build.
            font: Font::new(bytes.into(), 0).expect("DejaVu Sans loads"),
            metrics: ttf_parser::Face::parse(bytes, 0).expect("DejaVu Sans parses"),
        }
    }

    /// Whether the face can draw `ch` in an archival, accessible PDF: it has a glyph, and it is
    /// not a byte-order mark or a private-use code point (PDF/A and PDF/UA refuse those).
    fn draws(&self, ch: char) -> bool {
        let private = matches!(ch, '\u{E000}'..='\u{F8FF}' | '\u{F0000}'..);
        ch != '\u{FEFF}' && !private && self.metrics.glyph_index(ch).is_some()
    }

    /// `text` with what the face can't draw (a name in a script DejaVu lacks) shown as `?`,
    /// so that no name makes the document fail.
    fn printable(&self, text: &str) -> String {
        text.chars()
            .map(|ch| if ch == ' ' || self.draws(ch) { ch } else { '?' })
            .collect()
    }

    /// The width of `text` at `size` points (advances only: enough to break lines).
    fn width(&self, text: &str, size: f32) -> f32 {
        let units: u32 = text
            .chars()
            .map(|ch| {
                self.metrics
                    .glyph_index(ch)
                    .and_then(|g| self.metrics.glyph_hor_advance(g))
                    .map_or(0, u32::from)
            })
            .sum();
        units as f32 * size / f32::from(self.metrics.units_per_em())
    }
}

static REGULAR: LazyLock<Face> = LazyLock::new(|| Face::load(dejavu::sans::regular()));
static BOLD: LazyLock<Face> = LazyLock::new(|| Face::load(dejavu::sans::bold()));

fn face(bold: bool) -> &'static Face {
    if bold {
        &BOLD
    } else {
        &REGULAR
    }
}

/// How a paragraph sits on its line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
}

/// A column of a table: its header and its share of the width.
#[derive(Debug, Clone)]
pub struct Column {
    pub header: String,
    pub share: f32,
}

/// A piece of the document, laid out top to bottom.
#[derive(Debug, Clone)]
pub enum Block {
    /// A heading (level 1 or 2).
    Heading {
        level: u16,
        text: String,
        size: f32,
        align: Align,
    },
    /// A paragraph, wrapped to the width.
    Para {
        text: String,
        size: f32,
        bold: bool,
        align: Align,
    },
    /// Empty space, in points.
    Space(f32),
    /// A table whose rows are at least `row_height` tall (room for a signature); the header
    /// is repeated on every page it runs onto.
    Table {
        columns: Vec<Column>,
        rows: Vec<Vec<String>>,
        row_height: f32,
    },
}

impl Block {
    pub fn para(text: impl Into<String>) -> Self {
        Self::Para {
            text: text.into(),
            size: 11.0,
            bold: false,
            align: Align::Left,
        }
    }
}

/// A document: what it is called, its language, its pages' orientation, its blocks, and the
/// line at the foot of each page ("page n of m" follows it).
pub struct Sheet {
    pub title: String,
    pub language: &'static str,
    pub landscape: bool,
    pub blocks: Vec<Block>,
    pub footer: String,
    /// "Pagina"/"Page" and "di"/"of".
    pub page_words: (&'static str, &'static str),
}

/// `text` cut with an ellipsis where it would run past `width` (a line that must stay one line).
fn fit(text: &str, size: f32, width: f32) -> String {
    let f = face(false);
    let text = f.printable(text);
    if f.width(&text, size) <= width {
        return text;
    }
    let mut out = String::new();
    for ch in text.chars() {
        if f.width(&format!("{out}{ch}…"), size) > width {
            break;
        }
        out.push(ch);
    }
    format!("{}…", out.trim_end())
}

/// Breaks `text` into lines no wider than `width` (a word longer than the line is cut).
fn wrap(text: &str, size: f32, bold: bool, width: f32) -> Vec<String> {
    let f = face(bold);
    let text = f.printable(&text.replace('\r', ""));
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_owned()
            } else {
                format!("{line} {word}")
            };
            if f.width(&candidate, size) <= width {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            // A single word wider than the line: cut it where it no longer fits.
            let mut piece = String::new();
            for ch in word.chars() {
                piece.push(ch);
                if f.width(&piece, size) > width && piece.chars().count() > 1 {
                    piece.pop();
                    lines.push(std::mem::take(&mut piece));
                    piece.push(ch);
                }
            }
            line = piece;
        }
        lines.push(line);
    }
    lines
}

fn leading(size: f32) -> f32 {
    size * 1.35
}

/// Where drawing is, and what it has produced for the tag tree.
struct Pen<'a, 'b> {
    surface: &'a mut Surface<'b>,
}

impl Pen<'_, '_> {
    fn text(&mut self, x: f32, baseline: f32, size: f32, bold: bool, text: &str) -> Identifier {
        let id = self
            .surface
            .start_tagged(ContentTag::Span(SpanTag::empty()));
        self.draw(x, baseline, size, bold, text);
        self.surface.end_tagged();
        id
    }

    /// Text that is not part of the content (a repeated header, the page's footer).
    fn artifact_text(&mut self, kind: ArtifactType, x: f32, baseline: f32, size: f32, text: &str) {
        self.surface
            .start_tagged(ContentTag::Artifact(Artifact::with_kind(kind)));
        self.draw(x, baseline, size, false, text);
        self.surface.end_tagged();
    }

    fn draw(&mut self, x: f32, baseline: f32, size: f32, bold: bool, text: &str) {
        self.surface.set_fill(Some(Fill {
            paint: rgb::Color::new(0, 0, 0).into(),
            opacity: NormalizedF32::ONE,
            rule: FillRule::default(),
        }));
        let f = face(bold);
        self.surface.draw_text(
            Point::from_xy(x, baseline),
            f.font.clone(),
            size,
            &f.printable(text),
            false,
            TextDirection::Auto,
        );
    }

    fn line(&mut self, from: (f32, f32), to: (f32, f32), width: f32) {
        let mut pb = PathBuilder::new();
        pb.move_to(from.0, from.1);
        pb.line_to(to.0, to.1);
        let Some(path) = pb.finish() else { return };
        self.surface
            .start_tagged(ContentTag::Artifact(Artifact::with_kind(
                ArtifactType::Layout,
            )));
        self.surface.set_fill(None);
        self.surface.set_stroke(Some(Stroke {
            paint: rgb::Color::new(60, 60, 60).into(),
            width,
            ..Stroke::default()
        }));
        self.surface.draw_path(&path);
        self.surface.set_stroke(None);
        self.surface.end_tagged();
    }
}

/// One drawing step, placed on a page by [`paginate`].
enum Step {
    Lines {
        group: usize,
        size: f32,
        bold: bool,
        align: Align,
        lines: Vec<String>,
    },
    TableHeader {
        table: usize,
        repeated: bool,
    },
    TableRow {
        table: usize,
        row: usize,
        height: f32,
    },
}

/// A table's parts while it is drawn: its columns and rows, and the rows' tags made so far.
struct TableParts<'a> {
    columns: &'a [Column],
    rows: &'a [Vec<String>],
    trs: Vec<TagGroup>,
}

/// The steps placed so far, page by page, and where the next one goes.
struct Flow {
    pages: Vec<Vec<(f32, Step)>>,
    y: f32,
    bottom: f32,
}

impl Flow {
    /// Starts a new page when `height` does not fit on this one (unless it is empty); true
    /// when it did.
    fn make_room(&mut self, height: f32) -> bool {
        let empty = self.pages.last().is_none_or(Vec::is_empty);
        if self.y + height > self.bottom && !empty {
            self.pages.push(Vec::new());
            self.y = MARGIN;
            true
        } else {
            false
        }
    }

    /// Places a step here and moves down past it.
    fn push(&mut self, step: Step, height: f32) {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let y = self.y;
        if let Some(page) = self.pages.last_mut() {
            page.push((y, step));
        }
        self.y += height;
    }
}

/// Lays the blocks out, page by page, and writes the PDF.
pub fn render(sheet: &Sheet) -> Result<Vec<u8>, String> {
    let (w, h) = if sheet.landscape { (A4.1, A4.0) } else { A4 };
    let content_width = w - 2.0 * MARGIN;
    let bottom = h - MARGIN - 2.0 * FOOTER_SIZE;

    // The structure: one group per heading, paragraph and table, in reading order.
    let mut groups: Vec<TagGroup> = Vec::new();
    let mut tables: Vec<TableParts> = Vec::new();
    let mut table_of_group: Vec<Option<usize>> = Vec::new();
    let mut flow = Flow {
        pages: vec![Vec::new()],
        y: MARGIN,
        bottom,
    };
    let header_height = 22.0;
    let mut outline = Outline::new();

    for block in &sheet.blocks {
        match block {
            Block::Space(s) => flow.y += s,
            Block::Heading {
                level,
                text,
                size,
                align,
            } => {
                let lines = wrap(text, *size, true, content_width);
                let height = leading(*size) * lines.len() as f32;
                flow.make_room(height);
                let level = NonZeroU16::new(*level).unwrap_or(NonZeroU16::MIN);
                groups.push(TagGroup::new(Tag::Hn(level, Some(text.clone()))));
                // Readers list the headings as the document's outline (PDF/UA asks for one).
                outline.push_child(OutlineNode::new(
                    text.clone(),
                    XyzDestination::new(flow.pages.len() - 1, Point::from_xy(MARGIN, flow.y)),
                ));
                table_of_group.push(None);
                flow.push(
                    Step::Lines {
                        group: groups.len() - 1,
                        size: *size,
                        bold: true,
                        align: *align,
                        lines,
                    },
                    height,
                );
            }
            Block::Para {
                text,
                size,
                bold,
                align,
            } => {
                let lines = wrap(text, *size, *bold, content_width);
                let height = leading(*size) * lines.len() as f32;
                flow.make_room(height);
                groups.push(TagGroup::new(Tag::P));
                table_of_group.push(None);
                flow.push(
                    Step::Lines {
                        group: groups.len() - 1,
                        size: *size,
                        bold: *bold,
                        align: *align,
                        lines,
                    },
                    height,
                );
            }
            Block::Table {
                columns,
                rows,
                row_height,
            } => {
                let table = tables.len();
                tables.push(TableParts {
                    columns,
                    rows,
                    trs: Vec::new(),
                });
                groups.push(TagGroup::new(Tag::Table));
                table_of_group.push(Some(table));
                let heights: Vec<f32> = rows
                    .iter()
                    .map(|row| {
                        let tallest = row
                            .iter()
                            .zip(columns.iter())
                            .map(|(cell, col)| {
                                wrap(cell, 10.0, false, col.share * content_width - 8.0).len()
                            })
                            .max()
                            .unwrap_or(1);
                        row_height.max(leading(10.0) * tallest as f32 + 8.0)
                    })
                    .collect();
                // The header never stays alone at the foot of a page: it goes with the first row.
                flow.make_room(header_height + heights.first().copied().unwrap_or(0.0));
                let header = |repeated| Step::TableHeader { table, repeated };
                flow.push(header(false), header_height);
                for (r, height) in heights.into_iter().enumerate() {
                    if flow.make_room(height) {
                        flow.push(header(true), header_height);
                    }
                    flow.push(
                        Step::TableRow {
                            table,
                            row: r,
                            height,
                        },
                        height,
                    );
                }
            }
        }
    }
    let pages = flow.pages;

    let config = ConfigurationBuilder::new()
        .with_accessibility_validator(Accessibility::UA1)
        .with_archival_validator(Archival::A2_B)
        .finish()
        .map_err(|e| format!("{e:?}"))?;
    let mut document = Document::new_with(SerializeSettings {
        configuration: config,
        enable_tagging: true,
        ..SerializeSettings::default()
    });
    let now = chrono::Utc::now();
    use chrono::{Datelike, Timelike};
    document.set_metadata(
        Metadata::new()
            .title(sheet.title.clone())
            .language(sheet.language.to_owned())
            .creator("LUMIT".to_owned())
            .creation_date(
                DateTime::new(now.year() as u16)
                    .month(now.month() as u8)
                    .day(now.day() as u8)
                    .hour(now.hour() as u8)
                    .minute(now.minute() as u8)
                    .second(now.second() as u8)
                    .utc_offset_hour(0),
            ),
    );

    let total = pages.len();
    let mut header_cells: Vec<Option<Vec<TagGroup>>> = vec![None; tables.len()];
    for (n, steps) in pages.iter().enumerate() {
        let settings = PageSettings::from_wh(w, h).ok_or("page size")?;
        let mut page = document.start_page_with(settings);
        let mut surface = page.surface();
        let mut pen = Pen {
            surface: &mut surface,
        };
        for (top, step) in steps {
            match step {
                Step::Lines {
                    group,
                    size,
                    bold,
                    align,
                    lines,
                } => {
                    for (i, line) in lines.iter().enumerate() {
                        let x = match align {
                            Align::Left => MARGIN,
                            Align::Center => {
                                MARGIN + (content_width - face(*bold).width(line, *size)) / 2.0
                            }
                        };
                        let baseline = top + leading(*size) * i as f32 + *size;
                        let id = pen.text(x, baseline, *size, *bold, line);
                        groups[*group].push(id);
                    }
                }
                Step::TableHeader { table, repeated } => {
                    let columns = tables[*table].columns;
                    let mut x = MARGIN;
                    let mut cells = Vec::new();
                    pen.line((MARGIN, *top), (MARGIN + content_width, *top), 1.0);
                    for col in columns.iter() {
                        let baseline = top + 14.0;
                        if *repeated {
                            pen.artifact_text(
                                ArtifactType::Header,
                                x + 4.0,
                                baseline,
                                9.5,
                                &col.header,
                            );
                        } else {
                            let id = pen.text(x + 4.0, baseline, 9.5, true, &col.header);
                            let mut th = TagGroup::new(Tag::TH(TableHeaderScope::Column));
                            th.push(id);
                            cells.push(th);
                        }
                        x += col.share * content_width;
                    }
                    pen.line(
                        (MARGIN, top + header_height),
                        (MARGIN + content_width, top + header_height),
                        1.0,
                    );
                    if !*repeated {
                        header_cells[*table] = Some(cells);
                    }
                }
                Step::TableRow { table, row, height } => {
                    let parts = &mut tables[*table];
                    let (columns, rows) = (parts.columns, parts.rows);
                    let mut x = MARGIN;
                    let mut tr = TagGroup::new(Tag::TR);
                    for (col, cell) in columns.iter().zip(rows[*row].iter()) {
                        let mut td = TagGroup::new(Tag::TD);
                        let lines = wrap(cell, 10.0, false, col.share * content_width - 8.0);
                        for (i, line) in lines.iter().enumerate() {
                            if line.is_empty() {
                                continue;
                            }
                            let baseline = top + 6.0 + leading(10.0) * i as f32 + 10.0;
                            td.push(pen.text(x + 4.0, baseline, 10.0, false, line));
                        }
                        tr.push(td);
                        x += col.share * content_width;
                    }
                    parts.trs.push(tr);
                    pen.line(
                        (MARGIN, top + height),
                        (MARGIN + content_width, top + height),
                        0.5,
                    );
                }
            }
        }
        let (page_word, of_word) = sheet.page_words;
        let numbers = format!(" · {page_word} {} {of_word} {total}", n + 1);
        let room = content_width - face(false).width(&numbers, FOOTER_SIZE);
        let footer = format!("{}{numbers}", fit(&sheet.footer, FOOTER_SIZE, room));
        pen.artifact_text(
            ArtifactType::Footer,
            MARGIN,
            h - MARGIN + FOOTER_SIZE,
            FOOTER_SIZE,
            &footer,
        );
        surface.finish();
        page.finish();
    }

    let mut tree = TagTree::new().with_lang(Some(sheet.language.to_owned()));
    for (group, table) in groups.into_iter().zip(table_of_group) {
        match table {
            None => tree.push(group),
            Some(t) => {
                let mut group = group;
                let mut head = TagGroup::new(Tag::THead);
                let mut head_row = TagGroup::new(Tag::TR);
                for th in header_cells[t].take().unwrap_or_default() {
                    head_row.push(th);
                }
                head.push(head_row);
                group.push(head);
                let mut body = TagGroup::new(Tag::TBody);
                for tr in std::mem::take(&mut tables[t].trs) {
                    body.push(tr);
                }
                group.push(body);
                tree.push(group);
            }
        }
    }
    document.set_tag_tree(tree);
    document.set_outline(outline);
    document.finish().map_err(|e| format!("{e:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_filled_and_nothing_is_lost() {
        let text = "Attestato di partecipazione al corso «Diritto dell'immigrazione: novità \
                    normative e prassi degli uffici», più di una riga.";
        let lines = wrap(text, 11.0, false, 200.0);
        assert!(lines.len() > 1);
        assert_eq!(lines.join(" "), text);
        // Greedy: each line took every word that fits, so the next line's first word doesn't.
        for pair in lines.windows(2) {
            let next = pair[1].split(' ').next().unwrap();
            let longer = format!("{} {next}", pair[0]);
            assert!(face(false).width(&longer, 11.0) > 200.0, "{longer}");
        }
        // Widths grow with the text and the size (DejaVu's advances, not a guess).
        assert!(face(false).width("mmmm", 10.0) > face(false).width("iiii", 10.0));
        assert!(
            (face(false).width("Lucca", 20.0) - 2.0 * face(false).width("Lucca", 10.0)).abs()
                < 0.01
        );
    }

    #[test]
    fn what_the_font_cannot_draw_becomes_a_question_mark() {
        assert_eq!(
            face(false).printable("王芳 Àlvarez\u{FEFF}\u{E000}"),
            "?? Àlvarez??"
        );
    }

    #[test]
    fn a_line_too_long_is_cut_with_an_ellipsis() {
        let long = "Corso ".repeat(60);
        let cut = fit(&long, 8.0, 300.0);
        assert!(cut.ends_with('…'));
        assert!(face(false).width(&cut, 8.0) <= 300.0);
        assert_eq!(fit("Breve", 8.0, 300.0), "Breve");
    }

    #[test]
    fn a_word_longer_than_the_line_is_cut() {
        let lines = wrap(&"x".repeat(200), 10.0, false, 50.0);
        assert!(lines.len() > 3);
        assert_eq!(lines.concat(), "x".repeat(200));
    }
}

#[cfg(test)]
mod extracted {
    use chrono::NaiveDate;
    use lumit_shared::training::MessageLanguage;

    use super::certificate::{pdf, CertificateDoc};
    use super::sign_in::{self, SignInSheet};

    fn text_of(bytes: &[u8]) -> String {
        // Extraction puts spaces and line breaks its own way: compare words, not layout.
        pdf_extract::extract_text_from_mem(bytes)
            .expect("the PDF reads back")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn a_certificate_reads_back_with_its_accents() {
        let bytes = pdf(&CertificateDoc {
            full_name: "Niccolò Àlvarez Perù".into(),
            role: Some("Funzionaria – Ufficio anagrafe, Città di Viareggio".into()),
            course_title: "Cittadinanza: novità e prassi".into(),
            topic: "Cittadinanza".into(),
            organisation: "Università di Pisa".into(),
            trainers: vec!["Zoë Ménard".into()],
            first_day: NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
            last_day: NaiveDate::from_ymd_opt(2026, 3, 9).unwrap(),
            sessions: 2,
            attended_minutes: 450,
            planned_minutes: 480,
            code: "7KQ2-M9XD-4HTA".into(),
            verify_url: Some("https://lumit.example.it/attestati/7KQ2-M9XD-4HTA".into()),
            issued_on: NaiveDate::from_ymd_opt(2026, 3, 10).unwrap(),
            language: MessageLanguage::It,
        })
        .unwrap();
        assert!(bytes.starts_with(b"%PDF-"));
        let text = text_of(&bytes);
        for expected in [
            "Attestato di partecipazione",
            "Niccolò Àlvarez Perù",
            "Università di Pisa",
            "Zoë Ménard",
            "dal 02/03/2026 al 09/03/2026 in 2 incontri",
            "7 ore e 30 minuti su 8 ore previste (93 %)",
            "7KQ2-M9XD-4HTA",
            "Città di Viareggio",
        ] {
            assert!(text.contains(expected), "{expected:?} not in {text:?}");
        }
    }

    #[test]
    fn names_the_font_lacks_and_long_titles_still_make_a_valid_pdf() {
        let at = NaiveDate::from_ymd_opt(2026, 5, 4).unwrap();
        let bytes = sign_in::pdf(&SignInSheet {
            course_title: "Titolo lunghissimo ".repeat(11),
            organisation: "Università di Pisa".into(),
            trainers: Vec::new(),
            starts_at: at.and_hms_opt(9, 0, 0).unwrap(),
            ends_at: at.and_hms_opt(13, 0, 0).unwrap(),
            place: "Online".into(),
            people: vec![
                ("王芳".into(), String::new()),
                ("Zoë\u{FEFF} Ménard\u{E000}".into(), "x".repeat(300)),
            ],
            language: MessageLanguage::En,
        })
        .expect("krilla's PDF/UA and PDF/A checks pass");
        let text = text_of(&bytes);
        assert!(text.contains("Sign-in sheet"), "{text}");
        assert!(text.contains("Zoë? Ménard?"), "{text}");
        assert!(text.contains('…'), "the footer's title is cut: {text}");
    }

    #[test]
    fn a_long_sign_in_sheet_runs_onto_more_pages_with_everyone() {
        let people: Vec<(String, String)> = (1..=40)
            .map(|i| {
                (
                    format!("Partecipante Nùmero {i:02}"),
                    "Comune di Forte dei Marmi".into(),
                )
            })
            .collect();
        let at = NaiveDate::from_ymd_opt(2026, 5, 4).unwrap();
        let bytes = sign_in::pdf(&SignInSheet {
            course_title: "Comunicazione interculturale".into(),
            organisation: "Università di Pisa".into(),
            trainers: vec!["Andrea Bianchi".into()],
            starts_at: at.and_hms_opt(9, 0, 0).unwrap(),
            ends_at: at.and_hms_opt(13, 0, 0).unwrap(),
            place: "Prefettura di Lucca, sala riunioni".into(),
            people,
            language: MessageLanguage::It,
        })
        .unwrap();
        let text = text_of(&bytes);
        assert!(text.contains("Foglio firme"), "{text}");
        assert!(text.contains("04/05/2026 09:00–13:00"), "{text}");
        assert!(text.contains("Firma entrata"));
        for i in 1..=40 {
            let name = format!("Partecipante Nùmero {i:02}");
            assert!(text.contains(&name), "{name} missing");
        }
        assert!(text.contains("Pagina 2 di"), "{text}");
    }
}
