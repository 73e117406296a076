//! `report.pdf`: the review report printed from its HTML by headless Chromium,
//! for the people who only open an attachment. Every section is open in the
//! printed copy; the summary fills the first page.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};

/// Names Chromium goes by on PATH, in the order they are tried.
const BROWSERS: [&str; 4] = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];

/// How long Chromium may take to print before the run gives up.
const TIMEOUT: Duration = Duration::from_secs(180);

/// The Chromium to print with: `$MQLCAL_CHROMIUM`, else the first of [`BROWSERS`] on PATH.
pub fn find_chromium() -> anyhow::Result<PathBuf> {
    if let Some(path) = std::env::var_os("MQLCAL_CHROMIUM").filter(|p| !p.is_empty()) {
        let path = PathBuf::from(path);
        if path.is_file() {
            return Ok(path);
        }
        bail!("MQLCAL_CHROMIUM is {}, which is not a file; point it at a Chromium or Chrome binary", path.display());
    }
    let dirs: Vec<PathBuf> = std::env::var_os("PATH").map(|p| std::env::split_paths(&p).collect()).unwrap_or_default();
    BROWSERS
        .iter()
        .flat_map(|name| dirs.iter().map(move |d| d.join(name)))
        .find(|p| p.is_file())
        .with_context(|| {
            format!(
                "--pdf needs headless Chromium to print the report, and none was found ({} on PATH); install Chromium (Debian: apt-get install chromium) or set MQLCAL_CHROMIUM",
                BROWSERS.join(", ")
            )
        })
}

/// Print `html` (a self-contained page) to PDF bytes with `chromium`.
pub fn print(chromium: &Path, html: &str) -> anyhow::Result<Vec<u8>> {
    let work = tempfile::Builder::new().prefix("mqlcal-pdf-").tempdir().context("cannot make a temporary folder to print the report")?;
    let page = work.path().join("report.html");
    let pdf = work.path().join("report.pdf");
    std::fs::write(&page, html).with_context(|| format!("cannot write {}", page.display()))?;
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-pdf-header-footer",
        ])
        .arg(format!("--user-data-dir={}", work.path().join("profile").display()))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot start {}", chromium.display()))?;
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().context("lost track of Chromium")? {
            break status;
        }
        if started.elapsed() > TIMEOUT {
            // Only the child this function started.
            let _ = child.kill();
            let _ = child.wait();
            bail!("Chromium took more than {} s to print the report; try again, or print report.html from a browser", TIMEOUT.as_secs());
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let bytes = std::fs::read(&pdf).unwrap_or_default();
    if !status.success() || !bytes.starts_with(b"%PDF") {
        let mut stderr = String::new();
        if let Some(mut e) = child.stderr.take() {
            use std::io::Read;
            let _ = e.read_to_string(&mut stderr);
        }
        let last = stderr.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("no message");
        bail!("Chromium ({}) could not print the report ({status}): {last}", chromium.display());
    }
    Ok(without_dates(bytes))
}

/// Chromium stamps the PDF with the time it was printed; the same report should
/// give the same file, so each date is replaced by a fixed one of the same length
/// (the cross-reference offsets stay valid).
fn without_dates(mut bytes: Vec<u8>) -> Vec<u8> {
    for key in [&b"/CreationDate ("[..], &b"/ModDate ("[..]] {
        let mut from = 0;
        while let Some(at) = find(&bytes[from..], key).map(|k| from + k + key.len()) {
            let end = bytes[at..].iter().position(|&b| b == b')').map_or(at, |k| at + k);
            let fixed = b"D:20000101000000+00'00'";
            for (k, slot) in bytes[at..end].iter_mut().enumerate() {
                *slot = fixed.get(k).copied().unwrap_or(b' ');
            }
            from = end;
        }
    }
    bytes
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn print_dates_are_fixed_in_place() {
        let pdf = b"%PDF-1.4 /CreationDate (D:20260512101010+00'00') /ModDate (D:20260512101011+00'00') end".to_vec();
        let out = without_dates(pdf.clone());
        assert_eq!(out.len(), pdf.len());
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("/CreationDate (D:20000101000000+00'00')"), "{text}");
        assert!(text.contains("/ModDate (D:20000101000000+00'00')"), "{text}");
        assert!(text.ends_with(" end"));
    }

    #[test]
    fn a_chromium_that_is_not_a_file_is_named() {
        // Only this test sets the variable; find_chromium reads it once per call.
        std::env::set_var("MQLCAL_CHROMIUM", "/nonexistent/chromium");
        let err = find_chromium().unwrap_err().to_string();
        std::env::remove_var("MQLCAL_CHROMIUM");
        assert!(err.contains("MQLCAL_CHROMIUM is /nonexistent/chromium"), "{err}");
    }
}
