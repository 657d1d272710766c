// Pure helpers behind the MIIT verification SMS tracker, kept out of components so Vitest can
// test them.

/** A phone number as lists show it: 138****0000. */
export function maskPhone(phone: string): string {
  const chars = Array.from(phone);
  if (chars.length <= 7) return "*".repeat(chars.length);
  return chars.map((c, i) => (i < 3 || i >= chars.length - 4 ? c : "*")).join("");
}

/** Seconds until `deadline` (ISO), at `now` (ms since the epoch); never below zero. */
export function secondsLeft(deadline: string | null, now: number): number | null {
  if (!deadline) return null;
  return Math.max(0, Math.floor((Date.parse(deadline) - now) / 1000));
}

/** "23:59:58" for a countdown. */
export function countdown(seconds: number): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor((seconds % 3600) / 60))}:${pad(seconds % 60)}`;
}
