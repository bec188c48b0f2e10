//! Resident memory of this process, for the run summary and the per-stage figures.
//!
//! Read from `/proc/self/status` on Linux; elsewhere the figures are unknown (`None`)
//! rather than guessed.

fn status_kb(field: &str) -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with(field))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Resident memory now, in bytes (`VmRSS`).
pub fn resident() -> Option<u64> {
    status_kb("VmRSS:")
}

/// Peak resident memory so far, in bytes (`VmHWM`).
pub fn peak() -> Option<u64> {
    status_kb("VmHWM:")
}

#[cfg(test)]
mod tests {
    #[test]
    #[cfg(target_os = "linux")]
    fn peak_is_at_least_current() {
        let (now, peak) = (super::resident().unwrap(), super::peak().unwrap());
        assert!(now > 0 && peak >= now);
    }
}
