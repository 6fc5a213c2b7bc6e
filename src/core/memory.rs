//! Memory sizes and this process's resident memory: what `--memory-limit` is given in and
//! checked against.
//!
//! In: a size as a user writes it (`4G`, `512MiB`, `1.5g`, `800000000`), or nothing.
//! Out: bytes; the process's resident memory now and at its peak (Linux `/proc/self`;
//! `None` elsewhere).

/// Bytes in a size written with an optional binary unit: `K`, `M`, `G` or `T` (powers of
/// 1,024, the way `free -h` and container limits count), optionally followed by `B` or
/// `iB`, in any case; a plain number is bytes. Fractions are allowed with a unit (`1.5G`).
pub(crate) fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let unit = unit.trim().to_ascii_uppercase();
    let unit = unit
        .strip_suffix("IB")
        .or_else(|| unit.strip_suffix('B'))
        .unwrap_or(&unit);
    let scale: u64 = match unit {
        "" => 1,
        "K" => 1 << 10,
        "M" => 1 << 20,
        "G" => 1 << 30,
        "T" => 1 << 40,
        _ => {
            return Err(format!(
                "{text:?} is not a size: write a number with K, M, G or T (for example 4G or 512M)"
            ))
        }
    };
    let value: f64 = number
        .parse()
        .ok()
        .filter(|v: &f64| v.is_finite() && *v > 0.0)
        .ok_or_else(|| {
            format!(
                "{text:?} is not a size: write a number above 0 with K, M, G or T (for example 4G)"
            )
        })?;
    let bytes = value * scale as f64;
    if bytes < 1.0 || bytes >= u64::MAX as f64 {
        return Err(format!("{text:?} is out of range: write a size such as 4G"));
    }
    Ok(bytes as u64)
}

/// A size for messages: `3.9 GiB`, `740 MiB`.
pub(crate) fn show_size(bytes: u64) -> String {
    const GIB: f64 = (1u64 << 30) as f64;
    const MIB: f64 = (1u64 << 20) as f64;
    let b = bytes as f64;
    if b >= GIB {
        format!("{:.1} GiB", b / GIB)
    } else {
        format!("{:.0} MiB", b / MIB)
    }
}

/// A `kB` line of `/proc/self/status` (`VmRSS`, `VmHWM`), in bytes.
fn status_kb(key: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status_field(&status, key)
}

fn status_field(status: &str, key: &str) -> Option<u64> {
    status.lines().find_map(|line| {
        let rest = line.strip_prefix(key)?.strip_prefix(':')?;
        let kb: u64 = rest.trim().strip_suffix("kB")?.trim().parse().ok()?;
        Some(kb * 1024)
    })
}

/// This process's resident memory now.
pub(crate) fn resident_bytes() -> Option<u64> {
    status_kb("VmRSS")
}

/// This process's highest resident memory so far.
pub(crate) fn peak_resident_bytes() -> Option<u64> {
    status_kb("VmHWM")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_users_write_them() {
        for (text, want) in [
            ("4G", 4u64 << 30),
            ("4g", 4 << 30),
            ("4GiB", 4 << 30),
            ("4 GB", 4 << 30),
            ("512M", 512 << 20),
            ("512mib", 512 << 20),
            ("1.5G", 3 << 29),
            ("64K", 64 << 10),
            ("2T", 2 << 40),
            ("800000000", 800_000_000),
            (" 1G ", 1 << 30),
        ] {
            assert_eq!(parse_size(text), Ok(want), "{text:?}");
        }
        for bad in [
            "", "G", "4X", "-1G", "0", "0G", "four", "4GG", "1e3G", "..5G",
        ] {
            let err = parse_size(bad).expect_err(bad);
            assert!(err.contains("size"), "{bad:?}: {err}");
        }
    }

    #[test]
    fn status_lines_give_bytes() {
        let status = "Name:\tdedupe\nVmHWM:\t 5169000 kB\nVmRSS:\t  601234 kB\n";
        assert_eq!(status_field(status, "VmHWM"), Some(5_169_000 * 1024));
        assert_eq!(status_field(status, "VmRSS"), Some(601_234 * 1024));
        assert_eq!(status_field(status, "VmSwap"), None);
        assert_eq!(status_field("VmRSS: lots\n", "VmRSS"), None);
    }

    #[test]
    fn this_process_has_resident_memory() {
        if cfg!(target_os = "linux") {
            let now = resident_bytes().expect("VmRSS on Linux");
            let peak = peak_resident_bytes().expect("VmHWM on Linux");
            assert!(now > 0 && peak >= now, "now {now}, peak {peak}");
        }
    }

    #[test]
    fn sizes_show_in_binary_units() {
        assert_eq!(show_size(4 << 30), "4.0 GiB");
        assert_eq!(show_size(3_900_000_000), "3.6 GiB");
        assert_eq!(show_size(740 << 20), "740 MiB");
    }
}
