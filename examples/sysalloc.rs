//! The `dedupe` command with the system allocator, for heap profilers that hook malloc
//! (`heaptrack target/release/examples/sysalloc AID REGISTER -o OUT`).

fn main() {
    std::process::exit(dedupe::commands::cli::main());
}
