//! One JSONL record → a [`Document`].
//!
//! Field names: `id` and `text` are required; `outlet`, `published`, `lang`, `title`, `url`
//! are optional. The names news-please and common news datasets use are accepted too:
//! `maintext` for the text, `source_domain`/`source`/`media_name` (Media Cloud) for the
//! outlet, `date_publish`/`date`/`publish_date` for the time, `language` for the language. When a record has both
//! spellings, ours win, then the order listed. A record with no `id` falls back to its
//! `url` (news-please has no id field).
//!
//! The record is decoded with a hand-written map visitor: strings are borrowed from the
//! input when they contain no escapes, unknown fields are skipped without being built, and
//! a field of the wrong type gets a precise message instead of serde's generic one.

use std::borrow::Cow;
use std::fmt;

use serde::Deserializer;
use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::Document;
use super::fields::{Field, FieldMap};
use crate::error::RecordProblem;
use crate::published::Published;

/// A JSON value reduced to what the reader needs.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Val<'a> {
    Str(Cow<'a, str>),
    Num(String),
    Null,
    Other(&'static str),
}

struct ValSeed;

impl<'de> DeserializeSeed<'de> for ValSeed {
    type Value = Val<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Val<'de>, D::Error> {
        d.deserialize_any(ValVisitor)
    }
}

struct ValVisitor;

impl<'de> Visitor<'de> for ValVisitor {
    type Value = Val<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Val<'de>, E> {
        Ok(Val::Str(Cow::Borrowed(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Val<'de>, E> {
        Ok(Val::Str(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E>(self, v: String) -> Result<Val<'de>, E> {
        Ok(Val::Str(Cow::Owned(v)))
    }
    fn visit_unit<E>(self) -> Result<Val<'de>, E> {
        Ok(Val::Null)
    }
    fn visit_none<E>(self) -> Result<Val<'de>, E> {
        Ok(Val::Null)
    }
    fn visit_bool<E>(self, _: bool) -> Result<Val<'de>, E> {
        Ok(Val::Other("a boolean"))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Val<'de>, E> {
        Ok(Val::Num(v.to_string()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Val<'de>, E> {
        Ok(Val::Num(v.to_string()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Val<'de>, E> {
        Ok(Val::Num(v.to_string()))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Val<'de>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Val::Other("an array"))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Val<'de>, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Val::Other("an object"))
    }
}

/// Known field names, in priority order within each group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key {
    Id,
    Text,
    MainText,
    Outlet,
    SourceDomain,
    Source,
    Published,
    DatePublish,
    Date,
    MediaName,
    PublishDate,
    Lang,
    Language,
    Title,
    Url,
    Other,
}

const NFIELDS: usize = Key::Other as usize;

impl Key {
    /// The document field this input field feeds.
    fn field(self) -> Option<Field> {
        Some(match self {
            Key::Id => Field::Id,
            Key::Text | Key::MainText => Field::Text,
            Key::Outlet | Key::SourceDomain | Key::Source | Key::MediaName => Field::Outlet,
            Key::Published | Key::DatePublish | Key::Date | Key::PublishDate => Field::Published,
            Key::Lang | Key::Language => Field::Lang,
            Key::Title => Field::Title,
            Key::Url => Field::Url,
            Key::Other => return None,
        })
    }

    /// The key a field mapped to `f` is read as.
    fn of(f: Field) -> Key {
        match f {
            Field::Id => Key::Id,
            Field::Text => Key::Text,
            Field::Outlet => Key::Outlet,
            Field::Published => Key::Published,
            Field::Lang => Key::Lang,
            Field::Title => Key::Title,
            Field::Url => Key::Url,
        }
    }

    /// The key of an input field named `name` under `map`: a mapped name is its field; a
    /// default name of a mapped field is ignored (the mapping replaces the defaults).
    fn named(name: &str, map: &FieldMap) -> Key {
        let k = Key::by_default(name);
        if map.is_empty() {
            return k;
        }
        if let Some(f) = map.field_named(name) {
            return Key::of(f);
        }
        match k.field() {
            Some(f) if map.get(f).is_some() => Key::Other,
            _ => k,
        }
    }

    fn by_default(v: &str) -> Key {
        match v {
            "id" => Key::Id,
            "text" => Key::Text,
            "maintext" => Key::MainText,
            "outlet" => Key::Outlet,
            "source_domain" => Key::SourceDomain,
            "source" => Key::Source,
            "published" => Key::Published,
            "date_publish" => Key::DatePublish,
            "date" => Key::Date,
            "media_name" => Key::MediaName,
            "publish_date" => Key::PublishDate,
            "lang" => Key::Lang,
            "language" => Key::Language,
            "title" => Key::Title,
            "url" => Key::Url,
            _ => Key::Other,
        }
    }
}

struct KeyVisitor<'m>(&'m FieldMap);

impl<'de> Visitor<'de> for KeyVisitor<'_> {
    type Value = Key;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }
    fn visit_str<E>(self, v: &str) -> Result<Key, E> {
        Ok(Key::named(v, self.0))
    }
}

