//! Configuration: every knob of a run, as plain data.
//!
//! A [`Config`] is validated once ([`Config::lsh_params`] derives bands × rows) and then
//! passed by reference; the same values are written into reports and index headers so a
//! result always says how it was made. Defaults were chosen on the development sets named
//! in `BENCHMARKS.md` and are meant to generalise, not to fit one corpus.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::lsh::LshParams;

/// All parameters of a matching run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Words per shingle.
    pub shingle_size: usize,
    /// MinHash signature length.
    pub num_perm: usize,
    /// Seed for shingle hashing and the MinHash family. Changing it changes every
    /// fingerprint (but not, beyond noise, the results).
    pub seed: u64,
    /// Paragraph Jaccard similarity the LSH index is tuned for; also the Jaccard at which a
    /// candidate paragraph pair is accepted.
    pub threshold: f64,
    /// Bands of the LSH index (derived from `threshold` unless set, together with `rows`).
    pub bands: Option<usize>,
    /// Rows per band (see `bands`).
    pub rows: Option<usize>,
    /// A candidate paragraph pair is also accepted when this share of the smaller
    /// paragraph's shingles is in the larger (cuts and merges).
    pub min_containment: f64,
    /// LSH buckets with more distinct paragraphs than this are linked through one hub
    /// instead of all pairs.
    pub max_bucket: usize,
    /// A paragraph printed in more documents than this is not expanded into document
    /// pairs (its pairs would be quadratic; it is reported).
    pub max_occurrences: usize,
    /// Two articles match when their aligned paragraphs share at least this many
    /// shingles (5-word shingles: 10 ≈ 14 consecutive words).
    pub min_shared: u32,
    /// Within a matched article pair, two paragraphs are aligned when at least this share
    /// of the smaller one's shingles is in the other…
    pub align_containment: f64,
    /// …and they share at least this many shingles.
    pub align_min_shared: u32,
    /// Aligned paragraphs that both state facts (numbers, proper names) must share at least
    /// this share of the smaller side's facts: same words with other facts is a template.
    pub fact_agreement: f64,
    /// At or above this verbatim share the reuse is `copy`/`partial`; below, `rewrite`.
    pub copy_similarity: f64,
    /// `copy` when more than this share of one article is reused; `partial` otherwise.
    pub copy_coverage: f64,
    /// A paragraph an outlet prints in at least this many different articles is that
    /// outlet's template (boilerplate).
    pub template_min_articles: usize,
    /// Two articles that each match a third are proposed as a pair too, unless that third
    /// article matches more than this many others.
    pub max_neighbours: usize,
    /// A match resting on one reworded paragraph (one paragraph aligned on either side,
    /// verbatim share below `copy_similarity`, at most `copy_coverage` of either article)
    /// is kept only when both articles also match a common third article through stronger
    /// evidence. In a large corpus two unrelated stories often share one stock sentence in
    /// other words; a single reworded paragraph in otherwise different articles is not
    /// reused copy unless the story around it says so.
    pub corroborate: bool,
    /// Look for translated copy between paragraphs of different languages.
    pub translation: bool,
    /// Translated copy is looked for between articles published at most this many days apart
    /// (undated articles are compared with every other).
    pub translation_window_days: f64,
    /// Pairs of anchors shared by more paragraphs than this are too common to propose
    /// candidates (Russia + Ukraine).
    pub translation_max_posting: usize,
    /// A translated pair needs this many aligned paragraphs (or all of the smaller article)…
    pub translation_min_paragraphs: usize,
    /// …and this share of the smaller article's paragraphs aligned.
    pub translation_min_share: f64,
    /// LSH band keys are kept to 32 bits up to this many signed (distinct, non-template)
    /// paragraphs and to 48 bits beyond, where 32-bit keys would add about n²/2³³
    /// accidental candidates per band (see [`crate::lsh::KeyWidth`]).
    pub wide_keys_from: usize,
    /// Articles published surely more than this many days apart belong to different news
    /// cycles. News copy is reused within its cycle; text that recurs across cycles in
    /// several outlets' articles, or in one outlet's, is site and distributor furniture
    /// (see [`crate::recurring`]).
    pub news_cycle_days: f64,
    /// Text recurring across news cycles is furniture when it is shared by at least this
    /// many documents (of at least two outlets).
    pub recurring_min_docs: usize,
    /// Also report article pairs that share only quoted material (a statement both quote),
    /// with relation `quote`. Off by default: a quotation is no evidence of reuse.
    pub quotes: bool,
    /// Also report the matches of listing pages (headlines and teasers of many stories)
    /// with the stories they list, with relation `listing`. Off by default.
    pub listings: bool,
    /// Compare every pair of articles exactly instead of using the LSH index. O(n²):
    /// for small corpora, and as the reference the index is tested against.
    pub exhaustive: bool,
    /// Input fields to read document fields from where records do not use the default
    /// names, e.g. `{"outlet": "SourceCommonName", "published": "Date"}` (the `--field`
    /// option). Applies to JSONL lines, CSV/TSV rows and one-article JSON files.
    pub fields: crate::corpus::FieldMap,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            shingle_size: 5,
            num_perm: 128,
            seed: 1,
            threshold: 0.2,
            bands: None,
            rows: None,
            min_containment: 0.5,
            max_bucket: 500,
            max_occurrences: 2000,
            min_shared: 10,
            align_containment: 0.2,
            align_min_shared: 3,
            fact_agreement: 0.66,
            copy_similarity: 0.78,
            copy_coverage: 0.5,
            template_min_articles: 3,
            max_neighbours: 64,
            corroborate: true,
            translation: true,
            translation_window_days: 3.0,
            translation_max_posting: 300,
            translation_min_paragraphs: 2,
            translation_min_share: 0.25,
            wide_keys_from: 1 << 22,
            news_cycle_days: 2.0,
            recurring_min_docs: 3,
            quotes: false,
            listings: false,
            exhaustive: false,
            fields: crate::corpus::FieldMap::NONE,
        }
    }
}

