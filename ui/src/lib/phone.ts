// Vietnamese mobile numbers as a citizen types them on the numeric pad.

/** Ten digits starting 03, 05, 07, 08 or 09: a Vietnamese mobile number. */
export function isMobile(digits: string): boolean {
  return /^0[35789][0-9]{8}$/.test(digits);
}

/** Groups digits the way numbers are read aloud and printed: "0912 345 678". */
export function groupPhone(digits: string): string {
  const d = digits.replace(/\D/g, '');
  return [d.slice(0, 4), d.slice(4, 7), d.slice(7, 10)].filter((p) => p.length > 0).join(' ');
}

/** The pad's effect on what has been typed so far, never longer than `max` digits. */
export function padInput(current: string, key: string, max: number): string {
  if (key === 'back') return current.slice(0, -1);
  if (key === 'clear') return '';
  if (/^[0-9]$/.test(key) && current.length < max) return current + key;
  return current;
}