struct KeySeed<'m>(&'m FieldMap);

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = Key;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Key, D::Error> {
        d.deserialize_str(KeyVisitor(self.0))
    }
}

/// The known fields of a record, each possibly absent.
struct Fields<'a>([Option<Val<'a>>; NFIELDS]);

struct RecordVisitor<'m>(&'m FieldMap);

impl<'de> Visitor<'de> for RecordVisitor<'_> {
    type Value = Fields<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Fields<'de>, A::Error> {
        let mut fields: [Option<Val<'de>>; NFIELDS] = Default::default();
        while let Some(k) = map.next_key_seed(KeySeed(self.0))? {
            if k == Key::Other {
                map.next_value::<IgnoredAny>()?;
            } else {
                fields[k as usize] = Some(map.next_value_seed(ValSeed)?);
            }
        }
        Ok(Fields(fields))
    }
}

fn type_name(first: u8) -> &'static str {
    match first {
        b'[' => "an array",
        b'"' => "a string",
        b't' | b'f' => "a boolean",
        b'n' => "null",
        _ => "a number",
    }
}

fn decode<'a>(bytes: &'a [u8], fields: &FieldMap) -> Result<Fields<'a>, RecordProblem> {
    let first = bytes.iter().copied().find(|b| !b.is_ascii_whitespace()).unwrap_or(b' ');
    let mut de = serde_json::Deserializer::from_slice(bytes);
    if first != b'{' {
        return match serde::de::Deserialize::deserialize(&mut de).and_then(|IgnoredAny| de.end()) {
            Ok(()) => Err(RecordProblem::NotAnObject(type_name(first))),
            Err(e) => Err(RecordProblem::NotJson(e.to_string())),
        };
    }
    let fields = de
        .deserialize_map(RecordVisitor(fields))
        .map_err(|e| RecordProblem::NotJson(e.to_string()))?;
    de.end().map_err(|e| RecordProblem::NotJson(e.to_string()))?;
    Ok(fields)
}

/// Parses one JSONL line. Returns the document and warnings, or the problem that makes the
/// record unusable. Invalid UTF-8 is repaired (U+FFFD) with a warning.
pub fn parse_json_record(
    bytes: &[u8],
) -> Result<(Document<'_>, Vec<RecordProblem>), RecordProblem> {
    parse_json_record_with(bytes, &FieldMap::NONE)
}

/// [`parse_json_record`] with the record's fields named by `fields`.
pub fn parse_json_record_with<'a>(
    bytes: &'a [u8],
    fields: &FieldMap,
) -> Result<(Document<'a>, Vec<RecordProblem>), RecordProblem> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(_) => build(decode(bytes, fields)?, Vec::new()),
        Err(_) => {
            let repaired = String::from_utf8_lossy(bytes).into_owned();
            let (doc, warnings) = build(
                decode(repaired.as_bytes(), fields)?,
                vec![RecordProblem::InvalidUtf8Repaired],
            )?;
            Ok((doc.into_owned(), warnings))
        }
    }
}

