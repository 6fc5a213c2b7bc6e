//! The `dedupe` binary: all logic lives in the library; see `dedupe::commands::cli`.

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc's `mi_option_e` (v2 header): milliseconds before
/// freed memory goes back to the OS.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() {
    // Return freed memory at once: a run frees large tables stage by stage, and its peak
    // resident memory is what limits the size of register a machine can check (measured:
    // 680 -> 545 MiB at city scale, no measurable time cost).
    // SAFETY: sets an integer option of the allocator; no pointer is passed.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0) };
    std::process::exit(dedupe::commands::cli::main());
}
