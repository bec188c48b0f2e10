//! Web archives as input: WARC (plain and gzip, one member per record) and WET files,
//! their HTTP payloads, damaged records, and formats that are refused.

use std::io::Write;

use crate::util::{TestCorpus, lines, wm};

/// One WARC record.
fn record(kind: &str, uri: Option<&str>, content_type: Option<&str>, content: &[u8]) -> Vec<u8> {
    let mut r = format!("WARC/1.1\r\nWARC-Type: {kind}\r\nWARC-Date: 2024-05-01T10:00:00Z\r\n");
    if let Some(u) = uri {
        r.push_str(&format!("WARC-Target-URI: {u}\r\n"));
    }
    if let Some(t) = content_type {
        r.push_str(&format!("Content-Type: {t}\r\n"));
    }
    r.push_str(&format!("Content-Length: {}\r\n\r\n", content.len()));
    let mut out = r.into_bytes();
    out.extend_from_slice(content);
    out.extend_from_slice(b"\r\n\r\n");
    out
}

/// An HTTP response message with `headers` and `body`.
fn http(headers: &str, body: &[u8]) -> Vec<u8> {
    let mut m = format!("HTTP/1.1 200 OK\r\n{headers}\r\n").into_bytes();
    m.extend_from_slice(body);
    m
}

/// A `response` record of `uri` holding `page` as HTML.
fn response(uri: &str, page: &str) -> Vec<u8> {
    let msg = http("Content-Type: text/html; charset=utf-8\r\n", page.as_bytes());
    record("response", Some(uri), Some("application/http; msgtype=response"), &msg)
}

/// Gzip members, one per record, as crawlers write them.
fn gzip_members(records: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    for r in records {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(r).expect("gzip");
        out.extend(gz.finish().expect("gzip"));
    }
    out
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(bytes).expect("gzip");
    gz.finish().expect("gzip")
}

/// A page of one site's template around `story`.
fn page(site: &str, title: &str, story: &[&str]) -> String {
    let body: String = story.iter().map(|p| format!("<p>{p}</p>\n")).collect();
    format!(
        "<html lang=\"en\"><head><title>{title} | {site}</title>\
         <meta property=\"article:published_time\" content=\"2024-05-01T08:00:00Z\"></head>\
         <body><article><h1>{title}</h1>\n{body}</article></body></html>"
    )
}

const STORY: [&str; 3] = [
    "The central bank raised its main interest rate by half a point on Tuesday, the third \
     increase this year, citing inflation that has stayed above its target for eighteen months.",
    "Markets had expected a smaller move, and the currency rose sharply against the dollar after \
     the announcement, while shares of the largest lenders fell in afternoon trading.",
    "Economists said the bank was likely to pause at its next meeting in July to gauge the effect \
     of the increases on household borrowing and on the housing market.",
];

/// `wirematch paragraphs --format jsonl` of `input`: per document, its body texts.
fn bodies(input: &std::path::Path) -> Vec<Vec<String>> {
    let out = wm().args(["paragraphs", "--format", "jsonl"]).arg(input).output().expect("run");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut docs: Vec<Vec<String>> = lines(&out.stdout)
        .iter()
        .map(|d| {
            d["paragraphs"]
                .as_array()
                .expect("paragraphs")
                .iter()
                .filter(|p| p["kind"] == "body")
                .map(|p| p["text"].as_str().unwrap_or("").to_string())
                .collect()
        })
        .collect();
    docs.sort();
    docs
}

#[test]
fn a_warc_gives_the_text_of_the_same_pages_in_a_folder() {
    let c = TestCorpus::new();
    let pages: Vec<(String, String)> = (0..4)
        .map(|i| {
            let story: Vec<&str> = STORY.iter().copied().cycle().skip(i).take(3).collect();
            (
                format!("https://www.site{i}.co.uk/news/{i}"),
                page(&format!("Site {i}"), "Rates", &story),
            )
        })
        .collect();
    for (i, (_, html)) in pages.iter().enumerate() {
        c.write(&format!("site/s{i}/page.html"), html);
    }
    let mut records =
        vec![record("warcinfo", None, Some("application/warc-fields"), b"software: test\r\n")];
    for (uri, html) in &pages {
        records.push(record(
            "request",
            Some(uri),
            Some("application/http; msgtype=request"),
            b"GET / HTTP/1.1\r\n\r\n",
        ));
        records.push(response(uri, html));
        records.push(record(
            "metadata",
            Some(uri),
            Some("application/warc-fields"),
            b"fetchTimeMs: 12\r\n",
        ));
    }
    let warc = c.write("pages.warc.gz", gzip_members(&records));
    let plain = c.write("pages.warc", records.concat());
    let folder = bodies(&c.path("site"));
    assert_eq!(folder.len(), 4);
    assert_eq!(bodies(&warc), folder);
    assert_eq!(bodies(&plain), folder);
    // Ids are the URIs, outlets their registrable domains, skipped records counted once.
    let out = wm().args(["paragraphs", "--format", "jsonl"]).arg(&warc).output().expect("run");
    let docs = lines(&out.stdout);
    assert!(
        docs.iter()
            .any(|d| d["id"] == "https://www.site1.co.uk/news/1" && d["outlet"] == "site1.co.uk"),
        "{docs:?}"
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("metadata 4, request 4, warcinfo 1"), "{err}");
}

