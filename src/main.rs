//! The `dedupe` binary: all logic lives in the library; see `dedupe::commands::cli`.

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc's `mi_option_e` (the same index in its v2 and v3
/// headers): milliseconds before freed memory goes back to the OS.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() {
    // Freed memory goes back to the OS after 200 ms: a run frees large tables stage by
    // stage, and its peak resident memory is what limits the size of register a machine
    // can check, while memory freed and taken again within a stage is reused instead of
    // being cleared by the kernel a second time (city scale, 2 cores: peak 390 -> 460 MiB,
    // system time 0.8-1.8 -> 0.65-0.8 s together with the setting below).
    // SAFETY: sets an integer option of the allocator; no pointer is passed.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 200) };
    // No transparent huge pages: the allocator asks for them on its arenas, and each first
    // touch of a 2 MiB page then clears all of it; with memory handed back and taken again
    // that clearing was up to a third of the run's CPU time, and varied from run to run.
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes integer arguments only and affects this process.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
    std::process::exit(dedupe::commands::cli::main().code());
}
