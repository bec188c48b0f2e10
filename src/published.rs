//! Publication times and the "who published first" question.
//!
//! News metadata gives publication times at three precisions: an instant with a zone
//! (`2007-12-14T08:12:04-08:00`), a local date-time without a zone (the Reuters pool), or a
//! date only (print editions). Direction must never be claimed when the data cannot support
//! it, so every value is turned into the interval of UTC instants it may stand for, and one
//! article is "earlier" only when its whole interval lies before the other's.
//!
//! A local time of unknown zone may be anywhere from UTC-12 to UTC+14. A date is the whole
//! local day. Two local date-times are compared as they stand: they come from the same
//! source far more often than not (one wire pool, one outlet), and comparing them through
//! ±14 h intervals would throw away nearly every direction in such a pool.

use std::cmp::Ordering;
use std::fmt;

use chrono::{DateTime, NaiveDate, NaiveDateTime};

const HOUR: i64 = 3600;
/// Earliest zone offset in use (UTC-12): a local time is at most this far behind UTC.
const MAX_BEHIND: i64 = 12 * HOUR;
/// Latest zone offset in use (UTC+14): a local time is at most this far ahead of UTC.
const MAX_AHEAD: i64 = 14 * HOUR;

/// A parsed publication time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Published {
    /// An instant: seconds since the Unix epoch, UTC.
    Instant(i64),
    /// A local date-time with no zone: seconds since the epoch as if it were UTC.
    Local(i64),
    /// A local date with no time: days since the epoch.
    Date(i64),
}

/// Years a publication date may fall in. News printed before 1600 does not exist; a
/// year outside is a data error (a sign lost, a field shifted), and taken at its word it
/// would make the article the source of its whole story.
pub const YEARS: std::ops::RangeInclusive<i32> = 1600..=2999;

/// The text could not be read as an ISO 8601 date or date-time, or its year is outside
/// [`YEARS`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsePublishedError(pub String);

impl fmt::Display for ParsePublishedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?} is not an ISO 8601 or RFC 2822 date or date-time of the years {} to {}",
            self.0,
            YEARS.start(),
            YEARS.end()
        )
    }
}

impl std::error::Error for ParsePublishedError {}

impl Published {
    /// Parses the ISO 8601 forms news data uses: `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM[:SS[.f]]`
    /// with `T` or a space, with `Z`, `±HH:MM` or no zone; and the RFC 2822 form of RSS
    /// feeds and mail headers (`Tue, 17 Mar 1987 10:00:00 GMT`, `17 Mar 1987 10:00 +0100`).
    pub fn parse(text: &str) -> Result<Published, ParsePublishedError> {
        let p = Self::parse_any(text)?;
        let nominal = match p {
            Published::Instant(t) | Published::Local(t) => Some(t),
            Published::Date(d) => d.checked_mul(24 * HOUR),
        };
        let year = nominal
            .and_then(|t| DateTime::from_timestamp(t, 0))
            .map(|t| chrono::Datelike::year(&t));
        match year {
            Some(y) if YEARS.contains(&y) => Ok(p),
            _ => Err(ParsePublishedError(text.to_string())),
        }
    }

