//! The devnet's command line: `taokit-devnet [--port N] [--host ADDR] [--block-time T]
//! [--data-dir DIR] [--fork-state FILE] [--quiet]`.

use crate::node::BuildMode;
use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    pub host: IpAddr,
    pub port: u16,
    pub mode: BuildMode,
    pub data_dir: Option<PathBuf>,
    pub fork_state: Option<PathBuf>,
    pub quiet: bool,
    /// Stop when standard input closes, so a devnet started by another process does not
    /// outlive it.
    pub exit_with_stdin: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            host: IpAddr::from([127, 0, 0, 1]),
            port: 9944,
            mode: BuildMode::Instant,
            data_dir: None,
            fork_state: None,
            quiet: false,
            exit_with_stdin: false,
        }
    }
}

/// `instant`, `manual`, or an interval such as `250ms`, `12s` or `1500` (milliseconds).
pub fn parse_block_time(text: &str) -> Result<BuildMode, String> {
    let expected = || {
        format!("--block-time: expected instant, manual, or a duration such as 250ms or 12s, got {text:?}")
    };
    match text {
        "instant" => return Ok(BuildMode::Instant),
        "manual" => return Ok(BuildMode::Manual),
        _ => {}
    }
    let (digits, scale) = if let Some(ms) = text.strip_suffix("ms") {
        (ms, 1)
    } else if let Some(s) = text.strip_suffix('s') {
        (s, 1000)
    } else {
        (text, 1)
    };
    let value: u64 = digits.parse().map_err(|_| expected())?;
    let ms = value
        .checked_mul(scale)
        .filter(|ms| *ms >= 1)
        .ok_or_else(expected)?;
    Ok(BuildMode::Interval(Duration::from_millis(ms)))
}

pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Config, String> {
    let mut config = Config::default();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) => (name.to_owned(), Some(value.to_owned())),
            None => (arg.clone(), None),
        };
        let mut value = |what: &str| {
            let given = match inline.clone() {
                Some(text) => text,
                // Taking the next option as the value would drop that option unseen.
                None => match args.next() {
                    Some(next) if next.starts_with("--") => {
                        return Err(format!("{name}: expected {what}, got the option {next:?} (write {name}={next} if that is the value)"));
                    }
                    Some(next) => next,
                    None => return Err(format!("{name}: expected {what}")),
                },
            };
            if given.is_empty() {
                return Err(format!("{name}: expected {what}, got an empty value"));
            }
            Ok(given)
        };
        let flag = |set: &mut bool| match &inline {
            Some(_) => Err(format!("{name}: takes no value")),
            None => {
                *set = true;
                Ok(())
            }
        };
        match name.as_str() {
            "--port" => {
                let text = value("a port number")?;
                config.port = text
                    .parse()
                    .map_err(|_| format!("--port: expected 0..65535, got {text:?}"))?;
            }
            "--host" => {
                let text = value("an IP address")?;
                config.host = text
                    .parse()
                    .map_err(|_| format!("--host: expected an IP address, got {text:?}"))?;
            }
            "--block-time" => config.mode = parse_block_time(&value("a block time")?)?,
            "--data-dir" => config.data_dir = Some(PathBuf::from(value("a folder")?)),
            "--fork-state" => config.fork_state = Some(PathBuf::from(value("a JSON file")?)),
            "--quiet" => flag(&mut config.quiet)?,
            "--exit-with-stdin" => flag(&mut config.exit_with_stdin)?,
            other => return Err(format!("unknown option {other:?} (see --help)")),
        }
    }
    Ok(config)
}

pub const HELP: &str = "taokit-devnet: a local, subtensor-compatible chain

Options:
  --port N             port for WebSocket and HTTP JSON-RPC (default 9944; 0 picks a free one)
  --host ADDR          address to listen on (default 127.0.0.1)
  --block-time T       instant (default: a block per transaction), manual, or an interval
                       such as 250ms or 12s
  --data-dir DIR       keep blocks and state in DIR and resume from it (default: memory only)
  --fork-state FILE    start from the subnets and neurons a JSON genesis describes
  --quiet              print only the endpoint
  --exit-with-stdin    stop when standard input closes (for parent processes)
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_block_times_and_options() {
        assert_eq!(
            parse_block_time("250ms"),
            Ok(BuildMode::Interval(Duration::from_millis(250)))
        );
        assert_eq!(
            parse_block_time("12s"),
            Ok(BuildMode::Interval(Duration::from_secs(12)))
        );
        assert_eq!(parse_block_time("manual"), Ok(BuildMode::Manual));
        assert!(parse_block_time("soon")
            .unwrap_err()
            .contains("--block-time"));
        let config =
            parse(["--port=0", "--block-time", "1s", "--quiet"].map(String::from)).unwrap();
        assert_eq!((config.port, config.quiet), (0, true));
        assert!(parse(["--port", "x"].map(String::from))
            .unwrap_err()
            .contains("--port"));
        assert!(parse(["--nope"].map(String::from))
            .unwrap_err()
            .contains("--nope"));
    }

    #[test]
    fn refuses_values_that_are_options_flags_with_values_and_empty_paths() {
        let error = |args: &[&str]| parse(args.iter().map(|a| a.to_string())).unwrap_err();
        assert_eq!(
            error(&["--data-dir", "--quiet"]),
            "--data-dir: expected a folder, got the option \"--quiet\" (write --data-dir=--quiet if that is the value)"
        );
        assert_eq!(error(&["--quiet=false"]), "--quiet: takes no value");
        assert_eq!(
            error(&["--exit-with-stdin=no"]),
            "--exit-with-stdin: takes no value"
        );
        assert_eq!(
            error(&["--data-dir", ""]),
            "--data-dir: expected a folder, got an empty value"
        );
        assert_eq!(
            error(&["--fork-state="]),
            "--fork-state: expected a JSON file, got an empty value"
        );
        let inline = parse(["--data-dir=--odd"].map(String::from)).unwrap();
        assert_eq!(inline.data_dir, Some(PathBuf::from("--odd")));
        // A negative number is a value, not an option.
        assert!(error(&["--port", "-1"]).contains("--port: expected 0..65535"));
    }
}
