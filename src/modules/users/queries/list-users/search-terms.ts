import { normalisePhone } from '../../domain/phone-number';

/**
 * Splits a free-text search into terms (at most 5). A term that looks like part of a phone number
 * also matches phone numbers; `+62…` / `62…` prefixes are rewritten to the stored national `0…` form.
 */
export function searchTerms(q: string | undefined, withPhones: boolean): Array<{ name: string; phoneDigits?: string }> {
  const words = (q ?? '').split(/\s+/).filter(Boolean).slice(0, 5);
  return words.map((word) => {
    if (!withPhones || !/^\+?\d{3,}$/.test(word)) return { name: word };
    const full = normalisePhone(word);
    const digits = full ?? (word.startsWith('+62') ? `0${word.slice(3)}` : word.replace(/^\+/, ''));
    return { name: word, phoneDigits: digits };
  });
}
