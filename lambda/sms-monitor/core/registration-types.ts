/**
 * Readable names for registration types. The API returns codes such as
 * `US_TEN_DLC_CAMPAIGN_REGISTRATION`; new types appear over time, so names are composed from the
 * code's parts (country prefix, product, subject) instead of a closed list, and anything that does
 * not look like a type code is shown as it is (escaped by the templates like every API string).
 */

const WORDS: Readonly<Record<string, string>> = {
  TEN_DLC: '10DLC',
  TOLL_FREE: 'toll-free',
  SHORT_CODE: 'short code',
  LONG_CODE: 'long code',
  SENDER_ID: 'sender ID',
  BRAND: 'brand',
  CAMPAIGN: 'campaign',
  VETTING: 'vetting',
  REGISTRATION: 'registration',
  PRE_REGISTRATION: 'pre-registration',
  NUMBER: 'number',
  PHONE: 'phone',
};

// Longest first, so TEN_DLC wins over a single TEN.
const PHRASES = Object.keys(WORDS).sort((a, b) => b.length - a.length);

const COUNTRY_NAMES = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });

/** Registration families, for grouping similar types in summaries. */
export type RegistrationFamily = '10DLC' | 'Toll-free' | 'Short code' | 'Long code' | 'Sender ID' | 'Other';

export interface RegistrationTypeName {
  /** For example "United States 10DLC campaign registration". */
  readonly name: string;
  readonly family: RegistrationFamily;
}

/** The readable name and family of a registration type code. */
export function registrationTypeName(code: string): RegistrationTypeName {
  const family = familyOf(code);
  if (!/^[A-Z0-9_]{1,64}$/.test(code)) return { name: code, family };
  const parts = code.split('_');
  let country = '';
  if (parts.length > 1 && /^[A-Z]{2}$/.test(parts[0])) {
    const display = COUNTRY_NAMES.of(parts[0] === 'UK' ? 'GB' : parts[0]);
    // ZZ and other unassigned codes come back as "Unknown Region": keep the code's own letters then.
    if (display && display !== 'Unknown Region') {
      country = display;
      parts.shift();
    }
  }
  const words: string[] = [];
  let rest = parts.join('_');
  while (rest.length > 0) {
    const phrase = PHRASES.find((p) => rest === p || rest.startsWith(`${p}_`));
    if (phrase) {
      words.push(WORDS[phrase]);
      rest = rest.slice(phrase.length + 1);
    } else {
      const [word, ...tail] = rest.split('_');
      words.push(word.toLowerCase());
      rest = tail.join('_');
    }
  }
  const name = [country, ...words].filter(Boolean).join(' ');
  return { name: name.charAt(0).toUpperCase() + name.slice(1), family };
}

function familyOf(code: string): RegistrationFamily {
  if (code.includes('TEN_DLC')) return '10DLC';
  if (code.includes('TOLL_FREE')) return 'Toll-free';
  if (code.includes('SHORT_CODE')) return 'Short code';
  if (code.includes('LONG_CODE')) return 'Long code';
  if (code.includes('SENDER_ID')) return 'Sender ID';
  return 'Other';
}