fn build(
    mut f: Fields<'_>,
    mut warnings: Vec<RecordProblem>,
) -> Result<(Document<'_>, Vec<RecordProblem>), RecordProblem> {
    let mut take = |k: Key| f.0[k as usize].take();
    // Required: id (string or number; falls back to url), text (falls back to maintext).
    let url_val = take(Key::Url);
    let id = match take(Key::Id) {
        Some(Val::Str(s)) if !s.trim().is_empty() => s,
        Some(Val::Num(n)) => Cow::Owned(n),
        Some(Val::Other(t)) => return Err(RecordProblem::WrongType { field: "id", found: t }),
        _ => match &url_val {
            Some(Val::Str(u)) if !u.trim().is_empty() => u.clone(),
            _ => return Err(RecordProblem::MissingField("id")),
        },
    };
    let text = match (take(Key::Text), take(Key::MainText)) {
        (Some(Val::Str(s)), _) if !s.trim().is_empty() => s,
        (_, Some(Val::Str(s))) if !s.trim().is_empty() => s,
        (Some(Val::Str(_)), _) | (_, Some(Val::Str(_))) => return Err(RecordProblem::EmptyText),
        (Some(Val::Other(t)), _) => {
            return Err(RecordProblem::WrongType { field: "text", found: t });
        }
        (Some(Val::Num(_)), _) => {
            return Err(RecordProblem::WrongType { field: "text", found: "a number" });
        }
        _ => return Err(RecordProblem::MissingField("text")),
    };
    if !text.chars().any(crate::normalize::is_word_char) {
        return Err(RecordProblem::EmptyText);
    }
    let mut optional = |keys: &[(Key, &'static str)], warnings: &mut Vec<RecordProblem>| {
        let mut out = None;
        for &(k, name) in keys {
            match take(k) {
                Some(Val::Str(s)) if out.is_none() && !s.trim().is_empty() => out = Some(s),
                Some(Val::Other(t)) if out.is_none() => {
                    warnings.push(RecordProblem::FieldIgnored {
                        field: name,
                        why: format!("expected a string, found {t}"),
                    })
                }
                Some(Val::Num(n)) if out.is_none() => out = Some(Cow::Owned(n)),
                _ => {}
            }
        }
        out
    };
    let outlet = optional(
        &[
            (Key::Outlet, "outlet"),
            (Key::SourceDomain, "source_domain"),
            (Key::Source, "source"),
            (Key::MediaName, "media_name"),
        ],
        &mut warnings,
    );
    let published_raw = optional(
        &[
            (Key::Published, "published"),
            (Key::DatePublish, "date_publish"),
            (Key::Date, "date"),
            (Key::PublishDate, "publish_date"),
        ],
        &mut warnings,
    );
    let lang = optional(&[(Key::Lang, "lang"), (Key::Language, "language")], &mut warnings);
    let title = optional(&[(Key::Title, "title")], &mut warnings);
    let url = match url_val {
        Some(Val::Str(s)) if !s.trim().is_empty() => Some(s),
        _ => None,
    };
    let published = match &published_raw {
        Some(p) => match Published::parse(p) {
            Ok(t) => Some(t),
            Err(e) => {
                warnings.push(RecordProblem::FieldIgnored {
                    field: "published",
                    why: format!("{e}; treated as unknown"),
                });
                None
            }
        },
        None => None,
    };
    Ok((Document { id, text, outlet, published_raw, published, lang, title, url }, warnings))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(line: &str) -> (Document<'static>, Vec<RecordProblem>) {
        let (d, w) = parse_json_record(line.as_bytes()).unwrap();
        (d.into_owned(), w)
    }

    fn bad(line: &[u8]) -> RecordProblem {
        parse_json_record(line).unwrap_err()
    }

    #[test]
    fn a_field_map_names_fields_and_replaces_their_default_names() {
        let mut m = FieldMap::default();
        m.assign("outlet=SourceCommonName").unwrap();
        m.assign("text=Body").unwrap();
        m.assign("id=DocumentIdentifier").unwrap();
        let line = r#"{"DocumentIdentifier":"https://e.com/1","Body":"Hello world.","text":"not this","source":"not this either","SourceCommonName":"e.com","date":"2024-05-01"}"#;
        let (d, w) = parse_json_record_with(line.as_bytes(), &m).unwrap();
        assert!(w.is_empty(), "{w:?}");
        assert_eq!((d.id.as_ref(), d.text.as_ref()), ("https://e.com/1", "Hello world."));
        assert_eq!(d.outlet.as_deref(), Some("e.com"));
        assert_eq!(
            d.published_raw.as_deref(),
            Some("2024-05-01"),
            "unmapped fields keep their names"
        );
        // Without the map the same line is read by the default names (and has no id).
        let plain = line.replace("DocumentIdentifier", "id");
        let (d, _) = parse_json_record(plain.as_bytes()).unwrap();
        assert_eq!((d.text.as_ref(), d.outlet.as_deref()), ("not this", Some("not this either")));
        let missing = parse_json_record(line.as_bytes()).unwrap_err();
        assert_eq!(missing, RecordProblem::MissingField("id"));
        let missing = parse_json_record_with(br#"{"id":"x","text":"y"}"#, &m).unwrap_err();
        assert_eq!(missing, RecordProblem::MissingField("id"));
    }

    #[test]
    fn our_fields() {
        let (d, w) = ok(
            r#"{"id":"a1","text":"Hello world.","outlet":"Reuters","published":"1987-03-26T08:12:04","lang":"en","title":"T","url":"http://x","extra":[1,{"a":2}]}"#,
        );
        assert!(w.is_empty());
        assert_eq!((d.id.as_ref(), d.text.as_ref()), ("a1", "Hello world."));
        assert_eq!(d.outlet.as_deref(), Some("Reuters"));
        assert_eq!(d.published, Some(Published::Local(543744724)));
        assert_eq!(
            (d.lang.as_deref(), d.title.as_deref(), d.url.as_deref()),
            (Some("en"), Some("T"), Some("http://x"))
        );
    }

    #[test]
    fn news_please_fields() {
        let (d, w) = ok(
            r#"{"url":"https://e.com/a","text":null,"maintext":"Body text.","source_domain":"e.com","date_publish":"2019-05-01 10:00:00","language":"de","title":"X"}"#,
        );
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(d.id, "https://e.com/a");
        assert_eq!(d.text, "Body text.");
        assert_eq!(d.outlet.as_deref(), Some("e.com"));
        assert_eq!(d.lang.as_deref(), Some("de"));
        assert!(matches!(d.published, Some(Published::Local(_))));
    }

    #[test]
    fn numeric_ids_and_escaped_text() {
        let (d, _) = ok(r#"{"id":42,"text":"caf\u00e9 \"quoted\"\nnext"}"#);
        assert_eq!(d.id, "42");
        assert_eq!(d.text, "café \"quoted\"\nnext");
    }

    #[test]
    fn problems_are_precise() {
        assert!(matches!(bad(b"not json"), RecordProblem::NotJson(_)));
        assert!(matches!(bad(b"{\"id\":\"a\",\"text\":\"x\""), RecordProblem::NotJson(_)));
        assert_eq!(bad(b"[1,2]"), RecordProblem::NotAnObject("an array"));
        assert_eq!(bad(b"\"s\""), RecordProblem::NotAnObject("a string"));
        assert_eq!(bad(br#"{"text":"x"}"#), RecordProblem::MissingField("id"));
        assert_eq!(bad(br#"{"id":"a"}"#), RecordProblem::MissingField("text"));
        assert_eq!(bad(br#"{"id":"a","text":null}"#), RecordProblem::MissingField("text"));
        assert_eq!(bad(br#"{"id":"a","text":"  "}"#), RecordProblem::EmptyText);
        assert_eq!(bad(br#"{"id":"a","text":"--- ..."}"#), RecordProblem::EmptyText);
        assert_eq!(
            bad(br#"{"id":[1],"text":"x"}"#),
            RecordProblem::WrongType { field: "id", found: "an array" }
        );
        assert_eq!(
            bad(br#"{"id":"a","text":{"p":1}}"#),
            RecordProblem::WrongType { field: "text", found: "an object" }
        );
        assert!(matches!(bad(b"{\"id\":\"a\",\"text\":\"x\x00y\"}"), RecordProblem::NotJson(_)));
    }

    #[test]
    fn repairs_are_warnings() {
        let (d, w) = parse_json_record(b"{\"id\":\"a\",\"text\":\"caf\xe9 ok\"}").unwrap();
        assert_eq!(d.text, "caf\u{fffd} ok");
        assert_eq!(w, vec![RecordProblem::InvalidUtf8Repaired]);
        let (d, w) =
            ok(r#"{"id":"a","text":"x","outlet":{"name":"n"},"published":"last tuesday"}"#);
        assert_eq!(d.outlet, None);
        assert_eq!(d.published, None);
        assert_eq!(d.published_raw.as_deref(), Some("last tuesday"));
        assert_eq!(w.len(), 2);
        assert!(w.iter().all(RecordProblem::is_warning));
        // BOM at the start of a file's first line.
        let (d, _) = parse_json_record(b"\xEF\xBB\xBF{\"id\":\"b\",\"text\":\"y\"}").unwrap();
        assert_eq!(d.id, "b");
    }
}
