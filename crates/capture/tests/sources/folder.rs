//! `FolderSource` and `ReplayPages`.

use std::path::Path;

use motcua_capture::folder::MAX_REPLAY_PAGES;
use motcua_capture::{CaptureError, FolderSource, PageSource, ReplayPages, SourceKind};
use motcua_scan::{DecodeError, LimitError, MAX_FILE_BYTES};

use crate::{jpeg_of, level, png_of};

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    std::fs::write(dir.join(name), bytes).unwrap();
}

#[test]
fn images_come_in_name_order_chosen_by_content_not_name() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "b.png", &png_of(100));
    write(dir.path(), "a.dat", &jpeg_of(50, 300)); // a JPEG under another name
    write(dir.path(), "c.jpg", b"not an image at all");
    write(dir.path(), "._a.jpg", &[0, 5, 22, 7, 0, 2, 0, 0]); // AppleDouble
    write(dir.path(), "d.PNG", &png_of(200));
    write(dir.path(), "empty.jpg", b"");
    write(dir.path(), "notes.txt", b"hello");
    std::fs::create_dir(dir.path().join("sub.jpg")).unwrap();
    write(&dir.path().join("sub.jpg"), "inner.png", &png_of(10));

    let mut source = FolderSource::open(dir.path()).unwrap();
    assert_eq!(source.kind(), SourceKind::Folder);
    assert_eq!(
        source.describe(),
        format!("folder {} (7 files)", dir.path().display())
    );
    let a = source.capture().unwrap();
    assert_eq!((level(&a), a.source_dpi), (50, Some(300)));
    assert!(a.bytes.starts_with(&[0xFF, 0xD8, 0xFF]));
    let b = source.capture().unwrap();
    assert_eq!((level(&b), b.source_dpi), (100, None));
    assert_eq!(b.bytes, png_of(100), "the file's bytes, unchanged");
    assert_eq!(level(&source.capture().unwrap()), 200);
    let exhausted = CaptureError::Exhausted {
        folder: dir.path().to_path_buf(),
        taken: 3,
        skipped: 4,
    };
    assert_eq!(source.capture().unwrap_err(), exhausted);
    assert_eq!(source.capture().unwrap_err(), exhausted, "and stays so");
    assert_eq!(
        (source.taken(), source.skipped(), source.remaining()),
        (3, 4, 0)
    );
}

#[test]
fn damaged_images_are_refused_by_position_and_the_next_one_follows() {
    let dir = tempfile::tempdir().unwrap();
    let good = jpeg_of(80, 200);
    write(dir.path(), "1 citizen name.jpg", &good);
    write(dir.path(), "2 citizen name.jpg", &good[..good.len() / 2]); // cut short
    let mut png_garbage = b"\x89PNG\r\n\x1a\n".to_vec();
    png_garbage.extend_from_slice(&[0xAB; 100]);
    write(dir.path(), "3 citizen name.png", &png_garbage);
    write(dir.path(), "4 citizen name.png", &png_of(160));

    let mut source = FolderSource::open(dir.path()).unwrap();
    assert_eq!(level(&source.capture().unwrap()), 80);
    for position in [2, 3] {
        let err = source.capture().unwrap_err();
        match &err {
            CaptureError::FileRefused {
                position: p,
                source: DecodeError::Damaged { .. },
                ..
            } => assert_eq!(*p, position),
            other => panic!("{other:?}"),
        }
        assert!(
            !err.to_string().contains("citizen"),
            "a file name leaked: {err}"
        );
    }
    assert_eq!(level(&source.capture().unwrap()), 160);
    assert!(matches!(
        source.capture().unwrap_err(),
        CaptureError::Exhausted {
            taken: 2,
            skipped: 0,
            ..
        }
    ));
}

#[test]
fn an_image_over_the_size_limit_is_refused_before_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    // A sparse file: a PNG's first bytes, then a hole past the limit.
    let big = std::fs::File::create(dir.path().join("a.png")).unwrap();
    std::io::Write::write_all(&mut &big, b"\x89PNG\r\n\x1a\n").unwrap();
    big.set_len(MAX_FILE_BYTES + 1).unwrap();
    // A large file that is not an image is passed over, not refused.
    let video = std::fs::File::create(dir.path().join("b.mp4")).unwrap();
    video.set_len(MAX_FILE_BYTES * 2).unwrap();
    write(dir.path(), "c.png", &png_of(30));

    let mut source = FolderSource::open(dir.path()).unwrap();
    assert_eq!(
        source.capture().unwrap_err(),
        CaptureError::FileRefused {
            folder: dir.path().to_path_buf(),
            position: 1,
            source: DecodeError::Limit(LimitError::FileTooLarge {
                bytes: MAX_FILE_BYTES + 1
            }),
        }
    );
    assert_eq!(level(&source.capture().unwrap()), 30);
    assert!(matches!(
        source.capture().unwrap_err(),
        CaptureError::Exhausted {
            taken: 1,
            skipped: 1,
            ..
        }
    ));
}

