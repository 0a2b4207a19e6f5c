// The citizen's display choices for this session. Reset when the session ends ("Xong").

import { COLOR_MODES, nextInCycle, TEXT_SIZES, type ColorModeName, type TextSize } from './theme';
import type { StringKey } from './strings';
import type { SpeechRate, SpeechVolume } from './bindings';

export const DEFAULT_TEXT_SIZE: TextSize = 'medium';
export const DEFAULT_COLOR_MODE: ColorModeName = 'highLight';
/** Seniors follow a slow voice best. */
export const DEFAULT_SPEECH_RATE: SpeechRate = 'slow';
export const DEFAULT_SPEECH_VOLUME: SpeechVolume = 'normal';

export const prefs = $state({
  textSize: DEFAULT_TEXT_SIZE as TextSize,
  colorMode: DEFAULT_COLOR_MODE as ColorModeName,
  speechRate: DEFAULT_SPEECH_RATE as SpeechRate,
  speechVolume: DEFAULT_SPEECH_VOLUME as SpeechVolume,
});

export function cycleTextSize(): void {
  prefs.textSize = nextInCycle(TEXT_SIZES, prefs.textSize);
}

export function cycleColorMode(): void {
  prefs.colorMode = nextInCycle(COLOR_MODES, prefs.colorMode);
}

export function resetPrefs(): void {
  prefs.textSize = DEFAULT_TEXT_SIZE;
  prefs.colorMode = DEFAULT_COLOR_MODE;
  prefs.speechRate = DEFAULT_SPEECH_RATE;
  prefs.speechVolume = DEFAULT_SPEECH_VOLUME;
}

export const TEXT_SIZE_LABEL: Record<TextSize, StringKey> = {
  medium: 'prefs.textSize.medium',
  large: 'prefs.textSize.large',
  xlarge: 'prefs.textSize.xlarge',
};

export const COLOR_MODE_LABEL: Record<ColorModeName, StringKey> = {
  highLight: 'prefs.contrast.highLight',
  highDark: 'prefs.contrast.highDark',
  standard: 'prefs.contrast.standard',
};
