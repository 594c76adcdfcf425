//! Ethernet pcap in and out (pcap-file: a maintained pure-Rust reader/writer, so the
//! CLI needs no libpcap).

use anyhow::{bail, Context, Result};
use pcap_file::pcap::{PcapHeader, PcapPacket, PcapReader, PcapWriter};
use pcap_file::{DataLink, Endianness, TsResolution};
use std::fs::File;
use std::io::{BufReader, BufWriter};
use std::path::Path;
use std::time::Duration;

/// One captured frame.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frame {
    pub timestamp: Duration,
    pub data: Vec<u8>,
    /// The capture cut the frame short (snap length, or a record cut off at end of file).
    pub truncated: bool,
}

/// Read every frame of an Ethernet pcap. A record cut off at the end of the file is
/// returned as one truncated frame rather than an error, so it is counted as a drop.
pub fn read_frames(path: &Path) -> Result<Vec<Frame>> {
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut reader = PcapReader::new(BufReader::new(file))
        .map_err(|e| anyhow::anyhow!("{} is not a pcap file ({e})", path.display()))?;
    let datalink = reader.header().datalink;
    if datalink != DataLink::ETHERNET {
        bail!("{}: link type {:?} is not Ethernet", path.display(), datalink);
    }
    let mut frames = Vec::new();
    while let Some(pkt) = reader.next_packet() {
        match pkt {
            Ok(p) => frames.push(Frame {
                timestamp: p.timestamp,
                truncated: (p.orig_len as usize) > p.data.len(),
                data: p.data.into_owned(),
            }),
            Err(pcap_file::PcapError::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                frames.push(Frame { timestamp: Duration::ZERO, data: Vec::new(), truncated: true });
                break;
            }
            Err(e) => bail!("{}: bad pcap record after {} frames ({e})", path.display(), frames.len()),
        }
    }
    Ok(frames)
}

/// Write frames to an Ethernet pcap as tcpdump does: microsecond timestamps, the host's
/// byte order.
pub fn write_frames(path: &Path, frames: &[Frame]) -> Result<()> {
    write_with(path, frames, TsResolution::MicroSecond)
}

/// [`write_frames`] with nanosecond timestamps (tcpdump `--time-stamp-precision=nano`):
/// for frames timed by a simulated clock whose period is a few nanoseconds.
pub fn write_frames_nanos(path: &Path, frames: &[Frame]) -> Result<()> {
    write_with(path, frames, TsResolution::NanoSecond)
}

fn write_with(path: &Path, frames: &[Frame], ts_resolution: TsResolution) -> Result<()> {
    let file = File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    let header =
        PcapHeader { datalink: DataLink::ETHERNET, endianness: Endianness::native(), ts_resolution, ..Default::default() };
    let mut w = PcapWriter::with_header(BufWriter::new(file), header)
        .with_context(|| format!("cannot write {}", path.display()))?;
    for f in frames {
        w.write_packet(&PcapPacket::new(f.timestamp, f.data.len() as u32, &f.data))
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The file starts with the magic number in the host's byte order, as tcpdump writes it
    /// (libpcap `pcap_dump_open`), and reads back.
    #[test]
    fn written_in_host_byte_order_and_read_back() {
        let dir = std::env::temp_dir().join(format!("rco-pcap-io-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let frames = vec![Frame { timestamp: Duration::new(3, 5_000), data: vec![0xAB; 60], truncated: false }];
        for (name, magic) in [("us.pcap", 0xa1b2_c3d4u32), ("ns.pcap", 0xa1b2_3c4d)] {
            let path = dir.join(name);
            if name == "us.pcap" {
                write_frames(&path, &frames).unwrap();
            } else {
                write_frames_nanos(&path, &frames).unwrap();
            }
            let bytes = std::fs::read(&path).unwrap();
            assert_eq!(bytes[..4], magic.to_ne_bytes(), "{name}");
            assert_eq!(read_frames(&path).unwrap(), frames, "{name}");
        }
        std::fs::remove_dir_all(dir).unwrap();
    }
}
