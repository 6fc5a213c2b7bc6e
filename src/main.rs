//! The `dedupe` binary: all logic lives in the library; see `dedupe::cli`.

fn main() {
    std::process::exit(dedupe::cli::main());
}
