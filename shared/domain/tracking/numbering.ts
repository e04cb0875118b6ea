/**
 * Lot and serial numbers the MES assigns (issue 14): a material's pattern (MaterialInput
 * `lotNumberPattern`, `serialNumberPattern`), filled with the plant's date, the material id and
 * a counter per material and kind that only goes up (keys.trackingCounter), so a number is
 * never made twice even when the date part repeats.
 */

export const DEFAULT_LOT_PATTERN = '{MATERIAL}-{YY}{MM}{DD}-{SEQ:4}';
export const DEFAULT_SERIAL_PATTERN = '{MATERIAL}-{SEQ:6}';

export interface NumberParts {
  /** The plant's calendar date, YYYY-MM-DD (in its time zone). */
  date: string;
  materialId: string;
  /** The counter's value for this number, from 1. */
  seq: number;
}

/** The number a pattern gives; a counter wider than its digits keeps all its digits. */
export function formatNumber(pattern: string, parts: NumberParts): string {
  const [yyyy = '', mm = '', dd = ''] = parts.date.split('-');
  return pattern.replace(/\{(YYYY|YY|MM|DD|MATERIAL|SEQ:(\d+))\}/g, (_all, token: string, width?: string) => {
    if (width) return String(parts.seq).padStart(Number(width), '0');
    switch (token) {
      case 'YYYY':
        return yyyy;
      case 'YY':
        return yyyy.slice(2);
      case 'MM':
        return mm;
      case 'DD':
        return dd;
      default:
        return parts.materialId;
    }
  });
}