/// A page of site `i` in that site's own template: its menus, a "most read" box with
/// teasers, related links, a cookie notice shared by the five sites on one publishing
/// system, a comment section, a footer. Templates differ in markup as real sites do: an
/// `<article>`, a WordPress `entry-content`, bare `<div>`s, an ASP.NET page-wide `<form>`.
fn site_page(i: usize, title: &str, story: &[&str]) -> String {
    let site = format!("Town {i} Courier");
    let body: String = story.iter().map(|p| format!("<p>{p}</p>\n")).collect();
    let menu = format!(
        "<div class=\"topbar\"><a href=\"/\">Home</a> <a href=\"/sport\">Sport</a> \
         <a href=\"/weather\">Weather</a> <a href=\"/town\">Town {i} news</a></div>"
    );
    // Teasers of the site's other stories: linked headlines over short standfirsts.
    let teasers: String = [
        ("pool", "Council closes Mill Street pool", "Engineers found the roof unsafe."),
        ("litter", "Two tonnes of litter cleared", "The biggest clean-up in eleven years."),
        ("bus", "New bus line to the hospital", "Every twenty minutes from June."),
    ]
    .iter()
    .map(|(slug, head, stand)| {
        format!(
            "<div><a href=\"/{slug}\"><h4>{head} in Town {i}</h4></a><span>{stand}</span></div>"
        )
    })
    .collect();
    let most_read = if i % 2 == 0 {
        format!("<div class=\"widget popular-posts\"><h3>Most read</h3>{teasers}</div>")
    } else {
        format!("<div><h3>Most read in Town {i}</h3>{teasers}</div>")
    };
    let related = "<ul class=\"related-links\"><li><a href=\"/a\">Rates: what it means for \
        your mortgage</a></li><li><a href=\"/b\">Five charts on inflation</a></li></ul>";
    // The publishing system's notice, the same on five sites.
    let cms = if i < 5 {
        "<div id=\"cookie-consent\">We use cookies to give you the best experience on our \
         websites. By continuing to browse you agree to our use of cookies as described in the \
         privacy policy of our publishing partner network.</div>"
    } else {
        ""
    };
    let comments = format!(
        "<section id=\"comments\"><h3>3 comments</h3><div class=\"comment-body\">Reader {i} \
         wrote: I have lived in Town {i} for forty years and I have never seen prices climb as \
         fast as they did this spring, and nobody in charge seems to notice it.</div></section>"
    );
    let footer =
        format!("<footer>© 2024 {site}. All rights reserved. Contact the newsroom.</footer>");
    let article = match i % 4 {
        0 => format!("<article><h1>{title}</h1>{body}</article>"),
        1 => format!(
            "<div class=\"post\"><h1>{title}</h1><div class=\"entry-content\">{body}</div></div>"
        ),
        2 => format!("<div><div><h1>{title}</h1>{body}</div></div>"),
        _ => format!("<div class=\"main\"><h2>{title}</h2><div>{body}</div></div>"),
    };
    let page = format!(
        "{menu}{cms}<div class=\"layout\">{article}{related}{comments}</div>{most_read}{footer}"
    );
    let page = if i % 4 == 3 {
        format!("<form id=\"aspnetForm\" method=\"post\">{page}</form>")
    } else {
        page
    };
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><title>{title} | {site}</title>\
         <meta property=\"article:published_time\" content=\"2024-05-01T0{}:30:00Z\"></head>\
         <body>{page}</body></html>",
        i
    )
}

