//! Speech through espeak-ng's Vietnamese voice, played locally: the adapter
//! behind "Nghe". One utterance at a time; a new one (or `stop`) cuts the last.
//! Spoken text is never logged: it can carry a citizen's data.

use std::io::Write;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;

use serde::Deserialize;
use specta::Type;

use motcua_core::text;

/// Longest text spoken at once (characters).
pub const MAX_CHARS: usize = 4000;

/// How fast the voice speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum SpeechRate {
    Slow,
    Normal,
    Fast,
}

/// How loud the voice speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum SpeechVolume {
    Soft,
    Normal,
    Loud,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SpeechSettings {
    pub rate: SpeechRate,
    pub volume: SpeechVolume,
}

impl SpeechSettings {
    /// Words per minute (espeak-ng `-s`); slow is the default for seniors.
    fn words_per_minute(self) -> u32 {
        match self.rate {
            SpeechRate::Slow => 120,
            SpeechRate::Normal => 150,
            SpeechRate::Fast => 180,
        }
    }

    /// Amplitude (espeak-ng `-a`, 0–200, default 100).
    fn amplitude(self) -> u32 {
        match self.volume {
            SpeechVolume::Soft => 60,
            SpeechVolume::Normal => 110,
            SpeechVolume::Loud => 180,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SpeechError {
    #[error("nothing to say")]
    Empty,
    #[error("cannot run {program}: {source}")]
    Spawn {
        program: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{program} failed: {detail}")]
    Failed { program: String, detail: String },
}

/// The espeak-ng adapter.
pub struct Speech {
    program: String,
    voice: String,
    current: Mutex<Option<Child>>,
}

impl Default for Speech {
    fn default() -> Self {
        Self::new("espeak-ng", "vi")
    }
}

/// Text as espeak-ng gets it: NFC, no control characters, bounded.
pub fn clean(s: &str) -> Result<String, SpeechError> {
    let cleaned: String = text::nfc(s)
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(MAX_CHARS)
        .collect();
    let cleaned = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
    if cleaned.is_empty() {
        Err(SpeechError::Empty)
    } else {
        Ok(cleaned)
    }
}

impl Speech {
    pub fn new(program: &str, voice: &str) -> Self {
        Self {
            program: program.to_owned(),
            voice: voice.to_owned(),
            current: Mutex::new(None),
        }
    }

    fn command(&self, settings: SpeechSettings) -> Command {
        let mut cmd = Command::new(&self.program);
        cmd.args(["-v", &self.voice])
            .args(["-s", &settings.words_per_minute().to_string()])
            .args(["-a", &settings.amplitude().to_string()])
            .arg("--stdin")
            .stdin(Stdio::piped())
            .stdout(Stdio::null());
        cmd
    }

    fn spawn_with(&self, mut cmd: Command, text: &str) -> Result<Child, SpeechError> {
        let mut child = cmd.spawn().map_err(|source| SpeechError::Spawn {
            program: self.program.clone(),
            source,
        })?;
        if let Some(mut stdin) = child.stdin.take() {
            // A voice that died early closes the pipe; the exit status tells.
            let _ = stdin.write_all(text.as_bytes());
        }
        Ok(child)
    }

    /// Starts saying `text`, cutting whatever was being said.
    pub fn speak(&self, text: &str, settings: SpeechSettings) -> Result<(), SpeechError> {
        let text = clean(text)?;
        self.stop();
        let mut cmd = self.command(settings);
        cmd.stderr(Stdio::null());
        let child = self.spawn_with(cmd, &text)?;
        if let Ok(mut current) = self.current.lock() {
            *current = Some(child);
        }
        Ok(())
    }

    /// Stops speaking now.
    pub fn stop(&self) {
        if let Ok(mut current) = self.current.lock()
            && let Some(mut child) = current.take()
        {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Renders `text` to a WAV file and waits (tests, and checking the voice).
    pub fn synthesize(
        &self,
        text: &str,
        settings: SpeechSettings,
        wav: &Path,
    ) -> Result<(), SpeechError> {
        let text = clean(text)?;
        let mut cmd = self.command(settings);
        cmd.arg("-w").arg(wav).stderr(Stdio::piped());
        let child = self.spawn_with(cmd, &text)?;
        let out = child
            .wait_with_output()
            .map_err(|source| SpeechError::Spawn {
                program: self.program.clone(),
                source,
            })?;
        if out.status.success() {
            Ok(())
        } else {
            Err(SpeechError::Failed {
                program: self.program.clone(),
                detail: String::from_utf8_lossy(&out.stderr).trim().to_owned(),
            })
        }
    }
}

impl Drop for Speech {
    fn drop(&mut self) {
        self.stop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SLOW: SpeechSettings = SpeechSettings {
        rate: SpeechRate::Slow,
        volume: SpeechVolume::Normal,
    };

    /// Seconds of audio in a 16-bit mono WAV file espeak-ng wrote.
    fn wav_seconds(path: &Path) -> f64 {
        let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{e}"));
        assert!(bytes.len() > 44 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WAVE");
        let rate = u32::from_le_bytes([bytes[24], bytes[25], bytes[26], bytes[27]]);
        let block = u16::from_le_bytes([bytes[32], bytes[33]]);
        (bytes.len() - 44) as f64 / f64::from(rate) / f64::from(block)
    }

    #[test]
    fn clean_text_is_nfc_single_spaced_and_bounded() {
        assert_eq!(
            clean("  Xin\u{7} cha\u{300}o\n\nÔng/Bà ").ok().as_deref(),
            Some("Xin chào Ông/Bà")
        );
        assert!(matches!(clean(" \n\t "), Err(SpeechError::Empty)));
        let long = "a ".repeat(10_000);
        assert!(clean(&long).is_ok_and(|s| s.chars().count() <= MAX_CHARS));
    }

    #[test]
    fn the_vietnamese_voice_speaks_and_slower_is_longer() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let speech = Speech::default();
        let sentence = "Ông/Bà muốn làm thủ tục gì? Lệ phí tám nghìn đồng.";
        let slow = dir.path().join("slow.wav");
        let fast = dir.path().join("fast.wav");
        speech
            .synthesize(sentence, SLOW, &slow)
            .unwrap_or_else(|e| panic!("espeak-ng (apt-get install espeak-ng): {e}"));
        let fast_settings = SpeechSettings {
            rate: SpeechRate::Fast,
            ..SLOW
        };
        speech
            .synthesize(sentence, fast_settings, &fast)
            .unwrap_or_else(|e| panic!("{e}"));
        let (s, f) = (wav_seconds(&slow), wav_seconds(&fast));
        assert!(s > 2.0, "a whole sentence lasted only {s:.2}s");
        assert!(
            s > f * 1.2,
            "slow {s:.2}s is not clearly longer than fast {f:.2}s"
        );
    }

    #[test]
    fn a_missing_voice_program_is_an_error_not_a_panic() {
        let speech = Speech::new("/nonexistent/espeak-ng", "vi");
        assert!(matches!(
            speech.speak("Xin chào", SLOW),
            Err(SpeechError::Spawn { .. })
        ));
    }

    #[test]
    fn stop_cuts_a_long_utterance() {
        let speech = Speech::default();
        // Speaking plays to the sound card; without one espeak-ng exits on
        // its own. Either way stop() must leave nothing running.
        let long = "Một hai ba bốn năm sáu bảy tám chín mười. ".repeat(50);
        speech.speak(&long, SLOW).unwrap_or_else(|e| panic!("{e}"));
        speech.stop();
        let left = speech.current.lock().map(|c| c.is_some()).unwrap_or(true);
        assert!(!left, "a voice process is still held after stop()");
    }
}
