//! The sandbox under concurrent load, against a bare axum handler that answers the same JSON
//! (the baseline), both in the same run; and the sandbox's memory per stored link.
//!
//! ```sh
//! cargo run --release -p paymentoptions-hpp-bench --bin sandbox_load
//! cargo run --release -p paymentoptions-hpp-bench --bin sandbox_load -- --requests 200 --concurrency 8
//! ```
//!
//! Each server runs on its own thread with a current-thread tokio runtime (as `po-hpp mock` runs
//! the sandbox); the load loop runs on the main thread, also on a current-thread runtime, with
//! one HTTP/1.1 keep-alive connection per concurrent client (hyper's bare client: it costs the
//! generator as little CPU as possible). Every client sends the page example request (the bytes
//! the wrapper sends, with both API-key headers) and reads the whole answer. Throughput is
//! creates per second over the run; latency is from sending the request to the end of the
//! answer's body. Rounds alternate which server goes first; the summary takes medians over rounds.
//!
//! Memory: with the sandbox in-process and `max_links` above N, `VmRSS` is read before and
//! after N creates (after a warm-up, so that connection buffers and the allocator's arenas are
//! already there); the delta over N is the memory per stored link.
//!
//! No timing is asserted: the process fails only when a request does not get a 200.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper::header;
use hyper_util::rt::TokioIo;
use paymentoptions_hpp_bench::{
    API_KEY, CREATE_PATH, LoadFigures, RESPONSE_FIXTURE, ServerThread, bin_main, current_tid,
    machine, page_example_request, percentile, print_load_summary, thread_cpu_time, vm_rss_kib,
};
use paymentoptions_hpp_mock::MockConfig;

const USAGE: &str = "\
usage: sandbox_load [--requests N] [--concurrency C] [--rounds R] [--warmup N] [--memory-links N]

  --requests N      creates per server and round (default 20000)
  --concurrency C   concurrent connections (default 64)
  --rounds R        rounds; each runs the bare handler and the sandbox (default 3)
  --warmup N        creates per server before measuring (default 2000)
  --memory-links N  links created for the memory figure; 0 skips it (default 10000)
";

struct Options {
    requests: usize,
    concurrency: usize,
    rounds: usize,
    warmup: usize,
    memory_links: usize,
}

fn parse_args() -> Result<Options, String> {
    let mut o = Options {
        requests: 20_000,
        concurrency: 64,
        rounds: 3,
        warmup: 2_000,
        memory_links: 10_000,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let slot = match flag.as_str() {
            "--requests" => &mut o.requests,
            "--concurrency" => &mut o.concurrency,
            "--rounds" => &mut o.rounds,
            "--warmup" => &mut o.warmup,
            "--memory-links" => &mut o.memory_links,
            "--help" | "-h" => return Err(String::new()),
            other => return Err(format!("unknown argument {other}")),
        };
        let value = args.next().ok_or(format!("{flag} needs a value"))?;
        *slot = value
            .parse()
            .map_err(|_| format!("{flag}: not a number: {value}"))?;
    }
    if o.requests == 0 || o.concurrency == 0 || o.rounds == 0 {
        return Err("--requests, --concurrency and --rounds must be at least 1".into());
    }
    Ok(o)
}

/// What one run of the load loop measured.
struct Run {
    elapsed: Duration,
    /// Per request, microseconds, sorted.
    latencies_us: Vec<u32>,
    /// CPU the server thread used during the run.
    server_cpu: Option<Duration>,
    /// CPU the load loop's thread used during the run.
    client_cpu: Option<Duration>,
}

impl Run {
    fn per_second(&self) -> f64 {
        self.latencies_us.len() as f64 / self.elapsed.as_secs_f64()
    }
    fn p(&self, p: f64) -> f64 {
        f64::from(percentile(&self.latencies_us, p)) / 1000.0
    }
    fn cpu_share(cpu: Option<Duration>, elapsed: Duration) -> String {
        cpu.map_or("?".into(), |c| {
            format!("{:.0}%", 100.0 * c.as_secs_f64() / elapsed.as_secs_f64())
        })
    }
}

