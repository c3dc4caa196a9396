//! `taokit-devnet`: runs the dev chain until interrupted (see `--help`).

use std::cell::Cell;
use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;
use taokit_devnet::chain::Chain;
use taokit_devnet::config::{self, Config};
use taokit_devnet::genesis::{dev_account, genesis_state, DEV_ACCOUNTS, TAO};
use taokit_devnet::node::Node;
use taokit_devnet::store::Store;

/// Prints a line of the node's log. Standard output that went away (`| head`) ends the log,
/// not the node.
fn say(line: std::fmt::Arguments<'_>) -> bool {
    writeln!(std::io::stdout().lock(), "{line}").is_ok()
}

fn print_banner(config: &Config, url: &str) {
    say(format_args!("taokit devnet listening on {url}"));
    if config.quiet {
        return;
    }
    say(format_args!("dev accounts (sudo: Alice):"));
    for (name, balance) in DEV_ACCOUNTS {
        say(format_args!(
            "  {name:<8} {}  {} TAO",
            taokit_crypto::ss58::encode_bittensor(&dev_account(name).0),
            balance / TAO
        ));
    }
}

/// The chain in `--data-dir`, or a new one from the dev genesis or `--fork-state` (read only
/// when there is no chain to resume). Its error, and whether the user's input was at fault
/// (a `--data-dir` that cannot be opened, or a bad `--fork-state`: exit code 2).
fn open_chain(config: &Config) -> Result<Chain, (Box<dyn std::error::Error>, bool)> {
    let bad_input = Cell::new(false);
    let made = Cell::new(false);
    let genesis = || {
        made.set(true);
        match &config.fork_state {
            Some(path) => taokit_devnet::fork::load(path).inspect_err(|_| bad_input.set(true)),
            None => Ok(genesis_state()),
        }
    };
    let opened = match &config.data_dir {
        Some(dir) => match Store::open(dir) {
            Ok(store) => Chain::persistent(store, genesis)
                .inspect_err(|error| {
                    // What the data directory holds is the user's input too.
                    if error.is::<taokit_devnet::store::StoreError>() {
                        bad_input.set(true);
                    }
                })
                .inspect(|_| {
                    // A restart with the command that made the chain is not a mistake; the
                    // file is just not what the chain holds.
                    if config.fork_state.is_some() && !made.get() {
                        let _ = writeln!(
                            std::io::stderr(),
                            "taokit-devnet: --fork-state not read: --data-dir {} already holds a chain, which keeps its own genesis",
                            dir.display()
                        );
                    }
                }),
            Err(error) => {
                bad_input.set(true);
                Err(error.into())
            }
        },
        None => genesis().map(Chain::new).map_err(Into::into),
    };
    opened.map_err(|error| (error, bad_input.get()))
}

async fn run(config: Config, chain: Chain) -> std::io::Result<()> {
    let resumed = chain.head();
    let node = Node::new(chain, config.mode);
    tokio::spawn(node.clone().run_producer());
    let (addr, handle) =
        taokit_devnet::rpc::serve(node.clone(), SocketAddr::new(config.host, config.port)).await?;
    print_banner(&config, &format!("ws://{addr}"));
    if resumed > 0 {
        say(format_args!("resumed at block #{resumed}"));
    }
    if !config.quiet {
        let mut heads = node.subscribe_heads();
        tokio::spawn(async move {
            while let Ok(head) = heads.recv().await {
                if !say(format_args!(
                    "block #{} {:?}",
                    head.header.number, head.hash
                )) {
                    break;
                }
            }
        });
    }
    let stdin_closed = async {
        if config.exit_with_stdin {
            let (done, closed) = tokio::sync::oneshot::channel::<()>();
            std::thread::spawn(move || {
                let _ = std::io::copy(&mut std::io::stdin(), &mut std::io::sink());
                let _ = done.send(());
            });
            let _ = closed.await;
        } else {
            std::future::pending::<()>().await;
        }
    };
    tokio::select! {
        _ = shutdown_signal() => {}
        _ = stdin_closed => {}
        _ = handle.clone().stopped() => {}
    }
    let _ = handle.stop();
    Ok(())
}

/// Ctrl-C, or SIGTERM where there is one.
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut term = signal(SignalKind::terminate()).expect("a SIGTERM handler");
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = tokio::signal::ctrl_c().await;
}

fn main() -> ExitCode {
    taokit_devnet::panics::exit_on_panic();
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--help" || a == "-h") {
        print!("{}", config::HELP);
        return ExitCode::SUCCESS;
    }
    let config = match config::parse(args) {
        Ok(config) => config,
        Err(message) => {
            eprintln!("taokit-devnet: {message}");
            return ExitCode::from(2);
        }
    };
    let chain = match open_chain(&config) {
        Ok(chain) => chain,
        Err((error, bad_input)) => {
            eprintln!("taokit-devnet: {error}");
            return if bad_input {
                ExitCode::from(2)
            } else {
                ExitCode::FAILURE
            };
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let (host, port) = (config.host, config.port);
    match runtime.block_on(run(config, chain)) {
        Ok(()) => ExitCode::SUCCESS,
        // The address to listen on is the user's input: name the option, exit code 2.
        Err(error) if error.kind() == std::io::ErrorKind::AddrInUse => {
            eprintln!(
                "taokit-devnet: --port: {} is already in use",
                SocketAddr::new(host, port)
            );
            ExitCode::from(2)
        }
        Err(error) if error.kind() == std::io::ErrorKind::AddrNotAvailable => {
            eprintln!("taokit-devnet: --host: {host} is not an address of this machine");
            ExitCode::from(2)
        }
        Err(error) if error.kind() == std::io::ErrorKind::PermissionDenied => {
            eprintln!("taokit-devnet: --port: {port} needs privileges here; use 1024 or above, or 0 for a free port");
            ExitCode::from(2)
        }
        // Whatever else keeps it from listening (a link-local address without its scope)
        // is the address given, too.
        Err(error) => {
            eprintln!(
                "taokit-devnet: --host/--port: cannot listen on {}: {error}",
                SocketAddr::new(host, port)
            );
            ExitCode::from(2)
        }
    }
}