    fn parse_any(text: &str) -> Result<Published, ParsePublishedError> {
        let s = text.trim();
        let err = || ParsePublishedError(text.to_string());
        if s.len() < 10 {
            return Err(err());
        }
        if s.len() == 10 {
            let d = NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| err())?;
            let days = d.signed_duration_since(NaiveDate::default()).num_days();
            return Ok(Published::Date(days));
        }
        if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
            return Ok(Published::Instant(dt.timestamp()));
        }
        // RFC 2822 (RSS, mail): a weekday or a day number first, never a four-digit year.
        if !s.as_bytes()[..4].iter().all(u8::is_ascii_digit) {
            if let Ok(dt) = DateTime::parse_from_rfc2822(s) {
                return Ok(Published::Instant(dt.timestamp()));
            }
        }
        // RFC 3339 demands seconds; news data often omits them, or writes the offset as +HHMM.
        for fmt in
            ["%Y-%m-%dT%H:%M%:z", "%Y-%m-%d %H:%M%:z", "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%d %H:%M:%S%z"]
        {
            if let Ok(dt) = DateTime::parse_from_str(s, fmt) {
                return Ok(Published::Instant(dt.timestamp()));
            }
        }
        if let Some(naive) = s.strip_suffix('Z').or_else(|| s.strip_suffix('z')) {
            if let Some(t) = parse_naive(naive) {
                return Ok(Published::Instant(t));
            }
        }
        parse_naive(s).map(Published::Local).ok_or_else(err)
    }

    /// The interval `[lo, hi)` of UTC seconds this value may stand for.
    pub fn bounds(self) -> (i64, i64) {
        match self {
            Published::Instant(t) => (t, t + 1),
            Published::Local(t) => (t - MAX_AHEAD, t + MAX_BEHIND + 1),
            Published::Date(d) => (d * 24 * HOUR - MAX_AHEAD, (d + 1) * 24 * HOUR + MAX_BEHIND),
        }
    }

    /// Seconds that surely separate the two times: the gap between their intervals (0 when
    /// they overlap). Two local date-times are compared as they stand, as in
    /// [`Published::surely_cmp`].
    pub fn surely_apart_by(self, other: Published) -> f64 {
        if let (Published::Local(a), Published::Local(b)) = (self, other) {
            return (a - b).abs() as f64;
        }
        let (a, b) = (self.bounds(), other.bounds());
        (b.0 - a.1).max(a.0 - b.1).max(0) as f64
    }

    /// `Some(Less)` when `self` is surely earlier than `other`, `Some(Greater)` when surely
    /// later, `None` when the data cannot tell (equal times, overlapping uncertainty).
    pub fn surely_cmp(self, other: Published) -> Option<Ordering> {
        if let (Published::Local(a), Published::Local(b)) = (self, other) {
            return match a.cmp(&b) {
                Ordering::Equal => None,
                o => Some(o),
            };
        }
        let (alo, ahi) = self.bounds();
        let (blo, bhi) = other.bounds();
        if ahi <= blo {
            Some(Ordering::Less)
        } else if bhi <= alo {
            Some(Ordering::Greater)
        } else {
            None
        }
    }

    /// A point used only to sort articles by time (earliest plausible instant).
    pub fn sort_key(self) -> i64 {
        match self {
            Published::Instant(t) | Published::Local(t) => t,
            Published::Date(d) => d * 24 * HOUR,
        }
    }
}

/// Why the dates of two matched articles cannot say which came first, in words for
/// reports; `None` when one is surely earlier (see [`Published::surely_cmp`]).
pub fn why_undirected(a: Option<Published>, b: Option<Published>) -> Option<&'static str> {
    match (a, b) {
        (None, None) => Some("neither article has a publication time"),
        (None, Some(_)) | (Some(_), None) => {
            Some("only one of the two articles has a publication time")
        }
        (Some(x), Some(y)) => match x.surely_cmp(y) {
            Some(_) => None,
            None if x == y => Some("both carry the same publication time"),
            None => Some(
                "their publication times overlap once their precision is allowed for (a date \
                 alone is a whole day; a time without a zone may be UTC-12 to UTC+14)",
            ),
        },
    }
}