/// Sends `requests` creates over `concurrency` keep-alive connections and waits for every answer.
async fn load(
    server: &ServerThread,
    body: &Bytes,
    requests: usize,
    concurrency: usize,
) -> Result<Run, String> {
    let addr = server.addr();
    let mut senders = Vec::with_capacity(concurrency);
    for _ in 0..concurrency.min(requests) {
        let stream = tokio::net::TcpStream::connect(addr)
            .await
            .map_err(|e| format!("connect {addr}: {e}"))?;
        stream.set_nodelay(true).map_err(|e| e.to_string())?;
        let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|e| format!("handshake: {e}"))?;
        tokio::spawn(async move {
            let _ = conn.await;
        });
        senders.push(sender);
    }
    let next = Arc::new(AtomicUsize::new(0));
    let host = addr.to_string();
    // The auth headers as the spec's securitySchemes name them (one owner: `api::AUTH_HEADERS`).
    let auth = Arc::new(paymentoptions_hpp_client::api::auth_header_values(API_KEY));
    let tid = current_tid();
    let (server_cpu0, client_cpu0) = (server.cpu_time(), tid.and_then(thread_cpu_time));
    let started = Instant::now();
    let tasks: Vec<_> = senders
        .into_iter()
        .map(|mut sender| {
            let next = next.clone();
            let body = body.clone();
            let host = host.clone();
            let auth = auth.clone();
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                while next.fetch_add(1, Ordering::Relaxed) < requests {
                    let mut request =
                        Request::post(CREATE_PATH).header(header::HOST, host.as_str());
                    for (name, value) in auth.iter() {
                        request = request.header(*name, value.as_str());
                    }
                    let request = request
                        .header(header::CONTENT_TYPE, "application/json")
                        .header(header::ACCEPT, "application/json")
                        .body(Full::new(body.clone()))
                        .expect("a valid request");
                    let sent = Instant::now();
                    sender.ready().await.map_err(|e| e.to_string())?;
                    let response = sender
                        .send_request(request)
                        .await
                        .map_err(|e| e.to_string())?;
                    let status = response.status();
                    let answer = response
                        .into_body()
                        .collect()
                        .await
                        .map_err(|e| e.to_string())?
                        .to_bytes();
                    if status != hyper::StatusCode::OK {
                        return Err(format!(
                            "status {status}: {}",
                            String::from_utf8_lossy(&answer)
                        ));
                    }
                    latencies.push(sent.elapsed().as_micros().min(u128::from(u32::MAX)) as u32);
                }
                Ok::<_, String>(latencies)
            })
        })
        .collect();
    let mut latencies_us = Vec::with_capacity(requests);
    for task in tasks {
        latencies_us.extend(task.await.map_err(|e| e.to_string())??);
    }
    let elapsed = started.elapsed();
    let server_cpu = server
        .cpu_time()
        .zip(server_cpu0)
        .map(|(after, before)| after - before);
    let client_cpu = tid
        .and_then(thread_cpu_time)
        .zip(client_cpu0)
        .map(|(after, before)| after - before);
    latencies_us.sort_unstable();
    Ok(Run {
        elapsed,
        latencies_us,
        server_cpu,
        client_cpu,
    })
}

fn sandbox_config(max_links: usize) -> MockConfig {
    MockConfig::default().with_max_links(max_links)
}

async fn memory(body: &Bytes, links: usize, warmup: usize) -> Result<(), String> {
    let server = ServerThread::sandbox(sandbox_config(links + warmup + 1_000));
    load(&server, body, warmup.max(1), 8).await?;
    let before = vm_rss_kib().ok_or("no VmRSS in /proc/self/status")?;
    load(&server, body, links, 8).await?;
    let after = vm_rss_kib().ok_or("no VmRSS in /proc/self/status")?;
    let per_link = (after.saturating_sub(before) as f64 * 1024.0) / links as f64;
    println!(
        "memory: VmRSS {before} KiB -> {after} KiB after {links} creates (max_links {}): \
         {per_link:.0} bytes per stored link",
        links + warmup + 1_000
    );
    Ok(())
}

fn print_run(name: &str, run: &Run) {
    println!(
        "  {name:<8} {:>9.0} creates/s   p50 {:>6.2} ms   p99 {:>6.2} ms   max {:>6.2} ms   \
         server CPU {:>4}   load-loop CPU {:>4}",
        run.per_second(),
        run.p(50.0),
        run.p(99.0),
        run.p(100.0),
        Run::cpu_share(run.server_cpu, run.elapsed),
        Run::cpu_share(run.client_cpu, run.elapsed),
    );
}

async fn run(o: &Options) -> Result<(), String> {
    println!("machine: {}", machine());
    let body = Bytes::from(
        serde_json::to_vec(page_example_request().as_model()).expect("the request encodes"),
    );
    if o.memory_links > 0 {
        memory(&body, o.memory_links, o.warmup).await?;
    }

    let bare = ServerThread::bare(CREATE_PATH, RESPONSE_FIXTURE);
    let sandbox = ServerThread::sandbox(sandbox_config(MockConfig::default().max_links));
    for server in [&bare, &sandbox] {
        load(server, &body, o.warmup.max(1), o.concurrency).await?;
    }
    println!(
        "load: {} creates per server and round, {} connections, {} rounds",
        o.requests, o.concurrency, o.rounds
    );
    let (mut bare_runs, mut sandbox_runs) = (Vec::new(), Vec::new());
    for round in 0..o.rounds {
        println!("round {}", round + 1);
        let order: [(&str, &ServerThread); 2] = if round % 2 == 0 {
            [("bare", &bare), ("sandbox", &sandbox)]
        } else {
            [("sandbox", &sandbox), ("bare", &bare)]
        };
        for (name, server) in order {
            let run = load(server, &body, o.requests, o.concurrency).await?;
            print_run(name, &run);
            if name == "bare" {
                bare_runs.push(run);
            } else {
                sandbox_runs.push(run);
            }
        }
    }

    let figures = |runs: &[Run]| {
        runs.iter()
            .map(|r| LoadFigures {
                per_second: r.per_second(),
                p50_ms: r.p(50.0),
                p99_ms: r.p(99.0),
            })
            .collect::<Vec<_>>()
    };
    print_load_summary(&figures(&bare_runs), &figures(&sandbox_runs), o.concurrency);
    Ok(())
}

fn main() -> std::process::ExitCode {
    bin_main(USAGE, parse_args, |o| {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("a tokio runtime: {e}"))?
            .block_on(run(&o))
    })
}
