//! report.html in headless Chromium (Debian's `chromium`, installed by `.ci/run`): it
//! renders, logs no console messages and makes no network request; the screenshot is kept.
//! Without Chromium the test is skipped, except under CI (`CI=true`), where it fails.

use std::io::Read;
use std::net::TcpListener;
use std::path::Path;
use std::process::Command as Process;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Hosts Chromium contacts on its own, whatever page it shows.
const BROWSER_HOSTS: &[&str] = &[
    "clients2.google.com",
    "accounts.google.com",
    "update.googleapis.com",
    "redirector.gvt1.com",
    "optimizationguide-pa.googleapis.com",
    "safebrowsing.googleapis.com",
    "content-autofill.googleapis.com",
];

/// The host of a proxied request: `CONNECT host:443 ...` or `GET http://host/... ...`.
fn request_host(req: &[u8]) -> String {
    let line = String::from_utf8_lossy(req);
    let target = line.split_whitespace().nth(1).unwrap_or("");
    let target = target
        .strip_prefix("http://")
        .or_else(|| target.strip_prefix("https://"))
        .unwrap_or(target);
    target.split(['/', ':']).next().unwrap_or("").to_string()
}

mod common;
use common::chromium_or_skip;

#[test]
fn report_renders_offline_without_console_messages() {
    let Some(browser) = chromium_or_skip() else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    common::dedupe()
        .arg(fixtures.join("aid.csv"))
        .arg(fixtures.join("population.parquet"))
        .arg("-o")
        .arg(&out)
        .arg("-q")
        .assert()
        .success();
    open_offline(
        &browser,
        dir.path(),
        &out.join("report.html"),
        "report-screenshot.png",
    );
}

/// The third month of a list verified monthly: its page has the changes section, the
/// trend of three runs and the auditors' categories, in both languages.
#[test]
fn report_with_three_months_of_history_renders_offline() {
    let Some(browser) = chromium_or_skip() else {
        return;
    };
    for lang in ["id", "en"] {
        let dir = tempfile::tempdir().expect("tempdir");
        common::three_months(dir.path(), lang);
        let page = dir.path().join("m3/out/report.html");
        let shot = format!("report-history-{lang}-screenshot.png");
        open_offline(&browser, dir.path(), &page, &shot);
    }
}

/// Open `page` in headless Chromium behind a proxy that counts requests: it must render,
/// log no console message and request nothing; the screenshot is kept in `target/shot`.
fn open_offline(browser: &Path, dir: &Path, page: &Path, shot: &str) {
    // Every request the page makes would go through this proxy: count connections.
    let proxy = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = proxy.local_addr().expect("addr").port();
    proxy.set_nonblocking(true).expect("nonblocking");
    let hosts = Arc::new(Mutex::new(Vec::<String>::new()));
    let done = Arc::new(AtomicBool::new(false));
    let (seen, finished) = (Arc::clone(&hosts), Arc::clone(&done));
    let watcher = std::thread::spawn(move || loop {
        let last = finished.load(Ordering::SeqCst);
        while let Ok((mut s, _)) = proxy.accept() {
            let _ = s.set_nonblocking(false);
            let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
            let mut buf = [0u8; 512];
            let n = s.read(&mut buf).unwrap_or(0);
            // A connection that sends nothing is Chromium's preconnect (opened ahead of a
            // request it may never make, and idle for seconds on a busy machine): no
            // request. A page's request sends its first line at once.
            if n > 0 {
                seen.lock().expect("lock").push(request_host(&buf[..n]));
            }
        }
        if last {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    });
    let shot = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join(shot);
    let output = Process::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--v=0",
            "--window-size=900,3200",
        ])
        .arg(format!("--user-data-dir={}", dir.join("profile").display()))
        .arg(format!("--proxy-server=127.0.0.1:{port}"))
        .arg("--proxy-bypass-list=<-loopback>")
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("run chromium");
    done.store(true, Ordering::SeqCst);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "chromium failed: {stderr}");
    assert!(!stderr.contains("CONSOLE"), "console messages: {stderr}");
    let png = std::fs::read(&shot).expect("screenshot written");
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 10_000,
        "screenshot {} bytes",
        png.len()
    );
    watcher.join().expect("watcher");
    // Chromium itself still calls home (network time, sign-in, component updates) despite
    // the flags; anything else would come from the page.
    let page_requests: Vec<String> = hosts
        .lock()
        .expect("lock")
        .iter()
        .filter(|h| !BROWSER_HOSTS.contains(&h.as_str()))
        .cloned()
        .collect();
    assert!(
        page_requests.is_empty(),
        "the page made network requests: {page_requests:?}"
    );
}
