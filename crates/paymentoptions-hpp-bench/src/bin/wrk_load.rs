//! The sandbox under load from outside: wrk, an external load generator, against `po-hpp mock`
//! and against a bare axum handler that reads the body and answers the spec's example response
//! (the baseline), alternated in the same run.
//!
//! ```sh
//! cargo build --release -p paymentoptions-hpp-cli -p paymentoptions-hpp-bench
//! target/release/wrk_load                  # 3 rounds of 5 s per server, 64 connections
//! target/release/wrk_load --duration 1 --rounds 1 --connections 8   # a smoke run
//! ```
//!
//! wrk (a Debian package) runs one thread, `--connections` keep-alive connections, every
//! request the page example (the bytes the wrapper sends, with the auth headers the spec's
//! `securitySchemes` name), and reports requests per second and latency percentiles. The
//! sandbox is the `po-hpp` binary next to this one (`--po-hpp` names another), started as
//! users start it, `po-hpp mock --port 0` with its default settings (so it holds its default
//! number of links, evicting the oldest, as a long-running sandbox does); the bare handler runs in this process on its own thread and current-thread runtime, as
//! `po-hpp mock` runs the sandbox. This process only waits while wrk runs.
//!
//! The figure is the median over rounds of sandbox/bare requests per second, and the median of
//! the sandbox's p99. The run fails when wrk reports an error or a non-2xx answer: a fast
//! refusal is not throughput.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};

use paymentoptions_hpp_bench::{
    API_KEY, CREATE_PATH, LoadFigures, RESPONSE_FIXTURE, ServerThread, bin_main, machine,
    page_example_request, print_load_summary,
};

const USAGE: &str = "\
usage: wrk_load [--duration SECONDS] [--connections C] [--rounds R] [--po-hpp PATH] [--wrk PATH]

  --duration S      seconds of load per server and round (default 5)
  --connections C   wrk's keep-alive connections (default 64)
  --rounds R        rounds; each loads the bare handler and the sandbox (default 3)
  --po-hpp PATH     the po-hpp binary (default: the one next to this binary)
  --wrk PATH        the wrk binary (default: wrk on PATH)
";

struct Options {
    duration: u32,
    connections: u32,
    rounds: u32,
    po_hpp: PathBuf,
    wrk: PathBuf,
}

fn parse_args() -> Result<Options, String> {
    let here = std::env::current_exe().map_err(|e| format!("this binary's path: {e}"))?;
    let mut o = Options {
        duration: 5,
        connections: 64,
        rounds: 3,
        po_hpp: here.with_file_name("po-hpp"),
        wrk: PathBuf::from("wrk"),
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        match flag.as_str() {
            "--help" | "-h" => return Err(String::new()),
            "--duration" | "--connections" | "--rounds" | "--po-hpp" | "--wrk" => {}
            other => return Err(format!("unknown argument {other}")),
        }
        let value = args.next().ok_or(format!("{flag} needs a value"))?;
        let number = |v: &str| {
            v.parse::<u32>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or(format!("{flag}: not a positive number: {v}"))
        };
        match flag.as_str() {
            "--duration" => o.duration = number(&value)?,
            "--connections" => o.connections = number(&value)?,
            "--rounds" => o.rounds = number(&value)?,
            "--po-hpp" => o.po_hpp = PathBuf::from(value),
            _ => o.wrk = PathBuf::from(value),
        }
    }
    Ok(o)
}

/// wrk's script: every request is the page example with the spec's auth headers. The body is
/// JSON, and a JSON string is a valid Lua string literal once `[[`/`]]` long brackets wrap it.
fn wrk_script() -> String {
    let body = serde_json::to_string(page_example_request().as_model()).expect("encodes");
    assert!(
        !body.contains("]]"),
        "the body would close the Lua long string"
    );
    let mut script = String::from("wrk.method = \"POST\"\n");
    script.push_str(&format!("wrk.body = [[{body}]]\n"));
    script.push_str("wrk.headers[\"Content-Type\"] = \"application/json\"\n");
    script.push_str("wrk.headers[\"Accept\"] = \"application/json\"\n");
    for (name, value) in paymentoptions_hpp_client::api::auth_header_values(API_KEY) {
        assert!(
            !value.contains('"') && !value.contains('\\'),
            "a header value that Lua would need escaped"
        );
        script.push_str(&format!("wrk.headers[\"{name}\"] = \"{value}\"\n"));
    }
    script
}

