//! The `dedupe` binary: all logic lives in the library; see `dedupe::commands::cli`.

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(dedupe::commands::cli::main());
}
