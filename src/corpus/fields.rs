//! Which input field holds which part of a document.
//!
//! Records name their fields as their exporter chose: Media Cloud writes `media_name` and
//! `publish_date`, GDELT `SourceCommonName`, an in-house dump `body` and `site`. The common
//! names are known without help (see the JSONL reader); a [`FieldMap`] names the rest, so
//! that no export needs converting first. A mapped field is read from the named field
//! *only*: `--field outlet=site` makes a record's `outlet` and `source` columns, whatever
//! they hold, no longer the outlet. It applies to every record-shaped input — JSONL lines,
//! CSV/TSV rows, one-article JSON files.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// A document field that a record's field can be mapped to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// The document id.
    Id,
    /// The article text.
    Text,
    /// The publishing outlet.
    Outlet,
    /// The publication time.
    Published,
    /// The language code.
    Lang,
    /// The headline.
    Title,
    /// The article's URL.
    Url,
}

impl Field {
    /// Every field, with the name `--field` and `--config` use for it.
    pub const ALL: [(Field, &'static str); 7] = [
        (Field::Id, "id"),
        (Field::Text, "text"),
        (Field::Outlet, "outlet"),
        (Field::Published, "published"),
        (Field::Lang, "lang"),
        (Field::Title, "title"),
        (Field::Url, "url"),
    ];
}

/// The input field to read each document field from, where it is not one of the names
/// known by default.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FieldMap {
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Input field of the id.
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Input field of the text.
    pub text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Input field of the outlet.
    pub outlet: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Input field of the publication time.
    pub published: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Input field of the language.
    pub lang: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Input field of the headline.
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Input field of the URL.
    pub url: Option<String>,
}

impl FieldMap {
    /// No field mapped.
    pub const NONE: FieldMap = FieldMap {
        id: None,
        text: None,
        outlet: None,
        published: None,
        lang: None,
        title: None,
        url: None,
    };

    /// Whether nothing is mapped (the default names apply everywhere).
    pub fn is_empty(&self) -> bool {
        *self == FieldMap::NONE
    }

    fn slot(&mut self, f: Field) -> &mut Option<String> {
        match f {
            Field::Id => &mut self.id,
            Field::Text => &mut self.text,
            Field::Outlet => &mut self.outlet,
            Field::Published => &mut self.published,
            Field::Lang => &mut self.lang,
            Field::Title => &mut self.title,
            Field::Url => &mut self.url,
        }
    }

    /// The input field `f` is mapped to, if any.
    pub fn get(&self, f: Field) -> Option<&str> {
        match f {
            Field::Id => self.id.as_deref(),
            Field::Text => self.text.as_deref(),
            Field::Outlet => self.outlet.as_deref(),
            Field::Published => self.published.as_deref(),
            Field::Lang => self.lang.as_deref(),
            Field::Title => self.title.as_deref(),
            Field::Url => self.url.as_deref(),
        }
    }

    /// The document field an input field named `name` is mapped to, if any.
    pub fn field_named(&self, name: &str) -> Option<Field> {
        Field::ALL.iter().map(|&(f, _)| f).find(|&f| self.get(f) == Some(name))
    }

    /// Applies one `FIELD=NAME` assignment (the `--field` option), e.g. `outlet=media_name`.
    pub fn assign(&mut self, assignment: &str) -> Result<()> {
        let bad = |why: String| Error::Config(format!("--field {assignment:?}: {why}"));
        let (field, name) = assignment
            .split_once('=')
            .ok_or_else(|| bad("expected FIELD=NAME, e.g. outlet=media_name".into()))?;
        let (field, name) = (field.trim(), name.trim());
        let f = Field::ALL.iter().find(|(_, n)| *n == field).map(|&(f, _)| f).ok_or_else(|| {
            let known: Vec<&str> = Field::ALL.iter().map(|(_, n)| *n).collect();
            bad(format!("{field:?} is not a document field (one of {})", known.join(", ")))
        })?;
        if name.is_empty() {
            return Err(bad("the input field name is empty".into()));
        }
        let mut next = self.clone();
        *next.slot(f) = Some(name.to_string());
        next.validate()?;
        *self = next;
        Ok(())
    }

    /// Refuses a map that reads two document fields from one input field (`id` and `url`
    /// from the same column is the exception users need: the URL is the id).
    pub fn validate(&self) -> Result<()> {
        for (i, &(a, an)) in Field::ALL.iter().enumerate() {
            for &(b, bn) in &Field::ALL[i + 1..] {
                if let (Some(x), Some(y)) = (self.get(a), self.get(b)) {
                    let id_url = matches!((a, b), (Field::Id, Field::Url));
                    if x == y && !id_url {
                        return Err(Error::Config(format!(
                            "fields {an} and {bn} are both mapped to the input field {x:?}"
                        )));
                    }
                    if x.is_empty() || y.is_empty() {
                        return Err(Error::Config("a mapped input field name is empty".into()));
                    }
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assignments_name_the_input_field_of_a_document_field() {
        let mut m = FieldMap::default();
        assert!(m.is_empty());
        m.assign("outlet=SourceCommonName").unwrap();
        m.assign(" published = Date ").unwrap();
        assert_eq!(m.get(Field::Outlet), Some("SourceCommonName"));
        assert_eq!(m.field_named("Date"), Some(Field::Published));
        assert_eq!(m.field_named("date"), None);
        let e = m.assign("source=x").unwrap_err().to_string();
        assert!(e.contains("not a document field") && e.contains("outlet"), "{e}");
        assert!(m.assign("outlet").is_err());
        assert!(m.assign("title=").is_err());
        assert!(m.assign("title=Date").unwrap_err().to_string().contains("both mapped"));
        let mut u = FieldMap::default();
        u.assign("id=link").unwrap();
        u.assign("url=link").unwrap();
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(json, r#"{"outlet":"SourceCommonName","published":"Date"}"#);
        assert_eq!(
            serde_json::from_str::<FieldMap>(&json).unwrap().field_named("Date"),
            m.field_named("Date")
        );
        assert!(serde_json::from_str::<FieldMap>(r#"{"source":"x"}"#).is_err());
    }
}
