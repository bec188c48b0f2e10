//! `wirematch eval`: score matches (or a predictions file) against labels.

use std::collections::HashMap;
use std::process::ExitCode;

use anyhow::{Context, Result};
use wirematch::atomic::write_atomically;
use wirematch::corpus;
use wirematch::eval::{self, Options, Pair};

use super::args::EvalArgs;
use super::progress::Reporter;

/// Texts of every document of the inputs, for the scorer's oracle.
fn texts(args: &EvalArgs, reporter: &Reporter) -> Result<HashMap<String, String>> {
    let read = args.corpus.read_options(&args.corpus.config()?)?;
    let inputs = super::resolve_inputs(&args.corpus, &read.fields, reporter)?;
    let mut out = HashMap::new();
    corpus::read_batches(&inputs, &read, &mut |batch| {
        for rec in batch {
            if let Some(d) = rec.parse(&read).doc {
                out.entry(d.id.into_owned()).or_insert_with(|| d.text.into_owned());
            }
        }
        Ok(())
    })?;
    Ok(out)
}

pub fn run(args: &EvalArgs, verbose: u8, quiet: bool) -> Result<ExitCode> {
    let preds: Vec<Pair> = match &args.pred {
        Some(p) => {
            eval::read_pairs(p).with_context(|| format!("reading predictions {}", p.display()))?
        }
        None => {
            let (run, reporter) = super::run_match(&args.corpus, None, verbose, quiet)?;
            reporter.summary(&run);
            let id = |d: u32| run.store.docs[d as usize].id.to_string();
            let preds: Vec<Pair> = run
                .matches
                .iter()
                .map(|m| Pair {
                    a: id(m.a),
                    b: id(m.b),
                    relation: Some(m.relation.name().into()),
                    source: m.source.map(id),
                })
                .collect();
            if let Some(out) = &args.output {
                write_atomically(out, |w| wirematch::report::write_pairs_jsonl(&run, w))
                    .with_context(|| format!("writing {}", out.display()))?;
            }
            preds
        }
    };
    let reporter = Reporter::new(true, 0, false);
    let texts = texts(args, &reporter)?;
    let opts = Options {
        relations: args.relations.clone(),
        background: args.background.parse().unwrap_or(eval::Background::Auto),
        negatives: args.negatives.clone(),
        oracle_threshold: args.oracle_threshold,
    };
    let score = eval::score(&texts, &args.labels, &preds, &opts)?;
    if args.json {
        out!("{}", serde_json::to_string(&score)?);
    } else {
        print!("{}", score.table());
        if !quiet {
            wirematch::report::note(&mut std::io::stderr(), wirematch::eval::Score::legend())?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