#[test]
fn one_wire_story_in_the_templates_of_ten_sites_gives_every_pair() {
    let c = TestCorpus::new();
    let mut records = Vec::new();
    for i in 0..10 {
        records.push(response(
            &format!("https://www.courier{i}.co.uk/story"),
            &site_page(i, "Bank raises rates", &STORY),
        ));
        // A second, local story on each site: it shares every piece of the site's chrome
        // with the wire page, and nothing else.
        let local = [
            format!(
                "The Town {i} library will open on Sundays from June, the first time in its \
                 history, after a local foundation agreed to pay for two more librarians."
            ),
            format!(
                "The head librarian of Town {i} said the new hours were meant for families \
                 who work during the week and for students preparing for their exams."
            ),
        ];
        let local: Vec<&str> = local.iter().map(String::as_str).collect();
        records.push(response(
            &format!("https://www.courier{i}.co.uk/library"),
            &site_page(i, "Library to open on Sundays", &local),
        ));
    }
    let warc = c.write("wire.warc.gz", gzip_members(&records));
    // The article text of every page is its story alone.
    for body in bodies(&warc) {
        let text = body.join("\n");
        assert!(text.contains("central bank") || text.contains("library will open"), "{text}");
        for chrome in [
            "Most read",
            "Mill Street",
            "cookies",
            "Reader",
            "All rights",
            "mortgage",
            "Home Sport",
        ] {
            assert!(!text.contains(chrome), "{chrome:?} in {text}");
        }
    }
    let out = wm().args(["match", "--format", "jsonl"]).arg(&warc).output().expect("run");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let pairs = lines(&out.stdout);
    assert_eq!(pairs.len(), 45, "every pair of the ten wire pages and nothing else: {pairs:?}");
    for p in &pairs {
        assert_eq!(p["relation"], "copy", "{p}");
        for side in ["a", "b"] {
            let id = p[side].as_str().or(p[side]["id"].as_str()).unwrap_or("");
            assert!(id.ends_with("/story"), "a pair resting on chrome: {p}");
        }
    }
}