fn parse_naive(s: &str) -> Option<i64> {
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
    {
        if let Ok(dt) = NaiveDateTime::parse_from_str(s, fmt) {
            return Some(dt.and_utc().timestamp());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Published {
        Published::parse(s).unwrap()
    }

    #[test]
    fn rfc_2822_times_are_instants() {
        let want = p("1987-03-17T10:00:00Z");
        assert_eq!(p("Tue, 17 Mar 1987 10:00:00 GMT"), want);
        assert_eq!(p("Tue, 17 Mar 1987 11:00:00 +0100"), want);
        assert_eq!(p("17 Mar 1987 10:00:00 +0000"), want);
        assert_eq!(p("Tue, 17 Mar 1987 05:00:00 EST"), want);
        assert!(Published::parse("Tue, 17 Mar 1487 10:00:00 GMT").is_err());
        assert!(Published::parse("Tuesday next week").is_err());
    }

    #[test]
    fn undirected_pairs_say_why() {
        assert!(why_undirected(None, None).is_some_and(|w| w.starts_with("neither")));
        assert!(why_undirected(Some(p("2020-01-01")), None).is_some_and(|w| w.contains("one of")));
        assert!(
            why_undirected(Some(p("2020-01-01")), Some(p("2020-01-01")))
                .is_some_and(|w| w.contains("same"))
        );
        assert!(
            why_undirected(Some(p("2020-01-01")), Some(p("2020-01-01T10:00:00Z")))
                .is_some_and(|w| w.contains("overlap"))
        );
        assert_eq!(
            why_undirected(Some(p("2020-01-01T09:00:00Z")), Some(p("2020-01-01T10:00:00Z"))),
            None
        );
    }

    #[test]
    fn years_outside_news_history_are_refused() {
        for bad in
            ["-0500-03-01", "0800-01-01", "1599-12-31T23:00:00Z", "3000-01-01", "+12345-01-01"]
        {
            assert!(Published::parse(bad).is_err(), "{bad}");
        }
        for good in ["1600-01-02", "1987-03-16", "2999-12-30T10:00:00Z"] {
            assert!(Published::parse(good).is_ok(), "{good}");
        }
    }

    #[test]
    fn parses_the_forms_news_data_uses() {
        assert_eq!(p("1970-01-02"), Published::Date(1));
        assert_eq!(p("1970-01-01T01:00:00Z"), Published::Instant(3600));
        assert_eq!(p("1970-01-01T01:00:00+01:00"), Published::Instant(0));
        assert_eq!(p("1970-01-01 01:00:00-01:00"), Published::Instant(7200));
        assert_eq!(p("1970-01-01T01:00:00.250Z"), Published::Instant(3600));
        assert_eq!(p("1970-01-01T01:00"), Published::Local(3600));
        assert_eq!(p("1970-01-01T01:00+0100"), Published::Instant(0));
        assert_eq!(p("1970-01-01T00:01:00+0000"), Published::Instant(60));
        assert_eq!(p("1987-03-26T08:12:04"), Published::Local(543744724));
        for bad in ["", "yesterday", "1987-13-01", "1987-03-26T25:00:00", "87-03-26"] {
            assert!(Published::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn instants_order_exactly_and_ties_are_undirected() {
        let a = p("2020-01-01T10:00:00Z");
        let b = p("2020-01-01T10:01:00+00:00");
        assert_eq!(a.surely_cmp(b), Some(Ordering::Less));
        assert_eq!(b.surely_cmp(a), Some(Ordering::Greater));
        assert_eq!(a.surely_cmp(a), None);
    }

    #[test]
    fn a_date_is_uncertain_by_a_day_and_the_zones() {
        let d = p("2020-01-02");
        // Same local day somewhere on earth: undecidable.
        assert_eq!(p("2020-01-02T12:00:00Z").surely_cmp(d), None);
        assert_eq!(p("2020-01-01T12:00:00Z").surely_cmp(d), None);
        // Far enough apart: decidable both ways.
        assert_eq!(p("2019-12-31T09:00:00Z").surely_cmp(d), Some(Ordering::Less));
        assert_eq!(p("2020-01-04T00:00:00Z").surely_cmp(d), Some(Ordering::Greater));
        assert_eq!(p("2020-01-05").surely_cmp(d), Some(Ordering::Greater));
        assert_eq!(p("2020-01-03").surely_cmp(d), None);
    }

    #[test]
    fn local_times_compare_with_each_other_but_not_with_instants() {
        let a = p("1987-03-26T08:12:04");
        let b = p("1987-03-26T08:13:04");
        assert_eq!(a.surely_cmp(b), Some(Ordering::Less));
        assert_eq!(a.surely_cmp(p("1987-03-26T09:00:00Z")), None);
        assert_eq!(a.surely_cmp(p("1987-03-27T09:00:00Z")), Some(Ordering::Less));
    }
}