/// Levenshtein distance of two short strings (setting names).
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

fn unit(name: &str, v: f64) -> Result<()> {
    if (0.0..=1.0).contains(&v) {
        Ok(())
    } else {
        Err(Error::Config(format!("{name} must be between 0 and 1, got {v}")))
    }
}

impl Config {
    /// Reads settings from JSON text: an object whose keys are settings (missing ones take
    /// their defaults). Anything else — an array, an unknown or misspelt key — is refused,
    /// naming the nearest setting: a typo must not silently leave a default in force.
    pub fn from_json(text: &str) -> Result<Config> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| Error::Config(format!("not JSON: {e}")))?;
        let Some(object) = value.as_object() else {
            return Err(Error::Config(
                "settings must be a JSON object of setting names and values".into(),
            ));
        };
        let known = serde_json::to_value(Config::default()).unwrap_or_default();
        let known: Vec<&String> = known.as_object().map(|o| o.keys().collect()).unwrap_or_default();
        for key in object.keys() {
            if !known.contains(&key) {
                let nearest = known.iter().min_by_key(|k| edit_distance(k, key));
                return Err(Error::Config(match nearest {
                    Some(n) if edit_distance(n, key) <= 3 => {
                        format!("unknown setting `{key}` (did you mean `{n}`?)")
                    }
                    _ => format!("unknown setting `{key}`"),
                }));
            }
        }
        serde_json::from_value(value).map_err(|e| Error::Config(e.to_string()))
    }

    /// Validates the configuration and returns the LSH bands × rows to use.
    pub fn lsh_params(&self) -> Result<LshParams> {
        if self.shingle_size == 0 || self.shingle_size > 32 {
            return Err(Error::Config(format!(
                "shingle size must be 1..=32, got {}",
                self.shingle_size
            )));
        }
        if self.num_perm == 0 || self.num_perm > 1024 {
            return Err(Error::Config(format!("num_perm must be 1..=1024, got {}", self.num_perm)));
        }
        for (n, v) in [
            ("min_containment", self.min_containment),
            ("align_containment", self.align_containment),
            ("copy_similarity", self.copy_similarity),
            ("fact_agreement", self.fact_agreement),
            ("copy_coverage", self.copy_coverage),
        ] {
            unit(n, v)?;
        }
        if self.max_bucket < 2 {
            return Err(Error::Config("max_bucket must be at least 2".into()));
        }
        if !(self.translation_window_days >= 0.0 && self.translation_window_days.is_finite()) {
            return Err(Error::Config(format!(
                "the translation window must be a number of days ≥ 0, got {}",
                self.translation_window_days
            )));
        }
        unit("translation_min_share", self.translation_min_share)?;
        if !(self.news_cycle_days > 0.0 && self.news_cycle_days.is_finite()) {
            return Err(Error::Config(format!(
                "news_cycle_days must be a number of days > 0, got {}",
                self.news_cycle_days
            )));
        }
        if self.recurring_min_docs < 2 {
            return Err(Error::Config("recurring_min_docs must be at least 2".into()));
        }
        if self.template_min_articles < 2 {
            return Err(Error::Config("template_min_articles must be at least 2".into()));
        }
        let params = match (self.bands, self.rows) {
            (Some(bands), Some(rows)) => LshParams { bands, rows },
            (None, None) => LshParams::optimal(self.threshold, self.num_perm, 0.5, 0.5)?,
            _ => return Err(Error::Config("--bands and --rows must be given together".into())),
        };
        if !(self.threshold > 0.0 && self.threshold < 1.0) {
            return Err(Error::Config(format!(
                "threshold must be in (0, 1), got {}",
                self.threshold
            )));
        }
        params.validate(self.num_perm)?;
        Ok(params)
    }

    /// A warning when explicit bands × rows put the S-curve far from the threshold.
    pub fn lsh_warning(&self, params: LshParams) -> Option<String> {
        let mid = params.midpoint();
        (self.bands.is_some() && (mid - self.threshold).abs() > 0.15).then(|| {
            format!(
                "{} bands × {} rows make paragraphs candidates at Jaccard ≈ {mid:.2}, far from --threshold {}",
                params.bands, params.rows, self.threshold
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_derive_params() {
        let c = Config::default();
        let p = c.lsh_params().unwrap();
        assert_eq!(p, LshParams::optimal(c.threshold, 128, 0.5, 0.5).unwrap());
        assert!(c.lsh_warning(p).is_none());
    }

    #[test]
    fn bad_values_are_refused_with_a_reason() {
        let bad = |f: fn(&mut Config)| {
            let mut c = Config::default();
            f(&mut c);
            c.lsh_params().unwrap_err().to_string()
        };
        assert!(bad(|c| c.threshold = 1.2).contains("threshold"));
        assert!(bad(|c| c.bands = Some(4)).contains("together"));
        assert!(
            bad(|c| {
                c.bands = Some(64);
                c.rows = Some(4)
            })
            .contains("exceeds")
        );
        assert!(bad(|c| c.copy_coverage = 2.0).contains("copy_coverage"));
        assert!(bad(|c| c.shingle_size = 0).contains("shingle"));
        let mut c = Config { bands: Some(2), rows: Some(64), ..Config::default() };
        let p = c.lsh_params().unwrap();
        assert!(c.lsh_warning(p).is_some());
        c.threshold = 0.99;
        assert!(c.lsh_params().is_ok());
    }

    #[test]
    fn round_trips_through_json_with_defaults_for_missing_fields() {
        let c: Config = serde_json::from_str(r#"{"threshold":0.5}"#).unwrap();
        assert_eq!(c.threshold, 0.5);
        assert_eq!(c.num_perm, 128);
        let s = serde_json::to_string(&Config::default()).unwrap();
        assert_eq!(serde_json::from_str::<Config>(&s).unwrap(), Config::default());
    }

    #[test]
    fn settings_files_must_be_objects_of_known_settings() {
        assert_eq!(Config::from_json(r#"{"threshold":0.5}"#).unwrap().threshold, 0.5);
        let e = Config::from_json(r#"{"treshold":0.5}"#).unwrap_err().to_string();
        assert!(e.contains("`treshold`") && e.contains("`threshold`"), "{e}");
        let e = Config::from_json("[0.5, 5]").unwrap_err().to_string();
        assert!(e.contains("JSON object"), "{e}");
        assert!(Config::from_json(r#"{"shingle_size":"five"}"#).is_err());
        assert!(Config::from_json("{").is_err());
    }
}