#[test]
fn http_payloads_are_decoded_and_records_without_pages_skipped() {
    let c = TestCorpus::new();
    let html = page("Chunk Times", "Rates", &STORY);
    // Chunked transfer coding over gzip content coding.
    let zipped = gzip(html.as_bytes());
    let mut chunked = Vec::new();
    for part in zipped.chunks(100) {
        chunked.extend(format!("{:x}\r\n", part.len()).into_bytes());
        chunked.extend_from_slice(part);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let chunked = http(
        "Content-Type: text/html\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n",
        &chunked,
    );
    // A Latin-1 page whose only charset is the server's.
    let latin1: Vec<u8> = page("Le Courrier", "Taux", &["La banque centrale a relevé son taux directeur de un demi-point mardi, la troisième hausse cette année, en citant une inflation élevée."])
        .chars()
        .map(|ch| u8::try_from(u32::from(ch)).unwrap_or(b'?'))
        .collect();
    let latin1 = http("Content-Type: text/html; charset=iso-8859-1\r\n", &latin1);
    let not_found = b"HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\n\r\n<p>No such page here at all.</p>".to_vec();
    let image = http("Content-Type: image/jpeg\r\n", &[0xff, 0xd8, 0xff, 0xe0, 0, 0x10]);
    let t = Some("application/http; msgtype=response");
    let records = vec![
        record("response", Some("https://chunk.example.com/a"), t, &chunked),
        record("response", Some("https://courrier.example.fr/b"), t, &latin1),
        record("response", Some("https://gone.example.com/c"), t, &not_found),
        record("response", Some("https://img.example.com/d.jpg"), t, &image),
        record("revisit", Some("https://chunk.example.com/a"), t, b"HTTP/1.1 200 OK\r\n\r\n"),
        // WET: a page's text.
        record(
            "conversion",
            Some("https://text.example.org/e"),
            Some("text/plain"),
            STORY.join("\n\n").as_bytes(),
        ),
    ];
    let warc = c.write("mixed.warc.gz", gzip_members(&records));
    let out = wm().args(["paragraphs", "--format", "jsonl"]).arg(&warc).output().expect("run");
    assert!(out.status.success());
    let docs = lines(&out.stdout);
    let ids: Vec<&str> = docs.iter().filter_map(|d| d["id"].as_str()).collect();
    assert_eq!(
        ids,
        [
            "https://chunk.example.com/a",
            "https://courrier.example.fr/b",
            "https://text.example.org/e"
        ]
    );
    let text = |i: usize| docs[i]["paragraphs"].to_string();
    assert!(text(0).contains("third increase"), "{}", text(0));
    assert!(text(1).contains("relevé son taux"), "{}", text(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("mixed.warc.gz:3") && err.contains("HTTP status 404"), "{err}");
    assert!(err.contains("mixed.warc.gz:4") && err.contains("image/jpeg"), "{err}");
    assert!(err.contains("revisit 1"), "{err}");
}

#[test]
fn damaged_records_are_reported_and_the_rest_is_read() {
    let c = TestCorpus::new();
    let good =
        |i: usize| response(&format!("https://ok{i}.example.com/"), &page("Ok", "Rates", &STORY));
    // A record whose Content-Length says 40 bytes more than it holds swallows the start of
    // the next header: that record is reported as damaged, the one after is read.
    let mut long = good(1);
    let text = String::from_utf8_lossy(&long).into_owned();
    let len: usize = text
        .split("Content-Length: ")
        .nth(1)
        .and_then(|r| r.split('\r').next())
        .and_then(|n| n.parse().ok())
        .expect("length");
    long = text
        .replacen(&format!("Content-Length: {len}"), &format!("Content-Length: {}", len - 40), 1)
        .into_bytes();
    let plain = [
        good(0),
        long,
        good(2),
        b"WARC/1.1\r\nWARC-Type: response\r\nContent-Length: lots\r\n\r\nxx\r\n\r\n".to_vec(),
        good(3),
    ]
    .concat();
    let f = c.write("damaged.warc", plain);
    let out = wm().args(["paragraphs", "--format", "jsonl"]).arg(&f).output().expect("run");
    assert!(out.status.success());
    let ids: Vec<String> =
        lines(&out.stdout).iter().filter_map(|d| d["id"].as_str().map(String::from)).collect();
    assert!(
        ids.contains(&"https://ok0.example.com/".to_string())
            && ids.contains(&"https://ok3.example.com/".to_string()),
        "{ids:?}"
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("damaged WARC record at byte") && err.contains("not a number"), "{err}");
    // A gzip file cut in the middle of its third member: the first two are kept and the
    // break is reported.
    let members = gzip_members(&[good(0), good(1), good(2)]);
    let first_two = gzip_members(&[good(0), good(1)]).len();
    let cut = c.write("cut.warc.gz", &members[..first_two + 30]);
    let out = wm().args(["paragraphs", "--format", "jsonl"]).arg(&cut).output().expect("run");
    assert!(out.status.success());
    assert_eq!(lines(&out.stdout).len(), 2);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cut.warc.gz:3"), "{err}");
}

#[test]
fn a_file_in_no_known_format_is_refused() {
    let c = TestCorpus::new();
    let csv = c.write("export.csv.data", "id,text\n1,Some text here\n");
    let out = wm().arg("match").arg(&csv).output().expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("export.csv.data") && err.contains("not a format wirematch reads"),
        "{err}"
    );
}

#[test]
fn csv_and_tsv_exports_are_read_by_their_header() {
    let c = TestCorpus::new();
    let story = STORY.join("\n\n");
    let csv = c.write(
        "export.csv",
        format!(
            "id,media_name,publish_date,title,text\n\
             1,Daily One,2024-05-01,Rates,\"{story}\"\n\
             2,Daily Two,2024-05-05,Rates,\"{story}\"\n\
             3,Daily Three,2024-05-03,Empty,\n"
        ),
    );
    let out = wm().args(["match", "--format", "jsonl"]).arg(&csv).output().expect("run");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let pairs = lines(&out.stdout);
    assert_eq!(pairs.len(), 1);
    assert_eq!(pairs[0]["outlet_a"], "Daily One");
    assert_eq!(pairs[0]["source"], "1", "the earlier row is the source");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("export.csv:") && err.contains("text"), "row 3 has no text: {err}");
    // The same as TSV, gzip-compressed.
    let tsv: String = std::fs::read_to_string(&csv)
        .expect("read")
        .lines()
        .take(1)
        .map(|h| h.replace(',', "\t"))
        .chain([
            format!("a\tOne\t2024-05-01\tRates\t{}", STORY[0]),
            format!("b\tTwo\t2024-05-03\tRates\t{}", STORY[0]),
        ])
        .collect::<Vec<_>>()
        .join("\n");
    let tsv = c.write("export.tsv.gz", gzip(tsv.as_bytes()));
    let out = wm().args(["match", "--format", "jsonl"]).arg(&tsv).output().expect("run");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(lines(&out.stdout).len(), 1);
    // A table without a text column is refused, naming its columns.
    let bad = c.write("urls.csv", "id,title,url\n1,x,https://e.com\n");
    let out = wm().arg("match").arg(&bad).output().expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("only: id, title, url"));
}