#[test]
fn a_broken_link_is_unreadable_and_a_named_pipe_is_passed_over() {
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(dir.path().join("gone.jpg"), dir.path().join("a.jpg")).unwrap();
    // Opening a named pipe would wait for a writer forever.
    let made = std::process::Command::new("mkfifo")
        .arg(dir.path().join("b.jpg"))
        .status()
        .unwrap();
    assert!(made.success());
    std::os::unix::fs::symlink("c.png", dir.path().join("d-link.png")).unwrap();
    write(dir.path(), "c.png", &png_of(70));

    let mut source = FolderSource::open(dir.path()).unwrap();
    assert!(matches!(
        source.capture().unwrap_err(),
        CaptureError::FileUnreadable { position: 1, .. }
    ));
    // The pipe is skipped; the image and the link to it follow.
    assert_eq!(level(&source.capture().unwrap()), 70);
    assert_eq!(level(&source.capture().unwrap()), 70);
    assert!(matches!(
        source.capture().unwrap_err(),
        CaptureError::Exhausted {
            taken: 2,
            skipped: 1,
            ..
        }
    ));
}

#[test]
fn missing_and_empty_folders() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("not-mounted");
    assert!(matches!(
        FolderSource::open(&missing).unwrap_err(),
        CaptureError::Folder { folder, .. } if folder == missing
    ));
    let mut empty = FolderSource::open(dir.path()).unwrap();
    assert_eq!(
        empty.capture().unwrap_err(),
        CaptureError::Exhausted {
            folder: dir.path().to_path_buf(),
            taken: 0,
            skipped: 0
        }
    );
}

#[test]
fn replay_pages_loop_over_their_buffers() {
    assert_eq!(
        ReplayPages::new(Vec::new()).unwrap_err(),
        CaptureError::EmptyReplay
    );
    let mut replay =
        ReplayPages::new(vec![png_of(1), jpeg_of(2, 150), b"damaged".to_vec()]).unwrap();
    assert_eq!(replay.kind(), SourceKind::Replay);
    assert_eq!(replay.describe(), "replay of 3 pages");
    assert_eq!(replay.len(), 3);
    let captures: Vec<_> = (0..4).map(|_| replay.capture().unwrap()).collect();
    assert_eq!(level(&captures[0]), 1);
    assert_eq!(captures[1].source_dpi, Some(150));
    // Any bytes may be replayed, so the pipeline's errors can be tested.
    assert_eq!(captures[2].bytes, b"damaged");
    assert!(motcua_scan::process(&captures[2].bytes).is_err());
    assert_eq!(captures[3], captures[0]);
}

#[test]
fn a_replay_folder_is_read_whole_when_opened() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(
        ReplayPages::from_folder(dir.path()).unwrap_err(),
        CaptureError::NoImages {
            folder: dir.path().to_path_buf()
        }
    );
    write(dir.path(), "readme.txt", b"pages for the demo");
    write(dir.path(), "2.png", &png_of(20));
    write(dir.path(), "1.jpg", &jpeg_of(10, 72));
    let mut replay = ReplayPages::from_folder(dir.path()).unwrap();
    assert_eq!(
        replay.describe(),
        format!("replay of {} (2 pages)", dir.path().display())
    );
    // Files removed after opening do not matter: all was read.
    std::fs::remove_file(dir.path().join("2.png")).unwrap();
    let levels: Vec<u8> = (0..5).map(|_| level(&replay.capture().unwrap())).collect();
    assert_eq!(levels, [10, 20, 10, 20, 10]);

    for i in 0..MAX_REPLAY_PAGES {
        write(dir.path(), &format!("p{i:03}.png"), &png_of(5));
    }
    assert!(matches!(
        ReplayPages::from_folder(dir.path()).unwrap_err(),
        CaptureError::ReplayTooLarge {
            max_pages: MAX_REPLAY_PAGES,
            ..
        }
    ));
}
