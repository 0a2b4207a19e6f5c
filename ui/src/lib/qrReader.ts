// A hand-held USB QR reader "types" what it reads: a burst of keystrokes far faster than any
// person, ended by Enter. This tells such a burst from typing, with no text field focused.

export type BurstOptions = {
  /** Longest pause between two keys of one burst. Nobody types twenty keys in a row under 50 ms apart; readers send one every few ms. */
  maxGapMs: number;
  /** Shortest payload taken as a scan; a card's QR is well over 40 characters. */
  minLength: number;
  /** Longest payload kept; anything longer is dropped as not a card. */
  maxLength: number;
};

export const DEFAULT_BURST: BurstOptions = { maxGapMs: 50, minLength: 20, maxLength: 2048 };

export class BurstDetector {
  private buffer = '';
  private last = -Infinity;

  constructor(private readonly opts: BurstOptions = DEFAULT_BURST) {}

  /**
   * Feeds one keydown (`KeyboardEvent.key` and its time stamp in ms). Returns the payload when
   * `Enter` closes a burst that was fast and long enough, else null.
   */
  feed(key: string, timeMs: number): string | null {
    const gap = timeMs - this.last;
    if (key === 'Enter') {
      const payload = this.buffer;
      this.reset();
      return payload.length >= this.opts.minLength && gap <= this.opts.maxGapMs ? payload : null;
    }
    // Shift, Alt and the like come between the characters of a burst.
    if ([...key].length !== 1) return null;
    if (gap > this.opts.maxGapMs || this.buffer.length >= this.opts.maxLength) this.buffer = '';
    this.buffer += key;
    this.last = timeMs;
    return null;
  }

  reset(): void {
    this.buffer = '';
    this.last = -Infinity;
  }
}

/**
 * Listens on `target` for reader bursts and calls `onscan` with each payload. Keys of a burst
 * are kept from reaching the page. Returns the function that stops listening.
 */
export function listenForReader(
  target: Window,
  onscan: (payload: string) => void,
  opts: BurstOptions = DEFAULT_BURST,
): () => void {
  const detector = new BurstDetector(opts);
  const onkey = (e: KeyboardEvent) => {
    if (e.ctrlKey || e.altKey || e.metaKey || e.isComposing) return;
    const payload = detector.feed(e.key, e.timeStamp);
    if (payload !== null) {
      e.preventDefault();
      onscan(payload.normalize('NFC'));
    }
  };
  target.addEventListener('keydown', onkey, true);
  return () => target.removeEventListener('keydown', onkey, true);
}