#[test]
fn exports_with_their_own_field_names_are_read_through_a_field_map() {
    let c = TestCorpus::new();
    // A GDELT-like export: its own names, and a `source` column that is not the outlet.
    let mut csv = String::from("DocumentIdentifier,SourceCommonName,Date,source,Body\n");
    for (i, site) in ["one.example", "two.example"].iter().enumerate() {
        csv.push_str(&format!(
            "https://{site}/r,{site},2024-05-0{},crawler-7,\"{}\"\n",
            1 + 3 * i,
            STORY.join("\n\n")
        ));
    }
    let csv = c.write("gdelt.csv", csv);
    let map = ["--field", "id=DocumentIdentifier", "--field", "text=Body"];
    let more = ["--field", "outlet=SourceCommonName", "--field", "published=Date"];
    let out = wm()
        .args(["match", "--format", "jsonl"])
        .args(map)
        .args(more)
        .arg(&csv)
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let pairs = lines(&out.stdout);
    assert_eq!(pairs.len(), 1, "{pairs:?}");
    assert_eq!(pairs[0]["outlet_a"], "one.example");
    assert_eq!(pairs[0]["outlet_b"], "two.example");
    assert_eq!(pairs[0]["source"], "https://one.example/r", "dated by the mapped column");
    // The same mapping from --config, for JSONL.
    let jsonl: String = (0..2)
        .map(|i| {
            format!(
                "{{\"DocumentIdentifier\":\"d{i}\",\"Body\":{},\"SourceCommonName\":\"site{i}\"}}\n",
                serde_json::to_string(&STORY.join("\n\n")).expect("json")
            )
        })
        .collect();
    let jsonl = c.write("export.jsonl", jsonl);
    let config = c.write(
        "fields.json",
        r#"{"fields": {"id": "DocumentIdentifier", "text": "Body", "outlet": "SourceCommonName"}}"#,
    );
    let out = wm()
        .args(["match", "--format", "jsonl", "--config"])
        .arg(&config)
        .arg(&jsonl)
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let pairs = lines(&out.stdout);
    assert_eq!((pairs.len(), &pairs[0]["outlet_a"]), (1, &serde_json::json!("site0")));
    // Without the map the table is refused, and the message says how to name the column.
    let out = wm().arg("match").arg(&csv).output().expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--field text=NAME"));
    // A field that is not a document field is refused, listing those that are.
    let out = wm().args(["match", "--field", "source=x"]).arg(&csv).output().expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("\"source\" is not a document field") && err.contains("outlet"), "{err}");
}

#[test]
fn news_please_folders_of_one_json_article_per_file_are_read() {
    let c = TestCorpus::new();
    let story = STORY.join("\n\n");
    // news-please writes pretty-printed objects without an id; the url stands in for it.
    let article = |url: &str, domain: &str, date: &str| {
        serde_json::to_string_pretty(&serde_json::json!({
            "url": url, "source_domain": domain, "date_publish": date,
            "title": "Rates", "maintext": story, "language": "en", "text": null,
        }))
        .expect("JSON")
    };
    c.write(
        "np/one.example.com/a.json",
        article("https://one.example.com/a", "one.example.com", "2024-05-01 08:00:00"),
    );
    c.write(
        "np/two.example.com/b.json",
        article("https://two.example.com/b", "two.example.com", "2024-05-04 08:00:00"),
    );
    // Neither id nor url: the file's path is the id, its folder the outlet.
    c.write(
        "np/three/c.json",
        format!("{{\"maintext\": {}}}", serde_json::to_string(&story).expect("JSON")),
    );
    c.write("np/three/broken.json", "[1, 2, 3]");
    let out = wm().args(["match", "--format", "jsonl"]).arg(c.path("np")).output().expect("run");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let pairs = lines(&out.stdout);
    assert_eq!(pairs.len(), 3, "{pairs:?}");
    let ids: std::collections::BTreeSet<&str> = pairs
        .iter()
        .flat_map(|p| [p["a"].as_str().unwrap_or(""), p["b"].as_str().unwrap_or("")])
        .collect();
    assert_eq!(
        ids,
        ["https://one.example.com/a", "https://two.example.com/b", "three/c.json"]
            .into_iter()
            .collect()
    );
    assert!(
        pairs
            .iter()
            .any(|p| p["outlet_a"] == "one.example.com"
                && p["source"] == "https://one.example.com/a")
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("broken.json"), "{err}");
}
