// Vietnamese number formatting: digits grouped by "." ("8.000"), no locale data needed.

/** 8000 → "8.000"; negative numbers keep their sign; non-integers are rounded. */
export function groupThousands(n: number): string {
  if (!Number.isFinite(n)) return '';
  const sign = n < 0 ? '-' : '';
  const digits = String(Math.round(Math.abs(n)));
  return sign + digits.replace(/\B(?=(\d{3})+(?!\d))/g, '.');
}

/** 8000 → "8.000 đồng". */
export function formatDong(n: number): string {
  return `${groupThousands(n)} đồng`;
}
