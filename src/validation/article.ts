/**
 * `name` with its indefinite article, for messages: `a Task`, `an Input`, `an AiAssistParameters`, and
 * `a User`, `a UserAppIDSet`, `a Uint8Array`.
 *
 * The article follows the sound, not the letter. The names we print are message, enum and class names,
 * so one rule is enough: a vowel letter takes "an", except a "U" said "you": before a single consonant
 * and a vowel (User, Unique, Usage), before an "i" (Uint8Array), or as the letter itself (URL, UI). A "U"
 * before two consonants (Unknown, Update, Ultra) keeps "an".
 * @internal
 */
export function withArticle(name: string): string {
  const an = /^[AEIOU]/.test(name) && !SAID_YOU.test(name);
  return `${an ? "an" : "a"} ${name}`;
}

const SAID_YOU = /^U(?:[^aeiou][aeiou]|i|[A-Z]|$)/;