/// A file in the temporary directory, named after this process, removed when dropped (on
/// every path out of the run, failures included).
struct TempFile(PathBuf);

impl TempFile {
    fn new(suffix: &str) -> Self {
        Self(std::env::temp_dir().join(format!("wrk_load-{}-{suffix}", std::process::id())))
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// `po-hpp mock` on a free port of 127.0.0.1, killed when dropped.
struct Sandbox {
    child: Child,
    base_url: String,
    /// Kept open: po-hpp treats a closed stdout as a failure.
    _stdout: BufReader<ChildStdout>,
}

impl Sandbox {
    fn start(po_hpp: &Path) -> Result<Self, String> {
        // Its stderr goes to a file (a pipe nobody reads could fill up and stall it), shown
        // if it does not start.
        let log_path = TempFile::new("mock.log");
        let log = std::fs::File::create(&log_path.0)
            .map_err(|e| format!("{}: {e}", log_path.0.display()))?;
        let mut child = Command::new(po_hpp)
            .args(["mock", "--port", "0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::from(log))
            .spawn()
            .map_err(|e| {
                format!(
                    "{}: {e} (build it: cargo build --release -p paymentoptions-hpp-cli, or \
                     give --po-hpp)",
                    po_hpp.display()
                )
            })?;
        let mut stdout = BufReader::new(child.stdout.take().expect("piped"));
        let mut line = String::new();
        let read = stdout.read_line(&mut line);
        let base_url = line.trim().to_string();
        if read.is_err() || !base_url.starts_with("http://") {
            let _ = child.kill();
            let _ = child.wait();
            let said = std::fs::read_to_string(&log_path.0).unwrap_or_default();
            return Err(format!(
                "{} mock printed {line:?}, not its URL; its stderr: {}",
                po_hpp.display(),
                said.trim()
            ));
        }
        Ok(Self {
            child,
            base_url,
            _stdout: stdout,
        })
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What one wrk run reported.
#[derive(Debug)]
struct Run {
    figures: LoadFigures,
    requests: u64,
}

/// A latency as wrk prints it (`812.00us`, `1.25ms`, `2.01s`), in milliseconds.
fn millis(text: &str) -> Option<f64> {
    let (number, unit) = text.split_at(text.find(|c: char| c.is_ascii_alphabetic())?);
    let n: f64 = number.parse().ok()?;
    Some(match unit {
        "us" => n / 1000.0,
        "ms" => n,
        "s" => n * 1000.0,
        "m" => n * 60_000.0,
        _ => return None,
    })
}

/// Reads wrk's report; fails on errors and non-2xx answers.
fn parse_report(report: &str) -> Result<Run, String> {
    let fail = |what: &str| format!("{what}; wrk said:\n{report}");
    for marker in ["Non-2xx or 3xx responses", "Socket errors"] {
        if report.contains(marker) {
            return Err(fail(&format!("wrk reported {marker}")));
        }
    }
    let field = |prefix: &str| {
        report
            .lines()
            .map(str::trim)
            .find_map(|l| l.strip_prefix(prefix))
            .map(str::trim)
            .ok_or_else(|| fail(&format!("no `{prefix}` line")))
    };
    let per_second = field("Requests/sec:")?
        .parse()
        .map_err(|_| fail("Requests/sec is not a number"))?;
    let p50_ms = millis(field("50%")?).ok_or_else(|| fail("unreadable 50% latency"))?;
    let p99_ms = millis(field("99%")?).ok_or_else(|| fail("unreadable 99% latency"))?;
    let requests = report
        .lines()
        .find_map(|l| l.trim().split_once(" requests in "))
        .and_then(|(n, _)| n.trim().parse().ok())
        .ok_or_else(|| fail("no request count"))?;
    Ok(Run {
        figures: LoadFigures {
            per_second,
            p50_ms,
            p99_ms,
        },
        requests,
    })
}

fn wrk(o: &Options, script: &Path, base_url: &str) -> Result<Run, String> {
    let output = Command::new(&o.wrk)
        .args(["--threads", "1", "--latency", "--timeout", "10s"])
        .arg("--connections")
        .arg(o.connections.to_string())
        .arg("--duration")
        .arg(format!("{}s", o.duration))
        .arg("--script")
        .arg(script)
        .arg(format!("{base_url}{CREATE_PATH}"))
        .output()
        .map_err(|e| format!("{}: {e} (install it: apt-get install wrk)", o.wrk.display()))?;
    let report = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(format!(
            "wrk failed ({}): {report}{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    parse_report(&report)
}

fn print_run(name: &str, run: &Run) {
    println!(
        "  {name:<8} {:>9.0} creates/s   p50 {:>6.2} ms   p99 {:>6.2} ms   ({} requests)",
        run.figures.per_second, run.figures.p50_ms, run.figures.p99_ms, run.requests
    );
}

fn run(o: &Options) -> Result<(), String> {
    println!("machine: {}", machine());
    let script = TempFile::new("script.lua");
    std::fs::File::create(&script.0)
        .and_then(|mut f| f.write_all(wrk_script().as_bytes()))
        .map_err(|e| format!("{}: {e}", script.0.display()))?;

    let bare = ServerThread::bare(CREATE_PATH, RESPONSE_FIXTURE);
    let sandbox = Sandbox::start(&o.po_hpp)?;
    println!(
        "wrk: 1 thread, {} connections, {} s per server and round, {} rounds; sandbox: {}",
        o.connections,
        o.duration,
        o.rounds,
        o.po_hpp.display()
    );
    let servers = [
        ("bare", bare.base_url()),
        ("sandbox", sandbox.base_url.clone()),
    ];
    let (mut bare_runs, mut sandbox_runs) = (Vec::new(), Vec::new());
    for round in 0..o.rounds {
        println!("round {}", round + 1);
        let order = if round % 2 == 0 { [0, 1] } else { [1, 0] };
        for i in order {
            let (name, url) = &servers[i];
            let run = wrk(o, &script.0, url)?;
            print_run(name, &run);
            if i == 0 {
                bare_runs.push(run);
            } else {
                sandbox_runs.push(run);
            }
        }
    }

    let figures = |runs: &[Run]| runs.iter().map(|r| r.figures).collect::<Vec<_>>();
    print_load_summary(
        &figures(&bare_runs),
        &figures(&sandbox_runs),
        o.connections as usize,
    );
    Ok(())
}

fn main() -> std::process::ExitCode {
    bin_main(USAGE, parse_args, |o| run(&o))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_wrk_reports() {
        let report = "\
Running 5s test @ http://127.0.0.1:1/x
  1 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.10ms  210.31us   5.01ms   80.00%
  Latency Distribution
     50%  812.00us
     75%    1.20ms
     90%    1.50ms
     99%    2.91ms
  200123 requests in 5.00s, 150.00MB read
Requests/sec:  40024.60
Transfer/sec:     30.00MB
";
        let run = parse_report(report).unwrap();
        assert_eq!(run.requests, 200_123);
        assert!((run.figures.per_second - 40024.6).abs() < 1e-9);
        assert!((run.figures.p50_ms - 0.812).abs() < 1e-9);
        assert!((run.figures.p99_ms - 2.91).abs() < 1e-9);
        let refused = report.replace(
            "Requests/sec",
            "  Non-2xx or 3xx responses: 7\nRequests/sec",
        );
        assert!(parse_report(&refused).unwrap_err().contains("Non-2xx"));
        assert!((millis("2.01s").unwrap() - 2010.0).abs() < 1e-9);
        assert_eq!(millis("12"), None);
    }

    #[test]
    fn the_script_sends_the_page_example_with_the_auth_headers() {
        let script = wrk_script();
        assert!(script.contains("wrk.method = \"POST\""));
        for (name, _) in paymentoptions_hpp_client::api::auth_header_values(API_KEY) {
            assert!(
                script.contains(&format!("wrk.headers[\"{name}\"]")),
                "{script}"
            );
        }
    }
}
